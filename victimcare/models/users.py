"""Staff accounts and API tokens."""
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow


# The password hash of an invited account that has not chosen its password yet: no password verifies against it.
NO_PASSWORD = "!invited"


def new_session_nonce() -> str:
    return secrets.token_urlsafe(16)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"), index=True)
    is_lead: Mapped[bool] = mapped_column(Boolean, default=False)
    # Runs MARAC meetings for their service (domain/access.py is_marac_coordinator); set like the lead flag.
    is_marac_coordinator: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_login_count: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Part of the session identity: changing it (password change, deactivation) ends every other session.
    session_nonce: Mapped[str] = mapped_column(String(32), default=new_session_nonce)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_signed_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    service = relationship("Service", lazy="joined")

    def get_id(self) -> str:
        return f"{self.id}:{self.session_nonce}"

    @property
    def has_password(self) -> bool:
        """False for an invited account whose person has not yet chosen a password."""
        return self.password_hash != NO_PASSWORD

    @property
    def is_active(self) -> bool:  # flask-login refuses inactive users
        return bool(self.active)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class ApiToken(db.Model):
    """A bearer token for the JSON API. Only the SHA-256 of the token is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # API_TOKEN_DAYS after it was made (services/api_tokens.py); a read-only token may not write.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    read_only: Mapped[bool] = mapped_column(Boolean, default=False)

    user = relationship("User", lazy="joined")


class AccountLink(db.Model):
    """A one-time link an administrator starts for a person: an invitation to choose a first password, or a
    password reset. Only the SHA-256 of the link's token is stored; the token itself is shown once."""

    __tablename__ = "account_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))  # "invitation" or "password-reset"
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user = relationship("User", foreign_keys=[user_id], lazy="joined")


class AccountChange(db.Model):
    """A change that gives an account access to case data, waiting for a second person (domain/access.py).

    It holds the account's access as it will be once approved: role, service, lead flag and active. ``kind``
    says what was asked: "create" (a new account), "access" (role, service or lead), "reactivate", or
    "second-factor-reset" (remove the account's authenticator, keys and recovery codes: role, service and lead flag
    are then the account's own, unchanged, and decide who approves).
    """

    __tablename__ = "account_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    role: Mapped[str] = mapped_column(String(20))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"))
    is_lead: Mapped[bool] = mapped_column(Boolean, default=False)
    # Set: a lead of this service approves. None: another administrator does.
    approver_service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)  # pending, approved, rejected
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Why the administrator asked (a second-factor reset): shown to the approver, never copied into the audit trail.
    reason: Mapped[str | None] = mapped_column(Text)

    user = relationship("User", foreign_keys=[user_id], lazy="joined")
    requested_by = relationship("User", foreign_keys=[requested_by_id], lazy="joined")
    service = relationship("Service", foreign_keys=[service_id], lazy="joined")
