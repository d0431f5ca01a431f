"""Oversight reports for the Commissioner: aggregates computed in SQL, never victim-level rows.

Every figure is a SQL aggregate over the ``cases`` table, whose report columns (received_at, borough_code,
enhanced, first_contact_*) are copied there when a case is made so no join to referrals or people is needed.
One statement per table, the same on PostgreSQL and SQLite (see _compliance_statement). What comes back is already suppressed (victimcare.domain.report_suppression), so no caller can publish
a raw small count by mistake. Every run is audited as "report-run", every export as "export".
"""
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from flask import current_app
from sqlalchemy import (
    Date,
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

from ..domain.clock import london_today
from ..domain.deadlines import LONDON
from ..domain.report_definitions import (
    ACCEPTED_SUPPORT,
    BREAKDOWN_REPORTS,
    CASES,
    COMPLIANCE_MEASURES,
    DUE_COLUMN,
    IN_TIME_COLUMN,
    NOT_RECORDED,
    NOT_RECORDED_CATEGORY,
    ROUTE_LABELS,
    SHARE_IN_TIME,
    TAKE_UP,
    ReportFilters,
    abbreviation,
    bcu_label,
    count_column,
    month_keys,
    month_label,
    parse_filters,
    rate_band,
    rate_column,
)
from ..domain.report_suppression import publish_breakdown, publish_compliance, rank_rows
from ..domain.service_steps import steps_for
from ..domain.suppression import suppress_counts
from ..domain.vocab import (
    AGE_BANDS,
    COMPLAINT_AGENCIES,
    DECLINE_REASONS,
    DISABILITY,
    ETHNICITY_HEADINGS,
    HATE_STRANDS,
    OPEN_CASE_STATUSES,
    OUTCOME_ANSWERS,
    OUTCOME_QUESTIONS,
    OVERRIDE_REASONS,
    REFERRAL_SOURCES,
    SEX,
    TRANSFER_REASONS,
    VICTIMS_CODE_RIGHTS,
)
from ..extensions import db
from ..models import (
    Borough,
    Case,
    CaseStep,
    Person,
    Referral,
    ReferralStrand,
    RoutingDecision,
    Service,
)
from ..models.types import UTCDateTime
from . import audit
from .actors import Actor, require

# A case the service declined or passed on, and never contacted, is not counted as due for contact.
NOT_DUE_UNLESS_CONTACTED = ("declined", "transferred")
UNKNOWN_KEY = "unknown"

REPORTS = (
    ("code-compliance", "reports.code_compliance", "Victims' Code compliance",
     "Referrals received, first contact within the due date, median working days to first contact and cases "
     "now overdue, by service, borough, BCU or month, for enhanced and standard victims separately."),
    ("postcode-lottery", "reports.postcode_lottery", "The postcode lottery",
     "First contact within the due date and take-up for each London borough on a tile map, ranked, with the gap "
     "between the best and worst boroughs and a roll-up by police basic command unit."),
    *[(slug, "reports." + slug.replace("-", "_"), title, summary) for slug, (title, summary) in BREAKDOWN_REPORTS.items()],
)


@dataclass(frozen=True)
class ReportOptions:
    """Reference data for the filters and labels: services and London areas (no victim data)."""

    services: list[dict]
    boroughs: list[dict]

    @property
    def bcus(self) -> list[int]:
        return sorted({b["met_bcu"] for b in self.boroughs if b["met_bcu"] is not None})

    @property
    def service_choices(self) -> list[tuple[str, str]]:
        return [(s["slug"], s["name"]) for s in self.services]

    @property
    def borough_choices(self) -> list[tuple[str, str]]:
        return [(b["ons_code"], b["name"]) for b in self.boroughs]

    @property
    def bcu_choices(self) -> list[tuple[int, str]]:
        return [(bcu, bcu_label(bcu)) for bcu in self.bcus]

    def service_by_id(self) -> dict[int, dict]:
        return {s["id"]: s for s in self.services}

    def borough_by_code(self) -> dict[str, dict]:
        return {b["ons_code"]: b for b in self.boroughs}


@dataclass
class ComplianceReport:
    group_by: str
    filters: ReportFilters
    rows: list[dict]
    today: date
    measures: tuple = COMPLIANCE_MEASURES

    @property
    def levels(self) -> tuple[str, ...]:
        return self.filters.levels()

    @property
    def total(self) -> dict:
        return self.rows[-1]


@dataclass
class LotteryReport:
    filters: ReportFilters
    boroughs: list[dict]
    bcus: list[dict]
    today: date
    measure: str
    ranked: list[dict] = field(default_factory=list)
    gap: float | None = None


def _require_reports(actor: Actor) -> None:
    require(actor, "report.view", "Only the Commissioner's office can run oversight reports")


def report_options(actor: Actor) -> ReportOptions:
    _require_reports(actor)
    services = [dict(row._mapping) for row in db.session.execute(
        select(Service.id, Service.slug, Service.name).order_by(Service.name))]
    boroughs = [dict(row._mapping) for row in db.session.execute(
        select(Borough.ons_code, Borough.name, Borough.met_bcu, Borough.tile_row, Borough.tile_col)
        .order_by(Borough.name))]
    return ReportOptions(services, boroughs)


def read_filters(actor: Actor, args: Mapping[str, str], today: date | None = None):
    """The options, the filters read from ``args`` and any errors in them ([{"field", "message"}])."""
    options = report_options(actor)
    today = today or london_today()
    filters, errors = parse_filters(
        args, today,
        service_slugs=frozenset(s["slug"] for s in options.services),
        borough_codes=frozenset(b["ons_code"] for b in options.boroughs),
        bcus=frozenset(options.bcus),
    )
    return options, filters, errors


# --- SQL ------------------------------------------------------------------------------------------------------

def _london_midnight_utc(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LONDON).astimezone(timezone.utc)


def _month_starts(filters: ReportFilters) -> list[datetime]:
    """UTC instants at which each London month after the first in the period begins."""
    keys = month_keys(filters.date_from, filters.date_to)
    return [_london_midnight_utc(date.fromisoformat(key + "-01")) for key in keys[1:]]


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
        starts = _month_starts(filters)
        if not starts:
            return literal_column("0")
        if dialect == "postgresql":
            # One array parameter, so PostgreSQL builds the array once rather than for every row.
            return func.width_bucket(Case.received_at,
                                     bindparam("month_starts", starts, type_=postgresql.ARRAY(UTCDateTime())))
        return sql_case(*[(Case.received_at < start, literal_column(str(i))) for i, start in enumerate(starts)],
                        else_=literal_column(str(len(starts))))
    raise ValueError(f"unknown group_by {group_by!r}")


def _conditions(filters: ReportFilters, options: ReportOptions) -> list:
    conditions = [
        Case.received_at >= _london_midnight_utc(filters.date_from),
        Case.received_at < _london_midnight_utc(filters.date_to + timedelta(days=1)),
    ]
    if filters.service:
        service_id = next(s["id"] for s in options.services if s["slug"] == filters.service)
        conditions.append(Case.service_id == service_id)
    if filters.borough:
        conditions.append(Case.borough_code == filters.borough)
    if filters.bcu is not None:
        conditions.append(Case.borough_code.in_(
            [b["ons_code"] for b in options.boroughs if b["met_bcu"] == filters.bcu]))
    if filters.level:
        conditions.append(Case.enhanced.is_(filters.level == "enhanced"))
    return conditions


COUNT_NAMES = ("received", "due", "in_time", "overdue", "accepted", "contacted")


def _count_columns(today: date) -> list:
    contacted = Case.first_contact_working_days.is_not(None)
    due = or_(contacted, and_(Case.first_contact_due < today, Case.status.not_in(NOT_DUE_UNLESS_CONTACTED)))
    overdue = and_(Case.first_contacted_at.is_(None), Case.first_contact_due < today, Case.status.in_(OPEN_CASE_STATUSES))
    return [
        func.count().label("received"),
        func.count(sql_case((due, 1))).label("due"),
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
    """The cases read once, grouped by (group ``g``, enhanced ``e``, working days to first contact ``d``): a few
    hundred rows however many cases there are. Every total and median is worked out from this small table."""
    group = _group_expression(group_by, filters, dialect)
    # GROUP BY positions, not repeated expressions: a repeated expression would carry its own copies of any
    # bound values, and PostgreSQL would then not see the SELECT and GROUP BY expressions as the same.
    return (
        select(group.label("g"), Case.enhanced.label("e"), Case.first_contact_working_days.label("d"),
               *_count_columns(today))
        .select_from(_from(group_by)).where(*_conditions(filters, options))
        .group_by(literal_column("1"), literal_column("2"), literal_column("3"))  # by position: see docstring
        .cte(f"fine_{group_by}")
    )


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


def _rollups(fine, table: str) -> list:
    """Selects giving each group by enhanced and standard, each group overall, each level overall and the grand
    total (``gs`` numbers them 0 to 3, as PostgreSQL's GROUPING() would), tagged with ``table``.

    The median is picked from running totals over the working-days histogram, the way percentile_cont(0.5)
    would (the mean of the two middle values when their number is even); sorting a million rows for
    percentile_cont under GROUPING SETS took 2 to 5 seconds, this takes one scan.
    """
    selects = []
    for gs, names in ((0, ["g", "e"]), (1, ["g"]), (2, ["e"]), (3, [])):
        keys = [fine.c[name] for name in names]
        counts = (select(*keys, *[func.sum(fine.c[name]).label(name) for name in COUNT_NAMES])
                  .group_by(*keys).subquery(f"counts_{table}{gs}"))
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
        medians = (select(*r_keys, ((lower + upper) / literal(2.0)).label("median_days"))
                   .group_by(*r_keys).subquery(f"medians_{table}{gs}"))
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


def _compliance_statement(group_by: str, filters: ReportFilters, options: ReportOptions, today: date, dialect: str):
    """One statement for a compliance table: one scan of the cases (``_fine_cte``), then its roll-ups. With
    group_by "lottery", the borough and BCU tables together, still from one scan."""
    if group_by == "lottery":
        boroughs = _fine_cte("borough", filters, options, today, dialect)
        return union_all(*_rollups(boroughs, "borough"), *_rollups(_bcu_fine_cte(boroughs), "bcu"))
    return union_all(*_rollups(_fine_cte(group_by, filters, options, today, dialect), group_by))


def _raw_figures(group_by: str, filters: ReportFilters, options: ReportOptions, today: date) -> dict:
    """{table: {(group key or None for all groups, level): figures}} from one SQL statement; the table is
    ``group_by``, or "borough" and "bcu" for group_by "lottery"."""
    dialect = db.engine.dialect.name
    if dialect == "postgresql":
        # Report queries are one scan to a few hundred rows: JIT compilation costs more than it saves here.
        db.session.execute(text("SET LOCAL jit = off"))
    statement = _compliance_statement(group_by, filters, options, today, dialect)
    months = month_keys(filters.date_from, filters.date_to)
    tables: dict = {}
    for row in db.session.execute(statement).mappings():
        raw = tables.setdefault(row["tbl"], {})
        gs = row["gs"]
        if gs == 3 and row["received"] == 0:
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


def _groups(group_by: str, filters: ReportFilters, options: ReportOptions, raw: dict) -> list[tuple]:
    """(key, label) for every group in display order: every service, borough, BCU or month in the period,
    including those with no cases (a zero is published; it identifies nobody)."""
    present = {key for key, _ in raw}
    if group_by == "service":
        groups = [(s["slug"], s["name"]) for s in options.services
                  if filters.service is None or s["slug"] == filters.service]
    elif group_by == "borough":
        groups = [(b["ons_code"], b["name"]) for b in options.boroughs]
        if UNKNOWN_KEY in present:
            groups.append((UNKNOWN_KEY, NOT_RECORDED))
    elif group_by == "bcu":
        groups = [(bcu, bcu_label(bcu)) for bcu in options.bcus] + [(0, bcu_label(0))]
        if -1 in present:
            groups.append((-1, bcu_label(None)))
    else:
        groups = [(key, month_label(key)) for key in month_keys(filters.date_from, filters.date_to)]
    return groups


def _publish(group_by, filters, options, raw) -> list[dict]:
    return publish_compliance(_groups(group_by, filters, options, raw), raw, filters.levels())


def _compliance_rows(group_by, filters, options, today) -> list[dict]:
    return _publish(group_by, filters, options, _raw_figures(group_by, filters, options, today).get(group_by, {}))


def _audit_run(actor: Actor, report: str, changes: dict, export_format: str | None) -> None:
    if export_format:
        audit.record(actor, "export", "report", report, changes={**changes, "format": export_format})
    else:
        audit.record(actor, "report-run", "report", report, changes=changes)


# --- Reports --------------------------------------------------------------------------------------------------

def code_compliance(
    actor: Actor, filters: ReportFilters, group_by: str, options: ReportOptions | None = None,
    today: date | None = None, export_format: str | None = None,
) -> ComplianceReport:
    """Victims' Code compliance grouped by service, borough, BCU or month, enhanced and standard separately,
    suppressed for publication. Audited as a report run, or as an export when ``export_format`` is given."""
    _require_reports(actor)
    options = options or report_options(actor)
    today = today or london_today()
    rows = _compliance_rows(group_by, filters, options, today)
    _audit_run(actor, "code-compliance", {"group_by": group_by, **filters.as_audit()}, export_format)
    return ComplianceReport(group_by, filters, rows, today)


LOTTERY_MEASURES = {"share_in_time": "Share contacted within due date", "take_up": "Take-up"}


def postcode_lottery(
    actor: Actor, filters: ReportFilters, measure: str = "share_in_time", options: ReportOptions | None = None,
    today: date | None = None, export_format: str | None = None,
) -> LotteryReport:
    """The compliance and take-up figures per borough, placed on the London tile grid, ranked on ``measure``,
    with the best-to-worst gap and the BCU roll-up. Boroughs are never filtered out here: the map needs all 33."""
    _require_reports(actor)
    options = options or report_options(actor)
    today = today or london_today()
    filters = ReportFilters(filters.date_from, filters.date_to, filters.service, None, None, filters.level)
    level = filters.level or "all"
    tables = _raw_figures("lottery", filters, options, today)  # boroughs and BCUs from one scan of the cases
    boroughs = _publish("borough", filters, options, tables.get("borough", {}))
    by_code = options.borough_by_code()
    for row in boroughs:
        area = by_code.get(row["key"])
        if area:
            value = row[f"{measure}_{level}"]
            row.update(tile_row=area["tile_row"], tile_col=area["tile_col"], met_bcu=area["met_bcu"],
                       abbreviation=abbreviation(area["ons_code"], area["name"]), band=rate_band(value),
                       value=value)
    bcus = _publish("bcu", filters, options, tables.get("bcu", {}))
    ranked, gap = rank_rows([r for r in boroughs if r["key"] in by_code], f"{measure}_{level}")
    _audit_run(actor, "postcode-lottery", {"measure": measure, **filters.as_audit()}, export_format)
    return LotteryReport(filters, boroughs, bcus, today, measure, ranked, gap)


# --- Breakdown reports ----------------------------------------------------------------------------------------
# Each section is one GROUP BY statement over cases (joined to referrals, people or steps where needed),
# published through publish_breakdown: rows in vocabulary order, a total row, suppression, then rates.

@dataclass
class Section:
    id: str
    title: str
    group_heading: str
    columns: list
    rows: list[dict]
    note: str | None = None


@dataclass
class BreakdownReport:
    slug: str
    title: str
    filters: ReportFilters
    sections: list[Section]
    today: date


def _counts_by(group, columns: dict, conditions: list, select_from) -> dict:
    """{group value: {name: count}} from one GROUP BY statement."""
    statement = (select(group.label("k"), *[expr.label(name) for name, expr in columns.items()])
                 .select_from(select_from).where(*conditions).group_by(group))
    return {row["k"]: {name: row[name] for name in columns} for row in db.session.execute(statement).mappings()}


def _section(section_id, title, group_heading, categories, raw, columns, total_key=None, note=None, with_total=True):
    count_keys = [c.key for c in columns if c.kind == "count"]
    rates = [(c.key, *RATE_PARTS[c.key]) for c in columns if c.kind == "rate"]
    none_label = [(None, NOT_RECORDED_CATEGORY)] if None in raw else []
    rows = publish_breakdown(list(categories) + none_label, raw, count_keys, total_key, rates)
    if not with_total:
        rows = [row for row in rows if not row["is_total"]]
    return Section(section_id, title, group_heading, list(columns), rows, note)


RATE_PARTS = {"share_in_time": ("in_time", "due"), "take_up": ("accepted", "cases"),
              "high_in_time_share": ("in_time", "due"),
              "responses_on_time_share": ("responses_on_time", "responses_due")}


def _case_counts(today: date) -> dict:
    contacted = Case.first_contact_working_days.is_not(None)
    due = or_(contacted, and_(Case.first_contact_due < today, Case.status.not_in(NOT_DUE_UNLESS_CONTACTED)))
    return {
        "cases": func.count(Case.id),
        "due": func.count(sql_case((due, 1))),
        "in_time": func.count(sql_case((Case.first_contact_in_time.is_(True), 1))),
        "accepted": func.count(Case.accepted_at),
    }


REASONS_NOTE = ("Counted by the main reason chosen from a fixed list; the details typed beside it stay on the case and "
                "are never published. Not recorded: no coded reason was given (the API takes one but does not "
                "require it).")


def _routing_and_flow(filters, options, today) -> list[Section]:
    conditions = _conditions(filters, options)
    sections = []

    referral_period = [Referral.received_at >= _london_midnight_utc(filters.date_from),
                       Referral.received_at < _london_midnight_utc(filters.date_to + timedelta(days=1))]
    if filters.borough:
        referral_period.append(Referral.offence_borough_code == filters.borough)
    if filters.bcu is not None:
        referral_period.append(Referral.offence_borough_code.in_(
            [b["ons_code"] for b in options.boroughs if b["met_bcu"] == filters.bcu]))
    raw = _counts_by(Referral.source, {
        "referrals": func.count(Referral.id),
        "routed": func.count(sql_case((Referral.status == "routed", 1))),
        "not_routed": func.count(sql_case((Referral.status == "not-routed", 1))),
        "triage": func.count(sql_case((Referral.status == "triage", 1))),
    }, referral_period, Referral.__table__)
    sections.append(_section(
        "referrals-by-source", "Referrals by source", "Source", REFERRAL_SOURCES, raw, [
            count_column("referrals", "Referrals received", "Referrals received in the period, whatever happened next."),
            count_column("routed", "Routed to a service", "Referrals sent to at least one service."),
            count_column("not_routed", "Not routed", "Referrals recorded but sent to no service (for example, no consent)."),
            count_column("triage", "Awaiting triage", "Referrals a caseworker has not yet routed."),
        ], total_key="referrals",
        note="Only the period and area filters apply here: a referral that was not routed has no service, and "
             "enhanced rights are decided per case."))

    flow = {**_case_counts(today),
            "declined": func.count(sql_case((Case.status == "declined", 1))),
            "transferred": func.count(sql_case((Case.status == "transferred", 1)))}
    flow_columns = [
        CASES, ACCEPTED_SUPPORT,
        count_column("declined", "Declined by the service", "Cases the service declined."),
        count_column("transferred", "Transferred", "Cases passed to another service."),
    ]
    raw = _counts_by(Case.rule, flow, conditions, Case.__table__)
    sections.append(_section("cases-by-route", "Cases by route", "Route (routing rule)",
                             list(ROUTE_LABELS.items()), raw, flow_columns))

    raw = _counts_by(Case.service_id, flow, conditions, Case.__table__)
    raw = {options.service_by_id()[k]["slug"]: v for k, v in raw.items()}
    sections.append(_section("decisions-by-service", "Declines and transfers by service", "Service",
                             options.service_choices, raw, flow_columns))

    per_service = {slug: func.count(sql_case((Case.service_id == sid, 1)))
                   for sid, slug in ((sv["id"], sv["slug"]) for sv in options.services)}
    service_columns = [count_column(slug, name, f"Cases of {name} with this main reason.")
                       for slug, name in options.service_choices]
    for status, code_column, reasons, section_id, title, total_heading in (
        ("declined", Case.decline_reason_code, DECLINE_REASONS, "declines-by-reason",
         "Why services declined cases", "Cases declined"),
        ("transferred", Case.transfer_reason_code, TRANSFER_REASONS, "transfers-by-reason",
         "Why cases were transferred", "Cases transferred"),
    ):
        raw = _counts_by(code_column, {"total": func.count(Case.id), **per_service},
                         [*conditions, Case.status == status], Case.__table__)
        sections.append(_section(
            section_id, title, "Main reason", reasons, raw,
            [count_column("total", total_heading, f"Cases received in the period and {status}, by the main reason "
                                                  "chosen from a fixed list."), *service_columns],
            total_key="total", note=REASONS_NOTE))

    override_conditions = [
        Referral.received_at >= _london_midnight_utc(filters.date_from),
        Referral.received_at < _london_midnight_utc(filters.date_to + timedelta(days=1)),
        RoutingDecision.kind.in_(("override-add", "override-remove")),
    ]
    if filters.service:
        override_conditions.append(RoutingDecision.service_id == next(
            s["id"] for s in options.services if s["slug"] == filters.service))
    override_columns = {"total": func.count(RoutingDecision.id),
                        "added": func.count(sql_case((RoutingDecision.kind == "override-add", 1))),
                        "removed": func.count(sql_case((RoutingDecision.kind == "override-remove", 1)))}
    override_headings = [
        count_column("total", "Overrides", "Services added or removed by a caseworker for referrals received in the period."),
        count_column("added", "Service added", "A caseworker sent the referral to a service the rules did not choose."),
        count_column("removed", "Service removed", "A caseworker removed a service the rules chose."),
    ]
    overrides = RoutingDecision.__table__.join(Referral, Referral.id == RoutingDecision.referral_id)
    raw = _by_service_slug(_counts_by(RoutingDecision.service_id, override_columns, override_conditions, overrides),
                           options)
    sections.append(_section("overrides", "Caseworker overrides of the routing rules", "Service",
                             options.service_choices, raw, override_headings, total_key="total"))
    raw = _counts_by(RoutingDecision.reason_code, override_columns, override_conditions, overrides)
    sections.append(_section("overrides-by-reason", "Why caseworkers overrode the routing rules", "Main reason",
                             OVERRIDE_REASONS, raw, override_headings, total_key="total", note=REASONS_NOTE))

    take_up = {**_case_counts(today),
               "contacted": func.count(Case.first_contact_working_days),
               "declined_support": func.count(sql_case((Case.closure_reason == "declined-support", 1))),
               "not_contactable": func.count(sql_case((Case.closure_reason == "not-contactable", 1)))}
    raw = _counts_by(Case.service_id, take_up, conditions, Case.__table__)
    raw = {options.service_by_id()[k]["slug"]: v for k, v in raw.items()}
    sections.append(_section("take-up", "Take-up of support", "Service", options.service_choices, raw, [
        CASES,
        count_column("contacted", "Contacted", "Cases with a successful first contact."),
        ACCEPTED_SUPPORT,
        count_column("declined_support", "Declined support", "Cases closed because the victim declined support."),
        count_column("not_contactable", "Could not be contacted", "Cases closed because no contact could be made."),
        TAKE_UP,
    ]))
    return sections




def _by_service_slug(raw: dict, options: ReportOptions) -> dict:
    services = options.service_by_id()
    return {services[k]["slug"]: v for k, v in raw.items()}


def _step_counts(service_slug: str, conditions: list, options: ReportOptions) -> dict:
    """{step: number of cases of the service with that step recorded} in one statement."""
    service_id = next(s["id"] for s in options.services if s["slug"] == service_slug)
    return _counts_by(CaseStep.step, {"cases": func.count(func.distinct(CaseStep.case_id))},
                      [*conditions, Case.service_id == service_id],
                      CaseStep.__table__.join(Case, Case.id == CaseStep.case_id))


ABE_BANDS = (("0-7", "Within 7 days"), ("8-14", "8 to 14 days"), ("15-28", "15 to 28 days"), ("29+", "More than 28 days"))


def _days_from_receipt(on_date):
    """Calendar days from the day a case was received (London date) to `on_date`, in SQL on either database."""
    if db.engine.dialect.name == "postgresql":
        received = func.cast(func.timezone("Europe/London", Case.received_at), Date)
        return on_date - received
    return func.julianday(on_date) - func.julianday(func.date(Case.received_at))


def _abe_interview_timing(conditions: list, child_house_id: int) -> Section:
    """How long children waited from referral to their ABE (forensic) interview, in bands (PROMISE: no undue delay)."""
    days = _days_from_receipt(CaseStep.occurred_on)
    band = sql_case((days <= 7, "0-7"), (days <= 14, "8-14"), (days <= 28, "15-28"), else_="29+")
    raw = _counts_by(band, {"cases": func.count(func.distinct(Case.id))},
                     [*conditions, Case.service_id == child_house_id, CaseStep.step == "abe-interview"],
                     CaseStep.__table__.join(Case, Case.id == CaseStep.case_id))
    return _section("abe-interview-timing", "Child House: time from referral to ABE interview", "Time taken",
                    ABE_BANDS, raw,
                    [count_column("cases", "Cases", "Child House cases received in the period whose ABE interview is "
                                                     "recorded, by calendar days from the referral to the interview.")])


def _vc_columns(working_days: int) -> list:
    return [
        count_column("complaints", "Complaints", "Victims' Commissioner cases received in the period: one complaint each."),
        count_column("responses_requested", "Responses requested", "Complaints the agency has been asked to respond to."),
        count_column("responses_received", "Responses received", "Complaints the agency has responded to."),
        count_column("responses_on_time", "Received on time",
                     f"Responses received on or before the due date, {working_days} working days after the request "
                     "(Monday to Friday, bank holidays excluded)."),
        count_column("responses_overdue", "Overdue now",
                     "Responses requested and not received whose due date has passed, as of today."),
        count_column("responses_due", "Responses due", "Responses received plus those overdue now."),
        rate_column("responses_on_time_share", "Share on time", "Received on time divided by responses due."),
    ]


def _vc_complaints(section_id, title, heading, group, categories, conditions, today, working_days) -> Section:
    """Victims' Commissioner complaints and how promptly the agencies responded, one row per agency or Code right,
    from one GROUP BY statement."""
    received = Case.response_received_on.is_not(None)
    overdue = and_(Case.response_requested_on.is_not(None), Case.response_received_on.is_(None),
                   Case.response_due_on < today)
    raw = _counts_by(group, {
        "complaints": func.count(Case.id),
        "responses_requested": func.count(Case.response_requested_on),
        "responses_received": func.count(Case.response_received_on),
        "responses_on_time": func.count(sql_case((and_(received, Case.response_received_on <= Case.response_due_on), 1))),
        "responses_overdue": func.count(sql_case((overdue, 1))),
        "responses_due": func.count(sql_case((or_(received, overdue), 1))),
    }, conditions, Case.__table__)
    section = _section(section_id, title, heading, categories, raw, _vc_columns(working_days), note=(
        "Agencies and Code rights are chosen from fixed lists. A response received on its due date is on time; the "
        f"due date is set when the request is recorded, {working_days} working days after it."))
    # Responses due = received + overdue now in every row, so a hidden one of the three could be worked out from
    # the other two: suppress across those three as well, and drop a share whose counts are now hidden.
    rows = suppress_counts(section.rows, ["responses_received", "responses_overdue", "responses_due"],
                           total_key="responses_due", total_row_index=-1)
    for row in rows:
        if not (isinstance(row["responses_on_time"], int) and isinstance(row["responses_due"], int)):
            row["responses_on_time_share"] = None
    section.rows = rows
    return section


def _service_measures(filters, options, today) -> list[Section]:
    conditions = _conditions(filters, options)
    with_referral = Case.__table__.join(Referral, Referral.id == Case.referral_id)
    service_id = {s["slug"]: s["id"] for s in options.services}
    sections = []

    counts = {**_case_counts(today), "marac": func.count(sql_case((Case.marac.is_(True), 1)))}
    raw = _counts_by(Referral.dash_level, counts, [*conditions, Case.service_id == service_id["domestic-abuse"]],
                     with_referral)
    sections.append(_section(
        "dash-levels", "Domestic abuse: DASH risk level at referral", "DASH risk level",
        [("standard", "Standard"), ("medium", "Medium"), ("high", "High")], raw, [
            CASES, count_column("marac", "Referred to MARAC", "Cases referred to a multi-agency risk assessment conference at routing."),
            DUE_COLUMN, IN_TIME_COLUMN, SHARE_IN_TIME,
        ], note="The high-risk row's share contacted within due date is the share of high-risk victims an IDVA reached in time."))

    step_column = [count_column("cases", "Cases", "Cases received in the period that reached this step, each counted once.")]

    def steps_section(slug: str, title: str, first_row_label: str, extra=(), extra_raw=None) -> Section:
        raw = _step_counts(slug, conditions, options)
        received = _counts_by(Case.service_id, {"cases": func.count(Case.id)},
                              [*conditions, Case.service_id == service_id[slug]], Case.__table__)
        raw["received"] = received.get(service_id[slug], {"cases": 0})
        raw.update(extra_raw or {})
        categories = [("received", first_row_label), *extra, *steps_for(slug)]
        return _section(slug, title, "Step", categories, raw, step_column, with_total=False)

    sections.append(steps_section("child-house", "Child House", "Referrals received"))
    sections.append(_abe_interview_timing(conditions, service_id["child-house"]))

    strand_raw = _counts_by(ReferralStrand.strand, {"cases": func.count(func.distinct(Case.id))},
                            [*conditions, Case.service_id == service_id["hate-crime"]],
                            with_referral.join(ReferralStrand, ReferralStrand.referral_id == Referral.id))
    multi = (select(ReferralStrand.referral_id).group_by(ReferralStrand.referral_id)
             .having(func.count() >= 2).subquery())
    combined = db.session.execute(
        select(func.count(func.distinct(Case.id))).select_from(Case.__table__.join(multi, multi.c.referral_id == Case.referral_id))
        .where(*conditions, Case.service_id == service_id["hate-crime"])).scalar()
    strand_raw["combined"] = {"cases": combined}
    sections.append(_section(
        "hate-crime-strands", "Hate crime by strand", "Strand", list(HATE_STRANDS) + [("combined", "Two or more strands")],
        strand_raw, [count_column("cases", "Cases", "Hate crime advocacy cases where the victim perceived this strand; a case with several strands counts under each.")],
        with_total=False))

    rj = [*conditions, Case.service_id == service_id["restorative-justice"]]
    requested = db.session.execute(select(func.count(Case.id)).select_from(with_referral)
                                   .where(*rj, Referral.rj_requested.is_(True))).scalar()
    both = (select(CaseStep.case_id)
            .where(CaseStep.step.in_(("rj-victim-consent", "rj-offender-consent")))
            .group_by(CaseStep.case_id).having(func.count(func.distinct(CaseStep.step)) == 2).subquery())
    meeting = (select(CaseStep.case_id).where(CaseStep.step.in_(("rj-direct-meeting", "rj-indirect-meeting")))
               .distinct().subquery())
    consented = db.session.execute(select(func.count(Case.id)).select_from(
        Case.__table__.join(both, both.c.case_id == Case.id)).where(*rj)).scalar()
    met = db.session.execute(select(func.count(Case.id)).select_from(
        Case.__table__.join(meeting, meeting.c.case_id == Case.id)).where(*rj)).scalar()
    sections.append(steps_section(
        "restorative-justice", "Restorative justice", "Referrals received",
        extra=[("requested", "Victim asked for restorative justice"), ("both-consented", "Both victim and offender consented"),
               ("meeting-held", "Meeting held (direct or indirect)")],
        extra_raw={"requested": {"cases": requested}, "both-consented": {"cases": consented},
                   "meeting-held": {"cases": met}}))
    vc = [*conditions, Case.service_id == service_id["victims-commissioner"]]
    working_days = current_app.config["VC_RESPONSE_WORKING_DAYS"]
    sections.append(_vc_complaints("complaints-by-agency", "Victims' Commissioner complaints by agency", "Agency",
                                   Case.complaint_agency, COMPLAINT_AGENCIES, vc, today, working_days))
    sections.append(_vc_complaints("complaints-by-right", "Victims' Commissioner complaints by Code right", "Code right",
                                   Case.complaint_code_right, VICTIMS_CODE_RIGHTS, vc, today, working_days))
    return sections


def _outcomes(filters, options, today) -> list[Section]:
    conditions = [*_conditions(filters, options), Case.status == "closed"]
    sections = []
    answers = list(OUTCOME_ANSWERS)
    for question, question_label in OUTCOME_QUESTIONS:
        column = getattr(Case, "outcome_" + question.replace("-", "_"))
        counts = {"closed": func.count(Case.id),
                  **{answer: func.count(sql_case((column == answer, 1))) for answer, _ in answers},
                  "unanswered": func.count(sql_case((column.is_(None), 1)))}
        columns = [count_column("closed", "Cases closed", "Cases received in the period and since closed.")]
        columns += [count_column(answer, text, f"Victims whose answer was: {text.lower()}.") for answer, text in answers]
        columns.append(count_column("unanswered", "No answer recorded", "Closed cases with no answer recorded."))
        for group_by, heading, categories in (("service", "Service", options.service_choices),
                                              ("borough", "Borough", options.borough_choices)):
            if group_by == "service":
                raw = _by_service_slug(_counts_by(Case.service_id, counts, conditions, Case.__table__), options)
            else:
                raw = _counts_by(Case.borough_code, counts, conditions, Case.__table__)
            sections.append(_section(f"{question}-by-{group_by}", f"{question_label}: by {group_by}", heading,
                                     categories, raw, columns, total_key="closed"))
    return sections


def _age_band_expression(dialect: str):
    """Whole years between date of birth and the London date the case was received, banded as AGE_BANDS."""
    if dialect == "postgresql":
        age = func.date_part("year", func.age(func.timezone("Europe/London", Case.received_at), Person.date_of_birth))
    else:
        received = func.strftime("%Y-%m-%d", Case.received_at)
        age = (func.cast(func.strftime("%Y", received), db.Integer) - func.cast(func.strftime("%Y", Person.date_of_birth), db.Integer)
               - sql_case((func.strftime("%m-%d", received) < func.strftime("%m-%d", Person.date_of_birth), 1), else_=0))
    floors = [(18, "0-17"), (25, "18-24"), (35, "25-34"), (45, "35-44"), (55, "45-54"), (65, "55-64")]
    return sql_case((Person.date_of_birth.is_(None), None),
                    *[(age < floor, band) for floor, band in floors], else_="65+")


def _ethnic_heading_expression():
    return sql_case(*[(Person.ethnicity.like(f"{heading}-%"), heading) for heading, _ in ETHNICITY_HEADINGS],
                    else_=Person.ethnicity)


def _equality(filters, options, today) -> list[Section]:
    conditions = _conditions(filters, options)
    people = Case.__table__.join(Referral, Referral.id == Case.referral_id).join(Person, Person.id == Referral.person_id)
    columns = [CASES, DUE_COLUMN, IN_TIME_COLUMN, SHARE_IN_TIME, ACCEPTED_SUPPORT, TAKE_UP]
    prefer = ("prefer-not-to-say", "Prefer not to say")
    dimensions = (
        ("age-band", "Age band at referral", "Age band", _age_band_expression(db.engine.dialect.name), list(AGE_BANDS)),
        ("sex", "Sex", "Sex", Person.sex, list(SEX)),
        ("ethnicity", "Ethnic group", "Ethnic group", _ethnic_heading_expression(), list(ETHNICITY_HEADINGS) + [prefer]),
        ("disability", "Disability", "Disabled", Person.disability, list(DISABILITY)),
    )
    sections = []
    for section_id, title, heading, expression, categories in dimensions:
        raw = _counts_by(expression, _case_counts(today), conditions, people)
        sections.append(_section(section_id, title, heading, categories, raw, columns,
                                 note="Age is worked out from the date of birth on the day the referral was received; "
                                      "equality answers are voluntary." if section_id == "age-band" else None))
    return sections


BREAKDOWN_BUILDERS = {
    "routing-and-flow": _routing_and_flow,
    "service-measures": _service_measures,
    "outcomes": _outcomes,
    "equality": _equality,
}


def breakdown_report(
    actor: Actor, slug: str, filters: ReportFilters, options: ReportOptions | None = None,
    today: date | None = None, export_format: str | None = None,
) -> BreakdownReport:
    """One of the breakdown reports (BREAKDOWN_REPORTS), every section suppressed. Audited like the others."""
    _require_reports(actor)
    options = options or report_options(actor)
    today = today or london_today()
    sections = BREAKDOWN_BUILDERS[slug](filters, options, today)
    _audit_run(actor, slug, filters.as_audit(), export_format)
    return BreakdownReport(slug, BREAKDOWN_REPORTS[slug][0], filters, sections, today)
