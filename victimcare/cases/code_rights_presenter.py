"""The case's "Victims' Code" tab: each right's state in words, with its badge and what happened, as the
domain decided it (domain/code_rights.py). Text only; templates show it as it is."""
from dataclasses import dataclass

from ..domain.code_rights import BADGES, Badge, RightState, decision_deadline_days
from ..domain.vocab import CODE_EVENTS, POLICE_DECISIONS, label
from ..web.template_helpers import format_date


@dataclass(frozen=True)
class EventLine:
    text: str
    recorded_by: str | None
    note: str | None


@dataclass(frozen=True)
class RightRow:
    label: str
    badge: Badge
    words: str  # said beside the badge, which already names the state
    events: list[EventLine]


def _state_words(status, enhanced: bool) -> str:
    due = format_date(status.due_on) if status.due_on else None
    return {
        RightState.MET: "",
        RightState.MET_LATE: (f"A police decision was told after the {decision_deadline_days(enhanced)} "
                              f"working day{'s' if decision_deadline_days(enhanced) != 1 else ''} the Code allows"),
        RightState.DUE: f"Due by {due}",
        RightState.MISSED: f"Was due by {due}" if due else "",
        RightState.NOT_APPLICABLE: "Nothing recorded calls for it",
    }[status.state]


def _event_text(row, enhanced: bool) -> str:
    text = f"{label(CODE_EVENTS, row.event)} on {format_date(row.at)}"
    if row.decision_at is None:
        return text
    decision = f"{label(POLICE_DECISIONS, row.decision)}, decided" if row.decision else "Decided"
    days = row.working_days
    timing = f"{days} working day{'s' if days != 1 else ''}"
    verdict = "in time" if row.in_time else f"late (the Code allows {decision_deadline_days(enhanced)})"
    return f"{text} ({decision} {format_date(row.decision_at)}: {timing}, {verdict})"


def code_rights_rows(result) -> list[RightRow]:
    enhanced = bool(result.case.enhanced)
    return [RightRow(label=status.label, badge=BADGES[status.state], words=_state_words(status, enhanced),
                     events=[EventLine(_event_text(row, enhanced), result.recorded_by.get(row.recorded_by_id), row.note)
                             for row in status.events])
            for status in result.rights]


def code_rights_summary(result) -> str:
    """One line: how many rights are met, missed and due."""
    counts = {state: sum(1 for s in result.rights if s.state is state) for state in RightState}
    met = counts[RightState.MET] + counts[RightState.MET_LATE]
    parts = [f"{met} of {len(result.rights)} rights met"]
    if counts[RightState.MET_LATE]:
        parts.append(f"{counts[RightState.MET_LATE]} of them late")
    if counts[RightState.MISSED]:
        parts.append(f"{counts[RightState.MISSED]} missed")
    if counts[RightState.DUE]:
        parts.append(f"{counts[RightState.DUE]} due")
    return ", ".join(parts) + "."
