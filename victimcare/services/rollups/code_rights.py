"""The code-rights roll-up (``rollup_code_rights``): cases by service, London area, London month received,
enhanced and slowest police decision (working days from decision to telling the victim, -1 none), counting for
each reported right the cases with an event of it, the cases whose every decision was told in time, and for the
two rights expected of every case taken on, the cases without an event of it, closed and open (the report works
out "applied" for any today from those, models/rollups_rights.py); and ``rollup_code_rights_open``, the open
cases without those events by first-contact due date, from which the report reads the few not yet due. Each has a
twin by London day received, London-wide (``rollup_code_rights_days``, ``rollup_code_rights_open_days``), which
the report reads a period's odd days from. All four are counted from one read of each touched case
(``registry.shared_read``)."""
from sqlalchemy import and_, func, literal_column, select
from sqlalchemy import case as sql_case

from ...domain.code_rights import EXPECTED_BY_FIRST_CONTACT, NOT_TAKEN_ON_STATUSES, is_deadline_bound
from ...domain.code_rights_report import REPORTED_RIGHTS
from ...domain.vocab import OPEN_CASE_STATUSES
from ...models import (
    Case,
    CodeEvent,
    RollupCodeRights,
    RollupCodeRightsDays,
    RollupCodeRightsDaysPurged,
    RollupCodeRightsOpen,
    RollupCodeRightsOpenDays,
    RollupCodeRightsOpenDaysPurged,
    RollupCodeRightsOpenPurged,
    RollupCodeRightsPurged,
)
from ...models.rollups_rights import CODE_RIGHTS_COUNTS, NO_DECISION, OPEN_WITHOUT_COUNTS, RIGHT_COLUMNS
from .counts import among, by_area, by_area_columns, by_day, by_day_columns
from .registry import Provider, Related, by_column, register, shared_read

DEADLINE_RIGHT = next(right for right, _ in REPORTED_RIGHTS if is_deadline_bound(right))
KEY_FIELDS = ("service_id", "borough_code", "month", "enhanced", "days")
DAY_KEY_FIELDS = ("day", "service_id", "enhanced", "days")
OPEN_KEY_FIELDS = ("service_id", "borough_code", "month", "enhanced", "due")
OPEN_DAY_KEY_FIELDS = ("day", "service_id", "enhanced", "due")
CASE_FIELDS = ("service_id", "borough_code", "received_at", "enhanced", "status")


def has_column(right: str) -> str:
    return f"has_{RIGHT_COLUMNS[right]}"


def event_columns() -> list:
    """Aggregates over one case's code events: has_<right> (1 when the right has an event, else NULL), ``days``
    (the slowest decision told, NULL none) and ``on_time`` (1 when every decision was told in time, 0 when one
    was late)."""
    columns = [func.max(sql_case((CodeEvent.right == right, 1))).label(has_column(right))
               for right, _ in REPORTED_RIGHTS]
    late = sql_case((CodeEvent.in_time.is_(False), 0), else_=1)
    return columns + [func.max(sql_case((CodeEvent.right == DEADLINE_RIGHT, CodeEvent.working_days))).label("days"),
                      func.min(sql_case((CodeEvent.right == DEADLINE_RIGHT, late))).label("on_time")]


def events_per_case(*conditions, join_cases: bool = False):
    """One row per case with events (of the cases ``conditions`` select, on CodeEvent, and on Case when
    ``join_cases``): has_<right> (1
    when the right has an event, else NULL), ``days`` (the slowest decision told, NULL none) and ``on_time`` (1
    when every decision was told in time, 0 when one was late)."""
    statement = select(CodeEvent.case_id.label("case_id"), *event_columns()).select_from(CodeEvent)
    if join_cases:
        statement = statement.join(Case, Case.id == CodeEvent.case_id)
    return statement.where(*conditions).group_by(CodeEvent.case_id).subquery("events_per_case")


