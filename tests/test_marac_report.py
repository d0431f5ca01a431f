"""MARAC figures in the service measures report, against a hand count, with suppression.

The hand count (domestic abuse cases in Lambeth referred to MARAC and received in January 2026, inside PERIOD;
one meeting on 2 February 2026):
  13 cases on the agenda: 12 heard (5 of them repeats by their DASH result), 1 deferred (not heard, not counted);
  actions agreed on the heard cases: 5 done on time (one on its due date), 2 done late, 1 open and past its due
  date (due, not on time), 1 open and due in the future (not yet due):
      heard 12, repeats 5, repeat rate 5/12 = 41.7% (above SafeLives' 28-40%), actions due 8, on time 5, 62.5%
Outside the period: a case received in December 2025 heard at the same meeting.
"""
from datetime import date, timedelta

from victimcare.domain.clock import london_today
from victimcare.extensions import db
from victimcare.services import marac
from victimcare.services.actors import Actor

from .helpers_marac import make_coordinator, referred_case
from .helpers_reports import PERIOD
from .test_reports_vc_complaints import NOT_SHOWN, SMALL, _report, _table

MEETING = date(2026, 2, 2)


def _hear(coordinator, meeting, case_ids):
    hearings = {}
    for row in marac.agenda(coordinator, meeting.id)[1]:
        if row.item.case_id in case_ids:
            hearings[row.item.case_id] = marac.record_hearing(
                coordinator, meeting.id, row.item.id, agencies_present=["police"], risks_discussed="r",
                victim_views="v")
    return hearings


def _action(coordinator, hearing, due_on, done_on=None):
    action = marac.add_action(coordinator, hearing.id, marac.ActionInput("police", "o", "d", due_on))
    if done_on:
        marac.mark_done(coordinator, action.id, done_on)


def hand_count_fixture():
    coordinator = Actor.from_user(make_coordinator())
    heard = [referred_case(date(2026, 1, 5 + n), repeat_reason=n < 5) for n in range(12)]
    deferred = referred_case(date(2026, 1, 20))
    december = referred_case(date(2025, 12, 10))
    meeting = marac.create_meeting(coordinator, held_on=MEETING, chair="Chair", agencies=["police"],
                                   bcu=None, borough_codes=["E09000022"])
    hearings = _hear(coordinator, meeting, {c.id for c in heard} | {december.id})
    item = next(r.item for r in marac.agenda(coordinator, meeting.id)[1] if r.item.case_id == deferred.id)
    marac.defer_item(coordinator, meeting.id, item.id, "Not ready")
    due = date(2026, 2, 16)
    for n, done in enumerate((due, due - timedelta(days=3), due, date(2026, 2, 10), date(2026, 2, 12))):
        _action(coordinator, hearings[heard[n].id], due, done)
    _action(coordinator, hearings[heard[5].id], due, due + timedelta(days=1))
    _action(coordinator, hearings[heard[6].id], due, date(2026, 3, 1))
    _action(coordinator, hearings[heard[7].id], due)
    _action(coordinator, hearings[heard[8].id], london_today() + timedelta(days=30))
    _action(coordinator, hearings[december.id], due, due)
    db.session.commit()


def test_marac_figures_agree_with_the_hand_count(client, auth, users):
    hand_count_fixture()
    html = _report(client, auth, users)
    table = _table(html, "marac")
    assert table["Domestic abuse advocacy"] == ["12", "5", "41.7%", "8", "5", "62.5%"]
    assert "SafeLives expects roughly 28-40%" in html
    assert "Domestic abuse advocacy: 41.7%, above that range." in html


def test_small_numbers_are_hidden_and_their_rates_not_shown(client, auth, users):
    coordinator = Actor.from_user(make_coordinator())
    cases = [referred_case(date(2026, 1, 5 + n), repeat_reason=n == 0) for n in range(3)]
    meeting = marac.create_meeting(coordinator, held_on=MEETING, chair="Chair", agencies=["police"], bcu=None,
                                   borough_codes=["E09000022"])
    _hear(coordinator, meeting, {c.id for c in cases})
    db.session.commit()
    row = _table(_report(client, auth, users), "marac")["Domestic abuse advocacy"]
    assert row[:3] == [SMALL, SMALL, NOT_SHOWN]


def test_the_period_and_service_filters_apply(client, auth, users):
    hand_count_fixture()
    row = _table(_report(client, auth, users, {"from": "2025-12-01", "to": "2025-12-31"}), "marac")
    assert row["Domestic abuse advocacy"][0] == SMALL  # the one December case
    row = _table(_report(client, auth, users, {"borough": "E09000012"}), "marac")  # Hackney: none
    assert row["Domestic abuse advocacy"][0] == "0"
    assert PERIOD["from"] == "2026-01-01"
