"""When something is due: overdue, due today, due later, or met. Decided here once, on London's calendar.

A case's first contact and a task each have a due date (a London date). Pages show a badge from the state this
module decides, and the case queue's "overdue" and "due today" filters select in SQL exactly the cases whose
state is OVERDUE or DUE_TODAY here (``services/queues.py``; a test holds the two together). ``today`` is always
``clock.london_today()``: between midnight and 1 am in summer the UTC date is still yesterday's.
"""
from dataclasses import dataclass
from datetime import date
from enum import Enum

from .vocab import OPEN_CASE_STATUSES


class DueState(str, Enum):
    OVERDUE = "overdue"
    DUE_TODAY = "due-today"
    DUE_LATER = "due-later"
    MET = "met"
    NOT_DUE = "not-due"  # no due date, or no longer expected (a case closed or declined without a contact)


@dataclass(frozen=True)
class Badge:
    text: str
    colour: str  # a GOV.UK tag colour; the text always says it too (never colour alone)


BADGES = {
    DueState.OVERDUE: Badge("Overdue", "red"),
    DueState.DUE_TODAY: Badge("Due today", "orange"),
}


def due_state(due_on: date | None, today: date, met: bool = False) -> DueState:
    """The state of something due on ``due_on`` (a London date), seen on London's ``today``."""
    if met:
        return DueState.MET
    if due_on is None:
        return DueState.NOT_DUE
    if due_on < today:
        return DueState.OVERDUE
    if due_on == today:
        return DueState.DUE_TODAY
    return DueState.DUE_LATER


def first_contact_state(due_on: date | None, contacted: bool, status: str, today: date) -> DueState:
    """A case's first contact: met once made; only an open case (new, accepted, in progress) still owes one."""
    if contacted:
        return DueState.MET
    if status not in OPEN_CASE_STATUSES:
        return DueState.NOT_DUE
    return due_state(due_on, today)


def task_state(due_on: date | None, done: bool, today: date) -> DueState:
    """A task: met once done; a task without a due date is never overdue."""
    return due_state(due_on, today, met=done)


def badge(state: DueState) -> Badge | None:
    """The tag a page shows for a state: only overdue and due today are flagged."""
    return BADGES.get(state)
