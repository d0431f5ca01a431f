"""The Victims' Code rights report agrees with a hand count, suppresses small numbers, and moves when an event is
posted through the API.

The hand count (period 1 January to 31 March 2026, London dates; every first-contact due date has passed):

Domestic abuse, enhanced, Lambeth, received January (10 cases, one of them declined with nothing recorded):
  told about the Code 7; needs assessed 6 (one also referred); compensation information 5; VPS offered 2;
  police decisions on 6 cases, slowest told after 0, 1, 1 (in time: 1 working day) and 2, 3, 4 (late; the last
  case also had one decision told after 1).  told: applied 9 met 7 · referral: applied 9 met 6 ·
  investigation: applied 6 met 6 on time 3, median of 0,1,1,2,3,4 = 1.5
Domestic abuse, standard, Hackney, received February (6 cases): told 6; needs assessed 3; decisions on 5 cases
  told after 2, 3, 5, 5 (in time: 5 working days) and 6 (late).
  told: applied 6 met 6 · referral: applied 6 met 3 · investigation: applied 5 met 5 on time 4, median 5
Hate crime, standard, Hackney, received February (3 cases): all told about the Code.   (small: suppressed)
Outside the period (London dates): 31 December 2025 and 1 April 2026, both domestic abuse, both told.

Domestic abuse: cases 16 · told applied 15 met 13 · referral applied 15 met 9 · investigation applied 11 met 11
  on time 7, median of 0,1,1,2,2,3,3,4,5,5,6 = 3 · compensation 5 of 5 · VPS 2 of 2 (fewer than 5)
"""
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from victimcare.domain.code_rights_report import median_from_histogram, publish_code_rights
from victimcare.extensions import db
from victimcare.models import AuditEvent, CodeEvent

from .factories import make_user
from .helpers_reports import HACKNEY, LAMBETH, PERIOD, bearer_for, make_case

SUPPRESSED, HIDDEN = "fewer than 5", "hidden"
TOLD, REFERRAL, INVESTIGATION = "understand-and-be-understood", "referral-to-support", "information-about-investigation"


def _event(case, right, event, *, days=None, in_time=None):
    at = case.received_at + timedelta(days=3)
    db.session.add(CodeEvent(case_id=case.id, right=right, event=event, at=at,
                             decision_at=at - timedelta(days=1) if days is not None else None,
                             working_days=days, in_time=in_time))


def _case(service, received, borough, *, enhanced=False, status="in-progress", told=False, assessed=False,
          decisions=(), compensation=False, vps=False, referred=False):
    case = make_case(service, received, borough=borough, enhanced=enhanced, status=status, days=1, in_time=True)
    if told:
        _event(case, TOLD, "told-about-code")
    if assessed:
        _event(case, REFERRAL, "needs-assessed")
    if referred:
        _event(case, REFERRAL, "referred")
    if compensation:
        _event(case, "information-about-compensation", "compensation-information")
    if vps:
        _event(case, "victim-personal-statement", "vps-offered")
    for days, in_time in decisions:
        _event(case, INVESTIGATION, "decision-communicated", days=days, in_time=in_time)
    db.session.commit()
    return case


