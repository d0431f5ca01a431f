"""Case work: reading cases and recording what advocates do. Each change checks the actor's service,
writes its audit event in the same transaction, and respects the case's version (no lost updates).

Every write to a case, including adding a contact, note, task or step, bumps the case's version: a form carries
the version it was opened at, and a save against an older version is refused with a Conflict (409) instead of
silently overwriting. The version check runs twice: in Python against the form's version, and in the database
(SQLAlchemy's version_id_col puts ``WHERE version = :old`` on the UPDATE), so two concurrent saves that both
passed the first check still cannot both win.
"""
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from sqlalchemy import and_, or_, select
from sqlalchemy.orm.exc import StaleDataError

from ..domain.access import can_see_service_record
from ..domain.case_lifecycle import (
    IllegalTransition,
    MissingDetail,
    allowed_targets,
    check_transition,
)
from ..domain.clock import london_today, utc_now
from ..domain.complaints import response_due
from ..domain.dash import assess_dash
from ..domain.deadlines import (
    HolidayDataUnavailable,
    covered_years,
    first_contact_due,
    london_date,
    working_days_between,
)
from ..domain.people import age_on
from ..domain.service_steps import StepRefused, check_step, steps_for
from ..domain.vocab import (
    CASE_STATUSES,
    COMPLAINT_AGENCIES,
    CONTACT_METHODS,
    CONTACT_OUTCOMES,
    DECLINE_REASONS,
    OUTCOME_ANSWERS,
    OUTCOME_QUESTIONS,
    SERVICES,
    TRANSFER_REASONS,
    VICTIMS_CODE_NEEDS,
    VICTIMS_CODE_RIGHTS,
    label,
    slugs,
)
from ..extensions import db
from ..models import (
    AuditEvent,
    Borough,
    Case,
    CaseNote,
    CaseStep,
    ContactAttempt,
    RiskAssessment,
    Service,
    Task,
    User,
)
from ..models.types import utcnow
from . import audit
from .actors import Actor, require
from .case_opening import open_case
from .errors import Conflict, Forbidden, NotFound, ValidationFailed

STALE_MESSAGE = (
    "Someone else changed this case after you opened it. Nothing of yours was saved; "
    "check their change below, then save again if yours is still needed."
)
# Audit actions that describe reading, not changing: left out of the timeline.
_NOT_ON_TIMELINE = ("view", "list", "export", "report-run", "permission-denied")
# Outcome question slug -> Case column
OUTCOME_COLUMNS = {
    "feels-safer": "outcome_feels_safer",
    "better-able-to-cope": "outcome_better_able_to_cope",
    "better-informed": "outcome_better_informed",
}
# The Victims' Commissioner complaint on a case, and the agency's response to it.
COMPLAINT_FIELDS = ("complaint_agency", "complaint_code_right", "response_requested_on", "response_due_on",
                    "response_received_on")


class StaleCase(Conflict):
    """The case changed since the form was opened: the page shows what changed and keeps the input."""


# --- loading and checks ---------------------------------------------------------------------------------------

def _load_case(actor: Actor, case_id: int, permission: str) -> Case:
    """The case, if the actor's service holds it; otherwise 404, so its existence is not revealed."""
    # An id no integer column can hold is simply not found (a driver would otherwise fail on it).
    case = db.session.get(Case, case_id) if 0 < case_id < 2**31 else None
    if case is None or not can_see_service_record(actor.principal, case.service_id):
        raise NotFound("Case not found", object_type="case", object_id=case_id)
    require(actor, permission, "You do not have permission to do this")
    return case


def _check_version(case: Case, expected_version: int | None) -> None:
    if expected_version is not None and case.version != expected_version:
        raise StaleCase(STALE_MESSAGE, current_version=case.version, your_version=expected_version)


def _save_case(case: Case, expected_version: int | None) -> None:
    """Write the case (bumping its version) and everything pending; a concurrent save surfaces as StaleCase."""
    case.updated_at = utcnow()
    try:
        db.session.flush()
    except StaleDataError:
        # The session must be rolled back before it is used again: the boundary that catches this does so.
        raise StaleCase(STALE_MESSAGE, your_version=expected_version) from None


def _audit_case(actor: Actor, action: str, object_type: str, object_id, case: Case, changes: dict) -> None:
    audit.record(actor, action, object_type, object_id, referral_id=case.referral_id, case_id=case.id,
                 service_id=case.service_id, changes={**changes, "version": case.version})


