"""API tokens: bearer tokens for the JSON API, made by `flask --app wsgi token create`.

Only a token's SHA-256 is stored. A token expires API_TOKEN_DAYS (90) after it is made; it is revoked when its
user's password changes or is reset, or the user is deactivated; `last_used_at` is recorded at most once a
minute; a read-only token (`--read-only`) may read but any write is refused with 403.
"""
import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from ..domain.clock import utc_now
from ..extensions import db
from ..models import ApiToken, User
from . import audit
from .actors import Actor
from .errors import NotFound, ValidationFailed

LAST_USED_EVERY = timedelta(minutes=1)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(actor: Actor, email: str, read_only: bool = False) -> tuple[ApiToken, str]:
    """Make a new bearer token for a user; returns the row and the token, which is shown once and not stored."""
    user = db.session.scalar(select(User).where(User.email == (email or "").strip().lower()))
    if user is None:
        raise NotFound(f"No user with email {email!r}", object_type="user")
    token = "vc_" + secrets.token_urlsafe(32)
    now = utc_now()
    row = ApiToken(user_id=user.id, token_hash=token_digest(token), prefix=token[:10], created_at=now,
                   expires_at=now + timedelta(days=current_app.config["API_TOKEN_DAYS"]), read_only=bool(read_only))
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "token-created", "api_token", row.id,
                 changes={"user_id": {"after": user.id}, "read_only": {"after": row.read_only},
                          "expires_at": {"after": row.expires_at}})
    return row, token


def revoke_tokens(actor: Actor, email: str | None = None, prefix: str | None = None) -> int:
    """Revoke a user's tokens (all of them, or the one whose visible prefix matches)."""
    query = select(ApiToken).join(User).where(ApiToken.revoked_at.is_(None))
    if email:
        query = query.where(User.email == email.strip().lower())
    if prefix:
        query = query.where(ApiToken.prefix == prefix[:10])
    if not email and not prefix:
        raise ValidationFailed(errors=[{"field": "token", "message": "Name a user's email or a token prefix"}])
    return _revoke(actor, db.session.scalars(query).all())


def revoke_all_for_user(user_id: int, reason: str, actor: Actor | None = None) -> int:
    """Every live token of a user ends (password changed or reset, account deactivated)."""
    rows = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))).all()
    return _revoke(actor, rows, reason)


def _revoke(actor: Actor | None, rows, reason: str | None = None) -> int:
    from .actors import SYSTEM

    now = utc_now()
    for row in rows:
        row.revoked_at = now
        audit.record(actor or SYSTEM, "token-revoked", "api_token", row.id,
                     changes={"reason": reason} if reason else None)
    return len(rows)


def user_for_token(token: str, now: datetime | None = None) -> tuple[User, ApiToken] | None:
    """The live token's user and row, or None (unknown, revoked, expired, or the user deactivated)."""
    now = now or utc_now()
    row = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == token_digest(token), ApiToken.revoked_at.is_(None))
    )
    if row is None or not row.user.active or (row.expires_at is not None and row.expires_at <= now):
        return None
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_EVERY:
        # A plain UPDATE with the same condition: two requests in the same moment write it once, not twice.
        db.session.execute(update(ApiToken).where(
            ApiToken.id == row.id, (ApiToken.last_used_at.is_(None)) | (ApiToken.last_used_at <= now - LAST_USED_EVERY)
        ).values(last_used_at=now).execution_options(synchronize_session=False))
    return row.user, row
