"""What only some services record on their cases: service steps (MARAC referral, ABE interview, RJ consent...),
DASH reassessment (domestic abuse), the safeguarding lead (Child House) and the complaint and agency response
(Victims' Commissioner)."""
from datetime import date

from flask import current_app
from sqlalchemy import select

from ...domain.clock import london_today, utc_now
from ...domain.complaints import response_due
from ...domain.dash import assess_dash
from ...domain.deadlines import HolidayDataUnavailable, covered_years, london_date
from ...domain.service_features import StepRefused, check_step, steps_for
from ...domain.vocab import COMPLAINT_AGENCIES, VICTIMS_CODE_RIGHTS, label, slugs
from ...extensions import db
from ...models import Case, CaseStep, RiskAssessment
from .. import audit
from ..actors import Actor
from ..errors import ValidationFailed
from ..risk import dash_thresholds, last_marac_referral_on
from . import locking
from .locking import audit_case, load_case

# The Victims' Commissioner complaint on a case, and the agency's response to it.
COMPLAINT_FIELDS = ("complaint_agency", "complaint_code_right", "response_requested_on", "response_due_on",
                    "response_received_on")


def record_step(actor: Actor, case_id: int, step: str, occurred_on: date | None, detail: str | None = None,
                expected_version: int | None = None) -> CaseStep:
    """A service-specific step (MARAC referral, ABE interview, RJ consent...) with its date."""
    case = load_case(actor, case_id, "case.work")
    locking.check_version(case, expected_version)
    recorded = set(db.session.scalars(select(CaseStep.step).where(CaseStep.case_id == case.id)))
    errors = []
    try:
        check_step(case.service.slug, step, recorded, specialist_assessment_needed=bool(case.specialist_risk_reason))
    except StepRefused as refused:
        errors.append({"field": "step", "message": str(refused)})
    if occurred_on is None:
        errors.append({"field": "occurred_on", "message": "Enter the date of the step"})
    elif occurred_on > london_today():
        errors.append({"field": "occurred_on", "message": "The date cannot be in the future"})
    if errors:
        raise ValidationFailed(errors=errors)
    recorded_step = CaseStep(case_id=case.id, step=step, occurred_on=occurred_on,
                             detail=(detail or "").strip() or None, created_by_id=actor.user_id)
    db.session.add(recorded_step)
    locking.save_case(case, expected_version)
    audit_case(actor, "create", "case_step", recorded_step.id, case,
               {"step": step, "step_label": label(steps_for(case.service.slug), step), "occurred_on": occurred_on})
    return recorded_step


def reassess_dash(actor: Actor, case_id: int, yes_count: int, professional_judgement: bool = False,
                  professional_judgement_reason: str | None = None, incidents_last_12_months: int | None = None,
                  expected_version: int | None = None) -> RiskAssessment:
    """A new DASH assessment on a domestic-abuse case. It joins the case's risk history; a high level or a MARAC
    decision raises the case to high priority and flags MARAC (a reassessment never lowers them: that is a
    professional decision recorded by closing or re-routing, not by a lower score)."""
    case = load_case(actor, case_id, "case.work")
    locking.check_version(case, expected_version)
    if not case.service.features.dash_reassessment:
        raise ValidationFailed(errors=[{"field": "yes_count", "message": "Only domestic-abuse cases have DASH assessments"}])
    now = utc_now()
    try:
        result = assess_dash(
            yes_count, professional_judgement=professional_judgement,
            professional_judgement_reason=professional_judgement_reason,
            incidents_last_12_months=incidents_last_12_months,
            last_marac_referral_on=last_marac_referral_on(case.referral.person, before=now),
            assessed_on=london_date(now), thresholds=dash_thresholds(),
        )
    except ValueError as error:
        field = "professional_judgement_reason" if "reason" in str(error) else "yes_count"
        raise ValidationFailed(errors=[{"field": field, "message": str(error)}])
    assessment = RiskAssessment(
        referral_id=case.referral_id, case_id=case.id, yes_count=result.yes_count,
        actuarial_level=result.actuarial_level, level=result.level, professional_judgement=result.professional_judgement,
        professional_judgement_reason=(professional_judgement_reason or "").strip() or None,
        incidents_last_12_months=incidents_last_12_months, marac=result.marac,
        marac_reasons=list(result.marac_reasons), assessed_at=now, assessed_by_id=actor.user_id,
    )
    db.session.add(assessment)
    before = {"priority": case.priority, "marac": case.marac}
    if result.marac or result.level == "high":
        case.priority = "high"
    case.marac = case.marac or result.marac
    locking.save_case(case, expected_version)
    changes = {"dash_level": result.level, "yes_count": result.yes_count, "marac": result.marac}
    changes.update(audit.describe_changes(before, {"priority": case.priority, "marac": case.marac}))
    audit_case(actor, "create", "risk_assessment", assessment.id, case, changes)
    return assessment