def _service_advocate(case: Case, user_id: int | None, field_name: str) -> User | None:
    if user_id is None:
        return None
    user = db.session.get(User, user_id)
    if user is None or user.role != "advocate" or user.service_id != case.service_id or not user.active:
        raise ValidationFailed(errors=[{"field": field_name,
                                        "message": "Choose an advocate of this case's service"}])
    return user


# --- reading --------------------------------------------------------------------------------------------------

def get_case(actor: Actor, case_id: int) -> Case:
    case = _load_case(actor, case_id, "case.view")
    audit.record(actor, "view", "case", case.id, referral_id=case.referral_id, case_id=case.id, service_id=case.service_id)
    return case


def safe_contact_instructions(person) -> list[str]:
    """What an advocate must (not) do when contacting the victim, in plain words, most dangerous first."""
    if person is None:
        return ["No contact details recorded"]
    lines = []
    if not person.may_phone:
        lines.append("Do not phone")
    elif not person.may_leave_voicemail:
        lines.append("Do not leave voicemail")
    if not person.may_write:
        lines.append("Do not send letters")
    if not person.may_email:
        lines.append("Do not email")
    return lines


@dataclass
class CaseIdentity:
    """What the identity bar shows: who the victim is and how (not) to contact them."""

    case: Case
    name: str
    age: int | None
    borough: str | None
    reference: str
    risk_level: str | None
    safe_contact: list[str]
    safe_contact_notes: list[str]


def identity(case: Case) -> CaseIdentity:
    referral = case.referral
    person = referral.person
    borough = db.session.get(Borough, case.borough_code) if case.borough_code else None
    notes = [n for n in ((person.safe_contact_notes if person else None), referral.safe_contact_notes) if n]
    return CaseIdentity(
        case=case,
        name=person.full_name if person else "Name not recorded",
        age=age_on(person.date_of_birth, london_today()) if person else None,
        borough=borough.name if borough else None,
        reference=referral.reference,
        risk_level=referral.dash_level,
        safe_contact=safe_contact_instructions(person),
        safe_contact_notes=notes,
    )


@dataclass
class TimelineEntry:
    at: datetime
    title: str
    who: str
    detail: str | None = None
    version: int | None = None


def _case_chain_ids(case: Case) -> list[int]:
    """This case and the cases it was transferred from (history travels with a transfer)."""
    ids = [case.id]
    if case.rule != "transfer":
        return ids  # only a case opened by a transfer has a predecessor (and the column has no index)
    frontier = [case.id]
    for _ in range(10):  # transfers are rare; a bound keeps a data error from looping
        frontier = list(db.session.scalars(select(Case.id).where(Case.transferred_to_case_id.in_(frontier))))
        if not frontier:
            break
        ids.extend(frontier)
    return ids


def _describe_event(event: AuditEvent, notes: dict, tasks: dict, steps: dict,
                    services_by_id: dict) -> tuple[str, str | None]:
    changes = event.changes or {}
    kind = (event.action, event.object_type)
    oid = int(event.object_id) if event.object_id and event.object_id.isdigit() else None
    if kind == ("create", "referral"):
        return "Referral received", None
    if kind == ("create", "case"):
        service = services_by_id.get(event.service_id)
        origin = " (transferred in)" if changes.get("transferred_from_case_id") else ""
        return f"Case opened for {service.name if service else 'a service'}{origin}", None
    if kind == ("create", "contact_attempt"):
        title = (f"Contact attempt: {label(CONTACT_METHODS, changes.get('method'))}, "
                 f"{label(CONTACT_OUTCOMES, changes.get('outcome')).lower()}")
        detail = None
        if "first_contact_in_time" in changes:
            detail = ("First contact made, within the due date" if changes["first_contact_in_time"]
                      else "First contact made, after the due date")
        return title, detail
    if kind == ("create", "case_note"):
        note = notes.get(oid)
        if note is None:
            return "Note added", None
        return ("Sensitive note added", "Text hidden: open the notes to read it") if note.sensitive \
            else ("Note added", note.body)
    if kind == ("create", "task"):
        task = tasks.get(oid)
        return "Task added", task.title if task else None
    if kind == ("update", "task"):
        task = tasks.get(oid)
        return "Task done", task.title if task else None
    if kind in (("create", "case_step"), ("create", "case_milestone")):  # case_milestone: events before the rename
        step = steps.get(oid)
        return f"Step recorded: {changes.get('step_label') or changes.get('step')}", step.detail if step else None
    if event.object_type == "case" and event.action in ("transition", "update"):
        note = notes.get(changes.get("note_id"))
        reason = note.body if note else None
        if "closure" in changes:
            titles = {"requested": "Closure requested", "approved": "Closure approved: case closed",
                      "sent-back": "Closure sent back"}
            return titles.get(changes["closure"], "Closure"), reason
        if "status" in changes:
            after = changes["status"].get("after")
            title = f"Status changed to {label(CASE_STATUSES, after).lower()}"
            if after == "transferred" and changes.get("to_service"):
                title = f"Transferred to {label(SERVICES, changes['to_service'])}"
            elif after == "in-progress" and changes["status"].get("before") == "closed":
                title = "Reopened"
            code = changes.get("reason_code")
            if code and after in ("declined", "transferred"):
                title += f" ({label(DECLINE_REASONS if after == 'declined' else TRANSFER_REASONS, code).lower()})"
            return title, reason
        if "assigned_to" in changes:
            return f"Assigned to {changes['assigned_to'].get('after_name') or 'nobody'}", None
        if "needs" in changes or "support_plan" in changes:
            return "Needs assessment and support plan updated", None
        if any(name in changes for name in COMPLAINT_FIELDS):
            return "Complaint and agency response updated", None
    readable = (event.object_type or "record").replace("_", " ")
    return f"{event.action.capitalize()} {readable}", None


