"""A case's lifecycle: accept, decline, transfer, reopen, and closure (an advocate asks, a lead approves or sends
it back). domain/case_lifecycle.py decides which moves are legal; this module makes them and records them."""
from dataclasses import dataclass, field

from sqlalchemy import func, select

from .. import events
from ...domain import access
from ...domain import case_lifecycle as lifecycle_rules
from ...domain import closure_checklist as checklist_rules
from ...domain.case_lifecycle import OUTCOME_FIELDS, IllegalTransition, MissingDetail, allowed_targets, check_transition
from ...domain.clock import utc_now
from ...domain.deadlines import first_contact_due
from ...domain.vocab import CASE_STATUSES, SERVICES, label, slugs
from ...extensions import db
from ...models import Case, CaseNote, CaseStep, Service, Task, User
from ...models.types import utcnow
from ..actors import Actor
from ..errors import Conflict, Forbidden, ValidationFailed
from . import locking
from .locking import audit_case, load_case
from .opening import open_case

# Outcome question slug -> Case column
OUTCOME_COLUMNS = {question: f"outcome_{field}" for question, field in OUTCOME_FIELDS.items()}


def closure_pending(case: Case) -> bool:
    """A closure was asked for and not yet approved or sent back (the request time is kept once closed)."""
    return lifecycle_rules.closure_pending(case.closure_requested_at is not None, case.status)


REQUEST_OVERRIDE_PREFIX = "Closure checklist overridden"
APPROVAL_OVERRIDE_PREFIX = "Closure approved despite the checklist"


def closure_checklist(case: Case, closure_reason: str | None = None) -> tuple[checklist_rules.ChecklistItem, ...]:
    """The closure checklist for this case (domain/closure_checklist.py), from two aggregate queries."""
    open_tasks = db.session.scalar(
        select(func.count(Task.id)).where(Task.case_id == case.id, Task.done_at.is_(None))) or 0
    steps = frozenset(db.session.scalars(select(CaseStep.step).where(CaseStep.case_id == case.id).distinct()))
    return checklist_rules.closure_checklist(checklist_rules.ClosureFacts(
        service_slug=case.service.slug, open_tasks=open_tasks, first_contact_made=case.first_contacted_at is not None,
        high_risk=bool(case.marac) or case.referral.dash_level == "high", recorded_steps=steps,
        closure_reason=closure_reason or case.closure_reason))


def _check_override(actor: Actor, case: Case, override_reason: str | None, *, approving: bool) -> CaseNote | None:
    """Refuse a closure with blocking checklist items and no reason; keep the reason as a case note."""
    items = closure_checklist(case)
    errors = checklist_rules.override_errors(items, override_reason, approving=approving)
    if errors:
        raise ValidationFailed(errors=errors)
    if not checklist_rules.blocking_items(items):
        return None
    prefix = APPROVAL_OVERRIDE_PREFIX if approving else REQUEST_OVERRIDE_PREFIX
    return _reason_note(actor, case, prefix, override_reason)


def closure_override_reason(case: Case) -> str | None:
    """The reason the advocate gave to ask for closure with checklist items outstanding (for the lead's review)."""
    if not closure_pending(case):
        return None
    body = db.session.scalar(
        select(CaseNote.body).where(CaseNote.case_id == case.id, CaseNote.created_at >= case.closure_requested_at,
                                    CaseNote.body.startswith(f"{REQUEST_OVERRIDE_PREFIX}: "))
        .order_by(CaseNote.id.desc()).limit(1))
    return body.removeprefix(f"{REQUEST_OVERRIDE_PREFIX}: ") if body else None


def may_approve_closure(actor: Actor, case: Case) -> bool:
    """A lead approves closures; their own request needs another lead unless the service allows self-approval."""
    return closure_pending(case) and access.may_approve_closure(
        actor.principal, case.closure_requested_by_id, bool(case.service.allow_self_approval))


@dataclass
class NextSteps:
    """The lifecycle actions the page offers this actor now (the domain decides; templates only show them)."""

    targets: tuple[str, ...]
    closure_pending: bool
    may_review_closure: bool
    needs_other_lead: bool
    extra: dict = field(default_factory=dict)


def next_steps(actor: Actor, case: Case) -> NextSteps:
    pending = closure_pending(case)
    targets = allowed_targets(case.status)
    if pending:
        targets = tuple(t for t in targets if t == "transferred")
    return NextSteps(
        targets=targets,
        closure_pending=pending,
        may_review_closure=may_approve_closure(actor, case),
        needs_other_lead=pending and access.is_service_lead(actor.principal) and not may_approve_closure(actor, case),
    )


