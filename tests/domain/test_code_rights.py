"""The Victims' Code rights of a case: events to rights, decision deadlines in working days, each right's state."""
from datetime import date, datetime, timezone

import pytest

from victimcare.domain.code_rights import (
    BADGES,
    EVENT_RIGHT,
    RecordedEvent,
    RightState,
    decision_timing,
    event_problems,
    events_of,
    right_state,
    right_statuses,
)
from victimcare.domain.vocab import CODE_EVENTS, VICTIMS_CODE_RIGHTS, slugs

UTC = timezone.utc
NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)  # a Friday
TODAY = date(2026, 12, 4)


def test_each_event_belongs_to_the_right_the_issue_names():
    assert EVENT_RIGHT == {
        "told-about-code": "understand-and-be-understood",
        "needs-assessed": "referral-to-support",
        "referred": "referral-to-support",
        "compensation-information": "information-about-compensation",
        "vps-offered": "victim-personal-statement",
        "vps-made": "victim-personal-statement",
        "decision-communicated": "information-about-investigation",
        "trial-dates-communicated": "information-about-trial",
        "outcome-communicated": "outcome-and-appeals",
        "complaint-information": "make-a-complaint",
    }
    assert set(EVENT_RIGHT) == set(slugs(CODE_EVENTS))
    assert set(EVENT_RIGHT.values()) <= set(slugs(VICTIMS_CODE_RIGHTS))
    assert len(VICTIMS_CODE_RIGHTS) == 12
    assert events_of("referral-to-support") == ("needs-assessed", "referred")
    assert events_of("crime-recorded") == ()


@pytest.mark.parametrize("decided, told, enhanced, due_on, working_days, in_time", [
    # Enhanced: 1 working day. A Friday decision is due on Monday; told Monday is in time, Tuesday is late.
    (datetime(2026, 12, 4, 16, tzinfo=UTC), datetime(2026, 12, 7, 9, tzinfo=UTC), True, date(2026, 12, 7), 1, True),
    (datetime(2026, 12, 4, 16, tzinfo=UTC), datetime(2026, 12, 8, 9, tzinfo=UTC), True, date(2026, 12, 7), 2, False),
    # Told the same day: 0 working days.
    (datetime(2026, 12, 2, 9, tzinfo=UTC), datetime(2026, 12, 2, 15, tzinfo=UTC), True, date(2026, 12, 3), 0, True),
    # Standard: 5 working days; a Monday decision is due the next Monday.
    (datetime(2026, 11, 30, 10, tzinfo=UTC), datetime(2026, 12, 7, 10, tzinfo=UTC), False, date(2026, 12, 7), 5, True),
    (datetime(2026, 11, 30, 10, tzinfo=UTC), datetime(2026, 12, 8, 10, tzinfo=UTC), False, date(2026, 12, 7), 6, False),
    # Christmas: the 24th (Thursday) decision, enhanced, is due on the 29th (25th, 28th are bank holidays).
    (datetime(2026, 12, 24, 10, tzinfo=UTC), datetime(2026, 12, 29, 10, tzinfo=UTC), True, date(2026, 12, 29), 1, True),
    # London's calendar: 23:30 UTC on 30 June is 1 July in London (BST).
    (datetime(2026, 6, 30, 23, 30, tzinfo=UTC), datetime(2026, 7, 2, 9, tzinfo=UTC), True, date(2026, 7, 2), 1, True),
])
def test_decision_timing(decided, told, enhanced, due_on, working_days, in_time):
    timing = decision_timing(decided, told, enhanced)
    assert (timing.due_on, timing.working_days, timing.in_time) == (due_on, working_days, in_time)


def _fields(errors):
    return [error["field"] for error in errors]


@pytest.mark.parametrize("right, event, at, decision_at, fields", [
    ("understand-and-be-understood", "told-about-code", NOW, None, []),
    ("information-about-investigation", "decision-communicated", NOW, NOW, []),
    ("information-about-investigation", "decision-communicated", NOW, datetime(2026, 12, 1, tzinfo=UTC), []),
    ("no-such-right", "told-about-code", NOW, None, ["right"]),
    ("make-a-complaint", "no-such-event", NOW, None, ["event"]),
    ("make-a-complaint", "told-about-code", NOW, None, ["event"]),  # not this right's event
    ("information-about-investigation", "decision-communicated", NOW, None, ["decision_at"]),
    ("information-about-investigation", "decision-communicated", datetime(2026, 12, 1, tzinfo=UTC), NOW,
     ["decision_at"]),  # decided after the victim was told
    ("make-a-complaint", "complaint-information", datetime(2026, 12, 5, tzinfo=UTC), None, ["at"]),  # the future
    ("information-about-investigation", "decision-communicated", datetime(2026, 12, 5, tzinfo=UTC),
     datetime(2026, 12, 5, tzinfo=UTC), ["at", "decision_at"]),
    ("make-a-complaint", "complaint-information", None, None, ["at"]),
])
def test_event_problems(right, event, at, decision_at, fields):
    assert _fields(event_problems(right, event, at, decision_at, NOW)) == fields


