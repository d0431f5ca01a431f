"""The SQL behind the compliance tables: a small "fine" table, then its totals and medians.

The fine table's whole months come from the roll-ups (``rollup_cases``, see rollup_sql); odd days at the ends
of a period (at most half a month at each end: report_definitions.period_parts) are counted from the ``cases``
table, whose report columns (received_at, borough_code, enhanced, first_contact_*) are copied there when a case
is made so no join to referrals or people is needed. One
statement per table, the same on PostgreSQL and SQLite (see compliance_statement).
"""
from dataclasses import replace
from datetime import date, timedelta

from sqlalchemy import (
    String,
    and_,
    bindparam,
    cast,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    text,
    true,
    union_all,
)
from sqlalchemy import case as sql_case
from sqlalchemy.dialects import postgresql

from ...domain.report_definitions import ReportFilters, add_months, month_keys, period_parts
from ...domain.vocab import OPEN_CASE_STATUSES
from ...models import Borough, Case, RollupPurgedCases
from ...models.types import UTCDateTime
from ..rollups.counts import NOT_DUE_UNLESS_CONTACTED
from .options import ReportOptions, case_conditions, month_starts
from .reading import report_dialect, report_session
from .rollup_sql import edge_parts, rollup_rows, today_rows

UNKNOWN_KEY = "unknown"
COUNT_NAMES = ("received", "due", "in_time", "overdue", "accepted", "contacted")


def contact_due(today: date):
    """A case is due for first contact once contacted, or once its due date has passed (unless it was declined
    or transferred without contact)."""
    contacted = Case.first_contact_working_days.is_not(None)
    return or_(contacted, and_(Case.first_contact_due < today, Case.status.not_in(NOT_DUE_UNLESS_CONTACTED)))


def _group_expression(group_by: str, filters: ReportFilters, dialect: str):
    """The SQL expression a table is grouped by. Months are London calendar months, numbered from 0 for the
    first month in the period: PostgreSQL finds the bucket by binary search over the month starts
    (width_bucket), which is several times faster than converting every timestamp to London time."""
    if group_by == "service":
        return Case.service_id
    if group_by == "borough":
        return Case.borough_code
    if group_by == "bcu":
        return sql_case((Case.borough_code.is_(None), literal_column("-1")),
                        else_=func.coalesce(Borough.met_bcu, literal_column("0")))
    if group_by == "month":
        starts = month_starts(filters)
        if not starts:
            return literal_column("0")
        if dialect == "postgresql":
            # One array parameter, so PostgreSQL builds the array once rather than for every row.
            return func.width_bucket(Case.received_at,
                                     bindparam("month_starts", starts, type_=postgresql.ARRAY(UTCDateTime())))
        return sql_case(*[(Case.received_at < start, literal_column(str(i))) for i, start in enumerate(starts)],
                        else_=literal_column(str(len(starts))))
    raise ValueError(f"unknown group_by {group_by!r}")


def month_bucket(filters: ReportFilters):
    """The London month each case was received in, numbered from 0 for the period's first month, as SQL."""
    return _group_expression("month", filters, report_dialect())


def _count_columns(today: date) -> list:
    overdue = and_(Case.first_contacted_at.is_(None), Case.first_contact_due < today, Case.status.in_(OPEN_CASE_STATUSES))
    return [
        func.count().label("received"),
        func.count(sql_case((contact_due(today), 1))).label("due"),
        func.count(sql_case((Case.first_contact_in_time.is_(True), 1))).label("in_time"),
        func.count(sql_case((overdue, 1))).label("overdue"),
        func.count(Case.accepted_at).label("accepted"),
        func.count(Case.first_contact_working_days).label("contacted"),
    ]


def _from(group_by: str):
    if group_by == "bcu":
        return Case.__table__.outerjoin(Borough, Case.borough_code == Borough.ons_code)
    return Case.__table__


def _fine_cte(group_by: str, filters: ReportFilters, options: ReportOptions, today: date, dialect: str):
    """The figures grouped by (group ``g``, enhanced ``e``, working days to first contact ``d``): a few hundred
    rows however many cases there are, from which every total and median is worked out. The period's London
    months come from the roll-ups (corrected for today from two partial indexes); only odd days at its ends are
    counted from the cases, at most half a month at each end (``period_parts``)."""
    group = _group_expression(group_by, filters, dialect)
    plan = period_parts(filters.date_from, filters.date_to, today)

    def from_cases(first: date, last: date):
        # GROUP BY positions, not repeated expressions: a repeated expression would carry its own copies of any
        # bound values, and PostgreSQL would then not see the SELECT and GROUP BY expressions as the same.
        return (select(group.label("g"), Case.enhanced.label("e"), Case.first_contact_working_days.label("d"),
                       *_count_columns(today))
                .select_from(_from(group_by))
                .where(*case_conditions(replace(filters, date_from=first, date_to=last), options))
                .group_by(literal_column("1"), literal_column("2"), literal_column("3")))

    parts = edge_parts(plan, ("g", "e", "d"), from_cases,
                       lambda month: [rollup_rows(group_by, filters, options, (month, month), RollupPurgedCases)])
    if plan.months:
        months = plan.months
        whole = replace(filters, date_from=months[0], date_to=add_months(months[1], 1) - timedelta(days=1))
        parts.append(rollup_rows(group_by, filters, options, months))
        parts.extend(today_rows(group, _from(group_by), case_conditions(whole, options), today))
    fine = union_all(*parts).subquery(f"parts_{group_by}")
    return (select(fine.c.g, fine.c.e, fine.c.d, *[func.sum(fine.c[name]).label(name) for name in COUNT_NAMES])
            .group_by(fine.c.g, fine.c.e, fine.c.d).cte(f"fine_{group_by}"))


