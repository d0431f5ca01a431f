"""The Victims' Code rights report: per right, the cases where it applied, the share met, and for the
deadline-bound rights the share met on time and the median working days; suppressed for publication.

The counts come from SQL (services/reports/code_rights.py), counted by the date each case was received, and
follow the case's own rules (domain/code_rights.py): a right applied to a case when an event of it was recorded,
and the two rights expected of every case a service takes on (told about the Code, needs assessed or referred on)
also applied to every such case whose first-contact due date has passed. Met: an event of it recorded. On time,
for a deadline-bound right: every police decision told within its deadline. Median working days: over the cases
where it applied, each case's slowest decision.

Suppression, as on the compliance report: counts 1 to 4 read "fewer than 5", down each column to the total row
secondary cells are hidden, a count of some of a row's cases is hidden where the row's base is, and a rate or
median is shown only over 5 or more cases with both its counts visible.
"""
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .code_rights import EXPECTED_BY_FIRST_CONTACT, events_of, is_deadline_bound
from .report_definitions import TOTAL_LABEL, Measure
from .report_suppression import _hide_parts_of_hidden_bases
from .suppression import SECONDARY_SUPPRESSED, SUPPRESSED, THRESHOLD, rate, suppress_counts
from .targets import TargetMeasure, format_value, status
from .vocab import VICTIMS_CODE_RIGHTS

# The rights support services and partners record events for, in Code order; the others are owed by other agencies
# (code_rights.OWED_ELSEWHERE) with nothing recorded here, and the report says so rather than showing empty columns.
REPORTED_RIGHTS: tuple[tuple[str, str], ...] = tuple((s, l) for s, l in VICTIMS_CODE_RIGHTS if events_of(s))
NOT_RECORDED_RIGHTS: tuple[tuple[str, str], ...] = tuple((s, l) for s, l in VICTIMS_CODE_RIGHTS if not events_of(s))
# Short column headings for the rights side by side (the full name of each right is in the definitions).
SHORT_HEADINGS = {
    "understand-and-be-understood": "Told about the Code",
    "referral-to-support": "Offered a referral",
    "information-about-compensation": "Told about compensation",
    "information-about-investigation": "Told of police decisions",
    "victim-personal-statement": "Offered a personal statement",
    "information-about-trial": "Told the trial dates",
    "outcome-and-appeals": "Told the outcome",
    "make-a-complaint": "Told how to complain",
}
# The two figures the London Victims' Commissioner's 2019 review found under a third: told about the Code, and
# offered a referral to support. The report leads with them, against targets.
HEADLINE_RIGHTS = EXPECTED_BY_FIRST_CONTACT


@dataclass(frozen=True)
class HeadlineMeasure:
    right: str
    heading: str
    definition: str
    setting: str  # the configuration name of its target (a percentage)


HEADLINES = (
    HeadlineMeasure("understand-and-be-understood", "Share told about the Victims' Code",
                    "Cases whose victim was recorded as told about the Code, out of the cases where it applied.",
                    "REPORT_TARGET_TOLD_ABOUT_CODE"),
    HeadlineMeasure("referral-to-support", "Share offered a referral to support",
                    "Cases whose victim's needs were assessed or who were referred to other support, out of the "
                    "cases where it applied.", "REPORT_TARGET_OFFERED_REFERRAL"),
)

MEASURES: tuple[Measure, ...] = (
    Measure("cases", "Cases received", "count",
            "Cases opened for a service from referrals received in the period; a referral sent to two services "
            "counts twice."),
    Measure("applied", "Cases where it applied", "count",
            "Cases with something recorded under the right; for being told about the Code and for needs assessed "
            "or referred on, also every case the service took on whose first-contact due date has passed."),
    Measure("met", "Met", "count", "Cases with something recorded under the right (told late included)."),
    Measure("share_met", "Share met", "rate",
            "Met divided by cases where it applied; not shown over fewer than 5 cases or where either count is "
            "hidden."),
    Measure("in_time", "Met on time", "count",
            "Deadline-bound rights only: cases where every police decision was told within 1 working day "
            "(enhanced victims) or 5 (others)."),
    Measure("share_in_time", "Share met on time", "rate",
            "Met on time divided by cases where it applied; not shown over fewer than 5 cases or where either "
            "count is hidden."),
    Measure("median_days", "Median working days", "median",
            "Deadline-bound rights only: the middle of each case's slowest decision, in working days from the "
            "decision to telling the victim; not shown for fewer than 5 cases."),
)
MEASURES_BY_KEY = {m.key: m for m in MEASURES}


