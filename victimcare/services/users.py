"""Staff accounts: creation, sign-in with lockout, password changes, API tokens."""
import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import func, select

from ..domain.access import belongs_to_a_service
from ..domain.clock import utc_now
from ..domain.vocab import OPEN_CASE_STATUSES, ROLES, slugs
from ..extensions import db
from ..models import AccountChange, Case, Service, Task, User
from ..models.users import NO_PASSWORD, new_session_nonce
from . import api_tokens, audit, lockout, sessions
from .actors import Actor, require
from .errors import Forbidden, NotFound, ValidationFailed
from .pagination import paginate

_hasher = PasswordHasher()
# Verifying against this when the email is unknown keeps the response time the same as for a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 12


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _check_password(user: User | None, password: str) -> bool:
    # An unknown email, or an invited account with no password yet, is checked against a dummy hash: the answer
    # takes as long as for a wrong password, so timing tells nobody which emails have accounts.
    usable = user is not None and user.has_password
    try:
        return _hasher.verify(user.password_hash if usable else _DUMMY_HASH, password) and usable
    except (VerificationError, InvalidHashError):
        return False


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def validate_new_user(email: str, name: str, role: str, service_slug: str | None, password: str | None):
    """Return (errors, service). Errors are [{"field", "message"}] in the order a form shows them. A password of
    None is an invitation: the person chooses it later."""
    errors = []
    service = None
    if not EMAIL_PATTERN.match(email):
        errors.append({"field": "email", "message": "Enter an email address in the correct format, like name@example.org"})
    elif db.session.scalar(select(User.id).where(User.email == email)) is not None:
        errors.append({"field": "email", "message": "A user with this email address already exists"})
    if not name.strip():
        errors.append({"field": "name", "message": "Enter the person's name"})
    if role not in slugs(ROLES):
        errors.append({"field": "role", "message": f"Unknown role {role!r}: choose one of {', '.join(slugs(ROLES))}"})
    if service_slug:
        service = db.session.scalar(select(Service).where(Service.slug == service_slug))
        if service is None:
            known = ", ".join(db.session.scalars(select(Service.slug).order_by(Service.slug)))
            errors.append({"field": "service", "message": f"Unknown service {service_slug!r}: choose one of {known}"})
    if belongs_to_a_service(role) and not service_slug:
        errors.append({"field": "service", "message": "An advocate must belong to exactly one service"})
    if role in slugs(ROLES) and not belongs_to_a_service(role) and service_slug:
        errors.append({"field": "service", "message": "Only advocates belong to a service"})
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        errors.append({"field": "password", "message": f"Password must be at least {MIN_PASSWORD_LENGTH} characters"})
    return errors, service


def create_user(
    actor: Actor, email: str, name: str, role: str, password: str | None, service_slug: str | None = None,
    is_lead=False, is_marac_coordinator=False,
) -> User:
    """Create a staff account. The CLI acts as SYSTEM and may give a password (bootstrap, provisioning by whoever
    runs the server); administrators give none, and the person chooses it through an invitation link."""
    require(actor, "user.manage", "You do not have permission to manage users")
    email = normalise_email(email)
    errors, service = validate_new_user(email, name, role, service_slug, password)
    if errors:
        raise ValidationFailed(errors=errors)
    from .marac.coordinators import check_coordinator_flag

    check_coordinator_flag(role, service, bool(is_marac_coordinator))
    user = User(
        email=email,
        name=name.strip(),
        role=role,
        service_id=service.id if service else None,
        is_lead=bool(is_lead) and belongs_to_a_service(role),
        is_marac_coordinator=bool(is_marac_coordinator),
        password_hash=hash_password(password) if password is not None else NO_PASSWORD,
        session_nonce=new_session_nonce(),
    )
    db.session.add(user)
    db.session.flush()
    audit.record(
        actor, "create", "user", user.id,
        changes={"email": {"after": email}, "role": {"after": role}, "service": {"after": service_slug},
                 "is_lead": {"after": user.is_lead}, "is_marac_coordinator": {"after": user.is_marac_coordinator}},
    )
    return user


class AccountLocked(Exception):
    """Too many wrong passwords or codes from this address: the account is locked from here."""


@dataclass(frozen=True)
class SignInResult:
    user: User | None
    locked: bool = False


def authenticate(email: str, password: str, ip_address: str | None = None) -> SignInResult:
    """Check credentials, counting failures by account and address and locking at the configured number
    (services/lockout.py).

    The caller shows one message for every failure, so nobody can learn which emails have accounts.
    """
    now = utc_now()
    email = normalise_email(email)
    user = db.session.scalar(select(User).where(User.email == email))
    password_ok = _check_password(user, password)
    if user is None:
        audit.record(Actor(None, None, "unknown"), "sign-in-failed", "user", None)
        return SignInResult(None)
    actor = Actor.from_user(user)
    if lockout.is_locked(user, ip_address, now):
        audit.record(actor, "sign-in-failed", "user", user.id, changes={"reason": "locked"})
        return SignInResult(None, locked=True)
    if not password_ok or not user.active:
        return SignInResult(None, locked=lockout.record_failure(user, ip_address, "password"))
    lockout.record_success(user, ip_address)
    user.failed_login_count = 0
    user.last_signed_in_at = now
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    audit.record(actor, "sign-in", "user", user.id)
    return SignInResult(user)


