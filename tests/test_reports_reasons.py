"""Declines, transfers and caseworker overrides are published by their coded reason, never by the typed details;
the codes are asked for on screen, taken (optionally) by the API, and suppressed like every other count."""
import io
import re
from datetime import datetime, timezone

import pytest
from openpyxl import load_workbook

from victimcare.domain.case_lifecycle import MissingDetail, check_transition
from victimcare.extensions import db
from victimcare.models import RoutingDecision

from .factories import service
from .helpers_cases import fresh, recent_case
from .helpers_reports import LAMBETH, PERIOD, bearer_for, make_case, read_csv

JAN = datetime(2026, 1, 6, 11, 0, tzinfo=timezone.utc)
SECRET = "Caseload full because of SECRET-DETAIL"


def _table(html: str, table_id: str) -> tuple[list[str], dict[str, list[str]]]:
    """(column headings after the row heading, {row label: cell texts}) of one report table."""
    body = re.search(rf'<table class="govuk-table vc-report-table" id="{table_id}">(.*?)</table>', html, re.S).group(1)
    headings = [h.strip().replace("&#39;", "'") for h in re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', body)][1:]
    rows = {}
    for label, cells in re.findall(r'<th scope="row" class="govuk-table__header">([^<]*)</th>(.*?)</tr>', body, re.S):
        rows[label.replace("&#39;", "'")] = [c.strip() for c in re.findall(r'numeric[^"]*">([^<]*)</td>', cells)]
    return headings, rows


def _cell(table, row: str, column: str) -> str:
    headings, rows = table
    return rows[row][headings.index(column)]


def _declined(service_slug: str, code: str | None, count: int, status: str = "declined") -> None:
    for _ in range(count):
        case = make_case(service_slug, JAN, borough=LAMBETH, status=status)
        if status == "declined":
            case.decline_reason_code, case.decline_reason = code, SECRET
        else:
            case.transfer_reason_code = code
        db.session.commit()


def _report(client, auth, users, suffix=""):
    auth.login(users["commissioner"])
    response = client.get(f"/reports/routing-and-flow{suffix}", query_string=PERIOD)
    assert response.status_code == 200
    return response


def test_declines_are_counted_by_coded_reason_and_service_never_by_the_details(client, auth, users):
    _declined("hate-crime", "no-capacity", 6)
    _declined("domestic-abuse", "no-capacity", 5)
    _declined("hate-crime", "not-eligible", 5)
    _declined("hate-crime", None, 7)  # e.g. declined through the API without a code
    html = _report(client, auth, users).get_data(as_text=True)
    table = _table(html, "declines-by-reason")
    assert _cell(table, "The service has no capacity", "Cases declined") == "11"
    assert _cell(table, "The service has no capacity", "Hate crime advocacy") == "6"
    assert _cell(table, "The service has no capacity", "Domestic abuse advocacy") == "5"
    assert _cell(table, "Does not meet the service's criteria", "Cases declined") == "5"
    assert _cell(table, "Not recorded", "Cases declined") == "7"
    assert _cell(table, "Duplicate referral", "Cases declined") == "0"
    assert _cell(table, "Total", "Cases declined") == "23"
    assert _cell(table, "Total", "Hate crime advocacy") == "18"
    assert SECRET not in html and "never published" in html

    lines = read_csv(client.get("/reports/routing-and-flow.csv", query_string=PERIOD))
    assert any(line[:2] == ["The service has no capacity", "11"] for line in lines)
    assert not any(SECRET in cell for line in lines for cell in line)
    workbook = load_workbook(io.BytesIO(client.get("/reports/routing-and-flow.xlsx", query_string=PERIOD).data))
    sheet = next(ws for ws in workbook.worksheets if ws.title.endswith("Why services declined cases"))
    assert any(list(row[:2]) == ["The service has no capacity", 11] for row in sheet.iter_rows(values_only=True))


def test_small_transfer_reasons_are_suppressed_with_the_cell_that_would_give_them_away(client, auth, users):
    _declined("hate-crime", "victim-request", 3, status="transferred")
    _declined("hate-crime", "better-fit", 6, status="transferred")
    table = _table(_report(client, auth, users).get_data(as_text=True), "transfers-by-reason")
    assert _cell(table, "The victim asked to move", "Cases transferred") == "fewer than 5"
    assert _cell(table, "The victim asked to move", "Hate crime advocacy") == "fewer than 5"
    # 9 in total is shown, so the 6 must be hidden too or 9 - 6 would reveal the 3.
    assert _cell(table, "Total", "Cases transferred") == "9"
    for column in ("Cases transferred", "Hate crime advocacy"):
        assert not _cell(table, "Another service fits the victim's needs better", column).isdigit()
    again = _table(_report(client, auth, users).get_data(as_text=True), "transfers-by-reason")
    assert again == table  # the same cells on a second run: deterministic


def test_overrides_are_counted_by_coded_reason(client, auth, users):
    case = make_case("victim-support", JAN, borough=LAMBETH)
    hate = service("hate-crime").id
    for kind, code, count in (("override-add", "victim-choice", 5), ("override-remove", "no-consent", 5),
                              ("override-add", None, 5)):
        db.session.add_all([RoutingDecision(referral_id=case.referral_id, service_id=hate, kind=kind,
                                            rule="caseworker-override", reason=SECRET, reason_code=code)
                            for _ in range(count)])
    db.session.commit()
    html = _report(client, auth, users).get_data(as_text=True)
    table = _table(html, "overrides-by-reason")
    assert table[1]["The victim's choice"] == ["5", "5", "0"]
    assert table[1]["No consent for this service"] == ["5", "0", "5"]
    assert table[1]["Not recorded"] == ["5", "5", "0"]
    assert table[1]["Total"] == ["15", "10", "5"]
    assert _cell(_table(html, "overrides"), "Hate crime advocacy", "Overrides") == "15"
    assert SECRET not in html


def test_the_decline_and_transfer_forms_offer_the_coded_reasons(client, auth, users):
    case = recent_case(status="new")
    auth.login(users["advocate"])
    page = client.get(f"/cases/{case.id}/status/decline").get_data(as_text=True)
    assert "What is the main reason for declining?" in page and "The service has no capacity" in page
    assert "Route removed by a caseworker" not in page  # set by the app, not chosen
    page = client.get(f"/cases/{case.id}/status/transfer").get_data(as_text=True)
    assert "What is the main reason for the transfer?" in page and "The victim asked to move" in page


def test_the_api_takes_a_reason_code_when_given_and_checks_it(client, users):
    headers = bearer_for(users["advocate"])
    case = recent_case(status="new")
    bad = client.post(f"/api/v1/cases/{case.id}/transitions", headers=headers,
                      json={"to": "declined", "reason": "Full", "reason_code": "too-busy"})
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "reason_code"
    assert fresh(case.id).status == "new"
    wrong_type = client.post(f"/api/v1/cases/{case.id}/transitions", headers=headers,
                             json={"to": "declined", "reason": "Full", "reason_code": 7})
    assert wrong_type.status_code == 422
    on_accept = client.post(f"/api/v1/cases/{case.id}/transitions", headers=headers,
                            json={"to": "accepted", "reason_code": "no-capacity"})
    assert on_accept.status_code == 422 and fresh(case.id).status == "new"
    ok = client.post(f"/api/v1/cases/{case.id}/transitions", headers=headers,
                     json={"to": "declined", "reason": "Full this week", "reason_code": "no-capacity"})
    assert ok.status_code == 200 and ok.get_json()["decline_reason_code"] == "no-capacity"
    assert fresh(case.id).decline_reason_code == "no-capacity"

    other = recent_case(status="new")  # partners that send free text only are still accepted
    plain = client.post(f"/api/v1/cases/{other.id}/transitions", headers=headers,
                        json={"to": "declined", "reason": "Full this week"})
    assert plain.status_code == 200 and plain.get_json()["decline_reason_code"] is None


@pytest.mark.parametrize("target, details, message", [
    ("declined", {"reason": "x"}, "main reason for declining"),
    ("transferred", {"reason": "x", "target_service": "hate-crime"}, "main reason for transferring"),
    ("declined", {"reason": "x", "reason_code": "better-fit"}, "Unknown reason code"),
    ("declined", {"reason": "x", "reason_code": "route-removed"}, "Unknown reason code"),
    ("accepted", {"reason_code": "no-capacity"}, "only taken when declining or transferring"),
])
def test_the_lifecycle_checks_reason_codes(target, details, message):
    with pytest.raises(MissingDetail, match=message) as raised:
        check_transition("new", target, reason_code_required=True, **details)
    assert raised.value.field == "reason_code"
