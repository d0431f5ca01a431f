"""Reading a referral with its routing: who may see it, the routes in force, its latest risk and its cases."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ...domain.access import can_view_referral
from ...domain.routing import active_routes
from ...extensions import db
from ...models import Case, Referral, RiskAssessment, RoutingDecision
from .. import audit, restricted
from ..actors import Actor
from ..errors import NotFound


def get_referral(actor: Actor, reference: str) -> Referral:
    """A referral for a caseworker, or for an advocate of a service it was routed to; 404 for anyone else."""
    referral = db.session.scalar(select(Referral).where(Referral.reference == reference))
    routed = {d.service_id for d in referral.routing_decisions} if referral else set()
    if referral is None or not can_view_referral(actor.principal, routed):
        raise NotFound("Referral not found", object_type="referral", object_id=reference)
    restricted.check_referral(actor, referral)
    audit.record(actor, "view", "referral", referral.id, referral_id=referral.id)
    return referral


def routing_decisions_of(referral: Referral) -> list[RoutingDecision]:
    """Every routing decision of a referral, in the order they were made, read afresh."""
    return list(db.session.scalars(
        select(RoutingDecision).where(RoutingDecision.referral_id == referral.id).order_by(RoutingDecision.id)))


@dataclass(frozen=True)
class ActiveRoute:
    """A service the referral currently goes to: the decision that put it there, and the case it opened."""

    decision: RoutingDecision
    case: Case | None


@dataclass(frozen=True)
class ReferralDetails:
    referral: Referral
    active_routes: list[ActiveRoute]
    risk: RiskAssessment | None
    cases: list[Case]


def details(referral: Referral) -> ReferralDetails:
    """The referral with its active routes (earliest due first), latest DASH assessment and cases."""
    cases = list(db.session.scalars(select(Case).where(Case.referral_id == referral.id).order_by(Case.id)))
    latest_case = {}
    for case in cases:
        latest_case[case.service_id] = case
    active = [
        ActiveRoute(decision, latest_case.get(service_id))
        for service_id, decision in active_routes(referral.routing_decisions).items()
    ]
    active.sort(key=lambda r: (r.decision.first_contact_due or date.max, r.decision.id))
    return ReferralDetails(referral, active, latest_risk(referral), cases)


def latest_risk(referral: Referral) -> RiskAssessment | None:
    """The referral's most recent DASH assessment (a domestic-abuse case may have reassessed it)."""
    return db.session.scalar(
        select(RiskAssessment).where(RiskAssessment.referral_id == referral.id)
        .order_by(RiskAssessment.assessed_at.desc(), RiskAssessment.id.desc()).limit(1)
    )


def get_referral_details(actor: Actor, reference: str) -> ReferralDetails:
    """A referral (as get_referral: audited view, 404 for those who may not know of it) with its active routes,
    latest DASH assessment and cases."""
    return details(get_referral(actor, reference))
