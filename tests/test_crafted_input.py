"""Crafted input from the security review: an open redirect after sign-in, 25-digit ids, JSON nested 50,000
deep and report periods out to the year 9999. Each gets a 400, 404 or 422 (or, for `next`, the home page)."""
from datetime import date

import pytest

from victimcare.domain.report_definitions import parse_filters

from .factories import TEST_PASSWORD, make_token, make_user
from .helpers_cases import recent_case, version_of

HUGE = "1" * 25


@pytest.mark.parametrize("target", [
    "/%09/evil.example/phish", "/%0a/evil.example", "/%0d/evil.example", "%0a", "//evil.example/phish",
    "/\\evil.example", "https://evil.example/", "/no-such-page-here", "javascript:alert(1)", "/cases/%00",
])
def test_sign_in_never_sends_anyone_off_the_app(client, users, target):
    response = client.post(f"/sign-in?next={target}",
                           data={"email": users["caseworker"].email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/home"


@pytest.mark.parametrize("target", ["/cases/", "/cases/?status=new", "/reports/code-compliance"])
def test_sign_in_returns_to_the_apps_own_pages(client, users, target):
    from .factories import TEST_PASSWORD

    response = client.post("/sign-in", query_string={"next": target},
                           data={"email": users["caseworker"].email, "password": TEST_PASSWORD})
    assert response.headers["Location"] == target


def _client_for(app, user):
    from .factories import TEST_PASSWORD

    client = app.test_client()
    client.post("/sign-in", data={"email": user.email, "password": TEST_PASSWORD})
    return client


def test_25_digit_ids_are_refused_not_500s(app, users):
    case = recent_case()
    lead = _client_for(app, make_user("advocate", service="domestic-abuse", is_lead=True))
    responses = {
        "queue assignee": lead.get(f"/cases/?assignee={HUGE}"),
        "assign": lead.post(f"/cases/{case.id}/assign", data={"assignee": HUGE, "version": version_of(case.id)}),
        "task done": lead.post(f"/cases/{case.id}/tasks/{HUGE}/done", data={"version": version_of(case.id)}),
        "case": lead.get(f"/cases/{HUGE}"),
        "page": lead.get(f"/cases/?page={HUGE}"),
    }
    admin = _client_for(app, users["admin"])
    responses["user active"] = admin.post(f"/admin/users/{HUGE}/active", data={"active": "false"})
    statuses = {name: response.status_code for name, response in responses.items()}
    assert all(status in (400, 404, 422) for status in statuses.values() if status != 200), statuses
    assert statuses["case"] == 404 and statuses["user active"] == 404 and statuses["task done"] == 404


def test_json_nested_50000_deep_is_a_400(client, users):
    case = recent_case()
    headers = {"Authorization": f"Bearer {make_token(users['advocate'].email)}", "Content-Type": "application/json"}
    deep = "[" * 50_000 + "]" * 50_000
    response = client.post(f"/api/v1/cases/{case.id}/contacts", data=deep, headers=headers)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("query", ["to=9999-12-31", "from=0001-01-01", "from=2011-12-31&to=2012-03-01",
                                   "from=2015-01-01&to=2024-01-01"])
def test_report_periods_out_of_bounds_are_400s(app, users, query):
    commissioner = _client_for(app, users["commissioner"])
    for path in ("/reports/code-compliance", "/reports/postcode-lottery", "/api/v1/reports/code-compliance"):
        headers = {"Authorization": f"Bearer {make_token(users['commissioner'].email)}"} if "api" in path else {}
        response = commissioner.get(f"{path}?{query}", headers=headers)
        assert response.status_code in (400, 422), (path, query, response.status_code)


def _parse(args, today=date(2026, 12, 6)):
    return parse_filters(args, today, frozenset(), frozenset(), frozenset())


@pytest.mark.parametrize("args, field, message", [
    ({"to": "9999-12-31"}, "to", "no later than 6 December 2027"),
    ({"from": "2011-12-31"}, "from", "1 January 2012 or later"),
    ({"to": "2011-06-30"}, "to", "1 January 2012 or later"),
    ({"from": "2020-12-05", "to": "2025-12-06"}, "from", "at most 5 years"),
])
def test_report_ranges_are_bounded(args, field, message):
    filters, errors = _parse(args)
    assert [e["field"] for e in errors] == [field]
    assert message in errors[0]["message"]
    assert date(2012, 1, 1) <= filters.date_from <= filters.date_to <= date(2027, 12, 6)


def test_the_longest_and_furthest_allowed_periods_are_accepted():
    assert _parse({"from": "2020-12-06", "to": "2025-12-06"})[1] == []
    assert _parse({"from": "2026-12-07", "to": "2027-12-06"})[1] == []
    assert _parse({"from": "2012-01-01", "to": "2016-12-31"})[1] == []