def timeline(case: Case) -> list[TimelineEntry]:
    """Everything that happened to the case and its referral, newest first, from the audit trail.

    Events of other services' cases on the same referral are left out; those of a case this one was transferred
    from are kept. A fixed number of queries, whatever the number of events.
    """
    chain = _case_chain_ids(case)
    events = db.session.execute(
        select(AuditEvent, User.name)
        .outerjoin(User, AuditEvent.actor_user_id == User.id)
        .where(
            or_(AuditEvent.case_id.in_(chain),
                and_(AuditEvent.referral_id == case.referral_id, AuditEvent.case_id.is_(None),
                     AuditEvent.object_type == "referral")),
            AuditEvent.action.not_in(_NOT_ON_TIMELINE),
        )
        .order_by(AuditEvent.seq.desc())
    ).all()
    notes = {n.id: n for n in db.session.scalars(select(CaseNote).where(CaseNote.case_id.in_(chain)))}
    tasks = {t.id: t for t in db.session.scalars(select(Task).where(Task.case_id.in_(chain)))}
    steps = {m.id: m for m in db.session.scalars(select(CaseStep).where(CaseStep.case_id.in_(chain)))}
    services_by_id = {s.id: s for s in db.session.scalars(select(Service))}
    entries = []
    for event, name in events:
        title, detail = _describe_event(event, notes, tasks, steps, services_by_id)
        who = name or ("System" if event.actor_role == "system" else event.actor_label or "Unknown")
        entries.append(TimelineEntry(at=event.occurred_at, title=title, who=who, detail=detail,
                                     version=(event.changes or {}).get("version")))
    return entries


def list_contacts(case: Case) -> list:
    return db.session.execute(
        select(ContactAttempt, User.name).outerjoin(User, ContactAttempt.created_by_id == User.id)
        .where(ContactAttempt.case_id == case.id).order_by(ContactAttempt.at.desc(), ContactAttempt.id.desc())
    ).all()


def list_notes(case: Case) -> list:
    return db.session.execute(
        select(CaseNote, User.name).outerjoin(User, CaseNote.created_by_id == User.id)
        .where(CaseNote.case_id == case.id).order_by(CaseNote.created_at.desc(), CaseNote.id.desc())
    ).all()


def list_tasks(case: Case) -> list:
    return db.session.execute(
        select(Task, User.name).outerjoin(User, Task.assigned_to_id == User.id)
        .where(Task.case_id == case.id)
        .order_by(Task.done_at.is_not(None), Task.due_on.is_(None), Task.due_on, Task.id)
    ).all()


def list_steps(case: Case) -> list:
    return db.session.execute(
        select(CaseStep, User.name).outerjoin(User, CaseStep.created_by_id == User.id)
        .where(CaseStep.case_id == case.id).order_by(CaseStep.occurred_on.desc(), CaseStep.id.desc())
    ).all()


def service_advocates(service_id: int) -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.role == "advocate", User.service_id == service_id, User.active.is_(True))
        .order_by(User.name)
    ))


