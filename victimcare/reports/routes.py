"""Oversight report pages and their CSV and XLSX exports (the Commissioner role only)."""
from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from ..domain import code_rights_report
from ..domain import targets as target_rules
from ..domain.report_definitions import (
    BREAKDOWN_REPORTS,
    COMPLIANCE_COLUMNS,
    GROUP_BYS,
    LEVELS,
    LOTTERY_COLUMNS,
    MEASURES_BY_KEY,
    SUPPRESSION_NOTE,
    bcu_label,
    format_figure,
    parse_group_by,
)
from ..services import exports as export_files
from ..services import reports
from ..services.errors import ValidationFailed
from ..web import current_actor, permission_required
from . import code_rights_presenter, exports, presenters
from .catalogue import REPORTS

bp = Blueprint("reports", __name__)

EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@bp.route("/")
@permission_required("report.view")
def index():
    months = request.args.get("months", type=int)
    errors = []
    if months is not None and months not in reports.PERIOD_MONTHS:
        errors.append({"field": "months", "message": "Choose a period from the list"})
        months = None
    targets = target_rules.targets_from_settings(current_app.config)
    shortfalls = reports.where_london_falls_short(current_actor(), targets, months)
    return render_template("reports/index.html", reports=REPORTS, suppression_note=SUPPRESSION_NOTE,
                           shortfalls=shortfalls, periods=reports.PERIOD_MONTHS, errors=errors)


def _read(default_group_by: str | None = None, args=None, actor=None):
    """The report's filters from the query string (or, in a background export, from the arguments it kept)."""
    args = request.args if args is None else args
    actor = actor or current_actor()
    options, filters, errors = reports.read_filters(actor, args)
    group_by = None
    if default_group_by:
        group_by, group_errors = parse_group_by(args.get("group_by"), default_group_by)
        errors += group_errors
    return actor, options, filters, group_by, errors


def _download(body: bytes, name: str, fmt: str) -> Response:
    response = Response(body, mimetype=EXPORT_TYPES[fmt].split(";")[0])
    response.headers["Content-Type"] = EXPORT_TYPES[fmt]
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _about(filters, options, extra=()) -> list[tuple[str, str]]:
    services = {s["slug"]: s["name"] for s in options.services}
    boroughs = {b["ons_code"]: b["name"] for b in options.boroughs}
    return [
        *extra,
        ("Cases received from", filters.date_from.isoformat()),
        ("Cases received to", filters.date_to.isoformat()),
        ("Service", services.get(filters.service, "All services")),
        ("Area", boroughs.get(filters.borough) or (bcu_label(filters.bcu) if filters.bcu else "All of London")),
        ("Victims", LEVELS[filters.level] if filters.level else "Enhanced and standard, shown separately"),
    ]


def _page_context(options, filters, errors, **extra):
    return dict(options=options, filters=filters, errors=errors, fmt=format_figure, measures=MEASURES_BY_KEY,
                levels=LEVELS, group_bys=GROUP_BYS, suppression_note=SUPPRESSION_NOTE, **extra)


@bp.route("/code-compliance")
@permission_required("report.view")
def code_compliance():
    actor, options, filters, group_by, errors = _read("service")
    report = reports.code_compliance(actor, filters, group_by, options, with_trend=True)
    trend = presenters.month_trend(report.trend, filters.level or "all",
                                   target_rules.targets_from_settings(current_app.config).get("share_in_time"))
    return render_template("reports/code_compliance.html", report=report, columns=COMPLIANCE_COLUMNS,
                           group_by=group_by, trend=trend, **_page_context(options, filters, errors)), 400 if errors else 200


