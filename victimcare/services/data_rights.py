"""Data-rights requests: the data protection officer records a request (subject access, rectification, erasure),
pauses its clock while identity or scope is confirmed, extends it for a complex request, and closes it. The
deadline rule is domain/data_rights.py; who may act is domain/access.py. Audit events name fields and ids only.
"""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case as sql_case
from sqlalchemy import select

from ..domain import data_rights as rules
from ..domain.access import may_open_record_within_request
from ..domain.clock import london_today
from ..domain.vocab import slugs
from ..extensions import db
from ..models import DataRightsPause, DataRightsRequest, Referral
from . import audit
from .actors import Actor, require
from .errors import Conflict, Forbidden, NotFound, ValidationFailed
from .pagination import paginate

PERMISSION = "data-rights.manage"
MAX_TEXT = 4000


@dataclass(frozen=True)
class NewRequest:
    kind: str
    reference: str
    requester: str
    identity_check: str
    received_on: date | None
    requester_name: str = ""
    authority_seen: str = ""
    identity_check_note: str = ""
    scope: str = ""


def _problem(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(errors=[{"field": field, "message": message}])


def _text(value: str | None, field: str, label: str) -> str | None:
    value = (value or "").strip()
    if len(value) > MAX_TEXT:
        raise _problem(field, f"Keep {label} to {MAX_TEXT} characters")
    return value or None


def _check_new(data: NewRequest, today: date) -> list[dict]:
    errors = []
    if data.kind not in slugs(rules.KINDS):
        errors.append({"field": "kind", "message": "Choose what the person is asking for"})
    if data.requester not in slugs(rules.REQUESTERS):
        errors.append({"field": "requester", "message": "Choose who made the request"})
    elif data.requester == "representative" and not (data.requester_name.strip() and data.authority_seen.strip()):
        errors.append({"field": "authority_seen", "message": "Enter who is acting for them and the authority you "
                                                            "saw (for example a signed letter of authority)"})
    if data.identity_check not in slugs(rules.IDENTITY_CHECKS):
        errors.append({"field": "identity_check", "message": "Choose how you checked the requester's identity"})
    if data.received_on is None:
        errors.append({"field": "received_on", "message": "Enter the date the request was received"})
    elif data.received_on > today:
        errors.append({"field": "received_on", "message": "The date received must be today or in the past"})
    return errors


def record_request(actor: Actor, data: NewRequest) -> DataRightsRequest:
    """Record a request for the person behind a referral reference; the recording DPO works on it."""
    require(actor, PERMISSION, "Only the data protection officer records data-rights requests")
    today = london_today()
    errors = _check_new(data, today)
    referral = db.session.scalar(select(Referral).where(Referral.reference == data.reference.strip().upper()))
    if referral is None or referral.person_id is None:
        errors.insert(0, {"field": "reference", "message": "No referral has this reference: check it with the "
                                                           "service that supports the person"})
    if errors:
        raise ValidationFailed(errors=errors)
    request = DataRightsRequest(
        kind=data.kind, person_id=referral.person_id, referral_id=referral.id, requester=data.requester,
        requester_name=_text(data.requester_name, "requester_name", "the name") if data.requester != "victim" else None,
        authority_seen=_text(data.authority_seen, "authority_seen", "the authority") if data.requester != "victim"
        else None,
        identity_check=data.identity_check,
        identity_check_note=_text(data.identity_check_note, "identity_check_note", "the note"),
        scope=_text(data.scope, "scope", "what they asked for"), received_on=data.received_on,
        due_on=rules.response_deadline(data.received_on), handled_by_id=actor.user_id, created_by_id=actor.user_id)
    db.session.add(request)
    db.session.flush()
    audit.record(actor, "create", "data-rights-request", request.id, referral_id=referral.id, changes={
        "kind": data.kind, "requester": data.requester, "identity_check": data.identity_check,
        "received_on": data.received_on, "person_id": referral.person_id})
    return request


def get_request(actor: Actor, request_id: int) -> DataRightsRequest:
    require(actor, PERMISSION, "Only the data protection officer handles data-rights requests")
    request = db.session.get(DataRightsRequest, request_id) if 0 < request_id < 2**31 else None
    if request is None:
        raise NotFound("Request not found", object_type="data-rights-request", object_id=request_id)
    return request


def list_requests(actor: Actor, page: int = 1, *, open_only: bool = True):
    """Requests, open ones first by deadline (one query and a count)."""
    require(actor, PERMISSION, "Only the data protection officer handles data-rights requests")
    query = select(DataRightsRequest)
    if open_only:
        query = query.where(DataRightsRequest.status == "open")
    query = query.order_by(sql_case((DataRightsRequest.status == "open", 0), else_=1),
                           DataRightsRequest.due_on, DataRightsRequest.id)
    result = paginate(query, page, per_page=25)
    audit.record(actor, "list", "data-rights-request", None,
                 changes={"rows": len(result.items), "ids": audit.shown(result.items)})
    return result


def _pauses(request: DataRightsRequest) -> list[rules.Pause]:
    return [rules.Pause(p.paused_on, p.resumed_on) for p in request.pauses]


def deadline(request: DataRightsRequest, today: date | None = None) -> date:
    """The deadline today, counting a pause still running."""
    return rules.response_deadline(request.received_on, pauses=_pauses(request),
                                   extension_months=request.extension_months, today=today or london_today())


def _refresh_due(request: DataRightsRequest) -> None:
    # A running pause counts up to today; the stored date is what the list sorts by.
    request.due_on = deadline(request)


def _open_request(actor: Actor, request_id: int, expected_version: int | None) -> DataRightsRequest:
    request = get_request(actor, request_id)
    if request.status != "open":
        raise Conflict("This request is closed: it cannot be changed.")
    if expected_version is not None and request.version != expected_version:
        raise Conflict("Someone else changed this request while you were looking at it. Check it and try again.")
    return request


def pause(actor: Actor, request_id: int, reason: str, on: date | None = None, *,
          expected_version: int | None = None) -> DataRightsRequest:
    """Stop the clock while identity or scope is confirmed."""
    request = _open_request(actor, request_id, expected_version)
    on = on or london_today()
    if reason not in slugs(rules.PAUSE_REASONS):
        raise _problem("reason", "Choose what you are confirming")
    if rules.is_paused(_pauses(request)):
        raise Conflict("The clock is already paused.")
    if on < request.received_on or on > london_today():
        raise _problem("paused_on", "The pause must start between the day received and today")
    request.pauses.append(DataRightsPause(reason=reason, paused_on=on, created_by_id=actor.user_id))
    _refresh_due(request)
    db.session.flush()
    audit.record(actor, "update", "data-rights-request", request.id, changes={"clock": "paused", "reason": reason})
    return request


def resume(actor: Actor, request_id: int, on: date | None = None, *,
           expected_version: int | None = None) -> DataRightsRequest:
    request = _open_request(actor, request_id, expected_version)
    running = next((p for p in request.pauses if p.resumed_on is None), None)
    if running is None:
        raise Conflict("The clock is not paused.")
    on = on or london_today()
    if on < running.paused_on or on > london_today():
        raise _problem("resumed_on", "The clock must restart between the day it paused and today")
    running.resumed_on = on
    _refresh_due(request)
    db.session.flush()
    audit.record(actor, "update", "data-rights-request", request.id, changes={"clock": "restarted"})
    return request


def extend(actor: Actor, request_id: int, months: int, reason: str, told_on: date | None, *,
           expected_version: int | None = None) -> DataRightsRequest:
    """Extend a complex request by one or two further months; the requester must have been told, with the reason."""
    request = _open_request(actor, request_id, expected_version)
    errors = []
    if months not in (1, 2):
        errors.append({"field": "months", "message": "Choose one or two further months"})
    if not (reason or "").strip():
        errors.append({"field": "reason", "message": "Say why the request is complex enough to need longer"})
    if told_on is None:
        errors.append({"field": "told_on", "message": "Enter the date you told the requester"})
    elif told_on < request.received_on or told_on > london_today():
        errors.append({"field": "told_on", "message": "The date you told them must be between the day received "
                                                      "and today"})
    if errors:
        raise ValidationFailed(errors=errors)
    if told_on > rules.response_deadline(request.received_on, pauses=_pauses(request), today=london_today()):
        raise _problem("told_on", "The requester must be told within the first month: this date is after it")
    request.extension_months = months
    request.extension_reason = _text(reason, "reason", "the reason")
    request.extension_told_on = told_on
    _refresh_due(request)
    db.session.flush()
    audit.record(actor, "update", "data-rights-request", request.id,
                 changes={"extension_months": months, "fields": ["extension_reason", "extension_told_on"]})
    return request


def close(actor: Actor, request_id: int, status: str, note: str, *,
          expected_version: int | None = None) -> DataRightsRequest:
    """Close a request as completed, refused (with the reason) or withdrawn."""
    request = _open_request(actor, request_id, expected_version)
    if status not in rules.CLOSING_STATUSES:
        raise _problem("status", "Choose how the request ended")
    if status == "refused" and not (note or "").strip():
        raise _problem("note", "Say why the request was refused, and the exemption relied on")
    running = next((p for p in request.pauses if p.resumed_on is None), None)
    if running is not None:
        running.resumed_on = london_today()
    request.status, request.outcome_note, request.closed_on = status, _text(note, "note", "the note"), london_today()
    db.session.flush()
    audit.record(actor, "transition", "data-rights-request", request.id, changes={"status": status})
    return request


def take_over(actor: Actor, request_id: int) -> DataRightsRequest:
    """Another DPO picks up the request (leave, say): from now on only they open the person's record within it."""
    request = _open_request(actor, request_id, None)
    if request.handled_by_id != actor.user_id:
        before = request.handled_by_id
        request.handled_by_id = actor.user_id
        db.session.flush()
        audit.record(actor, "update", "data-rights-request", request.id,
                     changes={"handled_by_id": {"before": before, "after": actor.user_id}})
    return request


def require_record_access(actor: Actor, request: DataRightsRequest) -> None:
    """Refuse unless the actor works on this open request (the only way a DPO opens a person's record)."""
    if request.person_id is None or not may_open_record_within_request(
            actor.principal, request.handled_by_id, request.status == "open"):
        raise Forbidden("Only the data protection officer working on this open request may open the record",
                        object_type="data-rights-request", object_id=request.id)


def correct_details(actor: Actor, request_id: int, values: dict, reason: str, *,
                    expected_version: int | None = None) -> list[str]:
    """Rectification (article 16): correct the person's details through the person-update service, recording on
    the request who asked (the request's requester), why, and which fields changed, never the values."""
    from . import people

    request = _open_request(actor, request_id, expected_version)
    if request.kind != "rectification":
        raise Conflict("Only a rectification request corrects the person's details.")
    require_record_access(actor, request)
    reason = (reason or "").strip()
    if not reason:
        raise _problem("reason", "Say what the person said was wrong, and how you checked the correction")
    changed = people.update_details(actor, request.person, values)
    if not changed:
        raise _problem("given_name", "Nothing has changed: correct at least one detail")
    request.corrected_fields = sorted(set(request.corrected_fields or ()) | set(changed))
    request.correction_reason = _text(reason, "reason", "the reason")
    db.session.flush()
    audit.record(actor, "update", "data-rights-request", request.id, referral_id=request.referral_id,
                 changes={"corrected_fields": sorted(changed), "person_id": request.person_id})
    return changed


def person_for_correction(actor: Actor, request_id: int):
    """The person's current details for the correction form: a view of their record within the request."""
    request = _open_request(actor, request_id, None)
    if request.kind != "rectification":
        raise Conflict("Only a rectification request corrects the person's details.")
    require_record_access(actor, request)
    audit.record(actor, "view", "person", request.person_id, referral_id=request.referral_id,
                 changes={"data_rights_request": request.id, "purpose": "rectification"})
    return request, request.person


REMINDER_WORKING_DAYS = 5


def remind_due(today: date) -> dict:
    """The daily reminder (sweep "subject-access-due"): each DPO working on open requests whose clock is running
    and whose deadline is within REMINDER_WORKING_DAYS working days (or past) gets one email listing them, by
    number and deadline only. Requests nobody works on go to every DPO."""
    from ..domain.deadlines import add_working_days
    from . import notifications

    horizon = add_working_days(today, REMINDER_WORKING_DAYS)
    due = [r for r in db.session.scalars(select(DataRightsRequest).where(
        DataRightsRequest.status == "open", DataRightsRequest.due_on <= horizon).order_by(DataRightsRequest.due_on))
        if not rules.is_paused(_pauses(r))]
    by_dpo: dict[int, list] = {}
    everyone = notifications.users_with_role("dpo")
    for request in due:
        for user_id in ([request.handled_by_id] if request.handled_by_id in everyone else everyone):
            by_dpo.setdefault(user_id, []).append({"id": request.id, "due_on": request.due_on.strftime("%-d %B %Y")})
    for user_id, items in by_dpo.items():
        notifications.email_users("subject-access-due", "subject_access_due", [user_id],
                                  {"count": len(items), "requests": items},
                                  dedupe_key=f"subject-access-due-{user_id}-{today.isoformat()}")
    return {"requests due": len(due), "emails": len(by_dpo)}
