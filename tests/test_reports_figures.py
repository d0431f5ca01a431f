"""The compliance figures agree with a hand count (tests/helpers_reports.py), on SQLite and PostgreSQL alike,
and change when an advocate records a first contact."""
from datetime import datetime, timezone

import pytest

from victimcare.services import cases as case_service
from victimcare.services.actors import Actor

from .helpers_reports import (
    FAR_FUTURE,
    HACKNEY,
    LAMBETH,
    PERIOD,
    bearer_for,
    hand_count_fixture,
    make_case,
)

SUPPRESSED = "fewer than 5"  # a count from 1 to 4
HIDDEN = "hidden"  # hidden only so that a total cannot give a smaller count away


def _api(client, user, **params):
    response = client.get("/api/v1/reports/code-compliance", query_string={**PERIOD, **params},
                          headers=bearer_for(user))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _row(body, group):
    return next(row for row in body["rows"] if row["group"] == group)


def test_domestic_abuse_figures_match_the_hand_count(client, users):
    hand_count_fixture()
    body = _api(client, users["commissioner"], group_by="service", service="domestic-abuse")
    assert [row["group"] for row in body["rows"]] == ["domestic-abuse"]
    enhanced, standard, everyone = (_row(body, "domestic-abuse")[level] for level in ("enhanced", "standard", "all"))
    assert enhanced["received"] == 10 and enhanced["due"] == 9 and enhanced["in_time"] == 6
    assert enhanced["share_in_time"] == pytest.approx(6 / 9)
    assert enhanced["median_days"] == 2.0
    assert enhanced["overdue"] == SUPPRESSED  # one overdue case: a small number
    assert enhanced["accepted"] == 5 and enhanced["take_up"] == pytest.approx(0.5)
    assert standard["received"] == 6 and standard["due"] == 6 and standard["in_time"] == 5
    assert standard["median_days"] == 3.5  # mean of the middle two of 1, 2, 3, 4, 4, 9
    assert standard["overdue"] == 0 and standard["take_up"] == 0.0
    assert everyone["received"] == 16 and everyone["in_time"] == 11
    assert everyone["share_in_time"] == pytest.approx(11 / 15)
    assert everyone["median_days"] == 2.0  # middle of 0,1,1,1,2,2,2,2,3,4,4,4,7,9
    assert body["total"]["all"]["received"] == 16


def test_months_are_london_months_and_the_period_uses_london_dates(client, users):
    hand_count_fixture()
    body = _api(client, users["commissioner"], group_by="month", service="domestic-abuse")
    assert [row["group"] for row in body["rows"]] == ["2026-01", "2026-02", "2026-03"]
    assert [row["label"] for row in body["rows"]] == ["January 2026", "February 2026", "March 2026"]
    # The cases at 23:30 UTC on 31 December and 31 March fall on London's 31 December and 1 April: outside.
    assert _row(body, "2026-01")["all"]["received"] == 10
    assert _row(body, "2026-02")["all"]["received"] == 6
    assert _row(body, "2026-03")["all"]["received"] == 0


def test_boroughs_and_bcus(client, users):
    hand_count_fixture()
    body = _api(client, users["commissioner"], group_by="borough")
    assert len(body["rows"]) == 33
    assert _row(body, LAMBETH)["all"]["received"] == 10
    assert _row(body, HACKNEY)["all"]["received"] == 9
    assert _row(body, HACKNEY)["all"]["in_time"] == 8
    bcus = _api(client, users["commissioner"], group_by="bcu")
    assert _row(bcus, "7")["label"] == "Central South BCU (Lambeth, Southwark)" and _row(bcus, "7")["all"]["received"] == 10  # Lambeth, Southwark
    assert _row(bcus, "9")["all"]["received"] == 9  # Hackney, Tower Hamlets
    assert _row(bcus, "0")["label"] == "City of London Police"


def test_filters_by_level_borough_and_bcu(client, users):
    hand_count_fixture()
    body = _api(client, users["commissioner"], group_by="service", level="standard")
    assert set(_row(body, "domestic-abuse")) == {"group", "label", "standard"}
    # Hate crime's 3 are hidden, so domestic abuse's 6 is hidden too: the total (9) would reveal the 3. The 6
    # reads "hidden", not "fewer than 5", which would be untrue.
    assert _row(body, "hate-crime")["standard"]["received"] == SUPPRESSED
    assert _row(body, "domestic-abuse")["standard"]["received"] == HIDDEN
    assert body["total"]["standard"]["received"] == 9
    enhanced_only = _api(client, users["commissioner"], group_by="service", level="enhanced")
    assert _row(enhanced_only, "domestic-abuse")["enhanced"]["received"] == 10
    assert enhanced_only["total"]["enhanced"]["received"] == 10
    assert _api(client, users["commissioner"], borough=LAMBETH)["total"]["all"]["received"] == 10
    assert _api(client, users["commissioner"], bcu="9", service="domestic-abuse")["total"]["all"]["received"] == 6


def test_recording_a_first_contact_changes_the_figures(client, users):
    hand_count_fixture()
    received = datetime(2026, 2, 2, 10, 0, tzinfo=timezone.utc)
    waiting = make_case("domestic-abuse", received, borough=LAMBETH, enhanced=True, due=FAR_FUTURE, status="accepted")
    before = _row(_api(client, users["commissioner"], service="domestic-abuse"), "domestic-abuse")["enhanced"]
    assert (before["received"], before["due"], before["in_time"]) == (11, 9, 6)

    advocate = Actor.from_user(users["advocate"])
    case_service.record_contact(advocate, waiting.id, datetime(2026, 2, 3, 11, 0, tzinfo=timezone.utc), "phone", "reached")

    after = _row(_api(client, users["commissioner"], service="domestic-abuse"), "domestic-abuse")["enhanced"]
    assert (after["received"], after["due"], after["in_time"]) == (11, 10, 7)
    assert after["share_in_time"] == pytest.approx(0.7)
    assert after["median_days"] == 2.0  # now the middle of 0,1,1,1,2,2,2,4,7


def test_an_empty_period_reports_zeros_not_errors(client, users):
    body = _api(client, users["commissioner"], group_by="month")
    assert body["total"]["all"]["received"] == 0
    assert body["total"]["all"]["share_in_time"] is None and body["total"]["all"]["median_days"] is None