def _reason_note(actor: Actor, case: Case, prefix: str, text: str | None) -> CaseNote | None:
    """Reasons and comments are kept as case notes, so the audit trail carries only a pointer to them."""
    if not (text or "").strip():
        return None
    note = CaseNote(case_id=case.id, body=f"{prefix}: {text.strip()}", sensitive=False, created_by_id=actor.user_id)
    db.session.add(note)
    return note  # flushed with the case by save_case; its id goes into the audit event after that


def _clear_closure(case: Case) -> None:
    case.closure_requested_at = case.closure_requested_by_id = None
    case.closure_reason = None
    for column in OUTCOME_COLUMNS.values():
        setattr(case, column, None)


def transition(
    actor: Actor, case_id: int, target: str, *, reason: str | None = None, target_service: str | None = None,
    closure_reason: str | None = None, outcomes: dict | None = None, expected_version: int | None = None,
    outcomes_required: bool = False, reason_code: str | None = None, reason_code_required: bool = False,
    checklist_required: bool = False, override_reason: str | None = None,
) -> Case:
    """Move a case through its lifecycle (domain/case_lifecycle.py decides what is legal).

    ``closed`` from an advocate is a closure request; a lead approves it with approve_closure. Declining sends
    the referral back to triage; transferring opens the new service's case and keeps this one, marked
    transferred, pointing at it. With ``checklist_required`` (the pages), a closure request with blocking checklist
    items (domain/closure_checklist.py) needs ``override_reason``.
    """
    case = load_case(actor, case_id, "case.work")
    locking.check_version(case, expected_version)
    if target not in slugs(CASE_STATUSES):
        raise ValidationFailed(errors=[{"field": "to", "message": f"Choose a status: {', '.join(slugs(CASE_STATUSES))}"}])
    try:
        check_transition(case.status, target, reason=reason, closure_reason=closure_reason,
                         target_service=target_service, reason_code=reason_code or None,
                         reason_code_required=reason_code_required)
    except IllegalTransition as illegal:
        raise Conflict(str(illegal)) from None
    except MissingDetail as missing:
        raise ValidationFailed(errors=[{"field": missing.field, "message": str(missing)}]) from None
    if target == "closed":
        return _request_closure(actor, case, closure_reason, outcomes, expected_version, outcomes_required,
                                (override_reason or "") if checklist_required else None)
    if closure_pending(case) and target != "transferred":
        raise Conflict("Closure has been requested for this case: a lead must approve it or send it back first.")

    changes: dict = {"status": {"before": case.status, "after": target}}
    note = _enter(actor, case, target, changes, reason=reason, reason_code=reason_code, target_service=target_service)
    case.status = target
    locking.save_case(case, expected_version)
    if note is not None:
        changes["note_id"] = note.id
    audit_case(actor, "transition", "case", case.id, case, changes)
    events.case_status_changed(actor, case, changes["status"]["before"])
    return case


def accept_and_take(actor: Actor, case_id: int, expected_version: int | None = None) -> Case:
    """Accept a new case and assign it to the advocate accepting it, in one step. A case someone else already
    has is accepted only by the plain accept (their lead moves it)."""
    case = load_case(actor, case_id, "case.work")
    if case.assigned_to_id not in (None, actor.user_id):
        raise Conflict(f"This case is assigned to {case.assigned_to.name}: accept it without taking it, or ask "
                       "your service lead to reassign it.")
    case = transition(actor, case_id, "accepted", expected_version=expected_version)
    if case.assigned_to_id is None:
        me = db.session.get(User, actor.user_id)
        case.assigned_to_id, case.assigned_to = me.id, me
        locking.save_case(case, None)
        audit_case(actor, "update", "case", case.id, case, {"assigned_to": {
            "before": None, "after": me.id, "before_name": None, "after_name": me.name}})
    return case


def _enter(actor: Actor, case: Case, target: str, changes: dict, *, reason: str | None, reason_code: str | None,
           target_service: str | None) -> CaseNote | None:
    """What entering ``target`` does besides the status (adding to ``changes``); returns the reason's note."""
    if target == "accepted":
        case.accepted_at = utcnow()
    elif target == "declined":
        case.decline_reason = reason.strip()
        case.decline_reason_code = reason_code or None
        changes["reason_code"] = case.decline_reason_code
        # Back to triage, so a caseworker can route the victim elsewhere.
        case.referral.status = "triage"
        changes["referral_status"] = {"after": "triage"}
        return _reason_note(actor, case, "Declined", reason)
    elif target == "transferred":
        new_case = _open_transferred_case(actor, case, target_service, reason)
        case.transferred_to_case_id = new_case.id
        case.transfer_reason_code = reason_code or None
        changes["reason_code"] = case.transfer_reason_code
        case.closure_requested_at = case.closure_requested_by_id = None
        changes.update(to_service=target_service, transferred_to_case_id=new_case.id)
        return _reason_note(actor, case, f"Transferred to {label(SERVICES, target_service)}", reason)
    elif target == "in-progress" and case.status == "closed":
        case.closed_at = None
        _clear_closure(case)
        return _reason_note(actor, case, "Reopened", reason)
    return None


