"""The whole months of a report period, read from the roll-ups (``rollup_cases``) as rows of the compliance
statement's "fine" table, and the two figures that depend on today (not yet due, overdue), counted from the
cases through partial indexes rather than a scan.

A roll-up row holds, for one service, area, London month, level and number of working days to first contact
(-1: none), the cases received, contacted in time, accepted, and "pending" (not contacted, not declined or
transferred) and "waiting" (open, not contacted). So: contacted = received where days >= 0; due = contacted +
pending - not yet due today; overdue = waiting - waiting but not yet due today.
"""
from datetime import date

from sqlalchemy import Date, and_, func, literal, literal_column, null, select, union_all
from sqlalchemy import case as sql_case

from ...domain.report_definitions import ReportFilters, month_keys
from ...domain.vocab import OPEN_CASE_STATUSES
from ...models import Borough, Case, RollupCases
from ...models.rollups import NO_BOROUGH, NOT_CONTACTED
from ..rollups.counts import NOT_DUE_UNLESS_CONTACTED

R = RollupCases


def rollup_group(group_by: str, filters: ReportFilters, R=RollupCases):
    """The roll-up's group column, the same values as compliance_sql's group expression over the cases (``R``:
    any roll-up keyed by service_id, borough_code, month and enhanced)."""
    if group_by == "service":
        return R.service_id
    if group_by == "borough":
        return func.nullif(R.borough_code, literal(NO_BOROUGH))
    if group_by == "bcu":
        return sql_case((R.borough_code == NO_BOROUGH, literal_column("-1")),
                        else_=func.coalesce(Borough.met_bcu, literal_column("0")))
    return month_number(R.month, filters)


def month_number(column, filters: ReportFilters):
    """The period's month ``column`` (a date) falls in, numbered from 0 for its first month, as SQL."""
    keys = month_keys(filters.date_from, filters.date_to)
    whens = [(column < literal(date.fromisoformat(key + "-01"), Date), literal_column(str(i)))
             for i, key in enumerate(keys[1:])]
    return sql_case(*whens, else_=literal_column(str(len(keys) - 1))) if whens else literal_column("0")


def london_wide(filters: ReportFilters, group_by: str | None = None) -> bool:
    """Whether a period's odd days can be read from a roll-up by London day, which is London-wide: not for a table
    by borough or BCU, nor for one borough or BCU (those count their odd days from that area's cases)."""
    return group_by not in ("borough", "bcu") and not filters.borough and filters.bcu is None


def day_group(group_by: str, filters: ReportFilters, D):
    """``rollup_group`` for a roll-up by London day ``D`` (by service or by month: see ``london_wide``)."""
    return D.service_id if group_by == "service" else month_number(D.day, filters)


def day_conditions(filters: ReportFilters, options, days: tuple[date, date], D) -> list:
    """``rollup_conditions`` for a roll-up by London day ``D``, London-wide: the days ``days`` (first and last)."""
    conditions = [D.day >= days[0], D.day <= days[1]]
    if filters.service:
        conditions.append(D.service_id == options.service_id(filters.service))
    if filters.level:
        conditions.append(D.enhanced.is_(filters.level == "enhanced"))
    return conditions


def from_day_rollups(rows_of, tables: tuple, keys: tuple[str, ...]):
    """The days' cases there are now, as one part: ``rows_of(table)`` from each roll-up by London day in
    ``tables`` ((roll-up, its purged twin) pairs), less what deleted cases left in its purged twin."""
    parts = [part for table, purged in tables for part in (rows_of(table), negated(rows_of(purged), keys))]
    return select(union_all(*parts).subquery("days"))


def rollup_conditions(filters: ReportFilters, options, months: tuple[date, date], R=RollupCases) -> list:
    conditions = [R.month >= months[0], R.month <= months[1]]
    if filters.service:
        conditions.append(R.service_id == options.service_id(filters.service))
    if filters.borough:
        conditions.append(R.borough_code == filters.borough)
    if filters.bcu is not None:
        conditions.append(R.borough_code.in_(options.boroughs_of_bcu(filters.bcu)))
    if filters.level:
        conditions.append(R.enhanced.is_(filters.level == "enhanced"))
    return conditions


def rollup_rows(group_by: str, filters: ReportFilters, options, months: tuple[date, date], R=RollupCases):
    """Fine-table rows (g, e, d, counts) for the whole months ``months`` (first days of the first and last);
    "due" counts every pending case as due and "overdue" every waiting one, which ``today_rows`` corrects.
    (``R``: the roll-up, or its purged twin.)"""
    contacted = sql_case((R.days != NOT_CONTACTED, R.received), else_=literal_column("0"))
    source = R.__table__.outerjoin(Borough, R.borough_code == Borough.ons_code) if group_by == "bcu" else R.__table__
    return (select(rollup_group(group_by, filters, R).label("g"), R.enhanced.label("e"),
                   sql_case((R.days != NOT_CONTACTED, R.days), else_=null()).label("d"),
                   R.received.label("received"), (contacted + R.pending).label("due"), R.in_time.label("in_time"),
                   R.waiting.label("overdue"), R.accepted.label("accepted"), contacted.label("contacted"))
            .select_from(source).where(*rollup_conditions(filters, options, months, R)))


def edge_parts(plan, keys: tuple[str, ...], from_cases, purged_month) -> list:
    """The parts of a period (report_definitions.PeriodParts) besides its roll-up months: the days counted from
    the cases (``from_cases(first, last)``), and for an end month counted by difference, taken off: that month's
    purged counts (``purged_month(month)``, a list of parts) and the cases of its other days."""
    parts = [from_cases(first, last) for first, last in plan.add_days]
    parts += [negated(from_cases(first, last), keys) for first, last in plan.less_days]
    parts += [negated(part, keys) for month in plan.less_purged for part in purged_month(month)]
    return parts


def negated(part, keys: tuple[str, ...]):
    """``part``'s rows with every column but ``keys`` negated: what it counts, taken off the sum of the parts
    (an end month counted as the roll-up's month less its purged counts less the other days' cases)."""
    rows = part.subquery()
    return select(*[column if column.name in keys else (-column).label(column.name) for column in rows.c])


def today_rows(group, source, conditions: list, today: date) -> list:
    """Fine-table rows correcting the roll-ups' figures for today, among the cases ``conditions`` select: the
    cases not yet due (due today or later, not contacted, not declined or transferred) taken off "due", and the
    open ones not contacted and not yet due taken off "overdue". Each reads the few cases due today or later from
    a covering partial index (ix_cases_not_yet_due, ix_cases_overdue_report), however many are overdue."""
    zero = literal_column("0")
    not_yet_due = and_(Case.first_contact_working_days.is_(None), Case.status.not_in(NOT_DUE_UNLESS_CONTACTED),
                       Case.first_contact_due >= today)
    waiting_not_yet_due = and_(Case.first_contacted_at.is_(None), Case.status.in_(OPEN_CASE_STATUSES),
                               Case.first_contact_due >= today)
    rows = []
    for where, due, late in ((not_yet_due, -1, 0), (waiting_not_yet_due, 0, -1)):
        rows.append(
            select(group.label("g"), Case.enhanced.label("e"), null().label("d"), zero.label("received"),
                   (func.count() * due).label("due"), zero.label("in_time"), (func.count() * late).label("overdue"),
                   zero.label("accepted"), zero.label("contacted"))
            .select_from(source).where(*conditions, where)
            .group_by(literal_column("1"), literal_column("2"))
        )
    return rows
