"""Finding people already on record, so one victim is not recorded twice.

A search returns candidates that share the date of birth, the family name or the postcode, best first, and marks
the likely matches: the same date of birth and a similar name (a typo, a short form, a swapped first and last
name). Every search is audited as a "list" of people; the audit event says which criteria were used, never
their values.
"""
from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher

from sqlalchemy import func, or_, select

from ..domain.contact_details import normalise_postcode
from ..extensions import db
from ..models import Person
from . import audit, restricted
from .actors import Actor, require
from .errors import ValidationFailed

# How alike two names must be (0 to 1) to count as "similar". 0.8 catches one or two typing slips in a name.
SIMILAR_NAME_RATIO = 0.8
MAX_RESULTS = 20


@dataclass(frozen=True)
class PersonMatch:
    person: Person
    likely: bool
    similarity: float
    restricted: bool = False  # a restricted record the actor is not named on: show "Restricted record" only


def _name_key(given: str, family: str) -> str:
    return " ".join(f"{given} {family}".lower().split())


def name_similarity(given_a: str, family_a: str, given_b: str, family_b: str) -> float:
    """How alike two people's names are, from 0 to 1; a swapped given and family name counts as alike."""
    a = _name_key(given_a, family_a)
    straight = SequenceMatcher(None, a, _name_key(given_b, family_b)).ratio()
    swapped = SequenceMatcher(None, a, _name_key(family_b, given_b)).ratio()
    return max(straight, swapped)


def is_likely_match(person: Person, given_name: str, family_name: str, date_of_birth: date | None) -> bool:
    """Same date of birth and a similar name."""
    if date_of_birth is None or person.date_of_birth != date_of_birth:
        return False
    return name_similarity(given_name, family_name, person.given_name, person.family_name) >= SIMILAR_NAME_RATIO


def search_people(
    actor: Actor,
    given_name: str,
    family_name: str,
    date_of_birth: date | None = None,
    postcode: str | None = None,
) -> list[PersonMatch]:
    """People who may be the person described, likely matches first. Needs person.search."""
    require(actor, "person.search", "Only caseworkers can search for people")
    given_name, family_name = (given_name or "").strip(), (family_name or "").strip()
    if not family_name:
        raise ValidationFailed(errors=[{"field": "family_name", "message": "Enter the person's last name"}])
    postcode = normalise_postcode(postcode)

    conditions = [func.lower(Person.family_name) == family_name.lower()]
    if date_of_birth is not None:
        conditions.append(Person.date_of_birth == date_of_birth)
    if postcode:
        conditions.append(func.upper(Person.postcode) == postcode)
    # Candidates by the cheap indexed criteria; similarity is then scored in Python on this short list.
    candidates = db.session.scalars(select(Person).where(or_(*conditions)).order_by(Person.id).limit(200)).all()

    matches = []
    for person in candidates:
        similarity = name_similarity(given_name, family_name, person.given_name, person.family_name)
        likely = is_likely_match(person, given_name, family_name, date_of_birth)
        same_postcode = bool(postcode and person.postcode and person.postcode.upper() == postcode)
        # Keep a candidate only when something beyond a common surname ties it to the search.
        if likely or similarity >= SIMILAR_NAME_RATIO or (same_postcode and similarity >= 0.5):
            matches.append(PersonMatch(person, likely, similarity))
    matches.sort(key=lambda m: (not m.likely, -m.similarity, m.person.id))
    matches = matches[:MAX_RESULTS]
    hidden = set(db.session.scalars(select(Person.id).where(
        Person.id.in_([m.person.id for m in matches]), restricted.hidden_from(actor, Person.id)))) if matches else set()
    matches = [PersonMatch(m.person, m.likely, m.similarity, m.person.id in hidden) for m in matches]

    criteria = ["given_name", "family_name"] + (["date_of_birth"] if date_of_birth else []) + (
        ["postcode"] if postcode else [])
    audit.record(actor, "list", "person", None, changes={
        "criteria": criteria, "rows": len(matches), "ids": audit.shown(matches, lambda match: match.person.id)})
    return matches


def referrals_of(person_ids: list[int]) -> dict[int, list[str]]:
    """The references of each person's referrals, newest first (for people a search has just shown)."""
    from ..models import Referral

    found: dict[int, list[str]] = {}
    if not person_ids:
        return found
    rows = db.session.execute(select(Referral.person_id, Referral.reference).where(Referral.person_id.in_(person_ids))
                              .order_by(Referral.received_at.desc()))
    for person_id, reference in rows:
        found.setdefault(person_id, []).append(reference)
    return found


# The details a correction may change: who the person is and how to reach them.
CORRECTABLE_FIELDS = ("given_name", "family_name", "date_of_birth", "postcode", "phone", "email", "address")


def update_details(actor: Actor, person: Person, values: dict) -> list[str]:
    """Change a person's identifying and contact details (the caller has decided the actor may); values are
    checked and normalised as on a referral. Audited as an update of the person naming the fields changed, never
    their values. Returns the names of the fields that changed."""
    from ..domain.contact_details import InvalidContactDetail, parse_email, parse_phone, parse_postcode

    parsers = {"postcode": parse_postcode, "phone": parse_phone, "email": parse_email}
    cleaned, errors = {}, []
    for name, value in values.items():
        if name not in CORRECTABLE_FIELDS:
            raise ValueError(f"{name} is not a correctable detail")
        if isinstance(value, str):
            value = value.strip()
        try:
            cleaned[name] = parsers[name](value) if name in parsers else (value or None)
        except InvalidContactDetail as error:
            errors.append({"field": name, "message": str(error)})
    for name in ("given_name", "family_name"):
        if name in cleaned and not cleaned[name]:
            errors.append({"field": name, "message": "Enter the person's " + name.replace("_", " ")})
    if errors:
        raise ValidationFailed(errors=errors)
    changed = [name for name, value in cleaned.items() if getattr(person, name) != value]
    if not changed:
        return []
    for name in changed:
        setattr(person, name, cleaned[name])
    db.session.flush()
    audit.record(actor, "update", "person", person.id, changes={name: audit.CHANGED for name in changed})
    return changed