def _open_transferred_case(actor: Actor, case: Case, target_service: str, reason: str) -> Case:
    service = db.session.scalar(select(Service).where(Service.slug == target_service))
    if service is None or not service.active:
        raise ValidationFailed(errors=[{"field": "target_service", "message": "Choose a service that is open"}])
    if service.id == case.service_id:
        raise ValidationFailed(errors=[{"field": "target_service",
                                        "message": "Choose a different service from this one"}])
    now = utc_now()
    days = service.first_contact_days_enhanced if case.enhanced else service.first_contact_days_standard
    return open_case(
        actor, case.referral, service, rule="transfer", reason=f"Transferred from {case.service.name}: {reason.strip()}",
        priority=case.priority, marac=case.marac, first_contact_due=first_contact_due(now, days), received_at=now,
        enhanced=case.enhanced, child_safeguarding=case.child_safeguarding, needs=case.needs,
        support_plan=case.support_plan,
        audit_changes={"transferred_from_case_id": case.id, "version": 1},
    )


def _request_closure(actor: Actor, case: Case, closure_reason: str, outcomes: dict | None,
                     expected_version: int | None, outcomes_required: bool, override_reason: str | None) -> Case:
    """``override_reason`` None: the checklist is not enforced (the API); a string (maybe blank): it is."""
    if closure_pending(case):
        raise Conflict("Closure has already been requested for this case.")
    errors = lifecycle_rules.closure_outcome_errors(outcomes, outcomes_required)
    if override_reason is not None:
        errors += checklist_rules.override_errors(closure_checklist(case, closure_reason), override_reason)
    if errors:
        raise ValidationFailed(errors=errors)
    case.closure_reason = closure_reason
    note = _check_override(actor, case, override_reason, approving=False) if override_reason is not None else None
    case.closure_requested_at = utcnow()
    case.closure_requested_by_id = actor.user_id
    for question, column in OUTCOME_COLUMNS.items():
        setattr(case, column, (outcomes or {}).get(question, "not-asked"))
    locking.save_case(case, expected_version)
    changes = {"closure": "requested", "closure_reason": closure_reason,
               "outcomes": {q: getattr(case, c) for q, c in OUTCOME_COLUMNS.items()}}
    if note is not None:
        changes.update(overridden="yes", note_id=note.id)
    audit_case(actor, "transition", "case", case.id, case, changes)
    events.closure_requested(actor, case)
    return case


def _load_pending_closure(actor: Actor, case_id: int, expected_version: int | None) -> Case:
    case = load_case(actor, case_id, "case.work")
    if not access.is_service_lead(actor.principal):
        raise Forbidden("Only a service lead can approve or send back a closure", object_type="case",
                        object_id=case.id)
    locking.check_version(case, expected_version)
    if not closure_pending(case):
        raise Conflict("No closure is waiting for approval on this case.")
    return case


def approve_closure(actor: Actor, case_id: int, expected_version: int | None = None, *,
                    checklist_required: bool = False, override_reason: str | None = None) -> Case:
    """Close the case. With ``checklist_required`` (the pages), blocking checklist items need ``override_reason``."""
    case = _load_pending_closure(actor, case_id, expected_version)
    if not may_approve_closure(actor, case):
        raise Forbidden("You asked to close this case, so another lead must approve it.", object_type="case",
                        object_id=case.id)
    note = _check_override(actor, case, override_reason, approving=True) if checklist_required else None
    try:
        check_transition(case.status, "closed", closure_reason=case.closure_reason)
    except IllegalTransition as illegal:
        raise Conflict(str(illegal)) from None
    before = case.status
    case.status = "closed"
    case.closed_at = utcnow()
    locking.save_case(case, expected_version)
    changes = {"closure": "approved", "status": {"before": before, "after": "closed"}}
    if note is not None:
        changes.update(overridden="yes", note_id=note.id)
    audit_case(actor, "transition", "case", case.id, case, changes)
    events.case_closed(case)
    return case


def send_back_closure(actor: Actor, case_id: int, comment: str, expected_version: int | None = None) -> Case:
    case = _load_pending_closure(actor, case_id, expected_version)
    if not (comment or "").strip():
        raise ValidationFailed(errors=[{"field": "comment", "message": "Say why the case is not ready to close"}])
    note = _reason_note(actor, case, "Closure sent back", comment)
    _clear_closure(case)
    locking.save_case(case, expected_version)
    audit_case(actor, "transition", "case", case.id, case, {"closure": "sent-back", "note_id": note.id})
    return case
