"""Two-person approval of account changes that open case data (the rules: domain/access.py).

Creating a caseworker or advocate, changing a role or service, setting the lead flag, or reactivating such an
account, when an administrator asks for it, is recorded as a waiting ``AccountChange`` and takes effect only when
a second person approves: the service's lead for an advocate of that service, another administrator otherwise.
Changes that only take access away apply at once. Every request and decision is audited.

Resetting a member of staff's second factor (a lost phone and no recovery codes) is a waiting change too, of kind
"second-factor-reset", whatever the role: once approved, the account opens to whoever knows its password.
"""
from flask import current_app
from sqlalchemy import func, select

from ..domain.access import (
    AccountAccess,
    approved_by_service_lead,
    belongs_to_a_service,
    change_needs_approval,
    may_approve_account_change,
    may_be_marac_coordinator,
    may_see_account_changes,
)
from ..domain.clock import utc_now
from ..domain.vocab import ROLES, slugs
from ..extensions import db
from ..models import AccountChange, Service, User
from . import account_links, audit, notifications, users
from .actors import Actor
from .errors import Conflict, Forbidden, NotFound, ValidationFailed
from .marac.coordinators import apply_coordinator_flag

KINDS = ("create", "access", "reactivate", "second-factor-reset")
REASON_MAX = 500


def _access(user: User) -> AccountAccess:
    return AccountAccess(user.role, user.service_id, bool(user.is_lead), bool(user.active))


def _service_has_other_lead(service_id: int, *not_ids: int | None) -> bool:
    query = select(func.count(User.id)).where(
        User.service_id == service_id, User.role == "advocate", User.is_lead.is_(True), User.active.is_(True),
        User.id.not_in([i for i in not_ids if i is not None]))
    return bool(db.session.scalar(query))


def _request(actor: Actor, user: User, kind: str, after: AccountAccess, reason: str | None = None) -> AccountChange:
    """Record a change waiting for a second person, audit it and tell the people who may approve it."""
    if db.session.scalar(select(AccountChange.id).where(AccountChange.user_id == user.id,
                                                        AccountChange.status == "pending")):
        raise Conflict("A change to this account is already waiting for approval: it must be decided first")
    lead_approves = approved_by_service_lead(
        after, after.service_id is not None and _service_has_other_lead(after.service_id, user.id, actor.user_id))
    change = AccountChange(user_id=user.id, kind=kind, role=after.role, service_id=after.service_id,
                           is_lead=after.is_lead, approver_service_id=after.service_id if lead_approves else None,
                           status="pending", requested_by_id=actor.user_id, requested_at=utc_now(), reason=reason)
    db.session.add(change)
    db.session.flush()
    audit.record(actor, "change-requested", "user", user.id, service_id=after.service_id,
                 changes=_described(change))
    notifications.email_users("account", "account_change_waiting", _approvers(change), {"kind": kind},
                              exclude=(actor.user_id, user.id), dedupe_key=f"account-change:{change.id}")
    return change


def _described(change: AccountChange) -> dict:
    """The change for the audit trail: what kind, and the role, service and lead flag asked for (no names). A
    second-factor reset changes no access; its reason stays on the change (free text never enters the trail)."""
    if change.kind == "second-factor-reset":
        return {"change_id": change.id, "kind": change.kind, "reason": {"given": True}}
    service = db.session.get(Service, change.service_id) if change.service_id else None
    return {"change_id": change.id, "kind": change.kind, "role": {"after": change.role},
            "service": {"after": service.slug if service else None}, "is_lead": {"after": change.is_lead}}


def _approvers(change: AccountChange) -> list[int]:
    if change.approver_service_id is not None:
        return notifications.service_staff(change.approver_service_id, leads_only=True)
    return notifications.users_with_role("admin")


def create_account(actor: Actor, email: str, name: str, role: str, service_slug: str | None = None,
                   is_lead=False, is_marac_coordinator=False) -> tuple[User, account_links.IssuedLink | None, AccountChange | None]:
    """An administrator adds a person. Without case data the invitation is made at once; a caseworker or an
    advocate waits, inactive and without an invitation, until a second person approves."""
    user = users.create_user(actor, email, name, role, None, service_slug=service_slug, is_lead=is_lead,
                             is_marac_coordinator=is_marac_coordinator)
    after = _access(user)
    if not change_needs_approval(actor.principal, None, after):
        return user, account_links.issue_link(actor, user, account_links.INVITATION), None
    user.active = False
    return user, None, _request(actor, user, "create", after)


