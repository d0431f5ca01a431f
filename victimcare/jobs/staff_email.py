"""The ``staff-email`` job kind: one email to one member of staff (several recipients fan out first)."""
from flask import current_app

from .. import mail
from ..extensions import db
from ..models import User
from ..services import notifications, outbox
from .registry import JobFailed, job_kind


@job_kind("staff-email", retry_seconds=(60, 300, 1800, 7200))
def send_staff_email(payload: dict, job) -> None:
    user_ids = [int(uid) for uid in payload.get("user_ids") or []]
    if len(user_ids) > 1:
        # One job per recipient: a failure for one never sends the others twice on retry.
        for user_id in user_ids:
            outbox.enqueue("staff-email", {**payload, "user_ids": [user_id]}, dedupe_key=f"email:{job.id}:{user_id}")
        return
    if not user_ids:
        return
    user = db.session.get(User, user_ids[0])
    if user is None or not user.active:
        return
    kind = payload.get("notification")
    if kind and notifications.opted_out(user.id, kind):
        return
    try:
        rendered = mail.render(payload["template"], user, {**(payload.get("context") or {}), "notification_kind": kind})
    except Exception as error:  # a missing or broken template is a bug: say which, never the data
        current_app.logger.exception("email template %s failed to render", payload.get("template"))
        raise JobFailed(f"the email template {payload.get('template')!r} could not be rendered "
                        f"({type(error).__name__})") from None
    try:
        mail.send(mail.build_message(user.name, user.email, rendered))
    except mail.MailError as error:
        raise JobFailed(str(error)) from None
    # The context may hold one-time links (an invitation): once sent, the job keeps only what it was.
    job.payload = {"template": payload["template"], "user_ids": user_ids, "sent": True}