def contribution(row, where=by_area) -> tuple[tuple, dict]:
    days = row.days
    key = (*where(row), NO_DECISION if days is None else int(days))
    taken_on = row.status not in NOT_TAKEN_ON_STATUSES
    closed = row.status not in OPEN_CASE_STATUSES
    counts = {"cases": 1}
    for right, _ in REPORTED_RIGHTS:
        counts[f"met_{RIGHT_COLUMNS[right]}"] = int(getattr(row, has_column(right)) == 1)
    counts["in_time"] = int(getattr(row, has_column(DEADLINE_RIGHT)) == 1 and row.on_time == 1)
    for right in EXPECTED_BY_FIRST_CONTACT:
        without = taken_on and getattr(row, has_column(right)) != 1
        counts[f"closed_without_{RIGHT_COLUMNS[right]}"] = int(without and closed)
        counts[f"open_without_{RIGHT_COLUMNS[right]}"] = int(without and not closed)
    return key, counts


def _per_case(session, case_ids: list[int]) -> list:
    events = events_per_case(among(session, CodeEvent.case_id, case_ids))
    statement = (select(Case.id, *[getattr(Case, name) for name in CASE_FIELDS], Case.first_contact_due,
                        *[c for c in events.c if c.name != "case_id"])
                 .select_from(Case.__table__.outerjoin(events, events.c.case_id == Case.id))
                 .where(among(session, Case.id, case_ids)))
    return session.execute(statement).all()


def contributions(session, case_ids: list[int], where=by_area) -> dict[int, dict]:
    found = {}
    for row in shared_read(session, _per_case, case_ids):
        key, counts = contribution(row, where)
        found[row.id] = {key: counts}
    return found


def day_contributions(session, case_ids: list[int]) -> dict[int, dict]:
    return contributions(session, case_ids, by_day)


def open_contributions(session, case_ids: list[int], where=by_area) -> dict[int, dict]:
    """The open cases' rows of ``rollup_code_rights_open``: keyed by first-contact due date, counting the expected
    rights without an event (a case with both, or closed, or not taken on, counts nowhere)."""
    found = {}
    for row in shared_read(session, _per_case, case_ids):
        if row.status not in OPEN_CASE_STATUSES or row.status in NOT_TAKEN_ON_STATUSES:
            continue
        counts = {f"without_{RIGHT_COLUMNS[right]}": int(getattr(row, has_column(right)) != 1)
                  for right in EXPECTED_BY_FIRST_CONTACT}
        if any(counts.values()):
            found[row.id] = {(*where(row), row.first_contact_due): counts}
    return found


def open_day_contributions(session, case_ids: list[int]) -> dict[int, dict]:
    return open_contributions(session, case_ids, by_day)


def recount(dialect: str, where=by_area_columns):
    events = events_per_case()
    taken_on = Case.status.not_in(NOT_TAKEN_ON_STATUSES)
    closed = Case.status.not_in(OPEN_CASE_STATUSES)
    counts = [func.count().label("cases")]
    for right, _ in REPORTED_RIGHTS:
        counts.append(func.count(events.c[has_column(right)]).label(f"met_{RIGHT_COLUMNS[right]}"))
    counts.append(func.count(sql_case((and_(events.c[has_column(DEADLINE_RIGHT)] == 1, events.c.on_time == 1), 1)))
                  .label("in_time"))
    for right in EXPECTED_BY_FIRST_CONTACT:
        without = and_(taken_on, events.c[has_column(right)].is_(None))
        counts += [func.count(sql_case((and_(without, closed), 1))).label(f"closed_without_{RIGHT_COLUMNS[right]}"),
                   func.count(sql_case((and_(without, ~closed), 1))).label(f"open_without_{RIGHT_COLUMNS[right]}")]
    keys = where(dialect)
    return (select(*keys, func.coalesce(events.c.days, literal_column(str(NO_DECISION))).label("days"), *counts)
            .select_from(Case.__table__.outerjoin(events, events.c.case_id == Case.id))
            .group_by(*[literal_column(str(i)) for i in range(1, len(keys) + 2)]))


def day_recount(dialect: str):
    return recount(dialect, by_day_columns)


