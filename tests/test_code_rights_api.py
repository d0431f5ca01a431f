"""Victims' Code events through the API: who may post and read them, the 422s the issue names, and how events
move a case's rights (a police decision timed against 1 working day for enhanced victims, 5 for others)."""
from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import select

from victimcare.extensions import db
from victimcare.models import AuditEvent, CodeEvent

from .factories import make_token, make_user
from .helpers_cases import fresh, recent_case

# Friday 4 December 2026, midday in London.
NOW = datetime(2026, 12, 4, 12, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW):
        yield


def _headers(user, **extra):
    return {"Authorization": f"Bearer {make_token(user.email)}", **extra}


def _case(**values):
    values.setdefault("received_at", datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc))
    values.setdefault("first_contact_due", datetime(2026, 11, 25).date())
    from .factories import make_referral_with_case
    return make_referral_with_case(values.pop("service", "domestic-abuse"), values.pop("status", "in-progress"),
                                   **values)


def _post(client, user, case_id, **body):
    return client.post(f"/api/v1/cases/{case_id}/code-events", json=body, headers=_headers(user))


def _rights(client, user, case_id) -> dict:
    response = client.get(f"/api/v1/cases/{case_id}/code-rights", headers=_headers(user))
    assert response.status_code == 200, response.get_json()
    return {right["right"]: right for right in response.get_json()["rights"]}


def test_posting_told_about_code_meets_the_right_and_the_case_shows_it(client, users):
    case = _case()
    before = _rights(client, users["advocate"], case.id)
    assert before["understand-and-be-understood"]["status"] == "missed"  # first contact was due 25 November
    assert before["understand-and-be-understood"]["due_on"] == "2026-11-25"
    response = _post(client, users["advocate"], case.id, right="understand-and-be-understood",
                     event="told-about-code", at="2026-12-03T10:00:00Z", note="Leaflet given in person")
    assert response.status_code == 201, response.get_json()
    assert response.headers["ETag"] == '"2"' and fresh(case.id).version == 2  # a write to the case, like any other
    assert response.headers["Location"].endswith(f"/api/v1/cases/{case.id}/code-rights")
    after = _rights(client, users["advocate"], case.id)
    told = after["understand-and-be-understood"]
    assert told["status"] == "met"
    assert [(e["event"], e["at"], e["note"]) for e in told["events"]] == [
        ("told-about-code", "2026-12-03T10:00:00+00:00", "Leaflet given in person")]
    assert len(after) == 12 and after["crime-recorded"]["status"] == "not-recorded"


@pytest.mark.parametrize("enhanced, told_at, status, working_days", [
    (True, "2026-12-01T09:00:00Z", "met", 1),  # decided Monday 30 Nov, told Tuesday: within 1 working day
    (True, "2026-12-02T09:00:00Z", "met-late", 2),
    (False, "2026-12-02T09:00:00Z", "met", 2),  # standard: 5 working days
    (False, "2026-12-04T09:00:00Z", "met", 4),
])
def test_a_police_decision_is_timed_against_the_victims_deadline(client, users, enhanced, told_at, status,
                                                                  working_days):
    case = _case(enhanced=enhanced)
    response = _post(client, users["advocate"], case.id, right="information-about-investigation",
                     event="decision-communicated", at=told_at, decision_at="2026-11-30T15:00:00Z")
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["working_days"] == working_days
    assert _rights(client, users["advocate"], case.id)["information-about-investigation"]["status"] == status


def test_one_late_decision_makes_the_right_met_late(client, users):
    case = _case(enhanced=True)
    for told in ("2026-12-01T09:00:00Z", "2026-12-04T09:00:00Z"):
        assert _post(client, users["advocate"], case.id, right="information-about-investigation",
                     event="decision-communicated", at=told, decision_at="2026-11-30T15:00:00Z").status_code == 201
    right = _rights(client, users["advocate"], case.id)["information-about-investigation"]
    assert right["status"] == "met-late" and [e["in_time"] for e in right["events"]] == [True, False]


@pytest.mark.parametrize("body, field", [
    ({"right": "right-to-be-happy", "event": "told-about-code", "at": "2026-12-03T10:00:00Z"}, "right"),
    ({"right": "make-a-complaint", "event": "waved", "at": "2026-12-03T10:00:00Z"}, "event"),
    ({"right": "make-a-complaint", "event": "told-about-code", "at": "2026-12-03T10:00:00Z"}, "event"),
    ({"right": "information-about-investigation", "event": "decision-communicated",
      "at": "2026-12-03T10:00:00Z"}, "decision_at"),
    ({"right": "information-about-investigation", "event": "decision-communicated",
      "at": "2026-12-01T10:00:00Z", "decision_at": "2026-12-02T10:00:00Z"}, "decision_at"),
    ({"right": "make-a-complaint", "event": "complaint-information", "at": "2026-12-05T10:00:00Z"}, "at"),
    ({"right": "make-a-complaint", "event": "complaint-information", "at": "2026-12-03"}, "at"),
    ({"right": "make-a-complaint", "event": "complaint-information", "at": "2026-12-03T10:00:00"}, "at"),
    ({"right": "make-a-complaint", "event": "complaint-information", "at": "2026-12-03T10:00:00Z",
      "outcome": "happy"}, "outcome"),
    ({"event": "complaint-information", "at": "2026-12-03T10:00:00Z"}, "right"),
    ({"right": "information-about-investigation", "event": "decision-communicated", "at": "2026-12-03T10:00:00Z",
      "decision_at": "2026-12-02T10:00:00Z", "decision": "suspect-cautioned"}, "decision"),
    ({"right": "information-about-investigation", "event": "decision-communicated", "at": "2026-12-03T10:00:00Z",
      "decision_at": "2026-12-02T10:00:00Z", "decision": 7}, "decision"),
    ({"right": "make-a-complaint", "event": "complaint-information", "at": "2026-12-03T10:00:00Z",
      "decision": "suspect-charged"}, "decision"),
])
def test_bad_events_are_422_problem_documents_and_record_nothing(client, users, body, field):
    case = _case()
    response = client.post(f"/api/v1/cases/{case.id}/code-events", json=body, headers=_headers(users["advocate"]))
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert field in {error["field"] for error in response.get_json()["errors"]}
    assert db.session.scalar(select(CodeEvent.id)) is None
    assert fresh(case.id).version == 1


