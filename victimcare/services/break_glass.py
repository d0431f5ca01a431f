"""Break-glass: opening a restricted record one is not named on, with a reason, for BREAK_GLASS_MINUTES; the
service's leads are told at once, and every access waits on a review list for a lead of the service or the data
protection officer to record whether it was justified.

The rule is domain/access.py (may_open_record, may_review_break_glass, break_glass_expiry); the check every read
passes is services/restricted.py.
"""
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import exists, func, or_, select, true
from sqlalchemy.orm import aliased

from ..domain.access import (
    break_glass_expiry,
    can_see_service_record,
    can_view_referral,
    has_permission,
    may_review_break_glass,
    may_see_break_glass_reviews,
    reviews_every_break_glass,
)
from ..domain.clock import utc_now
from ..extensions import db
from ..models import BreakGlassAccess, Case, Referral, Service, User
from . import audit, notifications, restricted
from .actors import Actor
from .errors import Conflict, Forbidden, NotFound, ValidationFailed
from .pagination import paginate

MAX_REASON = 2000


@dataclass(frozen=True)
class Glass:
    """What the glass is broken on: the record and the services whose leads are told."""

    person_id: int
    case_id: int | None
    referral_id: int
    service_ids: tuple[int, ...]


def _case_glass(actor: Actor, case_id: int) -> Glass:
    case = db.session.get(Case, case_id) if 0 < case_id < 2**31 else None
    if case is None or not can_see_service_record(actor.principal, case.service_id) or not has_permission(
            actor.principal, "case.view"):
        raise NotFound("Case not found", object_type="case", object_id=case_id)
    return Glass(case.referral.person_id, case.id, case.referral_id, (case.service_id,))


def _referral_glass(actor: Actor, reference: str) -> Glass:
    referral = db.session.scalar(select(Referral).where(Referral.reference == reference))
    routed = {d.service_id for d in referral.routing_decisions} if referral else set()
    if referral is None or not can_view_referral(actor.principal, routed):
        raise NotFound("Referral not found", object_type="referral", object_id=reference)
    services = tuple(db.session.scalars(
        select(Case.service_id).where(Case.referral_id == referral.id).distinct().order_by(Case.service_id)))
    return Glass(referral.person_id, None, referral.id, services)


