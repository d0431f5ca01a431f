"""The Victims' Code compliance report and the postcode lottery: first contact within the due date, median
working days and take-up, by service, borough, BCU or month, suppressed for publication."""
from dataclasses import dataclass, field
from datetime import date

from ...domain.clock import london_today
from ...domain.report_definitions import (
    COMPLIANCE_MEASURES,
    NOT_RECORDED,
    ReportFilters,
    abbreviation,
    bcu_label,
    month_keys,
    month_label,
    rate_band,
)
from ...domain.report_suppression import publish_compliance, rank_rows
from ..actors import Actor
from .compliance_sql import UNKNOWN_KEY, raw_figures
from .options import ReportOptions, audit_run, report_options, require_reports

LOTTERY_MEASURES = {"share_in_time": "Share contacted within due date", "take_up": "Take-up"}


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


def code_compliance(
    actor: Actor, filters: ReportFilters, group_by: str, options: ReportOptions | None = None,
    today: date | None = None, export_format: str | None = None,
) -> ComplianceReport:
    """Victims' Code compliance grouped by service, borough, BCU or month, enhanced and standard separately,
    suppressed for publication. Audited as a report run, or as an export when ``export_format`` is given."""
    require_reports(actor)
    options = options or report_options(actor)
    today = today or london_today()
    raw = raw_figures(group_by, filters, options, today).get(group_by, {})
    rows = _publish(group_by, filters, options, raw)
    audit_run(actor, "code-compliance", {"group_by": group_by, **filters.as_audit()}, export_format)
    return ComplianceReport(group_by, filters, rows, today)


def postcode_lottery(
    actor: Actor, filters: ReportFilters, measure: str = "share_in_time", options: ReportOptions | None = None,
    today: date | None = None, export_format: str | None = None,
) -> LotteryReport:
    """The compliance and take-up figures per borough, placed on the London tile grid, ranked on ``measure``,
    with the best-to-worst gap and the BCU roll-up. Boroughs are never filtered out here: the map needs all 33."""
    require_reports(actor)
    options = options or report_options(actor)
    today = today or london_today()
    filters = ReportFilters(filters.date_from, filters.date_to, filters.service, None, None, filters.level)
    level = filters.level or "all"
    tables = raw_figures("lottery", filters, options, today)  # boroughs and BCUs from one scan of the cases
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
    audit_run(actor, "postcode-lottery", {"measure": measure, **filters.as_audit()}, export_format)
    return LotteryReport(filters, boroughs, bcus, today, measure, ranked, gap)
