"""What the oversight reports mean: their filters, the figures they publish with a one-line definition each.
(The postcode lottery's bands and default figure are in ``lottery``.) Pure rules, no Flask or SQLAlchemy.

The definitions are shown under every figure on screen and written into every export, so a reader of a
spreadsheet sees the same meaning as a reader of the page.
"""
import csv
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

GROUP_BYS: dict[str, str] = {
    "service": "Service",
    "borough": "Borough",
    "bcu": "Police basic command unit (BCU)",
    "month": "Month received",
}

LEVELS: dict[str, str] = {"enhanced": "Enhanced rights", "standard": "Standard rights", "all": "All victims"}

# Labels for groups that are not a borough, BCU or service in the reference data.
NOT_RECORDED = "Not recorded or outside London"
CITY_FORCE = "City of London Police"
TOTAL_LABEL = "Total"

DEFAULT_PERIOD_DAYS = 365
# Report periods are bounded: nothing was recorded before 2012, nothing is due more than a year ahead, and a
# period longer than five years is a query over everything (and `9999-12-31` used to overflow date arithmetic).
EARLIEST_REPORT_DATE = date(2012, 1, 1)
REPORT_YEARS_AHEAD = 1
LONGEST_REPORT_YEARS = 5


@dataclass(frozen=True)
class Measure:
    key: str
    heading: str
    kind: str  # count | rate | median
    definition: str


COMPLIANCE_MEASURES: tuple[Measure, ...] = (
    Measure("received", "Cases received", "count",
            "Cases opened for a service from referrals received in the period; a referral sent to two services counts twice."),
    Measure("due", "Due for first contact", "count",
            "Cases already contacted, or whose first-contact due date has passed (declined and transferred cases never contacted are left out)."),
    Measure("in_time", "Contacted within due date", "count",
            "Cases whose first successful contact was on or before the due date the service sets for enhanced or standard victims."),
    Measure("share_in_time", "Share contacted within due date", "rate",
            "Contacted within due date divided by due for first contact; not shown over fewer than 5 cases or where either count is hidden."),
    Measure("median_days", "Median working days to first contact", "median",
            "The middle number of working days (Monday to Friday, bank holidays excluded) from receipt to first successful contact; not shown for fewer than 5 contacted cases."),
    Measure("overdue", "Overdue now", "count",
            "Open cases (new, accepted or in progress) with no successful contact whose due date has passed, as of today."),
    Measure("accepted", "Accepted support", "count",
            "Cases where the victim accepted support from the service."),
    Measure("take_up", "Take-up", "rate",
            "Accepted support divided by cases received; not shown over fewer than 5 cases or where either count is hidden."),
)

COUNT_KEYS = tuple(m.key for m in COMPLIANCE_MEASURES if m.kind == "count")
# (rate key, numerator, denominator)
RATES = (("share_in_time", "in_time", "due"), ("take_up", "accepted", "received"))
MEASURES_BY_KEY = {m.key: m for m in COMPLIANCE_MEASURES}

SUPPRESSION_NOTE = (
    '"fewer than 5" means a count from 1 to 4. "hidden" means a number hidden so that a total cannot give away '
    "a smaller one, a count of some of the cases in a row whose number of cases is hidden, or a count that differs "
    "by 1 to 4 from the same count over a shorter period of whole months inside this one (so that comparing two "
    "reports cannot pick anyone out); it is never from 1 to 4. Rates and medians are \"not shown\" over fewer than 5 cases, or "
    "where a count they are worked out from is hidden."
)


@dataclass(frozen=True)
class ReportFilters:
    date_from: date
    date_to: date
    service: str | None = None
    borough: str | None = None
    bcu: int | None = None
    level: str | None = None  # enhanced | standard | None (both, shown separately)
    # Set when the period was snapped to whole calendar months (the commissioner's reports): the shortest period.
    whole_months: int | None = None

    def levels(self) -> tuple[str, ...]:
        return (self.level,) if self.level else ("enhanced", "standard", "all")

    def as_audit(self) -> dict:
        """The filters as plain values for an audit event (no personal data in them)."""
        return {"from": self.date_from.isoformat(), "to": self.date_to.isoformat(), "service": self.service,
                "borough": self.borough, "bcu": self.bcu, "level": self.level}

    def as_args(self) -> dict:
        """Query-string arguments that rebuild these filters (for export links)."""
        args = {"from": self.date_from.isoformat(), "to": self.date_to.isoformat()}
        for name in ("service", "borough", "bcu", "level"):
            if getattr(self, name) is not None:
                args[name] = getattr(self, name)
        return args


