"""The rules a referral's details must meet, whoever sends it: the HTML journey, the self-referral form, the API,
triage or the demo seeder. ``create_referral`` calls ``validate_referral`` itself; forms and API schemas call the
single-field rules below only to put a message beside the field as it is typed, never to hold a rule of their own.

Errors are ``{"field": ..., "message": ...}`` with the API's field paths (``victim.phone``), so an API partner
and a form both read the same sentence.
"""
from dataclasses import dataclass, field
from datetime import date

from .contact_details import InvalidContactDetail, parse_email, parse_phone, parse_postcode

EARLIEST_DATE = date(1900, 1, 1)


def date_of_birth_problem(born: date | None, today: date) -> str | None:
    """Why a date of birth cannot be right (in the future, or before 1900), or None when it can."""
    if born is None:
        return None
    if born > today:
        return "Date of birth must be today or in the past"
    if born < EARLIEST_DATE:
        return "Date of birth must be on or after 1 January 1900"
    return None


def offence_date_problem(occurred: date | None, received_on: date, born: date | None) -> str | None:
    """Why the date of an offence cannot be right, given when the referral came and when the victim was born."""
    if occurred is None:
        return None
    if occurred > received_on:
        return "The offence cannot have happened after the referral was received"
    if occurred < EARLIEST_DATE:
        return "The date of the offence must be on or after 1 January 1900"
    if born is not None and born <= received_on and occurred < born:
        return "The offence cannot have happened before the victim was born"
    return None


@dataclass(frozen=True)
class ContactDetails:
    """Contact details in their stored form (E.164 phone, normalised postcode and email); None where not given."""

    postcode: str | None = None
    phone: str | None = None
    email: str | None = None


@dataclass
class ReferralValidation:
    contact: ContactDetails
    errors: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def validate_referral(*, date_of_birth: date | None, postcode: str | None, phone: str | None, email: str | None,
                      offence_date: date | None, received_on: date, today: date) -> ReferralValidation:
    """Check a referral's personal and offence details; return the contact details in their stored form and
    every problem found (all of them, so a sender fixes everything at once)."""
    errors = []
    if (problem := date_of_birth_problem(date_of_birth, today)) is not None:
        errors.append({"field": "victim.date_of_birth", "message": problem})
    if (problem := offence_date_problem(offence_date, received_on, date_of_birth)) is not None:
        errors.append({"field": "offence.occurred_on", "message": problem})
    parsed = {}
    for name, value, parse in (("postcode", postcode, parse_postcode), ("phone", phone, parse_phone),
                               ("email", email, parse_email)):
        try:
            parsed[name] = parse(value)
        except InvalidContactDetail as error:
            parsed[name] = None
            errors.append({"field": f"victim.{name}", "message": error.message})
    return ReferralValidation(ContactDetails(**parsed), errors)