def open_recount(dialect: str, where=by_area_columns):
    events = events_per_case()
    counts = [func.count(sql_case((events.c[has_column(right)].is_(None), 1))).label(f"without_{RIGHT_COLUMNS[right]}")
              for right in EXPECTED_BY_FIRST_CONTACT]
    keys = where(dialect)
    return (select(*keys, Case.first_contact_due.label("due"), *counts)
            .select_from(Case.__table__.outerjoin(events, events.c.case_id == Case.id))
            .where(Case.status.in_(OPEN_CASE_STATUSES), Case.status.not_in(NOT_TAKEN_ON_STATUSES))
            .group_by(*[literal_column(str(i)) for i in range(1, len(keys) + 2)]))


def open_day_recount(dialect: str):
    return open_recount(dialect, by_day_columns)


def describe_key(key: tuple) -> str:
    service_id, borough, month, enhanced, days = key
    return (f"service {service_id}, borough {borough or 'none'}, {month:%Y-%m}, "
            f"{'enhanced' if enhanced else 'standard'}, "
            f"{'no decision told' if days == NO_DECISION else f'slowest decision {days} working days'}")


CODE_RIGHTS = register(Provider(
    name="code_rights", table=RollupCodeRights.__table__, purged=RollupCodeRightsPurged.__table__,
    key_fields=KEY_FIELDS, count_names=CODE_RIGHTS_COUNTS, case_fields=CASE_FIELDS,
    related=(Related(CodeEvent, by_column("case_id")),), contributions=contributions, recount=recount,
    describe_key=describe_key,
))


def describe_open_key(key: tuple) -> str:
    service_id, borough, month, enhanced, due = key
    return (f"service {service_id}, borough {borough or 'none'}, {month:%Y-%m}, "
            f"{'enhanced' if enhanced else 'standard'}, open, due {due:%Y-%m-%d}")


CODE_RIGHTS_OPEN = register(Provider(
    name="code_rights_open", table=RollupCodeRightsOpen.__table__, purged=RollupCodeRightsOpenPurged.__table__,
    key_fields=OPEN_KEY_FIELDS, count_names=OPEN_WITHOUT_COUNTS,
    case_fields=(*CASE_FIELDS, "first_contact_due"), related=(Related(CodeEvent, by_column("case_id")),),
    contributions=open_contributions, recount=open_recount, describe_key=describe_open_key,
))


def describe_day_key(key: tuple) -> str:
    day, service_id, enhanced, days = key
    return (f"service {service_id}, London, {day:%Y-%m-%d}, {'enhanced' if enhanced else 'standard'}, "
            f"{'no decision told' if days == NO_DECISION else f'slowest decision {days} working days'}")


def describe_open_day_key(key: tuple) -> str:
    day, service_id, enhanced, due = key
    return (f"service {service_id}, London, {day:%Y-%m-%d}, {'enhanced' if enhanced else 'standard'}, open, "
            f"due {due:%Y-%m-%d}")


# Touched by the same changes as the monthly roll-ups above, so the four read the same cases and share one
# statement in each round of reads.
CODE_RIGHTS_DAYS = register(Provider(
    name="code_rights_days", table=RollupCodeRightsDays.__table__, purged=RollupCodeRightsDaysPurged.__table__,
    key_fields=DAY_KEY_FIELDS, count_names=CODE_RIGHTS_COUNTS, case_fields=CASE_FIELDS,
    related=(Related(CodeEvent, by_column("case_id")),), contributions=day_contributions, recount=day_recount,
    describe_key=describe_day_key,
))
CODE_RIGHTS_OPEN_DAYS = register(Provider(
    name="code_rights_open_days", table=RollupCodeRightsOpenDays.__table__,
    purged=RollupCodeRightsOpenDaysPurged.__table__, key_fields=OPEN_DAY_KEY_FIELDS,
    count_names=OPEN_WITHOUT_COUNTS, case_fields=(*CASE_FIELDS, "first_contact_due"),
    related=(Related(CodeEvent, by_column("case_id")),), contributions=open_day_contributions,
    recount=open_day_recount, describe_key=describe_open_day_key,
))
