"""Breakdown counts read from the breakdown roll-up (``rollup_case_dimensions``, services/rollups/dimensions.py)
rather than by scanning the cases: the equality and outcomes reports, and the service measures' DASH, steps,
hate crime, restorative justice and Victims' Commissioner complaint sections.

One statement: the period's whole London months from the roll-up (the rows summed over every borough unless a
borough, a BCU or a table by borough is asked for); the odd days at its ends (outside whole months) from the
roll-up by London day less its purged counts (``rollup_case_dimension_days``, London-wide; for one borough or
BCU, or a table by borough, from the cases through the same per-case SQL the roll-up is counted with:
``rollup_sql.london_wide``), or an end month as its roll-up less its purged counts less the other days
(report_definitions.period_parts); and the two figures that depend on today: "due" for first contact (the
roll-up holds contacted + pending; the cases not yet due, read from the partial index ix_cases_not_yet_due, are
taken off) and a complaint response "overdue now" (the roll-up holds those awaited; the few not yet due, from
ix_cases_response_awaited, are taken off). Under the differencing guard every count is
split by month (a MonthlyCount), as sections.counts_by does.
"""
from dataclasses import replace
from datetime import date

from sqlalchemy import and_, func, literal, literal_column, select, text, union_all

from ...domain.report_definitions import ReportFilters, period_parts
from ...models import Case
from ...models.rollup_dimensions import (
    ALL_BOROUGHS,
    NO_VALUE,
    RollupCaseDimensionDays,
    RollupCaseDimensions,
    RollupPurgedCaseDimensionDays,
    RollupPurgedCaseDimensions,
)
from ..rollups.counts import NOT_DUE_UNLESS_CONTACTED
from ..rollups.dimensions import awaiting_response, case_rows
from .options import ReportOptions, case_conditions
from .reading import report_dialect, report_session
from .rollup_sql import (
    day_conditions,
    day_group,
    edge_parts,
    from_day_rollups,
    london_wide,
    rollup_conditions,
    rollup_group,
)
from .sections import MonthlyCount, guarded_months

R = RollupCaseDimensions
D, PurgedDays = RollupCaseDimensionDays, RollupPurgedCaseDimensionDays
# The dimensions whose sections show "due" for first contact, and "overdue now" for a complaint's response (the
# figures that depend on today); the others' are never read.
DUE_DIMENSIONS = frozenset({"age-band", "sex", "ethnicity", "disability", "dash-level"})
OVERDUE_DIMENSIONS = frozenset({"complaint-agency", "complaint-right"})


def _rollup_conditions(filters: ReportFilters, options: ReportOptions, months: tuple[date, date], by, R=R) -> list:
    conditions = rollup_conditions(filters, options, months, R)
    if not filters.borough and filters.bcu is None:  # every case is counted per borough and again under "*"
        conditions.append(R.borough_code != ALL_BOROUGHS if by == "borough" else R.borough_code == ALL_BOROUGHS)
    return conditions


def _by(table, by: str | None):
    if by == "service":
        return table.service_id
    if by == "borough":
        return table.borough_code
    return literal(NO_VALUE)


# Each count as read from the roll-up (R) or from per-case rows (services/rollups/dimensions.case_rows).
COUNTS = {
    "cases": lambda t: t.received,
    "due": lambda t: t.contacted + t.pending,  # less the cases not yet due (_corrections)
    "in_time": lambda t: t.in_time,
    "accepted": lambda t: t.accepted,
    "marac": lambda t: t.marac,
    "responses_requested": lambda t: t.requested,
    "responses_received": lambda t: t.responded,
    "responses_on_time": lambda t: t.responded_on_time,
    "responses_overdue": lambda t: t.awaiting,  # less the responses not yet due (_corrections)
}


def _counted(table, dim, val, g, m) -> list:
    return [dim.label("dim"), val.label("val"), g.label("g"), m.label("m"),
            *[count(table).label(name) for name, count in COUNTS.items()]]


def _corrections(dialect, dimensions, conditions, today, by, bucket) -> list:
    """Per-case rows taking off "due" the cases not yet due for first contact (ix_cases_not_yet_due), and off
    "overdue" the responses requested whose due date has not passed (ix_cases_response_awaited): the only
    figures that depend on today. Only for the dimensions whose sections show them."""
    not_yet_due = and_(Case.first_contact_working_days.is_(None), Case.status.not_in(NOT_DUE_UNLESS_CONTACTED),
                       Case.first_contact_due >= today)
    response_not_yet_due = and_(awaiting_response(), Case.response_due_on >= today)
    parts = []
    for shown, where, name in ((DUE_DIMENSIONS, not_yet_due, "due"),
                               (OVERDUE_DIMENSIONS, response_not_yet_due, "responses_overdue")):
        wanted = [d for d in dimensions if d in shown]
        if wanted:
            rows = case_rows(dialect, wanted, [*conditions, where], bucket)
            parts.append(select(rows.c.dimension, rows.c.value, _by(rows.c, by), rows.c.month,
                                *[literal_column("-1" if key == name else "0") for key in COUNTS]))
    return parts


