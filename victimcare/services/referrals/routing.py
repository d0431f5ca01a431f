"""Routing a referral with the services' policies in force, and recording each route with the case it opens.
Shared by creating a referral, confirming one at triage and a caseworker's overrides."""
from datetime import datetime

from sqlalchemy import select

from ...domain.routing import DeadlinePolicy, ReferralFacts, Route, closed_service_message, route_referral
from ...domain.routing import RoutingDecision as RouteDecision
from ...extensions import db
from ...models import Case, Referral, RoutingDecision, Service
from ..actors import Actor
from ..cases.opening import open_case


def deadline_policies() -> tuple[dict[str, DeadlinePolicy], dict[str, Service]]:
    """Every service's first-contact policy, and the services taking new referrals (the active ones)."""
    every = list(db.session.scalars(select(Service)))
    policies = {
        s.slug: DeadlinePolicy(enhanced_days=s.first_contact_days_enhanced, standard_days=s.first_contact_days_standard)
        for s in every
    }
    return policies, {s.slug: s for s in every if s.active}


def route(facts: ReferralFacts) -> tuple[RouteDecision, dict[str, Service]]:
    """Route with the services' current policies; a route to a service that is not taking referrals is held."""
    return router()(facts)


def router():
    """``route`` with the policies read once, for routing many referrals (a batch of the bulk import)."""
    policies, services = deadline_policies()
    closed = frozenset(policies) - frozenset(services)
    return lambda facts: (route_referral(facts, policies, closed_services=closed), services)


def not_routed_note(decision: RouteDecision) -> str | None:
    """Why a route was not made, for the referral page and its confirmation: no consent, a route the rules rule
    out (restorative justice at high risk), and any service that is not taking referrals."""
    parts = ([decision.not_routed_reason] if decision.not_routed_reason else []) + list(decision.excluded) + [
        closed_service_message(service) for service in decision.closed]
    return " ".join(parts) or None


def signposting_of(decision: RouteDecision) -> dict:
    """The referral's signposting columns from a decision: where the victim is directed first, and why."""
    signpost = decision.signposts[0] if decision.signposts else None
    return {"signposted_to": signpost.to if signpost else None,
            "signposting_reason": signpost.reason if signpost else None}


def lawful_basis_of(decision: RouteDecision) -> str | None:
    """The lawful basis a route without consent relied on (child safeguarding, MARAC), if any."""
    return next((r.lawful_basis for r in decision.routes if r.lawful_basis), None)


def rule_decision(actor: Actor, referral: Referral, service: Service, route: Route, at: datetime,
                  make=RoutingDecision) -> RoutingDecision:
    """The record of a routing rule's decision to send the referral to ``service`` (not yet added)."""
    return make(
        referral_id=referral.id, service_id=service.id, kind="rule", rule=route.rule, reason=route.reason,
        priority=route.priority, first_contact_due=route.first_contact_due, marac=route.marac,
        lawful_basis=route.lawful_basis, created_by_id=actor.user_id, created_at=at,
    )


def open_routed_case(actor: Actor, referral: Referral, service: Service, decision, received_at: datetime) -> Case:
    """Open the case a route (a recorded decision, or a rule's Route) sends to ``service``."""
    return open_case(actor, referral, service, rule=decision.rule, reason=decision.reason,
                     priority=decision.priority, marac=decision.marac, first_contact_due=decision.first_contact_due,
                     received_at=received_at)