def changes_since(case: Case, version: int) -> list[TimelineEntry]:
    """Timeline entries written after the version a stale form was opened at: what the other person did."""
    return [entry for entry in timeline(case) if entry.version is not None and entry.version > version]


# --- recording work -------------------------------------------------------------------------------------------

def record_contact(
    actor: Actor, case_id: int, at: datetime, method: str, outcome: str, note: str | None = None,
    expected_version: int | None = None,
) -> ContactAttempt:
    """Record a contact attempt. The first successful one stops the first-contact clock."""
    case = _load_case(actor, case_id, "case.work")
    _check_version(case, expected_version)
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
    if errors:
        raise ValidationFailed(errors=errors)
    attempt = ContactAttempt(case_id=case.id, at=at, method=method, outcome=outcome, note=note,
                             created_by_id=actor.user_id)
    db.session.add(attempt)
    changes = {"method": method, "outcome": outcome}
    if outcome == "reached" and (case.first_contacted_at is None or at < case.first_contacted_at):
        contacted_on = london_date(at)
        case.first_contacted_at = at
        case.first_contact_working_days = working_days_between(london_date(case.received_at), contacted_on)
        case.first_contact_in_time = contacted_on <= case.first_contact_due
        changes["first_contact_in_time"] = case.first_contact_in_time
    _save_case(case, expected_version)
    _audit_case(actor, "create", "contact_attempt", attempt.id, case, changes)
    return attempt


def add_note(actor: Actor, case_id: int, body: str, sensitive: bool = False,
             expected_version: int | None = None) -> CaseNote:
    """A case note. A sensitive note's text is never shown in the timeline summary (nor, ever, in the audit)."""
    case = _load_case(actor, case_id, "case.work")
    _check_version(case, expected_version)
    if not (body or "").strip():
        raise ValidationFailed(errors=[{"field": "body", "message": "Enter the note"}])
    note = CaseNote(case_id=case.id, body=body.strip(), sensitive=bool(sensitive), created_by_id=actor.user_id)
    db.session.add(note)
    _save_case(case, expected_version)
    _audit_case(actor, "create", "case_note", note.id, case, {"sensitive": note.sensitive})
    return note


def add_task(actor: Actor, case_id: int, title: str, due_on: date | None = None, assigned_to_id: int | None = None,
             expected_version: int | None = None) -> Task:
    case = _load_case(actor, case_id, "case.work")
    _check_version(case, expected_version)
    if not (title or "").strip():
        raise ValidationFailed(errors=[{"field": "title", "message": "Enter what needs doing"}])
    _service_advocate(case, assigned_to_id, "assigned_to")
    task = Task(case_id=case.id, title=title.strip()[:200], due_on=due_on, assigned_to_id=assigned_to_id,
                created_by_id=actor.user_id)
    db.session.add(task)
    _save_case(case, expected_version)
    _audit_case(actor, "create", "task", task.id, case, {"due_on": due_on, "assigned_to_id": assigned_to_id})
    return task


def complete_task(actor: Actor, case_id: int, task_id: int, expected_version: int | None = None) -> Task:
    case = _load_case(actor, case_id, "case.work")
    _check_version(case, expected_version)
    task = db.session.get(Task, task_id)
    if task is None or task.case_id != case.id:
        raise NotFound("Task not found")
    if task.done_at is not None:
        raise Conflict("This task is already done.")
    task.done_at = utcnow()
    _save_case(case, expected_version)
    _audit_case(actor, "update", "task", task.id, case, {"done": True})
    return task


def assign_case(actor: Actor, case_id: int, assignee_id: int | None, expected_version: int | None = None) -> Case:
    """A service lead gives the case to an advocate of the same service (or to nobody)."""
    case = _load_case(actor, case_id, "case.work")
    if not actor.is_lead:
        raise Forbidden("Only a service lead can assign cases")
    _check_version(case, expected_version)
    assignee = _service_advocate(case, assignee_id, "assignee")
    before = case.assigned_to_id
    before_name = case.assigned_to.name if case.assigned_to else None
    case.assigned_to_id = assignee.id if assignee else None
    case.assigned_to = assignee
    _save_case(case, expected_version)
    _audit_case(actor, "update", "case", case.id, case, {"assigned_to": {
        "before": before, "after": case.assigned_to_id, "before_name": before_name,
        "after_name": assignee.name if assignee else None}})
    return case


