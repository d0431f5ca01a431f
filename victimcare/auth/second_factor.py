"""The second step of sign-in, and the gate that keeps every page behind it.

A session starts in one of four states (services/mfa.py): "not-needed", "pending" (a code is owed), "enrol"
(MFA_REQUIRED and nothing enrolled: only enrolment is open) or "passed". Until it is "passed" or "not-needed",
every page but these few sends the person to the step they owe. There is no "remember this device".
"""
import json

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, logout_user

from ..extensions import limiter
from ..services import mfa, security_keys
from ..web import sessions as web_sessions
from ..web.webauthn import relying_party
from .forms import SecondFactorForm
from .routes import bp

NEXT_KEY = "after_second_factor"
OPEN_WHILE_PENDING = {"static", "auth.second_factor", "auth.sign_out", "auth.sign_in", "auth.security_key_options",
                      "auth.security_key_check"}
OPEN_WHILE_ENROLLING = {"static", "auth.sign_out", "auth.sign_in", "account.security", "account.authenticator",
                        "account.security_key_options", "account.security_key_register"}


def after_password(next_path: str | None) -> str:
    """Where sign-in goes once the password is right: the step still owed, or the page asked for."""
    if session.factor_state == "pending":
        session[NEXT_KEY] = next_path
        return url_for("auth.second_factor")
    if session.factor_state == "enrol":
        session[NEXT_KEY] = next_path
        flash("Set up a second factor to finish signing in: every member of staff needs one.", "info")
        return url_for("account.security")
    return next_path or url_for("main.home")


def owed_step() -> str | None:
    """The endpoint this session must go to before any other page, or None."""
    state = getattr(session, "factor_state", None)
    if getattr(session, "row_id", None) is None or state == "passed":
        return None
    if state == "not-needed":
        if not current_app.config["MFA_REQUIRED"]:
            return None
        state = "pending" if mfa.has_second_factor(session.user_id) else "enrol"  # switched on mid-session
    if state == "pending" and request.endpoint not in OPEN_WHILE_PENDING:
        return "auth.second_factor"
    if state == "enrol" and request.endpoint not in OPEN_WHILE_ENROLLING:
        return "account.security"
    return None


@bp.before_app_request
def require_second_factor():
    if request.blueprint == "api":
        return None
    step = owed_step()
    if step is not None:
        return redirect(url_for(step), code=303)
    return None


def _second_factor_rate_limit():
    return current_app.config["SECOND_FACTOR_RATE_LIMIT"]


def _user_key():
    return f"2fa:{current_user.get_id()}" if current_user.is_authenticated else request.remote_addr


@bp.route("/sign-in/second-factor", methods=["GET", "POST"])
@login_required
@limiter.limit(_second_factor_rate_limit, methods=["POST"], key_func=_user_key)
def second_factor():
    if session.factor_state != "pending":
        return redirect(url_for("main.home"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        result = mfa.check_code(current_user, form.code.data, request.remote_addr, session.row_id)
        if result.ok:
            session.factor_state = "passed"
            if result.used_recovery_code:
                flash(f"You used a recovery code: {result.recovery_codes_left} left. Make new ones on Sign-in "
                      "security if you are running low.", "info")
            return redirect(session.pop(NEXT_KEY, None) or url_for("main.home"))
        if result.locked:
            logout_user()
            web_sessions.finish(session)
            flash("You were signed out because the code was wrong too many times. Your account is locked from here "
                  f"for {current_app.config['LOCKOUT_MINUTES']} minutes.", "info")
            return redirect(url_for("auth.sign_in"))
        form.code.errors = list(form.code.errors) + ["The code is not right. Enter the 6-digit code your app shows "
                                                     "now, or an unused recovery code"]
    status = 401 if request.method == "POST" else 200
    factors = mfa.factors_of(current_user.id)
    return render_template("auth/second_factor.html", form=form, has_app=factors["totp"],
                           has_keys=bool(security_keys.keys_of(current_user.id))), status


CHALLENGE = "webauthn_challenge"


@bp.route("/sign-in/second-factor/key/options", methods=["POST"])
@login_required
def security_key_options():
    if session.factor_state != "pending":
        return {"detail": "You have already signed in"}, 409
    rp_id, _ = relying_party()
    options, session[CHALLENGE] = security_keys.authentication_options(current_user, rp_id)
    return current_app.response_class(options, mimetype="application/json")


@bp.route("/sign-in/second-factor/key", methods=["POST"])
@login_required
@limiter.limit(_second_factor_rate_limit, key_func=_user_key)
def security_key_check():
    if session.factor_state != "pending":
        return {"detail": "You have already signed in"}, 409
    payload = request.get_json(silent=True) or {}
    rp_id, origin = relying_party()
    result = security_keys.check_key(current_user, json.dumps(payload.get("credential") or {}),
                                     session.pop(CHALLENGE, ""), rp_id, origin, request.remote_addr, session.row_id)
    if result.ok:
        session.factor_state = "passed"
        return {"redirect": session.pop(NEXT_KEY, None) or url_for("main.home")}
    if result.locked:
        logout_user()
        web_sessions.finish(session)
        flash("You were signed out because the second factor failed too many times. Your account is locked from "
              f"here for {current_app.config['LOCKOUT_MINUTES']} minutes.", "info")
        return {"redirect": url_for("auth.sign_in")}
    return {"detail": "That security key was not accepted. Try again, or use your authenticator app."}, 401
