"""Creating referrals: find or make the person, assess DASH risk, route, and open one case per route.

Everything happens in one transaction with its audit events; a failure leaves no rows behind.
"""
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from flask import current_app
from sqlalchemy import select

from ..domain.access import can_view_referral, has_permission
from ..domain.dash import DashThresholds, assess_dash
from ..domain.routing import DeadlinePolicy, ReferralFacts, route_referral
from ..extensions import db
from ..models import Case, Person, Referral, ReferralStrand, RiskAssessment, RoutingDecision, Service
from . import audit
from .actors import Actor
from .errors import NotFound, PermissionDenied

# No 0/O or 1/I/L: references are read out on the phone.
_REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_reference() -> str:
    """An unguessable reference: a victim's reference reveals nothing about how many others exist."""
    body = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
    return f"VC-{body[:4]}-{body[4:]}"


@dataclass
class VictimDetails:
    given_name: str
    family_name: str
    date_of_birth: date | None = None
    borough_code: str | None = None
    postcode: str | None = None
    phone: str | None = None
    email: str | None = None
    may_phone: bool = False
    may_leave_voicemail: bool = False
    may_write: bool = False
    may_email: bool = False
    safe_contact_notes: str | None = None


@dataclass
class DashAnswers:
    yes_count: int
    professional_judgement: bool = False
    professional_judgement_reason: str | None = None
    incidents_last_12_months: int | None = None
    answers: dict | None = None


@dataclass
class ReferralInput:
    """A validated referral, from a form, the API or the demo seeder."""

    source: str
    offence_category: str
    victim: VictimDetails | None = None
    person_id: int | None = None
    offence_date: date | None = None
    offence_borough_code: str | None = None
    crime_reference: str | None = None
    description: str | None = None
    domestic_abuse: bool = False
    sexual_offence: bool = False
    hate_strands: list[str] = field(default_factory=list)
    weapon_involved: bool = False
    persistently_targeted: bool = False
    bereaved_relative: bool = False
    vulnerable_or_intimidated: bool = False
    most_serious_crime: bool = False
    consent_referral: bool | None = None
    consent_given_by: str | None = None
    consent_method: str | None = None
    rj_requested: bool = False
    rj_consent: bool = False
    code_complaint: bool = False
    dash: DashAnswers | None = None
    received_at: datetime | None = None
    referrer_name: str | None = None
    referrer_organisation: str | None = None
    needs_triage: bool = False


def _age_on(date_of_birth: date | None, on: date) -> int | None:
    if date_of_birth is None:
        return None
    return on.year - date_of_birth.year - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))


def dash_thresholds() -> DashThresholds:
    config = current_app.config
    return DashThresholds(
        high=config["DASH_HIGH_RISK_SCORE"],
        medium=config["DASH_MEDIUM_RISK_SCORE"],
        escalation_incidents=config["MARAC_ESCALATION_INCIDENTS"],
    )


def deadline_policies() -> tuple[dict[str, DeadlinePolicy], dict[str, Service]]:
    services = {s.slug: s for s in db.session.scalars(select(Service).where(Service.active.is_(True)))}
    policies = {
        slug: DeadlinePolicy(enhanced_days=s.first_contact_days_enhanced, standard_days=s.first_contact_days_standard)
        for slug, s in services.items()
    }
    return policies, services


