"""Values for every URL argument of the app's routes, taken from the demo seed, for the tests that walk the URL map
(audit coverage, control characters). A new route argument fails those tests until it is added here, so every page
is walked with a record that exists."""
from sqlalchemy import select

from victimcare.extensions import db
from victimcare.models import (
    DataRightsRequest,
    LegalHold,
    MaracAction,
    MaracAgendaItem,
    MaracMeeting,
    MaracShare,
)

# Demo accounts by the part of their email before the @: one of each role, a lead, and a MARAC coordinator.
ROLES = ("caseworker", "domestic-abuse", "domestic-abuse.lead", "domestic-abuse.marac", "commissioner", "admin",
         "dpo")


def _first(model, *where):
    return db.session.scalar(select(model.id).where(*where).order_by(model.id)) or 1


def route_values(case, referral, users, token: str) -> dict:
    """Ids of real demo rows (1 where the seed made none: the page then answers 404, which is walked too)."""
    meeting_id = _first(MaracMeeting)
    return {
        "case_id": case.id, "id": case.id, "reference": referral.reference, "referral_id": referral.id,
        "user_id": users["caseworker"].id, "person_id": referral.person_id, "service": "domestic-abuse",
        "slug": "domestic-abuse", "report": "code-compliance", "name": "code-compliance", "fmt": "csv",
        "format": "csv", "export_id": 1, "endpoint_id": 1, "access_id": 1, "token": token,
        "request_id": _first(DataRightsRequest), "hold_id": _first(LegalHold), "meeting_id": meeting_id,
        "item_id": _first(MaracAgendaItem, MaracAgendaItem.meeting_id == meeting_id),
        "action_id": _first(MaracAction), "share_id": _first(MaracShare, MaracShare.meeting_id == meeting_id),
        "key_id": 1, "change_id": 1, "task_id": 1, "delivery_id": 1, "job_id": 1,
    }
