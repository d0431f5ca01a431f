"""The audit area (HTML pages): admins search and export the trail, a service lead reads a case's access log,
the Commissioner sees monthly counts and the chain's verification."""

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)

from ..domain.clock import utc_now
from ..services import audit_access_log, audit_queries
from ..web import current_actor, permission_required
from .forms import EventSearchForm

bp = Blueprint("audit", __name__)


def _search_form() -> EventSearchForm:
    form = EventSearchForm(formdata=request.args)
    actor = current_actor()
    form.reference_exists = lambda reference: audit_queries.referral_exists(actor, reference)
    return form


def _searched(form: EventSearchForm) -> bool:
    return any(name in request.args for name in form._fields if name != "submit")


@bp.route("/events", endpoint="events")
@permission_required("audit.view")
def events():
    form = _search_form()
    if _searched(form) and not form.validate():
        return render_template("audit/events.html", form=form, events=None, filters=None), 400
    filters = form.filters()
    page = audit_queries.search_events(current_actor(), filters, request.args.get("page", 1, type=int))
    return render_template(
        "audit/events.html", form=form, events=page, filters=filters,
        changed_field_names=audit_queries.changed_field_names, action_label=audit_queries.action_label,
    )


@bp.route("/events.csv", endpoint="events_csv")
@permission_required("audit.export")
def events_csv():
    form = _search_form()
    if _searched(form) and not form.validate():
        return render_template("audit/events.html", form=form, events=None, filters=None), 400
    filters = form.filters()
    up_to_id = audit_queries.start_export(current_actor(), filters)
    filename = f"audit-events-{utc_now():%Y%m%d-%H%M%S}.csv"
    return Response(
        stream_with_context(audit_queries.export_rows(filters, up_to_id)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/cases/<int:case_id>", endpoint="case_access_log")
@permission_required("case.view")
def case_access_log(case_id):
    heading, page = audit_access_log.case_access_log(
        current_actor(), case_id, request.args.get("page", 1, type=int)
    )
    return render_template(
        "audit/case_access_log.html", heading=heading, events=page,
        field_names=audit_access_log.plain_field_names, action_label=audit_queries.action_label,
        object_label=audit_access_log.object_label,
    )


@bp.route("/summary", endpoint="summary")
@permission_required("audit.summary")
def summary():
    return render_template(
        "audit/summary.html", summary=audit_queries.audit_summary(current_actor()),
        action_label=audit_queries.action_label,
    )


@bp.route("/summary/verify", methods=["POST"], endpoint="verify")
@permission_required("audit.summary")
def verify():
    result = audit_queries.verify_now(current_actor())
    if result.ok:
        flash(f"The audit chain is whole: {result.events_checked:,} events verified.", "success")
    else:
        flash(f"The audit chain is broken at event {result.first_broken_seq}. {result.message}", "error")
    return redirect(url_for("audit.summary"))
