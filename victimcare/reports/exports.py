"""CSV and XLSX files of published (already suppressed) report tables.

Exports carry exactly what the screen shows: counts from 1 to 4 read "fewer than 5", counts hidden only so that
a total cannot give one away read "hidden", withheld rates and medians "not shown", and a definitions block
(CSV: trailing lines; XLSX: a second sheet, with the key to both markers) so a figure never travels without its
meaning. Labels come from reference data (services, boroughs, months), never from free
text; cells that could start a formula are still prefixed, as any spreadsheet export should.
"""
import csv
import io
import re

from openpyxl import Workbook
from openpyxl.styles import Font

from ..domain.report_definitions import LEVELS, MEASURES_BY_KEY, SUPPRESSION_NOTE
from ..domain.spreadsheet import spreadsheet_safe


def _export_value(value, kind: str):
    """Numbers stay numbers (rates as percentages to one decimal place); withheld figures become text."""
    if kind == "rate":
        return "not shown" if value is None else round(value * 100, 1)
    if kind == "median":
        return "not shown" if value is None else value
    return value


def table_rows(rows, levels, columns, lead_columns):
    """Header and body for a long-format table: one line per group and level.

    ``lead_columns`` are (heading, function of row) pairs put before the level and the measures."""
    header = [heading for heading, _ in lead_columns] + ["Victims"]
    for key in columns:
        measure = MEASURES_BY_KEY[key]
        header.append(measure.heading + (" (%)" if measure.kind == "rate" else ""))
    body = []
    for row in rows:
        for level in levels:
            line = [get(row) for _, get in lead_columns] + [LEVELS[level]]
            line += [_export_value(row[f"{key}_{level}"], MEASURES_BY_KEY[key].kind) for key in columns]
            body.append(line)
    return header, body


def definition_lines(columns, about: list[tuple[str, str]]):
    lines = [(name, value) for name, value in about]
    lines += [(MEASURES_BY_KEY[key].heading, MEASURES_BY_KEY[key].definition) for key in columns]
    lines.append(("Small numbers", SUPPRESSION_NOTE))
    return lines


def to_csv(header, body, definitions) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for line in body:
        writer.writerow([spreadsheet_safe(v) for v in line])
    writer.writerow([])
    for name, text in definitions:
        writer.writerow([spreadsheet_safe(name), spreadsheet_safe(text)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM so spreadsheet programs read UTF-8


def to_xlsx(sheets: list[tuple[str, list, list]], definitions) -> bytes:
    """``sheets`` are (title, header, body); a "Definitions" sheet is added last."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for title, header, body in sheets:
        sheet = workbook.create_sheet(re.sub(r"[][:*?/\\]", " ", title)[:31])
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = bold
        for line in body:
            sheet.append([spreadsheet_safe(v) for v in line])
        sheet.freeze_panes = "A2"
        for column in sheet.columns:
            width = max(len(str(c.value or "")) for c in column)
            sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 10), 48)
    notes = workbook.create_sheet("Definitions")
    notes.append(["Item", "Definition"])
    for cell in notes[1]:
        cell.font = bold
    for name, text in definitions:
        notes.append([spreadsheet_safe(name), spreadsheet_safe(text)])
    notes.column_dimensions["A"].width = 36
    notes.column_dimensions["B"].width = 120
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