def test_event_of_another_right_says_which_right_it_belongs_to():
    [error] = event_problems("make-a-complaint", "told-about-code", NOW, None, NOW)
    assert "Understand and be understood" in error["message"] and "Make a complaint" in error["message"]


def test_an_unknown_police_decision_is_refused():
    assert _fields(event_problems("information-about-investigation", "decision-communicated", NOW, NOW, NOW,
                                  decision="shrugged")) == ["decision"]


def _event(right, event="x", in_time=None):
    return RecordedEvent(right=right, event=event, at=NOW, in_time=in_time)


YESTERDAY, TOMORROW = date(2026, 12, 3), date(2026, 12, 5)


@pytest.mark.parametrize("right, events, status, due, expected", [
    # Expected of every case taken on, by its first-contact due date.
    ("understand-and-be-understood", [_event("understand-and-be-understood")], "in-progress", YESTERDAY,
     (RightState.MET, YESTERDAY)),
    ("understand-and-be-understood", [], "new", TOMORROW, (RightState.DUE, TOMORROW)),
    ("understand-and-be-understood", [], "accepted", TODAY, (RightState.DUE, TODAY)),
    ("understand-and-be-understood", [], "in-progress", YESTERDAY, (RightState.MISSED, YESTERDAY)),
    ("referral-to-support", [], "closed", TOMORROW, (RightState.MISSED, TOMORROW)),
    ("referral-to-support", [], "declined", YESTERDAY, (RightState.NOT_APPLICABLE, None)),
    ("referral-to-support", [], "transferred", YESTERDAY, (RightState.NOT_APPLICABLE, None)),
    ("referral-to-support", [_event("referral-to-support")], "declined", YESTERDAY, (RightState.MET, YESTERDAY)),
    # Deadline-bound: told late is applied but not met on time.
    ("information-about-investigation", [], "in-progress", YESTERDAY, (RightState.NOT_APPLICABLE, None)),
    ("information-about-investigation", [_event("information-about-investigation", in_time=True)], "closed",
     YESTERDAY, (RightState.MET, None)),
    ("information-about-investigation", [_event("information-about-investigation", in_time=True),
                                         _event("information-about-investigation", in_time=False)], "closed",
     YESTERDAY, (RightState.MET_LATE, None)),
    # Other rights: met once recorded, otherwise not applicable.
    ("victim-personal-statement", [_event("victim-personal-statement")], "new", TOMORROW, (RightState.MET, None)),
    ("information-about-trial", [], "in-progress", YESTERDAY, (RightState.NOT_APPLICABLE, None)),
    # Owed by other agencies, nothing recorded here: never met, never "not applicable", whatever the case.
    ("crime-recorded", [], "in-progress", YESTERDAY, (RightState.NOT_RECORDED, None)),
    ("information-when-reporting", [], "closed", YESTERDAY, (RightState.NOT_RECORDED, None)),
    ("expenses-and-property", [], "declined", YESTERDAY, (RightState.NOT_RECORDED, None)),
    ("information-about-offender", [], "new", TOMORROW, (RightState.NOT_RECORDED, None)),
])
def test_right_state(right, events, status, due, expected):
    assert right_state(right, events, case_status=status, first_contact_due=due, today=TODAY) == expected


def test_right_statuses_lists_the_twelve_in_code_order_with_their_events():
    told = RecordedEvent(right="understand-and-be-understood", event="told-about-code", at=NOW)
    late = RecordedEvent(right="information-about-investigation", event="decision-communicated",
                         at=NOW, decision_at=datetime(2026, 11, 20, tzinfo=UTC), in_time=False)
    statuses = right_statuses([late, told], case_status="in-progress", first_contact_due=TOMORROW, today=TODAY)
    assert [s.right for s in statuses] == list(slugs(VICTIMS_CODE_RIGHTS))
    by_right = {s.right: s for s in statuses}
    assert by_right["understand-and-be-understood"].events == (told,)
    assert by_right["understand-and-be-understood"].badge.text == "Met"
    assert by_right["referral-to-support"].state is RightState.DUE
    assert by_right["referral-to-support"].due_on == TOMORROW
    assert by_right["information-about-investigation"].badge.text == "Met late"
    assert by_right["make-a-complaint"].badge.text == "Not applicable"


def test_the_rights_owed_elsewhere_are_exactly_those_no_event_belongs_to():
    from victimcare.domain.code_rights import OWED_ELSEWHERE
    assert set(OWED_ELSEWHERE) == {right for right, _ in VICTIMS_CODE_RIGHTS if not events_of(right)}
    assert BADGES[RightState.NOT_RECORDED].text == "Not recorded here"


def test_a_police_decision_belongs_only_to_decision_communicated():
    problems = event_problems("make-a-complaint", "complaint-information", NOW, None, NOW, decision="suspect-charged")
    assert [p["field"] for p in problems] == ["decision"]
    problems = event_problems("information-about-investigation", "decision-communicated", NOW, NOW, NOW,
                              decision="suspect-cautioned")
    assert [p["field"] for p in problems] == ["decision"]
    assert event_problems("information-about-investigation", "decision-communicated", NOW, NOW, NOW,
                          decision="case-to-court") == []
