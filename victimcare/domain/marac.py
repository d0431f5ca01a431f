"""MARAC meetings (multi-agency risk assessment conferences, SafeLives): which cases a meeting hears, which are
repeats, how long its agenda runs, and whether an agreed action was done on time. Pure rules; services/marac/
applies them to the database.

The victim does not attend: their IDVA represents their views. A case is a repeat when it is a new referral
within 12 months of the person's last MARAC referral (SafeLives expects roughly 28-40% of cases to be repeats).
"""
from dataclasses import dataclass
from datetime import date

from .vocab import Vocabulary

REPEAT_WINDOW_MONTHS = 12
# SafeLives: about 12-15 minutes a case; MARAC_MINUTES_PER_CASE (default 15) sets it locally.
DEFAULT_MINUTES_PER_CASE = 15
# SafeLives' expected repeat rate, shown beside a service's own as context (percentages).
SAFELIVES_REPEAT_RANGE = (28, 40)

# The agencies a MARAC usually invites. Slugs are stored: never rename one.
MARAC_AGENCIES: Vocabulary = (
    ("police", "Police"),
    ("idva", "IDVA service"),
    ("childrens-social-care", "Children's social care"),
    ("adult-social-care", "Adult social care"),
    ("health", "Health (GP, hospital, health visiting)"),
    ("mental-health", "Mental health"),
    ("housing", "Housing"),
    ("probation", "Probation"),
    ("education", "Education"),
    ("substance-use", "Drug and alcohol services"),
    ("other", "Other agency"),
)

# Why a case was referred: the MARAC criteria met (domain/dash.py words each reason; these are its codes).
REFERRAL_CRITERIA: Vocabulary = (
    ("visible-high-risk", "Visible high risk (DASH)"),
    ("professional-judgement", "Professional judgement"),
    ("potential-escalation", "Potential escalation"),
    ("repeat", "Repeat referral"),
)
_CRITERIA_BY_PREFIX = (
    ("Visible high risk", "visible-high-risk"),
    ("Professional judgement", "professional-judgement"),
    ("Potential escalation", "potential-escalation"),
    ("Repeat", "repeat"),
)

# DASH risk levels as the agenda and the share show them.
RISK_LEVELS: Vocabulary = (("high", "High"), ("medium", "Medium"), ("standard", "Standard"))

# How an item came onto an agenda.
AGENDA_SOURCES: Vocabulary = (("filled", "Referred since the last meeting"), ("added", "Added by the coordinator"),
                              ("carried", "Deferred from an earlier meeting"))

ACTION_STATES: Vocabulary = (
    ("overdue", "Overdue"),
    ("due-today", "Due today"),
    ("open", "Open"),
    ("done-on-time", "Done on time"),
    ("done-late", "Done late"),
)


def criteria_from_reasons(reasons) -> tuple[str, ...]:
    """The coded MARAC criteria behind a DASH result's reasons (their words may carry a professional's own text,
    which never leaves the case; the codes may go on an agenda). No reasons recorded: professional judgement
    (an advocate recorded the referral as a step)."""
    found = [code for prefix, code in _CRITERIA_BY_PREFIX if any(str(r).startswith(prefix) for r in reasons or ())]
    return tuple(found) or ("professional-judgement",)


def twelve_months_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def is_repeat(referred_on: date, previous_referral_on: date | None) -> bool:
    """A new referral within 12 months of the person's last MARAC referral (that one before this one)."""
    if previous_referral_on is None or previous_referral_on >= referred_on:
        return False
    return previous_referral_on >= twelve_months_before(referred_on)


@dataclass(frozen=True)
class AgendaCandidate:
    """What decides whether a case of the area goes on a meeting's agenda."""

    referred_on: date
    heard_since_referral: bool
    on_another_agenda: bool = False     # waiting on another meeting's agenda (not deferred from it)
    deferred_earlier: bool = False      # deferred at an earlier meeting, not heard since


def belongs_on_agenda(candidate: AgendaCandidate, meeting_on: date, last_meeting_on: date | None) -> bool:
    """The area's cases referred to MARAC since its last meeting and not yet heard, plus cases an earlier meeting
    deferred; never a case referred after the meeting's date, one heard since it was referred, or one already
    waiting on another meeting's agenda."""
    if candidate.heard_since_referral or candidate.on_another_agenda or candidate.referred_on > meeting_on:
        return False
    if candidate.deferred_earlier:
        return True
    return last_meeting_on is None or candidate.referred_on > last_meeting_on


def planned_minutes(cases: int, minutes_per_case: int) -> int:
    return max(0, cases) * max(1, minutes_per_case)


def minutes_in_words(minutes: int) -> str:
    """90 -> "1 hour 30 minutes"; 45 -> "45 minutes"."""
    hours, rest = divmod(max(0, minutes), 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if rest or not hours:
        parts.append(f"{rest} minute{'s' if rest != 1 else ''}")
    return " ".join(parts)


def may_record_hearing(meeting_on: date, today: date) -> bool:
    """A hearing is recorded on or after the day of its meeting, never before it is held."""
    return meeting_on <= today


def action_state(due_on: date, done_on: date | None, today: date) -> str:
    """An action's state on London's today: done on time or late, or (not done) overdue, due today or open."""
    if done_on is not None:
        return "done-on-time" if done_on <= due_on else "done-late"
    if today > due_on:
        return "overdue"
    return "due-today" if today == due_on else "open"


def repeat_rate_context(rate_percent: float | None) -> str | None:
    """Where a repeat rate sits against SafeLives' expected range: "below", "within" or "above" (None: no rate)."""
    if rate_percent is None:
        return None
    low, high = SAFELIVES_REPEAT_RANGE
    if rate_percent < low:
        return "below"
    return "above" if rate_percent > high else "within"
