"""Hearing a case at a meeting, and the actions agreed there tracked to completion. Audit events carry ids, the
agency's code and dates; what was said (risks, the victim's views, the action itself) stays on the record."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from ...domain.clock import london_today
from ...domain.marac import MARAC_AGENCIES, action_state, may_record_hearing
from ...domain.vocab import slugs
from ...extensions import db
from ...models import Case, MaracAction, MaracAgendaItem, MaracHearing, MaracMeeting, Person, Referral
from .. import audit
from ..actors import Actor
from ..errors import Conflict, ValidationFailed
from .access import case_opens, load_action, load_item, require_coordinator


@dataclass(frozen=True)
class ActionInput:
    agency: str
    owner: str
    description: str
    due_on: date | None


def _check_action(action: ActionInput, prefix: str = "") -> list[dict]:
    errors = []
    if action.agency not in slugs(MARAC_AGENCIES):
        errors.append({"field": f"{prefix}agency", "message": "Choose the agency that will do this"})
    if not action.owner.strip():
        errors.append({"field": f"{prefix}owner", "message": "Enter who owns the action"})
    if not action.description.strip():
        errors.append({"field": f"{prefix}description", "message": "Enter what will be done"})
    if action.due_on is None:
        errors.append({"field": f"{prefix}due_on", "message": "Enter the date the action is due"})
    return errors


def record_hearing(actor: Actor, meeting_id: int, item_id: int, *, agencies_present: list[str], risks_discussed: str,
                   victim_views: str) -> MaracHearing:
    """Record that the meeting heard a case: agencies present, risks discussed, the victim's views (via the IDVA)."""
    meeting, item = load_item(actor, meeting_id, item_id)
    if item.deferred_at is not None:
        raise Conflict("This case was deferred: it was not heard at this meeting")
    if not may_record_hearing(meeting.held_on, london_today()):
        raise Conflict("This meeting has not been held yet: record its hearings on the day or after")
    if db.session.scalar(select(MaracHearing.id).where(MaracHearing.agenda_item_id == item.id)):
        raise Conflict("This case's hearing is already recorded")
    present = [a for a in slugs(MARAC_AGENCIES) if a in set(agencies_present or ())]
    errors = []
    if not present:
        errors.append({"field": "agencies_present", "message": "Choose the agencies that were present"})
    if not (risks_discussed or "").strip():
        errors.append({"field": "risks_discussed", "message": "Enter the risks discussed"})
    if not (victim_views or "").strip():
        errors.append({"field": "victim_views", "message": "Enter the victim's views, as their IDVA gave them"})
    if errors:
        raise ValidationFailed(errors=errors)
    hearing = MaracHearing(agenda_item_id=item.id, case_id=item.case_id, heard_on=meeting.held_on,
                           agencies_present=present, risks_discussed=risks_discussed.strip(),
                           victim_views=victim_views.strip(), recorded_by_id=actor.user_id)
    db.session.add(hearing)
    db.session.flush()
    case = item.case
    audit.record(actor, "create", "marac_hearing", hearing.id, case_id=case.id, referral_id=case.referral_id,
                 service_id=case.service_id, changes={"meeting_id": meeting.id, "heard_on": meeting.held_on.isoformat(),
                                                       "agencies_present": present})
    return hearing


def add_action(actor: Actor, hearing_id: int, action: ActionInput) -> MaracAction:
    """An action the hearing agreed: agency, owner, what, by when."""
    hearing = _load_hearing(actor, hearing_id)
    errors = _check_action(action)
    if errors:
        raise ValidationFailed(errors=errors)
    row = MaracAction(hearing_id=hearing.id, case_id=hearing.case_id, agency=action.agency, owner=action.owner.strip(),
                      description=action.description.strip(), due_on=action.due_on, created_by_id=actor.user_id)
    db.session.add(row)
    db.session.flush()
    case = db.session.get(Case, hearing.case_id)
    audit.record(actor, "create", "marac_action", row.id, case_id=case.id, referral_id=case.referral_id,
                 service_id=case.service_id, changes={"hearing_id": hearing.id, "agency": action.agency,
                                                       "due_on": action.due_on.isoformat()})
    return row


def _load_hearing(actor: Actor, hearing_id: int) -> MaracHearing:
    from ..errors import NotFound

    service_id = require_coordinator(actor)
    hearing = db.session.get(MaracHearing, hearing_id) if 0 < hearing_id < 2**31 else None
    case = db.session.get(Case, hearing.case_id) if hearing else None
    if hearing is None or case is None or case.service_id != service_id or not case_opens(actor, case.id):
        raise NotFound("Hearing not found", object_type="marac_hearing", object_id=hearing_id)
    return hearing