def record_step(actor: Actor, case_id: int, step: str, occurred_on: date | None, detail: str | None = None,
                expected_version: int | None = None) -> CaseStep:
    """A service-specific step (MARAC referral, ABE interview, RJ consent...) with its date."""
    case = _load_case(actor, case_id, "case.work")
    _check_version(case, expected_version)
    recorded = set(db.session.scalars(select(CaseStep.step).where(CaseStep.case_id == case.id)))
    errors = []
    try:
        check_step(case.service.slug, step, recorded)
    except StepRefused as refused:
        errors.append({"field": "step", "message": str(refused)})
    if occurred_on is None:
        errors.append({"field": "occurred_on", "message": "Enter the date of the step"})
    elif occurred_on > london_today():
        errors.append({"field": "occurred_on", "message": "The date cannot be in the future"})
    if errors:
        raise ValidationFailed(errors=errors)
    recorded_step = CaseStep(case_id=case.id, step=step, occurred_on=occurred_on,
                              detail=(detail or "").strip() or None, created_by_id=actor.user_id)
    db.session.add(recorded_step)
    _save_case(case, expected_version)
    _audit_case(actor, "create", "case_step", recorded_step.id, case,
                {"step": step, "step_label": label(steps_for(case.service.slug), step), "occurred_on": occurred_on})
    return recorded_step


def save_needs(actor: Actor, case_id: int, needs: list[str], support_plan: str | None,
               expected_version: int | None = None) -> Case:
    """The needs assessment (the Victims' Code needs identified) and the support plan."""
    case = _load_case(actor, case_id, "case.work")
    _check_version(case, expected_version)
    unknown = [n for n in needs if n not in slugs(VICTIMS_CODE_NEEDS)]
    if unknown:
        raise ValidationFailed(errors=[{"field": "needs", "message": "Choose needs from the list"}])
    before = sorted((case.needs or {}).get("identified", []))
    case.needs = {"identified": [n for n in slugs(VICTIMS_CODE_NEEDS) if n in needs]}
    plan_changed = (case.support_plan or "") != (support_plan or "").strip()
    case.support_plan = (support_plan or "").strip() or None
    _save_case(case, expected_version)
    changes = {"needs": {"before": before, "after": case.needs["identified"]}}
    if plan_changed:
        changes["support_plan"] = {"changed": True}  # free text stays out of the audit trail
    _audit_case(actor, "update", "case", case.id, case, changes)
    return case


def reassess_dash(actor: Actor, case_id: int, yes_count: int, professional_judgement: bool = False,
                  professional_judgement_reason: str | None = None, incidents_last_12_months: int | None = None,
                  expected_version: int | None = None) -> RiskAssessment:
    """A new DASH assessment on a domestic-abuse case. It joins the case's risk history; a high level or a MARAC
    decision raises the case to high priority and flags MARAC (a reassessment never lowers them: that is a
    professional decision recorded by closing or re-routing, not by a lower score)."""
    from .referrals import dash_thresholds, last_marac_referral_on

    case = _load_case(actor, case_id, "case.work")
    _check_version(case, expected_version)
    if case.service.slug != "domestic-abuse":
        raise ValidationFailed(errors=[{"field": "yes_count", "message": "Only domestic-abuse cases have DASH assessments"}])
    now = utc_now()
    try:
        result = assess_dash(
            yes_count, professional_judgement=professional_judgement,
            professional_judgement_reason=professional_judgement_reason,
            incidents_last_12_months=incidents_last_12_months,
            last_marac_referral_on=last_marac_referral_on(case.referral.person, before=now),
            assessed_on=london_date(now), thresholds=dash_thresholds(),
        )
    except ValueError as error:
        field = "professional_judgement_reason" if "reason" in str(error) else "yes_count"
        raise ValidationFailed(errors=[{"field": field, "message": str(error)}])
    assessment = RiskAssessment(
        referral_id=case.referral_id, case_id=case.id, yes_count=result.yes_count,
        actuarial_level=result.actuarial_level, level=result.level, professional_judgement=result.professional_judgement,
        professional_judgement_reason=(professional_judgement_reason or "").strip() or None,
        incidents_last_12_months=incidents_last_12_months, marac=result.marac,
        marac_reasons=list(result.marac_reasons), assessed_at=now, assessed_by_id=actor.user_id,
    )
    db.session.add(assessment)
    before = {"priority": case.priority, "marac": case.marac}
    if result.marac or result.level == "high":
        case.priority = "high"
    case.marac = case.marac or result.marac
    _save_case(case, expected_version)
    changes = {"dash_level": result.level, "yes_count": result.yes_count, "marac": result.marac}
    changes.update(audit.describe_changes(before, {"priority": case.priority, "marac": case.marac}))
    _audit_case(actor, "create", "risk_assessment", assessment.id, case, changes)
    return assessment


