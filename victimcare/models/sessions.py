"""Signed-in sessions, kept on the server so that signing out (or being signed out) really ends them."""
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class UserSession(db.Model):
    """One signed-in browser. The cookie carries only a random id; this row stores its SHA-256, so a copy of the
    table cannot be turned back into cookies. Deleting the row ends the session wherever the cookie is."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ip_address: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(255))
    # Where this session stands on the second factor: "not-needed" (none enrolled and none required), "pending"
    # (password given, code not yet), "enrol" (MFA_REQUIRED and nothing enrolled yet) or "passed".
    factor_state: Mapped[str] = mapped_column(String(12), default="not-needed")
    # The Flask session's contents (CSRF token, flashed messages, a draft's id), serialised as Flask would.
    data: Mapped[str] = mapped_column(Text, default="{}")


class SignInThrottle(db.Model):
    """Failed attempts at one account from one network address, and the lock they led to.

    Locks are per account *and* address, so someone elsewhere who types a colleague's email address with wrong
    passwords locks only themselves out. ``users.locked_until`` keeps the latest lock's end as a summary (the
    users page shows it; clearing it, as an administrator's unlock does, lifts every lock of the account).
    """

    __tablename__ = "sign_in_throttles"
    __table_args__ = (UniqueConstraint("user_id", "ip_address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    ip_address: Mapped[str] = mapped_column(String(45))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