def create_referral(actor: Actor, data: ReferralInput) -> Referral:
    """Record a referral and route it. Self-referrals act as the public; everything else needs a caseworker."""
    if data.source == "self-referral":
        if actor.user_id is not None and not has_permission(actor.principal, "referral.create"):
            raise PermissionDenied("You do not have permission to create referrals")
    elif actor.role != "system" and not has_permission(actor.principal, "referral.create"):
        raise PermissionDenied("Only caseworkers can create referrals")

    received_at = data.received_at or datetime.now(timezone.utc)
    person = _find_or_create_person(data)
    offence_day = data.offence_date or received_at.date()
    age = _age_on(person.date_of_birth, offence_day) if person else None

    dash_result = None
    if data.dash is not None:
        dash_result = assess_dash(
            data.dash.yes_count,
            professional_judgement=data.dash.professional_judgement,
            professional_judgement_reason=data.dash.professional_judgement_reason,
            incidents_last_12_months=data.dash.incidents_last_12_months,
            assessed_on=received_at.date(),
            thresholds=dash_thresholds(),
        )
    facts = ReferralFacts(
        received_at=received_at,
        age_at_offence=age,
        offence_category=data.offence_category,
        sexual_offence=data.sexual_offence or data.offence_category == "sexual-offence",
        domestic_abuse=data.domestic_abuse or data.offence_category == "domestic-abuse",
        hate_strands=tuple(sorted(set(data.hate_strands))),
        persistently_targeted=data.persistently_targeted,
        vulnerable_or_intimidated=data.vulnerable_or_intimidated,
        bereaved_relative=data.bereaved_relative,
        weapon_involved=data.weapon_involved,
        referral_consent=data.consent_referral,
        restorative_justice_requested=data.rj_requested,
        restorative_justice_consent=data.rj_consent,
        code_complaint=data.code_complaint,
        dash=dash_result,
        most_serious_crime=data.most_serious_crime,
    )
    policies, services = deadline_policies()
    decision = route_referral(facts, policies)

    referral = Referral(
        reference=new_reference(),
        person_id=person.id if person else None,
        status="triage" if data.needs_triage else ("routed" if decision.routes else "not-routed"),
        source=data.source,
        referrer_name=data.referrer_name,
        referrer_organisation=data.referrer_organisation,
        created_by_id=actor.user_id,
        received_at=received_at,
        offence_category=data.offence_category,
        offence_date=data.offence_date,
        offence_borough_code=data.offence_borough_code or (person.borough_code if person else None),
        crime_reference=data.crime_reference,
        description=data.description,
        domestic_abuse=facts.domestic_abuse,
        sexual_offence=facts.sexual_offence,
        weapon_involved=data.weapon_involved,
        persistently_targeted=data.persistently_targeted,
        bereaved_relative=data.bereaved_relative,
        vulnerable_or_intimidated=data.vulnerable_or_intimidated,
        most_serious_crime=data.most_serious_crime,
        age_at_offence=age,
        consent_referral=data.consent_referral,
        consent_given_by=data.consent_given_by,
        consent_given_at=received_at if data.consent_referral else None,
        consent_method=data.consent_method,
        rj_requested=data.rj_requested,
        rj_consent=data.rj_consent,
        code_complaint=data.code_complaint,
        enhanced=decision.enhanced,
        enhanced_reasons=list(decision.enhanced_reasons),
        dash_level=dash_result.level if dash_result else None,
        marac=bool(dash_result and dash_result.marac),
        not_routed_reason=decision.not_routed_reason,
        lawful_basis=next((r.lawful_basis for r in decision.routes if r.lawful_basis), None),
        strands=[ReferralStrand(strand=s) for s in facts.hate_strands],
    )
    db.session.add(referral)
    db.session.flush()
    if dash_result is not None:
        db.session.add(
            RiskAssessment(
                referral_id=referral.id,
                answers=data.dash.answers,
                yes_count=dash_result.yes_count,
                actuarial_level=dash_result.actuarial_level,
                level=dash_result.level,
                professional_judgement=dash_result.professional_judgement,
                professional_judgement_reason=data.dash.professional_judgement_reason,
                incidents_last_12_months=data.dash.incidents_last_12_months,
                marac=dash_result.marac,
                marac_reasons=list(dash_result.marac_reasons),
                assessed_at=received_at,
                assessed_by_id=actor.user_id,
            )
        )
    cases = []
    for route in decision.routes:
        service = services[route.service]
        db.session.add(
            RoutingDecision(
                referral_id=referral.id, service_id=service.id, kind="rule", rule=route.rule, reason=route.reason,
                priority=route.priority, first_contact_due=route.first_contact_due, marac=route.marac,
                lawful_basis=route.lawful_basis, created_by_id=actor.user_id, created_at=received_at,
            )
        )
        case = Case(
            referral_id=referral.id, service_id=service.id, status="new", priority=route.priority, rule=route.rule,
            route_reason=route.reason, received_at=received_at, borough_code=referral.offence_borough_code,
            enhanced=decision.enhanced, marac=route.marac, child_safeguarding=route.rule == "child-sexual-abuse",
            first_contact_due=route.first_contact_due, created_at=received_at,
        )
        db.session.add(case)
        cases.append(case)
    db.session.flush()
    audit.record(
        actor, "create", "referral", referral.id, referral_id=referral.id,
        changes={"source": data.source, "routes": [r.service for r in decision.routes], "enhanced": decision.enhanced},
    )
    for case in cases:
        audit.record(actor, "create", "case", case.id, referral_id=referral.id, case_id=case.id,
                     service_id=case.service_id, changes={"status": {"after": "new"}})
    db.session.commit()
    return referral


def _find_or_create_person(data: ReferralInput) -> Person | None:
    if data.person_id is not None:
        person = db.session.get(Person, data.person_id)
        if person is None:
            raise NotFound("No such person")
        return person
    if data.victim is None:
        return None
    v = data.victim
    person = Person(
        given_name=v.given_name.strip(), family_name=v.family_name.strip(), date_of_birth=v.date_of_birth,
        borough_code=v.borough_code, postcode=(v.postcode or "").upper().strip() or None, phone=v.phone,
        email=v.email, may_phone=v.may_phone, may_leave_voicemail=v.may_leave_voicemail, may_write=v.may_write,
        may_email=v.may_email, safe_contact_notes=v.safe_contact_notes,
    )
    db.session.add(person)
    db.session.flush()
    return person


def get_referral(actor: Actor, reference: str) -> Referral:
    """A referral for a caseworker, or for an advocate of a service it was routed to; 404 for anyone else."""
    referral = db.session.scalar(select(Referral).where(Referral.reference == reference))
    routed = {d.service_id for d in referral.routing_decisions} if referral else set()
    if referral is None or not can_view_referral(actor.principal, routed):
        from flask import g, has_request_context

        if has_request_context():
            g.denied_object_type, g.denied_object_id = "referral", reference
        raise NotFound("Referral not found")
    audit.record(actor, "view", "referral", referral.id, referral_id=referral.id)
    db.session.commit()
    return referral