@bp.route("/code-rights")
@permission_required("report.view")
def code_rights():
    """The Victims' Code rights side by side, by service and by borough, with the two headline figures."""
    actor, options, filters, _, errors = _read()
    report = reports.code_rights_report(actor, filters, ("service", "borough"), options)
    targets = code_rights_report.targets_from_settings(current_app.config)
    expected, recorded = code_rights_presenter.expected_columns(), code_rights_presenter.recorded_columns()
    tables = [(group_by, GROUP_BYS[group_by], code_rights_presenter.table_rows(table.rows, expected, targets),
               code_rights_presenter.table_rows(table.rows, recorded, targets))
              for group_by, table in report.tables.items()]
    return render_template(
        "reports/code_rights.html", report=report, expected=expected, recorded=recorded, tables=tables,
        findings=code_rights_report.findings(report.total, targets), not_recorded=code_rights_report.NOT_RECORDED_RIGHTS,
        hides=any(code_rights_report.hides_any(table.rows) for table in report.tables.values()),
        terms=code_rights_presenter.definitions(), **_page_context(options, filters, errors),
    ), 400 if errors else 200


@bp.route("/code-rights.csv", defaults={"fmt": "csv"})
@bp.route("/code-rights.xlsx", defaults={"fmt": "xlsx"})
@permission_required("report.view")
def code_rights_export(fmt):
    return _export("code-rights", fmt)


def _code_rights_file(args, fmt, actor, progress):
    actor, options, filters, _, errors = _read(None, args, actor)
    if errors:
        raise ValidationFailed("Correct the report filters", errors=errors)
    report = reports.code_rights_report(actor, filters, ("service", "borough"), options, export_format=fmt)
    header, tables = code_rights_presenter.export_rows(report, GROUP_BYS)
    definitions = code_rights_presenter.export_definitions(_about(filters, options, [
        ("Report", "Victims' Code rights"), ("Counted as of", report.today.isoformat())]), SUPPRESSION_NOTE)
    name = f"code-rights-{filters.date_from.isoformat()}-to-{filters.date_to.isoformat()}"
    progress(1, 2, "writing the file")
    if fmt == "csv":
        return exports.to_csv(header, [line for _, body in tables for line in body], definitions), name
    return exports.to_xlsx([(f"By {title.lower()}", header, body) for title, body in tables], definitions), name


@bp.route("/code-compliance.csv", defaults={"fmt": "csv"})
@bp.route("/code-compliance.xlsx", defaults={"fmt": "xlsx"})
@permission_required("report.view")
def code_compliance_export(fmt):
    return _export("code-compliance", fmt)


def _code_compliance_file(args, fmt, actor, progress):
    actor, options, filters, group_by, errors = _read("service", args, actor)
    if errors:
        raise ValidationFailed("Correct the report filters", errors=errors)
    report = reports.code_compliance(actor, filters, group_by, options, export_format=fmt)
    header, body = exports.table_rows(
        report.rows, report.levels, COMPLIANCE_COLUMNS,
        [(GROUP_BYS[group_by], lambda r: r["label"]), ("Code", lambda r: "" if r["key"] is None else r["key"])],
    )
    definitions = exports.definition_lines(
        COMPLIANCE_COLUMNS, _about(filters, options, [("Report", "Victims' Code compliance"),
                                                      ("Grouped by", GROUP_BYS[group_by]),
                                                      ("Overdue as of", report.today.isoformat())]))
    name = f"code-compliance-by-{group_by}-{filters.date_from.isoformat()}-to-{filters.date_to.isoformat()}"
    progress(1, 2, "writing the file")
    if fmt == "csv":
        return exports.to_csv(header, body, definitions), name
    return exports.to_xlsx([("Code compliance", header, body)], definitions), name


def _lottery_measure(args=None) -> tuple[str | None, list[dict]]:
    """The figure asked for, or None: the service then picks the first one shown for most boroughs."""
    measure = (request.args if args is None else args).get("measure") or None
    if measure is not None and measure not in reports.LOTTERY_MEASURES:
        return None, [{"field": "measure", "message": "Choose a figure for the map from the list"}]
    return measure, []


