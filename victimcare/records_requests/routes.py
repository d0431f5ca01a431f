"""The register of requests for a victim's records, on a case: the staff of the case's service and the data
protection officer. Every read and change goes through services/records_requests.py."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from ..domain import data_rights as rules
from ..domain.access import can_see_service_record, has_permission
from ..services import records_requests
from ..services.errors import ValidationFailed
from ..web import current_actor
from ..web.forms import apply_service_errors
from .forms import RecordsRequestForm

bp = Blueprint("records_requests", __name__, url_prefix="/cases/<int:case_id>/records-requests")
FIELDS = tuple(records_requests.RecordsRequestInput.__dataclass_fields__)


def _labels() -> dict:
    return {"requester": dict(rules.RECORDS_REQUESTERS), "kind": dict(rules.RECORDS_KINDS),
            "decision": dict(rules.RECORDS_DECISIONS), "presumption": rules.COUNSELLING_PRESUMPTION}


def _back(case) -> str | None:
    principal = current_actor().principal
    if has_permission(principal, "case.view") and can_see_service_record(principal, case.service_id):
        return url_for("cases.show", case_id=case.id)
    return None


DATE_FIELDS = ("received_on", "victim_told_on", "disclosed_on")


def _input(form) -> records_requests.RecordsRequestInput:
    return records_requests.RecordsRequestInput(**{
        name: form[name].data if name in DATE_FIELDS else (form[name].data or "") for name in FIELDS})


@bp.route("/")
@login_required
def index(case_id: int):
    case, rows = records_requests.list_for_case(current_actor(), case_id)
    return render_template("records_requests/index.html", case=case, rows=rows, labels=_labels(), back=_back(case))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new(case_id: int):
    case, _ = records_requests.list_for_case(current_actor(), case_id)
    form = RecordsRequestForm()
    if form.validate_on_submit():
        try:
            records_requests.record(current_actor(), case_id, _input(form))
        except ValidationFailed as error:
            apply_service_errors(form, error)
        else:
            flash("The request is on the register and the case's timeline.", "success")
            return redirect(url_for(".index", case_id=case_id))
    return render_template("records_requests/form.html", case=case, form=form, entry=None, labels=_labels(),
                           back=_back(case)), 400 if form.errors else 200


@bp.route("/<int:request_id>", methods=["GET", "POST"])
@login_required
def edit(case_id: int, request_id: int):
    actor = current_actor()
    entry = records_requests.get(actor, case_id, request_id)
    form = RecordsRequestForm(obj=entry if request.method == "GET" else None)
    if request.method == "GET":
        form.version.data = str(entry.version)
    if form.validate_on_submit():
        try:
            records_requests.update(actor, case_id, request_id, _input(form),
                                    expected_version=int(form.version.data) if form.version.data else None)
        except ValidationFailed as error:
            apply_service_errors(form, error)
        else:
            flash("The request is updated.", "success")
            return redirect(url_for(".index", case_id=case_id))
    return render_template("records_requests/form.html", case=entry.case, form=form, entry=entry, labels=_labels(),
                           back=_back(entry.case)), 400 if form.errors else 200

