"""A coordinator's MARAC meetings: making one for an area, its agenda (filled, added to, deferred), and the list.
Every change is audited with ids and field names only: the reasons typed stay on the agenda item."""
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import func, select

from ...domain.clock import utc_now
from ...domain.marac import MARAC_AGENCIES, planned_minutes
from ...domain.vocab import slugs
from ...extensions import db
from ...models import Borough, Case, MaracAgendaItem, MaracHearing, MaracMeeting, Person, Referral
from .. import audit
from ..actors import Actor
from ..errors import Conflict, NotFound, ValidationFailed
from .access import case_opens, load_item, load_meeting, require_coordinator
from .agenda import candidates_for, earlier_referrals, referrals_in_area, repeat_of


def minutes_per_case() -> int:
    return int(current_app.config.get("MARAC_MINUTES_PER_CASE", 15))


def _area_boroughs(bcu: int | None, borough_codes: list[str]) -> list[str]:
    if bcu is not None:
        return list(db.session.scalars(select(Borough.ons_code).where(Borough.met_bcu == bcu).order_by(Borough.ons_code)))
    known = set(db.session.scalars(select(Borough.ons_code)))
    return sorted(code for code in set(borough_codes) if code in known)


def create_meeting(actor: Actor, *, held_on: date, chair: str, agencies: list[str], bcu: int | None = None,
                   borough_codes: list[str] | None = None) -> MaracMeeting:
    """A new meeting for an area (a BCU, or a set of boroughs), its agenda filled at once."""
    service_id = require_coordinator(actor)
    errors = []
    area = _area_boroughs(bcu, borough_codes or [])
    if not area:
        errors.append({"field": "bcu", "message": "Choose a BCU or at least one borough"})
    if not (chair or "").strip():
        errors.append({"field": "chair", "message": "Enter the name of the meeting's chair"})
    agencies = [a for a in slugs(MARAC_AGENCIES) if a in set(agencies or ())]
    if not agencies:
        errors.append({"field": "agencies", "message": "Choose at least one agency to invite"})
    if errors:
        raise ValidationFailed(errors=errors)
    meeting = MaracMeeting(service_id=service_id, bcu=bcu, borough_codes=area, held_on=held_on, chair=chair.strip(),
                           agencies_invited=agencies, minutes_per_case=minutes_per_case(),
                           created_by_id=actor.user_id)
    db.session.add(meeting)
    db.session.flush()
    audit.record(actor, "create", "marac_meeting", meeting.id, service_id=service_id,
                 changes={"held_on": held_on.isoformat(), "bcu": bcu, "boroughs": area, "agencies_invited": agencies})
    fill_agenda(actor, meeting.id)
    return meeting


def fill_agenda(actor: Actor, meeting_id: int) -> int:
    """Add the area's cases referred since the last meeting (and deferred ones) that are not yet on the agenda.
    Returns how many were added."""
    meeting = load_meeting(actor, meeting_id)
    chosen = candidates_for(meeting)
    earlier = earlier_referrals({r.person_id for r, _ in chosen if r.person_id})
    for referred, source in chosen:
        _add_item(actor, meeting, referred, source, repeat_of(referred, earlier), None)
    db.session.flush()
    return len(chosen)


def _add_item(actor: Actor, meeting: MaracMeeting, referred, source: str, repeat: bool, reason: str | None):
    item = MaracAgendaItem(meeting_id=meeting.id, case_id=referred.case_id, source=source,
                           referred_on=referred.referred_on, repeat=repeat, risk_level=referred.risk_level,
                           criteria=list(referred.criteria), planned_minutes=meeting.minutes_per_case,
                           added_reason=reason, created_by_id=actor.user_id)
    db.session.add(item)
    db.session.flush()
    case = db.session.get(Case, referred.case_id)
    audit.record(actor, "create", "marac_agenda_item", item.id, case_id=case.id, referral_id=case.referral_id,
                 service_id=case.service_id, changes={"meeting_id": meeting.id, "source": source, "repeat": repeat,
                                                       "reason": {"changed": bool(reason)}})
    return item


def add_case(actor: Actor, meeting_id: int, case_id: int, reason: str) -> MaracAgendaItem:
    """The coordinator adds a case of their service that was referred to MARAC, with a reason."""
    meeting = load_meeting(actor, meeting_id)
    if not (reason or "").strip():
        raise ValidationFailed(errors=[{"field": "reason", "message": "Say why this case is added to the agenda"}])
    case = db.session.get(Case, case_id) if 0 < case_id < 2**31 else None
    if case is None or case.service_id != meeting.service_id or not case_opens(actor, case.id):
        raise NotFound("Case not found", object_type="case", object_id=case_id)
    referred = referrals_in_area(meeting.service_id, [], case_ids=[case.id]).get(case.id)
    if referred is None:
        raise ValidationFailed(errors=[{"field": "case_id", "message": "This case has not been referred to MARAC: "
                                        "record the referral on the case first"}])
    if db.session.scalar(select(MaracAgendaItem.id).where(MaracAgendaItem.meeting_id == meeting.id,
                                                          MaracAgendaItem.case_id == case.id)):
        raise Conflict("This case is already on the agenda")
    earlier = earlier_referrals({referred.person_id} - {None})
    return _add_item(actor, meeting, referred, "added", repeat_of(referred, earlier), reason.strip())


