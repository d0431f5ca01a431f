"""Service-specific steps an advocate records on a case (stored as CaseStep rows, one table for all).

Each service has its own ordered list of (slug, label) steps. Slugs are stored: never rename one, add a new one.
Restorative justice is special: either party may withdraw consent at any stage, and that stops the process.
"""
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


class StepRefused(ValueError):
    """A step that cannot be recorded; the message says why."""


def steps_for(service_slug: str) -> Vocabulary:
    return SERVICE_STEPS.get(service_slug, ())


def check_step(service_slug: str, step: str, recorded_steps: set[str] | frozenset[str]) -> None:
    """Check that ``step`` belongs to the service and may follow the steps already recorded."""
    if step not in {slug for slug, _ in steps_for(service_slug)}:
        raise StepRefused("Choose one of this service's steps.")
    if service_slug == "restorative-justice" and RJ_WITHDRAWAL in recorded_steps:
        raise StepRefused("Consent was withdrawn, which stopped the restorative justice process. "
                          "No further steps can be recorded.")


def process_stopped(service_slug: str, recorded_steps: set[str] | frozenset[str]) -> bool:
    return service_slug == "restorative-justice" and RJ_WITHDRAWAL in recorded_steps
