"""The home page: what each role needs first."""
from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..domain.access import home_page
from ..domain.report_definitions import (
    COMPLIANCE_COLUMNS,
    MEASURES_BY_KEY,
    format_figure,
)
from ..data_rights import presenters as data_rights_presenters
from ..domain.data_rights import RECORDS_REQUESTERS
from ..services import account_changes, break_glass, data_rights, marac, queues, records_requests, reports, search
from ..services import users
from ..services import referrals as referral_service
from ..web import current_actor, permission_required

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    return redirect(url_for("main.home") if current_user.is_authenticated else url_for("auth.sign_in"))


@bp.route("/home")
@login_required
def home():
    actor = current_actor()
    page = request.args.get("page", 1, type=int)
    home = home_page(actor.principal)
    if home == "caseworker":
        return render_template("main/home_caseworker.html", triage=referral_service.triage_list(actor, page, oldest_first=True))
    if home == "advocate":
        return render_template("main/home_advocate.html", counts=queues.action_counts(actor),
                               account_changes_waiting=account_changes.count_waiting(actor),
                               break_glass_waiting=break_glass.waiting_count(actor),
                               marac_overdue=marac.count_overdue(actor) if marac.is_coordinator(actor) else None)
    if home == "dpo":
        requests = data_rights.list_requests(actor, 1, open_only=True)
        return render_template("main/home_dpo.html", page=requests,
                               rows=[data_rights_presenters.request_view(actor, row[0]) for row in requests.items],
                               break_glass_waiting=break_glass.waiting_count(actor),
                               records_waiting=records_requests.waiting_for_decision(actor),
                               records_labels=dict(RECORDS_REQUESTERS),
                               marac_overdue=marac.count_overdue(actor) if marac.is_coordinator(actor) else None)
    if home == "commissioner":
        options, filters, _ = reports.read_filters(actor, {})
        report = reports.code_compliance(actor, filters, "service", options)
        return render_template("main/home_commissioner.html", report=report, fmt=format_figure,
                               measures=MEASURES_BY_KEY, columns=COMPLIANCE_COLUMNS)
    return render_template("main/home_admin.html", users=users.list_users(actor, page),
                           waiting_count=account_changes.count_waiting(actor))


@bp.route("/search")
@permission_required("record.search")
def search_records():
    """The search box's results: people and referrals (caseworkers) or the service's cases (advocates)."""
    text = request.args.get("q", "")
    results = search.search_records(current_actor(), text) if text.strip() else None
    return render_template("main/search.html", text=text, results=results)
