"""Victims' Commissioner complaints in the service measures report: by agency and by Code right, with the agencies'
responses on time. Figures are checked against a hand count; small numbers stay hidden; the query count is fixed.

The hand count (cases received January 2026, inside PERIOD; "today" is the real London date):

Metropolitan Police, about information on the investigation (25 complaints):
  5 not yet requested;
  5 answered on time (one of them on the due date itself);
  5 answered late (one of them the day after the due date);
  5 requested and overdue (due in 2026, nothing received);
  5 requested and awaiting (due today or later).
      complaints 25, requested 20, received 10, on time 5, overdue 5, due 15, share 5/15 = 33.3%
Crown Prosecution Service, about information on the trial (5 complaints): all answered on time.
      complaints 5, requested 5, received 5, on time 5, overdue 0, due 5, share 100.0%
Outside the period: one Metropolitan Police complaint received in December 2025, answered late.
"""
import re
from datetime import date, datetime, timedelta, timezone

from victimcare.domain.clock import london_today
from victimcare.extensions import db

from .helpers_cases import count_queries
from .helpers_reports import LAMBETH, PERIOD, make_case, read_csv

JAN = datetime(2026, 1, 5, 10, 0, tzinfo=timezone.utc)
SMALL, HIDDEN, NOT_SHOWN = "fewer than 5", "hidden", "not shown"


def complaint(agency="met-police", right="information-about-investigation", requested=None, due=None, received=None,
              received_at=JAN):
    case = make_case("victims-commissioner", received_at, borough=LAMBETH)
    case.complaint_agency, case.complaint_code_right = agency, right
    case.response_requested_on, case.response_due_on, case.response_received_on = requested, due, received
    db.session.commit()
    return case


def hand_count_fixture():
    asked, due = date(2026, 1, 12), date(2026, 2, 9)  # 20 working days after Monday 12 January
    later = london_today() + timedelta(days=30)
    for _ in range(5):
        complaint()
    for received in (due, due - timedelta(days=1), date(2026, 1, 20), date(2026, 1, 30), date(2026, 2, 2)):
        complaint(requested=asked, due=due, received=received)
    for received in (due + timedelta(days=1), date(2026, 2, 20), date(2026, 3, 2), date(2026, 3, 9), date(2026, 4, 1)):
        complaint(requested=asked, due=due, received=received)
    for _ in range(5):
        complaint(requested=asked, due=due)
    for awaiting_due in (london_today(), later, later, later, later):  # due today is not overdue yet
        complaint(requested=asked, due=awaiting_due)
    for _ in range(5):
        complaint("cps", "information-about-trial", requested=asked, due=due, received=date(2026, 2, 1))
    complaint(requested=date(2025, 12, 1), due=date(2025, 12, 31), received=date(2026, 1, 20),
              received_at=datetime(2025, 12, 1, 10, tzinfo=timezone.utc))


def _table(html: str, table_id: str) -> dict[str, list[str]]:
    body = re.search(rf'<table class="govuk-table vc-report-table" id="{table_id}">(.*?)</table>', html, re.S).group(1)
    rows = {}
    for label, cells in re.findall(r'<th scope="row" class="govuk-table__header">([^<]*)</th>(.*?)</tr>', body, re.S):
        rows[label.replace("&#39;", "'")] = re.findall(r'numeric[^"]*">([^<]*)</td>', cells)
    return rows


def _report(client, auth, users, params=None) -> str:
    auth.login(users["commissioner"])
    response = client.get("/reports/service-measures", query_string={**PERIOD, **(params or {})})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_complaints_by_agency_agree_with_the_hand_count(client, auth, users):
    hand_count_fixture()
    table = _table(_report(client, auth, users), "complaints-by-agency")
    assert table["Metropolitan Police Service"] == ["25", "20", "10", "5", "5", "15", "33.3%"]
    assert table["Crown Prosecution Service"] == ["5", "5", "5", "5", "0", "5", "100.0%"]
    assert table["Probation Service"] == ["0", "0", "0", "0", "0", "0", NOT_SHOWN]
    assert table["Total"] == ["30", "25", "15", "10", "5", "20", "50.0%"]
    assert "Not recorded" not in table
    # Every agency in the list has its row, in the list's order, then the total.
    assert list(table)[0] == "Metropolitan Police Service" and list(table)[-2:] == ["Another agency", "Total"]