def measures_of(right: str) -> tuple[str, ...]:
    """The figures published for a right, in order."""
    if is_deadline_bound(right):
        return ("applied", "met", "share_met", "in_time", "share_in_time", "median_days")
    return ("applied", "met", "share_met")


def count_keys() -> list[str]:
    keys = ["cases"]
    for right, _ in REPORTED_RIGHTS:
        keys += [f"{right}:applied", f"{right}:met"] + ([f"{right}:in_time"] if is_deadline_bound(right) else [])
    return keys


def median_from_histogram(histogram: Mapping[int, int]) -> float | None:
    """The median of values given as {value: how many}, as percentile_cont(0.5) would give it."""
    total = sum(histogram.values())
    if not total:
        return None
    middle = []
    running = 0
    for value in sorted(histogram):
        before = running
        running += histogram[value]
        for position in ((total - 1) // 2, total // 2):
            if before <= position < running:
                middle.append(value)
    return sum(middle) / len(middle)


def _visible(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def publish_code_rights(groups: Sequence[tuple[object, str]], raw: Mapping[object, Mapping[str, object]]) -> list[dict]:
    """The published rows: one per group in ``groups`` ((key, label), display order) and the total row (key
    None) last. ``raw[key]`` holds the unsuppressed counts (``count_keys()``) and, for deadline-bound rights,
    ``"<right>:days"``: {working days: cases}. Output rows hold ``cases`` and ``"<right>:<measure>"`` for each
    measure of each reported right: counts (int or a marker), rates and medians (number or None)."""
    keys = count_keys()
    table = []
    for key, label in list(groups) + [(None, TOTAL_LABEL)]:
        figures = raw.get(key, {})
        table.append({"key": key, "label": label, "is_total": key is None,
                      **{name: int(figures.get(name) or 0) for name in keys}})
    parts = [("cases", [f"{right}:applied" for right, _ in REPORTED_RIGHTS])]
    parts += [(f"{right}:applied", [f"{right}:met"] + ([f"{right}:in_time"] if is_deadline_bound(right) else []))
              for right, _ in REPORTED_RIGHTS]
    table = suppress_counts(table, keys, total_row_index=-1)
    while any([_hide_parts_of_hidden_bases(table, base, names) for base, names in parts]):
        table = suppress_counts(table, keys, total_row_index=-1)
    for row in table:
        figures = raw.get(row["key"], {})
        for right, _ in REPORTED_RIGHTS:
            base = row[f"{right}:applied"]
            for share, top in (("share_met", "met"), ("share_in_time", "in_time")):
                if share == "share_in_time" and not is_deadline_bound(right):
                    continue
                value = row[f"{right}:{top}"]
                row[f"{right}:{share}"] = (rate(value, base) if _visible(value) and _visible(base) and value <= base
                                           else None)
            if is_deadline_bound(right):
                histogram = figures.get(f"{right}:days") or {}
                shown = _visible(base) and sum(histogram.values()) >= THRESHOLD
                row[f"{right}:median_days"] = round(median_from_histogram(histogram), 1) if shown else None
    return table


def hides_any(rows: Sequence[dict]) -> bool:
    return any(value in (SUPPRESSED, SECONDARY_SUPPRESSED) for row in rows for name, value in row.items()
               if name != "label" and isinstance(value, str))


@dataclass(frozen=True)
class Finding:
    """A headline figure against its target, in words."""

    measure: HeadlineMeasure
    value: float | None
    value_text: str
    target_text: str | None
    status_text: str | None


def _target_measure(measure: HeadlineMeasure) -> TargetMeasure:
    return TargetMeasure(measure.right, measure.heading, "rate", True, measure.setting)


def targets_from_settings(config: Mapping) -> dict[str, float]:
    """{right: target as a fraction} from the REPORT_TARGET_* percentages that are set."""
    return {m.right: float(config[m.setting]) / 100 for m in HEADLINES if config.get(m.setting) is not None}


def findings(row: Mapping, targets: Mapping[str, float]) -> list[Finding]:
    """The two headline figures of a row (London's: the total row), each with its target and status in words."""
    result = []
    for measure in HEADLINES:
        value = row.get(f"{measure.right}:share_met")
        target = targets.get(measure.right)
        target_measure = _target_measure(measure)
        result.append(Finding(
            measure, value, format_value(value, target_measure),
            None if target is None else format_value(target, target_measure),
            None if target is None else status(value, target, target_measure)))
    return result
