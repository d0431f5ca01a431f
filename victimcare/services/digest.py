"""The daily digest: per advocate, their first contacts due today and overdue and their tasks due; per service, a
summary for its leads. Counts only, computed in SQL (one grouped query per figure, whatever the number of staff)."""
from collections import defaultdict
from datetime import date

from sqlalchemy import case as sql_case
from sqlalchemy import func, or_, select

from ..domain.due import DueState
from ..domain.vocab import OPEN_CASE_STATUSES
from ..extensions import db
from ..models import Case, Service, Task, User
from . import notifications
from .queues import first_contact_is

FIGURES = ("contacts_due_today", "contacts_overdue", "tasks_due_today", "tasks_overdue")


def _contacts_by(column, today: date):
    """First contacts due today and overdue, by the rule the badges and the queue's filters use (domain/due.py)."""
    due_today, overdue = first_contact_is(DueState.DUE_TODAY, today), first_contact_is(DueState.OVERDUE, today)
    return db.session.execute(
        select(column, func.sum(sql_case((due_today, 1), else_=0)), func.sum(sql_case((overdue, 1), else_=0)))
        .where(or_(due_today, overdue), column.is_not(None))
        .group_by(column)
    ).all()


def _tasks_by(column, today: date):
    query = (select(column,
                    func.sum(sql_case((Task.due_on == today, 1), else_=0)),
                    func.sum(sql_case((Task.due_on < today, 1), else_=0)))
             .where(Task.done_at.is_(None), Task.due_on <= today, column.is_not(None)))
    if column is Case.service_id:
        query = query.join(Case, Case.id == Task.case_id).where(Case.status.in_(OPEN_CASE_STATUSES))
    return db.session.execute(query.group_by(column)).all()


def figures(today: date) -> tuple[dict[int, dict], dict[int, dict]]:
    """(per assignee user id, per service id): the digest's counts."""
    people: dict[int, dict] = defaultdict(lambda: dict.fromkeys(FIGURES, 0))
    services: dict[int, dict] = defaultdict(lambda: dict.fromkeys(FIGURES, 0) | {"unassigned_new": 0})
    for key, due, overdue in _contacts_by(Case.assigned_to_id, today):
        people[key].update(contacts_due_today=int(due or 0), contacts_overdue=int(overdue or 0))
    for key, due, overdue in _tasks_by(Task.assigned_to_id, today):
        people[key].update(tasks_due_today=int(due or 0), tasks_overdue=int(overdue or 0))
    for key, due, overdue in _contacts_by(Case.service_id, today):
        services[key].update(contacts_due_today=int(due or 0), contacts_overdue=int(overdue or 0))
    for key, due, overdue in _tasks_by(Case.service_id, today):
        services[key].update(tasks_due_today=int(due or 0), tasks_overdue=int(overdue or 0))
    for key, count in db.session.execute(
            select(Case.service_id, func.count()).where(Case.status == "new", Case.assigned_to_id.is_(None))
            .group_by(Case.service_id)):
        services[key]["unassigned_new"] = int(count)
    return people, services


def send_digest(today: date) -> dict[str, int]:
    """Record one digest email per advocate with something due, and one service summary per lead. Recorded once
    per person per day (a retried sweep sends nobody a second digest)."""
    people, services = figures(today)
    staff = db.session.execute(
        select(User.id, User.service_id, User.is_lead).where(User.role == "advocate", User.active.is_(True))
    ).all()
    names = dict(db.session.execute(select(Service.id, Service.name)).all())
    sent = {"advocates": 0, "leads": 0}
    for user_id, service_id, is_lead in staff:
        mine = people.get(user_id) or dict.fromkeys(FIGURES, 0)
        summary = services.get(service_id) if is_lead else None
        if not any(mine.values()) and not (summary and any(summary.values())):
            continue
        context = {"today": today.isoformat(), "mine": dict(mine), "service_name": names.get(service_id, ""),
                   "summary": dict(summary) if summary else None}
        if notifications.email_users("daily-digest", "daily_digest", [user_id], context,
                                     dedupe_key=f"digest:{today.isoformat()}:{user_id}"):
            sent["leads" if summary else "advocates"] += 1
    return {"emails": sent["advocates"] + sent["leads"], **sent}