def set_active(actor: Actor, user_id: int, active: bool) -> tuple[User, AccountChange | None]:
    """Deactivate at once; reactivate at once unless the account's role opens case data (then it waits)."""
    user = users.get_user(actor, user_id)
    after = AccountAccess(user.role, user.service_id, bool(user.is_lead), active)
    if active and not user.active and change_needs_approval(actor.principal, _access(user), after):
        if user.id == actor.user_id:
            raise Forbidden("You cannot reactivate your own account", object_type="user", object_id=user.id)
        return user, _request(actor, user, "reactivate", after)
    return users.set_active(actor, user_id, active), None


def change_access(actor: Actor, user_id: int, role: str, service_slug: str | None,
                  is_lead: bool, is_marac_coordinator: bool | None = None) -> tuple[User, AccountChange | None]:
    """Change an account's role, service or lead flag: at once when it only takes access away, otherwise as a
    change waiting for approval. The MARAC coordinator flag (None: leave it) applies at once, for the role and
    service asked for (services/marac/coordinators.py says why it needs no second person)."""
    user = users.get_user(actor, user_id)
    if user.id == actor.user_id:
        raise Forbidden("You cannot change your own access", object_type="user", object_id=user.id)
    service = _validated_service(role, service_slug)
    after = AccountAccess(role, service.id if service else None, bool(is_lead) and belongs_to_a_service(role),
                          bool(user.active))
    before = _access(user)
    if pending_change_for(user.id) is not None:
        raise Conflict("A change to this account is already waiting for approval: it must be decided first")
    coordinator = None if is_marac_coordinator is None else bool(is_marac_coordinator) and belongs_to_a_service(role)
    coordinator_changed = coordinator is not None and coordinator != bool(user.is_marac_coordinator)
    if after == before and not coordinator_changed:
        raise ValidationFailed(errors=[{"field": "role", "message": "Change the role, service or lead flag, or go back"}])
    if coordinator_changed:
        apply_coordinator_flag(actor, user, coordinator, role, service)
    if after == before:
        return user, None
    if change_needs_approval(actor.principal, before, after):
        return user, _request(actor, user, "access", after)
    _apply(actor, user, after, "update")
    return user, None


def request_second_factor_reset(actor: Actor, user_id: int, reason: str) -> AccountChange:
    """An administrator asks to remove an account's authenticator app, security keys and recovery codes (a lost
    phone and no recovery codes). It waits for a second person, chosen as for any change to this account."""
    from . import mfa

    user = users.get_user(actor, user_id)
    if user.id == actor.user_id:
        raise Forbidden("You cannot reset your own second factor", object_type="user", object_id=user.id)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationFailed(errors=[{"field": "reason", "message": "Say why the second factor should be reset"}])
    if len(reason) > REASON_MAX:
        raise ValidationFailed(errors=[{"field": "reason",
                                        "message": f"The reason must be {REASON_MAX} characters or fewer"}])
    if not mfa.has_second_factor(user.id):
        raise ValidationFailed(errors=[{"field": "reason", "message": f"{user.name} has no second factor to reset: "
                                                                     "they set one up when they next sign in"}])
    return _request(actor, user, "second-factor-reset", _access(user), reason=reason)


def _validated_service(role: str, service_slug: str | None) -> Service | None:
    errors = []
    service = db.session.scalar(select(Service).where(Service.slug == service_slug)) if service_slug else None
    if role not in slugs(ROLES):
        errors.append({"field": "role", "message": "Choose a role"})
    elif belongs_to_a_service(role) and service is None:
        errors.append({"field": "service", "message": "An advocate must belong to exactly one service"})
    elif not belongs_to_a_service(role) and service_slug:
        errors.append({"field": "service", "message": "Only advocates belong to a service"})
    if errors:
        raise ValidationFailed(errors=errors)
    return service


def _apply(actor: Actor, user: User, after: AccountAccess, action: str, **extra) -> None:
    before = _access(user)
    service_slugs = dict(db.session.execute(select(Service.id, Service.slug)).all())
    changes = {name: {"before": old, "after": new} for name, old, new in (
        ("role", before.role, after.role),
        ("service", service_slugs.get(before.service_id), service_slugs.get(after.service_id)),
        ("is_lead", before.is_lead, after.is_lead), ("active", before.active, after.active)) if old != new}
    user.role, user.service_id, user.is_lead, user.active = after.role, after.service_id, after.is_lead, after.active
    service = db.session.get(Service, after.service_id) if after.service_id else None
    if user.is_marac_coordinator and not may_be_marac_coordinator(after.role, bool(service and service.features.marac)):
        user.is_marac_coordinator = False  # the flag means nothing outside a MARAC service's advocates
        changes["is_marac_coordinator"] = {"before": True, "after": False}
    audit.record(actor, action, "user", user.id, service_id=after.service_id, changes={**changes, **extra})