def code_rights_fixture():
    jan = datetime(2026, 1, 5, 10, 0, tzinfo=timezone.utc)
    feb = datetime(2026, 2, 9, 10, 0, tzinfo=timezone.utc)
    lambeth = [  # told, assessed, decisions, compensation, vps
        (True, True, [(0, True)], True, True),
        (True, True, [(1, True)], True, True),
        (True, True, [(1, True)], True, False),
        (True, True, [(2, False)], True, False),
        (True, True, [(3, False)], True, False),
        (True, True, [(1, True), (4, False)], False, False),
        (True, False, [], False, False),
        (False, False, [], False, False),
        (False, False, [], False, False),
    ]
    for n, (told, assessed, decisions, compensation, vps) in enumerate(lambeth):
        _case("domestic-abuse", jan, LAMBETH, enhanced=True, told=told, assessed=assessed, decisions=decisions,
              compensation=compensation, vps=vps, referred=n == 0)
    _case("domestic-abuse", jan, LAMBETH, enhanced=True, status="declined")
    hackney = [(True, [(2, True)]), (True, [(3, True)]), (True, [(5, True)]), (False, [(5, True)]),
               (False, [(6, False)]), (False, [])]
    for assessed, decisions in hackney:
        _case("domestic-abuse", feb, HACKNEY, told=True, assessed=assessed, decisions=decisions)
    for _ in range(3):
        _case("hate-crime", feb, HACKNEY, told=True)
    for outside in (datetime(2025, 12, 31, 23, 30, tzinfo=timezone.utc), datetime(2026, 3, 31, 23, 30, tzinfo=timezone.utc)):
        _case("domestic-abuse", outside, LAMBETH, told=True, decisions=[(9, False)])


def _api(client, user, **params):
    response = client.get("/api/v1/reports/code-rights", query_string={**PERIOD, **params}, headers=bearer_for(user))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _row(body, group):
    return next(row for row in body["rows"] if row["group"] == group)


def test_domestic_abuse_figures_match_the_hand_count(client, users):
    code_rights_fixture()
    body = _api(client, users["commissioner"], group_by="service", service="domestic-abuse")
    row = _row(body, "domestic-abuse")
    assert row["cases"] == 16
    assert row["rights"][TOLD] == {"applied": 15, "met": 13, "share_met": pytest.approx(13 / 15)}
    assert row["rights"][REFERRAL] == {"applied": 15, "met": 9, "share_met": pytest.approx(9 / 15)}
    investigation = row["rights"][INVESTIGATION]
    assert investigation == {"applied": 11, "met": 11, "share_met": 1.0, "in_time": 7,
                             "share_in_time": pytest.approx(7 / 11), "median_days": 3.0}
    assert row["rights"]["information-about-compensation"] == {"applied": 5, "met": 5, "share_met": 1.0}
    assert row["rights"]["victim-personal-statement"] == {"applied": SUPPRESSED, "met": SUPPRESSED, "share_met": None}
    assert row["rights"]["information-about-trial"] == {"applied": 0, "met": 0, "share_met": None}
    assert set(body["not_recorded"]) == {"crime-recorded", "information-when-reporting", "expenses-and-property",
                                         "information-about-offender"}
    assert body["total"]["cases"] == 16


def test_by_borough_the_enhanced_deadline_and_the_standard_one_are_each_applied(client, users):
    code_rights_fixture()
    body = _api(client, users["commissioner"], group_by="borough", service="domestic-abuse")
    lambeth, hackney = _row(body, LAMBETH), _row(body, HACKNEY)
    assert lambeth["cases"] == 10 and lambeth["rights"][TOLD]["applied"] == 9  # the declined case is left out
    assert lambeth["rights"][INVESTIGATION] == {"applied": 6, "met": 6, "share_met": 1.0, "in_time": SUPPRESSED,
                                                "share_in_time": None, "median_days": 1.5}
    assert hackney["rights"][INVESTIGATION]["in_time"] == SUPPRESSED  # 4 of 5 told within 5 working days
    assert hackney["rights"][INVESTIGATION]["median_days"] == 5.0
    assert hackney["rights"][REFERRAL] == {"applied": 6, "met": SUPPRESSED, "share_met": None}


def test_small_groups_are_suppressed_and_a_total_cannot_give_them_away(client, users):
    code_rights_fixture()
    body = _api(client, users["commissioner"], group_by="service")
    hate = _row(body, "hate-crime")
    assert hate["cases"] == SUPPRESSED and hate["rights"][TOLD]["applied"] == SUPPRESSED
    assert hate["rights"][TOLD]["share_met"] is None
    domestic = _row(body, "domestic-abuse")
    # One hidden cell in a column under a visible total would be recovered by subtraction: a second is hidden.
    assert domestic["cases"] == HIDDEN and domestic["rights"][TOLD]["applied"] == HIDDEN
    assert body["total"]["cases"] == 19 and body["total"]["rights"][TOLD] == {
        "applied": 18, "met": 16, "share_met": pytest.approx(16 / 18)}


