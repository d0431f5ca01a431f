"""The breakdown reports (BREAKDOWN_REPORTS): each a list of sections, every one suppressed for publication."""
from dataclasses import dataclass
from datetime import date

from ...domain.clock import london_today
from ...domain.report_definitions import BREAKDOWN_REPORTS, ReportFilters
from ..actors import Actor
from .attrition import attrition
from .flow import routing_and_flow
from .options import ReportOptions, audit_run, report_options, require_reports
from .outcomes_equality import equality, outcomes
from .sections import Section, differencing_guard
from .service_measures import service_measures

BREAKDOWN_BUILDERS = {
    "routing-and-flow": routing_and_flow,
    "service-measures": service_measures,
    "outcomes": outcomes,
    "equality": equality,
    "attrition": attrition,
}

# Reports of cases counted by the month they were received, whose cells the differencing guard checks for the
# commissioner (routing and flow counts referrals, by other dates: see docs/security.md).
DIFFERENCING_GUARDED = frozenset({"service-measures", "outcomes", "equality"})


@dataclass
class BreakdownReport:
    slug: str
    title: str
    filters: ReportFilters
    sections: list[Section]
    today: date


def breakdown_report(
    actor: Actor, slug: str, filters: ReportFilters, options: ReportOptions | None = None,
    today: date | None = None, export_format: str | None = None,
) -> BreakdownReport:
    """One of the breakdown reports (BREAKDOWN_REPORTS), every section suppressed. Audited like the others."""
    require_reports(actor)
    options = options or report_options(actor)
    today = today or london_today()
    if slug in DIFFERENCING_GUARDED:
        with differencing_guard(filters):
            sections = BREAKDOWN_BUILDERS[slug](filters, options, today)
    else:
        sections = BREAKDOWN_BUILDERS[slug](filters, options, today)
    audit_run(actor, slug, filters.as_audit(), export_format)
    return BreakdownReport(slug, BREAKDOWN_REPORTS[slug][0], filters, sections, today)
