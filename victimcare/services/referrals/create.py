"""Creating a referral: find or make the person, assess DASH risk, route, and open one case per route.

Everything happens in the caller's transaction with its audit events; a failure leaves no rows behind.
"""
import secrets
from dataclasses import replace
from datetime import datetime

from .. import events
from ...domain.access import referral_permission
from ...domain.clock import london_date, london_today, utc_now
from ...domain.dash import DashResult, assess_dash
from ...domain.people import age_on
from ...domain.referral_validation import validate_referral
from ...domain.routing import ReferralFacts
from ...domain.routing import RoutingDecision as RouteDecision
from ...extensions import db
from ...models import PERSON_SENSITIVE_FIELDS, Person, Referral, ReferralStrand, RiskAssessment, Service
from .. import audit
from ..actors import Actor, require
from ..errors import NotFound, ValidationFailed
from ..risk import dash_thresholds, last_marac_referral_on
from .household import household_problems, record_household
from .inputs import DashAnswers, ReferralInput, VictimDetails
from .routing import lawful_basis_of, not_routed_note, open_routed_case, route, rule_decision, signposting_of

# No 0/O or 1/I/L: references are read out on the phone.
_REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

EQUALITY_FIELDS = (
    "sex", "gender_identity", "ethnicity", "disability", "religion", "sexual_orientation", "first_language",
    "interpreter_needed",
)
_CONTACT_FIELDS = ("phone", "email", "postcode", "borough_code", "safe_contact_notes", "address",
                   "preferred_contact_times")
_CONTACT_FLAGS = ("may_phone", "may_leave_voicemail", "may_write", "may_email", "may_text")


def new_reference() -> str:
    """An unguessable reference: a victim's reference reveals nothing about how many others exist."""
    body = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
    return f"VC-{body[:4]}-{body[4:]}"


def create_referral(actor: Actor, data: ReferralInput) -> Referral:
    """Record a referral and route it. Self-referrals act as the public; everything else needs a caseworker."""
    data, received_at = checked_new(actor, data)
    person = _find_or_create_person(actor, data)
    referral, dash_result, decision, services = decide_referral(actor, data, person, received_at, route)

    db.session.add(referral)
    db.session.flush()
    if dash_result is not None:
        db.session.add(risk_assessment(actor, referral, data.dash, dash_result))
    record_household(actor, referral, data)
    audit.record(actor, "create", "referral", referral.id, referral_id=referral.id,
                 changes=created_changes(data, referral, decision))
    if not data.hold_for_triage:
        _open_routes(actor, referral, decision, services)
    events.referral_received(referral)
    return referral


def checked_new(actor: Actor, data: ReferralInput) -> tuple[ReferralInput, datetime]:
    """Whether the actor may make this referral, and its contact details in their stored form, as
    create_referral checks them (the bulk import checks each row here before writing a batch)."""
    require(actor, referral_permission(actor.principal, data.source), "Only caseworkers can create referrals")
    received_at = data.received_at or utc_now()
    return _validated(data, received_at), received_at


def decide_referral(actor: Actor, data: ReferralInput, person: Person | None, received_at: datetime, router, *,
                    make=Referral, make_strand=ReferralStrand):
    """The referral row (not yet added), its DASH result, the routing decision and the services routed to:
    everything create_referral decides before writing. ``router(facts)`` is ``route`` or a cached copy of it;
    ``make`` and ``make_strand`` build the rows (the models, or the bulk import's plain rows)."""
    age = age_on(person.date_of_birth, data.offence_date or received_at.date()) if person else None
    dash_result = _assess_dash(data.dash, person, received_at) if data.dash is not None else None
    facts = _facts(data, received_at, age, dash_result)
    decision, services = router(facts)
    referral = _new_referral(actor, data, person, facts, decision, make, make_strand)
    if data.hold_for_triage:
        # The clock runs from receipt even though nobody is routed yet: triage shows what is overdue.
        referral.first_contact_due = min((r.first_contact_due for r in decision.routes if r.first_contact_due),
                                         default=None)
    return referral, dash_result, decision, services


def created_changes(data: ReferralInput, referral: Referral, decision: RouteDecision) -> dict:
    """The "create referral" audit event's changes: coded values only."""
    held = data.hold_for_triage
    return {"source": data.source, "routes": [] if held else [r.service for r in decision.routes],
            "enhanced": decision.enhanced, **({"held_for_triage": True} if held else {}),
            **({"signposted_to": referral.signposted_to} if referral.signposted_to else {})}


def _validated(data: ReferralInput, received_at: datetime) -> ReferralInput:
    """The referral with its contact details in their stored form; ValidationFailed lists every problem."""
    victim = data.victim
    result = validate_referral(
        date_of_birth=victim.date_of_birth if victim else None, postcode=victim.postcode if victim else None,
        phone=victim.phone if victim else None, email=victim.email if victim else None,
        offence_date=data.offence_date, received_on=london_date(received_at), today=london_today(),
    )
    data, household_errors = household_problems(data, london_today())
    if result.errors or household_errors:
        raise ValidationFailed("The referral has details that cannot be right",
                               errors=result.errors + household_errors)
    if victim is None:
        return data
    contact = result.contact
    return replace(data, victim=replace(victim, postcode=contact.postcode, phone=contact.phone, email=contact.email))


