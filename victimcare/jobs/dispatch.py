"""Three ways jobs leave the outbox after a commit: eagerly (tests), a thread in the app (no broker), or Celery.

All three run the same ``runner.run_job``. The app holds one of them in ``app.extensions["victimcare.jobs"]``;
``services.outbox`` wakes it after each commit that recorded jobs.
"""
import logging
import os
import threading
from collections import deque
from datetime import timedelta

from sqlalchemy import func, select, update

from .. import uow
from ..domain.clock import utc_now
from ..extensions import db
from ..models import OutboxJob
from . import runner, schedule

log = logging.getLogger(__name__)


class EagerDispatcher:
    """Runs each job in the committing thread right after the commit (tests). Jobs a job records run after it,
    not inside it. A retry waits for ``runner.run_due()`` (tests move the clock, then call it)."""

    def __init__(self, app):
        self.app = app
        self._local = threading.local()

    def __call__(self, job_ids):
        queue = getattr(self._local, "queue", None)
        if queue is not None:
            queue.extend(job_ids)
            return
        self._local.queue = queue = deque(job_ids)
        try:
            while queue:
                runner.run_job(queue.popleft())
        finally:
            self._local.queue = None

    def later(self, job_id, at):
        pass


class ThreadDispatcher:
    """A daemon thread in each serving process: runs due jobs, fires schedules, and sleeps until the next due job
    (at most JOBS_RELAY_SECONDS) or until a commit wakes it. Started by the first request, so CLI commands and the
    reloader's watching process never start one; several processes share the work through the runner's claims."""

    def __init__(self, app):
        self.app = app
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = None
        self._pid = None
        self._lock = threading.Lock()

    def start(self):
        if self._thread is not None and self._thread.is_alive() and self._pid == os.getpid():
            return
        with self._lock:
            if self._thread is not None and self._thread.is_alive() and self._pid == os.getpid():
                return
            self._pid = os.getpid()
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name="victimcare-jobs", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10) -> None:
        """End the thread after its current round (tests; a serving process just exits)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive() and self._pid == os.getpid()

    def __call__(self, job_ids):
        if self.running:
            self._wake.set()

    def later(self, job_id, at):
        if self.running:
            self._wake.set()

    def _loop(self):
        while not self._stop.is_set():
            wait = float(self.app.config["JOBS_RELAY_SECONDS"])
            with self.app.app_context():
                try:
                    with uow.unit_of_work():
                        schedule.fire_due()
                    runner.run_due()
                    next_due = db.session.scalar(
                        select(func.min(OutboxJob.available_at)).where(OutboxJob.done_at.is_(None),
                                                                      OutboxJob.failed_at.is_(None)))
                    uow.end_read()
                    if next_due is not None:
                        wait = max(0.05, min(wait, (next_due - utc_now()).total_seconds()))
                except Exception:  # noqa: BLE001 - the loop must survive a bad moment (database restarting...)
                    log.exception("the in-process job dispatcher hit an error; it will try again")
                finally:
                    db.session.remove()
            self._wake.wait(timeout=wait)
            self._wake.clear()


# Publishing must not hang a request when the broker is down: one quick try, then the relay's turn.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}


class CeleryDispatcher:
    """Sends job ids to the broker after the commit. If the broker is down the job stays in the outbox, and beat's
    relay task sends it when it is due and unclaimed, so nothing is lost."""

    def __init__(self, app, celery):
        self.app = app
        self.celery = celery

    def _send(self, job_id, **options) -> bool:
        try:
            self.celery.send_task("victimcare.run_job", args=(job_id,), retry=True,
                                  retry_policy=PUBLISH_RETRY_POLICY, **options)
            return True
        except Exception as error:  # noqa: BLE001 - the outbox keeps the job; the relay sends it later
            log.warning("could not send job %s to the broker (%s); the relay will send it", job_id,
                        type(error).__name__)
            return False

    def __call__(self, job_ids):
        for job_id in job_ids:
            self._send(job_id)

    def later(self, job_id, at):
        # Short waits ride on the message; long ones (hours) are left to the relay, since a broker may hand an
        # unacknowledged message with a far eta to a second worker (harmless, but noisy).
        if (at - utc_now()).total_seconds() <= 600:
            self._send(job_id, eta=at)

    def relay(self, grace_seconds: float = 5.0) -> int:
        """Send every due, unclaimed job that has waited ``grace_seconds`` (a retry whose time has come, one that
        could not be sent when it was committed). A job sent twice runs once: the runner claims it."""
        ids = runner.due_job_ids(limit=500, grace=timedelta(seconds=grace_seconds))
        uow.rollback()
        sent = [job_id for job_id in ids if self._send(job_id)]
        if sent:
            db.session.execute(update(OutboxJob).where(OutboxJob.id.in_(sent)).values(dispatched_at=utc_now()))
            uow.commit()
        return len(sent)