def _pending(change_id: int) -> AccountChange:
    change = db.session.get(AccountChange, change_id) if 0 < change_id < 2**31 else None
    if change is None or change.status != "pending":
        raise NotFound("No such change is waiting", object_type="account_change", object_id=change_id)
    return change


def decide(actor: Actor, change_id: int, approve: bool) -> AccountChange:
    """A second person approves (the change takes effect) or rejects (nothing changes) a waiting change."""
    change = _pending(change_id)
    if not may_approve_account_change(actor.principal, requested_by=change.requested_by_id,
                                      account_id=change.user_id, approver_service_id=_approver_now(change, _leads())):
        raise Forbidden("You cannot decide this change", object_type="account_change", object_id=change.id)
    change.status = "approved" if approve else "rejected"
    change.decided_by_id = actor.user_id
    change.decided_at = utc_now()
    user = change.user
    if approve and change.kind == "second-factor-reset":
        _reset_second_factor(actor, change)
    elif approve:
        # A new or reactivated account becomes active; a change of access leaves a deactivated account as it is.
        after = AccountAccess(change.role, change.service_id, change.is_lead,
                              True if change.kind in ("create", "reactivate") else bool(user.active))
        _apply(actor, user, after, "change-approved", change_id=change.id, requested_by=change.requested_by_id)
        if change.kind == "create" and current_app.config.get("MAIL_SERVER"):
            account_links.issue_link(actor, user, account_links.INVITATION)
    else:
        audit.record(actor, "change-rejected", "user", user.id, service_id=change.service_id,
                     changes={"change_id": change.id, "requested_by": change.requested_by_id})
    db.session.flush()
    return change


def _reset_second_factor(actor: Actor, change: AccountChange) -> None:
    """Approved: remove every factor, end every session (services/mfa.py), and tell the person; they set up a
    second factor again when they next sign in."""
    from . import mfa

    audit.record(actor, "change-approved", "user", change.user_id, service_id=change.service_id,
                 changes={"change_id": change.id, "kind": change.kind, "requested_by": change.requested_by_id})
    mfa.reset_all(actor, change.user)
    notifications.email_users("account", "second_factor_reset", [change.user_id],
                              dedupe_key=f"second-factor-reset:{change.id}")


def _leads() -> dict[int, set[int]]:
    """The active leads of each service: service id -> user ids."""
    found: dict[int, set[int]] = {}
    for user_id, service_id in db.session.execute(select(User.id, User.service_id).where(
            User.role == "advocate", User.is_lead.is_(True), User.active.is_(True), User.service_id.is_not(None))):
        found.setdefault(service_id, set()).add(user_id)
    return found


def _approver_now(change: AccountChange, leads: dict[int, set[int]]) -> int | None:
    """The service whose lead decides this change, or None for another administrator: a service whose leads have
    all gone (or are the account or the asker) since the change was asked for passes it to the administrators."""
    service_id = change.approver_service_id
    if service_id is None or not (leads.get(service_id, set()) - {change.user_id, change.requested_by_id}):
        return None
    return service_id


def waiting_changes(actor: Actor) -> dict[str, list[AccountChange]]:
    """For the approvals page: the changes this person may decide, and (for administrators) those they asked
    for that wait on someone else."""
    principal = actor.principal
    if not may_see_account_changes(principal):
        raise Forbidden("You do not have permission to approve account changes", permission="account.approve")
    # Pending changes are few: all of them, with who approves each now, in two queries.
    candidates = db.session.scalars(select(AccountChange).where(AccountChange.status == "pending")
                                    .order_by(AccountChange.requested_at)).all()
    leads = _leads()
    mine = [c for c in candidates if may_approve_account_change(
        principal, requested_by=c.requested_by_id, account_id=c.user_id, approver_service_id=_approver_now(c, leads))]
    others = [c for c in candidates if c not in mine and c.requested_by_id == actor.user_id]
    return {"to_decide": mine, "waiting_on_others": others}


def pending_change_for(user_id: int) -> AccountChange | None:
    return db.session.scalar(select(AccountChange).where(AccountChange.user_id == user_id,
                                                         AccountChange.status == "pending"))


def users_with_pending_changes(user_ids: list[int]) -> set[int]:
    if not user_ids:
        return set()
    return set(db.session.scalars(select(AccountChange.user_id).where(
        AccountChange.user_id.in_(user_ids), AccountChange.status == "pending")))


def count_waiting(actor: Actor) -> int:
    """How many changes wait for this person (for a link on their pages); 0 for everyone else."""
    if not may_see_account_changes(actor.principal):
        return 0
    return len(waiting_changes(actor)["to_decide"])


__all__ = ["KINDS", "change_access", "count_waiting", "create_account", "decide", "pending_change_for",
           "request_second_factor_reset", "set_active", "users_with_pending_changes", "waiting_changes"]
