"""The people around the victim that a referral records: the person causing harm (domestic abuse), the children in
the household, and a child victim's parent or carer. Checked with the referral, written in its transaction; the
audit event names the fields given, never their values."""
from dataclasses import replace

from ...domain.contact_details import InvalidContactDetail, parse_phone
from ...domain.referral_validation import EARLIEST_DATE
from ...domain.vocab import (
    CHILDREN_IN_HOUSEHOLD,
    PARENT_CARER_RELATIONSHIPS,
    PERPETRATOR_RELATIONSHIPS,
    slugs,
)
from ...extensions import db
from ...models import ParentCarer, Perpetrator, Referral
from .. import audit
from ..actors import Actor
from .inputs import ReferralInput


def household_problems(data: ReferralInput, today) -> tuple[ReferralInput, list[dict]]:
    """The referral with the parent or carer's phone in its stored form, and every problem found in these
    answers (API field paths, as validate_referral gives them)."""
    errors = []
    perpetrator, carer = data.perpetrator, data.parent_carer
    if perpetrator is not None:
        born = perpetrator.date_of_birth
        if born is not None and born > today:
            errors.append({"field": "perpetrator.date_of_birth",
                           "message": "Their date of birth must be today or in the past"})
        elif born is not None and born < EARLIEST_DATE:
            errors.append({"field": "perpetrator.date_of_birth",
                           "message": "Their date of birth must be on or after 1 January 1900"})
        if perpetrator.relationship_to_victim not in (None, *slugs(PERPETRATOR_RELATIONSHIPS)):
            errors.append({"field": "perpetrator.relationship", "message": "Choose who they are to the victim"})
    if carer is not None:
        if not (carer.name or "").strip():
            errors.append({"field": "parent_carer.name", "message": "Enter the parent or carer's name"})
        if carer.relationship_to_victim not in (None, *slugs(PARENT_CARER_RELATIONSHIPS)):
            errors.append({"field": "parent_carer.relationship", "message": "Choose who they are to the child"})
        try:
            carer = replace(carer, phone=parse_phone(carer.phone))
        except InvalidContactDetail as error:
            errors.append({"field": "parent_carer.phone", "message": error.message})
    if data.children_in_household not in (None, *slugs(CHILDREN_IN_HOUSEHOLD)):
        errors.append({"field": "children_in_household", "message": "Say whether there are children in the household"})
    return replace(data, parent_carer=carer), errors


def record_household(actor: Actor, referral: Referral, data: ReferralInput) -> None:
    """Add the perpetrator and the parent or carer given with a new referral, each with its audit event."""
    referral.children_in_household = data.children_in_household
    referral.household_children_details = data.household_children_details
    if data.perpetrator is not None:
        p = data.perpetrator
        row = Perpetrator(referral_id=referral.id, name=(p.name or "").strip() or None,
                          relationship_to_victim=p.relationship_to_victim, date_of_birth=p.date_of_birth,
                          lives_with_victim=p.lives_with_victim)
        _add(actor, referral, row, "perpetrator")
    if data.parent_carer is not None:
        c = data.parent_carer
        row = ParentCarer(referral_id=referral.id, name=c.name.strip(), relationship_to_victim=c.relationship_to_victim,
                          phone=c.phone, safe_to_contact=c.safe_to_contact, notes=(c.notes or "").strip() or None)
        _add(actor, referral, row, "parent-carer")


def _add(actor: Actor, referral: Referral, row, object_type: str) -> None:
    db.session.add(row)
    db.session.flush()
    given = sorted(name for name in ("name", "relationship_to_victim", "date_of_birth", "lives_with_victim", "phone",
                                     "safe_to_contact", "notes") if getattr(row, name, None) is not None)
    audit.record(actor, "create", object_type, row.id, referral_id=referral.id, changes={"fields": given})
