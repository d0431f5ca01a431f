"""The Victims' Code rights of a case: which event belongs to which right, when a police decision must be told,
and the state of each of the twelve rights (met, met late, due with its date, missed, not applicable).

A support service records events (``CODE_EVENTS`` in vocab.py) as they happen, and police and partner systems post
theirs through the API. From those events and the case's own facts this module decides, once, what a page, the
API and the code-rights report show. The rules:

- Telling the victim about the Code (``understand-and-be-understood``) and assessing their needs or referring them
  on (``referral-to-support``) are expected of every case a service takes on, by the case's first-contact due
  date: met once recorded (on any date), due until that date, missed after it (or when the case closed without
  it), not applicable when the service declined or transferred the case without it.
- Being told of a police decision (``information-about-investigation``) is deadline-bound: each decision must be
  told within ``DECISION_DEADLINE_DAYS`` working days of the decision (1 for enhanced victims, 5 for others),
  counted on London's calendar from the day of the decision to the day the victim was told. A right told late is
  applied but not met on time ("met late").
- Every other right with events is met once an event of it is recorded, and otherwise not applicable: the
  service cannot know, for example, that a trial has been listed until someone records it.
- Rights no event belongs to (the crime recorded, information when reporting, expenses and property, information
  about the offender) are owed by other agencies (``OWED_ELSEWHERE``) and nothing here records them: they are "not
  recorded here", never met (nothing says they were) nor not applicable (they apply to every victim who reports,
  or once there is a conviction). The page names who owes each, so a caseworker knows whom to ask.
"""
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum

from .clock import london_date
from .deadlines import add_working_days, working_days_between
from .vocab import CODE_EVENTS, OPEN_CASE_STATUSES, POLICE_DECISIONS, VICTIMS_CODE_RIGHTS, label, slugs

# Each event belongs to exactly one right (issue 17, names fixed).
EVENT_RIGHT: dict[str, str] = {
    "told-about-code": "understand-and-be-understood",
    "needs-assessed": "referral-to-support",
    "referred": "referral-to-support",
    "compensation-information": "information-about-compensation",
    "vps-offered": "victim-personal-statement",
    "vps-made": "victim-personal-statement",
    "decision-communicated": "information-about-investigation",
    "trial-dates-communicated": "information-about-trial",
    "outcome-communicated": "outcome-and-appeals",
    "complaint-information": "make-a-complaint",
}

# The events that tell a victim of a decision: they need the moment of the decision, and are timed against it.
DECISION_EVENTS = frozenset({"decision-communicated"})
# Rights with a deadline in the Code, measured from each decision to the moment the victim was told.
DEADLINE_BOUND_RIGHTS = ("information-about-investigation",)
# Working days to tell a victim of a decision: enhanced victims, then everyone else (Code, right 6).
DECISION_DEADLINE_DAYS = {True: 1, False: 5}
# The rights no event belongs to, and who owes them under the Code: a support service records nothing under them.
OWED_ELSEWHERE: dict[str, str] = {
    "crime-recorded": "the police, when the crime is reported",
    "information-when-reporting": "the police, when the crime is reported",
    "expenses-and-property": ("Witness Care and the Crown Prosecution Service (a witness's expenses) and the police "
                              "(property taken as evidence)"),
    "information-about-offender": "the probation service's Victim Contact Scheme, once the offender is convicted",
}
# Rights expected of every case a service takes on, by the case's first-contact due date.
EXPECTED_BY_FIRST_CONTACT = ("understand-and-be-understood", "referral-to-support")
# A case that ended like this never owed the victim the rights above from this service.
NOT_TAKEN_ON_STATUSES = ("declined", "transferred")


def events_of(right: str) -> tuple[str, ...]:
    """The events of a right, in the order of CODE_EVENTS (none for the rights other agencies meet)."""
    return tuple(event for event in slugs(CODE_EVENTS) if EVENT_RIGHT[event] == right)


def is_deadline_bound(right: str) -> bool:
    return right in DEADLINE_BOUND_RIGHTS


def decision_deadline_days(enhanced: bool) -> int:
    return DECISION_DEADLINE_DAYS[bool(enhanced)]


@dataclass(frozen=True)
class Timing:
    """When a decision had to be told, how many working days it took, and whether that was in time."""

    due_on: date
    working_days: int
    in_time: bool


def decision_timing(decision_at: datetime, told_at: datetime, enhanced: bool,
                    holidays: Collection[date] | None = None) -> Timing:
    """The deadline for telling a victim of a decision made at ``decision_at``, judged against ``told_at``.

    Both are counted as London dates: a decision at 17:00 on a Friday told on the Monday took 1 working day."""
    decided_on, told_on = london_date(decision_at), london_date(told_at)
    due_on = add_working_days(decided_on, decision_deadline_days(enhanced), holidays)
    return Timing(due_on=due_on, working_days=working_days_between(decided_on, told_on, holidays),
                  in_time=told_on <= due_on)