def _assess_dash(dash: DashAnswers, person: Person | None, received_at: datetime) -> DashResult:
    return assess_dash(
        dash.yes_count,
        professional_judgement=dash.professional_judgement,
        professional_judgement_reason=dash.professional_judgement_reason,
        incidents_last_12_months=dash.incidents_last_12_months,
        last_marac_referral_on=last_marac_referral_on(person, before=received_at),
        assessed_on=received_at.date(),
        thresholds=dash_thresholds(),
    )


def _facts(data: ReferralInput, received_at: datetime, age: int | None, dash: DashResult | None) -> ReferralFacts:
    """The facts the routing rules read, from the referral as given."""
    return ReferralFacts(
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
        dash=dash,
        most_serious_crime=data.most_serious_crime,
        offence_date=data.offence_date,
        trafficking=data.trafficking,
        child_sexual_exploitation=data.child_sexual_exploitation,
        additional_needs=data.additional_needs,
    )


def _new_referral(actor: Actor, data: ReferralInput, person: Person | None, facts: ReferralFacts,
                  decision: RouteDecision, make=Referral, make_strand=ReferralStrand) -> Referral:
    """The referral row: what was given, and what routing decided (status, enhanced rights, lawful basis)."""
    return make(
        reference=new_reference(),
        person_id=person.id if person else None,
        # A route held because its service is closed waits for a caseworker: the victim is never dropped.
        status="triage" if data.needs_triage or data.hold_for_triage or decision.closed else ("routed" if decision.routes else "not-routed"),
        source=data.source,
        referrer_name=data.referrer_name,
        referrer_organisation=data.referrer_organisation,
        created_by_id=actor.user_id,
        received_at=facts.received_at,
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
        trafficking=data.trafficking,
        child_sexual_exploitation=data.child_sexual_exploitation,
        additional_needs=data.additional_needs,
        age_at_offence=facts.age_at_offence,
        consent_referral=data.consent_referral,
        consent_given_by=data.consent_given_by,
        consent_given_at=facts.received_at if data.consent_referral else None,
        consent_method=data.consent_method,
        rj_requested=data.rj_requested,
        rj_consent=data.rj_consent,
        code_complaint=data.code_complaint,
        enhanced=decision.enhanced,
        enhanced_reasons=list(decision.enhanced_reasons),
        dash_level=facts.dash.level if facts.dash else None,
        marac=bool(facts.dash and facts.dash.marac),
        not_routed_reason=not_routed_note(decision),
        **signposting_of(decision),
        lawful_basis=lawful_basis_of(decision) or data.lawful_basis,
        safe_contact_notes=data.victim.safe_contact_notes if data.victim else None,
        strands=[make_strand(strand=s) for s in facts.hate_strands],
    )


def risk_assessment(actor: Actor, referral: Referral, dash: DashAnswers, result: DashResult,
                    make=RiskAssessment) -> RiskAssessment:
    """The referral's first DASH assessment, made as it was received."""
    return make(
        referral_id=referral.id,
        answers=dash.answers,
        yes_count=result.yes_count,
        actuarial_level=result.actuarial_level,
        level=result.level,
        professional_judgement=result.professional_judgement,
        professional_judgement_reason=dash.professional_judgement_reason,
        incidents_last_12_months=dash.incidents_last_12_months,
        marac=result.marac,
        marac_reasons=list(result.marac_reasons),
        assessed_at=referral.received_at,
        assessed_by_id=actor.user_id,
    )


def _open_routes(actor: Actor, referral: Referral, decision: RouteDecision, services: dict[str, Service]) -> None:
    """Record each route the rules made, and open its case, due from the day the referral was received."""
    for chosen in decision.routes:
        service = services[chosen.service]
        db.session.add(rule_decision(actor, referral, service, chosen, referral.received_at))
        open_routed_case(actor, referral, service, chosen, referral.received_at)


def _find_or_create_person(actor: Actor, data: ReferralInput) -> Person | None:
    if data.person_id is not None:
        person = db.session.get(Person, data.person_id)
        if person is None:
            raise NotFound("No such person", object_type="person", object_id=data.person_id)
        if data.victim is not None:
            _update_known_person(actor, person, data.victim)
        return person
    if data.victim is None:
        return None
    person = new_person(data.victim)
    db.session.add(person)
    db.session.flush()
    return person


def new_person(v: VictimDetails, make=Person) -> Person:
    """The victim's person row (not yet added) from the details given."""
    return make(
        given_name=v.given_name.strip(), family_name=v.family_name.strip(), date_of_birth=v.date_of_birth,
        borough_code=v.borough_code, postcode=v.postcode, phone=v.phone,
        email=v.email, may_phone=v.may_phone, may_leave_voicemail=v.may_leave_voicemail, may_write=v.may_write,
        may_email=v.may_email, may_text=v.may_text, safe_contact_notes=v.safe_contact_notes,
        address=(v.address or "").strip() or None, preferred_contact_times=v.preferred_contact_times,
        **{name: getattr(v, name) for name in EQUALITY_FIELDS},
    )


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
