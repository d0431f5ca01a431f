"""Job kinds: what each kind of outbox job does, and how it is retried.

A kind is a plain function ``handler(payload, job)`` registered with ``@job_kind("name")``. The runner calls it
inside a unit of work: what it changes in the database commits together with the job being marked done, so a job
processed twice has one effect. Side effects outside the database (an email, an HTTP call) happen at most once per
successful run; a handler that sends several things fans out into one job per thing first.
"""
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from ..models import OutboxJob

DEFAULT_RETRY_SECONDS = (30, 120, 600, 3600)


class JobFailed(Exception):
    """A failure whose message is safe to keep and show to administrators (no personal data)."""


class Postpone(Exception):
    """Not yet: run the job again at ``until`` without counting an attempt (e.g. an earlier delivery is pending)."""

    def __init__(self, until: datetime):
        super().__init__(f"postponed until {until.isoformat()}")
        self.until = until


@dataclass(frozen=True)
class JobKind:
    name: str
    handler: Callable[[dict, OutboxJob], None]
    retry_seconds: Callable[[], Sequence[int]]
    # Called in a transaction of its own after each failed attempt: (job, safe error text, gave_up).
    on_failure: Callable[[OutboxJob, str, bool], None] | None = None


KINDS: dict[str, JobKind] = {}


def job_kind(name: str, *, retry_seconds: Callable[[], Sequence[int]] | Sequence[int] = DEFAULT_RETRY_SECONDS,
             on_failure: Callable[[OutboxJob, str, bool], None] | None = None):
    """Register ``handler(payload, job)`` for outbox jobs of kind ``name``. ``retry_seconds`` (or a function
    returning them, to read settings) are the delays before each retry; after the last one the job has failed."""
    delays = retry_seconds if callable(retry_seconds) else (lambda: tuple(retry_seconds))

    def decorator(handler):
        KINDS[name] = JobKind(name, handler, delays, on_failure)
        return handler

    return decorator