def test_complaints_by_code_right_agree_with_the_hand_count(client, auth, users):
    hand_count_fixture()
    table = _table(_report(client, auth, users), "complaints-by-right")
    assert table["Information about the investigation and prosecution"] == ["25", "20", "10", "5", "5", "15", "33.3%"]
    assert table["Information about the trial"] == ["5", "5", "5", "5", "0", "5", "100.0%"]
    assert table["Make a complaint"][0] == "0"
    assert table["Total"][0] == "30"


def test_complaints_with_no_agency_recorded_have_their_own_row(client, auth, users):
    for _ in range(6):
        complaint(agency=None, right=None)
    html = _report(client, auth, users)
    assert _table(html, "complaints-by-agency")["Not recorded"][:2] == ["6", "0"]
    assert _table(html, "complaints-by-right")["Not recorded"][:2] == ["6", "0"]


def test_the_other_filters_apply(client, auth, users):
    hand_count_fixture()
    html = _report(client, auth, users, {"service": "domestic-abuse"})
    assert _table(html, "complaints-by-agency")["Total"][0] == "0"
    html = _report(client, auth, users, {"from": "2025-12-01", "to": "2025-12-31"})
    # The single December complaint is a small number: hidden, with the total it would equal.
    assert _table(html, "complaints-by-agency")["Metropolitan Police Service"][0] == SMALL


def test_a_small_overdue_count_cannot_be_worked_out_from_responses_due(client, auth, users):
    asked, due = date(2026, 1, 12), date(2026, 2, 9)
    for _ in range(5):
        complaint(requested=asked, due=due, received=due)
    for _ in range(2):
        complaint(requested=asked, due=due)
    row = _table(_report(client, auth, users), "complaints-by-agency")["Metropolitan Police Service"]
    complaints, requested, received, on_time, overdue, responses_due, share = row
    assert (complaints, requested, on_time) == ("7", "7", "5")
    assert overdue == SMALL
    # received (5) + overdue (2) = due (7): with due and received both shown, overdue would be 7 - 5.
    assert received in (SMALL, HIDDEN) and responses_due in (SMALL, HIDDEN)
    assert share == NOT_SHOWN


def test_small_numbers_are_hidden_everywhere_and_no_share_is_worked_out_over_them(client, auth, users):
    asked, due = date(2026, 1, 12), date(2026, 2, 9)
    for _ in range(3):
        complaint("cps", "information-about-trial", requested=asked, due=due, received=due)
    for _ in range(6):
        complaint(requested=asked, due=due, received=date(2026, 1, 20))
    html = _report(client, auth, users)
    table = _table(html, "complaints-by-agency")
    assert table["Crown Prosecution Service"] == [SMALL, SMALL, SMALL, SMALL, "0", SMALL, NOT_SHOWN]
    assert table["Metropolitan Police Service"][0] == HIDDEN  # or 9 - 6 would give the CPS count away
    for label, row in table.items():
        assert not any(cell in ("1", "2", "3", "4") for cell in row), (label, row)
    lines = read_csv(client.get("/reports/service-measures.csv", query_string=PERIOD))
    cps = [line for line in lines if line and line[0] == "Crown Prosecution Service"]
    assert cps and all(SMALL in line for line in cps)
    assert not any(cell in ("1", "2", "3", "4") for line in lines for cell in line[1:])


def test_every_column_is_defined_with_the_working_days_setting(app, client, auth, users, monkeypatch):
    monkeypatch.setitem(app.config, "VC_RESPONSE_WORKING_DAYS", 15)
    html = _report(client, auth, users)
    section = html[html.index('id="complaints-by-agency"'):]
    section = section[:section.index("</section>")]
    for heading in ("Complaints", "Responses requested", "Responses received", "Received on time", "Overdue now",
                    "Responses due", "Share on time"):
        assert f">{heading}</" in section, heading
    assert "15 working days after the request" in section
    assert "typed as free text" not in html  # the old note: agencies were not published


def test_the_query_count_does_not_grow_with_the_number_of_complaints(client, auth, users):
    auth.login(users["commissioner"])
    hand_count_fixture()
    with count_queries() as few:
        assert client.get("/reports/service-measures", query_string=PERIOD).status_code == 200
    asked, due = date(2026, 1, 12), date(2026, 2, 9)
    for agency in ("hmcts", "probation", "cica", "other"):
        for received in (None, due, due + timedelta(days=3), None, None, date(2026, 1, 14)):
            complaint(agency, "outcome-and-appeals", requested=asked, due=due, received=received)
    with count_queries() as many:
        assert client.get("/reports/service-measures", query_string=PERIOD).status_code == 200
    assert many.count == few.count
