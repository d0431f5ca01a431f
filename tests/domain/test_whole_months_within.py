"""How a report period splits into whole months (read from the roll-ups) and odd days (counted from the cases)."""
from datetime import date

import pytest

from victimcare.domain.report_definitions import PeriodParts, period_parts, whole_months_within

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


FAR = D(2030, 1, 1)  # a "today" after every period below: every day of it may hold cases


@pytest.mark.parametrize("date_from, date_to, today, parts", [
    # whole months only: nothing from the cases
    (D(2026, 1, 1), D(2026, 3, 31), FAR, PeriodParts((D(2026, 1, 1), D(2026, 3, 1)))),
    # a few odd days at either end: counted from their cases
    (D(2026, 1, 28), D(2026, 3, 3), FAR,
     PeriodParts((D(2026, 2, 1), D(2026, 2, 1)), add_days=((D(2026, 1, 28), D(2026, 1, 31)),
                                                           (D(2026, 3, 1), D(2026, 3, 3))))),
    # most of an end month: the month from the roll-ups, less its purged counts, less the other days' cases
    (D(2026, 1, 5), D(2026, 3, 27), FAR,
     PeriodParts((D(2026, 1, 1), D(2026, 3, 1)), less_purged=(D(2026, 1, 1), D(2026, 3, 1)),
                 less_days=((D(2026, 1, 1), D(2026, 1, 4)), (D(2026, 3, 28), D(2026, 3, 31))))),
    # half and half: counted from the cases (a tie costs no purged read)
    (D(2026, 4, 16), D(2026, 5, 31), FAR,
     PeriodParts((D(2026, 5, 1), D(2026, 5, 1)), add_days=((D(2026, 4, 16), D(2026, 4, 30)),))),
    # to today, mid-month: the days after today hold no cases, so the month by difference costs nothing
    (D(2024, 12, 6), D(2026, 12, 6), D(2026, 12, 6),
     PeriodParts((D(2024, 12, 1), D(2026, 12, 1)), less_purged=(D(2024, 12, 1), D(2026, 12, 1)),
                 less_days=((D(2024, 12, 1), D(2024, 12, 5)), (D(2026, 12, 7), D(2026, 12, 31))))),
    # inside one month: the days outside it on both sides
    (D(2026, 3, 3), D(2026, 3, 29), FAR,
     PeriodParts((D(2026, 3, 1), D(2026, 3, 1)), less_purged=(D(2026, 3, 1),),
                 less_days=((D(2026, 3, 1), D(2026, 3, 2)), (D(2026, 3, 30), D(2026, 3, 31))))),
    (D(2026, 3, 5), D(2026, 3, 5), FAR, PeriodParts(None, add_days=((D(2026, 3, 5), D(2026, 3, 5)),))),
    # no whole month inside, one end by difference: the roll-up months are that one
    (D(2026, 1, 3), D(2026, 2, 4), FAR,
     PeriodParts((D(2026, 1, 1), D(2026, 1, 1)), add_days=((D(2026, 2, 1), D(2026, 2, 4)),),
                 less_purged=(D(2026, 1, 1),), less_days=((D(2026, 1, 1), D(2026, 1, 2)),))),
])
def test_a_period_counts_at_most_half_a_month_of_cases_at_each_end(date_from, date_to, today, parts):
    assert period_parts(date_from, date_to, today) == parts
