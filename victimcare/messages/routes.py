"""Messages to victims: GOV.UK Notify's delivery-status callback (the case's Messages page joins it here)."""
import hmac
from datetime import datetime

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, url_for

from .. import uow
from ..domain.access import has_permission
from ..domain.clock import LONDON
from ..extensions import csrf
from ..services import messages
from ..services.errors import ValidationFailed
from ..web import current_actor, permission_required
from ..web.forms import apply_service_errors
from .forms import MessageForm, PreferencesForm, parse_time

bp = Blueprint("messages", __name__)


@bp.route("/notify/status", methods=["POST"], endpoint="notify_status")
@csrf.exempt
def notify_status():
    """Notify posts each status change with the bearer token set in its callback settings."""
    expected = current_app.config.get("NOTIFY_CALLBACK_TOKEN")
    given = request.headers.get("Authorization", "")
    if not expected or not hmac.compare_digest(given.encode(), f"Bearer {expected}".encode()):
        return jsonify({"error": "not authorised"}), 401
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("id"), str) or not isinstance(body.get("status"), str):
        return jsonify({"error": "expected a JSON object with id and status"}), 400
    if not messages.record_status(body["id"][:64], body["status"][:40]):
        uow.rollback()
        return jsonify({"error": "no such message"}), 404
    return "", 204


# --- The case's Messages page ----------------------------------------------------------------------------------

def _case_identity(case):
    from ..cases import presenters

    return presenters.identity(case)


def _london(day, at_time):
    return datetime.combine(day, at_time, tzinfo=LONDON)


@bp.route("/cases/<int:case_id>/messages", methods=["GET", "POST"], endpoint="case_messages")
@permission_required("case.view")
def case_messages(case_id):
    actor = current_actor()
    form = MessageForm(prefix="message")
    rules = PreferencesForm(prefix="rules")
    status = 200
    if request.method == "POST" and "message-submit" in request.form:
        if form.validate_on_submit():
            send_at = None
            if form.send_on.data or form.send_time.data:
                if not (form.send_on.data and form.send_time.data):
                    form.send_on.errors = ["Give both the date and the time to send it, or neither to send it now"]
                else:
                    send_at = _london(form.send_on.data, parse_time(form.send_time.data))
            if not form.send_on.errors:
                try:
                    messages.request_message(
                        actor, case_id, channel=form.channel.data, template=form.template.data,
                        appointment_at=_london(form.appointment_on.data, parse_time(form.appointment_time.data)),
                        place=form.place.data, send_at=send_at)
                except ValidationFailed as error:
                    apply_service_errors(form, error)
                else:
                    flash("The message is on its way." if send_at is None else
                          f"The message will be sent on {send_at:%-d %B at %H:%M}.", "success")
                    return redirect(url_for("messages.case_messages", case_id=case_id))
        status = 400
    elif request.method == "POST" and "rules-save" in request.form:
        if rules.validate_on_submit():
            chosen = set(rules.channels.data or [])
            try:
                messages.update_contact_rules(
                    actor, case_id, may_text="may_text" in chosen, may_email="may_email" in chosen,
                    may_write="may_write" in chosen, safe_from=parse_time(rules.safe_from.data),
                    safe_until=parse_time(rules.safe_until.data))
            except ValidationFailed as error:
                apply_service_errors(rules, error)
            else:
                flash("Safe-contact rules saved.", "success")
                return redirect(url_for("messages.case_messages", case_id=case_id))
        status = 400
    options = messages.message_options(actor, case_id)
    person = options.case.referral.person
    if request.method == "GET" and person is not None:
        rules.channels.data = [f for f in ("may_text", "may_email", "may_write") if getattr(person, f)]
        rules.safe_from.data = f"{person.safe_contact_from:%H:%M}" if person.safe_contact_from else ""
        rules.safe_until.data = f"{person.safe_contact_until:%H:%M}" if person.safe_contact_until else ""
    may_work = has_permission(actor.principal, "case.work")
    return render_template("messages/case_messages.html", case=options.case, who=_case_identity(options.case),
                           options=options, message_form=form, rules=rules, may_work=may_work, person=person,
                           channel_labels=messages.CHANNEL_LABELS, template_labels=messages.TEMPLATES,
                           status_labels=messages.STATUS_LABELS,
                           form=form if form.errors else (rules if rules.errors else None)), status
