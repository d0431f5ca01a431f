"""Who runs MARAC meetings, and loading a meeting or an agenda item for them (404 outside their service)."""
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
    meeting = load_meeting(actor, meeting_id)
    item = db.session.get(MaracAgendaItem, item_id) if 0 < item_id < 2**31 else None
    if item is None or item.meeting_id != meeting.id:
        raise NotFound("Agenda item not found", object_type="marac_agenda_item", object_id=item_id)
    return meeting, item


def load_action(actor: Actor, action_id: int) -> MaracAction:
    service_id = require_coordinator(actor)
    action = db.session.get(MaracAction, action_id) if 0 < action_id < 2**31 else None
    if action is None or db.session.get(Service, service_id) is None or _service_of_case(action.case_id) != service_id:
        raise NotFound("Action not found", object_type="marac_action", object_id=action_id)
    return action


def _service_of_case(case_id: int) -> int | None:
    from ...models import Case

    case = db.session.get(Case, case_id)
    return case.service_id if case else None