def test_months_are_london_months(client, users):
    code_rights_fixture()
    body = _api(client, users["commissioner"], group_by="month", service="domestic-abuse")
    assert [row["group"] for row in body["rows"]] == ["2026-01", "2026-02", "2026-03"]
    assert _row(body, "2026-03")["cases"] == 0  # 23:30 UTC on 31 March is 1 April in London


def test_posting_an_event_through_the_api_moves_the_report(client, users):
    code_rights_fixture()
    before = _row(_api(client, users["commissioner"], group_by="borough", service="domestic-abuse"), LAMBETH)
    assert before["rights"][TOLD]["met"] == 7
    case_id = db.session.scalar(select(CodeEvent.case_id).where(CodeEvent.right == REFERRAL).order_by(CodeEvent.id.desc()))
    untold = db.session.scalars(select(CodeEvent.case_id)).all()
    from victimcare.models import Case
    target = db.session.scalar(select(Case.id).where(Case.borough_code == LAMBETH, Case.status == "in-progress",
                                                     Case.id.not_in(untold)).order_by(Case.id))
    assert case_id and target
    response = client.post(f"/api/v1/cases/{target}/code-events", headers=bearer_for(users["caseworker"]),
                           json={"right": TOLD, "event": "told-about-code", "at": "2026-01-07T10:00:00Z"})
    assert response.status_code == 201, response.get_json()
    after = _row(_api(client, users["commissioner"], group_by="borough", service="domestic-abuse"), LAMBETH)
    assert after["rights"][TOLD] == {"applied": 9, "met": 8, "share_met": pytest.approx(8 / 9)}


@pytest.mark.parametrize("role", ["caseworker", "advocate", "admin", "dpo"])
def test_only_the_commissioner_may_run_it(client, users, role):
    user = users.get(role) or make_user(role)
    response = client.get("/api/v1/reports/code-rights", query_string=PERIOD, headers=bearer_for(user))
    assert response.status_code == 403


def test_periods_snap_to_whole_months_and_bad_parameters_are_422(client, users):
    body = _api(client, users["commissioner"], **{"from": "2026-01-10", "to": "2026-03-20"})
    assert body["filters"]["from"] == "2026-01-01" and body["filters"]["to"] == "2026-03-31"
    bad = client.get("/api/v1/reports/code-rights", query_string={**PERIOD, "group_by": "bcu"},
                     headers=bearer_for(users["commissioner"]))
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "group_by"


def test_a_run_is_audited_without_figures(client, users):
    code_rights_fixture()
    _api(client, users["commissioner"], group_by="service")
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "report-run")).one()
    assert event.object_id == "code-rights" and event.changes["group_by"] == ["service"]


def test_the_report_reads_a_fixed_number_of_queries(client, users):
    from .helpers_cases import count_queries

    code_rights_fixture()
    token = bearer_for(users["commissioner"])
    client.get("/api/v1/reports/code-rights", query_string=PERIOD, headers=token)  # the token's first use is noted
    with count_queries() as few:
        client.get("/api/v1/reports/code-rights", query_string=PERIOD, headers=token)
    _case("domestic-abuse", datetime(2026, 1, 6, tzinfo=timezone.utc), LAMBETH, told=True, decisions=[(1, True)])
    with count_queries() as more:
        client.get("/api/v1/reports/code-rights", query_string=PERIOD, headers=token)
    assert more.count == few.count


