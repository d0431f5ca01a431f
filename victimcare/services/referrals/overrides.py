"""A caseworker's overrides of the routing rules: add a service, or take one off, always with a reason.
The rules' own decisions stay on record; an override is one more decision after them."""
from sqlalchemy import select

from .. import events
from ...domain.clock import utc_now
from ...domain.deadlines import first_contact_due
from ...domain.routing import active_routes
from ...domain.vocab import OVERRIDE_REASONS, slugs
from ...extensions import db
from ...models import Case, Referral, RoutingDecision, Service
from .. import audit, restricted
from ..actors import Actor, require
from ..errors import Conflict, NotFound, ValidationFailed
from .routing import deadline_policies, open_routed_case


def load_for_change(actor: Actor, reference: str, permission: str) -> Referral:
    """The referral a caseworker is about to re-route (refused for anyone without ``permission``)."""
    require(actor, permission, "Only caseworkers can change a referral's routing")
    referral = db.session.scalar(select(Referral).where(Referral.reference == reference))
    if referral is None or (referral.person is not None and referral.person.purged_at is not None):
        raise NotFound("Referral not found", object_type="referral", object_id=reference)
    restricted.check_referral(actor, referral)
    return referral


def _service_by_slug(slug: str) -> Service:
    service = db.session.scalar(select(Service).where(Service.slug == slug, Service.active.is_(True)))
    if service is None:
        raise ValidationFailed(errors=[{"field": "service", "message": "Choose a service"}])
    return service


def _require_reason(reason: str | None, reason_code: str | None) -> tuple[str, str]:
    """The free-text reason and the coded one (OVERRIDE_REASONS), both needed for a routing override."""
    errors = []
    reason = (reason or "").strip()
    if not reason:
        errors.append({"field": "reason", "message": "Enter the reason for the change"})
    if reason_code not in slugs(OVERRIDE_REASONS):
        errors.append({"field": "reason_code", "message": "Choose the main reason for the change"})
    if errors:
        raise ValidationFailed(errors=errors)
    return reason, reason_code


def _settle_status(referral: Referral) -> None:
    """A referral out of triage is routed while any route is active, otherwise recorded only (not-routed)."""
    if referral.status != "triage":
        referral.status = "routed" if active_routes(referral.routing_decisions) else "not-routed"


def add_route(actor: Actor, reference: str, service_slug: str, reason: str, reason_code: str | None) -> RoutingDecision:
    """A caseworker routes the referral to one more service, for a stated reason, and opens its case.

    The added service receives the referral now, so its first-contact clock starts now (not when the referral
    first arrived): the deadline is that service's enhanced or standard working days from today.
    """
    referral = load_for_change(actor, reference, "referral.triage")
    reason, reason_code = _require_reason(reason, reason_code)
    service = _service_by_slug(service_slug)
    if service.id in active_routes(referral.routing_decisions):
        raise Conflict(f"This referral already goes to {service.name}.")
    now = utc_now()
    policies, _ = deadline_policies()
    due = first_contact_due(now, policies[service.slug].days(referral.enhanced))
    marac = referral.marac and service.features.marac
    decision = RoutingDecision(
        referral_id=referral.id, service_id=service.id, kind="override-add", rule="caseworker-override",
        reason=reason, reason_code=reason_code, priority="high" if marac else "normal", first_contact_due=due, marac=marac,
        created_by_id=actor.user_id, created_at=now,
    )
    referral.routing_decisions.append(decision)
    db.session.flush()
    open_routed_case(actor, referral, service, decision, now)
    _settle_status(referral)
    audit.record(actor, "update", "referral", referral.id, referral_id=referral.id, service_id=service.id,
                 changes={"routing": {"override": "add", "service": service.slug, "reason_code": reason_code}})
    events.referral_routed(referral)
    return decision


def _unstarted_case(referral: Referral, service: Service) -> Case | None:
    """The service's latest case on the referral, refused (409) if the service has started work on it."""
    case = db.session.scalar(
        select(Case).where(Case.referral_id == referral.id, Case.service_id == service.id)
        .order_by(Case.id.desc()).limit(1)
    )
    if case is not None and case.status not in ("new", "declined"):
        raise Conflict(
            f"{service.name} has already started work on this case, so the route cannot be removed here. "
            "Ask the service to transfer or close the case."
        )
    return case


def remove_route(actor: Actor, reference: str, service_slug: str, reason: str, reason_code: str | None) -> RoutingDecision:
    """A caseworker takes a service off the referral, for a stated reason. The original decision stays on record.

    The service's case must still be new (no one has started work on it): it is then declined with the
    override's reason. Once a service has accepted the case, only that service can close or transfer it.
    """
    referral = load_for_change(actor, reference, "referral.triage")
    reason, reason_code = _require_reason(reason, reason_code)
    service = _service_by_slug(service_slug)
    if service.id not in active_routes(referral.routing_decisions):
        raise Conflict(f"This referral does not go to {service.name}.")
    case = _unstarted_case(referral, service)
    now = utc_now()
    decision = RoutingDecision(
        referral_id=referral.id, service_id=service.id, kind="override-remove", rule="caseworker-override",
        reason=reason, reason_code=reason_code, priority="normal", created_by_id=actor.user_id, created_at=now,
    )
    referral.routing_decisions.append(decision)
    if case is not None and case.status == "new":
        case.status = "declined"
        case.decline_reason = f"Route removed by a caseworker: {reason}"
        case.decline_reason_code = "route-removed"
        db.session.flush()
        audit.record(actor, "transition", "case", case.id, referral_id=referral.id, case_id=case.id,
                     service_id=service.id, changes={"status": {"before": "new", "after": "declined"}})
    db.session.flush()
    _settle_status(referral)
    audit.record(actor, "update", "referral", referral.id, referral_id=referral.id, service_id=service.id,
                 changes={"routing": {"override": "remove", "service": service.slug, "reason_code": reason_code}})
    return decision
