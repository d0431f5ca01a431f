"""The differencing rule: a cell is hidden where dropping months from either end of its period (leaving an
allowed period) would change it by 1 to 4."""
import itertools

import pytest

from victimcare.domain.report_suppression import differs_by_a_few_from_a_shorter_period as gives_away


@pytest.mark.parametrize("months, min_months, hidden", [
    ([5, 5, 5], 3, False),            # the shortest period: nothing shorter to compare with
    ([1, 0, 0], 3, False),
    ([1, 9, 9, 9], 3, True),          # dropping the first month changes it by 1
    ([9, 9, 9, 1], 3, True),          # dropping the last
    ([0, 9, 9, 9], 3, False),         # by 0: nothing learnt
    ([9, 9, 9, 6], 3, False),         # by 6: at least 5
    ([2, 3, 9, 9, 9], 3, True),       # the first month alone holds 2
    ([0, 0, 1, 9, 9, 9], 3, True),    # the first three months hold one case between them
    ([3, 3, 0, 0, 9, 9, 9], 3, True),
    ([6, 0, 0, 0, 0, 9], 1, False),
    ([6, 0, 0, 0, 2, 9], 1, False),   # heads 6, 6, 6, 6, 8 and tails 9, 11, 11, 11, 11: none from 1 to 4
])
def test_a_cell_is_hidden_when_an_end_block_holds_a_few_cases(months, min_months, hidden):
    assert gives_away(months, min_months) is hidden


def test_no_two_nested_allowed_periods_both_published_differ_by_one_to_four():
    """Every nested pair of allowed periods over a year of small monthly counts."""
    series = [0, 1, 0, 2, 5, 0, 1, 7, 0, 0, 3, 1]
    periods = [(a, b) for a in range(12) for b in range(a + 3, 13)]  # months [a, b), at least 3

    def published(a, b):
        return not gives_away(series[a:b], 3)

    for (a, b), (c, d) in itertools.permutations(periods, 2):
        if a <= c and d <= b and published(a, b) and published(c, d):
            assert sum(series[a:b]) - sum(series[c:d]) not in range(1, 5)
