"""What the data-rights pages show, already decided: labels for coded values, the deadline and its tag."""
from dataclasses import dataclass
from datetime import date

from ..domain import data_rights as rules
from ..domain.access import may_open_record_within_request
from ..domain.clock import london_today
from ..domain.vocab import label
from ..models import DataRightsRequest
from ..services import data_rights


@dataclass(frozen=True)
class RequestView:
    request: DataRightsRequest
    kind: str
    requester: str
    identity_check: str
    status: str
    deadline: date
    state: rules.DeadlineState
    paused: bool
    reference: str | None
    handled_by: str
    may_open_record: bool
    pauses: list[dict]
    corrected_fields: str


def request_view(actor, request: DataRightsRequest) -> RequestView:
    today = london_today()
    paused = rules.is_paused([rules.Pause(p.paused_on, p.resumed_on) for p in request.pauses])
    deadline = data_rights.deadline(request, today)
    is_open = request.status == "open"
    return RequestView(
        request=request, kind=label(rules.KINDS, request.kind).split(" (")[0],
        requester=label(rules.REQUESTERS, request.requester),
        identity_check=label(rules.IDENTITY_CHECKS, request.identity_check),
        status=label(rules.STATUSES, request.status), deadline=deadline,
        state=rules.deadline_state(deadline, today, paused=paused, open_=is_open), paused=paused,
        reference=request.referral.reference if request.referral else None,
        handled_by=request.handled_by.name if request.handled_by else "Nobody",
        may_open_record=may_open_record_within_request(actor.principal, request.handled_by_id, is_open),
        pauses=[{"reason": label(rules.PAUSE_REASONS, p.reason), "paused_on": p.paused_on, "resumed_on": p.resumed_on}
                for p in request.pauses],
        corrected_fields=", ".join(FIELD_WORDS.get(name, name.replace("_", " ")) for name in request.corrected_fields or ()))


FIELD_WORDS = {"given_name": "first name", "family_name": "last name", "date_of_birth": "date of birth",
               "postcode": "postcode", "phone": "phone number", "email": "email address", "address": "address"}