def _statement(dimensions, filters: ReportFilters, options: ReportOptions, today: date, service_ids, by, guarded):
    """One statement: the whole months from the roll-up, the odd days from the cases, today's corrections."""
    dialect = report_dialect()
    case_bucket = literal_column("0")
    if guarded:
        from .compliance_sql import month_bucket  # the London month of each case, numbered from 0

        case_bucket = month_bucket(filters)
    extra = [Case.service_id.in_(service_ids)] if service_ids is not None else []
    plan = period_parts(filters.date_from, filters.date_to, today)

    def from_rollup(table, months):
        where = [table.dimension.in_(dimensions), *_rollup_conditions(filters, options, months, by, table)]
        if service_ids is not None:
            where.append(table.service_id.in_(service_ids))
        # The month numbered from 0 for the period's first month, as for rollup_cases.
        bucket = rollup_group("month", filters, table) if guarded else literal_column("0")
        return select(*_counted(table, table.dimension, table.value, _by(table, by), bucket)).where(*where)

    def from_cases(first, last):
        rows = case_rows(dialect, dimensions, [*case_conditions(replace(filters, date_from=first, date_to=last),
                                                                 options), *extra], case_bucket)
        return select(*_counted(rows.c, rows.c.dimension, rows.c.value, _by(rows.c, by), rows.c.month))

    def from_days(table, first, last):
        where = [table.dimension.in_(dimensions), *day_conditions(filters, options, (first, last), table)]
        if service_ids is not None:
            where.append(table.service_id.in_(service_ids))
        bucket = day_group("month", filters, table) if guarded else literal_column("0")
        return select(*_counted(table, table.dimension, table.value, _by(table, by), bucket)).where(*where)

    def from_day_rollup(first, last):
        """The days' cases there are now: the roll-up by day less what deleted cases left in it."""
        return from_day_rollups(lambda table: from_days(table, first, last), ((D, PurgedDays),),
                                ("dim", "val", "g", "m"))

    parts = [from_rollup(R, plan.months)] if plan.months else []
    parts += edge_parts(plan, ("dim", "val", "g", "m"),
                        from_day_rollup if london_wide(filters, by) else from_cases,
                        lambda month: [from_rollup(RollupPurgedCaseDimensions, (month, month))])
    parts += _corrections(dialect, dimensions, [*case_conditions(filters, options), *extra], today, by, case_bucket)
    both = union_all(*parts).subquery("dimension_parts")
    keys = [both.c.dim, both.c.val, both.c.g, both.c.m]
    return select(*keys, *[func.sum(both.c[name]).label(name) for name in COUNTS]).group_by(*keys)


def dimension_counts(dimensions, filters: ReportFilters, options: ReportOptions, today: date,
                     service_ids: list[int] | None = None, by: str | None = None) -> dict:
    """{(dimension, value or None, group or None): {count name: n}} for the cases the filters select (of
    ``service_ids`` if given), the group being the service id or borough code when ``by`` says so. The counts are
    COUNTS's; "due" is right (as of ``today``) for DUE_DIMENSIONS only, "responses_overdue" for
    OVERDUE_DIMENSIONS only (the others' are never shown). Under the differencing guard each is a MonthlyCount."""
    n = guarded_months()
    if report_dialect() == "postgresql":
        # As for the compliance statement: compiling the odd days' joins cost 0.37 s of a 0.89 s report.
        report_session().execute(text("SET LOCAL jit = off"))
    statement = _statement(tuple(dimensions), filters, options, today, service_ids, by, n is not None)
    found: dict = {}
    for row in report_session().execute(statement):
        key = (row.dim, row.val or None, (row.g or None) if by == "borough" else (row.g if by else None))
        series = found.setdefault(key, {name: [0] * (n or 1) for name in COUNTS})
        for name in COUNTS:
            series[name][int(row.m)] += int(getattr(row, name) or 0)
    # A value appears when it has cases (a roll-up row can hold zeros once its cases moved elsewhere).
    found = {key: series for key, series in found.items() if any(series["cases"])}
    if n is None:
        return {key: {name: months[0] for name, months in series.items()} for key, series in found.items()}
    return {key: {name: MonthlyCount(months) for name, months in series.items()} for key, series in found.items()}


def by_value(found: dict, dimension: str, names=tuple(COUNTS), group=None) -> dict:
    """{value or None: {name: count}} for one dimension (and one group, when given) of dimension_counts's
    answer."""
    return {value: {name: counts[name] for name in names} for (dim, value, g), counts in found.items()
            if dim == dimension and (group is None or g == group)}
