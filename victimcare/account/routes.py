"""Your account: which emails you get; and, in local development, the emails the app would have sent."""
from email import policy
from email.parser import BytesParser

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import login_required

from .. import mail
from ..domain.notifications import NOTIFICATION_KINDS, kinds_for
from ..services import notifications
from ..web import current_actor
from .forms import NotificationsForm

bp = Blueprint("account", __name__)


@bp.route("/account/notifications", methods=["GET", "POST"], endpoint="notifications")
@login_required
def notifications_page():
    actor = current_actor()
    form = NotificationsForm()
    if form.validate_on_submit():
        # Kinds this role cannot get keep their current setting (a later change of role finds them as they were).
        hidden = [k.slug for k in NOTIFICATION_KINDS.values() if k not in kinds_for(actor.role)]
        current = notifications.preferences(actor)
        notifications.set_preferences(actor, list(form.wanted.data or []) + [s for s in hidden if current[s]])
        flash("Your email choices are saved.", "success")
        return redirect(url_for("account.notifications"))
    current = notifications.preferences(actor)
    if not form.is_submitted():
        form.wanted.data = [slug for slug, on in current.items() if on and not NOTIFICATION_KINDS[slug].essential]
    mine = kinds_for(actor.role)
    optional = [k for k in mine if not k.essential]
    essential = [k for k in mine if k.essential]
    return render_template("account/notifications.html", form=form, optional=optional, essential=essential,
                           mail_configured=bool(current_app.config.get("MAIL_SERVER"))), 400 if form.errors else 200


def _dev_mail_only():
    """The local mail folder is shown only in development, when no mail server is set."""
    if current_app.config["ENV_NAME"] != "development" or current_app.config.get("MAIL_SERVER"):
        abort(404)


def _read(path):
    message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    body = message.get_body(preferencelist=("plain",))
    sent = message["Date"].datetime if message["Date"] is not None else None
    return {"name": path.name, "to": str(message["To"] or ""), "subject": str(message["Subject"] or ""),
            "date": sent, "body": body.get_content() if body is not None else ""}


@bp.route("/dev/mail")
@login_required
def dev_mail():
    _dev_mail_only()
    folder = mail.mail_dir()
    paths = sorted(folder.glob("*.eml"), reverse=True)[:200] if folder.exists() else []
    return render_template("account/dev_mail.html", messages=[_read(p) for p in paths], folder=str(folder))


@bp.route("/dev/mail/<name>")
@login_required
def dev_mail_message(name):
    _dev_mail_only()
    folder = mail.mail_dir()
    path = folder / name
    if not name.endswith(".eml") or "/" in name or name.startswith(".") or not path.is_file():
        abort(404)
    return render_template("account/dev_mail_message.html", message=_read(path))


from . import sessions  # noqa: E402,F401  (Your sessions, on this blueprint)
from . import security  # noqa: E402,F401  (Sign-in security, on this blueprint)
from . import approvals  # noqa: E402,F401  (account changes waiting for approval, on this blueprint)
