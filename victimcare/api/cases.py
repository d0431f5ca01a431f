"""API v1: cases. The same service layer and permissions as the case pages.

Versions: GET /cases/{id} sends the case version as its ETag. A write may send it back as If-Match; if the case
has changed since, the write is refused with 409 (writes without If-Match are accepted).
"""
from flask import request, url_for
from pydantic import ValidationError

from ..domain.vocab import CASE_STATUSES, slugs
from ..services import cases as case_service
from ..services import queues
from ..services.actors import require
from ..services.errors import ValidationFailed
from ..web import current_actor
from . import bp
from .json_body import json_body
from .models import ContactCreate, TransitionCreate, problems
from .schemas import body_object

MAX_PER_PAGE = 100


def _require(permission: str):
    actor = current_actor()
    require(actor, permission, "Your role cannot work on cases")
    return actor


def _summary(case, reference: str) -> dict:
    return {
        "id": case.id,
        "reference": reference,
        "service": case.service.slug,
        "status": case.status,
        "priority": case.priority,
        "first_contact_due": case.first_contact_due.isoformat(),
        "first_contacted_at": case.first_contacted_at.isoformat() if case.first_contacted_at else None,
        "assigned_to": case.assigned_to_id,
        "version": case.version,
    }


def _detail(case) -> dict:
    body = _summary(case, case.referral.reference)
    body.update(
        received_at=case.received_at.isoformat(),
        first_contact_in_time=case.first_contact_in_time,
        closure_requested=case_service.closure_pending(case),
        closure_reason=case.closure_reason,
        closed_at=case.closed_at.isoformat() if case.closed_at else None,
        outcomes={q: getattr(case, c) for q, c in case_service.OUTCOME_COLUMNS.items()},
        transferred_to_case_id=case.transferred_to_case_id,
        decline_reason_code=case.decline_reason_code,
        transfer_reason_code=case.transfer_reason_code,
        enhanced=case.enhanced,
        marac=case.marac,
        child_safeguarding=case.child_safeguarding,
        complaint=_complaint(case),
    )
    return body


def _complaint(case) -> dict | None:
    """The Victims' Code complaint and the agency's response, on Victims' Commissioner cases only."""
    if not case.service.features.complaint:
        return None
    body = {"agency": case.complaint_agency, "code_right": case.complaint_code_right}
    for name in ("response_requested_on", "response_due_on", "response_received_on"):
        value = getattr(case, name)
        body[name] = value.isoformat() if value else None
    return body


def _with_etag(body: dict, version: int, status: int = 200):
    return body, status, {"ETag": f'"{version}"'}


def _if_match() -> int | None:
    """The version the client expects, from If-Match ("3", 3 or W/"3"); absent means no check."""
    header = request.headers.get("If-Match")
    if header is None:
        return None
    value = header.strip().removeprefix("W/").strip('"')
    if not value.isdigit():
        return -1  # matches no version: refused as stale
    return int(value)


_CONTACT_MESSAGES = {
    "at": "at must be an ISO 8601 date and time with a time zone", "method": "method is required",
    "outcome": "outcome is required", "note": "note must be text",
    "against_wishes_confirmed": "against_wishes_confirmed must be true or false",
    "against_wishes_reason": "against_wishes_reason must be text",
}
_TRANSITION_MESSAGES = {
    "to": "to is required: the status to move the case to",
    "outcomes": "outcomes must be an object of question: answer",
    "reason": "reason must be text", "reason_code": "reason_code must be text", "service": "service must be text",
}


def _read_body(actor, case_id: int, model, messages: dict):
    """The request body as ``model``. On a bad body the case is still looked up first, so a case outside the
    caller's service is a 404 whatever the body says."""
    try:
        return model.model_validate(body_object(json_body(empty_is_null=True)))
    except ValidationError as error:
        case_service.get_case(actor, case_id)
        raise ValidationFailed(errors=problems(error, messages)) from None


