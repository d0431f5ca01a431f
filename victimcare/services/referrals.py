"""Creating referrals: find or make the person, assess DASH risk, route, and open one case per route.

Everything happens in one transaction with its audit events; a failure leaves no rows behind.
"""
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from flask import current_app
from sqlalchemy import func, select

from ..domain.access import can_view_referral, referral_permission
from ..domain.clock import utc_now
from ..domain.dash import DashThresholds, assess_dash
from ..domain.deadlines import first_contact_due
from ..domain.people import age_on
from ..domain.routing import (
    DeadlinePolicy,
    ReferralFacts,
    closed_service_message,
    route_referral,
)
from ..domain.vocab import (
    HATE_STRAND_LABELS,
    OFFENCE_CATEGORY_LABELS,
    OVERRIDE_REASONS,
    slugs,
)
from ..extensions import db
from ..models import (
    PERSON_SENSITIVE_FIELDS,
    REFERRAL_SENSITIVE_FIELDS,
    Case,
    CaseStep,
    Person,
    Referral,
    ReferralStrand,
    RiskAssessment,
    RoutingDecision,
    Service,
)
from . import audit
from .actors import Actor, require
from .case_opening import open_case
from .errors import Conflict, NotFound, ValidationFailed
from .pagination import paginate

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
    # Equality monitoring (special-category data): None = not asked; "prefer-not-to-say" is an answer.
    sex: str | None = None
    gender_identity: str | None = None
    ethnicity: str | None = None
    disability: str | None = None
    religion: str | None = None
    sexual_orientation: str | None = None
    first_language: str | None = None
    interpreter_needed: bool | None = None


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
    # Recorded when the victim did not consent (or was not asked) but a lawful basis allows the referral.
    lawful_basis: str | None = None


def dash_thresholds() -> DashThresholds:
    config = current_app.config
    return DashThresholds(
        high=config["DASH_HIGH_RISK_SCORE"],
        medium=config["DASH_MEDIUM_RISK_SCORE"],
        escalation_incidents=config["MARAC_ESCALATION_INCIDENTS"],
    )


def deadline_policies() -> tuple[dict[str, DeadlinePolicy], dict[str, Service]]:
    """Every service's first-contact policy, and the services taking new referrals (the active ones)."""
    every = list(db.session.scalars(select(Service)))
    policies = {
        s.slug: DeadlinePolicy(enhanced_days=s.first_contact_days_enhanced, standard_days=s.first_contact_days_standard)
        for s in every
    }
    return policies, {s.slug: s for s in every if s.active}


def _not_routed_note(decision) -> str | None:
    """Why a route was not made, for the referral page: no consent, and any service that is not taking referrals."""
    parts = ([decision.not_routed_reason] if decision.not_routed_reason else []) + [
        closed_service_message(service) for service in decision.closed]
    return " ".join(parts) or None


def _route(facts: ReferralFacts):
    """Route with the services' current policies; a route to a service that is not taking referrals is held."""
    policies, services = deadline_policies()
    return route_referral(facts, policies, closed_services=frozenset(policies) - frozenset(services)), services


def last_marac_referral_on(person: Person | None, before: datetime) -> date | None:
    """The person's most recent MARAC referral before this one: a routing that referred them to MARAC, or a
    domestic-abuse case's recorded MARAC referral step. A new incident within 12 months of it is a repeat."""
    if person is None or person.id is None:
        return None
    at_routing = db.session.scalar(
        select(func.max(RiskAssessment.assessed_at))
        .join(Referral, Referral.id == RiskAssessment.referral_id)
        .where(Referral.person_id == person.id, RiskAssessment.marac.is_(True), RiskAssessment.assessed_at < before)
    )
    as_step = db.session.scalar(
        select(func.max(CaseStep.occurred_on))
        .join(Case, Case.id == CaseStep.case_id)
        .join(Referral, Referral.id == Case.referral_id)
        .where(Referral.person_id == person.id, CaseStep.step == "marac-referral",
               CaseStep.occurred_on <= before.date())
    )
    dates = [d for d in (at_routing.date() if at_routing else None, as_step) if d is not None]
    return max(dates) if dates else None


