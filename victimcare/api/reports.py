"""API v1: oversight reports, for the Commissioner role. The same service call, filters and suppression as the
report pages, so a figure hidden on screen is hidden here too."""
from flask import request

from ..domain import code_rights_report
from ..domain.report_definitions import (
    COMPLIANCE_MEASURES,
    LEVELS,
    SUPPRESSION_NOTE,
    parse_group_by,
)
from ..services import reports
from ..services.actors import require
from ..services.errors import ValidationFailed
from ..web import current_actor
from . import bp

API_GROUP_BYS = ("service", "borough", "bcu", "month")


def _figures(row: dict, level: str) -> dict:
    return {measure.key: row[f"{measure.key}_{level}"] for measure in COMPLIANCE_MEASURES}


def _row(row: dict, levels) -> dict:
    return {
        "group": None if row["key"] is None else str(row["key"]),
        "label": row["label"],
        **{level: _figures(row, level) for level in levels},
    }


@bp.route("/reports/code-compliance")
def code_compliance():
    """Rows of figures per group; counts 1-4 are "fewer than 5", counts hidden only so that a total cannot give
    one away are "hidden", withheld rates and medians are null."""
    actor = current_actor()
    require(actor, "report.view", "Only the Commissioner's office can run oversight reports")
    options, filters, errors = reports.read_filters(actor, request.args)
    group_by, group_errors = parse_group_by(request.args.get("group_by"), "service", API_GROUP_BYS)
    if errors or group_errors:
        raise ValidationFailed("Correct the report parameters", errors=errors + group_errors)
    report = reports.code_compliance(actor, filters, group_by, options)
    levels = report.levels
    return {
        "report": "code-compliance",
        "group_by": group_by,
        "filters": filters.as_audit(),
        "overdue_as_of": report.today.isoformat(),
        "levels": {level: LEVELS[level] for level in levels},
        "definitions": {m.key: m.definition for m in COMPLIANCE_MEASURES},
        "suppression": SUPPRESSION_NOTE,
        "rows": [_row(row, levels) for row in report.rows if not row["is_total"]],
        "total": _row(report.total, levels),
    }


def _code_rights_row(row: dict) -> dict:
    return {
        "group": None if row["key"] is None else str(row["key"]),
        "label": row["label"],
        "cases": row["cases"],
        "rights": {right: {measure: row[f"{right}:{measure}"] for measure in code_rights_report.measures_of(right)}
                   for right, _ in code_rights_report.REPORTED_RIGHTS},
    }


@bp.route("/reports/code-rights")
def code_rights():
    """Per Victims' Code right: cases where it applied, met, share met; for the deadline-bound right also met on
    time, its share and the median working days. Counts 1-4 are "fewer than 5", counts hidden so that a total
    cannot give one away are "hidden", withheld rates and medians are null."""
    actor = current_actor()
    require(actor, "report.view", "Only the Commissioner's office can run oversight reports")
    options, filters, errors = reports.read_filters(actor, request.args)
    group_by, group_errors = parse_group_by(request.args.get("group_by"), "service", reports.CODE_RIGHTS_GROUP_BYS)
    if errors or group_errors:
        raise ValidationFailed("Correct the report parameters", errors=errors + group_errors)
    report = reports.code_rights_report(actor, filters, (group_by,), options)
    table = report.tables[group_by]
    return {
        "report": "code-rights",
        "group_by": group_by,
        "filters": filters.as_audit(),
        "as_of": report.today.isoformat(),
        "definitions": {m.key: m.definition for m in code_rights_report.MEASURES},
        "rights": {right: label for right, label in code_rights_report.REPORTED_RIGHTS},
        "not_recorded": {right: label for right, label in code_rights_report.NOT_RECORDED_RIGHTS},
        "suppression": SUPPRESSION_NOTE,
        "rows": [_code_rights_row(row) for row in table.rows if not row["is_total"]],
        "total": _code_rights_row(table.total),
    }
