"""The cases API: same permissions as the pages, ETags and If-Match for versions, problem+json errors."""
from datetime import datetime, timedelta, timezone

import pytest

from .factories import make_token, make_user
from .helpers_cases import fresh, recent_case


def _headers(user, **extra):
    token = make_token(user.email)
    return {"Authorization": f"Bearer {token}", **extra}


def test_list_shows_only_the_callers_service_with_the_issue_fields(client, users):
    mine = recent_case("domestic-abuse")
    recent_case("hate-crime")
    response = client.get("/api/v1/cases", headers=_headers(users["advocate"]))
    assert response.status_code == 200
    items = response.get_json()["items"]
    assert [i["id"] for i in items] == [mine.id]
    item = items[0]
    assert item["reference"] == mine.referral.reference and item["service"] == "domestic-abuse"
    assert item["status"] == "new" and item["version"] == 1 and item["first_contact_due"]
    other = client.get("/api/v1/cases?service=hate-crime", headers=_headers(users["advocate"])).get_json()
    assert other["items"] == [] and other["total"] == 0


def test_list_filters_by_status_and_overdue(client, users):
    today = datetime.now(timezone.utc).date()
    late = recent_case(first_contact_due=today - timedelta(days=3))
    fine = recent_case(first_contact_due=today + timedelta(days=3), status="accepted")
    headers = _headers(users["advocate"])
    ids = lambda q: {i["id"] for i in client.get(f"/api/v1/cases?{q}", headers=headers).get_json()["items"]}  # noqa: E731
    assert ids("overdue=true") == {late.id}
    assert ids("overdue=false") == {fine.id}
    assert ids("status=accepted") == {fine.id}
    bad = client.get("/api/v1/cases?status=lost", headers=headers)
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"
    assert bad.get_json()["errors"][0]["field"] == "status"


def test_get_case_has_an_etag_and_other_services_get_404(client, users):
    case = recent_case()
    response = client.get(f"/api/v1/cases/{case.id}", headers=_headers(users["advocate"]))
    assert response.status_code == 200 and response.headers["ETag"] == '"1"'
    assert response.get_json()["reference"] == case.referral.reference
    assert client.get(f"/api/v1/cases/{case.id}", headers=_headers(users["other_advocate"])).status_code == 404
    assert client.get("/api/v1/cases/999999", headers=_headers(users["advocate"])).status_code == 404


@pytest.mark.parametrize("role", ["caseworker", "commissioner", "admin"])
def test_roles_without_case_work_get_403_on_every_case_endpoint(client, users, role):
    case = recent_case()
    headers = _headers(users[role])
    assert client.get("/api/v1/cases", headers=headers).status_code == 403
    assert client.get(f"/api/v1/cases/{case.id}", headers=headers).status_code == 403
    assert client.post(f"/api/v1/cases/{case.id}/contacts", json={}, headers=headers).status_code == 403
    assert client.post(f"/api/v1/cases/{case.id}/transitions", json={"to": "accepted"}, headers=headers).status_code == 403


def test_record_contact_stops_the_clock_and_returns_201(client, users):
    case = recent_case(status="accepted", days_ago=4, due_in=7)
    at = (fresh(case.id).received_at + timedelta(days=1)).isoformat()
    response = client.post(f"/api/v1/cases/{case.id}/contacts", headers=_headers(users["advocate"]),
                           json={"at": at, "method": "phone", "outcome": "reached"})
    assert response.status_code == 201
    assert response.get_json()["first_contact_in_time"] is True
    assert fresh(case.id).first_contacted_at is not None


def test_contact_errors_are_422_with_a_list_and_outside_the_service_404(client, users):
    case = recent_case()
    response = client.post(f"/api/v1/cases/{case.id}/contacts", headers=_headers(users["advocate"]),
                           json={"at": "yesterday", "method": "pigeon", "outcome": "reached"})
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert {e["field"] for e in response.get_json()["errors"]} == {"at"}
    response = client.post(f"/api/v1/cases/{case.id}/contacts", headers=_headers(users["advocate"]),
                           json={"at": datetime.now(timezone.utc).isoformat(), "method": "pigeon", "outcome": "hm"})
    assert response.status_code == 422
    assert {e["field"] for e in response.get_json()["errors"]} == {"method", "outcome"}
    response = client.post(f"/api/v1/cases/{case.id}/contacts", headers=_headers(users["other_advocate"]),
                           json={"at": "yesterday"})
    assert response.status_code == 404


@pytest.mark.parametrize("raw", [b'{"at": NaN}', b'{"method": "phone", "outcome": Infinity}', b"{not json"])
def test_a_body_that_is_not_standard_json_is_400(client, users, raw):
    case = recent_case(status="accepted")
    response = client.post(f"/api/v1/cases/{case.id}/contacts", data=raw, content_type="application/json",
                           headers=_headers(users["advocate"]))
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert fresh(case.id).first_contacted_at is None


