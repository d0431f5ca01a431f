"""Schedules: jobs that recur (the 08:00 digest, the nightly sweeps), as outbox jobs with a key per occurrence.

Whoever notices that an occurrence has come (Celery beat, or the in-process dispatcher's tick) enqueues the job
with the dedupe key ``schedule:NAME:OCCURRENCE``, so however many app servers or beat restarts notice it, the job
is recorded once. The in-process dispatcher, and beat every five minutes, also catch up on a daily occurrence
missed earlier the same day (a beat or server that was down at the time).
"""
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time

from flask import current_app

from ..domain.clock import LONDON, utc_now
from ..services import outbox


@dataclass(frozen=True)
class Schedule:
    name: str
    kind: str
    payload: dict = field(default_factory=dict)
    daily_at: Callable[[], time] | None = None  # London wall-clock time, read from settings when asked
    every_minutes: int | None = None


SCHEDULES: dict[str, Schedule] = {}


def add_schedule(name: str, kind: str, payload: dict | None = None, *, daily_at: str | Callable[[], str] | None = None,
                 every_minutes: int | None = None) -> Schedule:
    """Run a job of ``kind`` daily at a London time ("08:00", or a function returning one from settings) or every
    few minutes. Other areas add theirs (retention, audit checkpoints) the same way."""
    if (daily_at is None) == (every_minutes is None):
        raise ValueError("a schedule is daily_at a time or every_minutes, not both")
    at = None
    if daily_at is not None:
        read = daily_at if callable(daily_at) else (lambda: daily_at)
        at = lambda: parse_time(read())  # noqa: E731
    schedule = Schedule(name, kind, payload or {}, at, every_minutes)
    SCHEDULES[name] = schedule
    return schedule


def parse_time(value: str) -> time:
    try:
        hours, minutes = value.split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise RuntimeError(f"a schedule time must be HH:MM (London time), not {value!r}") from None


def occurrence(schedule: Schedule, now: datetime) -> str | None:
    """The key of the latest occurrence at or before ``now``: today's date once today's time has come (None
    before it), or the number of the current interval."""
    if schedule.daily_at is not None:
        local = now.astimezone(LONDON)
        return local.date().isoformat() if local.time() >= schedule.daily_at() else None
    return str(int(now.timestamp() // (schedule.every_minutes * 60)))


def fire(name: str, now: datetime | None = None) -> bool:
    """Record the job for the schedule's current occurrence, once. In the caller's transaction."""
    schedule = SCHEDULES[name]
    key = occurrence(schedule, now or utc_now())
    if key is None:
        return False
    return outbox.enqueue(schedule.kind, dict(schedule.payload), dedupe_key=f"schedule:{name}:{key}") is not None


_noticed: dict[tuple[str, str], bool] = {}


def fire_due(now: datetime | None = None) -> int:
    """Record every schedule's current occurrence that is not recorded yet (the in-process dispatcher's tick)."""
    now = now or utc_now()
    fired = 0
    for schedule in SCHEDULES.values():
        key = occurrence(schedule, now)
        if key is None or _noticed.get((schedule.name, key)):
            continue
        if fire(schedule.name, now):
            fired += 1
        _noticed[(schedule.name, key)] = True
    return fired


def beat_schedule() -> dict:
    """The same schedules for Celery beat (whose time zone is London), plus the relay of due and retried jobs."""
    from celery.schedules import crontab

    entries = {
        "relay-due-jobs": {"task": "victimcare.relay", "schedule": float(current_app.config["JOBS_RELAY_SECONDS"])},
        "catch-up-schedules": {"task": "victimcare.catch_up_schedules", "schedule": 300.0},
    }
    for schedule in SCHEDULES.values():
        if schedule.daily_at is not None:
            at = schedule.daily_at()
            when = crontab(hour=at.hour, minute=at.minute)
        else:
            when = float(schedule.every_minutes * 60)
        entries[schedule.name] = {"task": "victimcare.fire_schedule", "schedule": when, "args": (schedule.name,)}
    return entries
