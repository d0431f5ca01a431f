"""Who runs MARAC meetings, and loading a meeting or an agenda item for them (404 outside their service)."""
from sqlalchemy import select

from ...domain.access import may_coordinate_marac_for
from ...extensions import db
from ...models import MaracAction, MaracAgendaItem, MaracMeeting, Service
from ..actors import Actor
from ..errors import Forbidden, NotFound

COORDINATE = "marac.coordinate"


def is_coordinator(actor: Actor) -> bool:
    """For links and the home page: does this person run MARAC meetings for their service?"""
    service = db.session.get(Service, actor.service_id) if actor.service_id else None
    return service is not None and may_coordinate_marac_for(actor.principal, service.id, service.features.marac)


def require_coordinator(actor: Actor) -> int:
    """The coordinator's service id; anyone else is refused (403, audited with the permission's name)."""
    if not is_coordinator(actor):
        raise Forbidden("Only a MARAC coordinator can do this", permission=COORDINATE)
    return actor.service_id


def load_meeting(actor: Actor, meeting_id: int) -> MaracMeeting:
    service_id = require_coordinator(actor)
    meeting = db.session.get(MaracMeeting, meeting_id) if 0 < meeting_id < 2**31 else None
    if meeting is None or meeting.service_id != service_id:
        raise NotFound("Meeting not found", object_type="marac_meeting", object_id=meeting_id)
    return meeting


def load_item(actor: Actor, meeting_id: int, item_id: int) -> tuple[MaracMeeting, MaracAgendaItem]:
    """An agenda item whose case opens for the actor: a restricted person's case, for a coordinator not named on the
    restriction (and without break-glass access in force), is 404 like a case outside the service. The agenda still
    lists it, as "Restricted record"."""
    meeting = load_meeting(actor, meeting_id)
    item = db.session.get(MaracAgendaItem, item_id) if 0 < item_id < 2**31 else None
    if item is None or item.meeting_id != meeting.id or not case_opens(actor, item.case_id):
        raise NotFound("Agenda item not found", object_type="marac_agenda_item", object_id=item_id)
    return meeting, item


def case_opens(actor: Actor, case_id: int) -> bool:
    """Whether the case's person's record opens for the actor (services/restricted.py decides)."""
    from ...models import Case, Referral
    from .. import restricted

    person_id = db.session.scalar(select(Referral.person_id).join(Case, Case.referral_id == Referral.id)
                                  .where(Case.id == case_id))
    return restricted.may_open(actor, person_id)


def load_action(actor: Actor, action_id: int) -> MaracAction:
    service_id = require_coordinator(actor)
    action = db.session.get(MaracAction, action_id) if 0 < action_id < 2**31 else None
    if (action is None or db.session.get(Service, service_id) is None or _service_of_case(action.case_id) != service_id
            or not case_opens(actor, action.case_id)):
        raise NotFound("Action not found", object_type="marac_action", object_id=action_id)
    return action


def _service_of_case(case_id: int) -> int | None:
    from ...models import Case

    case = db.session.get(Case, case_id)
    return case.service_id if case else None
