"""The Victims' Code rights report: per right, the cases where it applied, the share met, and for the
deadline-bound rights the share met on time and the median working days, by service, borough or month.

One statement per table over a small "fine" table of (group, slowest decision) rows: the period's whole London
months from the roll-up (``rollup_code_rights``, services/rollups/code_rights.py), the odd days at its ends (at
most half a month at each end, period_parts) from the roll-up by London day less its purged twin
(``rollup_code_rights_days``, London-wide; for a table by borough or one borough or BCU, from the cases, their
code events folded to one row per case), and the one figure that depends on today, the open cases not yet due for
first contact (for whom the two rights expected of every case taken on do not apply yet), read from the rows of
``rollup_code_rights_open`` (and for the odd days ``rollup_code_rights_open_days``) due today or later.
"""
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import Integer, and_, cast, func, literal_column, null, or_, select, true, union_all
from sqlalchemy import case as sql_case

from ...domain.clock import london_today
from ...domain.code_rights import EXPECTED_BY_FIRST_CONTACT, NOT_TAKEN_ON_STATUSES, is_deadline_bound
from ...domain.code_rights_report import REPORTED_RIGHTS, count_keys, publish_code_rights
from ...domain.report_definitions import ReportFilters, month_keys, period_parts
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
from ...models.rollups_rights import NO_DECISION, RIGHT_COLUMNS
from ..rollups.code_rights import DEADLINE_RIGHT, event_columns, events_per_case, has_column
from ..actors import Actor
from .compliance import _groups
from .compliance_sql import _group_expression, _group_key
from .options import ReportOptions, audit_run, case_conditions, report_options, require_reports
from .reading import for_small_reads, report_dialect, report_session
from .rollup_sql import (
    day_conditions,
    day_group,
    edge_parts,
    from_day_rollups,
    london_wide,
    rollup_conditions,
    rollup_group,
)

CODE_RIGHTS_GROUP_BYS = ("service", "borough", "month")


@dataclass
class CodeRightsTable:
    group_by: str
    rows: list[dict]

    @property
    def total(self) -> dict:
        return self.rows[-1]


@dataclass
class CodeRightsReport:
    filters: ReportFilters
    today: date
    tables: dict[str, CodeRightsTable] = field(default_factory=dict)

    @property
    def total(self) -> dict:
        return next(iter(self.tables.values())).total


def _expected_applies(today: date):
    """The rights expected of every case taken on apply once its first-contact due date has passed, or once
    it closed (domain/code_rights.right_state: missed, unless met)."""
    return and_(Case.status.not_in(NOT_TAKEN_ON_STATUSES),
                or_(Case.first_contact_due < today, Case.status.not_in(OPEN_CASE_STATUSES)))


def _cases_rows(group_by: str, filters: ReportFilters, within: ReportFilters, options: ReportOptions, today: date,
                dialect: str):
    """Fine-table rows (g, d, counts) counted from the cases of ``within`` (part of the report period,
    ``filters``) and their code events."""
    if dialect == "postgresql":
        # Each case's events through ix_code_events_case_right (a lateral subquery, one probe per case): joined
        # by hash, a few thousand cases cost a scan of every code event there is.
        events = select(*event_columns()).where(CodeEvent.case_id == Case.id).lateral("events_per_case")
        source = Case.__table__.join(events, true())  # an aggregate without GROUP BY: one row, NULLs for none
    else:
        events = events_per_case(*case_conditions(within, options), join_cases=True)
        source = Case.__table__.outerjoin(events, events.c.case_id == Case.id)
    expected = _expected_applies(today)
    counts = [func.count().label("cases")]
    for right, _ in REPORTED_RIGHTS:
        has = events.c[has_column(right)] == 1
        applies = or_(has, expected) if right in EXPECTED_BY_FIRST_CONTACT else has
        counts += [func.count(sql_case((applies, 1))).label(f"{right}:applied"),
                   func.count(sql_case((has, 1))).label(f"{right}:met")]
        if right == DEADLINE_RIGHT:
            counts.append(func.count(sql_case((and_(has, events.c.on_time == 1), 1))).label(f"{right}:in_time"))
    group = _group_expression(group_by, filters, dialect)
    return (select(group.label("g"), events.c.days.label("d"), *counts)
            .select_from(source)
            .where(*case_conditions(within, options))
            .group_by(literal_column("1"), literal_column("2")))  # by position, as compliance_sql explains


def _rollup_rows(group, where: list, R=RollupCodeRights):
    """Fine-table rows from the roll-up ``R`` (by month or by day, or a purged twin) in group ``group``, of its rows
    ``where`` selects: the expected rights counted as applied for every case taken on without an event of it,
    which ``_not_yet_due_rows`` corrects for today."""
    counts = [R.cases.label("cases")]
    for right, _ in REPORTED_RIGHTS:
        column = RIGHT_COLUMNS[right]
        met = getattr(R, f"met_{column}")
        applied = met
        if right in EXPECTED_BY_FIRST_CONTACT:
            applied = met + getattr(R, f"closed_without_{column}") + getattr(R, f"open_without_{column}")
        counts += [applied.label(f"{right}:applied"), met.label(f"{right}:met")]
        if right == DEADLINE_RIGHT:
            counts.append(R.in_time.label(f"{right}:in_time"))
    days = sql_case((R.days != NO_DECISION, R.days), else_=null())
    return select(group.label("g"), days.label("d"), *counts).where(*where)


