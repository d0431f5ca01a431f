"""Targets for the headline measures and "where London falls short": each figure's status in words, how far it
is below target, and how it changed since the previous period of the same length. Pure rules over published
(already suppressed) figures; no Flask or SQLAlchemy.

Targets are settings (REPORT_TARGET_SHARE_IN_TIME, REPORT_TARGET_TAKE_UP, REPORT_TARGET_MEDIAN_DAYS), because
each area sets its own and the compliance metrics under the Victims and Prisoners Act are still being written.
"""
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

BELOW = "below target"
MEETS = "meets target"
NOT_SHOWN = "not shown: too few cases"


@dataclass(frozen=True)
class TargetMeasure:
    key: str
    heading: str
    kind: str  # rate | median
    higher_is_better: bool
    setting: str  # the configuration name of its target


TARGET_MEASURES: tuple[TargetMeasure, ...] = (
    TargetMeasure("share_in_time", "Share contacted within due date", "rate", True, "REPORT_TARGET_SHARE_IN_TIME"),
    TargetMeasure("median_days", "Median working days to first contact", "median", False, "REPORT_TARGET_MEDIAN_DAYS"),
    TargetMeasure("take_up", "Take-up", "rate", True, "REPORT_TARGET_TAKE_UP"),
)
TARGET_MEASURES_BY_KEY = {m.key: m for m in TARGET_MEASURES}


def targets_from_settings(config: Mapping) -> dict[str, float]:
    """{measure key: target}: rates as fractions (the settings are percentages), medians in working days."""
    targets = {}
    for measure in TARGET_MEASURES:
        value = config.get(measure.setting)
        if value is not None:
            targets[measure.key] = float(value) / 100 if measure.kind == "rate" else float(value)
    return targets


def format_value(value: float | None, measure: TargetMeasure) -> str:
    if value is None:
        return "not shown"
    if measure.kind == "rate":
        return f"{value * 100:.1f}%"
    return f"{value:g} working day{'' if value == 1 else 's'}"


def format_distance(amount: float, measure: TargetMeasure) -> str:
    if measure.kind == "rate":
        return f"{amount * 100:.1f} percentage points"
    return f"{amount:g} working day{'' if amount == 1 else 's'}"


def shortfall(value: float | None, target: float, measure: TargetMeasure) -> float | None:
    """How far below target (positive: short of it; zero or less: meets it), or None when not shown."""
    if value is None:
        return None
    gap = (target - value) if measure.higher_is_better else (value - target)
    return round(gap, 9)


def status(value: float | None, target: float, measure: TargetMeasure) -> str:
    gap = shortfall(value, target, measure)
    if gap is None:
        return NOT_SHOWN
    return BELOW if gap > 0 else MEETS


def change_words(now: float | None, before: float | None, measure: TargetMeasure) -> str:
    """"worse by 12.0 percentage points (from 64.0%)", "better by ...", "no change", or why it cannot be said."""
    if now is None or before is None:
        return "not shown for one of the periods"
    better_by = round((now - before) if measure.higher_is_better else (before - now), 9)
    if better_by == 0:
        return f"no change (also {format_value(before, measure)})"
    direction = "better" if better_by > 0 else "worse"
    return f"{direction} by {format_distance(abs(better_by), measure)} (from {format_value(before, measure)})"


@dataclass(frozen=True)
class Finding:
    """One figure of one borough, service or London as a whole, against its target and the previous period."""
    kind: str  # London | Service | Borough
    name: str
    measure: TargetMeasure
    value: float | None
    target: float
    previous: float | None

    @property
    def status(self) -> str:
        return status(self.value, self.target, self.measure)

    @property
    def shortfall(self) -> float | None:
        return shortfall(self.value, self.target, self.measure)

    @property
    def change(self) -> float | None:
        """Signed change since the previous period, positive = better; None when either is not shown."""
        if self.value is None or self.previous is None:
            return None
        raw = self.value - self.previous
        return round(raw if self.measure.higher_is_better else -raw, 9)

    @property
    def value_text(self) -> str:
        return format_value(self.value, self.measure)

    @property
    def target_text(self) -> str:
        if self.measure.kind == "rate":
            return f"{self.target * 100:g}%"
        return format_value(self.target, self.measure)

    @property
    def status_text(self) -> str:
        if self.status == BELOW:
            return f"below target by {format_distance(self.shortfall, self.measure)}"
        return self.status

    @property
    def change_text(self) -> str:
        return change_words(self.value, self.previous, self.measure)

    def sentence(self) -> str:
        return (f"{self.name}: {self.measure.heading.lower()} {format_value(self.value, self.measure)}, "
                f"{self.status_text} (target {self.target_text}).")

    def change_sentence(self) -> str:
        return f"{self.name}: {self.measure.heading.lower()} {format_value(self.value, self.measure)}, {self.change_text}."


def findings(kind: str, rows: Sequence[dict], previous: Mapping[object, dict], targets: Mapping[str, float],
             level: str = "all") -> list[Finding]:
    """A Finding per row and target measure. ``rows`` are published rows (key, label, <measure>_<level>);
    ``previous`` the previous period's rows by key."""
    found = []
    for row in rows:
        before = previous.get(row["key"], {})
        for measure in TARGET_MEASURES:
            if measure.key in targets:
                found.append(Finding(kind, row["label"], measure, row.get(f"{measure.key}_{level}"),
                                     targets[measure.key], before.get(f"{measure.key}_{level}")))
    return found


def furthest_below(found: Sequence[Finding], limit: int = 5) -> list[Finding]:
    """The findings below target, furthest first. Rates and medians are not in the same units, so each is
    measured as a share of its target (20 points short of 90% is 22% short; 1 day over 2 is 50% short)."""
    below = [f for f in found if f.status == BELOW]
    return sorted(below, key=lambda f: (-(f.shortfall / f.target if f.target else f.shortfall), f.name))[:limit]


def biggest_changes(found: Sequence[Finding], limit: int = 5) -> list[Finding]:
    """The largest changes since the previous period, worsening first (the same relative measure)."""
    changed = [f for f in found if f.change not in (None, 0)]
    def size(f):
        return abs(f.change) / f.target if f.target else abs(f.change)
    return sorted(changed, key=lambda f: (f.change > 0, -size(f), f.name))[:limit]


def previous_period(date_from: date, date_to: date) -> tuple[date, date]:
    """The period of the same length just before [date_from, date_to]."""
    days = (date_to - date_from).days + 1
    return date_from - timedelta(days=days), date_from - timedelta(days=1)
