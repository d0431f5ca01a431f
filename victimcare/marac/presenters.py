"""What the MARAC pages show, already decided: the area in words, each agenda line's badges, each action's state."""
from dataclasses import dataclass

from ..domain.clock import london_today
from ..domain.marac import (
    ACTION_STATES,
    AGENDA_SOURCES,
    MARAC_AGENCIES,
    REFERRAL_CRITERIA,
    RISK_LEVELS,
    action_state,
    minutes_in_words,
)
from ..domain.marac import may_record_hearing as hearing_allowed
from ..domain.report_definitions import BCU_NAMES, bcu_label
from ..domain.vocab import label

# Badge colours by action state; the words are always shown too.
_ACTION_TAGS = {"overdue": "govuk-tag--red", "due-today": "govuk-tag--orange", "open": "govuk-tag--blue",
                "done-on-time": "govuk-tag--green", "done-late": "govuk-tag--grey"}


def bcu_choices() -> list[tuple[str, str]]:
    return [("", "Not a whole BCU")] + [(str(n), bcu_label(n)) for n in sorted(BCU_NAMES)]


def area_label(meeting, borough_names: dict[str, str]) -> str:
    if meeting.bcu is not None:
        return bcu_label(meeting.bcu)
    return ", ".join(sorted(borough_names.get(code, code) for code in meeting.borough_codes or ())) or "No area"


def agencies_text(slugs) -> str:
    return ", ".join(label(MARAC_AGENCIES, s) for s in slugs or ())


RESTRICTED_HINT = ("Restricted: only staff named on this record see its details or record its hearing. Open the case "
                   "to ask for access.")


@dataclass(frozen=True)
class AgendaLine:
    row: object          # services.marac.AgendaRow
    name: str
    risk: str
    criteria: str
    source: str
    status: str          # "Heard", "Deferred", "To be heard"
    status_tag: str
    restricted: bool = False  # no name, no details: the name links to the case, where access can be asked for
    repeat: bool = False
    notes: tuple[str, ...] = ()  # why it was added or deferred, as typed


def agenda_lines(rows) -> list[AgendaLine]:
    lines = []
    for row in rows:
        item = row.item
        if row.hearing_id:
            status, tag = "Heard", "govuk-tag--green"
        elif item.deferred_at:
            status, tag = "Deferred", "govuk-tag--grey"
        else:
            status, tag = "To be heard", "govuk-tag--blue"
        if row.restricted:
            lines.append(AgendaLine(row=row, name=row.given_name, risk="", criteria="", source="",
                                    status=status, status_tag=tag, restricted=True))
            continue
        notes = tuple(note for note in (item.added_reason and f"Added because: {item.added_reason}",
                                        item.deferred_reason and f"Deferred because: {item.deferred_reason}") if note)
        lines.append(AgendaLine(
            row=row, name=f"{row.given_name} {row.family_name}".strip(),
            risk=label(RISK_LEVELS, item.risk_level) if item.risk_level else "Not assessed",
            criteria="; ".join(label(REFERRAL_CRITERIA, c) for c in item.criteria or ()),
            source=label(AGENDA_SOURCES, item.source), status=status, status_tag=tag, repeat=bool(item.repeat),
            notes=notes))
    return lines


def may_record_hearing(meeting_on) -> bool:
    """Whether the hearing page offers the form: the meeting has been held (London's today)."""
    return hearing_allowed(meeting_on, london_today())


def agenda_counts(lines: list[AgendaLine], total_minutes: int) -> str:
    """The agenda's caption: how many cases, how many heard, to hear and deferred, and the time planned."""
    counts = {status: sum(1 for line in lines if line.status == status) for status in ("Heard", "To be heard", "Deferred")}
    parts = [f"{n} {status.lower()}" for status, n in counts.items() if n]
    cases = f"{len(lines)} {'case' if len(lines) == 1 else 'cases'}"
    return f"{cases} ({', '.join(parts)}), {minutes_in_words(total_minutes)} planned"


@dataclass(frozen=True)
class ActionVictim:
    item_id: int
    name: str


def action_victims(agreed, lines: list[AgendaLine]) -> dict[int, ActionVictim]:
    """Whose case each action is on: action id -> the agenda item and the victim's name (as the agenda shows it)."""
    names = {line.row.item.id: line.name for line in lines}
    return {action.id: ActionVictim(item_id, names.get(item_id, "")) for action, item_id, _ in agreed}


@dataclass(frozen=True)
class ActionLine:
    action: object
    agency: str
    state: str
    state_tag: str
    description: str = ""
    owner: str = ""
    restricted: bool = False  # on a restricted record that does not open: no details, and it cannot be marked done


def action_lines(actions, restricted_ids=frozenset()) -> list[ActionLine]:
    """Each action's words and state; those in ``restricted_ids`` (actions on a restricted record the coordinator
    is not named on) show only their due date and state."""
    today = london_today()
    lines = []
    for action in actions:
        state = action_state(action.due_on, action.done_on, today)
        if action.id in restricted_ids:
            lines.append(ActionLine(action, "Restricted", label(ACTION_STATES, state), _ACTION_TAGS[state],
                                    description="Restricted record", owner="", restricted=True))
            continue
        lines.append(ActionLine(action, label(MARAC_AGENCIES, action.agency), label(ACTION_STATES, state),
                                _ACTION_TAGS[state], description=action.description, owner=action.owner))
    return lines


@dataclass(frozen=True)
class OverdueLine:
    action: object
    meeting: object
    item_id: int
    name: str
    description: str
    agency_and_owner: str
    restricted: bool


def overdue_lines(rows) -> list[OverdueLine]:
    """The coordinator's overdue actions; a restricted record's shows no name and nothing of what was agreed."""
    lines = []
    for action, meeting, item_id, given_name, family_name, restricted in rows:
        if restricted:
            lines.append(OverdueLine(action, meeting, item_id, given_name, "Restricted record", "Restricted", True))
        else:
            lines.append(OverdueLine(action, meeting, item_id, f"{given_name} {family_name}".strip(),
                                     action.description, f"{label(MARAC_AGENCIES, action.agency)}: {action.owner}",
                                     False))
    return lines


__all__ = ["agenda_lines", "action_lines", "overdue_lines", "agencies_text", "area_label", "bcu_choices",
           "minutes_in_words"]