def set_safeguarding_lead(actor: Actor, case_id: int, name: str, expected_version: int | None = None) -> Case:
    """Name the safeguarding lead for a Child House case (a member of staff, so the name is not sensitive)."""
    case = load_case(actor, case_id, "case.work")
    locking.check_version(case, expected_version)
    if not case.service.features.safeguarding_lead:
        raise ValidationFailed(errors=[{"field": "name", "message": "Only Child House cases have a named safeguarding lead"}])
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise ValidationFailed(errors=[{"field": "name", "message": "Enter the safeguarding lead's name (up to 120 characters)"}])
    before = case.safeguarding_lead
    case.safeguarding_lead = name
    locking.save_case(case, expected_version)
    audit_case(actor, "update", "case", case.id, case, {"safeguarding_lead": {"before": before, "after": name}})
    return case


def _response_dates(case: Case, requested_on: date | None, received_on: date | None, errors: list) -> date | None:
    """Check the agency response's dates (appending to ``errors``) and return the response's due date."""
    today = london_today()
    due_on = case.response_due_on if requested_on == case.response_requested_on else None
    if requested_on is not None:
        if requested_on > today:
            errors.append({"field": "requested_on", "message": "The date the response was requested cannot be in the future"})
        elif due_on is None:
            try:
                due_on = response_due(requested_on, current_app.config["VC_RESPONSE_WORKING_DAYS"])
            except HolidayDataUnavailable:
                errors.append({"field": "requested_on",
                               "message": f"Enter a date the response was requested from {min(covered_years())} onwards"})
    if received_on is not None:
        if received_on > today:
            errors.append({"field": "received_on", "message": "The date the response was received cannot be in the future"})
        elif requested_on is None:
            errors.append({"field": "received_on",
                           "message": "Enter the date the response was requested as well as the date it was received"})
        elif received_on < requested_on:
            errors.append({"field": "received_on",
                           "message": "The date the response was received cannot be before the date it was requested"})
    return due_on if requested_on is not None else None


def record_complaint(actor: Actor, case_id: int, *, agency: str | None, code_right: str | None,
                     requested_on: date | None = None, received_on: date | None = None,
                     expected_version: int | None = None) -> Case:
    """The complaint on a Victims' Commissioner case: the agency it is about, the Victims' Code right, and when
    the agency was asked to respond and answered.

    The response is due VC_RESPONSE_WORKING_DAYS working days after the request. The due date is worked out when
    the request date is recorded or changed, so a later change to the setting does not move existing deadlines;
    clearing the request date clears it.
    """
    case = load_case(actor, case_id, "case.work")
    locking.check_version(case, expected_version)
    if not case.service.features.complaint:
        raise ValidationFailed(errors=[{"field": "agency",
                                        "message": "Only Victims' Commissioner cases record a complaint"}])
    errors = []
    if agency not in slugs(COMPLAINT_AGENCIES):
        errors.append({"field": "agency", "message": "Choose the agency the complaint is about"})
    if code_right not in slugs(VICTIMS_CODE_RIGHTS):
        errors.append({"field": "code_right", "message": "Choose the Victims' Code right the complaint is about"})
    due_on = _response_dates(case, requested_on, received_on, errors)
    if errors:
        raise ValidationFailed(errors=errors)
    before = {name: getattr(case, name) for name in COMPLAINT_FIELDS}
    case.complaint_agency, case.complaint_code_right = agency, code_right
    case.response_requested_on, case.response_received_on = requested_on, received_on
    case.response_due_on = due_on
    changes = audit.describe_changes(before, {name: getattr(case, name) for name in COMPLAINT_FIELDS})
    if not changes:
        return case  # saved as it was: no new version, nothing to audit
    locking.save_case(case, expected_version)
    audit_case(actor, "update", "case", case.id, case, changes)
    return case