def hearing_for_item(actor: Actor, meeting_id: int, item_id: int):
    """The agenda item, its hearing (or None) and the hearing's actions, for the hearing page."""
    meeting, item = load_item(actor, meeting_id, item_id)
    hearing = db.session.scalar(select(MaracHearing).where(MaracHearing.agenda_item_id == item.id))
    actions = list(db.session.scalars(select(MaracAction).where(MaracAction.hearing_id == hearing.id)
                                      .order_by(MaracAction.due_on, MaracAction.id))) if hearing else []
    return meeting, item, hearing, actions


def mark_done(actor: Actor, action_id: int, done_on: date | None = None) -> MaracAction:
    """Record an action as done (today, London, unless a date is given)."""
    action = load_action(actor, action_id)
    if action.done_on is not None:
        raise Conflict("This action is already done")
    done_on = done_on or london_today()
    if done_on > london_today():
        raise ValidationFailed(errors=[{"field": "done_on", "message": "The date done cannot be in the future"}])
    action.done_on, action.done_by_id = done_on, actor.user_id
    case = db.session.get(Case, action.case_id)
    state = action_state(action.due_on, done_on, london_today())
    audit.record(actor, "update", "marac_action", action.id, case_id=case.id, referral_id=case.referral_id,
                 service_id=case.service_id, changes={"done_on": {"before": None, "after": done_on.isoformat()}, "state": state})
    db.session.flush()
    return action


def meeting_actions(actor: Actor, meeting_id: int) -> list[tuple[MaracAction, int, bool]]:
    """Every action agreed at a meeting, with its agenda item's id and whether its case is a restricted record that
    does not open for the actor (the page then shows nothing of it), open ones first, soonest due first."""
    from .. import restricted

    require_coordinator(actor)
    hidden = restricted.hidden_from(actor, Referral.person_id)
    return db.session.execute(
        select(MaracAction, MaracAgendaItem.id, hidden.label("restricted"))
        .join(MaracHearing, MaracHearing.id == MaracAction.hearing_id)
        .join(MaracAgendaItem, MaracAgendaItem.id == MaracHearing.agenda_item_id)
        .join(Case, Case.id == MaracAction.case_id).join(Referral, Referral.id == Case.referral_id)
        .where(MaracAgendaItem.meeting_id == meeting_id)
        .order_by(MaracAction.done_on.is_not(None), MaracAction.due_on, MaracAction.id)).all()


def overdue_actions(actor: Actor) -> list:
    """The coordinator's service's actions past their due date and not done, oldest due first (for the meetings
    page): each with its meeting, agenda item id, the victim's name ("Restricted record" where it does not open
    for them) and whether it is such a restricted record (the page then shows nothing of the action)."""
    from .. import restricted

    service_id = require_coordinator(actor)
    hidden = restricted.hidden_from(actor, Referral.person_id)
    rows = db.session.execute(
        select(MaracAction, MaracMeeting, MaracAgendaItem.id,
               *restricted.masked(hidden, Person.given_name, Person.family_name), hidden.label("restricted"))
        .join(MaracHearing, MaracHearing.id == MaracAction.hearing_id)
        .join(MaracAgendaItem, MaracAgendaItem.id == MaracHearing.agenda_item_id)
        .join(MaracMeeting, MaracMeeting.id == MaracAgendaItem.meeting_id)
        .join(Case, Case.id == MaracAction.case_id).join(Referral, Referral.id == Case.referral_id)
        .outerjoin(Person, Person.id == Referral.person_id)
        .where(MaracMeeting.service_id == service_id, MaracAction.done_on.is_(None),
               MaracAction.due_on < london_today())
        .order_by(MaracAction.due_on, MaracAction.id).limit(20)).all()
    if rows:  # each names the victim: the trail records whose actions were shown
        audit.record(actor, "list", "marac_action", None, service_id=service_id,
                     changes={"rows": len(rows), "ids": audit.shown(rows), "case_ids": [r[0].case_id for r in rows]})
    return rows


def count_overdue(actor: Actor) -> int:
    service_id = require_coordinator(actor)
    return db.session.scalar(
        select(func.count(MaracAction.id)).join(Case, Case.id == MaracAction.case_id)
        .where(Case.service_id == service_id, MaracAction.done_on.is_(None), MaracAction.due_on < london_today())) or 0