def dash_history(case: Case) -> list:
    """Every DASH assessment of the case's referral, newest first, with who made it."""
    return db.session.execute(
        select(RiskAssessment, User.name).outerjoin(User, RiskAssessment.assessed_by_id == User.id)
        .where(RiskAssessment.referral_id == case.referral_id)
        .order_by(RiskAssessment.assessed_at.desc(), RiskAssessment.id.desc())
    ).all()


def set_safeguarding_lead(actor: Actor, case_id: int, name: str, expected_version: int | None = None) -> Case:
    """Name the safeguarding lead for a Child House case (a member of staff, so the name is not sensitive)."""
    case = _load_case(actor, case_id, "case.work")
    _check_version(case, expected_version)
    if case.service.slug != "child-house":
        raise ValidationFailed(errors=[{"field": "name", "message": "Only Child House cases have a named safeguarding lead"}])
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise ValidationFailed(errors=[{"field": "name", "message": "Enter the safeguarding lead's name (up to 120 characters)"}])
    before = case.safeguarding_lead
    case.safeguarding_lead = name
    _save_case(case, expected_version)
    _audit_case(actor, "update", "case", case.id, case, {"safeguarding_lead": {"before": before, "after": name}})
    return case


def record_complaint(actor: Actor, case_id: int, *, agency: str | None, code_right: str | None,
                     requested_on: date | None = None, received_on: date | None = None,
                     expected_version: int | None = None) -> Case:
    """The complaint on a Victims' Commissioner case: the agency it is about, the Victims' Code right, and when
    the agency was asked to respond and answered.

    The response is due VC_RESPONSE_WORKING_DAYS working days after the request. The due date is worked out when
    the request date is recorded or changed, so a later change to the setting does not move existing deadlines;
    clearing the request date clears it.
    """
    case = _load_case(actor, case_id, "case.work")
    _check_version(case, expected_version)
    if case.service.slug != "victims-commissioner":
        raise ValidationFailed(errors=[{"field": "agency",
                                        "message": "Only Victims' Commissioner cases record a complaint"}])
    today = london_today()
    errors = []
    if agency not in slugs(COMPLAINT_AGENCIES):
        errors.append({"field": "agency", "message": "Choose the agency the complaint is about"})
    if code_right not in slugs(VICTIMS_CODE_RIGHTS):
        errors.append({"field": "code_right", "message": "Choose the Victims' Code right the complaint is about"})
    due_on = case.response_due_on if requested_on == case.response_requested_on else None
    if requested_on is not None:
        if requested_on > today:
            errors.append({"field": "requested_on", "message": "The date the response was requested cannot be in the future"})
        elif due_on is None:
            try:
                due_on = response_due(requested_on, current_app.config["VC_RESPONSE_WORKING_DAYS"])
            except HolidayDataUnavailable:
                errors.append({"field": "requested_on",
                               "message": f"Enter a date the response was requested from {min(covered_years())} onwards"})
    if received_on is not None:
        if received_on > today:
            errors.append({"field": "received_on", "message": "The date the response was received cannot be in the future"})
        elif requested_on is None:
            errors.append({"field": "received_on",
                           "message": "Enter the date the response was requested as well as the date it was received"})
        elif received_on < requested_on:
            errors.append({"field": "received_on",
                           "message": "The date the response was received cannot be before the date it was requested"})
    if errors:
        raise ValidationFailed(errors=errors)
    before = {name: getattr(case, name) for name in COMPLAINT_FIELDS}
    case.complaint_agency, case.complaint_code_right = agency, code_right
    case.response_requested_on, case.response_received_on = requested_on, received_on
    case.response_due_on = due_on if requested_on is not None else None
    changes = audit.describe_changes(before, {name: getattr(case, name) for name in COMPLAINT_FIELDS})
    if not changes:
        return case  # saved as it was: no new version, nothing to audit
    _save_case(case, expected_version)
    _audit_case(actor, "update", "case", case.id, case, changes)
    return case


# --- the lifecycle --------------------------------------------------------------------------------------------

def _reason_note(actor: Actor, case: Case, prefix: str, text: str | None) -> CaseNote | None:
    """Reasons and comments are kept as case notes, so the audit trail carries only a pointer to them."""
    if not (text or "").strip():
        return None
    note = CaseNote(case_id=case.id, body=f"{prefix}: {text.strip()}", sensitive=False, created_by_id=actor.user_id)
    db.session.add(note)
    return note  # flushed with the case by _save_case; its id goes into the audit event after that


