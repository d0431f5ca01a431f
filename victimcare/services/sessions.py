"""Signed-in sessions kept on the server: start one at sign-in, look one up for each request, end them.

The browser holds only a random token; the table holds its SHA-256. A session ends when its owner signs out,
when it has been idle for IDLE_TIMEOUT, when it is older than SESSION_ABSOLUTE_HOURS, or when something about
the account changes (password change or reset, deactivation, an administrator ending them): `end_all_sessions`.
Several app servers share the table, so ending a session on one ends it on all of them.
"""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import bindparam, delete, select, update

from ..domain.clock import utc_now
from ..extensions import db
from ..models import User, UserSession
from . import audit
from .actors import SYSTEM, Actor, require
from .errors import Forbidden, NotFound

def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _limits() -> tuple[timedelta, timedelta]:
    idle = current_app.config["IDLE_TIMEOUT"]
    absolute = timedelta(hours=current_app.config["SESSION_ABSOLUTE_HOURS"])
    return idle, absolute


def start(user: User, ip_address: str | None, user_agent: str | None, factor_state: str = "not-needed",
          data: str = "{}") -> tuple[UserSession, str]:
    """A new session for a user who has just given their password (and, per `factor_state`, still owes a second
    factor or its enrolment). Returns the row and the token for the cookie."""
    token = secrets.token_urlsafe(32)
    row = UserSession(
        token_hash=token_digest(token), user_id=user.id, ip_address=(ip_address or "")[:45] or None,
        user_agent=(user_agent or "")[:255] or None, factor_state=factor_state, data=data,
    )
    db.session.add(row)
    db.session.flush()
    return row, token


@dataclass(frozen=True)
class Lookup:
    """What a request's cookie leads to: a live session, or why there is none (`ended`: idle, expired)."""

    row: UserSession | None
    ended: str | None = None
    user: User | None = None  # the session's user, read in the same statement


def find(token: str, now: datetime | None = None) -> Lookup:
    """The live session for a cookie's token. An idle or too-old session is deleted and reported as ended.

    One statement reads the session and its user together, so the sign-in check that follows (the login
    manager's user loader) finds the user in the session's identity map and costs no statement of its own."""
    now = now or utc_now()
    found = db.session.execute(_FIND, {"token_hash": token_digest(token)}).first()
    if found is None:
        return Lookup(None)
    row = found[0]
    idle, absolute = _limits()
    reason = None
    if now - row.created_at > absolute:
        reason = "expired"
    elif now - row.last_seen_at > idle:
        reason = "idle"
    if reason:
        db.session.delete(row)
        db.session.flush()
        return Lookup(None, ended=reason)
    return Lookup(row, user=found[1])


# Built once: every signed-in request runs it, and building it and its cache key each time cost more than running it.
_FIND = (select(UserSession, User).join(User, User.id == UserSession.user_id)
         .where(UserSession.token_hash == bindparam("token_hash")))


def needs_touch(last_seen_at: datetime, stored: str, data: str | None, now: datetime | None = None) -> bool:
    """Whether this request must write its session row: its contents changed, or the row's last use is older
    than SESSION_TOUCH_SECONDS. Between touches a request writes nothing, so a busy advocate's pages cost one
    statement fewer; the idle timeout then counts from a last use up to SESSION_TOUCH_SECONDS early, so a
    session can end that much sooner than IDLE_TIMEOUT after its real last use, never later."""
    if data is not None and data != stored:
        return True
    interval = timedelta(seconds=current_app.config.get("SESSION_TOUCH_SECONDS", 120))
    return (now or utc_now()) - last_seen_at >= interval


def touch(row_id: int, stored: str, data: str | None, now: datetime | None = None) -> None:
    """Record use of a session, and its new contents if they changed, in one UPDATE (no read)."""
    values = {"last_seen_at": now or utc_now()}
    if data is not None and data != stored:
        values["data"] = data
    db.session.execute(update(UserSession).where(UserSession.id == row_id).values(**values))


def end(row_id: int) -> None:
    """Sign out: the session's row goes, so its cookie opens nothing anywhere."""
    db.session.execute(delete(UserSession).where(UserSession.id == row_id))


def end_all_sessions(user_id: int, reason: str, actor: Actor | None = None, keep_session_id: int | None = None) -> int:
    """End every session of a user (but `keep_session_id`, the one that asked, if given).

    Called on password change or reset, deactivation and when an administrator ends them; `reason` is a short
    slug for the audit trail (password-changed, password-reset, deactivated, ended-by-admin, ...).
    """
    query = delete(UserSession).where(UserSession.user_id == user_id)
    if keep_session_id is not None:
        query = query.where(UserSession.id != keep_session_id)
    ended = db.session.execute(query).rowcount or 0
    audit.record(actor or SYSTEM, "sessions-ended", "user", user_id, changes={"reason": reason, "sessions": ended})
    return ended


def sessions_of(actor: Actor, current_session_id: int | None) -> list[dict]:
    """The actor's own live sessions: the current one first (marked), then the others by last use."""
    idle, absolute = _limits()
    now = utc_now()
    rows = db.session.scalars(
        select(UserSession).where(UserSession.user_id == actor.user_id).order_by(UserSession.last_seen_at.desc())
    ).all()
    found = [
        {"id": row.id, "created_at": row.created_at, "last_seen_at": row.last_seen_at, "ip_address": row.ip_address,
         "user_agent": row.user_agent, "current": row.id == current_session_id,
         "ends_at": min(row.created_at + absolute, row.last_seen_at + idle)}
        for row in rows if now - row.created_at <= absolute and now - row.last_seen_at <= idle
    ]
    return sorted(found, key=lambda item: not item["current"])


def end_other_sessions(actor: Actor, current_session_id: int) -> int:
    """'Sign out of other sessions': every session of the actor but this one."""
    if actor.user_id is None:
        raise Forbidden("Sign in first", permission="session.own")
    return end_all_sessions(actor.user_id, "signed-out-elsewhere", actor, keep_session_id=current_session_id)


def end_sessions_for_user(actor: Actor, user_id: int) -> tuple[User, int]:
    """An administrator signs a user out everywhere (a lost laptop, a worry about an account)."""
    require(actor, "user.manage", "You do not have permission to manage users")
    user = db.session.get(User, user_id) if 0 < user_id < 2**31 else None
    if user is None:
        raise NotFound("No such user", object_type="user", object_id=user_id)
    return user, end_all_sessions(user.id, "ended-by-admin", actor)


def sweep_expired(now: datetime | None = None) -> int:
    """Delete sessions past their idle or absolute limit (a sweep: nobody came back to end them)."""
    now = now or utc_now()
    idle, absolute = _limits()
    result = db.session.execute(
        delete(UserSession).where((UserSession.created_at < now - absolute) | (UserSession.last_seen_at < now - idle))
    )
    return result.rowcount or 0
