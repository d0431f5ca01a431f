"""Read-side lists of victim records: each is one query with joins and pagination, and one audit event a page."""
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from sqlalchemy import ColumnElement, Date, and_, bindparam, exists, func, literal, literal_column, not_, or_, select
from sqlalchemy.orm import lazyload

from ..domain.access import is_service_lead
from ..domain.clock import london_today, utc_now
from ..domain.due import DueState
from ..domain.vocab import CASE_STATUSES, OPEN_CASE_STATUSES, slugs
from ..extensions import db
from ..models import Case, Person, Referral, Task, User
from . import audit, restricted
from .actors import Actor, require
from .errors import Forbidden
from .pagination import PageQuery, page_query, run_page


@dataclass(frozen=True)
class QueueFilters:
    """What an advocate narrows their service's queue by. Empty means every open case."""

    statuses: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    borough: str | None = None
    overdue: bool = False
    not_overdue: bool = False
    due_today: bool = False
    assigned_to_me: bool = False
    unassigned: bool = False
    assignee_id: int | None = None
    closure_requested: bool = False
    tasks: str | None = None  # "due" (due today or earlier, not done) or "overdue"
    status: str | None = None  # one status (the API's ?status=); kept for callers that pass a single one

    @property
    def all_statuses(self) -> tuple[str, ...]:
        return tuple(self.statuses) + ((self.status,) if self.status else ())


def _today() -> date:
    return london_today()


_STATUS_SLUGS = frozenset(slugs(CASE_STATUSES))


def status_in(statuses) -> ColumnElement:
    """``cases.status IN (...)`` with the statuses written into the SQL rather than bound. The partial indexes the
    queue and the home page read are on the open statuses; PostgreSQL can use them in a plan it keeps for a
    prepared statement only if the statement names the statuses itself. With bound statuses each request paid for
    a fresh plan (3 ms for the home page's counts), because the plan it could have kept used none of the partial
    indexes. Only the case-status vocabulary is written in; anything else stays a bound parameter."""
    statuses = tuple(statuses)
    if not all(status in _STATUS_SLUGS for status in statuses):
        return Case.status.in_(statuses)
    if len(statuses) == 1:
        return Case.status == literal(statuses[0], literal_execute=True)
    return Case.status.in_([literal(status, literal_execute=True) for status in statuses])


def first_contact_is(state: DueState, today: date) -> ColumnElement:
    """SQL for "``domain.due.first_contact_state`` of the case is ``state``" (OVERDUE or DUE_TODAY), so the
    queue's filters and the home page's counts select exactly the cases whose badge says so."""
    owed = and_(Case.first_contacted_at.is_(None), status_in(OPEN_CASE_STATUSES))
    if state is DueState.OVERDUE:
        return and_(owed, Case.first_contact_due < today)
    if state is DueState.DUE_TODAY:
        return and_(owed, Case.first_contact_due == today)
    raise ValueError(f"no SQL for {state}")


def _not_purged() -> ColumnElement:
    """The case's person still has their details: a case whose person the retention schedule purged (never
    contacted in six months, perhaps still open) is nobody's work any more and leaves the lists and counts. On the
    case alone (correlated), so the list's count query needs no join."""
    return ~exists(select(Person.id).join(Referral, Referral.person_id == Person.id)
                   .where(Referral.id == Case.referral_id, Person.purged_at.is_not(None)))


def _open_task_exists(due_condition):
    return exists(select(Task.id).where(Task.case_id == Case.id, Task.done_at.is_(None), due_condition))


def _require_queue(actor: Actor) -> None:
    require(actor, "case.view", "Only advocates of a service can see its cases")
    if actor.service_id is None:
        raise Forbidden("Only advocates of a service can see its cases", permission="case.view")


