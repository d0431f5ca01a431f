"""The subject access deadline: one calendar month from receipt (or that month's last day), paused days added,
and up to two further months for a complex request."""
from datetime import date

import pytest

from victimcare.domain.data_rights import Pause, add_months, deadline_state, paused_days, response_deadline


@pytest.mark.parametrize("received, expected", [
    (date(2026, 3, 12), date(2026, 4, 12)),    # the corresponding day of the next month
    (date(2026, 1, 31), date(2026, 2, 28)),    # no 31 February: that month's last day
    (date(2028, 1, 31), date(2028, 2, 29)),    # a leap year
    (date(2028, 1, 29), date(2028, 2, 29)),
    (date(2027, 1, 29), date(2027, 2, 28)),
    (date(2026, 3, 31), date(2026, 4, 30)),
    (date(2026, 12, 15), date(2027, 1, 15)),   # across the year end
    (date(2026, 2, 28), date(2026, 3, 28)),    # not "the last day" again: the same day number
])
def test_one_calendar_month_from_receipt(received, expected):
    assert response_deadline(received) == expected


@pytest.mark.parametrize("received, months, expected", [
    (date(2026, 1, 31), 1, date(2026, 3, 31)),
    (date(2026, 1, 31), 2, date(2026, 4, 30)),
    (date(2027, 11, 30), 2, date(2028, 2, 29)),  # extension landing on a leap day
    (date(2026, 12, 31), 2, date(2027, 3, 31)),
])
def test_an_extension_adds_whole_months_counted_from_receipt(received, months, expected):
    assert response_deadline(received, extension_months=months) == expected


def test_paused_days_move_the_deadline():
    pauses = [Pause(date(2026, 3, 15), date(2026, 3, 20))]   # 5 days stopped
    assert response_deadline(date(2026, 3, 12), pauses=pauses) == date(2026, 4, 17)


def test_a_running_pause_counts_up_to_today():
    pauses = [Pause(date(2026, 3, 15))]
    assert paused_days(pauses, date(2026, 3, 18)) == 3
    assert response_deadline(date(2026, 3, 12), pauses=pauses, today=date(2026, 3, 18)) == date(2026, 4, 15)


def test_pauses_and_an_extension_together():
    pauses = [Pause(date(2026, 1, 2), date(2026, 1, 5)), Pause(date(2026, 1, 10), date(2026, 1, 12))]
    assert response_deadline(date(2026, 1, 1), pauses=pauses, extension_months=2) == date(2026, 4, 6)


@pytest.mark.parametrize("months", [-1, 3])
def test_no_more_than_two_further_months(months):
    with pytest.raises(ValueError):
        response_deadline(date(2026, 1, 1), extension_months=months)


def test_add_months_across_years():
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


@pytest.mark.parametrize("deadline, paused, open_, text, colour", [
    (date(2026, 3, 1), False, True, "Overdue by 9 days", "red"),
    (date(2026, 3, 9), False, True, "Overdue by 1 day", "red"),
    (date(2026, 3, 10), False, True, "Due today", "orange"),
    (date(2026, 3, 11), False, True, "Due in 1 day", "orange"),
    (date(2026, 3, 30), False, True, "Due in 20 days", None),
    (date(2026, 3, 1), True, True, "Clock paused", "yellow"),
    (date(2026, 3, 1), False, False, "Closed", "grey"),
])
def test_deadline_state(deadline, paused, open_, text, colour):
    state = deadline_state(deadline, date(2026, 3, 10), paused=paused, open_=open_)
    assert (state.text, state.colour) == (text, colour)


from victimcare.domain.data_rights import records_request_problems  # noqa: E402

TODAY = date(2026, 3, 10)


def _problems(**overrides):
    values = dict(kind="case-notes", decision="pending", decision_reason="", victim_told_on=None, disclosed_on=None,
                  disclosed_what="", received_on=date(2026, 3, 1), today=TODAY)
    values.update(overrides)
    return [field for field, _ in records_request_problems(**values)]


@pytest.mark.parametrize("overrides, fields", [
    ({}, []),
    ({"received_on": None}, ["received_on"]),
    ({"received_on": date(2026, 3, 11)}, ["received_on"]),
    ({"decision": "refused"}, ["decision_reason"]),
    ({"decision": "refused", "decision_reason": "Not relevant to any line of enquiry"}, []),
    ({"decision": "disclosed", "decision_reason": "Court order"}, ["victim_told_on", "disclosed_what"]),
    ({"decision": "disclosed", "decision_reason": "Court order", "victim_told_on": date(2026, 3, 2),
      "disclosed_on": date(2026, 3, 5), "disclosed_what": "Contact log"}, []),
    ({"decision": "disclosed", "decision_reason": "Order", "victim_told_on": date(2026, 3, 2),
      "disclosed_on": date(2026, 3, 5), "disclosed_what": "Sessions 1-3", "kind": "counselling-therapy"},
     ["decision_reason"]),
    ({"decision": "disclosed", "decision_reason": "Crown Court order under s.2 after a hearing",
      "victim_told_on": date(2026, 3, 2), "disclosed_on": date(2026, 3, 5), "disclosed_what": "Sessions 1-3",
      "kind": "counselling-therapy"}, []),
    ({"disclosed_on": date(2026, 2, 1)}, ["disclosed_on"]),
])
def test_records_request_rules(overrides, fields):
    assert _problems(**overrides) == fields
