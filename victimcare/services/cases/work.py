"""Recording an advocate's everyday work on a case: contacts, notes, tasks, assignment and the needs assessment.
Each change checks the actor's service and the case's version, saves, and writes its audit event."""
from datetime import date, datetime

from .. import events
from ...domain.consent import NO_CONTACT_MESSAGE
from ...domain.access import Principal, is_service_lead, may_hold_cases_of
from ...domain.clock import utc_now
from ...domain.deadlines import london_date, working_days_between
from ...domain.people import UNSAFE_CONTACT_RULES, unsafe_contact_rule
from ...domain.vocab import CONTACT_METHODS, CONTACT_OUTCOMES, VICTIMS_CODE_NEEDS, slugs
from ...extensions import db
from ...models import Case, CaseNote, ContactAttempt, Task, User
from ...models.types import utcnow
from ..actors import Actor
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from . import locking
from .locking import audit_case, load_case


def _contact_errors(case: Case, at: datetime | None, method: str, outcome: str) -> list[dict]:
    errors = []
    if method not in slugs(CONTACT_METHODS):
        errors.append({"field": "method", "message": f"Choose a contact method: {', '.join(slugs(CONTACT_METHODS))}"})
    if outcome not in slugs(CONTACT_OUTCOMES):
        errors.append({"field": "outcome", "message": f"Choose an outcome: {', '.join(slugs(CONTACT_OUTCOMES))}"})
    if at is None or at.tzinfo is None:
        errors.append({"field": "at", "message": "Enter the date and time of the contact, with a time zone"})
    elif at < case.received_at:
        errors.append({"field": "at", "message": "The contact cannot be before the referral was received"})
    elif at > utc_now():
        errors.append({"field": "at", "message": "The contact cannot be in the future"})
    return errors


def _against_wishes_errors(rule: str, confirmed: bool, reason: str | None) -> list[dict]:
    words = UNSAFE_CONTACT_RULES[rule].lower()
    errors = []
    if not confirmed:
        errors.append({"field": "against_wishes_confirmed",
                       "message": f"The victim said \u201c{words}\u201d: confirm this contact was needed anyway"})
    if not reason:
        errors.append({"field": "against_wishes_reason",
                       "message": f"Say why you contacted the victim this way when they said \u201c{words}\u201d"})
    return errors


def record_contact(
    actor: Actor, case_id: int, at: datetime, method: str, outcome: str, note: str | None = None,
    expected_version: int | None = None, against_wishes_confirmed: bool = False,
    against_wishes_reason: str | None = None,
) -> ContactAttempt:
    """Record a contact attempt. The first successful one stops the first-contact clock.

    A contact by a method the victim said is unsafe (a call when "do not phone", a voicemail when "do not leave
    voicemail", a letter when "do not write"...) is refused unless the advocate confirms it and says why; the rule
    goes in the audit and on the timeline, the reason stays on the attempt."""
    case = load_case(actor, case_id, "case.work")
    locking.check_version(case, expected_version)
    from ..consent import contact_stopped  # consent imports cases: import here, once both are loaded

    if contact_stopped(case):
        raise ValidationFailed(errors=[{"field": "method", "message": NO_CONTACT_MESSAGE}])
    errors = _contact_errors(case, at, method, outcome)
    rule = unsafe_contact_rule(method, outcome, case.referral.person) if not errors else None
    reason = (against_wishes_reason or "").strip() or None
    if rule:
        errors += _against_wishes_errors(rule, against_wishes_confirmed, reason)
    if errors:
        raise ValidationFailed(errors=errors)
    attempt = ContactAttempt(case_id=case.id, at=at, method=method, outcome=outcome, note=note,
                             against_rule=rule, against_rule_reason=reason if rule else None,
                             created_by_id=actor.user_id)
    db.session.add(attempt)
    changes = {"method": method, "outcome": outcome}
    if rule:
        changes["against_rule"] = rule
    first_contact_now = outcome == "reached" and case.first_contacted_at is None
    if outcome == "reached" and (case.first_contacted_at is None or at < case.first_contacted_at):
        contacted_on = london_date(at)
        case.first_contacted_at = at
        case.first_contact_working_days = working_days_between(london_date(case.received_at), contacted_on)
        case.first_contact_in_time = contacted_on <= case.first_contact_due
        changes["first_contact_in_time"] = case.first_contact_in_time
    locking.save_case(case, expected_version)
    audit_case(actor, "create", "contact_attempt", attempt.id, case, changes)
    if first_contact_now:
        events.first_contact(case)
    return attempt