def _outcome_errors(outcomes: dict | None, required: bool) -> list[dict]:
    errors = []
    outcomes = outcomes or {}
    for question, _ in OUTCOME_QUESTIONS:
        answer = outcomes.get(question)
        if answer is None and not required:
            continue
        if answer not in slugs(OUTCOME_ANSWERS):
            errors.append({"field": OUTCOME_COLUMNS[question].removeprefix("outcome_"),
                           "message": f"Choose an answer for \u2018{label(OUTCOME_QUESTIONS, question).lower()}\u2019"})
    unknown = set(outcomes) - set(OUTCOME_COLUMNS)
    if unknown:
        errors.append({"field": "outcomes", "message": f"Unknown outcome questions: {', '.join(sorted(unknown))}"})
    return errors


def transition(
    actor: Actor, case_id: int, target: str, *, reason: str | None = None, target_service: str | None = None,
    closure_reason: str | None = None, outcomes: dict | None = None, expected_version: int | None = None,
    outcomes_required: bool = False, reason_code: str | None = None, reason_code_required: bool = False,
) -> Case:
    """Move a case through its lifecycle (domain/case_lifecycle.py decides what is legal).

    ``closed`` from an advocate is a closure request; a lead approves it with approve_closure. Declining sends
    the referral back to triage; transferring opens the new service's case and keeps this one, marked
    transferred, pointing at it.
    """
    case = _load_case(actor, case_id, "case.work")
    _check_version(case, expected_version)
    if target not in slugs(CASE_STATUSES):
        raise ValidationFailed(errors=[{"field": "to", "message": f"Choose a status: {', '.join(slugs(CASE_STATUSES))}"}])
    try:
        check_transition(case.status, target, reason=reason, closure_reason=closure_reason,
                         target_service=target_service, reason_code=reason_code or None,
                         reason_code_required=reason_code_required)
    except IllegalTransition as illegal:
        raise Conflict(str(illegal)) from None
    except MissingDetail as missing:
        raise ValidationFailed(errors=[{"field": missing.field, "message": str(missing)}]) from None
    if target == "closed":
        return _request_closure(actor, case, closure_reason, outcomes, expected_version, outcomes_required)
    if closure_pending(case) and target != "transferred":
        raise Conflict("Closure has been requested for this case: a lead must approve it or send it back first.")

    before = case.status
    changes: dict = {"status": {"before": before, "after": target}}
    note = None
    now = utcnow()
    if target == "accepted":
        case.accepted_at = now
    elif target == "declined":
        case.decline_reason = reason.strip()
        case.decline_reason_code = reason_code or None
        changes["reason_code"] = case.decline_reason_code
        note = _reason_note(actor, case, "Declined", reason)
        # Back to triage, so a caseworker can route the victim elsewhere.
        case.referral.status = "triage"
        changes["referral_status"] = {"after": "triage"}
    elif target == "transferred":
        new_case = _open_transferred_case(actor, case, target_service, reason)
        case.transferred_to_case_id = new_case.id
        case.transfer_reason_code = reason_code or None
        changes["reason_code"] = case.transfer_reason_code
        case.closure_requested_at = case.closure_requested_by_id = None
        note = _reason_note(actor, case, f"Transferred to {label(SERVICES, target_service)}", reason)
        changes.update(to_service=target_service, transferred_to_case_id=new_case.id)
    elif target == "in-progress" and before == "closed":
        note = _reason_note(actor, case, "Reopened", reason)
        case.closed_at = case.closure_requested_at = case.closure_requested_by_id = None
        case.closure_reason = None
        for column in OUTCOME_COLUMNS.values():
            setattr(case, column, None)
    case.status = target
    _save_case(case, expected_version)
    if note is not None:
        changes["note_id"] = note.id
    _audit_case(actor, "transition", "case", case.id, case, changes)
    return case


