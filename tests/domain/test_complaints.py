"""Victims' Commissioner complaints: the agency's response due date and the state of its response."""
from datetime import date

import pytest

from victimcare.domain.complaints import response_due, response_status


def test_the_due_date_skips_christmas_boxing_day_substitute_and_new_year():
    # Thursday 17 December 2026: 20 working days, not counting Friday 25 December, Monday 28 December (the
    # substitute for Boxing Day, a Saturday) or Friday 1 January 2027.
    assert response_due(date(2026, 12, 17), 20) == date(2027, 1, 19)


@pytest.mark.parametrize("requested, days, due", [
    (date(2026, 3, 12), 20, date(2026, 4, 13)),  # Thursday; Good Friday 3 April and Easter Monday 6 April skipped
    (date(2026, 6, 5), 1, date(2026, 6, 8)),     # a Friday: the next working day is Monday
    (date(2026, 6, 6), 5, date(2026, 6, 12)),    # requested on a Saturday: counting starts on Monday
])
def test_the_due_date_counts_working_days_after_the_request(requested, days, due):
    assert response_due(requested, days) == due


TODAY = date(2026, 11, 20)


@pytest.mark.parametrize("requested, due, received, status", [
    (None, None, None, "not-requested"),
    (date(2026, 11, 2), date(2026, 11, 30), None, "awaiting"),
    (date(2026, 10, 1), TODAY, None, "awaiting"),              # due today: not overdue yet
    (date(2026, 10, 1), date(2026, 11, 19), None, "overdue"),  # due yesterday, nothing received
    (date(2026, 10, 1), date(2026, 10, 29), date(2026, 10, 29), "on-time"),  # received on the due date
    (date(2026, 10, 1), date(2026, 10, 29), date(2026, 10, 2), "on-time"),
    (date(2026, 10, 1), date(2026, 10, 29), date(2026, 10, 30), "late"),
])
def test_response_status(requested, due, received, status):
    assert response_status(requested, due, received, TODAY) == status
