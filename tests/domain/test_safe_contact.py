"""The safe-contact decision, case by case: which channel may reach the victim, when, and which rule stops it."""
from datetime import datetime, time

import pytest

from victimcare.domain.clock import LONDON
from victimcare.domain.safe_contact import ContactFacts, ContactStop, decide_contact, is_uk_mobile

EVERYTHING = dict(may_text=True, may_email=True, may_write=True, has_mobile=True, has_email=True, has_address=True)
TUESDAY_NOON = datetime(2026, 12, 8, 12, 0, tzinfo=LONDON)
TUESDAY_EVENING = datetime(2026, 12, 8, 19, 30, tzinfo=LONDON)
RESTRICTED = ContactStop("restricted", "The record is restricted: contact only through its named worker.")
WITHDRAWN = ContactStop("consent-withdrawn", "The victim withdrew consent: no further contact.")


@pytest.mark.parametrize("channel, facts, at, allowed, rule", [
    # Everything agreed, inside the safe hours: every channel
    ("sms", {}, TUESDAY_NOON, True, None),
    ("email", {}, TUESDAY_NOON, True, None),
    ("letter", {}, TUESDAY_NOON, True, None),
    # Each channel is agreed separately
    ("sms", {"may_text": False}, TUESDAY_NOON, False, "no-texts"),
    ("email", {"may_email": False}, TUESDAY_NOON, False, "no-email"),
    ("letter", {"may_write": False}, TUESDAY_NOON, False, "no-letters"),
    ("email", {"may_text": False, "may_write": False}, TUESDAY_NOON, True, None),
    # Agreed, but nothing to send it to
    ("sms", {"has_mobile": False}, TUESDAY_NOON, False, "no-mobile"),
    ("email", {"has_email": False}, TUESDAY_NOON, False, "no-email-address"),
    ("letter", {"has_address": False}, TUESDAY_NOON, False, "no-letter-address"),
    # Safe hours: texts and emails only inside them; a letter arrives with the post
    ("sms", {"safe_from": time(10), "safe_until": time(16)}, TUESDAY_NOON, True, None),
    ("sms", {"safe_from": time(10), "safe_until": time(16)}, TUESDAY_EVENING, False, "outside-safe-hours"),
    ("email", {"safe_from": time(10), "safe_until": time(16)}, TUESDAY_EVENING, False, "outside-safe-hours"),
    ("letter", {"safe_from": time(10), "safe_until": time(16)}, TUESDAY_EVENING, True, None),
    ("sms", {"safe_from": time(10), "safe_until": time(16)}, TUESDAY_NOON.replace(hour=16), False,
     "outside-safe-hours"),
    # A window across midnight (a night-shift worker)
    ("sms", {"safe_from": time(19), "safe_until": time(7)}, TUESDAY_EVENING, True, None),
    ("sms", {"safe_from": time(19), "safe_until": time(7)}, TUESDAY_NOON, False, "outside-safe-hours"),
    # Do not contact, whatever else is agreed
    ("sms", {"stops": (RESTRICTED,)}, TUESDAY_NOON, False, "restricted"),
    ("letter", {"stops": (WITHDRAWN,)}, TUESDAY_NOON, False, "consent-withdrawn"),
    ("email", {"stops": (WITHDRAWN, RESTRICTED)}, TUESDAY_NOON, False, "consent-withdrawn"),
    # Never to a perpetrator's details
    ("sms", {"perpetrator_channels": frozenset({"sms"})}, TUESDAY_NOON, False, "perpetrator-details"),
    ("email", {"perpetrator_channels": frozenset({"sms"})}, TUESDAY_NOON, True, None),
    # The gravest reason is the one given
    ("sms", {"stops": (RESTRICTED,), "may_text": False, "has_mobile": False}, TUESDAY_EVENING, False, "restricted"),
    ("sms", {"may_text": False, "has_mobile": False}, TUESDAY_NOON, False, "no-texts"),
])
def test_decide_contact(channel, facts, at, allowed, rule):
    decision = decide_contact(channel, ContactFacts(**{**EVERYTHING, **facts}), at)
    assert (decision.allowed, decision.rule) == (allowed, rule)
    assert bool(decision.message) == (not allowed)


def test_a_refusal_says_in_words_which_rule_stops_it():
    facts = ContactFacts(**{**EVERYTHING, "safe_from": time(10), "safe_until": time(16)})
    decision = decide_contact("sms", facts, TUESDAY_EVENING)
    assert decision.message == ("The victim asked for messages only between 10:00 and 16:00. Choose a time then: "
                                "the next is 9 December at 10:00.")
    assert decision.next_safe_time == datetime(2026, 12, 9, 10, 0, tzinfo=LONDON)
    assert decide_contact("sms", ContactFacts(**{**EVERYTHING, "may_text": False}), TUESDAY_NOON).message == \
        "The victim has not agreed to be sent a text message."
    assert decide_contact("sms", ContactFacts(**{**EVERYTHING, "stops": (RESTRICTED,)}), TUESDAY_NOON).message == \
        RESTRICTED.message


@pytest.mark.parametrize("phone, mobile", [
    ("07700 900123", True), ("+44 7700 900123", True), ("(07700) 900-123", True), ("020 7946 0000", False),
    ("0770090012", False), ("", False), (None, False),
])
def test_only_uk_mobiles_are_texted(phone, mobile):
    assert is_uk_mobile(phone) is mobile
