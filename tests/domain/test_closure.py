"""Closing a case: when a closure is waiting, what its outcome answers need, and who may approve it."""
import pytest

from victimcare.domain.access import Principal, may_approve_closure
from victimcare.domain.case_lifecycle import closure_outcome_errors, closure_pending

ALL_ANSWERED = {"feels-safer": "improved", "better-able-to-cope": "same", "better-informed": "not-asked"}


@pytest.mark.parametrize("requested, status, expected", [
    (True, "accepted", True), (True, "in-progress", True),
    (True, "closed", False),  # approved: the request time is kept, nothing waits
    (True, "new", False), (True, "transferred", False),
    (False, "in-progress", False),
])
def test_closure_pending(requested, status, expected):
    assert closure_pending(requested, status) is expected


@pytest.mark.parametrize("outcomes, required, fields", [
    (ALL_ANSWERED, True, []),
    (ALL_ANSWERED, False, []),
    ({}, False, []),                                      # the API may leave the outcomes out
    ({}, True, ["feels_safer", "better_able_to_cope", "better_informed"]),
    ({**ALL_ANSWERED, "feels-safer": "maybe"}, False, ["feels_safer"]),
    ({**ALL_ANSWERED, "happier": "yes"}, True, ["outcomes"]),
])
def test_closure_outcome_errors(outcomes, required, fields):
    assert [e["field"] for e in closure_outcome_errors(outcomes, required)] == fields


def test_outcome_errors_say_which_question_in_words():
    [error] = closure_outcome_errors({**ALL_ANSWERED, "better-informed": None}, True)
    assert error["message"].startswith("Choose an answer for \u2018") and "informed" in error["message"]


@pytest.mark.parametrize("principal, requested_by, self_approval, expected", [
    (Principal("advocate", 1, is_lead=True, user_id=5), 6, False, True),
    (Principal("advocate", 1, is_lead=True, user_id=5), 5, False, False),
    (Principal("advocate", 1, is_lead=True, user_id=5), 5, True, True),
    (Principal("advocate", 1, is_lead=False, user_id=5), 6, False, False),
])
def test_who_may_approve(principal, requested_by, self_approval, expected):
    assert may_approve_closure(principal, requested_by, self_approval) is expected