def add_note(actor: Actor, case_id: int, body: str, sensitive: bool = False,
             expected_version: int | None = None) -> CaseNote:
    """A case note. A sensitive note's text is never shown in the timeline summary (nor, ever, in the audit)."""
    case = load_case(actor, case_id, "case.work")
    locking.check_version(case, expected_version)
    if not (body or "").strip():
        raise ValidationFailed(errors=[{"field": "body", "message": "Enter the note"}])
    note = CaseNote(case_id=case.id, body=body.strip(), sensitive=bool(sensitive), created_by_id=actor.user_id)
    db.session.add(note)
    locking.save_case(case, expected_version)
    audit_case(actor, "create", "case_note", note.id, case, {"sensitive": note.sensitive})
    return note


def _service_advocate(case: Case, user_id: int | None, field_name: str) -> User | None:
    """The active advocate of the case's service with this id (None for nobody); anyone else is refused."""
    if user_id is None:
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.active or not may_hold_cases_of(Principal(role=user.role, service_id=user.service_id),
                                                                 case.service_id):
        raise ValidationFailed(errors=[{"field": field_name,
                                        "message": "Choose an advocate of this case's service"}])
    return user


def add_task(actor: Actor, case_id: int, title: str, due_on: date | None = None, assigned_to_id: int | None = None,
             expected_version: int | None = None) -> Task:
    case = load_case(actor, case_id, "case.work")
    locking.check_version(case, expected_version)
    if not (title or "").strip():
        raise ValidationFailed(errors=[{"field": "title", "message": "Enter what needs doing"}])
    _service_advocate(case, assigned_to_id, "assigned_to")
    task = Task(case_id=case.id, title=title.strip()[:200], due_on=due_on, assigned_to_id=assigned_to_id,
                created_by_id=actor.user_id)
    db.session.add(task)
    locking.save_case(case, expected_version)
    audit_case(actor, "create", "task", task.id, case, {"due_on": due_on, "assigned_to_id": assigned_to_id})
    events.task_assigned(actor, task)
    return task


def complete_task(actor: Actor, case_id: int, task_id: int, expected_version: int | None = None) -> Task:
    case = load_case(actor, case_id, "case.work")
    locking.check_version(case, expected_version)
    task = db.session.get(Task, task_id)
    if task is None or task.case_id != case.id:
        raise NotFound("Task not found", object_type="task", object_id=task_id)
    if task.done_at is not None:
        raise Conflict("This task is already done.")
    task.done_at = utcnow()
    locking.save_case(case, expected_version)
    audit_case(actor, "update", "task", task.id, case, {"done": True})
    return task


def assign_case(actor: Actor, case_id: int, assignee_id: int | None, expected_version: int | None = None) -> Case:
    """A service lead gives the case to an advocate of the same service (or to nobody)."""
    case = load_case(actor, case_id, "case.work")
    if not is_service_lead(actor.principal):
        raise Forbidden("Only a service lead can assign cases", object_type="case", object_id=case.id)
    locking.check_version(case, expected_version)
    assignee = _service_advocate(case, assignee_id, "assignee")
    before = case.assigned_to_id
    before_name = case.assigned_to.name if case.assigned_to else None
    case.assigned_to_id = assignee.id if assignee else None
    case.assigned_to = assignee
    locking.save_case(case, expected_version)
    audit_case(actor, "update", "case", case.id, case, {"assigned_to": {
        "before": before, "after": case.assigned_to_id, "before_name": before_name,
        "after_name": assignee.name if assignee else None}})
    return case


def save_needs(actor: Actor, case_id: int, needs: list[str], support_plan: str | None,
               expected_version: int | None = None) -> Case:
    """The needs assessment (the Victims' Code needs identified) and the support plan."""
    case = load_case(actor, case_id, "case.work")
    locking.check_version(case, expected_version)
    unknown = [n for n in needs if n not in slugs(VICTIMS_CODE_NEEDS)]
    if unknown:
        raise ValidationFailed(errors=[{"field": "needs", "message": "Choose needs from the list"}])
    before = sorted((case.needs or {}).get("identified", []))
    case.needs = {"identified": [n for n in slugs(VICTIMS_CODE_NEEDS) if n in needs]}
    plan_changed = (case.support_plan or "") != (support_plan or "").strip()
    case.support_plan = (support_plan or "").strip() or None
    locking.save_case(case, expected_version)
    changes = {"needs": {"before": before, "after": case.needs["identified"]}}
    if plan_changed:
        changes["support_plan"] = {"changed": True}  # free text stays out of the audit trail
    audit_case(actor, "update", "case", case.id, case, changes)
    return case
