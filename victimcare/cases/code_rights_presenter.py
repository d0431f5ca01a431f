"""The case's "Victims' Code" tab: each right's state in words, with its badge and what happened, as the
domain decided it (domain/code_rights.py). Text only; templates show it as it is."""
from dataclasses import dataclass

from ..domain.code_rights import BADGES, OWED_ELSEWHERE, Badge, RightState, decision_deadline_days, decision_timing
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


def _owed_elsewhere_words(right: str, crime_reference_given: bool) -> str:
    words = f"Owed by {OWED_ELSEWHERE[right]}. Nothing recorded here says whether it was met."
    if right == "crime-recorded" and crime_reference_given:
        words += " The referral gives a crime reference, so the police recorded the crime; not when."
    return words


def _state_words(status, enhanced: bool, crime_reference_given: bool = False) -> str:
    if status.state is RightState.NOT_RECORDED:
        return _owed_elsewhere_words(status.right, crime_reference_given)
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
    allowed = decision_deadline_days(enhanced)
    due_on = decision_timing(row.decision_at, row.at, enhanced).due_on
    # A decision told on a weekend after a Friday deadline took 1 working day and was still late: say when it was due.
    verdict = "in time" if row.in_time else (f"late: the Code allows {allowed}, so it was due by "
                                             f"{format_date(due_on)}")
    return f"{text} ({decision} {format_date(row.decision_at)}: {timing}, {verdict})"


def code_rights_rows(result) -> list[RightRow]:
    enhanced = bool(result.case.enhanced)
    return [RightRow(label=status.label, badge=BADGES[status.state],
                     words=_state_words(status, enhanced, result.crime_reference_given),
                     events=[EventLine(_event_text(row, enhanced), result.recorded_by.get(row.recorded_by_id), row.note)
                             for row in status.events])
            for status in result.rights]


def code_rights_summary(result) -> str:
    """One line: how many of the rights recorded here are met, missed and due, and how many are owed elsewhere."""
    counts = {state: sum(1 for s in result.rights if s.state is state) for state in RightState}
    met = counts[RightState.MET] + counts[RightState.MET_LATE]
    recorded_here = len(result.rights) - counts[RightState.NOT_RECORDED]
    parts = [f"{met} of the {recorded_here} rights recorded here met"]
    if counts[RightState.MET_LATE]:
        parts.append(f"{counts[RightState.MET_LATE]} of them late")
    if counts[RightState.MISSED]:
        parts.append(f"{counts[RightState.MISSED]} missed")
    if counts[RightState.DUE]:
        parts.append(f"{counts[RightState.DUE]} due")
    summary = ", ".join(parts) + "."
    if counts[RightState.NOT_RECORDED]:
        summary += (f" The other {counts[RightState.NOT_RECORDED]} are owed by other agencies (the police, Witness "
                    "Care and the CPS, probation) and are not recorded here.")
    return summary
