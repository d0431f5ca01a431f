"""MARAC meetings run by a coordinator (an advocate of a service that refers to MARAC, with the coordinator
flag): meetings for an area, their agendas, hearings and actions, and the agenda shared with partner agencies.

Callers write ``from victimcare.services import marac`` and use the names below; the modules inside are split by
job: ``access`` (who may, loading with 404s), ``agenda`` (which cases belong on an agenda), ``meetings``
(meetings and agenda changes), ``hearings`` (hearings and actions), ``share`` (the partner share), ``figures``
(the service measures' MARAC figures) and ``coordinators`` (setting the flag).
"""
from .access import COORDINATE, is_coordinator, require_coordinator
from .coordinators import set_coordinator
from .hearings import (
    ActionInput,
    add_action,
    count_overdue,
    hearing_for_item,
    mark_done,
    meeting_actions,
    overdue_actions,
    record_hearing,
)
from .meetings import (
    AgendaRow,
    MeetingSummary,
    add_case,
    agenda,
    create_meeting,
    defer_item,
    fill_agenda,
    find_case_id,
    list_meetings,
    minutes_per_case,
    planned_total,
)
from .share import MARKING, SHARE_COLUMNS, create_share, share_csv, share_rows

__all__ = [
    "COORDINATE", "MARKING", "SHARE_COLUMNS", "ActionInput", "AgendaRow", "MeetingSummary", "add_action", "add_case",
    "agenda", "count_overdue", "create_meeting", "create_share", "defer_item", "fill_agenda", "find_case_id", "hearing_for_item",
    "is_coordinator", "list_meetings", "mark_done", "meeting_actions", "minutes_per_case", "overdue_actions",
    "planned_total", "record_hearing", "require_coordinator", "set_coordinator", "share_csv", "share_rows",
]
