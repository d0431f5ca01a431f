"""Administration: staff accounts. Admins never see case content."""
from flask import Blueprint, flash, redirect, render_template, request, url_for

from ..services import account_changes, account_links, mfa, users
from ..services import sessions as session_service
from ..services.errors import ValidationFailed
from ..web import current_actor, permission_required
from ..web.forms import apply_service_errors
from ..domain.access import opens_case_data
from ..domain.vocab import ROLES, SERVICES
from .forms import AccessForm, NewUserForm, SecondFactorResetForm
from .presenters import account_status, is_locked

bp = Blueprint("admin", __name__)


@bp.app_context_processor  # the admin home page shows the users table too
def account_helpers():
    return {"account_status": account_status, "is_locked": is_locked}


@bp.route("/users", endpoint="users")
@permission_required("user.manage")
def users_list():
    page = request.args.get("page", 1, type=int)
    actor = current_actor()
    filters = users.UserFilters(search=(request.args.get("q") or "")[:100], role=request.args.get("role") or "",
                                service=request.args.get("service") or "")
    filter_args = {key: value for key, value in (("q", filters.search), ("role", filters.role),
                                                 ("service", filters.service)) if value}
    return render_template("admin/users.html", users=users.list_users(actor, page, filters=filters),
                           filters=filters, filter_args=filter_args, roles=ROLES, services=SERVICES,
                           waiting_count=account_changes.count_waiting(actor))


@bp.route("/users/new", methods=["GET", "POST"])
@permission_required("user.manage")
def new_user():
    form = NewUserForm()
    if form.validate_on_submit():
        try:
            user, issued, change = account_changes.create_account(
                current_actor(), form.email.data, form.name.data, form.role.data,
                service_slug=form.service.data or None, is_lead=form.is_lead.data,
                is_marac_coordinator=form.is_marac_coordinator.data,
            )
        except ValidationFailed as error:
            apply_service_errors(form, error)
        else:
            if change is not None:
                flash(f"{user.name}'s account waits for {_approver_text(change)} to approve it. "
                      "Then you can make their invitation link here.", "success")
                return redirect(url_for("admin.user", user_id=user.id))
            return _show_link(issued, "invitation")
    return render_template("admin/new_user.html", form=form), 400 if form.errors else 200


def _approver_text(change) -> str:
    return f"a lead of {change.service.name}" if change.approver_service_id else "another administrator"


def _show_link(issued, purpose: str):
    """The one showing of a one-time link, on the response to the POST that made it (never stored to show again)."""
    endpoint = "auth.accept_invitation" if purpose == "invitation" else "auth.reset_password"
    url = url_for(endpoint, token=issued.token, _external=True)
    return render_template("admin/account_link.html", issued=issued, url=url, purpose=purpose)


@bp.route("/users/<int:user_id>")
@permission_required("user.manage")
def user(user_id):
    return _user_page(users.get_user(current_actor(), user_id), SecondFactorResetForm())


def _user_page(user, reset_form, status=200):
    change = account_changes.pending_change_for(user.id)
    return render_template("admin/user.html", user=user, change=change, form=reset_form,
                           has_second_factor=mfa.has_second_factor(user.id),
                           approver=_approver_text(change) if change else None), status


@bp.route("/users/<int:user_id>/second-factor-reset", methods=["POST"])
@permission_required("user.manage")
def request_second_factor_reset(user_id):
    """Ask for a second-factor reset: it waits for a second person (services/account_changes.py)."""
    actor = current_actor()
    user = users.get_user(actor, user_id)
    form = SecondFactorResetForm()
    if form.validate_on_submit():
        try:
            change = account_changes.request_second_factor_reset(actor, user.id, form.reason.data)
        except ValidationFailed as error:
            apply_service_errors(form, error)
        else:
            flash(f"The second-factor reset waits for {_approver_text(change)} to approve it. Until then "
                  f"{user.name}'s second factor is unchanged.", "success")
            return redirect(url_for("admin.user", user_id=user.id))
    return _user_page(user, form, 400)


@bp.route("/users/<int:user_id>/access", methods=["GET", "POST"])
@permission_required("user.manage")
def change_access(user_id):
    user = users.get_user(current_actor(), user_id)
    form = AccessForm()
    if not form.is_submitted():
        form.role.data, form.is_lead.data = user.role, user.is_lead
        form.is_marac_coordinator.data = bool(user.is_marac_coordinator)
        form.service.data = user.service.slug if user.service else ""
    if form.validate_on_submit():
        try:
            user, change = account_changes.change_access(current_actor(), user_id, form.role.data,
                                                         form.service.data or None, form.is_lead.data,
                                                         form.is_marac_coordinator.data)
        except ValidationFailed as error:
            apply_service_errors(form, error)
        else:
            if change is not None:
                flash(f"The change waits for {_approver_text(change)} to approve it. Until then "
                      f"{user.name}'s access is as it was.", "success")
            else:
                flash(f"{user.name}'s access has changed.", "success")
            return redirect(url_for("admin.user", user_id=user.id))
    return render_template("admin/change_access.html", user=user, form=form), 400 if form.errors else 200


@bp.route("/users/<int:user_id>/password-reset", methods=["POST"])
@permission_required("user.manage")
def start_password_reset(user_id):
    return _show_link(account_links.start_password_reset(current_actor(), user_id), "password-reset")


@bp.route("/users/<int:user_id>/invitation", methods=["POST"])
@permission_required("user.manage")
def reinvite(user_id):
    return _show_link(account_links.reinvite(current_actor(), user_id), "invitation")


@bp.route("/users/<int:user_id>/unlock", methods=["POST"])
@permission_required("user.manage")
def unlock(user_id):
    user = account_links.unlock(current_actor(), user_id)
    flash(f"{user.name}'s account is unlocked. They can sign in again now.", "success")
    return redirect(url_for("admin.user", user_id=user.id))


@bp.route("/users/<int:user_id>/deactivate")
@permission_required("user.manage")
def confirm_deactivation(user_id):
    actor = current_actor()
    user = users.get_user(actor, user_id)
    held = users.workload(actor, user_id)
    queue_link = url_for("cases.queue", assignee=user.id, _external=True) if held["open_cases"] else None
    return render_template("admin/deactivate.html", user=user, held=held, queue_link=queue_link,
                           reactivation_needs_approval=opens_case_data(user.role))


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@permission_required("user.manage")
def set_active(user_id):
    active = request.form.get("active") == "true"
    user, change = account_changes.set_active(current_actor(), user_id, active)
    if change is not None:
        flash(f"Reactivating {user.name} waits for {_approver_text(change)} to approve it.", "success")
    else:
        flash(f"{user.name} is now {'active' if active else 'deactivated and signed out'}.", "success")
    return redirect(url_for("admin.user", user_id=user.id))


@bp.route("/users/<int:user_id>/sessions/end", methods=["POST"])
@permission_required("user.manage")
def end_sessions(user_id):
    user, ended = session_service.end_sessions_for_user(current_actor(), user_id)
    flash(f"{user.name} has been signed out of {ended} session{'s' if ended != 1 else ''}.", "success")
    return redirect(url_for("admin.user", user_id=user.id))


from . import background  # noqa: E402,F401  (webhooks, sweeps and failed jobs pages on this blueprint)
