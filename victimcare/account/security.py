"""Sign-in security: the authenticator app and recovery codes (and, later, security keys)."""
import json

import segno
from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from .. import crypto
from ..services import mfa, security_keys
from ..services.errors import ValidationFailed
from ..web import current_actor
from ..web.forms import apply_service_errors
from ..web.webauthn import relying_party
from .forms import AuthenticatorForm, SecurityKeyNameForm
from .routes import bp

PENDING_SECRET = "pending_totp_secret"


@bp.route("/account/security", methods=["GET", "POST"], endpoint="security")
@login_required
def security_page():
    key_error, status = None, 200
    if request.method == "POST":  # "Add a security key" submitted without JavaScript, which adding a key needs
        form = SecurityKeyNameForm()
        key_error = (form.key_name.errors[0] if not form.validate() and form.key_name.errors else
                     "Adding a security key needs JavaScript. Turn it on in your browser, or set up an "
                     "authenticator app instead.")
        status = 400
    return render_template("account/security.html", factors=mfa.factors_of(current_user.id),
                           keys=security_keys.keys_of(current_user.id),
                           enrolling=session.factor_state == "enrol",
                           required=current_app.config["MFA_REQUIRED"], key_error=key_error), status


def _pending_secret() -> str:
    """The secret being set up, kept (encrypted) in this server-side session until a code proves the app has it."""
    stored = session.get(PENDING_SECRET)
    if stored:
        return crypto.decrypt(stored)
    secret = mfa.new_secret()
    session[PENDING_SECRET] = crypto.encrypt(secret)
    return secret


def _qr_svg(uri: str) -> Markup:
    # Drawn here as SVG: the secret never leaves the server for a QR service, and no script is needed.
    svg = segno.make(uri, error="m").svg_inline(scale=5, border=2, dark="#0b0c0c", light="#ffffff", omitsize=False)
    return Markup(svg.replace("<svg ", '<svg role="img" aria-label="QR code for your authenticator app" ', 1))


@bp.route("/account/security/authenticator", methods=["GET", "POST"], endpoint="authenticator")
@login_required
def authenticator_page():
    form = AuthenticatorForm()
    secret = _pending_secret()
    if form.validate_on_submit():
        try:
            codes = mfa.enrol_totp(current_actor(), secret, form.code.data, session.row_id)
        except ValidationFailed as error:
            apply_service_errors(form, error)
        else:
            session.pop(PENDING_SECRET, None)
            was_enrolling = session.factor_state == "enrol"
            session.factor_state = "passed"
            return render_template("account/recovery_codes.html", codes=codes, first_time=True,
                                   continue_to=(session.pop("after_second_factor", None) if was_enrolling else None)
                                   or url_for("main.home"))
    uri = mfa.provisioning_uri(current_user, secret)
    grouped = " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
    return render_template("account/authenticator.html", form=form, qr=_qr_svg(uri), secret=grouped,
                           replacing=mfa.has_second_factor(current_user.id)), 400 if form.errors else 200


@bp.route("/account/security/recovery-codes", methods=["POST"], endpoint="new_recovery_codes")
@login_required
def new_recovery_codes():
    codes = mfa.regenerate_recovery_codes(current_actor())
    return render_template("account/recovery_codes.html", codes=codes, first_time=False,
                           continue_to=url_for("account.security"))


@bp.route("/account/security/authenticator/remove", methods=["POST"], endpoint="remove_authenticator")
@login_required
def remove_authenticator():
    mfa.remove_totp(current_actor())
    if mfa.has_second_factor(current_user.id):
        flash("Your authenticator app is removed. You sign in with your security key.", "success")
    elif current_app.config["MFA_REQUIRED"]:
        session.factor_state = "enrol"
        mfa.set_factor_state(session.row_id, "enrol")
        flash("Your authenticator app is removed. Set up another second factor to carry on.", "info")
    else:
        session.factor_state = "not-needed"
        mfa.set_factor_state(session.row_id, "not-needed")
        flash("Your authenticator app is removed. You now sign in with your password alone.", "success")
    return redirect(url_for("account.security"))


CHALLENGE = "webauthn_challenge"


@bp.route("/account/security/keys/options", methods=["POST"], endpoint="security_key_options")
@login_required
def security_key_options():
    rp_id, _ = relying_party()
    options, session[CHALLENGE] = security_keys.registration_options(current_user, rp_id)
    return current_app.response_class(options, mimetype="application/json")


@bp.route("/account/security/keys", methods=["POST"], endpoint="security_key_register")
@login_required
def security_key_register():
    payload = request.get_json(silent=True) or {}
    rp_id, origin = relying_party()
    try:
        security_keys.register(current_actor(), json.dumps(payload.get("credential") or {}), session.pop(CHALLENGE, ""),
                               rp_id, origin, str(payload.get("name") or ""), session.row_id)
    except ValidationFailed as error:
        return {"detail": error.errors[0]["message"]}, 422
    was_enrolling = session.factor_state == "enrol"
    session.factor_state = "passed"
    flash("Your security key is added. victimcare will ask for it (or your app) each time you sign in.", "success")
    if was_enrolling:  # signing in: on to the page asked for
        return {"redirect": session.pop("after_second_factor", None) or url_for("main.home")}
    return {"redirect": url_for("account.security")}


@bp.route("/account/security/keys/<int:key_id>/remove", methods=["POST"], endpoint="remove_security_key")
@login_required
def remove_security_key(key_id):
    security_keys.remove_key(current_actor(), key_id)
    if not mfa.has_second_factor(current_user.id):
        state = "enrol" if current_app.config["MFA_REQUIRED"] else "not-needed"
        session.factor_state = state
        mfa.set_factor_state(session.row_id, state)
    flash("The security key is removed.", "success")
    return redirect(url_for("account.security"))