@bp.route("/postcode-lottery")
@permission_required("report.view")
def postcode_lottery():
    actor, options, filters, _, errors = _read()
    measure, measure_errors = _lottery_measure()
    report = reports.postcode_lottery(actor, filters, measure, options)
    return render_template(
        "reports/postcode_lottery.html", report=report, columns=LOTTERY_COLUMNS,
        lottery_measures=reports.LOTTERY_MEASURES, level=filters.level or "all",
        **_page_context(options, filters, errors + measure_errors),
    ), 400 if errors or measure_errors else 200


@bp.route("/postcode-lottery.csv", defaults={"fmt": "csv"})
@bp.route("/postcode-lottery.xlsx", defaults={"fmt": "xlsx"})
@permission_required("report.view")
def postcode_lottery_export(fmt):
    return _export("postcode-lottery", fmt)


def _postcode_lottery_file(args, fmt, actor, progress):
    actor, options, filters, _, errors = _read(None, args, actor)
    measure, measure_errors = _lottery_measure(args)
    if errors or measure_errors:
        raise ValidationFailed("Correct the report filters", errors=errors + measure_errors)
    report = reports.postcode_lottery(actor, filters, measure, options, export_format=fmt)
    levels = filters.levels()
    borough_header, borough_body = exports.table_rows(
        report.ranked, levels, LOTTERY_COLUMNS,
        [("Rank", lambda r: r["rank"] if r["rank"] is not None else "not ranked"), ("Borough", lambda r: r["label"]),
         ("ONS code", lambda r: r["key"]), ("BCU", lambda r: bcu_label(r.get("met_bcu") if r["key"] != "E09000001" else 0))],
    )
    bcu_header, bcu_body = exports.table_rows(
        report.bcus, levels, LOTTERY_COLUMNS, [("Basic command unit", lambda r: r["label"])])
    definitions = exports.definition_lines(LOTTERY_COLUMNS, _about(filters, options, [
        ("Report", "The postcode lottery: boroughs ranked"),
        ("Ranked on", reports.LOTTERY_MEASURES[report.measure]),
        ("Gap between best and worst borough", report.gap_text),
        *([("Not shown", report.not_shown)] if report.not_shown else []),
        ("Overdue as of", report.today.isoformat()),
    ]))
    name = f"postcode-lottery-{filters.date_from.isoformat()}-to-{filters.date_to.isoformat()}"
    progress(1, 2, "writing the file")
    if fmt == "csv":
        # One file: boroughs, a blank line, then the BCU roll-up with its own header.
        body = borough_body + [[]] + [bcu_header] + bcu_body
        return exports.to_csv(borough_header, body, definitions), name
    return exports.to_xlsx([("Boroughs ranked", borough_header, borough_body),
                            ("BCU roll-up", bcu_header, bcu_body)], definitions), name


# --- Breakdown reports: one page and two exports each, registered from BREAKDOWN_REPORTS ---------------------

def _breakdown_page(slug):
    actor, options, filters, _, errors = _read()
    report = reports.breakdown_report(actor, slug, filters, options)
    return render_template("reports/breakdown.html", report=report, summary=BREAKDOWN_REPORTS[slug][1],
                           endpoint=f"reports.{slug.replace('-', '_')}",
                           **_page_context(options, filters, errors)), 400 if errors else 200


def _breakdown_export(slug, fmt):
    return _export(slug, fmt)


