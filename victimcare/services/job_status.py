"""What administrators see of background work: each sweep's runs and the jobs that are waiting or failed."""
from dataclasses import dataclass

from sqlalchemy import func, select

from ..domain.clock import utc_now
from ..extensions import db
from ..models import OutboxJob, SweepRun
from . import audit
from .actors import Actor, require
from .errors import NotFound


@dataclass
class SweepStatus:
    name: str
    label: str
    description: str
    when: str
    last: SweepRun | None
    last_success: SweepRun | None


def sweep_statuses(actor: Actor) -> list[SweepStatus]:
    from ..jobs.schedule import SCHEDULES
    from ..jobs.sweeps import SWEEPS

    require(actor, "jobs.view")
    latest = {}
    for status in ("any", "succeeded"):
        query = select(SweepRun.sweep, func.max(SweepRun.id)).group_by(SweepRun.sweep)
        if status == "succeeded":
            query = query.where(SweepRun.status == "succeeded")
        latest[status] = dict(db.session.execute(query).all())
    ids = [i for d in latest.values() for i in d.values()]
    runs = {run.id: run for run in db.session.scalars(select(SweepRun).where(SweepRun.id.in_(ids)))} if ids else {}
    statuses = []
    for name, sweep in SWEEPS.items():
        schedule = SCHEDULES[f"sweep:{name}"]
        if schedule.daily_at is not None:
            when = f"Every day at {schedule.daily_at():%H:%M} (London time)"
        else:
            when = f"Every {schedule.every_minutes} minutes"
        statuses.append(SweepStatus(name, sweep.label, sweep.description, when,
                                    runs.get(latest["any"].get(name)), runs.get(latest["succeeded"].get(name))))
    return statuses


def recent_runs(actor: Actor, limit: int = 50) -> list[SweepRun]:
    require(actor, "jobs.view")
    return list(db.session.scalars(select(SweepRun).order_by(SweepRun.id.desc()).limit(limit)))


@dataclass
class QueueSummary:
    waiting: int
    retrying: int
    failed: list[OutboxJob]


def queue_summary(actor: Actor, limit: int = 50) -> QueueSummary:
    require(actor, "jobs.view")
    now = utc_now()
    pending = (OutboxJob.done_at.is_(None), OutboxJob.failed_at.is_(None))
    waiting = db.session.scalar(select(func.count()).select_from(OutboxJob).where(*pending,
                                                                                 OutboxJob.available_at <= now))
    retrying = db.session.scalar(select(func.count()).select_from(OutboxJob).where(
        *pending, OutboxJob.available_at > now, OutboxJob.attempts > 0))
    failed = list(db.session.scalars(select(OutboxJob).where(OutboxJob.failed_at.is_not(None))
                                     .order_by(OutboxJob.failed_at.desc()).limit(limit)))
    return QueueSummary(waiting or 0, retrying or 0, failed)


def retry_failed_job(actor: Actor, job_id: int) -> None:
    from ..jobs.runner import retry_now

    require(actor, "jobs.view")
    job = db.session.get(OutboxJob, job_id)
    if job is None or job.failed_at is None:
        raise NotFound("There is no such failed job", object_type="outbox_job", object_id=job_id)
    retry_now(job_id)
    audit.record(actor, "update", "outbox_job", job_id, changes={"retry": True, "kind": job.kind})
