"""The Victims' Code rights report page: the columns of its tables and each row's status against the targets,
already formatted (the figures arrive suppressed from services/reports/code_rights.py)."""
from dataclasses import dataclass

from ..domain.code_rights import is_deadline_bound
from ..domain.code_rights_report import (
    HEADLINE_RIGHTS,
    MEASURES_BY_KEY,
    NOT_RECORDED_RIGHTS,
    REPORTED_RIGHTS,
    SHORT_HEADINGS,
    findings,
)
from ..domain.report_definitions import format_figure


@dataclass(frozen=True)
class Column:
    key: str  # the row's key for the figure
    heading: str
    kind: str  # count | rate | median


def expected_columns() -> list[Column]:
    """The rights expected of every case a service takes on: the share where each was met."""
    return [Column("cases", "Cases received", "count")] + [
        Column(f"{right}:share_met", SHORT_HEADINGS[right], "rate") for right in HEADLINE_RIGHTS]


def recorded_columns() -> list[Column]:
    """The rights that apply once something happens (a police decision, a statement offered...): how many cases
    had them met, and for the deadline-bound one the share told on time and the median working days. Their share
    met would always read 100%: they apply only where something was recorded."""
    columns = []
    for right, _ in REPORTED_RIGHTS:
        if right in HEADLINE_RIGHTS:
            continue
        columns.append(Column(f"{right}:met", SHORT_HEADINGS[right], "count"))
        if is_deadline_bound(right):
            columns += [Column(f"{right}:share_in_time", "Police decisions told on time", "rate"),
                        Column(f"{right}:median_days", "Median working days to tell a decision", "median")]
    return columns


@dataclass(frozen=True)
class TableRow:
    label: str
    is_total: bool
    cells: list[tuple[str, bool]]  # (text, withheld)
    status: str


def _status_words(row: dict, targets: dict) -> str:
    """"Told about the Victims' Code: below target; offered a referral to support: meets target"."""
    words = "; ".join(f"{finding.measure.heading.removeprefix('Share ')}: {finding.status_text}"
                      for finding in findings(row, targets) if finding.status_text)
    return words[:1].upper() + words[1:] if words else "No targets set"


def table_rows(rows: list[dict], columns: list[Column], targets: dict) -> list[TableRow]:
    result = []
    for row in rows:
        cells = [(format_figure(row[c.key], c.kind), row[c.key] is None or isinstance(row[c.key], str))
                 for c in columns]
        result.append(TableRow(row["label"], row["is_total"], cells, _status_words(row, targets)))
    return result


def definitions() -> list[tuple[str, str]]:
    """(term, definition) for the page: each column, then how the figures are counted."""
    terms = [("Cases received", MEASURES_BY_KEY["cases"].definition)]
    for right, label in REPORTED_RIGHTS:
        if right in HEADLINE_RIGHTS:
            terms.append((SHORT_HEADINGS[right], f"The right \u201c{label}\u201d: the share of cases where it applied "
                                                 f"with something recorded under it. {MEASURES_BY_KEY['applied'].definition}"))
        else:
            terms.append((SHORT_HEADINGS[right], f"The right \u201c{label}\u201d: cases with something recorded under it."))
    terms += [("Police decisions told on time", MEASURES_BY_KEY["in_time"].definition + " Out of the cases told of "
               "any decision; not shown over fewer than 5 cases or where either count is hidden."),
              ("Median working days to tell a decision", MEASURES_BY_KEY["median_days"].definition)]
    return terms


_EXPORT_MEASURES = ("applied", "met", "share_met", "in_time", "share_in_time", "median_days")


def _export_value(value, kind: str):
    if kind == "rate":
        return "not shown" if value is None else round(value * 100, 1)
    if kind == "median":
        return "not shown" if value is None else value
    return "" if value is None else value


def export_rows(report, group_headings: dict) -> tuple[list[str], list[tuple[str, list]]]:
    """A long-format table for CSV and XLSX: one line per group and right, for each grouping of the report. A
    figure a right does not have (met on time, for a right without a deadline) is left empty."""
    header = ["Grouped by", "Group", "Code", "Cases received", "Right"] + [
        MEASURES_BY_KEY[key].heading + (" (%)" if MEASURES_BY_KEY[key].kind == "rate" else "")
        for key in _EXPORT_MEASURES]
    tables = []
    for group_by, table in report.tables.items():
        body = []
        for row in table.rows:
            for right, label in REPORTED_RIGHTS:
                line = [group_headings[group_by], row["label"], "" if row["key"] is None else str(row["key"]),
                        row["cases"], label]
                line += [_export_value(row.get(f"{right}:{key}"), MEASURES_BY_KEY[key].kind)
                         if f"{right}:{key}" in row else "" for key in _EXPORT_MEASURES]
                body.append(line)
        tables.append((group_headings[group_by], body))
    return header, tables


def export_definitions(about: list[tuple[str, str]], suppression_note: str) -> list[tuple[str, str]]:
    lines = list(about) + [(m.heading, m.definition) for m in MEASURES_BY_KEY.values()]
    lines.append(("Not recorded here", "; ".join(label for _, label in NOT_RECORDED_RIGHTS)
                  + ": owed by the police, Witness Care and the Crown Prosecution Service, or probation's Victim Contact"
                  " Scheme; support services record nothing under them, so this report cannot say whether they were"
                  " met."))
    lines.append(("Small numbers", suppression_note))
    return lines
