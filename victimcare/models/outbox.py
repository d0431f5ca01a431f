"""The transactional outbox: background work recorded in the same transaction as the change that causes it."""
from datetime import datetime

from sqlalchemy import JSON, BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class OutboxJob(db.Model):
    """One job to run after the commit that recorded it: an email, a webhook delivery, a sweep.

    The payload holds ids and coded values only, never personal data (it may sit in a broker). A rolled-back
    change takes its jobs with it; a job that is done has ``done_at``; a dispatcher that finds a job not done and
    due (``available_at``) runs it, so a broker that was down loses nothing. ``dedupe_key`` makes a job that must
    happen once (a digest for one day, a delivery of one event to one endpoint) impossible to record twice.
    """

    __tablename__ = "outbox_jobs"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    available_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A runner's lease: while it lies in the future, no other runner (thread or worker) takes the job.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)


# The dispatcher reads jobs that are not done, soonest due first.
Index("ix_outbox_jobs_pending", OutboxJob.available_at, OutboxJob.id,
      postgresql_where=OutboxJob.done_at.is_(None), sqlite_where=OutboxJob.done_at.is_(None))
