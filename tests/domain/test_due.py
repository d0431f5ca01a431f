"""Overdue, due today, due later, met: one rule, on London's calendar, across the midnight UTC does not share."""
from datetime import date, datetime, timezone

import pytest
import time_machine

from victimcare.domain.clock import london_today
from victimcare.domain.due import DueState, badge, due_state, first_contact_state, task_state

TODAY = date(2026, 7, 16)
YESTERDAY, TOMORROW = date(2026, 7, 15), date(2026, 7, 17)


@pytest.mark.parametrize("due_on, met, expected", [
    (YESTERDAY, False, DueState.OVERDUE),
    (TODAY, False, DueState.DUE_TODAY),
    (TOMORROW, False, DueState.DUE_LATER),
    (YESTERDAY, True, DueState.MET),
    (None, False, DueState.NOT_DUE),
    (None, True, DueState.MET),
])
def test_due_state(due_on, met, expected):
    assert due_state(due_on, TODAY, met=met) is expected


@pytest.mark.parametrize("due_on, contacted, status, expected", [
    (YESTERDAY, False, "new", DueState.OVERDUE),
    (YESTERDAY, False, "accepted", DueState.OVERDUE),
    (TODAY, False, "in-progress", DueState.DUE_TODAY),
    (TOMORROW, False, "new", DueState.DUE_LATER),
    (YESTERDAY, True, "in-progress", DueState.MET),
    (YESTERDAY, True, "closed", DueState.MET),
    (YESTERDAY, False, "closed", DueState.NOT_DUE),  # no longer owed: never flagged overdue
    (YESTERDAY, False, "declined", DueState.NOT_DUE),
    (YESTERDAY, False, "transferred", DueState.NOT_DUE),
])
def test_first_contact_state(due_on, contacted, status, expected):
    assert first_contact_state(due_on, contacted, status, TODAY) is expected


@pytest.mark.parametrize("due_on, done, expected", [
    (YESTERDAY, False, DueState.OVERDUE),
    (TODAY, False, DueState.DUE_TODAY),
    (TOMORROW, False, DueState.DUE_LATER),
    (YESTERDAY, True, DueState.MET),
    (None, False, DueState.NOT_DUE),
])
def test_task_state(due_on, done, expected):
    assert task_state(due_on, done, TODAY) is expected


def test_only_overdue_and_due_today_carry_a_badge_with_words():
    assert (badge(DueState.OVERDUE).text, badge(DueState.OVERDUE).colour) == ("Overdue", "red")
    assert (badge(DueState.DUE_TODAY).text, badge(DueState.DUE_TODAY).colour) == ("Due today", "orange")
    assert [badge(s) for s in (DueState.DUE_LATER, DueState.MET, DueState.NOT_DUE)] == [None, None, None]


@pytest.mark.parametrize("utc_moment, london_day, due_on, expected", [
    # Summer (BST, UTC+1): at 23:30 UTC on 15 July it is already 00:30 on 16 July in London.
    (datetime(2026, 7, 15, 22, 59, tzinfo=timezone.utc), date(2026, 7, 15), date(2026, 7, 15), DueState.DUE_TODAY),
    (datetime(2026, 7, 15, 23, 30, tzinfo=timezone.utc), date(2026, 7, 16), date(2026, 7, 15), DueState.OVERDUE),
    (datetime(2026, 7, 15, 23, 30, tzinfo=timezone.utc), date(2026, 7, 16), date(2026, 7, 16), DueState.DUE_TODAY),
    # Winter (GMT, UTC+0): London's date turns with UTC's.
    (datetime(2026, 1, 15, 23, 30, tzinfo=timezone.utc), date(2026, 1, 15), date(2026, 1, 15), DueState.DUE_TODAY),
    (datetime(2026, 1, 16, 0, 30, tzinfo=timezone.utc), date(2026, 1, 16), date(2026, 1, 15), DueState.OVERDUE),
    (datetime(2026, 1, 15, 23, 59, tzinfo=timezone.utc), date(2026, 1, 15), date(2026, 1, 16), DueState.DUE_LATER),
])
def test_due_state_across_london_midnight(utc_moment, london_day, due_on, expected):
    with time_machine.travel(utc_moment, tick=False):
        assert london_today() == london_day
        assert first_contact_state(due_on, False, "new", london_today()) is expected
        assert task_state(due_on, False, london_today()) is expected
