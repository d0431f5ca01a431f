"""The register of requests for a victim's records (the police, the CPS, a court, the defence, social care): who
asked, what, why, when the victim was told in writing and what they said, the decision and its reason, what was
disclosed and when. Recorded by the staff of the case's service and the data protection officer
(domain/access.py may_record_records_request). Each entry's creation and changes are audited against the case, so
they appear on its timeline; the audit holds coded values and field names, never the text.
"""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ..domain import data_rights as rules
from ..domain.access import may_record_records_request
from ..domain.clock import london_today
from ..domain.vocab import slugs
from ..extensions import db
from ..models import Case, RecordsRequest
from . import audit
from .actors import Actor
from .errors import Conflict, NotFound, ValidationFailed

TEXT_FIELDS = ("requester_name", "records_sought", "purpose", "victim_response", "decision_reason", "disclosed_what")
MAX_TEXT = 4000


@dataclass(frozen=True)
class RecordsRequestInput:
    requester_kind: str
    requester_name: str
    records_kind: str
    records_sought: str
    purpose: str
    received_on: date | None
    victim_told_on: date | None = None
    victim_response: str = ""
    decision: str = "pending"
    decision_reason: str = ""
    disclosed_what: str = ""
    disclosed_on: date | None = None


def _case(actor: Actor, case_id: int) -> Case:
    case = db.session.get(Case, case_id) if 0 < case_id < 2**31 else None
    if case is None or not may_record_records_request(actor.principal, case.service_id):
        raise NotFound("Case not found", object_type="case", object_id=case_id)
    return case


def list_for_case(actor: Actor, case_id: int) -> tuple[Case, list[RecordsRequest]]:
    case = _case(actor, case_id)
    rows = list(db.session.scalars(select(RecordsRequest).where(RecordsRequest.case_id == case.id)
                                   .order_by(RecordsRequest.received_on.desc(), RecordsRequest.id.desc())))
    audit.record(actor, "list", "records_request", None, case_id=case.id, service_id=case.service_id,
                 changes={"rows": len(rows), "ids": [row.id for row in rows]})
    return case, rows


def get(actor: Actor, case_id: int, request_id: int) -> RecordsRequest:
    case = _case(actor, case_id)
    found = db.session.get(RecordsRequest, request_id) if 0 < request_id < 2**31 else None
    if found is None or found.case_id != case.id:
        raise NotFound("Request not found", object_type="records_request", object_id=request_id)
    audit.record(actor, "view", "records_request", found.id, case_id=case.id, service_id=case.service_id)
    return found


def _check(data: RecordsRequestInput) -> None:
    errors = []
    if data.requester_kind not in slugs(rules.RECORDS_REQUESTERS):
        errors.append({"field": "requester_kind", "message": "Choose who asked"})
    if not data.requester_name.strip():
        errors.append({"field": "requester_name", "message": "Enter the name of the person or body who asked"})
    if data.records_kind not in slugs(rules.RECORDS_KINDS):
        errors.append({"field": "records_kind", "message": "Choose which records are asked for"})
    if not data.records_sought.strip():
        errors.append({"field": "records_sought", "message": "Say what was asked for"})
    if not data.purpose.strip():
        errors.append({"field": "purpose", "message": "Say why they asked (the reason they gave)"})
    if data.decision not in slugs(rules.RECORDS_DECISIONS):
        errors.append({"field": "decision", "message": "Choose the decision"})
    errors += [{"field": field, "message": message} for field, message in rules.records_request_problems(
        kind=data.records_kind, decision=data.decision, decision_reason=data.decision_reason,
        victim_told_on=data.victim_told_on, disclosed_on=data.disclosed_on, disclosed_what=data.disclosed_what,
        received_on=data.received_on, today=london_today())]
    errors += [{"field": name, "message": f"Keep this to {MAX_TEXT} characters"} for name in TEXT_FIELDS
               if len(getattr(data, name) or "") > MAX_TEXT]
    if errors:
        raise ValidationFailed(errors=errors)


def _apply(row: RecordsRequest, data: RecordsRequestInput) -> list[str]:
    changed = []
    for name in RecordsRequestInput.__dataclass_fields__:
        value = getattr(data, name)
        value = (value.strip() or None) if isinstance(value, str) and name in TEXT_FIELDS else value
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed.append(name)
    return changed


def _coded(row: RecordsRequest) -> dict:
    return {"requester_kind": row.requester_kind, "records_kind": row.records_kind, "decision": row.decision,
            "victim_told": row.victim_told_on is not None, "disclosed": row.disclosed_on is not None}


def record(actor: Actor, case_id: int, data: RecordsRequestInput) -> RecordsRequest:
    """Add a request to the case's register."""
    case = _case(actor, case_id)
    _check(data)
    row = RecordsRequest(case_id=case.id, created_by_id=actor.user_id)
    _apply(row, data)
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "create", "records_request", row.id, case_id=case.id, referral_id=case.referral_id,
                 service_id=case.service_id, changes=_coded(row))
    return row


def update(actor: Actor, case_id: int, request_id: int, data: RecordsRequestInput, *,
           expected_version: int | None = None) -> RecordsRequest:
    """Record what happened next: the victim told, the decision, the disclosure."""
    case = _case(actor, case_id)
    row = db.session.get(RecordsRequest, request_id) if 0 < request_id < 2**31 else None
    if row is None or row.case_id != case.id:
        raise NotFound("Request not found", object_type="records_request", object_id=request_id)
    if expected_version is not None and row.version != expected_version:
        raise Conflict("Someone else changed this request while you were looking at it. Check it and try again.")
    _check(data)
    changed = _apply(row, data)
    if changed:
        db.session.flush()
        audit.record(actor, "update", "records_request", row.id, case_id=case.id, referral_id=case.referral_id,
                     service_id=case.service_id, changes={**_coded(row), "fields": sorted(changed)})
    return row


def waiting_for_decision(actor: Actor, limit: int = 20) -> list[RecordsRequest]:
    """For the data protection officer's home: requests for victims' records not yet decided, oldest first."""
    from .actors import require

    require(actor, "data-rights.manage")
    rows = list(db.session.scalars(select(RecordsRequest).where(RecordsRequest.decision == "pending")
                                   .order_by(RecordsRequest.received_on, RecordsRequest.id).limit(limit)))
    audit.record(actor, "list", "records_request", None, changes={"rows": len(rows), "ids": [r.id for r in rows]})
    return rows
