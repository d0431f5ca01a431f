"""Record background work in the caller's transaction; it is dispatched only after that transaction commits.

``enqueue`` is how a service asks for something to happen later (an email to staff, a webhook to a partner): the
job row commits with the change that caused it or not at all. Whatever dispatches jobs (the in-process
dispatcher, or Celery through the broker) registers itself with ``register_dispatcher`` and is woken after each
commit that recorded a job.

Job kinds and their payloads (ids and coded values only, never personal data):
- ``staff-email``: {"template": NAME, "user_ids": [...], "context": {...}}: templates/email/NAME.txt renders
  the message (its first line is the subject); context values are counts, service names, links, never a
  victim's details.
"""
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select

from .. import uow
from ..extensions import db
from ..models.outbox import OutboxJob

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


def _wake_dispatchers(job_ids: list[int]) -> None:
    for dispatch in list(_dispatchers):
        dispatch(job_ids)
