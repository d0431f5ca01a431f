"""MARAC rules alone: repeats, what goes on an agenda, planned time, action states, the repeat-rate context."""
from datetime import date

import pytest

from victimcare.domain.access import Principal, is_marac_coordinator, may_be_marac_coordinator, may_coordinate_marac_for
from victimcare.domain.marac import (
    AgendaCandidate,
    action_state,
    belongs_on_agenda,
    criteria_from_reasons,
    is_repeat,
    may_record_hearing,
    minutes_in_words,
    planned_minutes,
    repeat_rate_context,
)


@pytest.mark.parametrize("referred, previous, expected", [
    (date(2026, 6, 1), None, False),                       # first referral
    (date(2026, 6, 1), date(2025, 6, 1), True),            # exactly 12 months before
    (date(2026, 6, 1), date(2025, 5, 31), False),          # a day more than 12 months
    (date(2026, 6, 1), date(2026, 5, 1), True),
    (date(2026, 6, 1), date(2026, 6, 1), False),           # the same day is this referral, not an earlier one
    (date(2028, 2, 29), date(2027, 2, 28), True),          # leap day: 12 months before is 28 February
    (date(2028, 2, 29), date(2027, 2, 27), False),
])
def test_repeat_is_a_new_referral_within_twelve_months_of_the_last(referred, previous, expected):
    assert is_repeat(referred, previous) is expected


MEETING = date(2026, 12, 10)
LAST = date(2026, 11, 26)


@pytest.mark.parametrize("candidate, last, expected", [
    (AgendaCandidate(date(2026, 12, 1), False), LAST, True),                       # referred since the last meeting
    (AgendaCandidate(date(2026, 11, 20), False), LAST, False),                     # before it (heard or dealt with)
    (AgendaCandidate(date(2026, 11, 20), False), None, True),                      # the area's first meeting
    (AgendaCandidate(date(2026, 12, 1), True), LAST, False),                       # heard since referral
    (AgendaCandidate(date(2026, 12, 11), False), LAST, False),                     # referred after the meeting
    (AgendaCandidate(date(2026, 11, 20), False, deferred_earlier=True), LAST, True),  # deferred: carried over
    (AgendaCandidate(date(2026, 12, 1), False, on_another_agenda=True), LAST, False),
    (AgendaCandidate(date(2026, 11, 26), False), LAST, False),                     # the last meeting's own day
])
def test_agenda_takes_cases_referred_since_the_last_meeting_and_not_yet_heard(candidate, last, expected):
    assert belongs_on_agenda(candidate, MEETING, last) is expected


@pytest.mark.parametrize("reasons, expected", [
    (["Visible high risk: 15 of 24 answers were yes (14 or more)."], ("visible-high-risk",)),
    (["Professional judgement: private words", "Repeat: last referred to MARAC on 2026-01-02, 300 days ago"],
     ("professional-judgement", "repeat")),
    (["Potential escalation: 3 incidents"], ("potential-escalation",)),
    ([], ("professional-judgement",)),  # a referral recorded as a step: the advocate's judgement
])
def test_referral_criteria_are_codes_never_the_professionals_words(reasons, expected):
    assert criteria_from_reasons(reasons) == expected


def test_planned_time_is_minutes_per_case_times_cases():
    assert planned_minutes(7, 15) == 105
    assert planned_minutes(0, 15) == 0
    assert minutes_in_words(105) == "1 hour 45 minutes"
    assert minutes_in_words(120) == "2 hours"
    assert minutes_in_words(15) == "15 minutes"
    assert minutes_in_words(0) == "0 minutes"


TODAY = date(2026, 12, 6)


@pytest.mark.parametrize("due, done, expected", [
    (date(2026, 12, 5), None, "overdue"),
    (TODAY, None, "due-today"),
    (date(2026, 12, 7), None, "open"),
    (date(2026, 12, 5), date(2026, 12, 5), "done-on-time"),
    (date(2026, 12, 5), date(2026, 12, 6), "done-late"),
])
def test_action_state(due, done, expected):
    assert action_state(due, done, TODAY) == expected


@pytest.mark.parametrize("rate, expected", [(None, None), (27.9, "below"), (28, "within"), (40, "within"),
                                            (40.1, "above")])
def test_repeat_rate_against_safelives_range(rate, expected):
    assert repeat_rate_context(rate) == expected


@pytest.mark.parametrize("principal, runs_marac, expected", [
    (Principal("advocate", 1, is_marac_coordinator=True), True, True),
    (Principal("advocate", 1, is_marac_coordinator=True), False, False),   # a service without MARAC
    (Principal("advocate", 1, is_lead=True), True, False),                 # a lead is not a coordinator
    (Principal("caseworker", None, is_marac_coordinator=True), True, False),
    (Principal("admin", None, is_marac_coordinator=True), True, False),
    (Principal("advocate", None, is_marac_coordinator=True), True, False),
])
def test_who_coordinates(principal, runs_marac, expected):
    assert is_marac_coordinator(principal, runs_marac) is expected


def test_a_coordinator_runs_only_their_own_services_meetings():
    coordinator = Principal("advocate", 1, is_marac_coordinator=True)
    assert may_coordinate_marac_for(coordinator, 1, True)
    assert not may_coordinate_marac_for(coordinator, 2, True)


def test_the_flag_goes_only_on_advocates_of_a_marac_service():
    assert may_be_marac_coordinator("advocate", True)
    assert not may_be_marac_coordinator("advocate", False)
    assert not may_be_marac_coordinator("caseworker", True)


@pytest.mark.parametrize("meeting_on, today, expected", [
    (date(2026, 12, 13), date(2026, 12, 6), False),  # next week's meeting: nothing heard yet
    (date(2026, 12, 13), date(2026, 12, 13), True),  # on the day
    (date(2026, 11, 8), date(2026, 12, 6), True),    # written up afterwards
])
def test_a_hearing_is_recorded_on_the_day_of_the_meeting_or_after(meeting_on, today, expected):
    assert may_record_hearing(meeting_on, today) is expected
