"""Staff notifications: who is told what, and each person's choice of the non-essential emails.

``email_users`` is how any area emails staff: it records a ``staff-email`` job in the caller's transaction (sent
after the commit, never on rollback). Templates live in ``templates/email/`` and get counts, service names and
ids for links, never a victim's details.
"""
from collections.abc import Iterable

from sqlalchemy import delete, select

from ..domain.notifications import NOTIFICATION_KINDS, may_opt_out
from ..extensions import db
from ..models import NotificationOptOut, User
from . import audit, outbox
from .actors import Actor
from .errors import ValidationFailed


def email_users(notification: str, template: str, user_ids: Iterable[int], context: dict | None = None, *,
                dedupe_key: str | None = None, exclude: Iterable[int | None] = ()) -> bool:
    """Email each of ``user_ids`` (except ``exclude``) with ``templates/email/TEMPLATE.txt``, as a notification of
    kind ``notification`` (domain/notifications.py). Nothing is recorded when nobody is left."""
    payload = email_payload(notification, template, user_ids, context, exclude=exclude)
    if payload is None:
        return False
    return outbox.enqueue("staff-email", payload, dedupe_key=dedupe_key) is not None


def email_payload(notification: str, template: str, user_ids: Iterable[int], context: dict | None = None, *,
                  exclude: Iterable[int | None] = ()) -> dict | None:
    """The "staff-email" job's payload that email_users records; None when nobody is left."""
    if notification not in NOTIFICATION_KINDS:
        raise ValueError(f"unknown notification kind {notification!r}")
    skip = {uid for uid in exclude if uid is not None}
    ids = sorted({uid for uid in user_ids if uid is not None and uid not in skip})
    if not ids:
        return None
    return {"template": template, "user_ids": ids, "context": context or {}, "notification": notification}


def service_staff(service_id: int, *, leads_only: bool = False) -> list[int]:
    """Active advocates of a service (or only its leads)."""
    query = select(User.id).where(User.service_id == service_id, User.role == "advocate", User.active.is_(True))
    if leads_only:
        query = query.where(User.is_lead.is_(True))
    return list(db.session.scalars(query.order_by(User.id)))


def users_with_role(role: str) -> list[int]:
    return list(db.session.scalars(select(User.id).where(User.role == role, User.active.is_(True)).order_by(User.id)))


def opted_out(user_id: int, kind: str) -> bool:
    if not may_opt_out(kind):
        return False
    return db.session.get(NotificationOptOut, (user_id, kind)) is not None


def preferences(actor: Actor) -> dict[str, bool]:
    """For each kind of email: whether the actor gets it."""
    off = set(db.session.scalars(select(NotificationOptOut.kind).where(NotificationOptOut.user_id == actor.user_id)))
    return {slug: (kind.essential or slug not in off) for slug, kind in NOTIFICATION_KINDS.items()}


def set_preferences(actor: Actor, wanted: Iterable[str]) -> list[str]:
    """Keep the non-essential kinds in ``wanted``, turn the others off. Returns the kinds now off."""
    wanted = set(wanted)
    unknown = wanted - set(NOTIFICATION_KINDS)
    if unknown:
        raise ValidationFailed(errors=[{"field": "notifications", "message": "Choose from the list"}])
    before = preferences(actor)
    off = sorted(slug for slug in NOTIFICATION_KINDS if may_opt_out(slug) and slug not in wanted)
    db.session.execute(delete(NotificationOptOut).where(NotificationOptOut.user_id == actor.user_id))
    db.session.add_all(NotificationOptOut(user_id=actor.user_id, kind=slug) for slug in off)
    db.session.flush()
    after = preferences(actor)
    changes = {slug: {"before": before[slug], "after": after[slug]} for slug in after if before[slug] != after[slug]}
    if changes:
        audit.record(actor, "update", "notification_preferences", actor.user_id, changes=changes)
    return off


def set_new_case_recipients(actor: Actor, service_slug: str, recipients: str) -> None:
    """A service's setting: new cases are emailed to all its advocates ("advocates") or its leads ("leads")."""
    from ..models import Service
    from .actors import require
    from .errors import NotFound

    require(actor, "service.manage")
    if recipients not in ("advocates", "leads"):
        raise ValidationFailed(errors=[{"field": "recipients", "message": "Choose advocates or leads"}])
    service = db.session.scalar(select(Service).where(Service.slug == service_slug))
    if service is None:
        raise NotFound(f"No service {service_slug!r}", object_type="service", object_id=service_slug)
    if service.new_case_notify != recipients:
        audit.record(actor, "update", "service", service.id, service_id=service.id,
                     changes={"new_case_notify": {"before": service.new_case_notify, "after": recipients}})
        service.new_case_notify = recipients
        db.session.flush()
