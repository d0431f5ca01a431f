"""What each service does beyond the common case work, as data: its steps, its own pages and forms, its flags.

This is the one place that knows a service by its slug. Everything else asks ``features_of(slug)`` (or
``service.features`` on a Service row) whether a case has, say, a Complaint page, and never compares slugs: a
test fails if a module outside this one does.

Service-specific steps an advocate records on a case are stored as CaseStep rows, one table for all. Each service
has its own ordered list of (slug, label) steps. Slugs are stored: never rename one, add a new one. Restorative
justice is special: either party may withdraw consent at any stage, and that stops the process.
"""
from dataclasses import dataclass

from .vocab import Vocabulary

SERVICE_STEPS: dict[str, Vocabulary] = {
    "domestic-abuse": (
        ("dash-reassessment", "DASH risk reassessed"),
        ("marac-referral", "Referred to MARAC"),
        ("marac-meeting", "MARAC meeting held"),
        ("marac-actions", "MARAC actions agreed"),
        ("safety-plan", "Safety plan agreed"),
    ),
    "child-house": (
        ("house-accepted", "Referral accepted by the house"),
        ("abe-interview", "ABE interview held"),
        ("medical", "Paediatric medical"),
        ("therapy-started", "Therapy started"),
        ("court-support", "Court support"),
    ),
    "restorative-justice": (
        ("rj-contact", "Early contact made"),
        ("rj-victim-meeting", "Facilitator met the victim"),
        ("rj-offender-meeting", "Facilitator met the offender"),
        ("rj-victim-consent", "Victim's written consent"),
        ("rj-offender-consent", "Offender's written consent"),
        ("rj-risk-assessment", "Risk assessment completed"),
        ("rj-specialist-risk-assessment", "Specialist risk assessment completed"),
        ("rj-preparation", "Preparation completed"),
        ("rj-direct-meeting", "Direct meeting (conference) held"),
        ("rj-indirect-meeting", "Indirect communication exchanged"),
        ("rj-outcome-agreement", "Outcome agreement made"),
        ("rj-follow-up", "Follow-up completed"),
        ("rj-consent-withdrawn", "Consent withdrawn: process stopped"),
    ),
    "hate-crime": (
        ("strands-confirmed", "Strands confirmed with the victim"),
        ("reported-to-police", "Incident reported to police"),
        ("not-reported-to-police", "Victim chose not to report to police"),
        ("advocacy-action", "Advocacy action"),
    ),
    # The complaint's agency, Code right and the agency's response are fields on the case (its Complaint page).
    "victims-commissioner": (),
    "victim-support": (),
}

# Once recorded, no further restorative justice step may be recorded.
RJ_WITHDRAWAL = "rj-consent-withdrawn"
# The meeting stages of restorative justice wait for both parties' written consent (RJC standards).
RJ_WRITTEN_CONSENTS = ("rj-victim-consent", "rj-offender-consent")
RJ_MEETING_STAGES = ("rj-preparation", "rj-direct-meeting", "rj-indirect-meeting", "rj-outcome-agreement")
# Stalking, harassment, trafficking and child sexual exploitation: a flagged RJ case (Case.specialist_risk_reason)
# records this assessment before any meeting stage.
RJ_SPECIALIST_ASSESSMENT = "rj-specialist-risk-assessment"


@dataclass(frozen=True)
class ServiceFeatures:
    """What a service's cases have beyond notes, contacts, tasks and the support plan."""

    steps: Vocabulary = ()
    stopping_step: str | None = None    # a step after which no other may be recorded (consent withdrawn)
    # Steps that wait for others: {step: the steps that must be recorded first}.
    prerequisites: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # On a case flagged "specialist risk assessment needed", these steps wait for this one as well.
    specialist_assessment_step: str | None = None
    specialist_gated_steps: tuple[str, ...] = ()
    safeguarding_lead: bool = False     # a named safeguarding lead (Child House)
    dash_reassessment: bool = False     # DASH reassessments and their history (domestic abuse)
    marac: bool = False                 # a case may be referred to MARAC (domestic abuse)
    complaint: bool = False             # the Complaint page: agency, Code right, the agency's response (VC)
    general_support: bool = False       # where victims go when no specialist service fits (victim support)


FEATURES: dict[str, ServiceFeatures] = {
    "domestic-abuse": ServiceFeatures(SERVICE_STEPS["domestic-abuse"], dash_reassessment=True, marac=True),
    "child-house": ServiceFeatures(SERVICE_STEPS["child-house"], safeguarding_lead=True),
    "restorative-justice": ServiceFeatures(
        SERVICE_STEPS["restorative-justice"], stopping_step=RJ_WITHDRAWAL,
        prerequisites=tuple((stage, RJ_WRITTEN_CONSENTS) for stage in RJ_MEETING_STAGES),
        specialist_assessment_step=RJ_SPECIALIST_ASSESSMENT, specialist_gated_steps=RJ_MEETING_STAGES),
    "hate-crime": ServiceFeatures(SERVICE_STEPS["hate-crime"]),
    "victims-commissioner": ServiceFeatures(SERVICE_STEPS["victims-commissioner"], complaint=True),
    "victim-support": ServiceFeatures(SERVICE_STEPS["victim-support"], general_support=True),
}
NO_FEATURES = ServiceFeatures()


def features_of(service_slug: str | None) -> ServiceFeatures:
    """The features of the service with this slug (none for a service this version does not know)."""
    return FEATURES.get(service_slug or "", NO_FEATURES)


class StepRefused(ValueError):
    """A step that cannot be recorded; the message says why."""


def steps_for(service_slug: str) -> Vocabulary:
    return features_of(service_slug).steps


def check_step(service_slug: str, step: str, recorded_steps: set[str] | frozenset[str],
               specialist_assessment_needed: bool = False) -> None:
    """Check that ``step`` belongs to the service and may follow the steps already recorded. On a case flagged
    ``specialist_assessment_needed`` the meeting stages also wait for the specialist risk assessment."""
    if step not in {slug for slug, _ in steps_for(service_slug)}:
        raise StepRefused("Choose one of this service's steps.")
    if process_stopped(service_slug, recorded_steps):
        raise StepRefused("Consent was withdrawn, which stopped the restorative justice process. "
                          "No further steps can be recorded.")
    needed = dict(features_of(service_slug).prerequisites).get(step, ())
    missing = [name for slug, name in steps_for(service_slug) if slug in needed and slug not in recorded_steps]
    if missing:
        raise StepRefused(f"Record these first: {', '.join(missing).lower()}. Both parties' written consent "
                          "comes before any meeting.")
    features = features_of(service_slug)
    if (specialist_assessment_needed and step in features.specialist_gated_steps
            and features.specialist_assessment_step not in recorded_steps):
        raise StepRefused("Record the specialist risk assessment first: this case needs one before any meeting "
                          "stage (stalking, harassment, trafficking or child sexual exploitation).")


def process_stopped(service_slug: str, recorded_steps: set[str] | frozenset[str]) -> bool:
    """A stopping step (restorative justice consent withdrawn) has been recorded: nothing more may be."""
    stop = features_of(service_slug).stopping_step
    return stop is not None and stop in recorded_steps
