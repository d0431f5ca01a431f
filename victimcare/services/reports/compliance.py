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
    format_median,
    format_rate,
    month_keys,
    month_label,
)
from ...domain import lottery
from ...domain.report_suppression import publish_compliance, rank_rows
from ..actors import Actor
from .compliance_sql import UNKNOWN_KEY, raw_figures
from .options import ReportOptions, audit_run, report_options, require_reports

LOTTERY_MEASURES = {m.key: m.heading for m in lottery.LOTTERY_MEASURES}


@dataclass
class ComplianceReport:
    group_by: str
    filters: ReportFilters
    rows: list[dict]
    today: date
    measures: tuple = COMPLIANCE_MEASURES
    trend: list[dict] = field(default_factory=list)  # the same figures by month, for the chart of the trend

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
    london: float | None = None  # London's own figure (the total row), which the bands are measured from
    chosen: bool = False  # True when the map's figure was chosen for the reader (none was asked for)
    not_shown: str | None = None  # why some boroughs' figures are not shown, in words
    others_not_shown: list[str] = field(default_factory=list)  # the same for the figures not on the map

    @property
    def definition(self) -> lottery.LotteryMeasure:
        return lottery.LOTTERY_MEASURES_BY_KEY[self.measure]

    def format(self, value) -> str:
        return format_rate(value) if self.definition.kind == "rate" else _days(value)

    @property
    def bands(self) -> list[tuple]:
        return lottery.band_definitions(self.definition, self.format(self.london))

    @property
    def gap_text(self) -> str:
        if self.gap is None:
            return "not shown"
        if self.definition.kind == "rate":
            return f"{self.gap * 100:.1f} percentage points"
        return _days(self.gap)


def _days(value) -> str:
    return "not shown" if value is None else f"{format_median(value)} working day{'' if value == 1 else 's'}"


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
    today: date | None = None, export_format: str | None = None, with_trend: bool = False,
) -> ComplianceReport:
    """Victims' Code compliance grouped by service, borough, BCU or month, enhanced and standard separately,
    suppressed for publication. Audited as a report run, or as an export when ``export_format`` is given.
    ``with_trend`` adds the figures by month (``trend``), for the page's chart."""
    require_reports(actor)
    options = options or report_options(actor)
    today = today or london_today()
    raw = raw_figures(group_by, filters, options, today).get(group_by, {})
    rows = _publish(group_by, filters, options, raw)
    trend = []
    if with_trend:  # the page charts the months (from the same rows when grouped by month)
        trend = rows if group_by == "month" else _publish(
            "month", filters, options, raw_figures("month", filters, options, today).get("month", {}))
    audit_run(actor, "code-compliance", {"group_by": group_by, **filters.as_audit()}, export_format)
    return ComplianceReport(group_by, filters, rows, today, trend=trend)


def postcode_lottery(
    actor: Actor, filters: ReportFilters, measure: str | None = None, options: ReportOptions | None = None,
    today: date | None = None, export_format: str | None = None,
) -> LotteryReport:
    """The compliance and take-up figures per borough, placed on the London tile grid, ranked on ``measure``,
    with the best-to-worst gap and the BCU roll-up. Boroughs are never filtered out here: the map needs all 33.
    With no ``measure``, the first figure shown for most boroughs (lottery.default_measure), and the page says
    why the others are not shown. Each square is banded by its distance from London's own figure."""
    require_reports(actor)
    options = options or report_options(actor)
    today = today or london_today()
    filters = ReportFilters(filters.date_from, filters.date_to, filters.service, None, None, filters.level)
    level = filters.level or "all"
    tables = raw_figures("lottery", filters, options, today)  # boroughs and BCUs from one scan of the cases
    boroughs = _publish("borough", filters, options, tables.get("borough", {}))
    by_code = options.borough_by_code()
    areas = [row for row in boroughs if row["key"] in by_code]
    definition = (lottery.LOTTERY_MEASURES_BY_KEY[measure] if measure
                  else lottery.default_measure(areas, level))
    london = boroughs[-1][f"{definition.key}_{level}"]
    for row in areas:
        area = by_code[row["key"]]
        value = row[f"{definition.key}_{level}"]
        row.update(tile_row=area["tile_row"], tile_col=area["tile_col"], met_bcu=area["met_bcu"],
                   abbreviation=abbreviation(area["ons_code"], area["name"]), value=value,
                   band=lottery.band_for(value, london, definition),
                   reason=lottery.not_shown_reason(row, definition, level))
    bcus = _publish("bcu", filters, options, tables.get("bcu", {}))
    ranked, gap = rank_rows(areas, f"{definition.key}_{level}", definition.higher_is_better)
    audit_run(actor, "postcode-lottery", {"measure": definition.key, **filters.as_audit()}, export_format)
    others = [lottery.why_not_shown(areas, m, level) for m in lottery.LOTTERY_MEASURES if m is not definition]
    return LotteryReport(filters, boroughs, bcus, today, definition.key, ranked, gap, london, measure is None,
                         lottery.why_not_shown(areas, definition, level), [line for line in others if line])