GOOD = {"right": "make-a-complaint", "event": "complaint-information", "at": "2026-12-03T10:00:00Z"}


def test_caseworkers_post_on_any_case_advocates_only_on_their_services(client, users):
    case = _case(service="hate-crime")
    assert _post(client, users["advocate"], case.id, **GOOD).status_code == 404  # a domestic-abuse advocate
    assert client.get(f"/api/v1/cases/{case.id}/code-rights", headers=_headers(users["advocate"])).status_code == 404
    assert _post(client, users["other_advocate"], case.id, **GOOD).status_code == 201
    assert _post(client, users["caseworker"], case.id, **GOOD).status_code == 201
    assert _rights(client, users["caseworker"], case.id)["make-a-complaint"]["status"] == "met"
    # Outside the caller's scope a bad body is still 404: the case's existence is not revealed.
    assert _post(client, users["advocate"], case.id, right="x").status_code == 404
    assert _post(client, users["advocate"], 999999, **GOOD).status_code == 404


@pytest.mark.parametrize("role", ["commissioner", "admin", "dpo"])
def test_roles_without_case_data_get_403(client, users, role):
    user = users.get(role) or make_user(role)
    case = _case()
    assert _post(client, user, case.id, **GOOD).status_code == 403
    assert client.get(f"/api/v1/cases/{case.id}/code-rights", headers=_headers(user)).status_code == 403
    assert db.session.scalar(select(CodeEvent.id)) is None


def test_read_only_tokens_may_read_but_not_post(client, users, runner):
    case = _case()
    result = runner.invoke(args=["token", "create", users["advocate"].email, "--read-only"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    headers = {"Authorization": f"Bearer {token}"}
    response = client.post(f"/api/v1/cases/{case.id}/code-events", json=GOOD, headers=headers)
    assert response.status_code == 403 and "read-only" in response.get_json()["detail"]
    assert client.get(f"/api/v1/cases/{case.id}/code-rights", headers=headers).status_code == 200


def test_a_stale_if_match_is_409(client, users):
    case = _case()
    response = client.post(f"/api/v1/cases/{case.id}/code-events", json=GOOD,
                           headers=_headers(users["advocate"], **{"If-Match": '"7"'}))
    assert response.status_code == 409
    assert db.session.scalar(select(CodeEvent.id)) is None


def test_the_audit_names_the_right_and_event_but_never_the_note(client, users):
    case = _case(enhanced=True)
    _post(client, users["advocate"], case.id, right="information-about-investigation", event="decision-communicated",
          at="2026-12-02T09:00:00Z", decision_at="2026-11-30T15:00:00Z", note="Told by phone; she was relieved")
    db.session.expire_all()
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "code_event")).one()
    assert event.case_id == case.id and event.action == "create"
    assert event.changes["right"] == "information-about-investigation" and event.changes["in_time"] is False
    assert event.changes["has_note"] is True
    assert "relieved" not in str(event.changes)


def test_a_restricted_case_is_404_to_callers_not_named_on_it(client, users):
    from victimcare.services import restricted
    from victimcare.services.actors import Actor
    from victimcare.uow import unit_of_work

    named = make_user("advocate", service="domestic-abuse")
    case = _case()
    with unit_of_work():
        restricted.set_restriction(Actor.from_user(users["caseworker"]), case.referral.person_id, "works-here",
                                   [named.id])
    for outsider in (users["advocate"], make_user("caseworker")):
        assert _post(client, outsider, case.id, **GOOD).status_code == 404
        assert client.get(f"/api/v1/cases/{case.id}/code-rights", headers=_headers(outsider)).status_code == 404
    assert _post(client, named, case.id, **GOOD).status_code == 201
    assert _post(client, users["caseworker"], case.id, **GOOD).status_code == 201  # named: they restricted it
    assert db.session.query(CodeEvent).count() == 2


@pytest.mark.parametrize("decision", ["no-further-action", "suspect-arrested", "suspect-released", "suspect-bailed",
                                      "suspect-charged", "case-to-court"])
def test_a_police_decision_says_which_decision_and_the_case_shows_it(client, users, decision):
    case = _case()
    response = _post(client, users["caseworker"], case.id, right="information-about-investigation",
                     event="decision-communicated", at="2026-12-01T09:00:00Z", decision_at="2026-11-30T15:00:00Z",
                     decision=decision)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["decision"] == decision
    events = _rights(client, users["advocate"], case.id)["information-about-investigation"]["events"]
    assert [(e["decision"], e["working_days"], e["in_time"]) for e in events] == [(decision, 1, True)]
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "code_event")).one()
    assert audit.changes["decision"] == decision


def test_the_decision_stays_optional_and_the_openapi_document_lists_its_slugs(client, users):
    case = _case()
    response = _post(client, users["advocate"], case.id, right="information-about-investigation",
                     event="decision-communicated", at="2026-12-01T09:00:00Z", decision_at="2026-11-30T15:00:00Z")
    assert response.status_code == 201 and response.get_json()["decision"] is None
    schema = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]["CodeEventCreate"]
    decision = schema["properties"]["decision"]
    assert "suspect-bailed" in str(decision) and "decision" not in schema.get("required", [])
