"""One-time account links: a password reset, and an invitation to choose a first password.

An administrator starts a link; the token is returned once (the page shows it for the administrator to pass on)
and emailed to the person when email is configured; only its SHA-256 is stored. The link works once, until it
expires, and only for an active account. The administrator never sets or learns a password: the person chooses
it on the link's page. Using a link ends every other session of the account and lifts a lockout.
"""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select, update

from ..domain.clock import utc_now
from ..extensions import db
from ..models import AccountLink, User
from . import audit, lockout, notifications
from .actors import Actor
from .errors import Conflict, NotFound, ValidationFailed
from .users import MIN_PASSWORD_LENGTH, create_user, end_all_sessions_of, get_user, hash_password

PASSWORD_RESET = "password-reset"
INVITATION = "invitation"
PURPOSES = {
    # purpose: (setting for its lifetime in hours, email template, audit action when started)
    PASSWORD_RESET: ("PASSWORD_RESET_HOURS", "password_reset", "password-reset-started"),
    INVITATION: ("INVITE_HOURS", "invitation", "invited"),
}


@dataclass(frozen=True)
class IssuedLink:
    """A link just made: ``token`` goes into the URL and is never stored or shown again."""

    user: User
    token: str
    expires_at: datetime
    emailed: bool


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_link(actor: Actor, user: User, purpose: str) -> IssuedLink:
    """Make a new link of this purpose for ``user`` (any earlier one of the same purpose stops working), record
    it, and email it to the person when email is configured. The caller has checked the actor's permission."""
    hours_setting, template, action = PURPOSES[purpose]
    now = utc_now()
    db.session.execute(
        update(AccountLink)
        .where(AccountLink.user_id == user.id, AccountLink.purpose == purpose, AccountLink.used_at.is_(None))
        .values(expires_at=now)
    )
    token = secrets.token_urlsafe(32)
    hours = current_app.config[hours_setting]
    link = AccountLink(user_id=user.id, purpose=purpose, token_hash=_digest(token), created_by_id=actor.user_id,
                       created_at=now, expires_at=now + timedelta(hours=hours))
    db.session.add(link)
    db.session.flush()
    audit.record(actor, action, "user", user.id, changes={"expires_at": {"after": link.expires_at}})
    emailed = bool(current_app.config.get("MAIL_SERVER"))
    if emailed:
        # The staff-email job drops the token from its stored payload once the message is sent.
        notifications.email_users("account", template, [user.id], {"token": token, "hours": hours},
                                  dedupe_key=f"account-link:{link.id}")
    return IssuedLink(user=user, token=token, expires_at=link.expires_at, emailed=emailed)


def invite_user(actor: Actor, email: str, name: str, role: str, service_slug: str | None = None,
                is_lead=False) -> IssuedLink:
    """An administrator makes an account with no password, and an invitation link for the person to choose it."""
    user = create_user(actor, email, name, role, None, service_slug=service_slug, is_lead=is_lead)
    return issue_link(actor, user, INVITATION)


def reinvite(actor: Actor, user_id: int) -> IssuedLink:
    """A new invitation link for an account whose person has not chosen a password yet (the old link stops)."""
    user = get_user(actor, user_id)
    if not user.active:
        raise Conflict("Reactivate this account before inviting its person again")
    if user.has_password:
        raise Conflict("This person has already chosen a password: reset it instead")
    return issue_link(actor, user, INVITATION)


def start_password_reset(actor: Actor, user_id: int) -> IssuedLink:
    """An administrator starts a reset for an active account; the person chooses the new password."""
    user = get_user(actor, user_id)
    if not user.active:
        raise Conflict("Reactivate this account before resetting its password")
    return issue_link(actor, user, PASSWORD_RESET)


def unlock(actor: Actor, user_id: int) -> User:
    """Lift a lockout after failed sign-ins, so the person can try again at once."""
    user = get_user(actor, user_id)
    was_locked = bool(user.locked_until and user.locked_until > utc_now())
    lockout.unlock(user)
    audit.record(actor, "unlocked", "user", user.id, changes={"locked": {"before": was_locked, "after": False}})
    return user


def usable_link(token: str, purpose: str) -> AccountLink | None:
    """The unexpired, unused link of this purpose for an active account, or None (the page says the same for an
    unknown, used or expired link, so it tells nobody which accounts exist)."""
    if not token or len(token) > 100:
        return None
    link = db.session.scalar(select(AccountLink).where(AccountLink.token_hash == _digest(token),
                                                      AccountLink.purpose == purpose))
    if link is None or link.used_at is not None or link.expires_at <= utc_now() or not link.user.active:
        return None
    return link


def choose_password(token: str, purpose: str, new_password: str, confirm_password: str) -> User:
    """The person behind a link chooses their password: it works once, lifts any lockout and ends every other
    session of the account. Raises NotFound for a link that cannot be used."""
    link = usable_link(token, purpose)
    if link is None:
        raise NotFound("This link has expired or has already been used", object_type="account_link")
    errors = []
    if len(new_password or "") < MIN_PASSWORD_LENGTH:
        errors.append({"field": "new_password", "message": f"Password must be at least {MIN_PASSWORD_LENGTH} characters"})
    elif new_password != confirm_password:
        errors.append({"field": "confirm_password", "message": "Passwords must match"})
    if errors:
        raise ValidationFailed(errors=errors)
    user = link.user
    now = utc_now()
    link.used_at = now
    user.password_hash = hash_password(new_password)
    lockout.unlock(user)
    action = "password-reset" if purpose == PASSWORD_RESET else "invitation-accepted"
    end_all_sessions_of(user, action, Actor.from_user(user))
    audit.record(Actor.from_user(user), action, "user", user.id, changes={"password": {"changed": True}})
    db.session.flush()
    return user


def sweep_expired(now: datetime | None = None) -> dict:
    """Delete links that expired or were used more than a day ago (the audit trail keeps what happened)."""
    cutoff = (now or utc_now()) - timedelta(days=1)
    result = db.session.execute(
        delete(AccountLink).where((AccountLink.expires_at < cutoff) | (AccountLink.used_at < cutoff))
    )
    return {"deleted": result.rowcount or 0}