def _bcu_fine_cte(borough_fine):
    """The borough-level fine table rolled up to BCUs (-1: no borough; 0: the City of London Police), so the BCU
    table costs no second scan of the cases."""
    bcu = sql_case((borough_fine.c.g.is_(None), literal_column("-1")),
                   else_=func.coalesce(Borough.met_bcu, literal_column("0")))
    return (
        # As text: it shares a column with the borough codes in the lottery's UNION (read back with int()).
        select(cast(bcu, String).label("g"), borough_fine.c.e, borough_fine.c.d,
               *[func.sum(borough_fine.c[name]).label(name) for name in COUNT_NAMES])
        .select_from(borough_fine.outerjoin(Borough, borough_fine.c.g == Borough.ons_code))
        .group_by(literal_column("1"), literal_column("2"), literal_column("3"))
        .cte("fine_bcu")
    )


def _median_days(fine, table: str, gs: int, names: list[str]):
    """Median working days to first contact per group of ``names``, picked from running totals over the
    working-days histogram, the way percentile_cont(0.5) would (the mean of the two middle values when their
    number is even); sorting a million rows for percentile_cont under GROUPING SETS took 2 to 5 seconds, this
    takes one scan."""
    keys = [fine.c[name] for name in names]
    histogram = (select(*keys, fine.c.d, func.sum(fine.c.contacted).label("c"))
                 .where(fine.c.d.is_not(None)).group_by(*keys, fine.c.d).subquery(f"histogram_{table}{gs}"))
    h_keys = [histogram.c[name] for name in names]
    partition = {"partition_by": h_keys} if h_keys else {}
    running = (select(*h_keys, histogram.c.d,
                      func.sum(histogram.c.c).over(order_by=histogram.c.d, **partition).label("cum"),
                      func.sum(histogram.c.c).over(**partition).label("n"))
               .subquery(f"running_{table}{gs}"))
    r_keys = [running.c[name] for name in names]
    lower = func.min(sql_case((running.c.cum * 2 >= running.c.n, running.c.d)))
    upper = func.min(sql_case((running.c.cum * 2 >= running.c.n + 1, running.c.d)))
    return (select(*r_keys, ((lower + upper) / literal(2.0)).label("median_days"))
            .group_by(*r_keys).subquery(f"medians_{table}{gs}"))


def _rollups(fine, table: str) -> list:
    """Selects giving each group by enhanced and standard, each group overall, each level overall and the grand
    total (``gs`` numbers them 0 to 3, as PostgreSQL's GROUPING() would), tagged with ``table``."""
    selects = []
    for gs, names in ((0, ["g", "e"]), (1, ["g"]), (2, ["e"]), (3, [])):
        keys = [fine.c[name] for name in names]
        counts = (select(*keys, *[func.sum(fine.c[name]).label(name) for name in COUNT_NAMES])
                  .group_by(*keys).subquery(f"counts_{table}{gs}"))
        medians = _median_days(fine, table, gs, names)
        on = and_(*[counts.c[name].is_not_distinct_from(medians.c[name]) for name in names]) if names else true()
        selects.append(
            select(literal(table).label("tbl"),
                   (counts.c.g if "g" in names else null()).label("g"),
                   (counts.c.e if "e" in names else null()).label("e"),
                   literal_column(str(gs)).label("gs"),
                   *[counts.c[name] for name in COUNT_NAMES], medians.c.median_days)
            .select_from(counts.outerjoin(medians, on))
        )
    return selects


def compliance_statement(group_by: str, filters: ReportFilters, options: ReportOptions, today: date, dialect: str):
    """One statement for a compliance table: one scan of the cases (``_fine_cte``), then its roll-ups. With
    group_by "lottery", the borough and BCU tables together, still from one scan."""
    if group_by == "lottery":
        boroughs = _fine_cte("borough", filters, options, today, dialect)
        return union_all(*_rollups(boroughs, "borough"), *_rollups(_bcu_fine_cte(boroughs), "bcu"))
    return union_all(*_rollups(_fine_cte(group_by, filters, options, today, dialect), group_by))


def raw_figures(group_by: str, filters: ReportFilters, options: ReportOptions, today: date) -> dict:
    """{table: {(group key or None for all groups, level): figures}} from one SQL statement; the table is
    ``group_by``, or "borough" and "bcu" for group_by "lottery"."""
    dialect = report_dialect()
    if dialect == "postgresql":
        # Report queries are one scan to a few hundred rows: JIT compilation costs more than it saves here.
        report_session().execute(text("SET LOCAL jit = off"))
    statement = compliance_statement(group_by, filters, options, today, dialect)
    months = month_keys(filters.date_from, filters.date_to)
    tables: dict = {}
    for row in report_session().execute(statement).mappings():
        raw = tables.setdefault(row["tbl"], {})
        gs = row["gs"]
        if row["received"] == 0:  # no cases (a month by difference, or a roll-up row its cases left, sums to 0)
            continue
        key = None if gs in (2, 3) else _group_key(row["tbl"], row["g"], options, months)
        level = "all" if gs in (1, 3) else ("enhanced" if row["e"] else "standard")
        figures = {name: int(row[name] or 0) for name in COUNT_NAMES}
        figures["median_days"] = row["median_days"]
        raw[(key, level)] = figures
    return tables


def _group_key(group_by: str, value, options: ReportOptions, months: list[str]):
    if group_by == "service":
        return options.service_by_id()[value]["slug"]
    if group_by == "borough":
        return value if value is not None else UNKNOWN_KEY
    if group_by == "bcu":
        return int(value)
    return months[int(value)]