def _open_transferred_case(actor: Actor, case: Case, target_service: str, reason: str) -> Case:
    service = db.session.scalar(select(Service).where(Service.slug == target_service))
    if service is None or not service.active:
        raise ValidationFailed(errors=[{"field": "target_service", "message": "Choose a service that is open"}])
    if service.id == case.service_id:
        raise ValidationFailed(errors=[{"field": "target_service",
                                        "message": "Choose a different service from this one"}])
    now = utc_now()
    days = service.first_contact_days_enhanced if case.enhanced else service.first_contact_days_standard
    return open_case(
        actor, case.referral, service, rule="transfer", reason=f"Transferred from {case.service.name}: {reason.strip()}",
        priority=case.priority, marac=case.marac, first_contact_due=first_contact_due(now, days), received_at=now,
        enhanced=case.enhanced, child_safeguarding=case.child_safeguarding, needs=case.needs,
        support_plan=case.support_plan,
        audit_changes={"transferred_from_case_id": case.id, "version": 1},
    )


def _request_closure(actor: Actor, case: Case, closure_reason: str, outcomes: dict | None,
                     expected_version: int | None, outcomes_required: bool) -> Case:
    if closure_pending(case):
        raise Conflict("Closure has already been requested for this case.")
    errors = _outcome_errors(outcomes, outcomes_required)
    if errors:
        raise ValidationFailed(errors=errors)
    case.closure_reason = closure_reason
    case.closure_requested_at = utcnow()
    case.closure_requested_by_id = actor.user_id
    for question, column in OUTCOME_COLUMNS.items():
        setattr(case, column, (outcomes or {}).get(question, "not-asked"))
    _save_case(case, expected_version)
    _audit_case(actor, "transition", "case", case.id, case, {
        "closure": "requested", "closure_reason": closure_reason,
        "outcomes": {q: getattr(case, c) for q, c in OUTCOME_COLUMNS.items()}})
    return case


def closure_pending(case: Case) -> bool:
    """A closure was asked for and not yet approved or sent back (the request time is kept once closed)."""
    return case.closure_requested_at is not None and case.status in ("accepted", "in-progress")


def may_approve_closure(actor: Actor, case: Case) -> bool:
    """A lead approves closures; their own request needs another lead unless the service allows self-approval."""
    if not actor.is_lead or not closure_pending(case):
        return False
    return case.closure_requested_by_id != actor.user_id or bool(case.service.allow_self_approval)


def _load_pending_closure(actor: Actor, case_id: int, expected_version: int | None) -> Case:
    case = _load_case(actor, case_id, "case.work")
    if not actor.is_lead:
        raise Forbidden("Only a service lead can approve or send back a closure")
    _check_version(case, expected_version)
    if not closure_pending(case):
        raise Conflict("No closure is waiting for approval on this case.")
    return case


def approve_closure(actor: Actor, case_id: int, expected_version: int | None = None) -> Case:
    case = _load_pending_closure(actor, case_id, expected_version)
    if not may_approve_closure(actor, case):
        raise Forbidden("You asked to close this case, so another lead must approve it.")
    try:
        check_transition(case.status, "closed", closure_reason=case.closure_reason)
    except IllegalTransition as illegal:
        raise Conflict(str(illegal)) from None
    before = case.status
    case.status = "closed"
    case.closed_at = utcnow()
    _save_case(case, expected_version)
    _audit_case(actor, "transition", "case", case.id, case,
                {"closure": "approved", "status": {"before": before, "after": "closed"}})
    return case


def send_back_closure(actor: Actor, case_id: int, comment: str, expected_version: int | None = None) -> Case:
    case = _load_pending_closure(actor, case_id, expected_version)
    if not (comment or "").strip():
        raise ValidationFailed(errors=[{"field": "comment", "message": "Say why the case is not ready to close"}])
    note = _reason_note(actor, case, "Closure sent back", comment)
    case.closure_requested_at = case.closure_requested_by_id = None
    case.closure_reason = None
    for column in OUTCOME_COLUMNS.values():
        setattr(case, column, None)
    _save_case(case, expected_version)
    _audit_case(actor, "transition", "case", case.id, case, {"closure": "sent-back", "note_id": note.id})
    return case


@dataclass
class NextSteps:
    """The lifecycle actions the page offers this actor now (the domain decides; templates only show them)."""

    targets: tuple[str, ...]
    closure_pending: bool
    may_review_closure: bool
    needs_other_lead: bool
    extra: dict = field(default_factory=dict)


def next_steps(actor: Actor, case: Case) -> NextSteps:
    pending = closure_pending(case)
    targets = allowed_targets(case.status)
    if pending:
        targets = tuple(t for t in targets if t == "transferred")
    return NextSteps(
        targets=targets,
        closure_pending=pending,
        may_review_closure=may_approve_closure(actor, case),
        needs_other_lead=pending and actor.is_lead and not may_approve_closure(actor, case),
    )