def event_problems(right: str, event: str, at: datetime | None, decision_at: datetime | None,
                   now: datetime, decision: str | None = None) -> list[dict]:
    """What is wrong with an event as given, as ``{"field", "message"}`` (empty when it can be recorded).

    The API and the case page's form give the same answers in the same words."""
    errors = []
    if right not in slugs(VICTIMS_CODE_RIGHTS):
        errors.append({"field": "right", "message": "right must be one of the Victims' Code rights: "
                                                    + ", ".join(slugs(VICTIMS_CODE_RIGHTS))})
    if event not in EVENT_RIGHT:
        errors.append({"field": "event", "message": "event must be one of " + ", ".join(slugs(CODE_EVENTS))})
    elif right in slugs(VICTIMS_CODE_RIGHTS) and EVENT_RIGHT[event] != right:
        errors.append({"field": "event", "message": f"{label(CODE_EVENTS, event)} belongs to the right "
                                                    f"\u201c{label(VICTIMS_CODE_RIGHTS, EVENT_RIGHT[event])}\u201d, "
                                                    f"not \u201c{label(VICTIMS_CODE_RIGHTS, right)}\u201d"})
    if at is None:
        errors.append({"field": "at", "message": "Enter when it happened"})
    elif at > now:
        errors.append({"field": "at", "message": "When it happened cannot be in the future"})
    if event in DECISION_EVENTS and decision_at is None:
        errors.append({"field": "decision_at", "message": "Enter when the decision was made"})
    if decision_at is not None:
        if decision_at > now:
            errors.append({"field": "decision_at", "message": "When the decision was made cannot be in the future"})
        elif at is not None and decision_at > at:
            errors.append({"field": "decision_at",
                           "message": "The decision must have been made before the victim was told of it"})
    if decision is not None:
        if decision not in slugs(POLICE_DECISIONS):
            errors.append({"field": "decision", "message": "decision must be one of "
                                                           + ", ".join(slugs(POLICE_DECISIONS))})
        elif event in EVENT_RIGHT and event not in DECISION_EVENTS:
            errors.append({"field": "decision", "message": "A police decision belongs only to "
                                                           f"\u201c{label(CODE_EVENTS, 'decision-communicated')}\u201d"})
    return errors


class RightState(str, Enum):
    MET = "met"
    MET_LATE = "met-late"  # applied, but a decision was told after its deadline
    DUE = "due"
    MISSED = "missed"
    NOT_APPLICABLE = "not-applicable"
    NOT_RECORDED = "not-recorded"  # owed by another agency; nothing here says whether it was met


@dataclass(frozen=True)
class Badge:
    text: str
    colour: str  # a GOV.UK tag colour; the text always says it too (never colour alone)


BADGES = {
    RightState.MET: Badge("Met", "green"),
    RightState.MET_LATE: Badge("Met late", "orange"),
    RightState.DUE: Badge("Due", "blue"),
    RightState.MISSED: Badge("Missed", "red"),
    RightState.NOT_APPLICABLE: Badge("Not applicable", "grey"),
    RightState.NOT_RECORDED: Badge("Not recorded here", "purple"),
}


@dataclass(frozen=True)
class RecordedEvent:
    """An event as recorded: ``in_time`` is set for decision events (from decision_timing), else None."""

    right: str
    event: str
    at: datetime
    decision_at: datetime | None = None
    in_time: bool | None = None


@dataclass(frozen=True)
class RightStatus:
    right: str
    label: str
    state: RightState
    due_on: date | None = None
    events: tuple = field(default=())

    @property
    def badge(self) -> Badge:
        return BADGES[self.state]


def right_state(right: str, events: Sequence[RecordedEvent], *, case_status: str, first_contact_due: date | None,
                today: date) -> tuple[RightState, date | None]:
    """The state of one right for a case, and the date it is (or was) due where there is one."""
    if right in EXPECTED_BY_FIRST_CONTACT:
        if events:
            return RightState.MET, first_contact_due
        if case_status in NOT_TAKEN_ON_STATUSES:
            return RightState.NOT_APPLICABLE, None
        if case_status in OPEN_CASE_STATUSES and first_contact_due is not None and first_contact_due >= today:
            return RightState.DUE, first_contact_due
        return RightState.MISSED, first_contact_due
    if right in OWED_ELSEWHERE:
        return RightState.NOT_RECORDED, None
    if not events:
        return RightState.NOT_APPLICABLE, None
    if is_deadline_bound(right) and any(event.in_time is False for event in events):
        return RightState.MET_LATE, None
    return RightState.MET, None


def right_statuses(events: Iterable[RecordedEvent], *, case_status: str, first_contact_due: date | None,
                   today: date) -> list[RightStatus]:
    """The twelve rights in Code order, each with its state, due date and events (oldest first)."""
    by_right: dict[str, list[RecordedEvent]] = {}
    for event in sorted(events, key=lambda e: e.at):
        by_right.setdefault(event.right, []).append(event)
    statuses = []
    for right, right_label in VICTIMS_CODE_RIGHTS:
        own = by_right.get(right, [])
        state, due_on = right_state(right, own, case_status=case_status, first_contact_due=first_contact_due,
                                    today=today)
        statuses.append(RightStatus(right=right, label=right_label, state=state, due_on=due_on, events=tuple(own)))
    return statuses
