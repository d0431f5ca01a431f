"""Restricted records: marking a person restricted, the check every read of their records passes, and the SQL that
lists show them by. Break-glass access and its review live in services/break_glass.py.

The rule itself is domain/access.py (may_restrict, may_open_record); this module gathers the facts it needs. A
restricted person's case or referral, opened by someone not named on the restriction and without break-glass
access in force, raises RestrictedRecord: the pages offer break-glass, the API answers 404.
"""
from dataclasses import dataclass

from sqlalchemy import and_, delete, exists, literal, null, select
from sqlalchemy import case as sa_case

from ..domain.access import (
    RESTRICTED_RECORD_LABEL,
    RecordAccess,
    bypasses_restrictions,
    may_open_record,
    may_restrict,
)
from ..domain.clock import utc_now
from ..domain.vocab import RESTRICTION_REASONS, slugs
from ..extensions import db
from ..models import BreakGlassAccess, Case, Person, RecordRestriction, RecordRestrictionUser, Referral, User
from . import audit
from .actors import Actor
from .errors import Forbidden, NotFound, Refusal, ValidationFailed


class RestrictedRecord(Refusal):
    """The record is restricted and the actor is not named on it: break the glass (pages) or 404 (API)."""

    status_code = 403

    def __init__(self, person_id: int, *, object_type: str, object_id, case_id: int | None = None,
                 referral_id: int | None = None, reference: str | None = None):
        super().__init__("This record is restricted", object_type=object_type, object_id=object_id,
                         permission="record.restricted")
        self.person_id = person_id
        self.case_id = case_id
        self.referral_id = referral_id
        self.reference = reference


def record_access(actor: Actor, person_id: int | None) -> RecordAccess:
    """The facts about the actor and this person's record: restricted, named on it, break-glass until when."""
    if person_id is None or db.session.get(RecordRestriction, person_id) is None:
        return RecordAccess(restricted=False)
    if actor.user_id is None:
        return RecordAccess(restricted=True)
    named = db.session.get(RecordRestrictionUser, (person_id, actor.user_id)) is not None
    until = db.session.scalar(
        select(BreakGlassAccess.expires_at)
        .where(BreakGlassAccess.person_id == person_id, BreakGlassAccess.user_id == actor.user_id)
        .order_by(BreakGlassAccess.expires_at.desc()).limit(1)
    )
    return RecordAccess(restricted=True, named=named, break_glass_until=until)


def may_open(actor: Actor, person_id: int | None) -> bool:
    return may_open_record(actor.principal, record_access(actor, person_id), utc_now(),
                           through_api=actor.token_id is not None)


def check_case(actor: Actor, case: Case) -> None:
    """Refuse a restricted case to someone it does not open for (after their role's own check has passed)."""
    person_id = case.referral.person_id
    if not may_open(actor, person_id):
        raise RestrictedRecord(person_id, object_type="case", object_id=case.id, case_id=case.id,
                               referral_id=case.referral_id)


def check_referral(actor: Actor, referral: Referral) -> None:
    if not may_open(actor, referral.person_id):
        raise RestrictedRecord(referral.person_id, object_type="referral", object_id=referral.id,
                               referral_id=referral.id, reference=referral.reference)


def hidden_from(actor: Actor, person_id_column, now=None):
    """SQL: true where the row's person is restricted and does not open for the actor (lists show "Restricted
    record" for it). One indexed lookup a row, in the list's own query. `now` (default: the clock now) is the
    moment break-glass access is judged at; a list that keeps its built statement passes a named parameter and
    gives it the time on every run."""
    if bypasses_restrictions(actor.principal):
        return literal(False)
    restricted = exists(select(RecordRestriction.person_id).where(RecordRestriction.person_id == person_id_column))
    named = exists(select(RecordRestrictionUser.user_id).where(
        RecordRestrictionUser.person_id == person_id_column, RecordRestrictionUser.user_id == actor.user_id))
    conditions = [restricted, ~named]
    if actor.token_id is None:
        conditions.append(~exists(select(BreakGlassAccess.id).where(
            BreakGlassAccess.person_id == person_id_column, BreakGlassAccess.user_id == actor.user_id,
            BreakGlassAccess.expires_at > (utc_now() if now is None else now))))
    return and_(*conditions)