def break_glass(actor: Actor, reason: str, *, case_id: int | None = None, reference: str | None = None) -> datetime:
    """Open a restricted case (or referral) the actor's role lets them see but which they are not named on, until
    BREAK_GLASS_MINUTES from now. Audited as "break-glass" (the reason stays on the access, out of the audit
    event); the leads of the record's services are emailed at once (no victim details). Returns the expiry."""
    if actor.user_id is None or actor.token_id is not None:
        raise Forbidden("Break-glass needs a member of staff signed in", permission="record.break-glass")
    glass = _case_glass(actor, case_id) if case_id is not None else _referral_glass(actor, reference or "")
    if glass.person_id is None or not restricted.is_restricted(glass.person_id):
        raise Conflict("This record is not restricted: there is no need to break the glass.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(errors=[{"field": "reason", "message": "Say why you need to open this record"}])
    if len(reason) > MAX_REASON:
        raise ValidationFailed(errors=[{"field": "reason", "message": f"Keep the reason to {MAX_REASON} characters"}])
    now = utc_now()
    access = BreakGlassAccess(
        person_id=glass.person_id, user_id=actor.user_id, reason=reason, case_id=glass.case_id,
        referral_id=glass.referral_id, service_id=glass.service_ids[0] if len(glass.service_ids) == 1 else None,
        granted_at=now, expires_at=break_glass_expiry(now, current_app.config["BREAK_GLASS_MINUTES"]),
    )
    db.session.add(access)
    db.session.flush()
    audit.record(actor, "break-glass", "case" if glass.case_id else "referral", glass.case_id or glass.referral_id,
                 referral_id=glass.referral_id, case_id=glass.case_id,
                 service_id=glass.service_ids[0] if glass.case_id else None,
                 changes={"break_glass_access_id": access.id, "minutes": current_app.config["BREAK_GLASS_MINUTES"]})
    _tell_leads(actor, access, glass)
    return access.expires_at


def _tell_leads(actor: Actor, access: BreakGlassAccess, glass: Glass) -> None:
    """Email the leads of the record's services (or, with no service yet, the data protection officers)."""
    leads = [uid for service_id in glass.service_ids for uid in notifications.service_staff(service_id, leads_only=True)]
    recipients = leads or notifications.users_with_role("dpo")
    services = [db.session.get(Service, sid).name for sid in glass.service_ids]
    user = db.session.get(User, actor.user_id)
    notifications.email_users(
        "break-glass", "break_glass", recipients,
        {"access_id": access.id, "opened_by": user.name, "services": ", ".join(services) or "no service yet",
         "minutes": current_app.config["BREAK_GLASS_MINUTES"]},
        dedupe_key=f"break-glass:{access.id}", exclude=[actor.user_id])


# --- the review list -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReviewRow:
    access: BreakGlassAccess
    opened_by: str
    reviewed_by: str | None
    reference: str
    service_name: str | None
    may_review: bool


def _require_reviewer(actor: Actor) -> None:
    if not may_see_break_glass_reviews(actor.principal):
        raise Forbidden("Only service leads and the data protection officer review break-glass access",
                        permission="break-glass.review")


def _visible(actor: Actor):
    """SQL: the accesses this reviewer sees: all of them (data protection officer), or those on records their
    service holds (a lead)."""
    if reviews_every_break_glass(actor.principal):
        return true()
    holds = exists(select(Case.id).join(Referral, Case.referral_id == Referral.id).where(
        Referral.person_id == BreakGlassAccess.person_id, Case.service_id == actor.service_id))
    return or_(BreakGlassAccess.service_id == actor.service_id, holds)


def review_list(actor: Actor, *, waiting_only: bool = False, page: int = 1, per_page: int = 25):
    """Break-glass accesses, those waiting for a review first, newest first: one query a page."""
    _require_reviewer(actor)
    opener, reviewer = aliased(User), aliased(User)
    query = (
        select(BreakGlassAccess, opener.name, reviewer.name, Referral.reference, Service.name)
        .join(opener, opener.id == BreakGlassAccess.user_id)
        .outerjoin(reviewer, reviewer.id == BreakGlassAccess.reviewed_by_id)
        .outerjoin(Referral, Referral.id == BreakGlassAccess.referral_id)
        .outerjoin(Service, Service.id == BreakGlassAccess.service_id)
        .where(_visible(actor))
        .order_by(BreakGlassAccess.reviewed_at.is_not(None), BreakGlassAccess.granted_at.desc(),
                  BreakGlassAccess.id.desc())
    )
    if waiting_only:
        query = query.where(BreakGlassAccess.reviewed_at.is_(None))
    result = paginate(query, page, per_page)
    result.items = [ReviewRow(a, by, rev, ref, service, _may_review(actor, a)) for a, by, rev, ref, service in result.items]
    audit.record(actor, "list", "break_glass_access", None,
                 changes={"page": page, "ids": [row.access.id for row in result.items]})
    return result


def review_row(actor: Actor, access_id: int) -> ReviewRow:
    """One access, for its review page (404 to reviewers who may not see it)."""
    _require_reviewer(actor)
    opener, reviewer = aliased(User), aliased(User)
    found = db.session.execute(
        select(BreakGlassAccess, opener.name, reviewer.name, Referral.reference, Service.name)
        .join(opener, opener.id == BreakGlassAccess.user_id)
        .outerjoin(reviewer, reviewer.id == BreakGlassAccess.reviewed_by_id)
        .outerjoin(Referral, Referral.id == BreakGlassAccess.referral_id)
        .outerjoin(Service, Service.id == BreakGlassAccess.service_id)
        .where(BreakGlassAccess.id == access_id, _visible(actor))
    ).first() if 0 < access_id < 2**31 else None
    if found is None:
        raise NotFound("No such break-glass access", object_type="break_glass_access", object_id=access_id)
    access, by, rev, ref, service = found
    audit.record(actor, "view", "break_glass_access", access.id, referral_id=access.referral_id,
                 case_id=access.case_id, service_id=access.service_id)
    return ReviewRow(access, by, rev, ref, service, _may_review(actor, access))


def waiting_count(actor: Actor) -> int:
    if not may_see_break_glass_reviews(actor.principal):
        return 0
    return db.session.scalar(select(func.count(BreakGlassAccess.id)).where(
        _visible(actor), BreakGlassAccess.reviewed_at.is_(None), BreakGlassAccess.user_id != actor.user_id))


def _services_holding(access: BreakGlassAccess) -> set[int]:
    return set(db.session.scalars(select(Case.service_id).join(Referral, Case.referral_id == Referral.id)
                                  .where(Referral.person_id == access.person_id))) | (
        {access.service_id} if access.service_id else set())


def _may_review(actor: Actor, access: BreakGlassAccess) -> bool:
    if access.reviewed_at is not None:
        return False
    services = {access.service_id} if access.service_id else _services_holding(access)
    return may_review_break_glass(actor.principal, services, access.user_id)


def record_review(actor: Actor, access_id: int, justified: bool, note: str | None) -> BreakGlassAccess:
    """A lead of the record's service, or the data protection officer, records whether the access was justified
    (never the person who broke the glass; once)."""
    _require_reviewer(actor)
    access = db.session.get(BreakGlassAccess, access_id) if 0 < access_id < 2**31 else None
    if access is None or not db.session.scalar(select(exists().where(BreakGlassAccess.id == access_id,
                                                                     _visible(actor)))):
        raise NotFound("No such break-glass access", object_type="break_glass_access", object_id=access_id)
    if access.reviewed_at is not None:
        raise Conflict("This access has already been reviewed.")
    if not _may_review(actor, access):
        raise Forbidden("Someone else must review your own break-glass access", permission="break-glass.review")
    access.justified = bool(justified)
    access.review_note = (note or "").strip() or None
    access.reviewed_at = utc_now()
    access.reviewed_by_id = actor.user_id
    db.session.flush()
    audit.record(actor, "update", "break_glass_access", access.id, referral_id=access.referral_id,
                 case_id=access.case_id, service_id=access.service_id,
                 changes={"justified": {"before": None, "after": access.justified},
                          "review_note": "recorded" if access.review_note else None})
    return access
