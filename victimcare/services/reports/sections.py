"""How a breakdown report's section is made: one GROUP BY statement over cases (joined to referrals, people or
steps where needed), published through publish_breakdown: rows in vocabulary order, a total row, suppression,
then rates."""
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case as sql_case
from sqlalchemy import func, literal_column, select

from ...domain.report_definitions import NOT_RECORDED_CATEGORY, ReportFilters, month_keys
from ...domain.report_suppression import differs_by_a_few_from_a_shorter_period, publish_breakdown
from ...models import Case
from .compliance_sql import contact_due
from .options import ReportOptions
from .reading import report_session

# A rate column's numerator and denominator.
RATE_PARTS = {"share_in_time": ("in_time", "due"), "take_up": ("accepted", "cases"),
              "high_in_time_share": ("in_time", "due"),
              "responses_on_time_share": ("responses_on_time", "responses_due"),
              "before_charge_share": ("before_charge", "cases"), "supported_share": ("supported", "withdrawals"),
              "marac_repeat_rate": ("repeats", "heard"), "marac_actions_on_time_share": ("actions_on_time", "actions_due")}


@dataclass
class Section:
    id: str
    title: str
    group_heading: str
    columns: list
    rows: list[dict]
    note: str | None = None
    quality: str | None = None  # a data-quality line where recording is poor ("Sex was not recorded for ...")


class MonthlyCount(int):
    """A count that also carries its figure for each month of the period (``months``), for the differencing
    guard; everywhere else it is the plain total."""

    months: tuple[int, ...]

    def __new__(cls, months):
        count = super().__new__(cls, sum(months))
        count.months = tuple(months)
        return count


@dataclass(frozen=True)
class _Guard:
    filters: ReportFilters
    min_months: int

    @property
    def n(self) -> int:
        return len(month_keys(self.filters.date_from, self.filters.date_to))


_GUARD: ContextVar[_Guard | None] = ContextVar("victimcare_report_differencing_guard", default=None)


@contextmanager
def differencing_guard(filters: ReportFilters) -> Iterator[None]:
    """Within this block, for a period of whole months (the commissioner's), sections count month by month and
    hide any cell that a shorter allowed period would show 1 to 4 cases different (docs/security.md)."""
    token = _GUARD.set(_Guard(filters, filters.whole_months) if filters.whole_months else None)
    try:
        yield
    finally:
        _GUARD.reset(token)


def guarded_months() -> int | None:
    """Under the differencing guard, how many months the period has (counts are split by month); else None."""
    guard = _GUARD.get()
    return guard.n if guard is not None else None


def counts_by(group, columns: dict, conditions: list, select_from, month=None) -> dict:
    """{group value: {name: count}} from one GROUP BY statement. Under the differencing guard the statement
    also groups by the month the case was received, and each count is a MonthlyCount (select_from must hold
    the cases, or ``month`` give the month, numbered from 0 for the period's first, as month_bucket does)."""
    guard = _GUARD.get()
    if guard is None:
        statement = (select(group.label("k"), *[expr.label(name) for name, expr in columns.items()])
                     .select_from(select_from).where(*conditions).group_by(group))
        return {row["k"]: {name: row[name] for name in columns} for row in report_session().execute(statement).mappings()}
    from .compliance_sql import month_bucket  # the compliance statement's London months, numbered from 0

    month = month_bucket(guard.filters) if month is None else month
    statement = (select(group.label("k"), month.label("m"),
                        *[expr.label(name) for name, expr in columns.items()])
                 .select_from(select_from).where(*conditions).group_by(literal_column("1"), literal_column("2")))
    series: dict = {}
    for row in report_session().execute(statement).mappings():
        figures = series.setdefault(row["k"], {name: [0] * guard.n for name in columns})
        for name in columns:
            figures[name][int(row["m"])] += int(row[name] or 0)
    return {key: {name: MonthlyCount(months) for name, months in figures.items()} for key, figures in series.items()}


