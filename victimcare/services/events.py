"""What happened, told to whoever must know: staff by email, partners by webhook. One call per change.

Each function here is called once, explicitly, by the service function that makes the change, inside its
transaction: the emails and webhook deliveries it records are sent after the commit, or never. Payloads carry
references, ids, services, coded statuses and times; never a name, a contact detail or free text.

``muted()`` stops everything here for a block (loading the fictional demo data tells nobody).
"""
from contextlib import contextmanager
from datetime import date, datetime

from sqlalchemy import select

from ..domain.notifications import is_urgent_case
from ..extensions import db
from ..models import Case, Referral, Service, Task
from . import notifications, outbox, webhooks
from .actors import Actor

_MUTED = "victimcare.events_muted"


@contextmanager
def muted():
    db.session.info[_MUTED] = True
    try:
        yield
    finally:
        db.session.info.pop(_MUTED, None)


def _is_muted() -> bool:
    return bool(db.session.info.get(_MUTED))


def _time(value):
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _referral_data(referral: Referral) -> dict:
    return {"reference": referral.reference, "status": referral.status, "source": referral.source,
            "received_at": _time(referral.received_at)}


def _service_slug(case: Case) -> str:
    service = case.service or db.session.get(Service, case.service_id)
    return service.slug


def _case_data(case: Case) -> dict:
    return {
        "id": case.id, "service": _service_slug(case), "status": case.status,
        "received_at": _time(case.received_at), "first_contact_due": _time(case.first_contact_due),
        "first_contacted_at": _time(case.first_contacted_at), "accepted_at": _time(case.accepted_at),
        "closed_at": _time(case.closed_at), "decline_reason": case.decline_reason_code,
        "closure_reason": case.closure_reason,
    }


def _case_event(event_type: str, case: Case) -> None:
    referral = case.referral or db.session.get(Referral, case.referral_id)
    webhooks.publish(event_type, {"referral": {"reference": referral.reference}, "case": _case_data(case)},
                     ordering_key=referral.reference)


# --- Referrals ---------------------------------------------------------------------------------------------

def _cases_of(referral: Referral) -> list[Case]:
    return list(db.session.scalars(select(Case).where(Case.referral_id == referral.id).order_by(Case.id)))


def _publish_routed(referral: Referral) -> None:
    cases = _cases_of(referral)
    if cases:
        webhooks.publish("referral.routed", {"referral": _referral_data(referral),
                                             "cases": [_case_data(case) for case in cases]},
                         ordering_key=referral.reference)


def referral_received(referral: Referral) -> None:
    """A new referral (any source): partners hear it was received, and where it was routed if it was."""
    if _is_muted():
        return
    webhooks.publish("referral.received", {"referral": _referral_data(referral)}, ordering_key=referral.reference,
                     occurred_at=referral.received_at)
    if referral.status == "routed":
        _publish_routed(referral)


def referral_routed(referral: Referral) -> None:
    """A referral's routes changed (triage confirmed, a route added): partners hear its cases now."""
    if not _is_muted():
        _publish_routed(referral)


def case_opened(case: Case) -> None:
    """A case was opened for a service (routing, a route added, a transfer): its staff are told."""
    if _is_muted():
        return
    referral = case.referral or db.session.get(Referral, case.referral_id)
    service = case.service or db.session.get(Service, case.service_id)
    notifications.email_users(*_case_opened_email(case, referral, service, notifications.service_staff))


def _case_opened_email(case: Case, referral: Referral, service: Service, staff_of) -> tuple:
    """Who hears of a new case and how: urgent to every advocate of the service, else as the service chose.
    ``staff_of(service_id, leads_only=...)`` lists them (notifications.service_staff, or a batch's cache)."""
    if is_urgent_case(priority=case.priority, child_safeguarding=case.child_safeguarding,
                      dash_level=referral.dash_level):
        why = "child-safeguarding" if case.child_safeguarding else "high-risk"
        return ("urgent-referral", "urgent_case", staff_of(service.id, leads_only=False),
                {"service_name": service.name, "why": why, "case_id": case.id})
    staff = staff_of(service.id, leads_only=service.new_case_notify == "leads")
    return "new-case", "new_case", staff, {"service_name": service.name, "case_id": case.id}


def referrals_received(opened: list[tuple[Referral, list[Case]]], services: dict[int, Service]) -> None:
    """referral_received and case_opened for a batch of new referrals written at once (the bulk import): the same
    webhooks and emails, with one look-up of the webhook endpoints and of each service's staff for the batch,
    and the emails recorded with one INSERT. Each referral and case already has its id."""
    if _is_muted():
        return
    if webhooks.subscribed({"referral.received", "referral.routed"}):
        for referral, _ in opened:  # a delivery per endpoint and referral: as the API does, one at a time
            referral_received(referral)
    staff: dict[tuple[int, bool], list[int]] = {}

    def staff_of(service_id: int, *, leads_only: bool) -> list[int]:
        if (service_id, leads_only) not in staff:
            staff[(service_id, leads_only)] = notifications.service_staff(service_id, leads_only=leads_only)
        return staff[(service_id, leads_only)]

    emails = [notifications.email_payload(*_case_opened_email(case, referral, services[case.service_id], staff_of))
              for referral, cases in opened for case in cases]
    outbox.enqueue_many("staff-email", [payload for payload in emails if payload is not None])


# --- Cases ------------------------------------------------------------------------------------------------------

def case_status_changed(actor: Actor, case: Case, before: str) -> None:
    """A lifecycle move (domain/case_lifecycle.py): accepted and declined reach partners; a transfer routes the
    referral to another service."""
    if _is_muted() or case.status == before:
        return
    if case.status == "accepted":
        _case_event("case.accepted", case)
    elif case.status == "declined":
        _case_event("case.declined", case)
    elif case.status == "transferred":
        _publish_routed(case.referral or db.session.get(Referral, case.referral_id))
    elif case.status == "closed":
        _case_event("case.closed", case)


def first_contact(case: Case) -> None:
    """The first successful contact with the victim stopped the case's first-contact clock."""
    if not _is_muted():
        _case_event("case.first-contact", case)


def case_closed(case: Case) -> None:
    if not _is_muted():
        _case_event("case.closed", case)


def closure_requested(actor: Actor, case: Case) -> None:
    """The service's leads (other than the one asking) are asked to approve."""
    if _is_muted():
        return
    service = case.service or db.session.get(Service, case.service_id)
    notifications.email_users("closure-approval", "closure_approval",
                              notifications.service_staff(service.id, leads_only=True),
                              {"service_name": service.name, "case_id": case.id}, exclude=[actor.user_id])


def task_assigned(actor: Actor, task: Task) -> None:
    """Someone gave a task to someone else."""
    if _is_muted() or task.assigned_to_id is None or task.assigned_to_id == actor.user_id:
        return
    notifications.email_users("task-assigned", "task_assigned", [task.assigned_to_id],
                              {"case_id": task.case_id, "due_on": _time(task.due_on)})
