"""Which questions the referral form asks: by the victim's age and whether it is domestic abuse."""
from datetime import date

import pytest

from victimcare.domain import referral_questions as q


@pytest.mark.parametrize("age, parent_carer, identity", [
    (None, False, True),   # age not known: no parent or carer asked, every equality question offered
    (13, True, False),
    (15, True, False),
    (16, True, True),      # 16 and 17: identity questions asked, still a child
    (17, True, True),
    (18, False, True),
    (45, False, True),
])
def test_questions_by_age(age, parent_carer, identity):
    assert q.asks_parent_carer(age) is parent_carer
    assert q.asks_identity_questions(age) is identity


@pytest.mark.parametrize("domestic_abuse, age, household", [
    (True, 40, True), (False, 40, False), (False, 12, True), (True, 12, True), (False, None, False),
])
def test_the_people_around_them_page_applies_to_domestic_abuse_or_a_child(domestic_abuse, age, household):
    assert q.asks_household(domestic_abuse, age) is household


def test_age_is_counted_to_the_birthday():
    assert q.age_now(date(2010, 6, 2), date(2026, 6, 1)) == 15
    assert q.age_now(date(2010, 6, 2), date(2026, 6, 2)) == 16
    assert q.age_now(None, date(2026, 6, 2)) is None
