"""Case work: reading cases and recording what advocates do.

The package's public API is what this module names below: callers write
``from victimcare.services import cases as case_service`` and ``case_service.record_contact(...)``, and never
import from the modules inside, which are split by job:

- ``queries``: the audited read (get_case), the lists on a case's pages, and a case's history for its timeline;
- ``work``: contacts, notes, tasks, assignment and the needs assessment;
- ``service_specific``: what only some services record (steps, DASH reassessment, safeguarding lead, complaint);
- ``lifecycle``: accept, decline, transfer, reopen and closure;
- ``opening``: the one place a case is opened (routing, an added route, a transfer);
- ``locking``: loading a case for a change and saving it without losing anyone's update (versions).

Every change checks the actor's service, respects the case's version, writes its audit event and flushes; the
boundary commits (victimcare/uow.py).
"""
from .lifecycle import (
    OUTCOME_COLUMNS,
    NextSteps,
    accept_and_take,
    approve_closure,
    closure_pending,
    closure_checklist,
    closure_override_reason,
    may_approve_closure,
    next_steps,
    send_back_closure,
    transition,
)
from .locking import STALE_MESSAGE, StaleCase
from .opening import open_case
from .queries import (
    CaseHistory,
    borough_name,
    case_history,
    dash_history,
    get_case,
    latest_dash_answers,
    list_contacts,
    list_notes,
    list_steps,
    list_tasks,
    service_advocates,
    step_recorded,
)
from .service_specific import COMPLAINT_FIELDS, reassess_dash, record_complaint, record_step, set_safeguarding_lead
from .work import add_note, add_task, assign_case, complete_task, record_contact, save_needs

__all__ = [
    "COMPLAINT_FIELDS", "OUTCOME_COLUMNS", "STALE_MESSAGE", "CaseHistory", "NextSteps", "StaleCase",
    "accept_and_take", "add_note", "add_task", "approve_closure", "assign_case", "borough_name", "case_history", "closure_pending",
    "complete_task", "dash_history", "get_case", "latest_dash_answers", "list_contacts", "list_notes",
    "list_steps", "list_tasks",
    "closure_checklist", "closure_override_reason", "may_approve_closure", "next_steps", "open_case", "reassess_dash", "record_complaint", "record_contact",
    "record_step", "save_needs", "send_back_closure", "service_advocates", "set_safeguarding_lead", "step_recorded", "transition",
]
