"""Reading a referral with its routing: who may see it, the routes in force, its latest risk and its cases."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import select

from ...domain.access import can_view_referral
from ...domain.clock import utc_now
from ...domain.routing import active_routes
from ...extensions import db
from ...models import Case, Person, Referral, RiskAssessment, RoutingDecision, User
from .. import audit, restricted
from ..actors import Actor, require
from ..errors import NotFound
from ..pagination import paginate


def get_referral(actor: Actor, reference: str) -> Referral:
    """A referral for a caseworker, or for an advocate of a service it was routed to; 404 for anyone else, and for
    everyone once its person's personal data has been purged (services/retention)."""
    referral = db.session.scalar(select(Referral).where(Referral.reference == reference))
    routed = {d.service_id for d in referral.routing_decisions} if referral else set()
    purged = referral is not None and referral.person is not None and referral.person.purged_at is not None
    if referral is None or purged or not can_view_referral(actor.principal, routed):
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


class ReferralRow(NamedTuple):
    reference: str
    received_at: datetime
    source: str
    status: str
    offence_category: str
    given_name: str | None
    family_name: str | None
    logged_by: str | None


def list_referrals(actor: Actor, *, logged_by_me: bool = False, days: int | None = 30, page: int = 1,
                   per_page: int = 25):
    """The referrals index for caseworkers, newest first: all of them or those the actor logged, over the last
    ``days`` days (None: all time). One query with the logger's name; restricted names are masked as in triage."""
    require(actor, "referral.triage", "Only caseworkers list referrals")
    conditions = []
    if logged_by_me:
        conditions.append(Referral.created_by_id == actor.user_id)
    if days:
        conditions.append(Referral.received_at >= utc_now() - timedelta(days=days))
    query = (
        select(Referral.reference, Referral.received_at, Referral.source, Referral.status, Referral.offence_category,
               *restricted.masked(restricted.hidden_from(actor, Referral.person_id), Person.given_name,
                                  Person.family_name),
               User.name.label("logged_by"))
        .outerjoin(Person, Referral.person_id == Person.id)
        .outerjoin(User, Referral.created_by_id == User.id)
        .where(*conditions)
        .order_by(Referral.received_at.desc(), Referral.id.desc())
    )
    result = paginate(query, page, per_page)
    result.items = [ReferralRow(*row) for row in result.items]
    audit.record(actor, "list", "referral", None, changes={
        "queue": "referrals", "logged_by_me": logged_by_me, "days": days, "page": page, "rows": len(result.items)})
    return result
