"""Triage: the referrals waiting for a caseworker, and confirming one (complete its details, route it again)."""
from dataclasses import replace
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import case as sql_case
from sqlalchemy import func, or_, select

from .. import events
from ...domain.clock import london_date, london_today, utc_now
from ...domain.contact_details import InvalidContactDetail, parse_postcode
from ...domain.dash import DashResult
from ...domain.deadlines import working_days_between
from ...domain.people import age_on
from ...domain.referral_validation import date_of_birth_problem, offence_date_problem
from ...domain.routing import ReferralFacts, active_routes
from ...domain.vocab import (
    HATE_STRAND_LABELS,
    NOT_PROCEEDING_REASONS,
    OFFENCE_CATEGORY_LABELS,
    OPEN_CASE_STATUSES,
    slugs,
)
from ...extensions import db
from ...models import REFERRAL_SENSITIVE_FIELDS, Case, Person, Referral, ReferralStrand, RiskAssessment
from .. import audit, restricted
from ..actors import Actor, require
from ..errors import Conflict, ValidationFailed
from ..pagination import paginate
from .inputs import TriageCompletion
from .overrides import load_for_change
from .reading import ReferralDetails, details, latest_risk
from .triage_edits import apply_contact, checked_contact
from .routing import lawful_basis_of, not_routed_note, open_routed_case, route, rule_decision, signposting_of

_TRIAGE_REFERRAL_FIELDS = (
    "offence_category", "offence_date", "offence_borough_code", "crime_reference", "domestic_abuse",
    "sexual_offence", "persistently_targeted", "vulnerable_or_intimidated", "bereaved_relative", "consent_referral",
)
_TRIAGE_PERSON_FIELDS = ("given_name", "family_name", "date_of_birth", "postcode")


class TriageRow(NamedTuple):
    reference: str
    received_at: datetime
    source: str
    offence_category: str
    given_name: str | None
    family_name: str | None
    earliest_due: date | None
    high_risk: bool
    marac: bool
    child: bool
    referral_id: int
    cases: int = 0  # its cases (routed on arrival), and how many are still open: a row with no due date says why
    open_cases: int = 0
    declined_cases: int = 0
    waiting_working_days: int = 0


def triage_list(actor: Actor, page: int = 1, per_page: int = 25, oldest_first: bool = False):
    """Referrals awaiting a caseworker's review, most urgent first: MARAC or high DASH risk, then child
    safeguarding, then overdue for first contact, then the longest waiting (``oldest_first``: by arrival alone,
    as the caseworker's home page lists them). Each row has its earliest
    first-contact due date (its cases', or for a referral held for triage the date its details point to) and how
    many working days it has waited.

    One query: the due date comes from a grouped subquery over the referral's cases. Rows are TriageRow (plain
    columns, not ORM objects), so nothing is reloaded row by row after the audit event's commit.
    """
    require(actor, "referral.triage", "Only caseworkers triage referrals")
    today = london_today()
    # Every case of the referral counts (a police referral routes at once and its cases may have moved on while it
    # waits here); the due date is the earliest among those still waiting for first contact.
    cases = (
        select(Case.referral_id,
               func.min(sql_case((Case.status == "new", Case.first_contact_due))).label("earliest_due"),
               func.max(sql_case((Case.child_safeguarding.is_(True), 1), else_=0)).label("child"),
               func.count(Case.id).label("cases"),
               func.count(sql_case((Case.status.in_(OPEN_CASE_STATUSES), Case.id))).label("open_cases"),
               func.count(sql_case((Case.status == "declined", Case.id))).label("declined_cases"))
        .group_by(Case.referral_id)
        .subquery()
    )
    due = func.coalesce(cases.c.earliest_due, Referral.first_contact_due)
    high = or_(Referral.marac.is_(True), Referral.dash_level == "high")
    child = or_(Referral.age_at_offence < 18, cases.c.child == 1)
    query = (
        select(Referral.reference, Referral.received_at, Referral.source, Referral.offence_category,
               *restricted.masked(restricted.hidden_from(actor, Referral.person_id), Person.given_name,
                                  Person.family_name),
               due.label("earliest_due"),
               sql_case((Referral.dash_level == "high", True), else_=False), Referral.marac,
               sql_case((child, True), else_=False), Referral.id, func.coalesce(cases.c.cases, 0),
               func.coalesce(cases.c.open_cases, 0), func.coalesce(cases.c.declined_cases, 0))
        .outerjoin(Person, Referral.person_id == Person.id)
        .outerjoin(cases, cases.c.referral_id == Referral.id)
        .where(Referral.status == "triage")
    )
    urgency = () if oldest_first else (sql_case((high, 0), else_=1), sql_case((child, 0), else_=1),
                                       sql_case((due < today, 0), else_=1))
    query = query.order_by(*urgency, Referral.received_at, Referral.id)
    result = paginate(query, page, per_page)
    result.items = [
        TriageRow(*row, waiting_working_days=working_days_between(london_date(row.received_at), today))
        for row in result.items
    ]
    audit.record(actor, "list", "referral", None, changes={
        "queue": "triage", "page": page, "rows": len(result.items),
        "ids": audit.shown(result.items, lambda row: row.referral_id)})
    return result


