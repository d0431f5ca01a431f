"""API v1: the Victims' Code rights of a case. Police and partner systems post what they told the victim; the
case's rights come back with their state. Caseworker and advocate tokens, under services/code_rights.py's rules
(404 outside the caller's scope); read-only tokens may read but not post (api/__init__.py)."""
from flask import url_for
from pydantic import ValidationError

from ..domain.vocab import POLICE_DECISIONS, slugs
from ..services import code_rights
from ..services.actors import require
from ..services.errors import ValidationFailed
from ..web import current_actor
from . import bp
from .cases import _if_match
from .json_body import json_body
from .models import CodeEventCreate, problems
from .schemas import body_object

_MESSAGES = {
    "right": "right is required: one of the twelve Victims' Code rights",
    "event": "event is required: what happened under the right",
    "at": "at must be an ISO 8601 date and time with a time zone",
    "decision_at": "decision_at must be an ISO 8601 date and time with a time zone",
    "decision": "decision must be one of the police decisions: " + ", ".join(slugs(POLICE_DECISIONS)),
    "note": "note must be text",
}


def _moment(value):
    return value.isoformat() if value else None


def code_event_json(row) -> dict:
    return {"id": row.id, "right": row.right, "event": row.event, "at": _moment(row.at),
            "decision_at": _moment(row.decision_at), "decision": row.decision, "working_days": row.working_days,
            "in_time": row.in_time, "note": row.note}


def _rights_json(result) -> dict:
    return {
        "case_id": result.case.id,
        "enhanced": bool(result.case.enhanced),
        "rights": [{
            "right": status.right, "label": status.label, "status": status.state.value,
            "due_on": status.due_on.isoformat() if status.due_on else None,
            "events": [code_event_json(row) for row in status.events],
        } for status in result.rights],
    }


@bp.post("/cases/<int:case_id>/code-events")
def record_code_event_api(case_id: int):
    actor = current_actor()
    require(actor, "code-rights.record", "Your role cannot record what happened under the Victims' Code")
    try:
        body = CodeEventCreate.model_validate(body_object(json_body(empty_is_null=True)))
    except ValidationError as error:
        code_rights.load_case_for_code_rights(actor, case_id)  # outside the caller's scope: 404 whatever the body
        raise ValidationFailed(errors=problems(error, _MESSAGES)) from None
    row = code_rights.record_code_event(actor, case_id, body.right, body.event, body.at,
                                        decision_at=body.decision_at, note=body.note, decision=body.decision,
                                        expected_version=_if_match())
    case = code_rights.load_case_for_code_rights(actor, case_id)
    location = url_for("api.code_rights_api", case_id=case_id)
    return ({**code_event_json(row), "case_id": case.id, "case_version": case.version}, 201,
            {"ETag": f'"{case.version}"', "Location": location})


@bp.get("/cases/<int:case_id>/code-rights")
def code_rights_api(case_id: int):
    actor = current_actor()
    require(actor, "code-rights.view", "Your role cannot see a case's Victims' Code rights")
    return _rights_json(code_rights.case_code_rights(actor, case_id))
