"""Working days, bank holidays and London dates."""
from datetime import date, datetime, timedelta, timezone

import pytest

from victimcare.domain.deadlines import (
    HolidayDataUnavailable,
    add_working_days,
    bank_holidays,
    covered_years,
    first_contact_due,
    is_working_day,
    london_date,
    working_days_between,
)

UTC = timezone.utc


@pytest.mark.parametrize(
    "moment, expected",
    [
        (datetime(2026, 6, 30, 23, 30, tzinfo=UTC), date(2026, 7, 1)),  # BST: already tomorrow in London
        (datetime(2026, 6, 30, 22, 59, tzinfo=UTC), date(2026, 6, 30)),
        (datetime(2026, 6, 30, 23, 0, tzinfo=UTC), date(2026, 7, 1)),
        (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), date(2026, 12, 31)),  # GMT: same date
        (datetime(2026, 6, 30, 23, 30), date(2026, 7, 1)),  # naive is UTC
        (datetime(2026, 7, 1, 0, 30, tzinfo=timezone(timedelta(hours=2))), date(2026, 6, 30)),
    ],
)
def test_london_date(moment, expected):
    assert london_date(moment) == expected


@pytest.mark.parametrize(
    "day, expected",
    [
        (date(2026, 12, 25), True),  # Christmas Day
        (date(2026, 12, 28), True),  # Boxing Day substitute
        (date(2027, 1, 1), True),
        (date(2027, 3, 26), True),  # Good Friday 2027
        (date(2027, 3, 29), True),  # Easter Monday 2027
        (date(2026, 12, 26), False),  # a Saturday, not itself listed
        (date(2027, 3, 30), False),
    ],
)
def test_bank_holidays_bundled_data(day, expected):
    assert (day in bank_holidays()) is expected


def test_bundled_data_covers_2026_and_2027():
    assert {2026, 2027} <= covered_years()


@pytest.mark.parametrize(
    "day, expected",
    [
        (date(2026, 11, 27), True),  # Friday
        (date(2026, 11, 28), False),  # Saturday
        (date(2026, 11, 29), False),  # Sunday
        (date(2026, 11, 30), True),  # Monday
        (date(2026, 12, 25), False),
        (date(2027, 3, 26), False),
    ],
)
def test_is_working_day(day, expected):
    assert is_working_day(day) is expected


@pytest.mark.parametrize(
    "start, n, expected",
    [
        (date(2026, 11, 26), 0, date(2026, 11, 26)),  # Thursday, working
        (date(2026, 11, 28), 0, date(2026, 11, 30)),  # Saturday -> Monday
        (date(2026, 11, 26), 1, date(2026, 11, 27)),
        (date(2026, 11, 26), 2, date(2026, 11, 30)),  # across a weekend
        (date(2026, 11, 27), 1, date(2026, 11, 30)),  # Friday + 1
        (date(2026, 11, 28), 1, date(2026, 11, 30)),  # Saturday + 1
        (date(2026, 11, 29), 5, date(2026, 12, 4)),  # Sunday + 5
        (date(2026, 11, 26), 10, date(2026, 12, 10)),  # two weekends
        (date(2026, 12, 24), 2, date(2026, 12, 30)),  # Christmas 2026
        (date(2026, 12, 24), 5, date(2027, 1, 5)),
        (date(2027, 3, 25), 1, date(2027, 3, 30)),  # Easter 2027: Thursday before Good Friday
        (date(2027, 3, 25), 2, date(2027, 3, 31)),
        (date(2027, 3, 26), 0, date(2027, 3, 30)),
    ],
)
def test_add_working_days(start, n, expected):
    assert add_working_days(start, n) == expected


def test_add_working_days_rejects_negative():
    with pytest.raises(ValueError, match="negative"):
        add_working_days(date(2026, 11, 26), -1)


@pytest.mark.parametrize(
    "start, end, expected",
    [
        (date(2026, 11, 26), date(2026, 11, 26), 0),
        (date(2026, 11, 26), date(2026, 11, 25), 0),
        (date(2026, 11, 26), date(2026, 11, 27), 1),
        (date(2026, 11, 27), date(2026, 11, 30), 1),  # weekend skipped
        (date(2026, 11, 27), date(2026, 11, 29), 0),
        (date(2026, 12, 24), date(2026, 12, 30), 2),
        (date(2026, 12, 24), date(2027, 1, 5), 5),
        (date(2027, 3, 25), date(2027, 3, 29), 0),  # Easter weekend, both holidays
    ],
)
def test_working_days_between(start, end, expected):
    assert working_days_between(start, end) == expected


@pytest.mark.parametrize("n", [1, 2, 3, 5, 10, 20])
@pytest.mark.parametrize("start", [date(2026, 12, 24), date(2027, 3, 24), date(2026, 11, 28)])
def test_working_days_between_inverts_add_working_days(start, n):
    assert working_days_between(start, add_working_days(start, n)) == n


@pytest.mark.parametrize(
    "received_at, days, expected",
    [
        (datetime(2026, 12, 24, 9, 0, tzinfo=UTC), 2, date(2026, 12, 30)),  # Thursday 24 Dec 2026
        (datetime(2026, 12, 24, 9, 0, tzinfo=UTC), 5, date(2027, 1, 5)),
        (datetime(2027, 3, 25, 16, 0, tzinfo=UTC), 2, date(2027, 3, 31)),  # Easter 2027
        # 23:30 UTC on Tuesday 30 June is Wednesday 1 July in London, so counting starts a day later.
        (datetime(2026, 6, 30, 23, 30, tzinfo=UTC), 2, date(2026, 7, 3)),
        (datetime(2026, 6, 30, 22, 30, tzinfo=UTC), 2, date(2026, 7, 2)),
        (datetime(2026, 7, 3, 23, 30, tzinfo=UTC), 1, date(2026, 7, 6)),  # Saturday in London
    ],
)
def test_first_contact_due(received_at, days, expected):
    assert first_contact_due(received_at, days) == expected


def test_custom_holidays_override_bundled_data():
    assert add_working_days(date(2026, 11, 26), 1, holidays=frozenset({date(2026, 11, 27)})) == date(2026, 11, 30)
    assert add_working_days(date(2026, 12, 24), 1, holidays=frozenset()) == date(2026, 12, 25)


def test_years_outside_the_bundled_data_raise_instead_of_miscounting():
    beyond = max(covered_years()) + 1
    with pytest.raises(HolidayDataUnavailable, match=str(beyond)):
        add_working_days(date(beyond, 1, 10), 1)
    with pytest.raises(HolidayDataUnavailable):
        is_working_day(date(min(covered_years()) - 1, 6, 1))
