"""Data-rights requests (UK GDPR articles 15 to 17): their kinds, who may ask, and the subject access deadline.

The deadline is one calendar month from the day the request was received: the same day of the next month, or that
month's last day when it has no such day (received 31 January: due 28 February, or 29 in a leap year). The Data
(Use and Access) Act 2025 lets the clock stop while the controller confirms the requester's identity or the scope
of the request: every day paused moves the deadline one day later. A complex request may be extended by up to two
further months (the requester is told within the first month, with the reason): the deadline is then counted
from receipt in whole months, 1 + the extension, before the paused days are added.
"""
import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from .vocab import Vocabulary

KINDS: Vocabulary = (
    ("subject-access", "Subject access (a copy of their records)"),
    ("rectification", "Rectification (correcting their details)"),
    ("erasure", "Erasure (deleting their records)"),
)
REQUESTERS: Vocabulary = (
    ("victim", "The person themselves"),
    ("representative", "Someone acting for them"),
)
IDENTITY_CHECKS: Vocabulary = (
    ("photo-id-in-person", "Photo identification seen in person"),
    ("known-to-service", "Known to the service that supports them (voice or face)"),
    ("documents", "Copies of documents with their name and address"),
    ("video-call", "Video call with photo identification"),
    ("security-questions", "Answers only they would know, from their record"),
)
PAUSE_REASONS: Vocabulary = (
    ("identity", "Confirming the requester's identity"),
    ("scope", "Confirming what the request covers"),
)
STATUSES: Vocabulary = (
    ("open", "Open"),
    ("completed", "Completed"),
    ("refused", "Refused"),
    ("withdrawn", "Withdrawn"),
)
CLOSING_STATUSES = ("completed", "refused", "withdrawn")
MAX_EXTENSION_MONTHS = 2


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or that month's last day when it has no such day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Pause:
    """The clock stopped on ``paused_on`` and restarted on ``resumed_on`` (None: still paused)."""

    paused_on: date
    resumed_on: date | None = None


def paused_days(pauses: list[Pause], today: date) -> int:
    """Days the clock has stood still: a pause still running counts up to today."""
    return sum(max(0, ((pause.resumed_on or today) - pause.paused_on).days) for pause in pauses)


def response_deadline(received_on: date, *, pauses: list[Pause] = (), extension_months: int = 0,
                      today: date | None = None) -> date:
    """The day by which the request must be answered."""
    if not 0 <= extension_months <= MAX_EXTENSION_MONTHS:
        raise ValueError(f"a request may be extended by 0 to {MAX_EXTENSION_MONTHS} months")
    stopped = paused_days(list(pauses), today or received_on)
    return add_months(received_on, 1 + extension_months) + timedelta(days=stopped)


def is_paused(pauses: list[Pause]) -> bool:
    return any(pause.resumed_on is None for pause in pauses)


@dataclass(frozen=True)
class DeadlineState:
    """What the DPO's list shows beside a deadline."""

    text: str
    colour: str | None  # a GOV.UK tag colour, None for a plain tag


def deadline_state(deadline: date, today: date, *, paused: bool, open_: bool) -> DeadlineState:
    if not open_:
        return DeadlineState("Closed", "grey")
    if paused:
        return DeadlineState("Clock paused", "yellow")
    days = (deadline - today).days
    if days < 0:
        return DeadlineState(f"Overdue by {-days} day{'s' if days != -1 else ''}", "red")
    if days == 0:
        return DeadlineState("Due today", "orange")
    if days <= 7:
        return DeadlineState(f"Due in {days} day{'s' if days != 1 else ''}", "orange")
    return DeadlineState(f"Due in {days} days", None)
