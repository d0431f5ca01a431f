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


# --- requests for a victim's records (the police, the CPS, a court, the defence...) -------------------------------
# A register of each request for a victim's records held by a service: who asked, what, why, when the victim was
# told in writing and what they said, the decision and its reason, what was disclosed and when. Counselling and
# therapy records start from a presumption that they are not needed (the Victims' Code, the CPS pre-trial therapy
# guidance and the Attorney General's disclosure guidelines): the form says so, and disclosing them needs a reason.
RECORDS_REQUESTERS: Vocabulary = (
    ("police", "Police"),
    ("cps", "Crown Prosecution Service"),
    ("court", "A court (order or witness summons)"),
    ("defence", "The defence"),
    ("social-care", "Children's or adult social care"),
    ("other", "Someone else"),
)
RECORDS_KINDS: Vocabulary = (
    ("counselling-therapy", "Counselling or therapy records"),
    ("case-notes", "Case notes and contact records"),
    ("risk-assessments", "Risk assessments"),
    ("other", "Other records"),
)
RECORDS_DECISIONS: Vocabulary = (
    ("pending", "Not decided yet"),
    ("refused", "Refused: nothing disclosed"),
    ("disclosed-in-part", "Disclosed in part"),
    ("disclosed", "Disclosed"),
)
COUNSELLING_PRESUMPTION = ("Counselling and therapy records start from a presumption that they are not needed: "
                           "disclose them only when the request shows they are relevant to a reasonable line of "
                           "enquiry, the victim has been told, and the reason is recorded.")


def records_request_problems(*, kind: str, decision: str, decision_reason: str, victim_told_on, disclosed_on,
                             disclosed_what: str, received_on, today) -> list[tuple[str, str]]:
    """What is missing or wrong in a register entry, as (field, message) pairs."""
    problems = []
    if received_on is None:
        problems.append(("received_on", "Enter the date the request was received"))
    elif received_on > today:
        problems.append(("received_on", "The date received must be today or in the past"))
    disclosing = decision in ("disclosed", "disclosed-in-part")
    if decision != "pending" and not (decision_reason or "").strip():
        problems.append(("decision_reason", "Give the reason for the decision"))
    if disclosing and victim_told_on is None:
        problems.append(("victim_told_on", "Tell the victim in writing before anything is disclosed, and enter "
                                           "the date"))
    if disclosing and (disclosed_on is None or not (disclosed_what or "").strip()):
        problems.append(("disclosed_what", "Say what was disclosed and enter the date"))
    if disclosed_on is not None and received_on is not None and disclosed_on < received_on:
        problems.append(("disclosed_on", "The date disclosed cannot be before the request was received"))
    if disclosing and kind == "counselling-therapy" and len((decision_reason or "").strip()) < 20:
        problems.append(("decision_reason", "Counselling or therapy records are presumed not needed: explain why "
                                            "this request overcomes that presumption"))
    return problems
