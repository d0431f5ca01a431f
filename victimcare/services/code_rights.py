"""Victims' Code events on a case, and the state of its twelve rights.

Advocates record events on their own service's cases (the case page's "Victims' Code" tab, the API); caseworkers
and their API tokens on any case, since police decisions reach victims through the victim care unit
(``domain/access.may_see_code_rights_of``). Like every write to a case, an event bumps the case's version. Its
audit event names the right, the event and the timing, never the note's text.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..domain.access import may_see_code_rights_of
from ..domain.clock import london_today, utc_now
from ..domain.code_rights import DECISION_EVENTS, RightStatus, decision_timing, event_problems, right_statuses
from ..extensions import db
from ..models import Case, CodeEvent, User
from . import audit, restricted
from .actors import Actor, require
from .cases import locking
from .errors import NotFound, ValidationFailed


def load_case_for_code_rights(actor: Actor, case_id: int, permission: str = "code-rights.view") -> Case:
    """The case, if the actor may see its Code rights; otherwise 404, so its existence is not revealed."""
    case = db.session.get(Case, case_id) if 0 < case_id < 2**31 else None
    if case is None or not may_see_code_rights_of(actor.principal, case.service_id):
        raise NotFound("Case not found", object_type="case", object_id=case_id)
    require(actor, permission, "Your role cannot record what happened under the Victims' Code")
    restricted.check_case(actor, case)
    return case


def record_code_event(actor: Actor, case_id: int, right: str, event: str, at: datetime | None,
                      decision_at: datetime | None = None, note: str | None = None, decision: str | None = None,
                      expected_version: int | None = None) -> CodeEvent:
    """Record what happened under one of the Code's rights. A police decision told to the victim is timed
    against its deadline (1 working day for enhanced victims, 5 for others) once, here."""
    case = load_case_for_code_rights(actor, case_id, "code-rights.record")
    locking.check_version(case, expected_version)
    errors = event_problems(right, event, at, decision_at, utc_now(), decision=decision)
    if errors:
        raise ValidationFailed(errors=errors)
    timing = decision_timing(decision_at, at, case.enhanced) if event in DECISION_EVENTS else None
    row = CodeEvent(case_id=case.id, right=right, event=event, at=at, decision_at=decision_at, decision=decision,
                    working_days=timing.working_days if timing else None, in_time=timing.in_time if timing else None,
                    note=(note or "").strip() or None, recorded_by_id=actor.user_id)
    db.session.add(row)
    locking.save_case(case, expected_version)
    changes = {"right": right, "event": event, "has_note": row.note is not None}
    if timing:
        changes.update(decision=decision, working_days=timing.working_days, in_time=timing.in_time)
    audit.record(actor, "create", "code_event", row.id, referral_id=case.referral_id, case_id=case.id,
                 service_id=case.service_id, changes={**changes, "version": case.version})
    return row


@dataclass(frozen=True)
class CaseCodeRights:
    case: Case
    rights: list[RightStatus]  # each right's events are CodeEvent rows, oldest first
    recorded_by: dict[int, str]  # user id -> name, for the events' "recorded by"
    crime_reference_given: bool = False  # the referral carries a crime reference: the police recorded the crime


def case_code_rights(actor: Actor, case_id: int) -> CaseCodeRights:
    """The twelve rights of a case with their state, due date and events; the read is audited."""
    case = load_case_for_code_rights(actor, case_id, "code-rights.view")
    audit.record(actor, "view", "code_rights", case.id, referral_id=case.referral_id, case_id=case.id,
                 service_id=case.service_id)
    rows = db.session.execute(
        select(CodeEvent, User.name).outerjoin(User, CodeEvent.recorded_by_id == User.id)
        .where(CodeEvent.case_id == case.id).order_by(CodeEvent.at, CodeEvent.id)
    ).all()
    rights = right_statuses([row for row, _ in rows], case_status=case.status,
                            first_contact_due=case.first_contact_due, today=london_today())
    names = {row.recorded_by_id: name for row, name in rows if row.recorded_by_id is not None and name}
    crime_reference = case.referral.crime_reference if case.referral is not None else None  # joined with the case
    return CaseCodeRights(case=case, rights=rights, recorded_by=names, crime_reference_given=bool(crime_reference))
