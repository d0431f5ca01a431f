"""The postcode lottery's rules: bands measured from London's figure (worst first), why a figure is not shown,
and the default figure for the map."""
import pytest

from victimcare.domain.lottery import (
    BANDS,
    LOTTERY_MEASURES_BY_KEY,
    NOT_SHOWN,
    band_definitions,
    band_for,
    default_measure,
    not_shown_reason,
    why_not_shown,
)
from victimcare.domain.suppression import SECONDARY_SUPPRESSED, SUPPRESSED

SHARE = LOTTERY_MEASURES_BY_KEY["share_in_time"]
MEDIAN = LOTTERY_MEASURES_BY_KEY["median_days"]


@pytest.mark.parametrize("value, slug", [
    (0.30, "much-worse"), (0.37, "much-worse"), (0.40, "worse"), (0.47, "worse"), (0.50, "close"),
    (0.55, "close"), (0.60, "close"), (0.61, "better"), (0.70, "better"), (0.71, "much-better"), (None, "not-shown"),
])
def test_rate_bands_are_measured_from_london(value, slug):
    assert band_for(value, 0.55, SHARE).slug == slug


@pytest.mark.parametrize("value, slug", [(4.0, "much-worse"), (3.0, "worse"), (2.5, "close"), (1.5, "close"),
                                         (1.0, "better"), (0.0, "much-better")])
def test_median_bands_count_quicker_as_better(value, slug):
    assert band_for(value, 2.0, MEDIAN).slug == slug


def test_no_band_without_a_london_figure():
    assert band_for(0.5, None, SHARE) is NOT_SHOWN


def test_bands_run_worst_first_with_text_markers_and_meanings():
    assert [b.rank for b in BANDS] == [1, 2, 3, 4, 5]
    assert len({b.marker for b in BANDS}) == 5 and all(b.marker for b in BANDS)
    meanings = dict((band.slug, text) for band, text in band_definitions(SHARE, "52.5%"))
    assert meanings["much-worse"] == "more than 15 percentage points below London's 52.5%"
    assert meanings["close"] == "within 5 percentage points of London's 52.5%"
    assert "quicker than London's 2 working days" in dict(
        (b.slug, t) for b, t in band_definitions(MEDIAN, "2 working days"))["better"]


def _row(in_time, due, share=None, level="all"):
    return {f"in_time_{level}": in_time, f"due_{level}": due, f"share_in_time_{level}": share}


@pytest.mark.parametrize("row, reason", [
    (_row(0, 0), "no cases due for first contact"),
    (_row(SUPPRESSED, SUPPRESSED), "fewer than 5 cases due for first contact"),
    (_row(SUPPRESSED, 9), "fewer than 5 cases contacted within the due date"),
    (_row(SECONDARY_SUPPRESSED, 11), "a count hidden so that a total cannot give a smaller one away"),
    (_row(6, 9, 6 / 9), None),
])
def test_not_shown_reason_in_words(row, reason):
    assert not_shown_reason(row, SHARE, "all") == reason


def test_why_not_shown_counts_boroughs_by_reason():
    rows = [_row(SUPPRESSED, 9)] * 3 + [_row(0, 0)] + [_row(6, 9, 6 / 9)]
    assert why_not_shown(rows, SHARE, "all") == (
        "Share contacted within due date is not shown for 4 of 5 boroughs: fewer than 5 cases contacted within "
        "the due date in 3, no cases due for first contact in 1.")
    assert why_not_shown([_row(6, 9, 6 / 9)], SHARE, "all") is None


def test_default_measure_is_the_first_shown_for_half_the_boroughs():
    thin = {"share_in_time_all": None, "take_up_all": None, "median_days_all": 2.0}
    full = {"share_in_time_all": 0.5, "take_up_all": 0.5, "median_days_all": 2.0}
    assert default_measure([full] * 3 + [thin] * 3, "all").key == "share_in_time"
    assert default_measure([full] * 2 + [thin] * 4, "all").key == "median_days"
    nothing = {"share_in_time_all": None, "take_up_all": None, "median_days_all": None}
    assert default_measure([nothing] * 4, "all").key == "share_in_time"