def find_case_id(actor: Actor, meeting_id: int, reference: str) -> int:
    """The case a coordinator names on the agenda form: its number, or its referral's reference (the case of the
    meeting's service). Not found: 404, as for any case outside the service."""
    meeting = load_meeting(actor, meeting_id)
    text = (reference or "").strip()
    if text.isdigit():
        return int(text) if len(text) < 10 else 0
    case_id = db.session.scalar(select(Case.id).join(Referral, Referral.id == Case.referral_id).where(
        Referral.reference == text.upper(), Case.service_id == meeting.service_id))
    if case_id is None:
        raise NotFound("Case not found", object_type="case", object_id=None)
    return case_id


def defer_item(actor: Actor, meeting_id: int, item_id: int, reason: str) -> MaracAgendaItem:
    """Defer a case to a later meeting, with a reason; the next meeting's agenda carries it."""
    _, item = load_item(actor, meeting_id, item_id)
    if not (reason or "").strip():
        raise ValidationFailed(errors=[{"field": "reason", "message": "Say why the case is deferred"}])
    if db.session.scalar(select(MaracHearing.id).where(MaracHearing.agenda_item_id == item.id)):
        raise Conflict("This case has been heard: it cannot be deferred")
    if item.deferred_at is not None:
        raise Conflict("This case is already deferred")
    item.deferred_at, item.deferred_reason = utc_now(), reason.strip()
    audit.record(actor, "update", "marac_agenda_item", item.id, case_id=item.case_id,
                 referral_id=item.case.referral_id, service_id=item.case.service_id,
                 changes={"meeting_id": meeting_id, "deferred": {"before": False, "after": True}})
    db.session.flush()
    return item


@dataclass(frozen=True)
class AgendaRow:
    """One agenda line as the meeting page and the partner share need it."""

    item: MaracAgendaItem
    given_name: str
    family_name: str
    date_of_birth: date | None
    borough: str | None
    hearing_id: int | None
    restricted: bool = False  # the person's record does not open for the actor: no name, no details shown


def agenda(actor: Actor, meeting_id: int) -> tuple[MaracMeeting, list[AgendaRow]]:
    """The meeting and its agenda in one query (restricted people shown as "Restricted record")."""
    from .. import restricted

    meeting = load_meeting(actor, meeting_id)
    hidden = restricted.hidden_from(actor, Referral.person_id)
    rows = db.session.execute(
        select(MaracAgendaItem, *restricted.masked(hidden, Person.given_name, Person.family_name,
                                                   Person.date_of_birth, Borough.name), MaracHearing.id,
               hidden.label("restricted"))
        .join(Case, Case.id == MaracAgendaItem.case_id).join(Referral, Referral.id == Case.referral_id)
        .outerjoin(Person, Person.id == Referral.person_id).outerjoin(Borough, Borough.ons_code == Case.borough_code)
        .outerjoin(MaracHearing, MaracHearing.agenda_item_id == MaracAgendaItem.id)
        .where(MaracAgendaItem.meeting_id == meeting.id)
        .order_by(MaracAgendaItem.deferred_at.is_not(None), MaracAgendaItem.referred_on, MaracAgendaItem.id)).all()
    audit.record(actor, "view", "marac_meeting", meeting.id, service_id=meeting.service_id,
                 changes={"rows": len(rows), "case_ids": [r[0].case_id for r in rows]})
    return meeting, [AgendaRow(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6])) for r in rows]


@dataclass(frozen=True)
class MeetingSummary:
    meeting: MaracMeeting
    cases: int
    heard: int


def list_meetings(actor: Actor) -> list[MeetingSummary]:
    """The service's meetings, newest first, with how many cases each has (not deferred) and has heard."""
    service_id = require_coordinator(actor)
    counted = (select(MaracAgendaItem.meeting_id, func.count(MaracAgendaItem.id).label("cases"),
                      func.count(MaracHearing.id).label("heard"))
               .outerjoin(MaracHearing, MaracHearing.agenda_item_id == MaracAgendaItem.id)
               .where(MaracAgendaItem.deferred_at.is_(None)).group_by(MaracAgendaItem.meeting_id).subquery())
    rows = db.session.execute(
        select(MaracMeeting, counted.c.cases, counted.c.heard).outerjoin(counted, counted.c.meeting_id == MaracMeeting.id)
        .where(MaracMeeting.service_id == service_id).order_by(MaracMeeting.held_on.desc(), MaracMeeting.id.desc()))
    summaries = [MeetingSummary(m, cases or 0, heard or 0) for m, cases, heard in rows]
    audit.record(actor, "list", "marac_meeting", None, service_id=service_id,
                 changes={"rows": len(summaries), "ids": [s.meeting.id for s in summaries]})
    return summaries


def planned_total(rows: list[AgendaRow]) -> int:
    return sum(planned_minutes(1, row.item.planned_minutes) for row in rows if row.item.deferred_at is None)