def close_not_proceeding(actor: Actor, reference: str, reason_code: str, detail: str | None) -> Referral:
    """Close a referral waiting for triage as not proceeding (a duplicate, spam, withdrawn, outside London...).

    Only a referral with no case yet may be closed so: its coded reason is counted in the routing-and-flow report,
    and since it opened no case it never counts in the compliance figures. The details stay on the referral."""
    referral = load_for_change(actor, reference, "referral.triage")
    if referral.status != "triage":
        raise Conflict("This referral has already been triaged.")
    if db.session.scalar(select(func.count()).select_from(Case).where(Case.referral_id == referral.id)):
        raise Conflict("Services are already working this referral: decline or close its cases instead.")
    errors = []
    if reason_code not in slugs(NOT_PROCEEDING_REASONS):
        errors.append({"field": "reason_code", "message": "Choose why the referral is not going ahead"})
    detail = (detail or "").strip() or None
    if detail is None:
        errors.append({"field": "detail", "message": "Give the details, for example the reference it duplicates"})
    if errors:
        raise ValidationFailed(errors=errors)
    referral.status = "not-proceeding"
    referral.not_proceeding_reason = reason_code
    referral.not_proceeding_detail = detail
    referral.closed_at = utc_now()
    referral.closed_by_id = actor.user_id
    db.session.flush()
    audit.record(actor, "update", "referral", referral.id, referral_id=referral.id,
                 changes={"status": {"before": "triage", "after": "not-proceeding"}, "reason_code": reason_code,
                          "not_proceeding_detail": {"changed": True}})
    return referral


def confirm_triage(actor: Actor, reference: str, completion: TriageCompletion) -> ReferralDetails:
    """Complete a triage referral's missing details, re-apply the routing rules and take it out of triage.

    Routes the rules now make are added (with their cases, due from the day the referral was received); routes
    already made stay, since a service may be working them (a caseworker removes one with an override); a route
    a caseworker removed is not brought back. The referral becomes routed, or not-routed when nothing is active.
    """
    referral = load_for_change(actor, reference, "referral.triage")
    if referral.status != "triage":
        raise Conflict("This referral has already been triaged.")
    completion = _checked(completion, referral)
    person = _complete_person(referral, completion)
    person_before = {name: getattr(person, name) for name in _TRIAGE_PERSON_FIELDS} if person else {}
    contact_changes = {}
    if person is not None:
        _apply_person_fields(person, completion)
        if completion.contact is not None:
            contact_changes = apply_contact(person, completion.contact)
    before = _triage_snapshot(referral)
    _apply_referral_fields(referral, person, completion)
    db.session.flush()

    _route_again(actor, referral)
    referral.status = "routed" if active_routes(referral.routing_decisions) else "not-routed"
    db.session.flush()
    if person is not None:
        person_after = {name: getattr(person, name) for name in person_before}
        person_changes = audit.describe_changes(person_before, person_after, frozenset({"postcode"}))
        person_changes.update(contact_changes)
        if person_changes:
            audit.record(actor, "update", "person", person.id, referral_id=referral.id, changes=person_changes)
    audit.record(actor, "update", "referral", referral.id, referral_id=referral.id,
                 changes=audit.describe_changes(before, _triage_snapshot(referral), REFERRAL_SENSITIVE_FIELDS))
    events.referral_routed(referral)
    return details(referral)


