"""A service lead's access log for one case: who has seen or changed it, newest first, in pages.

Repeated views are grouped in SQL (one row per person, thing viewed and London day, with a count); changes stay
one row each and name their fields in plain words, never their values.
"""
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import and_, func, or_, select
from sqlalchemy import case as sql_case

from ..domain.access import is_service_lead_for
from ..extensions import db
from ..models import AuditEvent, Case, Referral, Service, User
from . import audit
from .actors import Actor
from .audit_queries import MAX_ID, MAX_PAGE, EventRow, _event_columns, changed_field_names
from .errors import NotFound
from .pagination import Page, paginate


def _is_service_lead_for(actor: Actor, service_id: int) -> bool:
    return is_service_lead_for(actor.principal, service_id)


@dataclass(frozen=True)
class CaseHeading:
    case_id: int
    referral_reference: str
    service_name: str


# Plain words for the fields a case's events name; fields a reader gains nothing from are hidden.
FIELD_LABELS = {
    "closure": "closure request",
    "status": "status",
    "assigned_to_id": "assigned worker",
    "assignee_id": "assigned worker",
    "assigned_to": "assigned worker",
    "reason_code": "reason",
    "first_contact_at": "first contact",
    "first_contact_due": "first contact due date",
    "transferred_from_case_id": "transferred from another case",
    "dash": "DASH risk answers",
    "marac": "MARAC referral",
    "rule": "routing rule",
}
HIDDEN_FIELDS = frozenset({"version"})

OBJECT_LABELS = {"case": "Case", "referral": "Referral", "case_access_log": "This access log", "person": "Person"}


def plain_field_names(changes) -> list[str]:
    """The fields an event changed, in plain words ("closure" is "closure request"); internal ones left out."""
    names = []
    for name in changed_field_names(changes):
        if name in HIDDEN_FIELDS:
            continue
        label = FIELD_LABELS.get(name, name.replace("_", " ").replace("-", " "))
        if label not in names:
            names.append(label)
    return names


def object_label(object_type: str | None) -> str:
    return OBJECT_LABELS.get(object_type or "", (object_type or "").replace("_", " ").capitalize())


class AccessLogRow(NamedTuple):
    """One line of a case's access log: an event, or one person's views of one thing on one London day."""

    event: EventRow
    times: int
    first_at: datetime


def _london_day(column):
    """The London calendar day of a timestamp, in SQL either database can GROUP BY. SQLite has no time zones:
    there the UTC day is used (development and tests only)."""
    if db.engine.dialect.name == "postgresql":
        return func.date(func.timezone("Europe/London", column))
    return func.date(column)


def _case_log_condition(case: Case):
    return or_(
        AuditEvent.case_id == case.id,
        and_(AuditEvent.referral_id == case.referral_id, AuditEvent.case_id.is_(None)),
    )


def _grouped_case_events(case: Case):
    """One row per change, and one per person, thing viewed and London day for views: the newest event's id,
    how many events the row stands for, and when the first of them happened."""
    one_per_change = sql_case((AuditEvent.action == "view", None), else_=AuditEvent.id)
    return (
        select(func.max(AuditEvent.id).label("event_id"), func.count().label("times"),
               func.min(AuditEvent.occurred_at).label("first_at"))
        .where(_case_log_condition(case))
        .group_by(one_per_change, AuditEvent.action, AuditEvent.actor_label, AuditEvent.actor_user_id,
                  AuditEvent.actor_token_id, AuditEvent.object_type, AuditEvent.object_id,
                  _london_day(AuditEvent.occurred_at))
        .subquery()
    )


def case_access_log(actor: Actor, case_id: int, page: int = 1, per_page: int = 50) -> tuple[CaseHeading, Page]:
    """Who has seen or changed a case: its own events and its referral's referral-level events, newest first.
    Repeated views are one row per person, thing viewed and London day, with a count; changes are one row each.

    Only the lead of the case's service may read it; anyone else gets a 404 (and the attempt is recorded), so
    the case's existence is not revealed. Events of the same referral's cases in other services are left out:
    they belong to those services.
    """
    case = db.session.get(Case, case_id) if 0 < case_id <= MAX_ID else None
    if case is None or not _is_service_lead_for(actor, case.service_id):
        raise NotFound("Case not found", object_type="case", object_id=case_id)
    grouped = _grouped_case_events(case)
    query = (
        select(*_event_columns(), grouped.c.times, grouped.c.first_at)
        .join(grouped, grouped.c.event_id == AuditEvent.id)
        .outerjoin(User, User.id == AuditEvent.actor_user_id)
        .outerjoin(Service, Service.id == AuditEvent.service_id)
        .outerjoin(Referral, Referral.id == AuditEvent.referral_id)
        .order_by(AuditEvent.id.desc())
    )
    result = paginate(query, min(max(1, page or 1), MAX_PAGE), per_page,
                      count_query=select(grouped.c.event_id).select_from(grouped))
    result.items = [AccessLogRow(EventRow(*row[:-2]), row[-2], row[-1]) for row in result.items]
    heading = CaseHeading(case.id, case.referral.reference, case.service.name)
    audit.record(actor, "view", "case_access_log", case.id, referral_id=case.referral_id, case_id=case.id,
                 service_id=case.service_id, changes={"page": result.page})
    return heading, result