def end_all_sessions_of(user: User, reason: str, actor: Actor | None = None) -> None:
    """End every session of ``user`` (a password reset, a deactivation): the server-side sessions, the session
    nonce that older cookies carry, and the account's API tokens."""
    user.session_nonce = new_session_nonce()
    sessions.end_all_sessions(user.id, reason, actor)
    api_tokens.revoke_all_for_user(user.id, reason, actor)


def record_sign_out(user: User) -> None:
    audit.record(Actor.from_user(user), "sign-out", "user", user.id)


def change_password(
    actor: Actor, user: User, current_password: str, new_password: str, keep_session_id: int | None = None,
    ip_address: str | None = None,
) -> None:
    """Change one's own password; every other session of this user ends (and their API tokens are revoked).

    A wrong current password counts toward lockout like a wrong password at sign-in: whoever holds a stolen
    session cannot guess the password here. At the threshold this raises ``AccountLocked``."""
    if actor.user_id != user.id:
        raise Forbidden("You can only change your own password", object_type="user", object_id=user.id)
    errors = []
    if not _check_password(user, current_password):
        if lockout.record_failure(user, ip_address, "current-password"):
            raise AccountLocked()
        errors.append({"field": "current_password", "message": "Your current password is not correct"})
    if len(new_password or "") < MIN_PASSWORD_LENGTH:
        errors.append({"field": "new_password", "message": f"Password must be at least {MIN_PASSWORD_LENGTH} characters"})
    if errors:
        raise ValidationFailed(errors=errors)
    user.password_hash = hash_password(new_password)
    user.session_nonce = new_session_nonce()
    audit.record(actor, "password-changed", "user", user.id, changes={"password": {"changed": True}})
    sessions.end_all_sessions(user.id, "password-changed", actor, keep_session_id=keep_session_id)
    api_tokens.revoke_all_for_user(user.id, "password-changed", actor)


def set_active(actor: Actor, user_id: int, active: bool) -> User:
    user = get_user(actor, user_id)
    if user.id == actor.user_id:
        raise Forbidden("You cannot deactivate your own account", object_type="user", object_id=user.id)
    before = user.active
    user.active = active
    if not active:
        end_all_sessions_of(user, "deactivated", actor)
    audit.record(actor, "update", "user", user.id, changes={"active": {"before": before, "after": active}})
    return user


def get_user(actor: Actor, user_id: int) -> User:
    """One account, for an administrator's page about it."""
    require(actor, "user.manage", "You do not have permission to manage users")
    # Ids are 32-bit: a 25-digit id in a URL is simply not found (not an overflow and a 500).
    user = db.session.get(User, user_id) if 0 < user_id < 2**31 else None
    if user is None:
        raise NotFound("No such user", object_type="user", object_id=user_id)
    return user


@dataclass(frozen=True)
class UserFilters:
    """The user list's search (part of a name or an email address) and its role and service filters."""

    search: str = ""
    role: str = ""
    service: str = ""


def list_users(actor: Actor, page: int = 1, per_page: int = 50, filters: UserFilters = UserFilters()):
    require(actor, "user.manage", "You do not have permission to manage users")
    conditions = []
    if filters.search.strip():
        words = filters.search.strip().lower().split()[:5]
        conditions += [func.lower(User.name).contains(word, autoescape=True) | User.email.contains(word, autoescape=True)
                       for word in words]
    if filters.role in slugs(ROLES):
        conditions.append(User.role == filters.role)
    if filters.service:
        conditions.append(User.service_id == select(Service.id).where(Service.slug == filters.service).scalar_subquery())
    # An explicit FROM: the count replaces the columns with "1", and without it counted one row ("1 to 15 of 1").
    query = select(User).select_from(User).where(*conditions).order_by(func.lower(User.name), User.id)
    result = paginate(query, page, per_page)
    result.items = [row[0] for row in result.items]
    # Accounts with a change waiting for a second person (shown as "Awaiting approval"), in one query.
    result.waiting_user_ids = set(db.session.scalars(select(AccountChange.user_id).where(
        AccountChange.status == "pending", AccountChange.user_id.in_([u.id for u in result.items]))))
    return result


def workload(actor: Actor, user_id: int) -> dict[str, int]:
    """What a person holds, for the deactivation warning: their open cases and their tasks not done."""
    user = get_user(actor, user_id)
    cases = db.session.scalar(select(func.count(Case.id)).where(Case.assigned_to_id == user.id,
                                                                Case.status.in_(OPEN_CASE_STATUSES)))
    tasks = db.session.scalar(select(func.count(Task.id)).join(Case, Case.id == Task.case_id).where(
        Task.assigned_to_id == user.id, Task.done_at.is_(None), Case.status.in_(OPEN_CASE_STATUSES)))
    return {"open_cases": cases or 0, "open_tasks": tasks or 0}


# API tokens live in services/api_tokens.py; these names stay importable from here.
from .api_tokens import create_token, revoke_tokens, user_for_token  # noqa: E402,F401,I001