def _breakdown_file(slug, args, fmt, actor, progress):
    actor, options, filters, _, errors = _read(None, args, actor)
    if errors:
        raise ValidationFailed("Correct the report filters", errors=errors)
    report = reports.breakdown_report(actor, slug, filters, options, export_format=fmt)
    tables = []
    for section in report.sections:
        header = [section.group_heading] + [c.heading + (" (%)" if c.kind == "rate" else "") for c in section.columns]
        body = [[row["label"]] + [exports._export_value(row[c.key], c.kind) for c in section.columns]
                for row in section.rows]
        tables.append((section, header, body))
    definitions = _about(filters, options, [("Report", report.title), ("Overdue as of", report.today.isoformat())])
    seen = set()
    for section, _, _ in tables:
        for column in section.columns:
            if (column.heading, column.definition) not in seen:
                seen.add((column.heading, column.definition))
                definitions.append((column.heading, column.definition))
        if section.note:
            definitions.append((section.title, section.note))
    definitions.append(("Small numbers", SUPPRESSION_NOTE))
    name = f"{slug}-{filters.date_from.isoformat()}-to-{filters.date_to.isoformat()}"
    progress(1, 2, "writing the file")
    if fmt == "csv":
        lines = []
        for section, header, body in tables:
            lines += [[section.title], header, *body, []]
        return exports.to_csv(lines[0], lines[1:-1], definitions), name
    sheets = [(f"{i + 1} {section.title}"[:31], header, body) for i, (section, header, body) in enumerate(tables)]
    return exports.to_xlsx(sheets, definitions), name


# --- Exports: a download at once, or a background job with a progress page over long periods --------------

def _report_file(report: str):
    if report == "code-compliance":
        return _code_compliance_file
    if report == "code-rights":
        return _code_rights_file
    if report == "postcode-lottery":
        return _postcode_lottery_file
    return lambda args, fmt, actor, progress: _breakdown_file(report, args, fmt, actor, progress)


def _export(report: str, fmt: str):
    """Periods longer than EXPORT_BACKGROUND_DAYS are built by a job (the request would otherwise be held open);
    shorter ones download at once."""
    actor, _, filters, _, errors = _read()
    if errors:
        raise ValidationFailed("Correct the report filters", errors=errors)
    if (filters.date_to - filters.date_from).days + 1 > current_app.config["EXPORT_BACKGROUND_DAYS"]:
        args = {key: request.args.getlist(key) for key in request.args}
        back = url_for(request.endpoint.removesuffix("_export"), **request.args.to_dict())
        title = (f"{REPORT_TITLES.get(report, report.replace('-', ' ').capitalize())}, "
                 f"{filters.date_from:%-d %B %Y} to {filters.date_to:%-d %B %Y} ({fmt.upper()})")
        export = export_files.start_export(actor, "report", title, {"report": report, "fmt": fmt, "args": args,
                                                                    "back": back})
        return redirect(url_for("exports.show", export_id=export.id))
    body, name = _report_file(report)(request.args, fmt, actor, lambda *a: None)
    return _download(body, name, fmt)


def _build_report_export(export, actor, progress):
    """The ``report`` export kind: the same file as the direct download, built by the job as its requester."""
    params = export.params
    progress(0, 2, "counting the cases")
    body, name = _report_file(params["report"])(MultiDict(params["args"]), params["fmt"], actor, progress)
    return export_files.BuiltFile(f"{name}.{params['fmt']}", EXPORT_TYPES[params["fmt"]], body)


REPORT_TITLES = {"code-compliance": "Victims' Code compliance", "code-rights": "Victims' Code rights",
                 "postcode-lottery": "The postcode lottery",
                 **{slug: spec[0] for slug, spec in BREAKDOWN_REPORTS.items()}}
export_files.register_builder("report", _build_report_export, "report.view")


def _register_breakdowns():
    for slug in BREAKDOWN_REPORTS:
        endpoint = slug.replace("-", "_")
        page = permission_required("report.view")(lambda slug=slug: _breakdown_page(slug))
        export = permission_required("report.view")(lambda fmt, slug=slug: _breakdown_export(slug, fmt))
        bp.add_url_rule(f"/{slug}", endpoint=endpoint, view_func=page)
        for fmt in EXPORT_TYPES:
            bp.add_url_rule(f"/{slug}.{fmt}", endpoint=f"{endpoint}_export", view_func=export, defaults={"fmt": fmt})


_register_breakdowns()
