"""The Victims' Code rights report: per right, the cases where it applied, the share met, and for the
deadline-bound rights the share met on time and the median working days, by service, borough or month.

Aggregated in SQL in one statement per table: the period's code events folded to one row per case (which rights
it has events for, its slowest decision, whether every decision was told in time), joined to the period's cases
and counted per group and per slowest-decision working days, a few hundred rows however many cases there are.
The roll-up tables the compliance report is moving to do not cover code events yet, so this reads the cases.
"""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, func, literal_column, or_, select
from sqlalchemy import case as sql_case

from ...domain.clock import london_today
from ...domain.code_rights import EXPECTED_BY_FIRST_CONTACT, NOT_TAKEN_ON_STATUSES, is_deadline_bound
from ...domain.code_rights_report import REPORTED_RIGHTS, count_keys, publish_code_rights
from ...domain.report_definitions import ReportFilters, month_keys
from ...domain.vocab import OPEN_CASE_STATUSES
from ...models import Case, CodeEvent
from ..actors import Actor
from .compliance import _groups
from .compliance_sql import _group_expression, _group_key
from .options import ReportOptions, audit_run, case_conditions, report_options, require_reports
from .reading import report_dialect, report_session

CODE_RIGHTS_GROUP_BYS = ("service", "borough", "month")
DEADLINE_RIGHT = next(right for right, _ in REPORTED_RIGHTS if is_deadline_bound(right))


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


def _column(index: int, kind: str) -> str:
    return f"{kind}_{index}"


def _events_per_case(filters: ReportFilters, options: ReportOptions):
    """One row per case of the period with events: has_i (1 when the i-th reported right has an event), and for
    the deadline-bound right its slowest decision (days) and whether every decision was in time (on_time 1/0)."""
    columns = [CodeEvent.case_id.label("case_id")]
    for i, (right, _) in enumerate(REPORTED_RIGHTS):
        columns.append(func.max(sql_case((CodeEvent.right == right, 1))).label(_column(i, "has")))
    late = sql_case((CodeEvent.in_time.is_(False), 0), else_=1)
    columns += [func.max(sql_case((CodeEvent.right == DEADLINE_RIGHT, CodeEvent.working_days))).label("days"),
                func.min(sql_case((CodeEvent.right == DEADLINE_RIGHT, late))).label("on_time")]
    return (select(*columns).select_from(CodeEvent).join(Case, Case.id == CodeEvent.case_id)
            .where(*case_conditions(filters, options)).group_by(CodeEvent.case_id).subquery("events_per_case"))


def _expected_applies(today: date):
    """The rights expected of every case taken on apply once its first-contact due date has passed, or once
    it closed (domain/code_rights.right_state: missed, unless met)."""
    return and_(Case.status.not_in(NOT_TAKEN_ON_STATUSES),
                or_(Case.first_contact_due < today, Case.status.not_in(OPEN_CASE_STATUSES)))


def code_rights_statement(group_by: str, filters: ReportFilters, options: ReportOptions, today: date, dialect: str):
    events = _events_per_case(filters, options)
    expected = _expected_applies(today)
    counts = [func.count().label("cases")]
    for i, (right, _) in enumerate(REPORTED_RIGHTS):
        has = events.c[_column(i, "has")] == 1
        applies = or_(has, expected) if right in EXPECTED_BY_FIRST_CONTACT else has
        counts += [func.count(sql_case((applies, 1))).label(f"{right}:applied"),
                   func.count(sql_case((has, 1))).label(f"{right}:met")]
        if right == DEADLINE_RIGHT:
            counts.append(func.count(sql_case((and_(has, events.c.on_time == 1), 1))).label(f"{right}:in_time"))
    group = _group_expression(group_by, filters, dialect)
    return (select(group.label("g"), events.c.days.label("d"), *counts)
            .select_from(Case.__table__.outerjoin(events, events.c.case_id == Case.id))
            .where(*case_conditions(filters, options))
            .group_by(literal_column("1"), literal_column("2")))  # by position, as compliance_sql explains


def raw_code_rights(group_by: str, filters: ReportFilters, options: ReportOptions, today: date) -> dict:
    """{group key, or None for all groups: counts and the deadline-bound right's working-days histogram}."""
    statement = code_rights_statement(group_by, filters, options, today, report_dialect())
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
    return raw


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
