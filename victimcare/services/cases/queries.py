"""Reading a case and what is recorded on it. get_case is the audited read; the list_* readers take a case the
caller has already loaded through get_case (or a write), so they need no second check."""
from dataclasses import dataclass, field
from functools import cache

from sqlalchemy import and_, bindparam, func, literal_column, or_, select
from sqlalchemy.orm import defaultload

from ...extensions import db
from ...models import (
    AuditEvent,
    Borough,
    Case,
    CaseNote,
    CaseStep,
    ContactAttempt,
    MaracAction,
    MaracHearing,
    Referral,
    RiskAssessment,
    Service,
    Task,
    User,
)
from .. import audit
from ..actors import Actor
from .locking import load_case

# Audit actions that describe reading, not changing: left out of the timeline.
_NOT_ON_TIMELINE = ("view", "list", "export", "report-run", "permission-denied")


# The overview shows the people causing harm the referral records: read with the case rather than after it.
_OVERVIEW_LOADING = (defaultload(Case.referral).joinedload(Referral.perpetrators),)


def get_case(actor: Actor, case_id: int, *, overview: bool = False) -> Case:
    """The case, for an advocate of its service (404 for anyone else), with its "view" audit event. ``overview``:
    for the case's overview page, with the people causing harm its referral records read in the same statement."""
    case = load_case(actor, case_id, "case.view", also=_OVERVIEW_LOADING if overview else ())
    audit.record(actor, "view", "case", case.id, referral_id=case.referral_id, case_id=case.id, service_id=case.service_id)
    return case


def borough_name(case: Case) -> str | None:
    borough = db.session.get(Borough, case.borough_code) if case.borough_code else None
    return borough.name if borough else None


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


def step_recorded(case: Case, step: str) -> bool:
    """Whether the case has this service step recorded (a specialist risk assessment, say)."""
    return db.session.scalar(select(CaseStep.id).where(CaseStep.case_id == case.id, CaseStep.step == step)
                             .limit(1)) is not None


def dash_history(case: Case) -> list:
    """Every DASH assessment of the case's referral, newest first, with who made it."""
    return db.session.execute(
        select(RiskAssessment, User.name).outerjoin(User, RiskAssessment.assessed_by_id == User.id)
        .where(RiskAssessment.referral_id == case.referral_id)
        .order_by(RiskAssessment.assessed_at.desc(), RiskAssessment.id.desc())
    ).all()


@cache
def _dash_answers_statement():
    return (select(RiskAssessment.answers, RiskAssessment.yes_count, RiskAssessment.level)
            .where(RiskAssessment.referral_id == bindparam("referral_id"))
            .order_by(RiskAssessment.assessed_at.desc(), RiskAssessment.id.desc()))


def latest_dash_answers(case: Case):
    """The newest DASH assessment of the case's referral that recorded the answers themselves (reassessments on
    a case may record only the count): a row of its answers, yes_count and level, or None."""
    assessments = db.session.execute(_dash_answers_statement(), {"referral_id": case.referral_id})
    # a handful per referral; JSON null and SQL NULL differ by database, so the test is made here
    return next((a for a in assessments if a.answers), None)


def service_advocates(service_id: int) -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.role == "advocate", User.service_id == service_id, User.active.is_(True))
        .order_by(User.name)
    ))


@dataclass
class CaseHistory:
    """The audit events of a case (with who did each) and the records they point at, for its timeline."""

    events: list  # rows of _TIMELINE_COLUMNS with actor_name and service_name, newest first
    notes: dict = field(default_factory=dict)  # the records the events point at, by id: only their shown columns
    tasks: dict = field(default_factory=dict)
    steps: dict = field(default_factory=dict)
    contacts: dict = field(default_factory=dict)  # contact attempts against the victim's wishes, by id
    marac_hearings: dict = field(default_factory=dict)  # MARAC hearings and actions of the case, by id
    marac_actions: dict = field(default_factory=dict)


