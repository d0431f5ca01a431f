"""Contact details read one way: phone numbers to E.164 and back, postcodes, email, and the date-of-birth rule."""
from datetime import date

import pytest

from victimcare.domain.contact_details import (
    InvalidContactDetail,
    normalise_postcode,
    parse_email,
    parse_phone,
    parse_postcode,
    phone_for_display,
)
from victimcare.domain.referral_validation import date_of_birth_problem, offence_date_problem, validate_referral


@pytest.mark.parametrize("typed, stored", [
    ("07700 900000", "+447700900000"),   # Ofcom's drama range: possible, though not "valid"
    ("07700 900999", "+447700900999"),
    ("07700900123", "+447700900123"),
    ("(07700) 900-123", "+447700900123"),
    ("+44 7700 900123", "+447700900123"),
    ("0044 7700 900123", "+447700900123"),
    ("+44 (0)20 7946 0000", "+442079460000"),
    ("020 7946 0000", "+442079460000"),
    ("+33 1 23 45 67 89", "+33123456789"),
    ("", None), ("   ", None), (None, None),
])
def test_phone_numbers_are_stored_in_e164(typed, stored):
    assert parse_phone(typed) == stored


@pytest.mark.parametrize("typed", ["call me", "999", "12", "+44 7700 900123 4567 8901", "0" * 40])
def test_impossible_phone_numbers_are_refused_with_an_example(typed):
    with pytest.raises(InvalidContactDetail, match="like 07700 900982"):
        parse_phone(typed)


@pytest.mark.parametrize("stored, shown", [
    ("+447700900123", "07700 900123"), ("+442079460000", "020 7946 0000"), ("+33123456789", "+33 1 23 45 67 89"),
    ("07700 900 123", "07700 900123"), ("call me", "call me"), (None, ""), ("", ""),
])
def test_phone_numbers_are_shown_in_the_national_format(stored, shown):
    assert phone_for_display(stored) == shown


@pytest.mark.parametrize("typed, stored", [
    ("sw1a1aa", "SW1A 1AA"), ("SW1A 1AA", "SW1A 1AA"), (" sw1a   1aa ", "SW1A 1AA"), ("e81ab", "E8 1AB"),
    ("EC1A1BB", "EC1A 1BB"), ("", None), (None, None),
])
def test_postcodes_are_stored_in_capitals_with_one_space(typed, stored):
    assert parse_postcode(typed) == stored
    assert normalise_postcode(typed) == stored


@pytest.mark.parametrize("typed", ["not a postcode", "SW1A", "12345", "SW1A 1AAA"])
def test_text_that_is_not_a_postcode_is_refused(typed):
    with pytest.raises(InvalidContactDetail, match="like SW1A 1AA"):
        parse_postcode(typed)


@pytest.mark.parametrize("typed, stored", [
    ("sam@example.org", "sam@example.org"), ("Sam@Example.ORG", "Sam@example.org"), (" a.b@x.co.uk ", "a.b@x.co.uk"),
    ("", None),
])
def test_email_addresses_are_checked_for_their_form(typed, stored):
    assert parse_email(typed) == stored


@pytest.mark.parametrize("typed", ["nobody", "a@b", "a b@example.org", "@example.org", "x@localhost"])
def test_text_that_is_not_an_email_address_is_refused(typed):
    with pytest.raises(InvalidContactDetail, match="name@example.com"):
        parse_email(typed)


TODAY = date(2026, 12, 6)


@pytest.mark.parametrize("born, problem", [
    (date(1988, 3, 14), None), (TODAY, None), (None, None), (date(1900, 1, 1), None),
    (date(2026, 12, 7), "Date of birth must be today or in the past"),
    (date(1899, 12, 31), "Date of birth must be on or after 1 January 1900"),
])
def test_date_of_birth_rule(born, problem):
    assert date_of_birth_problem(born, TODAY) == problem


@pytest.mark.parametrize("occurred, born, problem", [
    (date(2026, 12, 1), date(1988, 3, 14), None),
    (date(2026, 12, 7), None, "The offence cannot have happened after the referral was received"),
    (date(1899, 1, 1), None, "The date of the offence must be on or after 1 January 1900"),
    (date(2000, 1, 1), date(2011, 6, 1), "The offence cannot have happened before the victim was born"),
])
def test_offence_date_rule(occurred, born, problem):
    assert offence_date_problem(occurred, TODAY, born) == problem


def test_validate_referral_reports_every_problem_and_returns_stored_forms():
    ok = validate_referral(date_of_birth=date(1988, 3, 14), postcode="e8 1ab", phone="07700 900123",
                           email="sam@example.org", offence_date=date(2026, 12, 1), received_on=TODAY, today=TODAY)
    assert ok.ok and (ok.contact.postcode, ok.contact.phone, ok.contact.email) == (
        "E8 1AB", "+447700900123", "sam@example.org")
    bad = validate_referral(date_of_birth=date(2030, 1, 1), postcode="nowhere", phone="call me", email="nobody",
                            offence_date=date(2026, 12, 25), received_on=TODAY, today=TODAY)
    assert [e["field"] for e in bad.errors] == ["victim.date_of_birth", "offence.occurred_on", "victim.postcode",
                                                 "victim.phone", "victim.email"]
