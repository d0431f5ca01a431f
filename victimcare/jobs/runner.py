"""Run outbox jobs: claim one, run its handler in a unit of work, record success, or schedule the retry.

Every way jobs run (the test's eager runner, the in-process dispatcher thread, a Celery worker) calls
``run_job(job_id)``. A job is claimed with one conditional UPDATE (a lease in ``claimed_until``), so two runners
never run it at once, and a job already done is skipped: the same outbox row processed twice has one effect.
"""
import logging
from datetime import timedelta

from sqlalchemy import or_, select, update

from .. import uow
from ..domain.clock import utc_now
from ..extensions import db
from ..models import OutboxJob
from .registry import KINDS, JobFailed, Postpone

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)  # a runner that dies mid-job leaves it to be claimed again after this


def _claimable(now, due_by=None):
    return (OutboxJob.done_at.is_(None), OutboxJob.failed_at.is_(None), OutboxJob.available_at <= (due_by or now),
            or_(OutboxJob.claimed_until.is_(None), OutboxJob.claimed_until < now))


def _claim(job_id: int) -> bool:
    now = utc_now()
    result = db.session.execute(
        update(OutboxJob).where(OutboxJob.id == job_id, *_claimable(now))
        .values(claimed_until=now + LEASE, attempts=OutboxJob.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    uow.commit()
    return result.rowcount == 1


def _safe_error(error: BaseException) -> str:
    """What is kept and shown: a handler's JobFailed message, otherwise only the kind of error (an arbitrary
    exception's text may quote data)."""
    if isinstance(error, JobFailed):
        return str(error)[:300]
    return f"{type(error).__name__} (details in the application log)"


def run_job(job_id: int) -> str:
    """Run one job if it is due and nobody else holds it. Returns done, skipped, postponed, retry or failed."""
    uow.rollback()  # start clean: nothing of the caller's rides along
    if not _claim(job_id):
        return "skipped"
    job = db.session.get(OutboxJob, job_id)
    kind = KINDS.get(job.kind)
    try:
        with uow.unit_of_work():
            if kind is None:
                raise JobFailed(f"no handler for jobs of kind {job.kind!r}")
            kind.handler(dict(job.payload or {}), job)
            job.done_at = utc_now()
            job.claimed_until = None
            job.last_error = None
        return "done"
    except Postpone as postpone:
        with uow.unit_of_work():
            job = db.session.get(OutboxJob, job_id)
            job.attempts -= 1
            job.available_at = postpone.until
            job.claimed_until = None
        return "postponed"
    except Exception as error:  # noqa: BLE001 - any failure is recorded and retried, never lost
        if not isinstance(error, JobFailed):
            log.exception("background job %s (%s) failed", job_id, getattr(kind, "name", "?"))
        return _record_failure(job_id, kind, _safe_error(error))


def _record_failure(job_id: int, kind, message: str) -> str:
    with uow.unit_of_work():
        job = db.session.get(OutboxJob, job_id)
        delays = list(kind.retry_seconds()) if kind else []
        gave_up = job.attempts > len(delays)
        job.last_error = message
        job.claimed_until = None
        if gave_up:
            job.failed_at = utc_now()
        else:
            job.available_at = utc_now() + timedelta(seconds=delays[job.attempts - 1])
        available_at = job.available_at
        if kind and kind.on_failure:
            kind.on_failure(job, message, gave_up)
    if not gave_up:
        _wake_later(job_id, available_at)
    if gave_up:
        log.error("background job %s (%s) failed for good after %s attempts: %s", job_id, job.kind, job.attempts,
                  message)
    return "failed" if gave_up else "retry"


def due_job_ids(limit: int = 100, grace: timedelta = timedelta(0)) -> list[int]:
    """Jobs that are due (``grace`` ago or earlier) and not held by a runner, soonest first."""
    now = utc_now()
    return list(db.session.scalars(
        select(OutboxJob.id).where(*_claimable(now, now - grace))
        .order_by(OutboxJob.available_at, OutboxJob.id).limit(limit)
    ))


def run_due(limit: int = 100) -> int:
    """Run every job that is due now (the in-process dispatcher, and tests after moving the clock)."""
    ran = 0
    while True:
        ids = due_job_ids(limit)
        uow.end_read()
        if not ids:
            return ran
        progressed = False
        for job_id in ids:
            outcome = run_job(job_id)
            if outcome != "skipped":
                ran += 1
                progressed = True
        if not progressed or len(ids) < limit:
            return ran


def retry_now(job_id: int) -> bool:
    """Make a waiting or failed job due at once (an administrator's "retry now"). Flushed, not committed."""
    job = db.session.get(OutboxJob, job_id)
    if job is None or job.done_at is not None:
        return False
    job.available_at = utc_now()
    job.failed_at = None
    job.claimed_until = None
    db.session.flush()
    uow.after_commit(lambda: _wake([job_id]))
    return True


def _wake_later(job_id, at):
    from flask import current_app

    dispatcher = current_app.extensions.get("victimcare.jobs")
    if dispatcher is not None:
        dispatcher.later(job_id, at)


def _wake(ids):
    from ..services.outbox import _wake_dispatchers

    _wake_dispatchers(ids)