def _flag(name: str) -> bool | None:
    value = request.args.get(name)
    if value is None or value == "":
        return None
    if value.lower() in ("true", "1", "yes"):
        return True
    if value.lower() in ("false", "0", "no"):
        return False
    raise ValidationFailed(errors=[{"field": name, "message": f"{name} must be true or false"}])


@bp.get("/cases")
def list_cases_api():
    actor = _require("case.view")
    status = request.args.get("status") or None
    errors = []
    if status and status not in slugs(CASE_STATUSES):
        errors.append({"field": "status", "message": f"status must be one of {', '.join(slugs(CASE_STATUSES))}"})
    page = request.args.get("page", 1, type=int)
    per_page = request.args.get("per_page", 25, type=int)
    if not 1 <= per_page <= MAX_PER_PAGE:
        errors.append({"field": "per_page", "message": f"per_page must be between 1 and {MAX_PER_PAGE}"})
    overdue = _flag("overdue")
    if errors:
        raise ValidationFailed(errors=errors)
    service = request.args.get("service")
    if service and service != _own_service_slug(actor):
        # Advocates see their own service only: another service's cases are simply not there for them.
        return {"items": [], "page": max(page, 1), "per_page": per_page, "total": 0}
    filters = queues.QueueFilters(status=status, overdue=overdue is True, not_overdue=overdue is False)
    result = queues.service_queue(actor, filters, page=max(page, 1), per_page=per_page)
    return {"items": [_summary(row[0], row[1]) for row in result.items], "page": result.page,
            "per_page": per_page, "total": result.total}


def _own_service_slug(actor) -> str | None:
    from ..extensions import db
    from ..models import Service

    service = db.session.get(Service, actor.service_id) if actor.service_id else None
    return service.slug if service else None


@bp.get("/cases/<int:case_id>")
def case_api(case_id: int):
    actor = _require("case.view")
    case = case_service.get_case(actor, case_id)
    return _with_etag(_detail(case), case.version)


@bp.post("/cases/<int:case_id>/contacts")
def record_contact_api(case_id: int):
    actor = _require("case.work")
    body = _read_body(actor, case_id, ContactCreate, _CONTACT_MESSAGES)
    attempt = case_service.record_contact(actor, case_id, body.at, body.method, body.outcome, note=body.note,
                                          expected_version=_if_match(),
                                          against_wishes_confirmed=body.against_wishes_confirmed,
                                          against_wishes_reason=body.against_wishes_reason)
    case = case_service.get_case(actor, case_id)
    response = {
        "id": attempt.id, "case_id": case.id, "at": attempt.at.isoformat(), "method": attempt.method,
        "outcome": attempt.outcome, "against_rule": attempt.against_rule,
        "against_wishes_reason": attempt.against_rule_reason, "first_contact_in_time": case.first_contact_in_time,
        "case_version": case.version,
    }
    body, status, headers = _with_etag(response, case.version, 201)
    headers["Location"] = url_for("api.case_api", case_id=case.id)
    return body, status, headers


@bp.post("/cases/<int:case_id>/transitions")
def transition_api(case_id: int):
    """{"to": status, "reason"?, "reason_code"?, "service"?, "outcomes"?}. To "closed": a closure request (the
    reason is the closure reason slug); from a lead who may approve a pending request, the approval.
    ``reason_code`` (declining or transferring) is optional, for partners that send free text only."""
    actor = _require("case.work")
    body = _read_body(actor, case_id, TransitionCreate, _TRANSITION_MESSAGES)
    target, reason, reason_code, outcomes = body.to, body.reason, body.reason_code, body.outcomes
    expected = _if_match()
    if target == "closed":
        case = case_service.get_case(actor, case_id)
        if case_service.may_approve_closure(actor, case):
            case = case_service.approve_closure(actor, case_id, expected_version=expected)
            return _with_etag(_detail(case), case.version)
        case = case_service.transition(actor, case_id, "closed", closure_reason=reason, outcomes=outcomes,
                                       expected_version=expected)
    else:
        case = case_service.transition(actor, case_id, target, reason=reason, target_service=body.service,
                                       reason_code=reason_code, expected_version=expected)
    return _with_etag(_detail(case), case.version)
