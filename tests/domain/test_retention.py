"""The retention schedule: each category, a child, MARAC, and several referrals and cases together."""
from datetime import date

import pytest

from victimcare.domain.retention import (
    OPEN,
    CaseFacts,
    ReferralFacts,
    RetentionPolicy,
    add_years,
    person_retention,
    was_child,
)

POLICY = RetentionPolicy()  # 183 days, 42 days, 6 years; child until 25 or 6 years after closure; MARAC 6 years
ADULT = date(1990, 5, 17)
JAN = date(2026, 1, 10)


def _one(case: CaseFacts | None, *, dob=ADULT, **referral):
    referral = ReferralFacts(received_on=referral.pop("received_on", JAN), cases=(case,) if case else (), **referral)
    return person_retention([referral], dob, POLICY)


@pytest.mark.parametrize("case, until, category", [
    # never contacted: 183 days after receipt, open or closed
    (CaseFacts(JAN), date(2026, 7, 12), "never-contacted"),
    (CaseFacts(JAN, open=False, closed_on=date(2026, 3, 1)), date(2026, 7, 12), "never-contacted"),
    # contacted, no service: 42 days after closure; no date while the case is open
    (CaseFacts(JAN, contacted=True, last_contact_on=date(2026, 1, 12), open=False, closed_on=date(2026, 2, 1)),
     date(2026, 3, 15), "no-service"),
    (CaseFacts(JAN, contacted=True, last_contact_on=date(2026, 1, 12)), None, OPEN),
    # supported: 6 years after the later of last contact and closure, closed or not
    (CaseFacts(JAN, contacted=True, accepted=True, last_contact_on=date(2026, 5, 1), open=False,
               closed_on=date(2026, 4, 1)), date(2032, 5, 1), "supported"),
    (CaseFacts(JAN, contacted=True, accepted=True, last_contact_on=date(2026, 5, 1), open=False,
               closed_on=date(2026, 6, 1)), date(2032, 6, 1), "supported"),
    (CaseFacts(JAN, contacted=True, accepted=True, last_contact_on=date(2026, 5, 1)), date(2032, 5, 1), "supported"),
])
def test_adult_categories(case, until, category):
    retention = _one(case)
    assert (retention.until, retention.category) == (until, category)


def test_a_referral_never_routed_counts_as_never_contacted():
    assert _one(None).until == date(2026, 7, 12)


@pytest.mark.parametrize("dob, closed, until", [
    # 14 at the offence: the 25th birthday (2036) is later than 6 years after closure (2032)
    (date(2011, 8, 3), date(2026, 3, 1), date(2036, 8, 3)),
    # 17 at the offence, closed 2026: 25th birthday 2033-12-01 beats 2032-03-01
    (date(2008, 12, 1), date(2026, 3, 1), date(2033, 12, 1)),
    # 17, but the case ran until 2030: 6 years after closure (2036) beats the birthday
    (date(2008, 12, 1), date(2030, 6, 30), date(2036, 6, 30)),
    # born on 29 February: the 25th birthday falls on 28 February
    (date(2012, 2, 29), date(2026, 3, 1), date(2037, 2, 28)),
])
def test_a_child_at_the_offence_is_kept_until_25_or_six_years_after_closure(dob, closed, until):
    case = CaseFacts(JAN, contacted=True, last_contact_on=JAN, open=False, closed_on=closed)
    retention = _one(case, dob=dob, offence_on=date(2025, 12, 20))
    assert (retention.until, retention.category) == (until, "child")


def test_a_child_known_only_by_age_is_kept_until_the_latest_their_25th_birthday_could_be():
    # 15 on 1 June 2025: born between 2 June 2009 and 1 June 2010, so 25 by 1 June 2035 at the latest
    case = CaseFacts(JAN)
    retention = _one(case, dob=None, offence_on=date(2025, 6, 1), age_at_offence=15)
    assert (retention.until, retention.category) == (date(2035, 6, 1), "child")


@pytest.mark.parametrize("dob, offence, age, child", [
    (date(2008, 1, 1), date(2025, 12, 31), None, True),   # 17 the day before the 18th birthday
    (date(2008, 1, 1), date(2026, 1, 1), None, False),    # 18 on the birthday
    (None, None, 17, True),
    (None, None, 18, False),
    (None, None, None, False),
    (date(2009, 3, 1), None, None, True),                  # no offence date: the age on receipt (16)
])
def test_was_child(dob, offence, age, child):
    assert was_child(ReferralFacts(received_on=JAN, offence_on=offence, age_at_offence=age), dob) is child


def test_marac_is_a_setting_and_wins_when_later():
    case = CaseFacts(JAN, contacted=True, last_contact_on=JAN, open=False, closed_on=date(2026, 2, 1), marac=True)
    assert _one(case).until == date(2032, 2, 1) and _one(case).category == "marac"
    longer = RetentionPolicy(marac_years=10)
    referral = ReferralFacts(received_on=JAN, cases=(case,))
    assert person_retention([referral], ADULT, longer).until == date(2036, 2, 1)


def test_the_latest_date_across_referrals_and_cases_wins():
    never = ReferralFacts(received_on=date(2026, 9, 1), cases=(CaseFacts(date(2026, 9, 1)),))
    no_service = ReferralFacts(received_on=JAN, cases=(
        CaseFacts(JAN, contacted=True, last_contact_on=JAN, open=False, closed_on=date(2026, 2, 1)),))
    retention = person_retention([no_service, never], ADULT, POLICY)
    assert (retention.until, retention.category) == (date(2027, 3, 3), "never-contacted")


def test_one_open_case_without_a_date_keeps_the_person():
    never = ReferralFacts(received_on=JAN, cases=(CaseFacts(JAN), CaseFacts(JAN, contacted=True, last_contact_on=JAN)))
    assert person_retention([never], ADULT, POLICY).until is None


def test_due_only_after_the_date():
    retention = _one(CaseFacts(JAN))
    assert not retention.due(date(2026, 7, 12)) and retention.due(date(2026, 7, 13))
    assert not person_retention([], ADULT, POLICY).due(date(2099, 1, 1))


@pytest.mark.parametrize("day, years, expected", [
    (date(2024, 2, 29), 1, date(2025, 2, 28)), (date(2024, 2, 29), 4, date(2028, 2, 29)),
    (date(2026, 1, 31), 6, date(2032, 1, 31)),
])
def test_add_years(day, years, expected):
    assert add_years(day, years) == expected


def test_the_line_shown_on_the_record():
    from victimcare.domain.retention import Retention, retention_text

    assert retention_text(Retention(date(2032, 5, 1), "supported"), False) == "Until 1 May 2032: supported"
    assert retention_text(Retention(None, OPEN), False).startswith("Not yet set")
    assert retention_text(Retention(date(2026, 7, 12), "never-contacted"), True) == (
        "On legal hold, kept until the hold is lifted (otherwise: until 12 July 2026: referred but never contacted)")
