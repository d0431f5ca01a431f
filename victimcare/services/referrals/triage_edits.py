"""What a caseworker records or corrects at triage besides the routing facts: the DASH answers (a self-referral or
an API referral may come without them) and the victim's contact details. Both change only a referral still
waiting for triage; each change and its audit event go in one transaction (audit: field names, never values)."""
from dataclasses import dataclass
from dataclasses import replace as _replace

from ...domain.clock import utc_now
from ...domain.contact_details import InvalidContactDetail, parse_email, parse_phone
from ...domain.dash import count_yes
from ...extensions import db
from ...models import PERSON_SENSITIVE_FIELDS, Person, Referral, RiskAssessment
from .. import audit
from ..errors import Conflict, ValidationFailed
from ..actors import Actor
from .create import _assess_dash
from .inputs import ContactDetails, DashAnswers
from .overrides import load_for_change

CONTACT_FLAGS = ("may_phone", "may_leave_voicemail", "may_write", "may_email", "may_text")


@dataclass
class ContactChanges(ContactDetails):
    """The victim's contact details as the caseworker leaves them at triage: every value replaces the old one
    (the form shows what is recorded, so a blank means it was cleared)."""


def _waiting(actor: Actor, reference: str) -> Referral:
    referral = load_for_change(actor, reference, "referral.triage")
    if referral.status != "triage":
        raise Conflict("This referral has already been triaged.")
    return referral


def record_dash_at_triage(actor: Actor, reference: str, dash: DashAnswers) -> RiskAssessment:
    """Record (or change, as a new assessment) the DASH answers of a referral waiting for triage. The referral
    takes the new level and MARAC decision; confirming triage routes on them."""
    referral = _waiting(actor, reference)
    now = utc_now()
    if dash.answers is not None:
        dash = _replace(dash, yes_count=count_yes(dash.answers))
    try:
        result = _assess_dash(dash, referral.person, now)
    except ValueError as error:
        raise ValidationFailed(errors=[{"field": "professional_judgement_reason", "message": str(error)}]) from None
    assessment = RiskAssessment(
        referral_id=referral.id, answers=dash.answers, yes_count=result.yes_count,
        actuarial_level=result.actuarial_level, level=result.level,
        professional_judgement=result.professional_judgement,
        professional_judgement_reason=(dash.professional_judgement_reason or "").strip() or None,
        incidents_last_12_months=dash.incidents_last_12_months, marac=result.marac,
        marac_reasons=list(result.marac_reasons), assessed_at=now, assessed_by_id=actor.user_id,
    )
    db.session.add(assessment)
    before = {"dash_level": referral.dash_level, "marac": referral.marac}
    referral.dash_level, referral.marac = result.level, result.marac
    db.session.flush()
    audit.record(actor, "create", "risk_assessment", assessment.id, referral_id=referral.id,
                 changes={"at": "triage", "yes_count": result.yes_count, "dash_level": result.level,
                          "marac": result.marac})
    changes = audit.describe_changes(before, {"dash_level": referral.dash_level, "marac": referral.marac})
    if changes:
        audit.record(actor, "update", "referral", referral.id, referral_id=referral.id, changes=changes)
    return assessment


def checked_contact(contact: ContactChanges) -> tuple[ContactChanges, list[dict]]:
    """The contact details in their stored form, and every problem with them (the form's field names)."""
    errors = []
    try:
        contact = _replace(contact, phone=parse_phone(contact.phone))
    except InvalidContactDetail as error:
        errors.append({"field": "phone", "message": error.message})
    try:
        contact = _replace(contact, email=parse_email(contact.email))
    except InvalidContactDetail as error:
        errors.append({"field": "email", "message": error.message})
    if contact.may_write and not (contact.address or "").strip():
        errors.append({"field": "address", "message": "Enter their postal address, or untick writing to them by post"})
    if contact.interpreter_needed and not (contact.first_language or "").strip():
        errors.append({"field": "first_language", "message": "Enter the language they need an interpreter for"})
    return contact, errors


def apply_contact(person: Person, contact: ContactChanges) -> dict:
    """Put the checked contact details on the person; returns the audit changes (field names only for personal
    values)."""
    names = ("phone", "email", "address", "safe_contact_notes", "interpreter_needed", "first_language") + CONTACT_FLAGS
    before = {name: getattr(person, name) for name in names}
    for name in names:
        value = getattr(contact, name)
        if isinstance(value, str):
            value = value.strip() or None
        setattr(person, name, value)
    after = {name: getattr(person, name) for name in names}
    return audit.describe_changes(before, after, PERSON_SENSITIVE_FIELDS | {"interpreter_needed"})
