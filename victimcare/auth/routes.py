"""Sign in, sign out and change password."""
from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import limiter
from ..services import users
from ..services.errors import ValidationFailed
from ..web import current_actor
from ..web import sessions as web_sessions
from ..web.forms import apply_service_errors
from .forms import ChangePasswordForm, SignInForm

bp = Blueprint("auth", __name__)


def _login_rate_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def _safe_next(target: str | None) -> str | None:
    # Only same-site paths: an open redirect after sign-in is a phishing aid.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignInForm()
    failed = False
    if form.validate_on_submit():
        result = users.authenticate(form.email.data, form.password.data)
        if result.user is not None:
            web_sessions.begin(session, result.user)
            login_user(result.user)
            return redirect(_safe_next(request.args.get("next")) or url_for("main.home"))
        failed = True
        form.email.errors = list(form.email.errors) + [
            "Enter a correct email address and password. "
            f"After {current_app.config['LOCKOUT_THRESHOLD']} failed attempts an account is locked for "
            f"{current_app.config['LOCKOUT_MINUTES']} minutes."
        ]
    status = 200
    if failed or (request.method == "POST" and form.errors):
        status = 401 if failed else 400
    return render_template("auth/sign_in.html", form=form), status


@bp.route("/sign-out", methods=["POST"])
@login_required
def sign_out():
    users.record_sign_out(current_user)
    logout_user()
    web_sessions.finish(session)
    flash("You have signed out.", "success")
    return redirect(url_for("auth.sign_in"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            users.change_password(current_actor(), current_user, form.current_password.data, form.new_password.data,
                                  keep_session_id=session.row_id)
        except ValidationFailed as error:
            apply_service_errors(form, error)
        else:
            login_user(current_user._get_current_object())  # re-issue this session under the new nonce; the others end
            flash("Your password has been changed. You have been signed out on other devices.", "success")
            return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form), 400 if form.errors else 200
