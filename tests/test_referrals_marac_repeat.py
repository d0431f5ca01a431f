"""MARAC's repeat criterion: a new domestic-abuse incident within 12 months of the last MARAC referral."""
from datetime import datetime, timedelta, timezone

from victimcare.services.actors import SYSTEM
from victimcare.services.referrals import DashAnswers, ReferralInput, create_referral

from .factories import make_person


def _refer(person, yes_count, received_at):
    return create_referral(SYSTEM, ReferralInput(
        source="caseworker", offence_category="domestic-abuse", person_id=person.id, domestic_abuse=True,
        consent_referral=True, dash=DashAnswers(yes_count=yes_count, incidents_last_12_months=0),
        received_at=received_at,
    ))


def test_a_new_incident_within_a_year_of_a_marac_referral_goes_back_to_marac():
    person = make_person()
    first = _refer(person, 16, datetime(2026, 3, 2, 10, tzinfo=timezone.utc))
    assert first.marac
    second = _refer(person, 4, datetime(2026, 11, 2, 10, tzinfo=timezone.utc))
    assert second.dash_level == "standard"
    assert second.marac, "a repeat incident within 12 months of the last MARAC referral must be referred again"


def test_more_than_a_year_later_a_low_score_is_not_a_repeat():
    person = make_person()
    _refer(person, 16, datetime(2025, 3, 2, 10, tzinfo=timezone.utc))
    later = _refer(person, 4, datetime(2026, 11, 2, 10, tzinfo=timezone.utc))
    assert not later.marac


def test_someone_never_referred_to_marac_is_not_a_repeat():
    person = make_person()
    _refer(person, 4, datetime(2026, 3, 2, 10, tzinfo=timezone.utc))
    again = _refer(person, 4, datetime(2026, 4, 2, 10, tzinfo=timezone.utc) + timedelta(days=1))
    assert not again.marac
