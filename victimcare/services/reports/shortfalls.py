"""Where London falls short: London, each service and each borough against the headline targets, and the
biggest changes since the previous period of the same length. Published figures only (suppressed first)."""
from dataclasses import dataclass, field
from datetime import date, timedelta

from ...domain import targets as target_rules
from ...domain.clock import london_today
from ...domain.report_definitions import ReportFilters, add_months
from ..actors import Actor
from .compliance import _publish
from .compliance_sql import raw_figures
from .options import ReportOptions, audit_run, report_options, require_reports

PERIOD_MONTHS = {3: "the last 3 months", 6: "the last 6 months", 12: "the last 12 months"}
DEFAULT_PERIOD_MONTHS = 3


@dataclass
class Shortfalls:
    filters: ReportFilters
    previous: ReportFilters
    months: int
    targets: dict
    london: list = field(default_factory=list)
    furthest_below: list = field(default_factory=list)
    changes: list = field(default_factory=list)
    not_compared: dict = field(default_factory=dict)  # kind -> how many figures could not be shown

    @property
    def period_text(self) -> str:
        return PERIOD_MONTHS[self.months]


def period_for(months: int, today: date) -> ReportFilters:
    """The ``months`` whole calendar months to the end of this one (London), like every other period the
    commissioner sees: a rolling period would move by a day each day, and two days' reports would differ by one
    day's cases (differencing, docs/security.md)."""
    return ReportFilters(add_months(today, -(months - 1)), add_months(today, 1) - timedelta(days=1))


def previous_months(period: ReportFilters, months: int) -> ReportFilters:
    """The ``months`` whole months before ``period``."""
    return ReportFilters(add_months(period.date_from, -months), period.date_from - timedelta(days=1))


def _tables(filters: ReportFilters, options: ReportOptions, today: date) -> dict[str, list[dict]]:
    """Published rows by service and by borough (two statements), and London's total row."""
    services = _publish("service", filters, options, raw_figures("service", filters, options, today).get("service", {}))
    # By borough alone: the lottery's statement adds the BCU table, which this page does not show (a third more).
    boroughs = _publish("borough", filters, options, raw_figures("borough", filters, options, today).get("borough", {}))
    codes = options.borough_by_code()
    return {"London": [{**services[-1], "label": "London"}], "Service": services[:-1],
            "Borough": [row for row in boroughs[:-1] if row["key"] in codes]}


def where_london_falls_short(actor: Actor, targets: dict, months: int | None = None,
                             options: ReportOptions | None = None, today: date | None = None) -> Shortfalls:
    """London, services and boroughs against ``targets`` ({measure key: target}) over the last ``months``
    months (3, 6 or 12; otherwise DEFAULT_PERIOD_MONTHS), and the change since the months before. Audited as a run of the "where-london-falls-short" report."""
    require_reports(actor)
    options = options or report_options(actor)
    today = today or london_today()
    months = months if months in PERIOD_MONTHS else DEFAULT_PERIOD_MONTHS
    now = period_for(months, today)
    before = previous_months(now, months)
    current, previous = _tables(now, options, today), _tables(before, options, today)
    found: dict[str, list] = {}
    for kind, rows in current.items():
        by_key = {row["key"]: row for row in previous[kind]}
        found[kind] = target_rules.findings(kind, rows, by_key, targets)
    local = found["Service"] + found["Borough"]
    audit_run(actor, "where-london-falls-short", {"months": months, **now.as_audit()}, None)
    return Shortfalls(
        now, before, months, targets, london=found["London"],
        furthest_below=target_rules.furthest_below(local, limit=8),
        changes=target_rules.biggest_changes(found["London"] + local, limit=8),
        not_compared={kind: sum(1 for f in found[kind] if f.value is None) for kind in ("Service", "Borough")},
    )
