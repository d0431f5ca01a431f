"""The closure checklist: what a person should check before a case closes, and which items block the closure.

An advocate asking to close a case, and the lead reviewing that request, see the same list. A blocking item is
resolved (the task done, the step recorded) or overridden with a reason; the reason is kept on the case as a
note and the audit trail only says that the checklist was overridden.
"""
from dataclasses import dataclass

from .service_features import RJ_WITHDRAWAL, features_of

MARAC_REFERRAL = "marac-referral"
# Closing because the victim could not be reached: no first contact is what is expected, not a gap.
NOT_CONTACTABLE = "not-contactable"


@dataclass(frozen=True)
class ChecklistItem:
    key: str            # stable name for tests and forms
    label: str          # the question, as a person reads it
    answer: str         # the answer, in words
    blocking: bool      # outstanding, and stops the closure unless overridden with a reason


@dataclass(frozen=True)
class ClosureFacts:
    """What the checklist needs to know about a case (the service layer gathers it)."""

    service_slug: str
    open_tasks: int
    first_contact_made: bool
    high_risk: bool                     # DASH high risk or MARAC criteria met
    recorded_steps: frozenset[str] = frozenset()
    closure_reason: str | None = None


def _tasks_item(facts: ClosureFacts) -> ChecklistItem:
    if facts.open_tasks == 0:
        return ChecklistItem("open-tasks", "Open tasks", "None open", False)
    noun = "task is" if facts.open_tasks == 1 else "tasks are"
    return ChecklistItem("open-tasks", "Open tasks", f"{facts.open_tasks} {noun} still open", True)


def _first_contact_item(facts: ClosureFacts) -> ChecklistItem:
    if facts.first_contact_made:
        return ChecklistItem("first-contact", "First contact made", "Yes", False)
    if facts.closure_reason == NOT_CONTACTABLE:
        return ChecklistItem("first-contact", "First contact made", "No: closing as could not make contact", False)
    return ChecklistItem("first-contact", "First contact made", "No contact with the victim is recorded", True)


def closure_checklist(facts: ClosureFacts) -> tuple[ChecklistItem, ...]:
    """The checklist for closing a case, in the order a person checks it."""
    items = [_tasks_item(facts), _first_contact_item(facts)]
    features = features_of(facts.service_slug)
    if features.marac and facts.high_risk:
        referred = MARAC_REFERRAL in facts.recorded_steps
        items.append(ChecklistItem(
            "marac-referral", "MARAC referral recorded (high risk)",
            "Yes" if referred else "No MARAC referral is recorded for this high-risk case", not referred))
    if features.stopping_step == RJ_WITHDRAWAL:
        withdrawn = RJ_WITHDRAWAL in facts.recorded_steps
        items.append(ChecklistItem(
            "rj-consent", "Restorative justice consent withdrawn",
            "Yes: the process stopped" if withdrawn else "No", False))
    return tuple(items)


def blocking_items(items: tuple[ChecklistItem, ...]) -> tuple[ChecklistItem, ...]:
    return tuple(item for item in items if item.blocking)


def override_errors(items: tuple[ChecklistItem, ...], override_reason: str | None, *, approving: bool = False) -> list[dict]:
    """What stops a closure on its checklist: any blocking item needs a reason to go ahead regardless."""
    if not blocking_items(items) or (override_reason or "").strip():
        return []
    action = "approving the closure" if approving else "closing the case"
    return [{"field": "override_reason",
             "message": f"Resolve the items marked \u2018To do\u2019 or give a reason for {action} anyway"}]
