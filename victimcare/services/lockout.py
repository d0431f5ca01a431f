"""Lockout after repeated failures, counted by account and network address.

A wrong password at sign-in, a wrong current password on the change-password page and a wrong second-factor code
all count. After LOCKOUT_THRESHOLD of them from one address, the account is locked *from that address* for
LOCKOUT_MINUTES: a person elsewhere who knows a colleague's email address cannot keep the colleague out. When one
account is locked LOCKOUT_ALERT_COUNT times within LOCKOUT_ALERT_HOURS (from any addresses), the administrators
are emailed: someone is probably guessing.
"""
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from ..domain.clock import utc_now
from ..extensions import db
from ..models import AuditEvent, SignInThrottle, User
from . import audit, notifications
from .actors import Actor

# What was being guessed, for the audit trail.
FAILURE_KINDS = ("password", "current-password", "second-factor")


def _address(ip_address: str | None) -> str:
    return (ip_address or "unknown")[:45]


def _row(user_id: int, ip_address: str | None) -> SignInThrottle | None:
    return db.session.scalar(select(SignInThrottle).where(
        SignInThrottle.user_id == user_id, SignInThrottle.ip_address == _address(ip_address)))


def is_locked(user: User, ip_address: str | None, now: datetime | None = None) -> bool:
    """Whether the account is locked from this address (an administrator's unlock clears users.locked_until)."""
    now = now or utc_now()
    if user.locked_until is None or user.locked_until <= now:
        return False
    row = _row(user.id, ip_address)
    return row is not None and row.locked_until is not None and row.locked_until > now


def record_failure(user: User, ip_address: str | None, kind: str) -> bool:
    """Count one failure from this address; lock at the threshold. Returns whether the account is now locked here."""
    if kind not in FAILURE_KINDS:
        raise ValueError(f"unknown failure kind {kind!r}")
    now = utc_now()
    row = _row(user.id, ip_address)
    if row is None:
        row = SignInThrottle(user_id=user.id, ip_address=_address(ip_address), failures=0)
        db.session.add(row)
    row.failures = (row.failures or 0) + 1
    row.updated_at = now
    actor = Actor.from_user(user)
    if row.failures < current_app.config["LOCKOUT_THRESHOLD"]:
        action = "mfa-failed" if kind == "second-factor" else "sign-in-failed"
        audit.record(actor, action, "user", user.id, changes={"reason": kind})
        db.session.flush()
        return False
    row.failures = 0
    row.locked_until = now + timedelta(minutes=current_app.config["LOCKOUT_MINUTES"])
    user.locked_until = max(user.locked_until or row.locked_until, row.locked_until)
    db.session.flush()
    audit.record(actor, "locked-out", "user", user.id, changes={"reason": kind, "locked_until": row.locked_until})
    _alert_if_repeated(user, now)
    return True


def record_success(user: User, ip_address: str | None) -> None:
    """A correct password (or code) from this address wipes its count."""
    db.session.execute(delete(SignInThrottle).where(
        SignInThrottle.user_id == user.id, SignInThrottle.ip_address == _address(ip_address)))


def unlock(user: User) -> None:
    """Lift every lock of an account (for an administrator's unlock)."""
    db.session.execute(delete(SignInThrottle).where(SignInThrottle.user_id == user.id))
    user.locked_until = None
    user.failed_login_count = 0


def _alert_if_repeated(user: User, now: datetime) -> None:
    hours = current_app.config["LOCKOUT_ALERT_HOURS"]
    since = now - timedelta(hours=hours)
    lockouts = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "locked-out", AuditEvent.object_type == "user", AuditEvent.object_id == str(user.id),
        AuditEvent.occurred_at >= since))
    if lockouts < current_app.config["LOCKOUT_ALERT_COUNT"]:
        return
    addresses = db.session.scalar(select(func.count()).select_from(SignInThrottle).where(
        SignInThrottle.user_id == user.id, SignInThrottle.locked_until >= since))
    notifications.email_users(
        "repeated-lockouts", "repeated_lockouts", notifications.users_with_role("admin"),
        {"account_user_id": user.id, "account_name": user.name, "account_email": user.email,
         "lockouts": lockouts, "hours": hours, "addresses": addresses},
        # One email per account per alert window, however many more lockouts follow.
        dedupe_key=f"repeated-lockouts:{user.id}:{int(now.timestamp() // (hours * 3600))}",
    )


def sweep_stale(now: datetime | None = None) -> int:
    """Forget counts and locks older than a day (nobody came back from that address)."""
    now = now or utc_now()
    cutoff = now - timedelta(hours=max(24, current_app.config["LOCKOUT_ALERT_HOURS"]))
    return db.session.execute(delete(SignInThrottle).where(SignInThrottle.updated_at < cutoff)).rowcount or 0
