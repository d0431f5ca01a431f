"""How a report period splits into whole months (read from the roll-ups) and odd days (counted from the cases)."""
from datetime import date

import pytest

from victimcare.domain.report_definitions import whole_months_within

D = date


@pytest.mark.parametrize("date_from, date_to, months, edges", [
    # whole months only: the commissioner's periods
    (D(2026, 1, 1), D(2026, 3, 31), (D(2026, 1, 1), D(2026, 3, 1)), []),
    (D(2026, 2, 1), D(2026, 2, 28), (D(2026, 2, 1), D(2026, 2, 1)), []),
    (D(2024, 2, 1), D(2024, 2, 29), (D(2024, 2, 1), D(2024, 2, 1)), []),  # leap year
    (D(2025, 12, 1), D(2026, 1, 31), (D(2025, 12, 1), D(2026, 1, 1)), []),  # across a new year
    # odd days at the start, the end, or both
    (D(2026, 1, 15), D(2026, 3, 31), (D(2026, 2, 1), D(2026, 3, 1)), [(D(2026, 1, 15), D(2026, 1, 31))]),
    (D(2026, 1, 1), D(2026, 3, 30), (D(2026, 1, 1), D(2026, 2, 1)), [(D(2026, 3, 1), D(2026, 3, 30))]),
    (D(2026, 1, 2), D(2026, 4, 3), (D(2026, 2, 1), D(2026, 3, 1)),
     [(D(2026, 1, 2), D(2026, 1, 31)), (D(2026, 4, 1), D(2026, 4, 3))]),
    # no whole month inside: all from the cases
    (D(2026, 1, 2), D(2026, 1, 31), None, [(D(2026, 1, 2), D(2026, 1, 31))]),
    (D(2026, 1, 15), D(2026, 2, 14), None, [(D(2026, 1, 15), D(2026, 2, 14))]),
    (D(2026, 3, 5), D(2026, 3, 5), None, [(D(2026, 3, 5), D(2026, 3, 5))]),
])
def test_a_period_splits_into_whole_months_and_odd_days(date_from, date_to, months, edges):
    assert whole_months_within(date_from, date_to) == (months, edges)