def test_transitions_with_if_match_and_illegal_moves(client, users):
    case = recent_case(status="new")
    headers = _headers(users["advocate"])
    url = f"/api/v1/cases/{case.id}/transitions"
    illegal = client.post(url, headers=headers, json={"to": "in-progress"})
    assert illegal.status_code == 409 and "Accept it first" in illegal.get_json()["detail"]
    stale = client.post(url, headers={**headers, "If-Match": '"7"'}, json={"to": "accepted"})
    assert stale.status_code == 409 and fresh(case.id).status == "new"
    accepted = client.post(url, headers={**headers, "If-Match": '"1"'}, json={"to": "accepted"})
    assert accepted.status_code == 200 and accepted.get_json()["status"] == "accepted"
    assert accepted.headers["ETag"] == f'"{fresh(case.id).version}"'
    started = client.post(url, headers=headers, json={"to": "in-progress"})  # no If-Match: accepted
    assert started.status_code == 200
    missing = client.post(url, headers=headers, json={"to": "closed"})
    assert missing.status_code == 422
    assert client.post(url, headers=_headers(users["other_advocate"]), json={"to": "closed"}).status_code == 404


def test_closing_through_the_api_needs_a_lead(client, users):
    lead = make_user("advocate", service="domestic-abuse", is_lead=True)
    case = recent_case(status="in-progress")
    url = f"/api/v1/cases/{case.id}/transitions"
    requested = client.post(url, headers=_headers(users["advocate"]), json={
        "to": "closed", "reason": "support-completed", "outcomes": {"feels-safer": "improved"}})
    assert requested.status_code == 200
    body = requested.get_json()
    assert body["status"] == "in-progress" and body["closure_requested"] is True
    assert body["outcomes"] == {"feels-safer": "improved", "better-able-to-cope": "not-asked",
                                "better-informed": "not-asked"}
    approved = client.post(url, headers=_headers(lead), json={"to": "closed"})
    assert approved.status_code == 200 and approved.get_json()["status"] == "closed"
    bad = client.post(f"/api/v1/cases/{recent_case(status='in-progress').id}/transitions",
                      headers=_headers(users["advocate"]),
                      json={"to": "closed", "reason": "support-completed", "outcomes": {"feels-safer": "great"}})
    assert bad.status_code == 422


def test_transfer_through_the_api(client, users):
    case = recent_case(status="accepted")
    response = client.post(f"/api/v1/cases/{case.id}/transitions", headers=_headers(users["advocate"]),
                           json={"to": "transferred", "reason": "Hate crime", "service": "hate-crime"})
    assert response.status_code == 200
    new_id = response.get_json()["transferred_to_case_id"]
    assert client.get(f"/api/v1/cases/{new_id}", headers=_headers(users["other_advocate"])).status_code == 200


def test_a_page_number_past_any_list_is_an_empty_page_not_an_error(client, users):
    from .factories import make_token

    token = make_token(users["advocate"].email)
    response = client.get("/api/v1/cases?page=957458980046961246208", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.get_json()["items"] == []


# --- One JSON parser, typed bodies -------------------------------------------------------------------------------

@pytest.mark.parametrize("raw", [b"[" * 50_000 + b"]" * 50_000, b'{"at": ' + b"{" * 50_000,
                                 b'{"at": NaN, "method": "phone", "outcome": "reached"}',
                                 b'{"at": Infinity}', b"{not json"])
def test_deep_or_non_standard_json_is_400_never_a_500(client, users, raw):
    case = recent_case()
    for path in ("contacts", "transitions"):
        response = client.post(f"/api/v1/cases/{case.id}/{path}", data=raw, content_type="application/json",
                               headers=_headers(users["advocate"]))
        assert response.status_code == 400, path
        assert response.mimetype == "application/problem+json"


def test_a_contact_without_a_time_zone_or_with_an_unknown_field_is_422_naming_it(client, users):
    case = recent_case(status="accepted")
    url = f"/api/v1/cases/{case.id}/contacts"
    naive = client.post(url, headers=_headers(users["advocate"]),
                        json={"at": "2026-01-05T10:00:00", "method": "phone", "outcome": "reached"})
    assert naive.status_code == 422
    assert naive.get_json()["errors"] == [
        {"field": "at", "message": "at must be an ISO 8601 date and time with a time zone"}]
    extra = client.post(url, headers=_headers(users["advocate"]),
                        json={"at": datetime.now(timezone.utc).isoformat(), "method": "phone", "outcome": "reached",
                              "mood": "fine"})
    assert extra.status_code == 422
    assert [e["field"] for e in extra.get_json()["errors"]] == ["mood"]
    assert fresh(case.id).first_contacted_at is None


def test_a_control_character_in_api_text_is_422_naming_the_field(client, users):
    case = recent_case(status="accepted")
    response = client.post(f"/api/v1/cases/{case.id}/contacts", headers=_headers(users["advocate"]),
                           json={"at": datetime.now(timezone.utc).isoformat(), "method": "phone",
                                 "outcome": "reached", "note": "Spoke\x00 to her"})
    assert response.status_code == 422
    [error] = response.get_json()["errors"]
    assert error["field"] == "note" and "control characters" in error["message"]
    # Multi-line text keeps its line breaks and tabs.
    fine = client.post(f"/api/v1/cases/{case.id}/contacts", headers=_headers(users["advocate"]),
                       json={"at": datetime.now(timezone.utc).isoformat(), "method": "phone",
                             "outcome": "reached", "note": "Spoke to her.\r\n\tShe is safe."})
    assert fine.status_code == 201
