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
from ..referrals import drafts
from ..services import account_links, users
from ..services.errors import NotFound, ValidationFailed
from ..web import current_actor
from ..web import sessions as web_sessions
from ..web.forms import apply_service_errors
from ..web.redirects import safe_next
from .forms import ChangePasswordForm, ChooseNewPasswordForm, SignInForm

bp = Blueprint("auth", __name__)


def _login_rate_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignInForm()
    failed = False
    if form.validate_on_submit():
        result = users.authenticate(form.email.data, form.password.data, request.remote_addr)
        if result.user is not None:
            web_sessions.begin(session, result.user)
            login_user(result.user)
            return redirect(second_factor.after_password(safe_next(request.args.get("next"))))
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
    drafts.delete_for_user(current_user.id)  # a half-written referral holds victim data: it goes with the session
    logout_user()
    web_sessions.finish(session)
    flash("You have signed out.", "success")
    return redirect(url_for("auth.sign_in"))


def _password_check_rate_limit():
    return current_app.config["PASSWORD_CHECK_RATE_LIMIT"]


def _signed_in_user_key():
    return f"user:{current_user.get_id()}" if current_user.is_authenticated else request.remote_addr


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@limiter.limit(_password_check_rate_limit, methods=["POST"], key_func=_signed_in_user_key)
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            users.change_password(current_actor(), current_user, form.current_password.data, form.new_password.data,
                                  keep_session_id=session.row_id, ip_address=request.remote_addr)
        except ValidationFailed as error:
            apply_service_errors(form, error)
        except users.AccountLocked:
            # Whoever is guessing the password holds this session: it ends, and this address is locked out.
            logout_user()
            web_sessions.finish(session)
            flash("You were signed out because the current password was wrong too many times. "
                  f"Your account is locked from here for {current_app.config['LOCKOUT_MINUTES']} minutes.", "info")
            return redirect(url_for("auth.sign_in"))
        else:
            login_user(current_user._get_current_object())  # re-issue this session under the new nonce; the others end
            flash("Your password has been changed. You have been signed out on other devices.", "success")
            return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form), 400 if form.errors else 200


def _choose_password_page(token: str, purpose: str, template: str, done_message: str):
    """A one-time link's page. An unknown, used or expired link gets the same 404 page, whoever asks."""
    if account_links.usable_link(token, purpose) is None:
        return render_template("auth/link_expired.html", purpose=purpose), 404
    form = ChooseNewPasswordForm()
    if form.validate_on_submit():
        try:
            account_links.choose_password(token, purpose, form.new_password.data, form.confirm_password.data)
        except NotFound:
            return render_template("auth/link_expired.html", purpose=purpose), 404
        except ValidationFailed as error:
            apply_service_errors(form, error)
        else:
            if current_user.is_authenticated:  # the link was for its own account: whoever is signed in here leaves
                logout_user()
                session.clear()
            flash(done_message, "success")
            return redirect(url_for("auth.sign_in"))
    return render_template(template, form=form), 400 if form.errors else 200


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
def reset_password(token):
    return _choose_password_page(token, account_links.PASSWORD_RESET, "auth/reset_password.html",
                                 "Your password has been changed. Sign in with your new password.")


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
def accept_invitation(token):
    done = ("Your password is set. Sign in to set up your second factor (an authenticator app or a security key)."
            if current_app.config["MFA_REQUIRED"] else "Your password is set. Sign in to start using victimcare.")
    return _choose_password_page(token, account_links.INVITATION, "auth/accept_invitation.html", done)


from . import second_factor  # noqa: E402  (the second step of sign-in, on this blueprint)
