"""The data protection officer's pages: the list of requests, recording one, and working on it. Every read and
change goes through services/data_rights.py; every other role is refused (403)."""
from flask import Blueprint, flash, redirect, render_template, request, url_for

from ..domain.contact_details import phone_for_display
from ..services import data_rights, subject_access
from ..services.errors import ValidationFailed
from ..web import current_actor, permission_required
from ..web.forms import apply_service_errors
from . import presenters
from .forms import (
    CloseForm,
    CorrectionForm,
    ExtendForm,
    NewRequestForm,
    PauseForm,
    RedactionsForm,
    ReleaseForm,
    ResumeForm,
    TakeOverForm,
)

bp = Blueprint("data_rights", __name__, url_prefix="/data-rights")
PERMISSION = "data-rights.manage"


@bp.route("/")
@permission_required(PERMISSION)
def index():
    actor = current_actor()
    show_all = request.args.get("show") == "all"
    page = data_rights.list_requests(actor, request.args.get("page", 1, type=int), open_only=not show_all)
    rows = [presenters.request_view(actor, row[0]) for row in page.items]
    return render_template("data_rights/index.html", page=page, rows=rows, show_all=show_all)


@bp.route("/new", methods=["GET", "POST"])
@permission_required(PERMISSION)
def new():
    form = NewRequestForm()
    if form.validate_on_submit():
        try:
            created = data_rights.record_request(current_actor(), data_rights.NewRequest(
                kind=form.kind.data, reference=form.reference.data, requester=form.requester.data,
                requester_name=form.requester_name.data or "", authority_seen=form.authority_seen.data or "",
                identity_check=form.identity_check.data, identity_check_note=form.identity_check_note.data or "",
                received_on=form.received_on.data, scope=form.scope.data or ""))
        except ValidationFailed as error:
            apply_service_errors(form, error)
        else:
            flash("The request is recorded. Its deadline is shown below.", "success")
            return redirect(url_for(".show", request_id=created.id))
    return render_template("data_rights/new.html", form=form), 400 if form.errors else 200


@bp.route("/<int:request_id>")
@permission_required(PERMISSION)
def show(request_id: int):
    actor = current_actor()
    found = data_rights.get_request(actor, request_id)
    return render_template("data_rights/show.html", view=presenters.request_view(actor, found),
                           pause_form=PauseForm(), resume_form=ResumeForm(), close_form=CloseForm(),
                           take_over_form=TakeOverForm())


@bp.route("/<int:request_id>/pause", methods=["POST"])
@permission_required(PERMISSION)
def pause(request_id: int):
    form = PauseForm()
    if form.validate_on_submit():
        data_rights.pause(current_actor(), request_id, form.reason.data)
        flash("The clock is paused. Restart it when you have what you need.", "success")
        return redirect(url_for(".show", request_id=request_id))
    return _show_with(request_id, pause_form=form)


@bp.route("/<int:request_id>/resume", methods=["POST"])
@permission_required(PERMISSION)
def resume(request_id: int):
    if ResumeForm().validate_on_submit():
        data_rights.resume(current_actor(), request_id)
        flash("The clock is running again; the deadline moved by the days it was paused.", "success")
    return redirect(url_for(".show", request_id=request_id))


@bp.route("/<int:request_id>/close", methods=["POST"])
@permission_required(PERMISSION)
def close(request_id: int):
    form = CloseForm()
    if form.validate_on_submit():
        try:
            data_rights.close(current_actor(), request_id, form.status.data, form.note.data or "")
        except ValidationFailed as error:
            apply_service_errors(form, error)
        else:
            flash("The request is closed.", "success")
            return redirect(url_for(".show", request_id=request_id))
    return _show_with(request_id, close_form=form)


@bp.route("/<int:request_id>/take-over", methods=["POST"])
@permission_required(PERMISSION)
def take_over(request_id: int):
    if TakeOverForm().validate_on_submit():
        data_rights.take_over(current_actor(), request_id)
        flash("You are now working on this request.", "success")
    return redirect(url_for(".show", request_id=request_id))


@bp.route("/<int:request_id>/extend", methods=["GET", "POST"])
@permission_required(PERMISSION)
def extend(request_id: int):
    actor = current_actor()
    found = data_rights.get_request(actor, request_id)
    form = ExtendForm()
    if form.validate_on_submit():
        try:
            data_rights.extend(actor, request_id, form.months.data, form.reason.data, form.told_on.data)
        except ValidationFailed as error:
            apply_service_errors(form, error)
        else:
            flash("The deadline is extended.", "success")
            return redirect(url_for(".show", request_id=request_id))
    return render_template("data_rights/extend.html", form=form, view=presenters.request_view(actor, found)), (
        400 if form.errors else 200)


def _show_with(request_id: int, **forms):
    actor = current_actor()
    found = data_rights.get_request(actor, request_id)
    context = {"pause_form": PauseForm(), "resume_form": ResumeForm(), "close_form": CloseForm(),
               "take_over_form": TakeOverForm(), **forms}
    form = next(iter(forms.values()))
    return render_template("data_rights/show.html", view=presenters.request_view(actor, found), form=form,
                           **context), 400


@bp.route("/<int:request_id>/record")
@permission_required(PERMISSION)
def record(request_id: int):
    """The person's whole record within the request (audited with the request's id), its flagged items and the
    redactions form, and the release."""
    actor = current_actor()
    found, copy = subject_access.open_record(actor, request_id)
    return render_template("data_rights/record.html", view=presenters.request_view(actor, found), copy=copy,
                           form=RedactionsForm(), release_form=ReleaseForm(), flagged=len(copy.flagged()),
                           **subject_access.document_context(copy))


@bp.route("/<int:request_id>/redactions", methods=["POST"])
@permission_required(PERMISSION)
def redactions(request_id: int):
    if RedactionsForm().validate_on_submit():
        saved = subject_access.save_redactions(current_actor(), request_id, request.form.getlist("redact"))
        count = len(saved.redactions or ())
        flash(f"{count} item{'s' if count != 1 else ''} will be withheld from the released copy.", "success")
    return redirect(url_for(".record", request_id=request_id))


@bp.route("/<int:request_id>/release", methods=["POST"])
@permission_required(PERMISSION)
def release(request_id: int):
    if not ReleaseForm().validate_on_submit():
        return redirect(url_for(".record", request_id=request_id))
    export = subject_access.start_release(current_actor(), request_id,
                                          back=url_for(".show", request_id=request_id))
    return redirect(url_for("exports.show", export_id=export.id))


@bp.route("/<int:request_id>/correction", methods=["GET", "POST"])
@permission_required(PERMISSION)
def correction(request_id: int):
    """Rectification: the person's details as held, corrected with the reason; only the fields changed are kept."""
    actor = current_actor()
    found, person = data_rights.person_for_correction(actor, request_id)
    fields = ("given_name", "family_name", "date_of_birth", "postcode", "phone", "email", "address")
    current = {name: getattr(person, name) for name in fields} | {"phone": phone_for_display(person.phone)}
    form = CorrectionForm(data=current if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            changed = data_rights.correct_details(actor, request_id, {name: form[name].data for name in fields},
                                                  form.reason.data)
        except ValidationFailed as error:
            apply_service_errors(form, error)
        else:
            flash(f"Corrected: {', '.join(form[name].label.text.lower() for name in changed)}.", "success")
            return redirect(url_for(".show", request_id=request_id))
    return render_template("data_rights/correction.html", form=form, view=presenters.request_view(actor, found)), (
        400 if form.errors else 200)
