"""The data protection officer's retention report: how many people the schedule will purge, by category and by
month, and who is held. Counts and referral references only, never names."""
from collections import Counter
from dataclasses import dataclass
from datetime import date

from ...domain.access import has_permission
from ...domain.retention import CATEGORIES
from .. import audit
from ..actors import Actor
from ..errors import Forbidden
from . import holds, schedule

MONTHS_AHEAD = 12


@dataclass(frozen=True)
class RetentionReport:
    today: date
    months: list[date]  # first days of the months shown, this month first
    overdue: Counter  # category -> people past their date now (the next run purges them unless held)
    by_month: dict[str, Counter]  # category -> {first of month: people}
    without_date: int  # people with a case still open without a date
    held: list[holds.HoldRow]

    @property
    def categories(self) -> list[tuple[str, str]]:
        return list(CATEGORIES)

    def total_in(self, month: date) -> int:
        return sum(counter[month] for counter in self.by_month.values())


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def retention_report(actor: Actor, today: date) -> RetentionReport:
    if not has_permission(actor.principal, "retention.manage"):
        raise Forbidden("Only the data protection officer sees the retention report", permission="retention.manage")
    first = today.replace(day=1)
    months = [_add_months(first, n) for n in range(MONTHS_AHEAD)]
    held_ids = schedule.held_person_ids()
    overdue, without_date = Counter(), 0
    by_month: dict[str, Counter] = {slug: Counter() for slug, _ in CATEGORIES}
    for person_id, retention in schedule.retentions().items():
        if retention.until is None:
            without_date += 1
        elif person_id in held_ids:
            continue
        elif retention.until < today:
            overdue[retention.category] += 1
        else:
            month = retention.until.replace(day=1)
            if month in months:
                by_month[retention.category][month] += 1
    held = holds.current_holds(actor)
    audit.record(actor, "report-run", "retention-report", None, changes={"held": len(held)})
    return RetentionReport(today, months, overdue, by_month, without_date, held)
