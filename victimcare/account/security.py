"""Sign-in security: the authenticator app and recovery codes (and, later, security keys)."""
import segno
from flask import current_app, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from .. import crypto
from ..services import mfa
from ..services.errors import ValidationFailed
from ..web import current_actor
from ..web.forms import apply_service_errors
from .forms import AuthenticatorForm
from .routes import bp

PENDING_SECRET = "pending_totp_secret"


@bp.route("/account/security", endpoint="security")
@login_required
def security_page():
    return render_template("account/security.html", factors=mfa.factors_of(current_user.id),
                           enrolling=session.factor_state == "enrol",
                           required=current_app.config["MFA_REQUIRED"])


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
    if current_app.config["MFA_REQUIRED"]:
        session.factor_state = "enrol"
        mfa.set_factor_state(session.row_id, "enrol")
        flash("Your authenticator app is removed. Set up another second factor to carry on.", "info")
    else:
        session.factor_state = "not-needed"
        mfa.set_factor_state(session.row_id, "not-needed")
        flash("Your authenticator app is removed. You now sign in with your password alone.", "success")
    return redirect(url_for("account.security"))