def create_referral(actor: Actor, data: ReferralInput) -> Referral:
    """Record a referral and route it. Self-referrals act as the public; everything else needs a caseworker."""
    require(actor, referral_permission(actor.principal, data.source), "Only caseworkers can create referrals")

    received_at = data.received_at or utc_now()
    person = _find_or_create_person(actor, data)
    offence_day = data.offence_date or received_at.date()
    age = age_on(person.date_of_birth, offence_day) if person else None

    dash_result = None
    if data.dash is not None:
        dash_result = assess_dash(
            data.dash.yes_count,
            professional_judgement=data.dash.professional_judgement,
            professional_judgement_reason=data.dash.professional_judgement_reason,
            incidents_last_12_months=data.dash.incidents_last_12_months,
            last_marac_referral_on=last_marac_referral_on(person, before=received_at),
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
    decision, services = _route(facts)

    referral = Referral(
        reference=new_reference(),
        person_id=person.id if person else None,
        # A route held because its service is closed waits for a caseworker: the victim is never dropped.
        status="triage" if data.needs_triage or decision.closed else ("routed" if decision.routes else "not-routed"),
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
        not_routed_reason=_not_routed_note(decision),
        lawful_basis=next((r.lawful_basis for r in decision.routes if r.lawful_basis), None) or data.lawful_basis,
        safe_contact_notes=data.victim.safe_contact_notes if data.victim else None,
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
    audit.record(
        actor, "create", "referral", referral.id, referral_id=referral.id,
        changes={"source": data.source, "routes": [r.service for r in decision.routes], "enhanced": decision.enhanced},
    )
    for route in decision.routes:
        service = services[route.service]
        db.session.add(
            RoutingDecision(
                referral_id=referral.id, service_id=service.id, kind="rule", rule=route.rule, reason=route.reason,
                priority=route.priority, first_contact_due=route.first_contact_due, marac=route.marac,
                lawful_basis=route.lawful_basis, created_by_id=actor.user_id, created_at=received_at,
            )
        )
        open_case(actor, referral, service, rule=route.rule, reason=route.reason, priority=route.priority,
                  marac=route.marac, first_contact_due=route.first_contact_due, received_at=received_at)
    return referral


def _find_or_create_person(actor: Actor, data: ReferralInput) -> Person | None:
    if data.person_id is not None:
        person = db.session.get(Person, data.person_id)
        if person is None:
            raise NotFound("No such person")
        if data.victim is not None:
            _update_known_person(actor, person, data.victim)
        return person
    if data.victim is None:
        return None
    v = data.victim
    person = Person(
        given_name=v.given_name.strip(), family_name=v.family_name.strip(), date_of_birth=v.date_of_birth,
        borough_code=v.borough_code, postcode=(v.postcode or "").upper().strip() or None, phone=v.phone,
        email=v.email, may_phone=v.may_phone, may_leave_voicemail=v.may_leave_voicemail, may_write=v.may_write,
        may_email=v.may_email, safe_contact_notes=v.safe_contact_notes,
        **{name: getattr(v, name) for name in EQUALITY_FIELDS},
    )
    db.session.add(person)
    db.session.flush()
    return person


EQUALITY_FIELDS = (
    "sex", "gender_identity", "ethnicity", "disability", "religion", "sexual_orientation", "first_language",
    "interpreter_needed",
)
_CONTACT_FIELDS = ("phone", "email", "postcode", "borough_code", "safe_contact_notes")
_CONTACT_FLAGS = ("may_phone", "may_leave_voicemail", "may_write", "may_email")


def _update_known_person(actor: Actor, person: Person, victim: VictimDetails) -> None:
    """A new referral for someone already on record refreshes what was asked again this time.

    Contact preferences were asked afresh, so they replace the old ones; details and equality answers replace
    the old ones only where given (a blank never wipes what is known). Names and date of birth stay as they are.
    """
    before = {name: getattr(person, name) for name in _CONTACT_FIELDS + _CONTACT_FLAGS + EQUALITY_FIELDS}
    for name in _CONTACT_FLAGS:
        setattr(person, name, bool(getattr(victim, name)))
    for name in _CONTACT_FIELDS + EQUALITY_FIELDS:
        value = getattr(victim, name)
        if value is not None and value != "":
            setattr(person, name, value)
    after = {name: getattr(person, name) for name in before}
    changes = audit.describe_changes(before, after, PERSON_SENSITIVE_FIELDS | {"interpreter_needed"})
    if changes:
        db.session.flush()
        audit.record(actor, "update", "person", person.id, changes=changes)


def routing_decisions_of(referral: Referral) -> list[RoutingDecision]:
    """Every routing decision of a referral, in the order they were made, read afresh."""
    return list(db.session.scalars(
        select(RoutingDecision).where(RoutingDecision.referral_id == referral.id).order_by(RoutingDecision.id)))


def get_referral(actor: Actor, reference: str) -> Referral:
    """A referral for a caseworker, or for an advocate of a service it was routed to; 404 for anyone else."""
    referral = db.session.scalar(select(Referral).where(Referral.reference == reference))
    routed = {d.service_id for d in referral.routing_decisions} if referral else set()
    if referral is None or not can_view_referral(actor.principal, routed):
        raise NotFound("Referral not found", object_type="referral", object_id=reference)
    audit.record(actor, "view", "referral", referral.id, referral_id=referral.id)
    return referral


# --- Reading a referral with its routing --------------------------------------------------------------------


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


def active_route_decisions(decisions) -> dict[int, RoutingDecision]:
    """service id -> the decision that routes to it now: decisions replayed in order, overrides included."""
    active: dict[int, RoutingDecision] = {}
    for decision in sorted(decisions, key=lambda d: d.id):
        if decision.kind == "override-remove":
            active.pop(decision.service_id, None)
        else:
            active[decision.service_id] = decision
    return active


def _details(referral: Referral) -> ReferralDetails:
    cases = list(db.session.scalars(select(Case).where(Case.referral_id == referral.id).order_by(Case.id)))
    latest_case = {}
    for case in cases:
        latest_case[case.service_id] = case
    active = [
        ActiveRoute(decision, latest_case.get(service_id))
        for service_id, decision in active_route_decisions(referral.routing_decisions).items()
    ]
    active.sort(key=lambda r: (r.decision.first_contact_due or date.max, r.decision.id))
    risk = db.session.scalar(
        select(RiskAssessment).where(RiskAssessment.referral_id == referral.id)
        .order_by(RiskAssessment.assessed_at.desc(), RiskAssessment.id.desc()).limit(1)
    )
    return ReferralDetails(referral, active, risk, cases)


def get_referral_details(actor: Actor, reference: str) -> ReferralDetails:
    """A referral (as get_referral: audited view, 404 for those who may not know of it) with its active routes,
    latest DASH assessment and cases."""
    return _details(get_referral(actor, reference))


# --- Routing overrides -------------------------------------------------------------------------------------


def _load_for_change(actor: Actor, reference: str, permission: str) -> Referral:
    require(actor, permission, "Only caseworkers can change a referral's routing")
    referral = db.session.scalar(select(Referral).where(Referral.reference == reference))
    if referral is None:
        raise NotFound("Referral not found")
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
        referral.status = "routed" if active_route_decisions(referral.routing_decisions) else "not-routed"


def _open_case(actor: Actor, referral: Referral, service: Service, decision: RoutingDecision, at: datetime) -> Case:
    return open_case(actor, referral, service, rule=decision.rule, reason=decision.reason,
                     priority=decision.priority, marac=decision.marac, first_contact_due=decision.first_contact_due,
                     received_at=at)


def add_route(actor: Actor, reference: str, service_slug: str, reason: str, reason_code: str | None) -> RoutingDecision:
    """A caseworker routes the referral to one more service, for a stated reason, and opens its case.

    The added service receives the referral now, so its first-contact clock starts now (not when the referral
    first arrived): the deadline is that service's enhanced or standard working days from today.
    """
    referral = _load_for_change(actor, reference, "referral.triage")
    reason, reason_code = _require_reason(reason, reason_code)
    service = _service_by_slug(service_slug)
    if service.id in active_route_decisions(referral.routing_decisions):
        raise Conflict(f"This referral already goes to {service.name}.")
    now = utc_now()
    policies, _ = deadline_policies()
    due = first_contact_due(now, policies[service.slug].days(referral.enhanced))
    marac = referral.marac and service.slug == "domestic-abuse"
    decision = RoutingDecision(
        referral_id=referral.id, service_id=service.id, kind="override-add", rule="caseworker-override",
        reason=reason, reason_code=reason_code, priority="high" if marac else "normal", first_contact_due=due, marac=marac,
        created_by_id=actor.user_id, created_at=now,
    )
    referral.routing_decisions.append(decision)
    db.session.flush()
    _open_case(actor, referral, service, decision, now)
    _settle_status(referral)
    audit.record(actor, "update", "referral", referral.id, referral_id=referral.id, service_id=service.id,
                 changes={"routing": {"override": "add", "service": service.slug, "reason_code": reason_code}})
    return decision


def remove_route(actor: Actor, reference: str, service_slug: str, reason: str, reason_code: str | None) -> RoutingDecision:
    """A caseworker takes a service off the referral, for a stated reason. The original decision stays on record.

    The service's case must still be new (no one has started work on it): it is then declined with the
    override's reason. Once a service has accepted the case, only that service can close or transfer it.
    """
    referral = _load_for_change(actor, reference, "referral.triage")
    reason, reason_code = _require_reason(reason, reason_code)
    service = _service_by_slug(service_slug)
    if service.id not in active_route_decisions(referral.routing_decisions):
        raise Conflict(f"This referral does not go to {service.name}.")
    case = db.session.scalar(
        select(Case).where(Case.referral_id == referral.id, Case.service_id == service.id)
        .order_by(Case.id.desc()).limit(1)
    )
    if case is not None and case.status not in ("new", "declined"):
        raise Conflict(
            f"{service.name} has already started work on this case, so the route cannot be removed here. "
            "Ask the service to transfer or close the case."
        )
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


# --- Triage ---------------------------------------------------------------------------------------------------


class TriageRow(NamedTuple):
    reference: str
    received_at: datetime
    source: str
    offence_category: str
    given_name: str | None
    family_name: str | None
    earliest_due: date | None


def triage_list(actor: Actor, page: int = 1, per_page: int = 25):
    """Referrals awaiting a caseworker's review, oldest first, each with its earliest first-contact due date.

    One query: the due date comes from a grouped subquery over the referral's cases. Rows are TriageRow (plain
    columns, not ORM objects),
    so nothing is reloaded row by row after the audit event's commit.
    """
    require(actor, "referral.triage", "Only caseworkers triage referrals")
    due = (
        select(Case.referral_id, func.min(Case.first_contact_due).label("earliest_due"))
        .where(Case.status == "new")
        .group_by(Case.referral_id)
        .subquery()
    )
    query = (
        select(Referral.reference, Referral.received_at, Referral.source, Referral.offence_category,
               Person.given_name, Person.family_name, due.c.earliest_due)
        .outerjoin(Person, Referral.person_id == Person.id)
        .outerjoin(due, due.c.referral_id == Referral.id)
        .where(Referral.status == "triage")
        .order_by(Referral.received_at, Referral.id)
    )
    result = paginate(query, page, per_page)
    result.items = [TriageRow(*row) for row in result.items]
    audit.record(actor, "list", "referral", None, changes={"queue": "triage", "page": page, "rows": len(result.items)})
    return result


@dataclass
class TriageCompletion:
    """What a caseworker fills in or corrects when confirming a triage referral. None leaves a value unchanged."""

    given_name: str | None = None
    family_name: str | None = None
    date_of_birth: date | None = None
    postcode: str | None = None
    offence_category: str | None = None
    offence_date: date | None = None
    offence_borough_code: str | None = None
    crime_reference: str | None = None
    domestic_abuse: bool = False
    sexual_offence: bool = False
    hate_strands: list[str] = field(default_factory=list)
    persistently_targeted: bool = False
    vulnerable_or_intimidated: bool = False
    bereaved_relative: bool = False
    consent_referral: bool | None = None


_TRIAGE_REFERRAL_FIELDS = (
    "offence_category", "offence_date", "offence_borough_code", "crime_reference", "domestic_abuse",
    "sexual_offence", "persistently_targeted", "vulnerable_or_intimidated", "bereaved_relative", "consent_referral",
)


def _facts_for(referral: Referral, risk: RiskAssessment | None) -> ReferralFacts:
    from ..domain.dash import DashResult

    dash = None
    if risk is not None:
        dash = DashResult(
            yes_count=risk.yes_count, actuarial_level=risk.actuarial_level, level=risk.level,
            professional_judgement=risk.professional_judgement,
            professional_judgement_reason=risk.professional_judgement_reason, marac=risk.marac,
            marac_reasons=tuple(risk.marac_reasons or ()),
        )
    return ReferralFacts(
        received_at=referral.received_at, age_at_offence=referral.age_at_offence,
        offence_category=referral.offence_category, sexual_offence=referral.sexual_offence,
        domestic_abuse=referral.domestic_abuse, hate_strands=tuple(referral.strand_slugs),
        persistently_targeted=referral.persistently_targeted,
        vulnerable_or_intimidated=referral.vulnerable_or_intimidated, bereaved_relative=referral.bereaved_relative,
        weapon_involved=referral.weapon_involved, referral_consent=referral.consent_referral,
        restorative_justice_requested=referral.rj_requested, restorative_justice_consent=referral.rj_consent,
        code_complaint=referral.code_complaint, dash=dash, most_serious_crime=referral.most_serious_crime,
    )


def confirm_triage(actor: Actor, reference: str, completion: TriageCompletion) -> ReferralDetails:
    """Complete a triage referral's missing details, re-apply the routing rules and take it out of triage.

    Routes the rules now make are added (with their cases, due from the day the referral was received); routes
    already made stay, since a service may be working them (a caseworker removes one with an override); a route
    a caseworker removed is not brought back. The referral becomes routed, or not-routed when nothing is active.
    """
    referral = _load_for_change(actor, reference, "referral.triage")
    if referral.status != "triage":
        raise Conflict("This referral has already been triaged.")
    errors = []
    if completion.offence_category and completion.offence_category not in OFFENCE_CATEGORY_LABELS:
        errors.append({"field": "offence_category", "message": "Choose an offence category"})
    if any(s not in HATE_STRAND_LABELS for s in completion.hate_strands):
        errors.append({"field": "hate_strands", "message": "Choose hate crime strands from the list"})
    if errors:
        raise ValidationFailed(errors=errors)

    person_before = {}
    person = referral.person
    if person is None and completion.given_name and completion.family_name:
        person = Person(given_name=completion.given_name.strip(), family_name=completion.family_name.strip())
        db.session.add(person)
        db.session.flush()
        referral.person_id = person.id
        referral.person = person
    if person is not None:
        person_before = {"given_name": person.given_name, "family_name": person.family_name,
                         "date_of_birth": person.date_of_birth, "postcode": person.postcode}
        for name in ("given_name", "family_name", "date_of_birth", "postcode"):
            value = getattr(completion, name)
            if value not in (None, ""):
                setattr(person, name, value.strip().upper() if name == "postcode" else value)

    before = {name: getattr(referral, name) for name in _TRIAGE_REFERRAL_FIELDS}
    before["hate_strands"] = referral.strand_slugs
    before["status"] = referral.status
    for name in _TRIAGE_REFERRAL_FIELDS:
        value = getattr(completion, name)
        if isinstance(value, bool) or value not in (None, ""):
            setattr(referral, name, value)
    if completion.offence_category == "domestic-abuse":
        referral.domestic_abuse = True
    if completion.offence_category == "sexual-offence":
        referral.sexual_offence = True
    if set(completion.hate_strands) != set(referral.strand_slugs):
        referral.strands = [ReferralStrand(strand=s) for s in sorted(set(completion.hate_strands))]
    if person is not None and person.borough_code is None and referral.offence_borough_code:
        person.borough_code = referral.offence_borough_code
    if completion.consent_referral and referral.consent_given_at is None:
        referral.consent_given_at = utc_now()
    referral.age_at_offence = age_on(person.date_of_birth if person else None,
                                      referral.offence_date or referral.received_at.date())
    db.session.flush()

    details = _details(referral)
    decision, services = _route(_facts_for(referral, details.risk))
    referral.enhanced = decision.enhanced
    referral.enhanced_reasons = list(decision.enhanced_reasons)
    referral.not_routed_reason = _not_routed_note(decision)
    if referral.lawful_basis is None:
        referral.lawful_basis = next((r.lawful_basis for r in decision.routes if r.lawful_basis), None)

    active = active_route_decisions(referral.routing_decisions)
    removed = {d.service_id for d in referral.routing_decisions if d.kind == "override-remove"}
    now = utc_now()
    for route in decision.routes:
        service = services[route.service]
        if service.id in active or service.id in removed:
            continue
        new = RoutingDecision(
            referral_id=referral.id, service_id=service.id, kind="rule", rule=route.rule, reason=route.reason,
            priority=route.priority, first_contact_due=route.first_contact_due, marac=route.marac,
            lawful_basis=route.lawful_basis, created_by_id=actor.user_id, created_at=now,
        )
        referral.routing_decisions.append(new)
        db.session.flush()
        _open_case(actor, referral, service, new, referral.received_at)

    referral.status = "routed" if active_route_decisions(referral.routing_decisions) else "not-routed"
    after = {name: getattr(referral, name) for name in _TRIAGE_REFERRAL_FIELDS}
    after["hate_strands"] = referral.strand_slugs
    after["status"] = referral.status
    db.session.flush()
    if person is not None:
        person_after = {name: getattr(person, name) for name in person_before}
        person_changes = audit.describe_changes(person_before, person_after, frozenset({"postcode"}))
        if person_changes:
            audit.record(actor, "update", "person", person.id, referral_id=referral.id, changes=person_changes)
    audit.record(actor, "update", "referral", referral.id, referral_id=referral.id,
                 changes=audit.describe_changes(before, after, REFERRAL_SENSITIVE_FIELDS))
    return _details(referral)


# --- Reference data for forms -----------------------------------------------------------------------------------


def london_areas() -> list[tuple[str, str]]:
    """The 33 London areas as (ONS code, name), by name."""
    from ..models import Borough

    return [(b.ons_code, b.name) for b in db.session.scalars(select(Borough).order_by(Borough.name))]


def active_services() -> list[tuple[str, str]]:
    """Services referrals can be routed to, as (slug, name)."""
    return [(s.slug, s.name) for s in db.session.scalars(select(Service).where(Service.active.is_(True)).order_by(Service.id))]