@pytest.mark.parametrize("histogram, median", [
    ({}, None), ({3: 1}, 3), ({1: 1, 2: 1}, 1.5), ({0: 1, 1: 2, 2: 1, 3: 1, 4: 1}, 1.5), ({5: 4, 6: 1}, 5),
])
def test_median_from_histogram(histogram, median):
    assert median_from_histogram(histogram) == median


def test_publish_hides_the_parts_of_a_hidden_base():
    raw = {"a": {"cases": 3, f"{TOLD}:applied": 3, f"{TOLD}:met": 0}, "b": {"cases": 40, f"{TOLD}:applied": 30,
                                                                          f"{TOLD}:met": 20},
           None: {"cases": 43, f"{TOLD}:applied": 33, f"{TOLD}:met": 20}}
    rows = publish_code_rights([("a", "A"), ("b", "B")], raw)
    a, b, total = rows
    assert a["cases"] == SUPPRESSED and a[f"{TOLD}:applied"] == SUPPRESSED and a[f"{TOLD}:met"] == HIDDEN
    assert b["cases"] == HIDDEN and b[f"{TOLD}:share_met"] is None
    assert total["cases"] == 43 and total[f"{TOLD}:share_met"] == pytest.approx(20 / 33)


def test_the_page_shows_the_rights_side_by_side_with_targets_in_words(client, auth, users, app):
    code_rights_fixture()
    app.config["REPORT_TARGET_TOLD_ABOUT_CODE"] = 80
    auth.login(users["commissioner"])
    page = client.get("/reports/code-rights", query_string=PERIOD)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    # London: told 16 of 18 (88.9%) against 80%; offered a referral 9 of 18 (50.0%) against 90%.
    assert "88.9%" in text and "Target 80.0%: meets target." in text
    assert "50.0%" in text and "Target 90.0%: below target." in text
    assert "Rights expected of every case, by service: share met" in text
    assert "Rights that apply once something happens, by borough: cases met" in text
    assert "Told about the Victims&#39; Code: meets target; offered a referral to support: below target" in text
    assert "Expenses and property" in text and "fewer than 5" in text
    assert "information-about-investigation" not in text
    index = client.get("/reports/").get_data(as_text=True)
    assert 'href="/reports/code-rights"' in index


@pytest.mark.parametrize("role", ["caseworker", "advocate", "admin", "dpo"])
def test_only_the_commissioner_may_open_the_page(client, auth, users, role):
    auth.login(users.get(role) or make_user(role))
    assert client.get("/reports/code-rights").status_code == 403


def test_csv_and_xlsx_carry_the_same_suppressed_figures(client, auth, users):
    from .helpers_reports import read_csv, read_xlsx

    code_rights_fixture()
    auth.login(users["commissioner"])
    response = client.get("/reports/code-rights.csv", query_string={**PERIOD, "service": "domestic-abuse"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    lines = read_csv(response)
    assert lines[0][:5] == ["Grouped by", "Group", "Code", "Cases received", "Right"]
    investigation = next(line for line in lines if line[:2] == ["Service", "Domestic abuse advocacy"]
                         and line[4] == "Information about the investigation and prosecution")
    assert investigation[3:] == ["16", "Information about the investigation and prosecution", "11", "11", "100.0",
                                 "7", "63.6", "3.0"]
    vps = next(line for line in lines if line[:3] == ["Service", "Domestic abuse advocacy", "domestic-abuse"]
               and line[4] == "Make a Victim Personal Statement")
    assert vps[5:8] == [SUPPRESSED, SUPPRESSED, "not shown"] and vps[8:] == ["", "", ""]
    assert any(line[:2] == ["Borough", "Lambeth"] for line in lines)
    workbook = client.get("/reports/code-rights.xlsx", query_string={**PERIOD, "service": "domestic-abuse"})
    assert workbook.status_code == 200
    rows = read_xlsx(workbook, "By borough")
    assert rows[0][:5] == ["Grouped by", "Group", "Code", "Cases received", "Right"]
    exported = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all()
    assert {e.changes["format"] for e in exported} == {"csv", "xlsx"}