def _case_chain_ids(case: Case) -> list[int]:
    """This case and the cases it was transferred from (history travels with a transfer)."""
    ids = [case.id]
    if case.rule != "transfer":
        return ids  # only a case opened by a transfer has a predecessor (found through ix_cases_transferred_to)
    frontier = [case.id]
    for _ in range(10):  # transfers are rare; a bound keeps a data error from looping
        frontier = list(db.session.scalars(select(Case.id).where(Case.transferred_to_case_id.in_(frontier))))
        if not frontier:
            break
        ids.extend(frontier)
    return ids


@cache
def _events_statement():
    """The case's timeline events, built once per process (the case page runs it on every view): the audit columns
    the timeline shows, who acted and the service an event was recorded for, as plain rows."""
    # The referral's own events are found by its referral_id and have no case. "No case" is written as
    # coalesce(case_id, 0) = 0 (ids start at 1) so PostgreSQL cannot AND in the case_id index's NULL entries: every
    # audit event of no case (each queue view, sign-in...) is one, and reading them all cost 3.4 ms a case page at
    # 70,000 such events, growing with the trail.
    no_case = func.coalesce(AuditEvent.case_id, literal_column("0")) == literal_column("0")
    return (
        select(AuditEvent.occurred_at, AuditEvent.actor_role, AuditEvent.actor_label, AuditEvent.action,
               AuditEvent.object_type, AuditEvent.object_id, AuditEvent.service_id, AuditEvent.changes,
               User.name.label("actor_name"), Service.name.label("service_name"))
        .outerjoin(User, AuditEvent.actor_user_id == User.id)
        .outerjoin(Service, AuditEvent.service_id == Service.id)
        .where(
            or_(AuditEvent.case_id.in_(bindparam("chain", expanding=True)),
                and_(AuditEvent.referral_id == bindparam("referral_id"), no_case,
                     AuditEvent.object_type == "referral")),
            AuditEvent.action.not_in(_NOT_ON_TIMELINE),
        )
        .order_by(AuditEvent.id.desc())
    )


# What the timeline shows of each kind of record an event points at (by the event's object type), and which
# events need it: only the kinds a case's events name are read.
_RECORDS = {
    "notes": (CaseNote, (CaseNote.id, CaseNote.body, CaseNote.sensitive)),
    "tasks": (Task, (Task.id, Task.title)),
    "contacts": (ContactAttempt, (ContactAttempt.id, ContactAttempt.against_rule_reason)),
    "steps": (CaseStep, (CaseStep.id, CaseStep.detail)),
    "marac_hearings": (MaracHearing, (MaracHearing.id, MaracHearing.heard_on, MaracHearing.agencies_present,
                                      MaracHearing.risks_discussed, MaracHearing.victim_views)),
    "marac_actions": (MaracAction, (MaracAction.id, MaracAction.agency, MaracAction.due_on,
                                    MaracAction.description, MaracAction.owner)),
}
_KIND_OF_OBJECT = {"case_note": "notes", "task": "tasks", "case_step": "steps", "case_milestone": "steps",
                   "marac_hearing": "marac_hearings", "marac_action": "marac_actions"}


def _kinds_named(events) -> set[str]:
    kinds = set()
    for event in events:
        changes = event.changes or {}
        if event.object_type == "contact_attempt" and changes.get("against_rule"):
            kinds.add("contacts")
        elif event.object_type in _KIND_OF_OBJECT:
            kinds.add(_KIND_OF_OBJECT[event.object_type])
        if changes.get("note_id") is not None:  # a status change or closure with its reason as a note
            kinds.add("notes")
    return kinds


def case_history(case: Case) -> CaseHistory:
    """Everything that happened to the case and its referral, newest first, from the audit trail.

    Events of other services' cases on the same referral are left out; those of a case this one was transferred
    from are kept. A fixed number of queries, whatever the number of events: the events, and one for each kind of
    record (notes, tasks, steps...) they point at.
    """
    chain = _case_chain_ids(case)
    events = db.session.execute(_events_statement(), {"chain": chain, "referral_id": case.referral_id}).all()
    records = {}
    for kind in _kinds_named(events):
        model, columns = _RECORDS[kind]
        query = select(*columns).where(model.case_id.in_(chain))
        if model is ContactAttempt:
            query = query.where(ContactAttempt.against_rule.is_not(None))
        records[kind] = {row.id: row for row in db.session.execute(query)}
    return CaseHistory(events=events, **records)