def filtered_cases(actor: Actor, filters: QueueFilters, *, now=None, today=None):
    """The query behind the queue and the API list: the actor's own service only, filtered, due date first.
    `now` and `today` default to the clock's; the queue passes named parameters instead (see service_queue)."""
    _require_queue(actor)
    today = _today() if today is None else today
    hidden = restricted.hidden_from(actor, Referral.person_id, now=now)
    query = (
        select(Case, Referral.reference, Referral.dash_level,
               *restricted.masked(hidden, Person.given_name, Person.family_name, Person.may_phone,
                                  Person.may_leave_voicemail),
               User.name.label("assignee"))
        .join(Referral, Case.referral_id == Referral.id)
        .outerjoin(Person, Referral.person_id == Person.id)
        .outerjoin(User, Case.assigned_to_id == User.id)
        .where(Case.service_id == actor.service_id)
        .options(lazyload(Case.referral), lazyload(Case.assigned_to))
    )
    if actor.token_id is not None:
        query = query.where(~hidden)  # to a token whose user is not named, a restricted case does not exist
    statuses = filters.all_statuses
    query = query.where(status_in(statuses or OPEN_CASE_STATUSES), _not_purged())
    if filters.priorities:
        query = query.where(Case.priority.in_(filters.priorities))
    if filters.borough:
        query = query.where(Case.borough_code == filters.borough)
    if filters.overdue or filters.due_today:
        states = [state for state, wanted in ((DueState.OVERDUE, filters.overdue),
                                              (DueState.DUE_TODAY, filters.due_today)) if wanted]
        query = query.where(or_(*(first_contact_is(state, today) for state in states)))
    if filters.not_overdue:
        query = query.where(not_(first_contact_is(DueState.OVERDUE, today)))
    if filters.assigned_to_me:
        query = query.where(Case.assigned_to_id == actor.user_id)
    if filters.unassigned:
        query = query.where(Case.assigned_to_id.is_(None))
    if filters.assignee_id:
        query = query.where(Case.assigned_to_id == filters.assignee_id)
    if filters.closure_requested:
        query = query.where(Case.closure_requested_at.is_not(None))
    if filters.tasks == "due":
        query = query.where(_open_task_exists(Task.due_on == today))
    elif filters.tasks == "overdue":
        query = query.where(_open_task_exists(Task.due_on < today))
    return query.order_by(Case.first_contact_due, Case.id)


# The queue's built statements, by who asks, their filters and the page. Building the statement (joins, masking,
# filters, the capped count) and computing its cache key was a fifth of a queue request's CPU; kept, each request
# only runs it with the clock's time and London's date. Whatever else the statement depends on is in the key:
# the whole actor (role, service, lead, user, token), the filters and the page. Access itself is checked on every
# request, and restrictions and break-glass grants are read by the statement when it runs.
_NOW, _TODAY = "queue_now", "queue_today"
STATEMENTS_KEPT = 512


@lru_cache(maxsize=STATEMENTS_KEPT)
def _queue_page(actor: Actor, filters: QueueFilters, page: int, per_page: int) -> PageQuery:
    # The page shows no case's service (it is the advocate's own): not joined, nor built into 25 objects.
    query = filtered_cases(actor, filters, now=bindparam(_NOW), today=bindparam(_TODAY)).options(
        lazyload(Case.service))
    # Every filter is on the case itself (the joins only add columns), so the count reads cases alone.
    return page_query(query, page, per_page, count_query=select(Case.id).where(query.whereclause))


def service_queue(actor: Actor, filters: QueueFilters = QueueFilters(), page: int = 1, per_page: int = 25):
    """The cases routed to the advocate's own service, most urgent first: one statement (the page and its capped
    count together), one audit event a page."""
    _require_queue(actor)
    result = run_page(_queue_page(actor, filters, max(1, int(page or 1)), per_page),
                      {_NOW: utc_now(), _TODAY: _today()})
    audit.record(actor, "list", "case", None, service_id=actor.service_id,
                 changes={"page": page, "ids": audit.shown(result.items)})
    return result


# The home page's counts stop at this many: past it, "more than 1,000" asks for the same action as the exact
# figure, and each count reads at most COUNT_CAP + 1 index entries however large the service grows.
COUNT_CAP = 1000


