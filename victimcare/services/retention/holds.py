"""Legal holds: a data protection officer or a service lead stops the retention schedule purging a person's records
(court proceedings, an open complaint or subject access request), with a reason; the hold is lifted with a reason.

A person is found by one of their referrals' references (the DPO works from references, never names). A lead may
hold only a person their service has a case for; anyone else is told the reference is not found (404), so a
reference's existence is not revealed. Audit events hold the coded reason and ids, never the words.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ...domain.access import may_place_legal_hold, may_use_legal_holds, sees_every_legal_hold
from ...domain.clock import utc_now
from ...domain.vocab import LEGAL_HOLD_REASONS, slugs
from ...extensions import db
from ...models import Case, LegalHold, Person, Referral, User
from .. import audit
from ..actors import Actor
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed

MAX_TEXT = 2000


@dataclass(frozen=True)
class HeldPerson:
    """Who a hold is about, as the pages may show it: a referral reference, never a name."""

    person_id: int
    reference: str
    service_ids: frozenset[int]


def require_holds(actor: Actor) -> None:
    if not may_use_legal_holds(actor.principal):
        raise Forbidden("Only the data protection officer and service leads manage legal holds",
                        object_type="legal_hold", object_id=None)


def find_person(actor: Actor, reference: str) -> HeldPerson:
    """The person behind a referral reference, if the actor may hold their records; otherwise 404."""
    require_holds(actor)
    reference = (reference or "").strip().upper()
    row = db.session.execute(
        select(Referral.person_id, Person.purged_at).join(Person, Person.id == Referral.person_id)
        .where(Referral.reference == reference)).first()
    if row is None or row.purged_at is not None:
        raise NotFound("There is no referral with that reference", object_type="referral", object_id=reference)
    return _checked(actor, row.person_id, reference)


def _checked(actor: Actor, person_id: int, reference: str) -> HeldPerson:
    services = frozenset(db.session.scalars(
        select(Case.service_id).join(Referral, Referral.id == Case.referral_id)
        .where(Referral.person_id == person_id).distinct()))
    if not may_place_legal_hold(actor.principal, set(services)):
        raise NotFound("There is no referral with that reference", object_type="referral", object_id=reference)
    return HeldPerson(person_id, reference, services)


def current_hold(person_id: int) -> LegalHold | None:
    return db.session.scalar(select(LegalHold).where(LegalHold.person_id == person_id,
                                                     LegalHold.lifted_at.is_(None)))


def _text(value: str | None, field: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationFailed(errors=[{"field": field, "message": message}])
    if len(text) > MAX_TEXT:
        raise ValidationFailed(errors=[{"field": field, "message": f"Keep it to {MAX_TEXT} characters"}])
    return text


def place_hold(actor: Actor, reference: str, reason: str, detail: str | None) -> LegalHold:
    """Hold the person behind ``reference`` from the purge, with a coded reason and the details in words."""
    person = find_person(actor, reference)
    if reason not in slugs(LEGAL_HOLD_REASONS):
        raise ValidationFailed(errors=[{"field": "reason", "message": "Choose why the records must be kept"}])
    words = _text(detail, "detail", "Say what the hold is for, for example the case number and court")
    if current_hold(person.person_id) is not None:
        raise Conflict("These records are already on legal hold.")
    hold = LegalHold(person_id=person.person_id, reason=reason, detail=words, placed_by_id=actor.user_id,
                     placed_at=utc_now())
    db.session.add(hold)
    db.session.flush()
    audit.record(actor, "hold-placed", "person", person.person_id,
                 changes={"legal_hold": hold.id, "reason": reason, "detail": "recorded"})
    return hold


def get_hold(actor: Actor, hold_id: int) -> tuple[LegalHold, str]:
    """A hold and the reference it is shown by, for someone who may lift it; otherwise 404."""
    require_holds(actor)
    hold = db.session.get(LegalHold, hold_id) if 0 < hold_id < 2**31 else None
    reference = _reference_of(hold.person_id) if hold else None
    if hold is None or reference is None:
        raise NotFound("Legal hold not found", object_type="legal_hold", object_id=hold_id)
    try:
        _checked(actor, hold.person_id, reference)
    except NotFound:
        raise NotFound("Legal hold not found", object_type="legal_hold", object_id=hold_id) from None
    return hold, reference


def view_hold(actor: Actor, hold_id: int) -> tuple[LegalHold, str]:
    """A hold shown on its page: audited as a view of the held person's record."""
    hold, reference = get_hold(actor, hold_id)
    audit.record(actor, "view", "person", hold.person_id, changes={"legal_hold": hold.id})
    return hold, reference


def lift_hold(actor: Actor, hold_id: int, reason: str | None) -> LegalHold:
    hold, _ = get_hold(actor, hold_id)
    if hold.lifted_at is not None:
        raise Conflict("This hold has already been lifted.")
    hold.lift_reason = _text(reason, "reason", "Say why the hold can be lifted")
    hold.lifted_at, hold.lifted_by_id = utc_now(), actor.user_id
    db.session.flush()
    audit.record(actor, "hold-lifted", "person", hold.person_id,
                 changes={"legal_hold": hold.id, "lift_reason": "recorded"})
    return hold


def _reference_of(person_id: int) -> str | None:
    """The person's latest referral reference (how holds are shown)."""
    return _references([person_id]).get(person_id)


@dataclass(frozen=True)
class HoldRow:
    id: int
    reference: str
    reason: str
    placed_at: datetime
    placed_by: str | None


def current_holds(actor: Actor) -> list[HoldRow]:
    """Holds in force the actor may see: every one for the DPO; a lead's, those of people their service holds."""
    require_holds(actor)
    query = (select(LegalHold.id, LegalHold.person_id, LegalHold.reason, LegalHold.placed_at, User.name)
             .outerjoin(User, User.id == LegalHold.placed_by_id)
             .where(LegalHold.lifted_at.is_(None)).order_by(LegalHold.placed_at))
    if not sees_every_legal_hold(actor.principal):
        own = (select(Referral.person_id).join(Case, Case.referral_id == Referral.id)
               .where(Case.service_id == actor.principal.service_id))
        query = query.where(LegalHold.person_id.in_(own))
    rows = db.session.execute(query).all()
    references = _references([row.person_id for row in rows])
    audit.record(actor, "list", "legal_hold", None, changes={"rows": len(rows)})
    return [HoldRow(row.id, references.get(row.person_id, ""), row.reason, row.placed_at, row.name) for row in rows]


def _references(person_ids: list[int]) -> dict[int, str]:
    """Each person's latest referral reference, in one query."""
    found: dict[int, str] = {}
    if not person_ids:
        return found
    for person_id, reference in db.session.execute(
            select(Referral.person_id, Referral.reference).where(Referral.person_id.in_(person_ids))
            .order_by(Referral.person_id, Referral.received_at, Referral.id)):
        found[person_id] = reference
    return found