def _not_yet_due_rows(group, where: list, today: date, R=RollupCodeRightsOpen):
    """Fine-table rows taking off "applied" the open cases not yet due for first contact (due today or later)
    without an event of an expected right: the few rows of ``rollup_code_rights_open`` (or its twin by day, or a
    purged twin: ``R``) due today or later (ix_rollup_code_rights_open_due, ix_rollup_code_rights_open_days_due)
    of those ``where`` selects."""
    zero = literal_column("0")
    counts = [zero.label("cases")]
    for right, _ in REPORTED_RIGHTS:
        applied = -getattr(R, f"without_{RIGHT_COLUMNS[right]}") if right in EXPECTED_BY_FIRST_CONTACT else zero
        counts += [applied.label(f"{right}:applied"), zero.label(f"{right}:met")]
        if right == DEADLINE_RIGHT:
            counts.append(zero.label(f"{right}:in_time"))
    # Typed: PostgreSQL takes a bare NULL read back from a subquery (``negated``) for text.
    return select(group.label("g"), cast(null(), Integer).label("d"), *counts).where(*where, R.due >= today)


def code_rights_statement(group_by: str, filters: ReportFilters, options: ReportOptions, today: date, dialect: str):
    """The fine table's rows summed by (group, slowest decision): the months from the roll-up, corrected for
    today, and odd days at the ends of the period, at most half a month at each end, from the roll-ups by day less
    their purged twins where the table is London-wide, else from the cases (``period_parts``: an end month may be
    its roll-up less its purged counts less the other days)."""
    plan = period_parts(filters.date_from, filters.date_to, today)

    def months_of(R, months):
        return rollup_group(group_by, filters, R), rollup_conditions(filters, options, months, R)

    def from_cases(first: date, last: date):
        return _cases_rows(group_by, filters, replace(filters, date_from=first, date_to=last), options, today,
                           dialect)

    def from_days(first: date, last: date):
        def rows_of(D):
            group, where = day_group(group_by, filters, D), day_conditions(filters, options, (first, last), D)
            if hasattr(D, "due"):
                return _not_yet_due_rows(group, where, today, D)
            return _rollup_rows(group, where, D)

        return from_day_rollups(rows_of, ((RollupCodeRightsDays, RollupCodeRightsDaysPurged),
                                          (RollupCodeRightsOpenDays, RollupCodeRightsOpenDaysPurged)), ("g", "d"))

    def purged_month(month: date):
        return [_rollup_rows(*months_of(RollupCodeRightsPurged, (month, month)), RollupCodeRightsPurged),
                _not_yet_due_rows(*months_of(RollupCodeRightsOpenPurged, (month, month)), today,
                                  RollupCodeRightsOpenPurged)]

    parts = edge_parts(plan, ("g", "d"), from_days if london_wide(filters, group_by) else from_cases, purged_month)
    if plan.months:
        parts += [_rollup_rows(*months_of(RollupCodeRights, plan.months)),
                  _not_yet_due_rows(*months_of(RollupCodeRightsOpen, plan.months), today)]
    fine = union_all(*parts).subquery("fine_code_rights")
    return (select(fine.c.g, fine.c.d, *[func.sum(fine.c[name]).label(name) for name in count_keys()])
            .group_by(fine.c.g, fine.c.d))


def raw_code_rights(group_by: str, filters: ReportFilters, options: ReportOptions, today: date) -> dict:
    """{group key, or None for all groups: counts and the deadline-bound right's working-days histogram}."""
    dialect = report_dialect()
    for_small_reads()  # a few hundred roll-up rows (and at most half a month of cases at each end)
    statement = code_rights_statement(group_by, filters, options, today, dialect)
    months = month_keys(filters.date_from, filters.date_to)
    keys = count_keys()
    raw: dict = {}
    for row in report_session().execute(statement).mappings():
        key = _group_key(group_by, row["g"], options, months)
        for target in (raw.setdefault(key, {}), raw.setdefault(None, {})):
            for name in keys:
                target[name] = target.get(name, 0) + int(row[name] or 0)
            if row["d"] is not None:
                histogram = target.setdefault(f"{DEADLINE_RIGHT}:days", {})
                histogram[row["d"]] = histogram.get(row["d"], 0) + int(row[f"{DEADLINE_RIGHT}:met"])
    # A group appears when it has cases, and a number of working days when a decision took it (a month by
    # difference, or a roll-up row its cases left, sums to 0).
    for counts in raw.values():
        histogram = counts.get(f"{DEADLINE_RIGHT}:days")
        if histogram is not None:
            counts[f"{DEADLINE_RIGHT}:days"] = {days: n for days, n in histogram.items() if n}
    return {key: counts for key, counts in raw.items() if key is None or counts.get("cases")}


def code_rights_report(actor: Actor, filters: ReportFilters, group_bys: tuple[str, ...] = ("service",),
                       options: ReportOptions | None = None, today: date | None = None,
                       export_format: str | None = None) -> CodeRightsReport:
    """The rights side by side for each grouping in ``group_bys``, suppressed for publication; one audited run."""
    require_reports(actor)
    options = options or report_options(actor)
    today = today or london_today()
    report = CodeRightsReport(filters, today)
    for group_by in group_bys:
        raw = raw_code_rights(group_by, filters, options, today)
        groups = _groups(group_by, filters, options, {(key, "all"): None for key in raw if key is not None})
        report.tables[group_by] = CodeRightsTable(group_by, publish_code_rights(groups, raw))
    audit_run(actor, "code-rights", {"group_by": list(group_bys), **filters.as_audit()}, export_format)
    return report
