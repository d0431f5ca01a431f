"""View-models for the report pages' charts: what each bar shows, already formatted."""
from dataclasses import dataclass
from datetime import date

from ..domain.report_definitions import format_figure, format_rate


@dataclass(frozen=True)
class Bar:
    label: str  # "January 2026", in the table
    short: str  # "Jan 26", under the bar
    value: float | None  # a fraction, or None when not shown
    text: str  # "52.5%" or "not shown"
    due: str
    in_time: str


@dataclass(frozen=True)
class Trend:
    bars: list[Bar]
    target: float | None
    target_text: str | None

    @property
    def shown(self) -> int:
        return sum(1 for bar in self.bars if bar.value is not None)


def month_trend(rows: list[dict], level: str, target: float | None) -> Trend:
    """Share contacted within due date, month by month (the total row left out), with the target line."""
    bars = []
    for row in rows:
        if row["is_total"]:
            continue
        month = date.fromisoformat(row["key"] + "-01")
        value = row[f"share_in_time_{level}"]
        bars.append(Bar(row["label"], month.strftime("%b %y"), value, format_rate(value),
                        format_figure(row[f"due_{level}"], "count"), format_figure(row[f"in_time_{level}"], "count")))
    return Trend(bars, target, None if target is None else f"{target * 100:g}%")
