"""Record background work in the caller's transaction; it is dispatched only after that transaction commits.

``enqueue`` is how a service asks for something to happen later (an email to staff, a webhook to a partner): the
job row commits with the change that caused it or not at all. Whatever dispatches jobs (the in-process
dispatcher, or Celery through the broker) registers itself with ``register_dispatcher`` and is woken after each
commit that recorded a job.

Job kinds and their payloads (ids and coded values only, never personal data). Each kind's handler is in
``victimcare/jobs/`` (``@job_kind``); a new kind is a handler there and a line here.
- ``staff-email``: {"template": NAME, "user_ids": [...], "context": {...}, "notification": KIND (optional)}.
  ``templates/email/NAME.txt`` renders the message for each user (first line = subject; the rest is the body;
  ``user``, ``context`` values and ``link(endpoint, **values)`` for absolute links under APP_BASE_URL are
  available). Several users fan out into one job each, so a retry never emails anyone twice. With
  ``notification`` set to a non-essential kind of ``domain/notifications.py``, users who turned that kind off
  are skipped; without it the email is always sent (invitations, password resets). Context values are counts,
  service names, ids for links; never a victim's details. ``services/notifications.email_users`` wraps this.
- ``sweep``: {"sweep": NAME}: runs a registered sweep (``jobs/sweeps.py``) and records a SweepRun.
- ``webhook-delivery``: {"delivery_id": ID}: one signed POST of one event to one partner endpoint.
- ``victim-message``: {"message_id": ID}: checks the safe-contact rules again and sends through GOV.UK Notify.
- ``export``: {"export_id": ID}: builds a file for its requester (report exports, subject access exports).
"""
import json
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import bindparam, insert, select, text

from .. import uow
from ..extensions import db
from ..models.outbox import OutboxJob
from ..models.types import UTCDateTime, utcnow

_dispatchers: list[Callable[[list[int]], None]] = []


def register_dispatcher(dispatch: Callable[[list[int]], None]) -> None:
    """``dispatch(job_ids)`` is called after a commit that recorded jobs."""
    if dispatch not in _dispatchers:
        _dispatchers.append(dispatch)


def unregister_dispatcher(dispatch: Callable[[list[int]], None]) -> None:
    if dispatch in _dispatchers:
        _dispatchers.remove(dispatch)


def enqueue(kind: str, payload: dict | None = None, *, dedupe_key: str | None = None,
            available_at: datetime | None = None) -> OutboxJob | None:
    """Record a job in the current transaction. With a ``dedupe_key`` already recorded, nothing new is added
    and None is returned (the job exists)."""
    if dedupe_key is not None and db.session.scalar(
            select(OutboxJob.id).where(OutboxJob.dedupe_key == dedupe_key)) is not None:
        return None
    job = OutboxJob(kind=kind, payload=payload or {}, dedupe_key=dedupe_key)
    if available_at is not None:
        job.available_at = available_at
    db.session.add(job)
    db.session.flush()
    job_id = job.id
    uow.after_commit(lambda: _wake_dispatchers([job_id]))
    return job


def enqueue_many(kind: str, payloads: list[dict]) -> list[int]:
    """Record one job per payload with a single INSERT (a batch of the bulk import); no dedupe keys."""
    if not payloads:
        return []
    table = OutboxJob.__table__
    if db.session.get_bind().dialect.name == "postgresql":
        # The payloads as one JSON document the server unpacks, in order (so the ids follow them): a thousand
        # jobs bound one by one cost several times more than the INSERT.
        job_ids = list(db.session.scalars(_INSERT_MANY_POSTGRESQL, {
            "kind": kind, "now": utcnow(), "payloads": json.dumps(payloads, separators=(",", ":"))}))
    else:
        job_ids = list(db.session.scalars(insert(table).returning(table.c.id),
                                          [{"kind": kind, "payload": payload} for payload in payloads]))
    uow.after_commit(lambda: _wake_dispatchers(job_ids))
    return job_ids


_INSERT_MANY_POSTGRESQL = text(
    "INSERT INTO outbox_jobs (kind, payload, created_at, available_at, attempts) "
    "SELECT :kind, CAST(e.value AS json), :now, :now, 0 "
    "FROM jsonb_array_elements(CAST(:payloads AS jsonb)) WITH ORDINALITY AS e(value, n) ORDER BY e.n RETURNING id"
).bindparams(bindparam("now", type_=UTCDateTime()))


def _wake_dispatchers(job_ids: list[int]) -> None:
    from flask import current_app, has_app_context

    for dispatch in list(_dispatchers):
        dispatch(job_ids)
    dispatcher = current_app.extensions.get("victimcare.jobs") if has_app_context() else None
    if dispatcher is not None:
        dispatcher(job_ids)
