"""A victim's contact details, read one way whatever the door they came in by (form, API, triage, seeder).

- Phone numbers are stored in E.164 (``+447700900123``) and shown in the national format (``07700 900123``).
  Any *possible* number is accepted, not only a *valid* one: Ofcom reserves ranges such as 07700 900000 to
  900999 for drama, and the demo data and partners' test systems use them, but libphonenumber calls them invalid.
- Postcodes are stored in capitals with one space before the inward code (``SW1A 1AA``), so a search for a
  postcode finds it however it was typed.
- Email addresses are checked for their form only (no DNS look-up: the app must work without the internet).
"""
import functools
import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email

PHONE_REGION = "GB"
PHONE_MAX_LENGTH = 32
EMAIL_MAX_LENGTH = 254
POSTCODE_MAX_LENGTH = 10

PHONE_MESSAGE = "Enter a phone number, like 07700 900982 or +44 7700 900982"
POSTCODE_MESSAGE = "Enter a real UK postcode, like SW1A 1AA"
EMAIL_MESSAGE = "Enter an email address in the correct format, like name@example.com"

# Outward code (area, district) and inward code (sector, unit), without the space.
_POSTCODE = re.compile(r"([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})")


class InvalidContactDetail(ValueError):
    """A contact detail that cannot be read; the message says what to enter instead."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def normalise_postcode(value: str | None) -> str | None:
    """Capitals with one space before the last three characters ("sw1a1aa" -> "SW1A 1AA"); None when blank.

    Lenient: text that is not a postcode is only tidied, so stored rows can be normalised without loss."""
    compact = re.sub(r"\s+", "", value or "").upper()
    if not compact:
        return None
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def parse_postcode(value: str | None) -> str | None:
    """A UK postcode in its stored form, or None when blank. Raises InvalidContactDetail if it is not one."""
    normalised = normalise_postcode(value)
    if normalised is None:
        return None
    if len(normalised) > POSTCODE_MAX_LENGTH or not _POSTCODE.fullmatch(normalised.replace(" ", "")):
        raise InvalidContactDetail(POSTCODE_MESSAGE)
    return normalised


def parse_phone(value: str | None) -> str | None:
    """A phone number in E.164, or None when blank. UK numbers may be written nationally (020 7946 0000);
    others need their country code (+33 1 23 45 67 89). Raises InvalidContactDetail if it is not possible."""
    text = (value or "").strip()
    return _e164(text) if text else None


# Remembered: an API referral's phone is parsed by the API's schema, then its E.164 form again by
# validate_referral (a third of the bulk import's checking went on the phone library).
@functools.lru_cache(maxsize=4096)
def _e164(text: str) -> str:
    if len(text) > PHONE_MAX_LENGTH:
        raise InvalidContactDetail(PHONE_MESSAGE)
    try:
        number = phonenumbers.parse(text, PHONE_REGION)
    except phonenumbers.NumberParseException:
        raise InvalidContactDetail(PHONE_MESSAGE) from None
    if not phonenumbers.is_possible_number(number):
        raise InvalidContactDetail(PHONE_MESSAGE)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_for_display(value: str | None) -> str:
    """A stored phone number as people write it: national format for UK numbers (07700 900123), international
    for others (+33 1 23 45 67 89). Text that is not a number (an old row) is shown as it is."""
    text = (value or "").strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, PHONE_REGION)
    except phonenumbers.NumberParseException:
        return text
    if not phonenumbers.is_possible_number(number):
        return text
    uk = phonenumbers.region_code_for_number(number) == PHONE_REGION or number.country_code == 44
    style = phonenumbers.PhoneNumberFormat.NATIONAL if uk else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, style)


def parse_email(value: str | None) -> str | None:
    """An email address in its normalised form (the domain in lower case), or None when blank.
    Raises InvalidContactDetail if it is not an email address."""
    text = (value or "").strip()
    if not text:
        return None
    if len(text) > EMAIL_MAX_LENGTH:
        raise InvalidContactDetail(EMAIL_MESSAGE)
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        raise InvalidContactDetail(EMAIL_MESSAGE) from None
