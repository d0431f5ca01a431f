"""Case work: reading cases and recording what advocates do. Each change checks the actor's service,
writes its audit event in the same transaction, and respects the case's version (no lost updates)."""
from datetime import datetime

from flask import g, has_request_context
from ..domain.access import can_see_service_record, has_permission
from ..domain.deadlines import london_date, working_days_between
from ..domain.vocab import CONTACT_METHODS, CONTACT_OUTCOMES, slugs
from ..extensions import db
from ..models import Case, ContactAttempt
from . import audit
from .actors import Actor
from .errors import Conflict, NotFound, PermissionDenied, ValidationFailed


def _load_case(actor: Actor, case_id: int, permission: str) -> Case:
    """The case, if the actor's service holds it; otherwise 404, so its existence is not revealed."""
    case = db.session.get(Case, case_id)
    if case is None or not can_see_service_record(actor.principal, case.service_id):
        if has_request_context():
            g.denied_object_type, g.denied_object_id = "case", str(case_id)
        raise NotFound("Case not found")
    if not has_permission(actor.principal, permission):
        raise PermissionDenied("You do not have permission to do this")
    return case


def _check_version(case: Case, expected_version: int | None) -> None:
    if expected_version is not None and case.version != expected_version:
        raise Conflict(
            "Someone else changed this case after you opened it. Nothing of yours was saved; "
            "reload the case to see their change, then try again.",
            current_version=case.version,
        )


def get_case(actor: Actor, case_id: int) -> Case:
    case = _load_case(actor, case_id, "case.view")
    audit.record(actor, "view", "case", case.id, referral_id=case.referral_id, case_id=case.id, service_id=case.service_id)
    db.session.commit()
    return case


def record_contact(
    actor: Actor, case_id: int, at: datetime, method: str, outcome: str, note: str | None = None,
    expected_version: int | None = None,
) -> ContactAttempt:
    """Record a contact attempt. The first successful one stops the first-contact clock."""
    case = _load_case(actor, case_id, "case.work")
    _check_version(case, expected_version)
    errors = []
    if method not in slugs(CONTACT_METHODS):
        errors.append({"field": "method", "message": f"Choose a contact method: {', '.join(slugs(CONTACT_METHODS))}"})
    if outcome not in slugs(CONTACT_OUTCOMES):
        errors.append({"field": "outcome", "message": f"Choose an outcome: {', '.join(slugs(CONTACT_OUTCOMES))}"})
    if at is None or at.tzinfo is None:
        errors.append({"field": "at", "message": "Enter the date and time of the contact, with a time zone"})
    elif at < case.received_at:
        errors.append({"field": "at", "message": "The contact cannot be before the referral was received"})
    if errors:
        raise ValidationFailed(errors=errors)
    attempt = ContactAttempt(case_id=case.id, at=at, method=method, outcome=outcome, note=note,
                             created_by_id=actor.user_id)
    db.session.add(attempt)
    changes = {"method": method, "outcome": outcome}
    if outcome == "reached" and (case.first_contacted_at is None or at < case.first_contacted_at):
        contacted_on = london_date(at)
        case.first_contacted_at = at
        case.first_contact_working_days = working_days_between(london_date(case.received_at), contacted_on)
        case.first_contact_in_time = contacted_on <= case.first_contact_due
        changes["first_contact_in_time"] = case.first_contact_in_time
    db.session.flush()
    audit.record(actor, "create", "contact_attempt", attempt.id, referral_id=case.referral_id, case_id=case.id,
                 service_id=case.service_id, changes=changes)
    db.session.commit()
    return attempt
