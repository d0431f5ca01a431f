"""Targets for the headline measures: status in words, shortfall, change since the previous period, ordering."""
from datetime import date

import pytest

from victimcare.domain.targets import (
    BELOW,
    MEETS,
    NOT_SHOWN,
    TARGET_MEASURES_BY_KEY,
    Finding,
    biggest_changes,
    findings,
    furthest_below,
    previous_period,
    targets_from_settings,
)

SHARE = TARGET_MEASURES_BY_KEY["share_in_time"]
MEDIAN = TARGET_MEASURES_BY_KEY["median_days"]


def test_targets_come_from_settings_as_percentages_and_days():
    config = {"REPORT_TARGET_SHARE_IN_TIME": 92.5, "REPORT_TARGET_TAKE_UP": 50, "REPORT_TARGET_MEDIAN_DAYS": 2}
    assert targets_from_settings(config) == {"share_in_time": 0.925, "take_up": 0.5, "median_days": 2.0}


@pytest.mark.parametrize("measure, value, target, expected", [
    (SHARE, 0.75, 0.9, BELOW), (SHARE, 0.9, 0.9, MEETS), (SHARE, None, 0.9, NOT_SHOWN),
    (MEDIAN, 3.0, 2.0, BELOW), (MEDIAN, 1.5, 2.0, MEETS),
])
def test_status_in_words(measure, value, target, expected):
    assert Finding("Service", "X", measure, value, target, None).status == expected


def test_sentences_say_how_far_below_and_what_changed():
    finding = Finding("Service", "Domestic abuse advocacy", SHARE, 0.75, 0.9, 0.8)
    assert finding.sentence() == ("Domestic abuse advocacy: share contacted within due date 75.0%, below target by "
                                  "15.0 percentage points (target 90%).")
    assert finding.change_text == "worse by 5.0 percentage points (from 80.0%)"
    slower = Finding("Borough", "Barnet", MEDIAN, 3.0, 2.0, 1.0)
    assert slower.status_text == "below target by 1 working day" and slower.change_text.startswith("worse by 2 working days")
    assert Finding("Borough", "Barnet", MEDIAN, 3.0, 2.0, None).change_text == "not shown for one of the periods"


def test_furthest_below_compares_shortfalls_as_a_share_of_the_target():
    found = [Finding("Service", "A", SHARE, 0.72, 0.9, None),   # 20% short
             Finding("Borough", "B", MEDIAN, 3.0, 2.0, None),   # 50% short
             Finding("Borough", "C", SHARE, 0.95, 0.9, None),   # meets
             Finding("Borough", "D", SHARE, None, 0.9, None)]   # not shown
    assert [f.name for f in furthest_below(found)] == ["B", "A"]


def test_biggest_changes_put_worsening_first():
    found = [Finding("Service", "A", SHARE, 0.5, 0.9, 0.6), Finding("Service", "B", SHARE, 0.9, 0.9, 0.5),
             Finding("Service", "C", SHARE, 0.5, 0.9, 0.5), Finding("Service", "D", SHARE, 0.5, 0.9, 0.8)]
    assert [f.name for f in biggest_changes(found)] == ["D", "A", "B"]


def test_findings_pair_each_row_with_its_previous_figure():
    rows = [{"key": "lambeth", "label": "Lambeth", "share_in_time_all": 0.5, "median_days_all": None}]
    found = findings("Borough", rows, {"lambeth": {"share_in_time_all": 0.7}}, {"share_in_time": 0.9, "median_days": 2})
    assert [(f.measure.key, f.value, f.previous) for f in found] == [("share_in_time", 0.5, 0.7), ("median_days", None, None)]


def test_previous_period_is_the_same_length_just_before():
    assert previous_period(date(2026, 1, 1), date(2026, 3, 31)) == (date(2025, 10, 3), date(2025, 12, 31))
