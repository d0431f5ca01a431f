"""Oversight figures for the Commissioner: aggregates computed in SQL, never victim-level rows."""
from datetime import date

from sqlalchemy import case as sql_case
from sqlalchemy import func, select

from ..domain.access import has_permission
from ..extensions import db
from ..models import Case, Service
from . import audit
from .actors import Actor
from .errors import PermissionDenied


def compliance_by_service(actor: Actor, today: date | None = None) -> list[dict]:
    """Per service: cases received, first contacted within the due date, and cases now overdue."""
    if not has_permission(actor.principal, "report.view"):
        raise PermissionDenied("Only the Commissioner's office can run oversight reports")
    today = today or date.today()
    in_time = func.sum(sql_case((Case.first_contact_in_time.is_(True), 1), else_=0))
    contacted = func.sum(sql_case((Case.first_contacted_at.is_not(None), 1), else_=0))
    overdue = func.sum(
        sql_case(((Case.first_contacted_at.is_(None)) & (Case.first_contact_due < today) & (Case.status.not_in(("closed", "declined", "transferred"))), 1), else_=0)
    )
    rows = db.session.execute(
        select(Service.slug, Service.name, func.count(Case.id), contacted, in_time, overdue)
        .join(Case, Case.service_id == Service.id, isouter=True)
        .group_by(Service.id, Service.slug, Service.name)
        .order_by(Service.name)
    ).all()
    audit.record(actor, "report-run", "report", "compliance-by-service")
    db.session.commit()
    return [
        {"service": slug, "name": name, "received": received or 0, "contacted": contacted or 0,
         "in_time": in_time or 0, "overdue": overdue or 0}
        for slug, name, received, contacted, in_time, overdue in rows
    ]
