"""The restricted-record rule, alone: who may restrict, when a record opens, who reviews a break-glass access."""
from datetime import datetime, timedelta, timezone

import pytest

from victimcare.domain.access import (
    Principal,
    RecordAccess,
    break_glass_expiry,
    may_open_record,
    may_restrict,
    may_review_break_glass,
)

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=timezone.utc)
LATER = NOW + timedelta(minutes=30)
EARLIER = NOW - timedelta(minutes=1)


@pytest.mark.parametrize("principal, allowed", [
    (Principal("caseworker"), True),
    (Principal("advocate", service_id=1, is_lead=True), True),
    (Principal("advocate", service_id=1), False),
    (Principal("commissioner"), False),
    (Principal("admin"), False),
    (Principal(None), False),
])
def test_caseworkers_and_leads_restrict_records(principal, allowed):
    assert may_restrict(principal) is allowed


ADVOCATE = Principal("advocate", service_id=1, user_id=7)


@pytest.mark.parametrize("access, through_api, opens", [
    (RecordAccess(restricted=False), False, True),
    (RecordAccess(restricted=False), True, True),
    (RecordAccess(restricted=True), False, False),
    (RecordAccess(restricted=True, named=True), False, True),
    (RecordAccess(restricted=True, named=True), True, True),
    (RecordAccess(restricted=True, break_glass_until=LATER), False, True),
    (RecordAccess(restricted=True, break_glass_until=LATER), True, False),  # a token never breaks the glass
    (RecordAccess(restricted=True, break_glass_until=EARLIER), False, False),  # expired
    (RecordAccess(restricted=True, break_glass_until=NOW), False, False),  # ends exactly at its expiry
])
def test_a_restricted_record_opens_for_the_named_or_with_break_glass_in_force(access, through_api, opens):
    assert may_open_record(ADVOCATE, access, NOW, through_api=through_api) is opens


def test_break_glass_lasts_the_given_minutes_and_at_least_one():
    assert break_glass_expiry(NOW, 60) == NOW + timedelta(minutes=60)
    assert break_glass_expiry(NOW, 0) == NOW + timedelta(minutes=1)


@pytest.mark.parametrize("principal, allowed", [
    (Principal("advocate", service_id=1, is_lead=True, user_id=2), True),
    (Principal("advocate", service_id=2, is_lead=True, user_id=2), False),  # another service's lead
    (Principal("advocate", service_id=1, user_id=2), False),  # not a lead
    (Principal("dpo", user_id=3), True),
    (Principal("advocate", service_id=1, is_lead=True, user_id=9), False),  # the person who broke the glass
    (Principal("caseworker", user_id=4), False),
    (Principal("admin", user_id=5), False),
])
def test_a_lead_of_the_service_or_the_dpo_reviews_never_the_person_who_broke_the_glass(principal, allowed):
    assert may_review_break_glass(principal, {1}, accessed_by=9) is allowed