@dataclass
class ActionCounts:
    new: int = 0
    due_today: int = 0
    overdue: int = 0
    tasks_due: int = 0
    tasks_overdue: int = 0
    closure_requested: int = 0
    unassigned: int = 0
    caseloads: list = field(default_factory=list)  # (user id, name, open cases), leads only
    # The advocate's own: open cases assigned to them, their first contacts, and tasks assigned to them.
    mine_open: int = 0
    mine_due_today: int = 0
    mine_overdue: int = 0
    mine_tasks_due: int = 0
    mine_tasks_overdue: int = 0
    cap: int = COUNT_CAP  # a count above this is "more than" it


def _capped(query, cap: int) -> ColumnElement:
    """``count(*)`` of the query's rows, reading at most cap + 1 of them."""
    return (select(func.count()).select_from(query.limit(literal_column(str(int(cap) + 1))).subquery())
            .scalar_subquery())


_HOME_TODAY = "home_today"


@lru_cache(maxsize=STATEMENTS_KEPT)
def _action_counts_statement(actor: Actor, cap: int) -> tuple[tuple[str, ...], object]:
    """The home page's twelve counts, each capped at `cap`, as one statement, built once per actor and kept, as the
    queue's is: building it and its cache key cost more than running it. London's date is given when it runs and
    written into the SQL then, as the statuses are (status_in): the plan PostgreSQL keeps knows the day (1.3 ms at
    1,000,000 cases, against 2.0 ms for the plan it kept with the date bound). The text changes once a day, so it
    is planned once a day per connection."""
    today = bindparam(_HOME_TODAY, type_=Date, literal_execute=True)
    open_cases = select(Case.id).where(Case.service_id == actor.service_id, status_in(OPEN_CASE_STATUSES),
                                       _not_purged())
    mine = open_cases.where(Case.assigned_to_id == actor.user_id)
    open_tasks = (select(Task.id).join(Case, Task.case_id == Case.id)
                  .where(Task.done_at.is_(None), Case.service_id == actor.service_id,
                         status_in(OPEN_CASE_STATUSES)))
    my_tasks = open_tasks.where(Task.assigned_to_id == actor.user_id)
    due_today, overdue = (first_contact_is(DueState.DUE_TODAY, today), first_contact_is(DueState.OVERDUE, today))
    figures = {
        "new": open_cases.where(status_in(["new"])),
        "due_today": open_cases.where(due_today),
        "overdue": open_cases.where(overdue),
        "closure_requested": open_cases.where(Case.closure_requested_at.is_not(None)),
        "unassigned": open_cases.where(Case.assigned_to_id.is_(None)),
        "mine_open": mine,
        "mine_due_today": mine.where(due_today),
        "mine_overdue": mine.where(overdue),
        "tasks_due": open_tasks.where(Task.due_on == today),
        "tasks_overdue": open_tasks.where(Task.due_on < today),
        "mine_tasks_due": my_tasks.where(Task.due_on == today),
        "mine_tasks_overdue": my_tasks.where(Task.due_on < today),
    }
    return tuple(figures), select(*(_capped(query, cap) for query in figures.values()))


def action_counts(actor: Actor) -> ActionCounts:
    """What needs action in the advocate's service, for the home page: one statement of capped counts, each
    answered from a partial index (models/cases.py), so the page costs the same at any size of service."""
    require(actor, "case.view", "Only advocates of a service can see its cases")
    if actor.service_id is None:
        raise Forbidden("Only advocates of a service can see its cases", permission="case.view")
    names, statement = _action_counts_statement(actor, COUNT_CAP)
    row = db.session.execute(statement, {_HOME_TODAY: _today()}).one()
    counts = ActionCounts(**dict(zip(names, row)), cap=COUNT_CAP)
    if is_service_lead(actor.principal):
        counts.caseloads = [tuple(r) for r in db.session.execute(
            select(User.id, User.name, func.count(Case.id))
            .outerjoin(Case, and_(Case.assigned_to_id == User.id, Case.status.in_(OPEN_CASE_STATUSES)))
            .where(User.role == "advocate", User.service_id == actor.service_id, User.active.is_(True))
            .group_by(User.id, User.name)
            .order_by(User.name)
        )]
    audit.record(actor, "list", "case", None, service_id=actor.service_id, changes={"summary": "action-counts"})
    return counts
