"""What every report shares: who may run one, the reference data for its filters and labels, the cases a
filter selects (as SQL conditions on the London calendar), and the audit event of a run or an export."""
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from flask import current_app
from sqlalchemy import select

from ...domain.access import reports_in_whole_months
from ...domain.clock import LONDON, london_today
from ...domain.report_definitions import ReportFilters, bcu_label, month_keys, parse_filters
from ...models import Borough, Case, Service
from .. import audit
from ..actors import Actor, require
from .reading import report_session


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

    def service_id(self, slug: str) -> int:
        return next(s["id"] for s in self.services if s["slug"] == slug)

    def borough_by_code(self) -> dict[str, dict]:
        return {b["ons_code"]: b for b in self.boroughs}

    def boroughs_of_bcu(self, bcu: int) -> list[str]:
        return [b["ons_code"] for b in self.boroughs if b["met_bcu"] == bcu]


def require_reports(actor: Actor) -> None:
    require(actor, "report.view", "Only the Commissioner's office can run oversight reports")


def report_options(actor: Actor) -> ReportOptions:
    require_reports(actor)
    services = [dict(row._mapping) for row in report_session().execute(
        select(Service.id, Service.slug, Service.name).order_by(Service.name))]
    boroughs = [dict(row._mapping) for row in report_session().execute(
        select(Borough.ons_code, Borough.name, Borough.met_bcu, Borough.tile_row, Borough.tile_col)
        .order_by(Borough.name))]
    return ReportOptions(services, boroughs)


def read_filters(actor: Actor, args: Mapping[str, str], today: date | None = None):
    """The options, the filters read from ``args`` and any errors in them ([{"field", "message"}]).

    The commissioner's periods are whole calendar months, at least REPORT_MIN_MONTHS of them, so that two
    reports never differ by a day's cases (differencing would otherwise undo small-number suppression)."""
    options = report_options(actor)
    today = today or london_today()
    filters, errors = parse_filters(
        args, today,
        service_slugs=frozenset(s["slug"] for s in options.services),
        borough_codes=frozenset(b["ons_code"] for b in options.boroughs),
        bcus=frozenset(options.bcus),
        whole_months=current_app.config["REPORT_MIN_MONTHS"] if reports_in_whole_months(actor.principal) else None,
    )
    return options, filters, errors


def london_midnight_utc(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LONDON).astimezone(timezone.utc)


def received_in_period(column, filters: ReportFilters) -> list:
    """``column`` (a received-at timestamp) within the filters' London days, as SQL conditions."""
    return [column >= london_midnight_utc(filters.date_from),
            column < london_midnight_utc(filters.date_to + timedelta(days=1))]


def month_starts(filters: ReportFilters) -> list[datetime]:
    """UTC instants at which each London month after the first in the period begins."""
    keys = month_keys(filters.date_from, filters.date_to)
    return [london_midnight_utc(date.fromisoformat(key + "-01")) for key in keys[1:]]


def case_conditions(filters: ReportFilters, options: ReportOptions) -> list:
    """The cases the filters select: received in the period, of the service, area and level chosen."""
    conditions = received_in_period(Case.received_at, filters)
    if filters.service:
        conditions.append(Case.service_id == options.service_id(filters.service))
    if filters.borough:
        conditions.append(Case.borough_code == filters.borough)
    if filters.bcu is not None:
        conditions.append(Case.borough_code.in_(options.boroughs_of_bcu(filters.bcu)))
    if filters.level:
        conditions.append(Case.enhanced.is_(filters.level == "enhanced"))
    return conditions


def audit_run(actor: Actor, report: str, changes: dict, export_format: str | None) -> None:
    """A report run is audited as "report-run", an export of it as "export" with its format."""
    if export_format:
        audit.record(actor, "export", "report", report, changes={**changes, "format": export_format})
    else:
        audit.record(actor, "report-run", "report", report, changes=changes)