def _checked(completion: TriageCompletion, referral: Referral) -> TriageCompletion:
    """The caseworker's answers, checked by the same rules as a new referral; the postcode in its stored form."""
    errors = []
    born = completion.date_of_birth or (referral.person.date_of_birth if referral.person else None)
    if (problem := date_of_birth_problem(completion.date_of_birth, london_today())) is not None:
        errors.append({"field": "date_of_birth", "message": problem})
    elif (problem := offence_date_problem(completion.offence_date or referral.offence_date,
                                          london_date(referral.received_at), born)) is not None:
        errors.append({"field": "offence_date", "message": problem})
    try:
        completion = replace(completion, postcode=parse_postcode(completion.postcode))
    except InvalidContactDetail as error:
        errors.append({"field": "postcode", "message": error.message})
    if completion.offence_category and completion.offence_category not in OFFENCE_CATEGORY_LABELS:
        errors.append({"field": "offence_category", "message": "Choose an offence category"})
    if any(s not in HATE_STRAND_LABELS for s in completion.hate_strands):
        errors.append({"field": "hate_strands", "message": "Choose hate crime strands from the list"})
    if completion.contact is not None:
        contact, contact_errors = checked_contact(completion.contact)
        completion = replace(completion, contact=contact)
        errors += contact_errors
    if errors:
        raise ValidationFailed(errors=errors)
    return completion


def _complete_person(referral: Referral, completion: TriageCompletion) -> Person | None:
    """The person the referral is about: a new one when it had none and the caseworker gave both names."""
    person = referral.person
    if person is None and completion.given_name and completion.family_name:
        person = Person(given_name=completion.given_name.strip(), family_name=completion.family_name.strip())
        db.session.add(person)
        db.session.flush()
        referral.person_id = person.id
        referral.person = person
    return person


def _apply_person_fields(person: Person, completion: TriageCompletion) -> None:
    for name in _TRIAGE_PERSON_FIELDS:
        value = getattr(completion, name)
        if value not in (None, ""):
            setattr(person, name, value)


def _triage_snapshot(referral: Referral) -> dict:
    """The referral's triage fields, strands and status, for the audit event's before and after."""
    snapshot = {name: getattr(referral, name) for name in _TRIAGE_REFERRAL_FIELDS}
    snapshot["hate_strands"] = referral.strand_slugs
    snapshot["status"] = referral.status
    return snapshot


def _apply_referral_fields(referral: Referral, person: Person | None, completion: TriageCompletion) -> None:
    """The caseworker's answers onto the referral (a blank leaves a value as it was; a tick box always counts)."""
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


def _route_again(actor: Actor, referral: Referral) -> None:
    """Apply the routing rules to the completed referral and add the routes it now gets, each with its case.
    Routes in force stay; a route a caseworker removed is not brought back."""
    decision, services = route(_facts_for(referral, latest_risk(referral)))
    referral.enhanced = decision.enhanced
    referral.enhanced_reasons = list(decision.enhanced_reasons)
    referral.not_routed_reason = not_routed_note(decision)
    for name, value in signposting_of(decision).items():
        setattr(referral, name, value)
    if referral.lawful_basis is None:
        referral.lawful_basis = lawful_basis_of(decision)
    active = active_routes(referral.routing_decisions)
    removed = {d.service_id for d in referral.routing_decisions if d.kind == "override-remove"}
    now = utc_now()
    for chosen in decision.routes:
        service = services[chosen.service]
        if service.id in active or service.id in removed:
            continue
        recorded = rule_decision(actor, referral, service, chosen, now)
        referral.routing_decisions.append(recorded)
        db.session.flush()
        open_routed_case(actor, referral, service, recorded, referral.received_at)


def _facts_for(referral: Referral, risk: RiskAssessment | None) -> ReferralFacts:
    """The facts the routing rules read, from a recorded referral and its latest DASH assessment."""
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
        offence_date=referral.offence_date, trafficking=referral.trafficking,
        child_sexual_exploitation=referral.child_sexual_exploitation, additional_needs=referral.additional_needs,
    )
