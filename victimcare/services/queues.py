"""Read-side lists of victim records: each is one query with joins and pagination, and one audit event a page."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ..domain.access import has_permission
from ..extensions import db
from ..models import Case, Person, Referral, User
from . import audit
from .actors import Actor
from .errors import PermissionDenied
from .pagination import paginate


@dataclass(frozen=True)
class QueueFilters:
    status: str | None = None
    overdue: bool = False
    assigned_to_me: bool = False
    unassigned: bool = False


def service_queue(actor: Actor, filters: QueueFilters = QueueFilters(), page: int = 1, per_page: int = 25):
    """The cases routed to the advocate's own service, most urgent first."""
    if not has_permission(actor.principal, "case.view") or actor.service_id is None:
        raise PermissionDenied("Only advocates of a service can see its cases")
    query = (
        select(Case, Referral.reference, Person.given_name, Person.family_name, User.name.label("assignee"))
        .join(Referral, Case.referral_id == Referral.id)
        .outerjoin(Person, Referral.person_id == Person.id)
        .outerjoin(User, Case.assigned_to_id == User.id)
        .where(Case.service_id == actor.service_id)
    )
    if filters.status:
        query = query.where(Case.status == filters.status)
    else:
        query = query.where(Case.status.in_(("new", "accepted", "in-progress")))
    if filters.overdue:
        query = query.where(Case.first_contacted_at.is_(None), Case.first_contact_due < date.today())
    if filters.assigned_to_me:
        query = query.where(Case.assigned_to_id == actor.user_id)
    if filters.unassigned:
        query = query.where(Case.assigned_to_id.is_(None))
    query = query.order_by(Case.first_contact_due, Case.id)
    result = paginate(query, page, per_page)
    audit.record(actor, "list", "case", None, service_id=actor.service_id, changes={"page": page, "rows": len(result.items)})
    db.session.commit()
    return result


def triage_queue(actor: Actor, page: int = 1, per_page: int = 25):
    """Referrals awaiting a caseworker's review, oldest first."""
    if not has_permission(actor.principal, "referral.triage"):
        raise PermissionDenied("Only caseworkers triage referrals")
    query = (
        select(Referral, Person.given_name, Person.family_name)
        .outerjoin(Person, Referral.person_id == Person.id)
        .where(Referral.status == "triage")
        .order_by(Referral.received_at, Referral.id)
    )
    result = paginate(query, page, per_page)
    audit.record(actor, "list", "referral", None, changes={"page": page, "rows": len(result.items)})
    db.session.commit()
    return result