def masked(hidden, given_name, family_name, *others):
    """List columns with a hidden row's values replaced: "Restricted record" for the name, nothing for the rest,
    so a list shows the row (it still needs work and counts) without saying whose it is."""
    return [
        sa_case((hidden, literal(RESTRICTED_RECORD_LABEL)), else_=given_name).label("given_name"),
        sa_case((hidden, literal("")), else_=family_name).label("family_name"),
        *(sa_case((hidden, null()), else_=column).label(column.key) for column in others),
    ]


def is_restricted(person_id: int | None) -> bool:
    return person_id is not None and db.session.get(RecordRestriction, person_id) is not None


# --- marking a person restricted -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Restriction:
    """A person's restriction as its page shows it: why, and who is named (ids), or None when not restricted."""

    reason: str | None
    named_user_ids: frozenset[int]


def restriction_of(person_id: int) -> Restriction | None:
    row = db.session.get(RecordRestriction, person_id)
    if row is None:
        return None
    named = db.session.scalars(select(RecordRestrictionUser.user_id).where(RecordRestrictionUser.person_id == person_id))
    return Restriction(row.reason, frozenset(named))


def staff_who_may_be_named(person_id: int) -> list[User]:
    """Those whose role lets them see this person's records: every active caseworker, and the active advocates of
    the services holding one of the person's cases."""
    services = select(Case.service_id).join(Referral, Case.referral_id == Referral.id).where(
        Referral.person_id == person_id)
    return list(db.session.scalars(
        select(User).where(User.active.is_(True), (User.role == "caseworker")
                           | ((User.role == "advocate") & User.service_id.in_(services)))
        .order_by(User.name, User.id)
    ))


def _require_may_restrict(actor: Actor, person_id: int) -> Person:
    if not may_restrict(actor.principal):
        raise Forbidden("Only caseworkers and service leads can restrict a record", permission="record.restrict")
    person = db.session.get(Person, person_id)
    if person is None:
        raise NotFound("Person not found", object_type="person", object_id=person_id)
    if not may_open(actor, person_id):
        raise RestrictedRecord(person_id, object_type="person", object_id=person_id)
    return person


def set_restriction(actor: Actor, person_id: int, reason: str, named_user_ids) -> Restriction:
    """Restrict the person's records (or change who is named and why). The actor is always named, so nobody locks
    themselves out. Audited with the reason's slug and the named users' ids."""
    _require_may_restrict(actor, person_id)
    if reason not in slugs(RESTRICTION_REASONS):
        raise ValidationFailed(errors=[{"field": "reason", "message": "Choose why the record is restricted"}])
    allowed = {user.id for user in staff_who_may_be_named(person_id)}
    chosen = {int(uid) for uid in named_user_ids}
    if chosen - allowed:
        raise ValidationFailed(errors=[{"field": "named", "message": "Choose people from the list"}])
    chosen.add(actor.user_id)
    before = restriction_of(person_id)
    row = db.session.get(RecordRestriction, person_id)
    if row is None:
        row = RecordRestriction(person_id=person_id, reason=reason, created_by_id=actor.user_id)
        db.session.add(row)
    row.reason = reason
    db.session.flush()
    db.session.execute(delete(RecordRestrictionUser).where(RecordRestrictionUser.person_id == person_id))
    db.session.add_all(RecordRestrictionUser(person_id=person_id, user_id=uid) for uid in sorted(chosen))
    db.session.flush()
    changes = {"restricted": {"before": before is not None, "after": True},
               "reason": {"before": before.reason if before else None, "after": reason},
               "named_user_ids": {"before": sorted(before.named_user_ids) if before else [], "after": sorted(chosen)}}
    audit.record(actor, "update", "person_restriction", person_id, changes=changes)
    return Restriction(reason, frozenset(chosen))


def lift_restriction(actor: Actor, person_id: int) -> None:
    """End the restriction: the person's records open again for everyone their role allows."""
    _require_may_restrict(actor, person_id)
    before = restriction_of(person_id)
    if before is None:
        return
    db.session.execute(delete(RecordRestrictionUser).where(RecordRestrictionUser.person_id == person_id))
    db.session.execute(delete(RecordRestriction).where(RecordRestriction.person_id == person_id))
    db.session.flush()
    audit.record(actor, "update", "person_restriction", person_id,
                 changes={"restricted": {"before": True, "after": False}, "reason": {"before": before.reason,
                                                                                      "after": None}})