def plus(a, b):
    """Two counts added, keeping their months where either is a MonthlyCount."""
    if not isinstance(a, MonthlyCount) and not isinstance(b, MonthlyCount):
        return a + b
    n = len(a.months if isinstance(a, MonthlyCount) else b.months)

    def months(x):
        return x.months if isinstance(x, MonthlyCount) else (0,) * n if not x else None

    left, right = months(a), months(b)
    if left is None or right is None:  # a plain count cannot be split by month
        return int(a) + int(b)
    return MonthlyCount([x + y for x, y in zip(left, right)])


def _guarded_cells(raw: dict, count_keys: list[str]) -> tuple[frozenset, frozenset]:
    """The cells (category, count) and total-row counts the differencing guard hides."""
    guard = _GUARD.get()
    if guard is None:
        return frozenset(), frozenset()
    cells, totals = set(), set()
    for name in count_keys:
        total = [0] * guard.n
        for key, figures in raw.items():
            value = figures.get(name)
            months = value.months if isinstance(value, MonthlyCount) else None
            if months is None and value:  # a count the guard cannot split: hide it rather than risk it
                cells.add((key, name))
                continue
            for i, n in enumerate(months or ()):
                total[i] += n
            if months and differs_by_a_few_from_a_shorter_period(months, guard.min_months):
                cells.add((key, name))
        if differs_by_a_few_from_a_shorter_period(total, guard.min_months):
            totals.add(name)
    return frozenset(cells), frozenset(totals)


def section(section_id, title, group_heading, categories, raw, columns, total_key=None, note=None, with_total=True):
    """A published section: a row per category (and "not recorded" when some have none), suppressed. Where the
    first column is "cases", the others are parts of it, so a row whose cases are hidden hides them too."""
    count_keys = [c.key for c in columns if c.kind == "count"]
    rates = [(c.key, *RATE_PARTS[c.key]) for c in columns if c.kind == "rate"]
    none_label = [(None, NOT_RECORDED_CATEGORY)] if None in raw else []
    base_key = "cases" if count_keys and count_keys[0] == "cases" and total_key is None else None
    hide, hide_totals = _guarded_cells(raw, count_keys)
    rows = publish_breakdown(list(categories) + none_label, raw, count_keys, total_key, rates, base_key=base_key,
                             hide=hide, hide_totals=hide_totals)
    if not with_total:
        rows = [row for row in rows if not row["is_total"]]
    return Section(section_id, title, group_heading, list(columns), rows, note)


def case_counts(today: date) -> dict:
    """Cases, due for first contact, contacted in time, and accepted: the counts most sections start from."""
    return {
        "cases": func.count(Case.id),
        "due": func.count(sql_case((contact_due(today), 1))),
        "in_time": func.count(sql_case((Case.first_contact_in_time.is_(True), 1))),
        "accepted": func.count(Case.accepted_at),
    }


def by_service_slug(raw: dict, options: ReportOptions) -> dict:
    """Counts keyed by service id, re-keyed by the service's slug."""
    services = options.service_by_id()
    return {services[k]["slug"]: v for k, v in raw.items()}


# Poor recording is pointed out when at least this share of cases has no answer.
POOR_RECORDING_SHARE = 0.1


def recording_line(subject: str, rows: list[dict], count_key: str = "cases") -> str | None:
    """"Sex was not recorded for 307 of 309 cases." from the published rows, when the not-recorded row and the
    total are both shown and the share not recorded is POOR_RECORDING_SHARE or more; otherwise None."""
    missing = next((row[count_key] for row in rows if row["label"] == NOT_RECORDED_CATEGORY), 0)
    total = next((row[count_key] for row in rows if row["is_total"]), None)
    if not isinstance(missing, int) or not isinstance(total, int) or not total or missing / total < POOR_RECORDING_SHARE:
        return None
    return f"{subject} was not recorded for {missing:,} of {total:,} cases."