@dataclass
class FilterErrors:
    errors: list[dict] = field(default_factory=list)

    def add(self, name: str, message: str) -> None:
        self.errors.append({"field": name, "message": message})


def _parse_date(raw: str | None, name: str, label: str, errors: FilterErrors) -> date | None:
    if raw is None or raw.strip() == "":
        return None
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        errors.add(name, f"Enter the {label} as a real date in the form YYYY-MM-DD, for example 2026-01-31")
        return None


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later (or earlier); 29 February becomes 28 February in other years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _bounded(day: date | None, name: str, label: str, today: date, errors: FilterErrors) -> date | None:
    if day is None:
        return None
    latest = add_years(today, REPORT_YEARS_AHEAD)
    if day < EARLIEST_REPORT_DATE:
        errors.add(name, f"The {label} must be {EARLIEST_REPORT_DATE.day} {EARLIEST_REPORT_DATE:%B %Y} or later")
        return None
    if day > latest:
        errors.add(name, f"The {label} must be no later than {latest.day} {latest:%B %Y}, a year from today")
        return None
    return day


def add_months(day: date, months: int) -> date:
    """The first of the month ``months`` after (or before) ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def snap_to_months(date_from: date, date_to: date, min_months: int) -> tuple[date, date]:
    """The period widened to whole calendar months, and to at least ``min_months`` of them (by starting earlier).

    Why: two reports for 4 September to today and 5 September to today differ by the cases of 4 September, and
    where one child's case is the difference, a published cell gives them away. With whole months, any two
    periods differ by whole months of cases, and never by a day."""
    start = date_from.replace(day=1)
    end = add_months(date_to, 1) - timedelta(days=1)
    if (end.year - start.year) * 12 + end.month - start.month + 1 < min_months:
        start = add_months(end, -(min_months - 1))
    if start < EARLIEST_REPORT_DATE:
        start = EARLIEST_REPORT_DATE
        end = max(end, add_months(start, min_months) - timedelta(days=1))
    return start, end


def _month_dates(args: Mapping[str, str], errors: FilterErrors) -> dict[str, str]:
    """The form's month and year selects as the ISO ``from`` and ``to`` the reports take: the first day of the
    "from" month and the last day of the "to" month. An ISO ``from`` or ``to`` in the query string wins (links
    and the API use those)."""
    dates = {}
    for name, label in (("from", "start"), ("to", "end")):
        month, year = (args.get(f"{name}_month") or "").strip(), (args.get(f"{name}_year") or "").strip()
        if (args.get(name) or "").strip() or not (month or year):
            continue
        if not (month.isdigit() and 1 <= int(month) <= 12 and year.isdigit() and len(year) == 4):
            errors.add(f"{name}_month", f"Choose the month and the year of the {label} of the report")
            continue
        first = date(int(year), int(month), 1)
        if name == "from":
            dates[name] = first.isoformat()
        else:
            next_month = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
            dates[name] = (next_month - timedelta(days=1)).isoformat()
    return dates


def parse_filters(
    args: Mapping[str, str],
    today: date,
    service_slugs: frozenset[str],
    borough_codes: frozenset[str],
    bcus: frozenset[int],
    whole_months: int | None = None,
) -> tuple[ReportFilters, list[dict]]:
    """Read report filters from query-string arguments. Returns the filters (defaults where a value is
    missing or wrong) and a list of {"field", "message"} errors for any value that was given but is wrong.
    Dates come as ISO ``from`` and ``to``, or as the form's month and year selects (``from_month``...).
    With ``whole_months``, the period is snapped to whole calendar months, at least that many."""
    errors = FilterErrors()
    months = _month_dates(args, errors)
    if months:
        args = {**{key: args.get(key) for key in args}, **months}
    date_to = _bounded(_parse_date(args.get("to"), "to", "end date", errors), "to", "end date", today, errors) \
        or today
    date_from = _bounded(_parse_date(args.get("from"), "from", "start date", errors), "from", "start date", today,
                         errors) or date_to - timedelta(days=DEFAULT_PERIOD_DAYS - 1)
    if date_from > date_to:
        errors.add("from", "The start date must be the same as or before the end date")
        date_from = date_to
    if date_from < add_years(date_to, -LONGEST_REPORT_YEARS):
        errors.add("from", f"A report can cover at most {LONGEST_REPORT_YEARS} years: choose a later start date")
        date_from = date_to - timedelta(days=DEFAULT_PERIOD_DAYS - 1)
    service = (args.get("service") or "").strip() or None
    if service is not None and service not in service_slugs:
        errors.add("service", "Choose a service from the list")
        service = None
    borough = (args.get("borough") or "").strip() or None
    if borough is not None and borough not in borough_codes:
        errors.add("borough", "Choose a borough from the list")
        borough = None
    bcu_raw = (args.get("bcu") or "").strip()
    bcu = None
    if bcu_raw:
        if bcu_raw.isdigit() and int(bcu_raw) in bcus:
            bcu = int(bcu_raw)
        else:
            errors.add("bcu", "Choose a basic command unit from the list")
    if borough is not None and bcu is not None:
        errors.add("bcu", "Choose a borough or a basic command unit, not both")
        bcu = None
    level = (args.get("level") or "").strip() or None
    if level is not None and level not in ("enhanced", "standard"):
        errors.add("level", "Choose enhanced, standard or both")
        level = None
    if whole_months:
        date_from, date_to = snap_to_months(date_from, date_to, whole_months)
        if not (args.get("from") or "").strip():  # the default period: the twelve months to the end of this one
            date_from = max(add_months(date_to, -max(11, whole_months - 1)), EARLIEST_REPORT_DATE)
    return ReportFilters(date_from, date_to, service, borough, bcu, level, whole_months or None), errors.errors


def parse_group_by(raw: str | None, default: str, allowed=tuple(GROUP_BYS)) -> tuple[str, list[dict]]:
    value = (raw or "").strip() or default
    if value not in allowed:
        return default, [{"field": "group_by", "message": f"Choose group_by from: {', '.join(allowed)}"}]
    return value, []


def month_keys(date_from: date, date_to: date) -> list[str]:
    """Every YYYY-MM month from date_from's month to date_to's, in order."""
    keys, year, month = [], date_from.year, date_from.month
    while (year, month) <= (date_to.year, date_to.month):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return keys


def whole_months_within(date_from: date, date_to: date) -> tuple[tuple[date, date] | None, list[tuple[date, date]]]:
    """The period split for the roll-ups: (first day of the first whole month, first day of the last), or None
    where no whole month lies inside, and the days at either end outside whole months, as (first, last) days.
    Reports count whole months from the roll-ups and only the odd days at the ends from the cases."""
    first = date_from if date_from.day == 1 else add_months(date_from.replace(day=1), 1)
    after_last = add_months(date_to.replace(day=1), 1)
    end = after_last if date_to == after_last - timedelta(days=1) else date_to.replace(day=1)  # exclusive
    if first >= end:
        return None, [(date_from, date_to)]
    edges = []
    if date_from < first:
        edges.append((date_from, first - timedelta(days=1)))
    if end <= date_to:
        edges.append((end, date_to))
    return (first, add_months(end, -1)), edges


@dataclass(frozen=True)
class PeriodParts:
    """How a report counts a period: ``months`` (first days of the first and last month, or None) from the
    roll-ups; the cases received on ``add_days`` (ranges of London days) counted from the cases and added; and
    for an end month cheaper to count by difference, the month from the roll-ups (in ``months``) less what its
    purged cases left there (``less_purged``: those months' first days) less the cases of ``less_days``."""

    months: tuple[date, date] | None
    add_days: tuple[tuple[date, date], ...] = ()
    less_purged: tuple[date, ...] = ()
    less_days: tuple[tuple[date, date], ...] = ()


def _days_to_count(ranges, today: date) -> int:
    """Days of ``ranges`` up to ``today``: no case is received later, so those cost nothing to count."""
    return sum(max(0, (min(last, today) - first).days + 1) for first, last in ranges)


def period_parts(date_from: date, date_to: date, today: date) -> PeriodParts:
    """The period split for the roll-ups. Whole months come from the roll-ups; a month the period covers only
    in part is counted from its own days' cases, or, where the rest of the month has fewer days to today, as the
    whole month from the roll-ups less its purged cases' counts less the rest of its days' cases. So the cases
    read are at most half a month at each end of a period, and none for the days after today (a period ending
    today). Each is exactly what counting the period's cases gives: a roll-up month is its cases now plus what
    purged cases left in it (``rollups check``)."""
    whole, _ = whole_months_within(date_from, date_to)
    first_month, last_month = (whole if whole else (None, None))
    add, less, purged = [], [], []
    month = date_from.replace(day=1)
    while month <= date_to:
        month_end = add_months(month, 1) - timedelta(days=1)
        inside = (max(date_from, month), min(date_to, month_end))
        if inside != (month, month_end):
            rest = [r for r in ((month, inside[0] - timedelta(days=1)), (inside[1] + timedelta(days=1), month_end))
                    if r[0] <= r[1]]
            if _days_to_count(rest, today) < _days_to_count([inside], today):
                purged.append(month)
                less.extend(rest)
                first_month = min(first_month or month, month)
                last_month = max(last_month or month, month)
            else:
                add.append(inside)
        month = add_months(month, 1)
    months = (first_month, last_month) if first_month else None
    return PeriodParts(months, tuple(add), tuple(purged), tuple(less))


def month_label(key: str) -> str:
    return date.fromisoformat(key + "-01").strftime("%B %Y")


def _read_bcu_names() -> dict[int, tuple[str, str]]:
    """{Met BCU number: (its Metropolitan Police name, its boroughs)} from data/bcu_names.csv."""
    with open(Path(__file__).parent / "data" / "bcu_names.csv", newline="", encoding="utf-8") as file:
        return {int(row["met_bcu"]): (row["name"], ", ".join(b.strip() for b in row["boroughs"].split(";")))
                for row in csv.DictReader(file)}


# The Met's 12 basic command units by the names the Met uses, each with its boroughs.
BCU_NAMES = _read_bcu_names()


def bcu_label(bcu: int | None) -> str:
    """A BCU as people know it: "Central West BCU (Hammersmith and Fulham, Kensington and Chelsea, Westminster)"."""
    if bcu is None:
        return NOT_RECORDED
    if bcu == 0:
        return CITY_FORCE
    if bcu not in BCU_NAMES:
        return f"BCU {bcu}"
    name, boroughs = BCU_NAMES[bcu]
    return f"{name} BCU ({boroughs})"


# --- Formatting ----------------------------------------------------------------------------------------------

def format_rate(value: float | None) -> str:
    """A fraction as a percentage with one decimal place, or "not shown"."""
    return "not shown" if value is None else f"{value * 100:.1f}%"


def format_median(value: float | None) -> str:
    if value is None:
        return "not shown"
    return f"{value:g}"


# Short labels printed in each square of the tile map, by ONS code (the full name is in the table beside it).
BOROUGH_ABBREVIATIONS: dict[str, str] = {
    "E09000001": "CTY", "E09000002": "BDG", "E09000003": "BNT", "E09000004": "BXL", "E09000005": "BRT",
    "E09000006": "BRM", "E09000007": "CMD", "E09000008": "CRD", "E09000009": "EAL", "E09000010": "ENF",
    "E09000011": "GRN", "E09000012": "HCK", "E09000013": "HMS", "E09000014": "HGY", "E09000015": "HRW",
    "E09000016": "HVG", "E09000017": "HDN", "E09000018": "HNS", "E09000019": "ISL", "E09000020": "KNS",
    "E09000021": "KNG", "E09000022": "LBH", "E09000023": "LSH", "E09000024": "MRT", "E09000025": "NWM",
    "E09000026": "RDB", "E09000027": "RCH", "E09000028": "SWK", "E09000029": "STN", "E09000030": "TWH",
    "E09000031": "WFT", "E09000032": "WND", "E09000033": "WST",
}


def abbreviation(ons_code: str, name: str) -> str:
    return BOROUGH_ABBREVIATIONS.get(ons_code, name[:3].upper())


COMPLIANCE_COLUMNS = ("received", "due", "in_time", "share_in_time", "median_days", "overdue")
LOTTERY_COLUMNS = ("received", "due", "in_time", "share_in_time", "median_days", "accepted", "take_up")


def format_figure(value, kind: str) -> str:
    """How a published figure reads on screen and in CSV: counts with thousands separators (or a suppression
    marker, "fewer than 5" or "hidden"), rates as percentages, medians as numbers; "not shown" where withheld."""
    if kind == "rate":
        return format_rate(value)
    if kind == "median":
        return format_median(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


# --- Breakdown reports (routing and flow, service measures, outcomes, equality) ----------------------------------

# A breakdown's columns are measures too (the same key, heading, kind and published definition).


def count_column(key: str, heading: str, definition: str) -> Measure:
    return Measure(key, heading, "count", definition)


def rate_column(key: str, heading: str, definition: str) -> Measure:
    return Measure(key, heading, "rate", definition + " Not shown over fewer than 5, or where either count is hidden.")


CASES = count_column("cases", "Cases", "Cases opened for a service from referrals received in the period.")
DUE_COLUMN = Measure("due", "Due for first contact", "count", MEASURES_BY_KEY["due"].definition)
IN_TIME_COLUMN = Measure("in_time", "Contacted within due date", "count", MEASURES_BY_KEY["in_time"].definition)
ACCEPTED_SUPPORT = count_column("accepted", "Accepted support", "Cases where the victim accepted support.")
SHARE_IN_TIME = rate_column("share_in_time", "Share contacted within due date",
                            "Contacted within due date divided by due for first contact.")
TAKE_UP = rate_column("take_up", "Take-up", "Accepted support divided by cases.")

ROUTE_LABELS: dict[str, str] = {
    "child-sexual-abuse": "Child sexual abuse: Child House",
    "young-adult-sexual-abuse": "Young adult with additional needs, sexual offence: Child House",
    "domestic-abuse": "Domestic abuse: domestic abuse advocacy",
    "hate-crime": "Hate crime: hate crime advocacy",
    "restorative-justice": "Restorative justice requested",
    "code-complaint": "Complaint about the Victims' Code",
    "general-support": "General support: victim support",
    "caseworker-override": "Added by a caseworker, overriding the rules",
    "transfer": "Transferred from another service",
}

BREAKDOWN_REPORTS: dict[str, tuple[str, str]] = {
    "routing-and-flow": ("Routing and flow",
                         "Referrals by source, cases by route, declines, transfers and caseworker overrides, and "
                         "take-up of support."),
    "service-measures": ("Service measures",
                         "Domestic abuse (DASH levels, MARAC, high-risk contact), Child House, hate crime by strand, "
                         "restorative justice and Victims' Commissioner casework."),
    "outcomes": ("Outcomes at closure", "What victims said when their case closed, by service and borough."),
    "equality": ("Equality monitoring",
                 "Cases, timeliness and take-up by age band, sex, ethnic group and disability, where recorded."),
    "attrition": ("Attrition from the justice process",
                  "Victims withdrawing from the investigation or prosecution: by offence, by stage and whether an "
                  "advocate was supporting them, and the reasons given."),
}

NOT_RECORDED_CATEGORY = "Not recorded"
# Free text (the details typed beside a decline, transfer or override reason, complaint notes) never appears in
# reports. Reasons, complaint agencies and Code rights are chosen from fixed lists, so they are published as
# categories like any other, suppressed.
