"""The Retention area: the DPO's retention report (/retention/), legal holds (/retention/holds, for the DPO and
service leads) and erasure decisions on data-rights requests of kind "erasure"."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from ..domain.access import may_place_legal_hold
from ..domain.clock import london_today
from ..services.errors import Conflict, NotFound, ValidationFailed
from ..services.retention import erasure, holds
from ..services.retention.report import retention_report
from ..web import current_actor, permission_required
from ..web.forms import apply_service_errors
from . import presenters
from .forms import ErasureDecisionForm, LiftHoldForm, PlaceHoldForm

bp = Blueprint("retention", __name__, url_prefix="/retention")


@bp.app_template_global()
def legal_hold_action(person_id: int | None, service_id: int | None, reference: str) -> dict | None:
    """The link on a case page for a lead of its service: put the person's records on legal hold, or see the hold."""
    actor = current_actor()
    if person_id is None or not may_place_legal_hold(actor.principal, {service_id}):
        return None
    current = holds.current_hold(person_id)
    if current is not None:
        return {"href": url_for("retention.hold", hold_id=current.id), "text": "See the legal hold on these records"}
    return {"href": url_for("retention.place_hold", reference=reference), "text": "Put these records on legal hold"}


@bp.route("/")
@permission_required("retention.manage")
def index():
    report = retention_report(current_actor(), london_today())
    return render_template("retention/index.html", report=presenters.report_view(report))


@bp.route("/holds")
@login_required
def holds_list():
    rows = holds.current_holds(current_actor())
    return render_template("retention/holds.html", rows=[presenters.hold_row(row) for row in rows])


@bp.route("/holds/new", methods=["GET", "POST"])
@login_required
def place_hold():
    actor = current_actor()
    holds.require_holds(actor)
    form = PlaceHoldForm(data={"reference": request.args.get("reference", "")} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            hold = holds.place_hold(actor, form.reference.data, form.reason.data, form.detail.data)
        except ValidationFailed as error:
            apply_service_errors(form, error)
        except NotFound as error:
            form.reference.errors = list(form.reference.errors) + [error.message]
        except Conflict as error:
            form.reference.errors = list(form.reference.errors) + [error.message]
        else:
            flash("The records are on legal hold: the retention schedule will not purge them until the hold is "
                  "lifted.", "success")
            return redirect(url_for(".hold", hold_id=hold.id))
    return render_template("retention/place_hold.html", form=form), 400 if form.errors else 200


@bp.route("/holds/<int:hold_id>", methods=["GET", "POST"])
@login_required
def hold(hold_id: int):
    actor = current_actor()
    found, reference = (holds.view_hold if request.method == "GET" else holds.get_hold)(actor, hold_id)
    form = LiftHoldForm()
    if found.lifted_at is None and form.validate_on_submit():
        try:
            holds.lift_hold(actor, hold_id, form.reason.data)
        except ValidationFailed as error:
            apply_service_errors(form, error)
        else:
            flash("The legal hold is lifted: the records follow the retention schedule again.", "success")
            return redirect(url_for(".hold", hold_id=hold_id))
    return render_template("retention/hold.html", hold=presenters.hold_view(found, reference), form=form), \
        400 if form.errors else 200


@bp.route("/erasure/<int:request_id>", methods=["GET", "POST"])
@permission_required("retention.manage")
def erasure_decision(request_id: int):
    actor = current_actor()
    found, decided = erasure.get_erasure_request(actor, request_id)
    form = ErasureDecisionForm()
    if decided is None and form.validate_on_submit():
        try:
            decided = erasure.decide(actor, request_id, form.decision.data, form.grounds.data or [],
                                     form.exemptions.data or [], form.reasons.data)
        except ValidationFailed as error:
            apply_service_errors(form, error)
        else:
            flash("The personal data has been erased: the anonymous figures the reports need remain."
                  if decided.decision == "accepted" else "The request is refused and closed.", "success")
            return redirect(url_for(".erasure_decision", request_id=request_id))
    view = presenters.erasure_view(found, decided, holds.current_hold(found.person_id) if found.person_id else None)
    return render_template("retention/erasure.html", view=view, form=form), 400 if form.errors else 200
