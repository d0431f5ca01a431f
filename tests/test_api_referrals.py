"""The referrals API as a partner system meets it: auth, roles, validation, routing, idempotency, atomicity."""
import json
import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from victimcare.api import schemas
from victimcare.extensions import db
from victimcare.models import AuditEvent, IdempotencyRecord, Referral
from victimcare.services import audit, idempotency
from victimcare.services.actors import SYSTEM
from victimcare.services.users import revoke_tokens
from victimcare.uow import unit_of_work

from .factories import make_user
from .helpers_api import CLOCK, EXAMPLE_BODY, bearer, body, row_counts, token_for

URL = "/api/v1/referrals"
PROBLEM = "application/problem+json"


@pytest.fixture(autouse=True)
def _clock(monkeypatch):
    """Validation compares dates with "now": fix it just after the issue's 24 December 2026 example."""
    monkeypatch.setattr(schemas, "utc_now", lambda: CLOCK)


class _Tokens(dict):
    """A token per role of the `users` fixture, made when a test first asks for it."""

    def __init__(self, users):
        super().__init__()
        self._users = users

    def __missing__(self, role):
        self[role] = token_for(self._users[role])
        return self[role]


@pytest.fixture
def tokens(users):
    made = _Tokens(users)
    made["caseworker"]  # made up front: tests that count audit rows must not see it appear mid-count
    return made


def post(client, token, payload, **headers):
    return client.post(URL, json=payload, headers=bearer(token, **headers))


def field_errors(response) -> dict:
    assert response.mimetype == PROBLEM
    return {e["field"]: e["message"] for e in response.get_json()["errors"]}


# --- Creating a referral ----------------------------------------------------------------------------------------

def test_restorative_justice_requested_through_the_api_routes_to_the_rj_service(client, tokens):
    """Written consent is the RJ service's first stage, so a request with referral consent and no exclusion routes."""
    response = post(client, tokens["caseworker"], body(**{
        "offence.category": "burglary", "offence.domestic_abuse": False, "dash": ...,
        "restorative_justice_requested": True}))
    assert response.status_code == 201, response.get_json()
    assert "restorative-justice" in [r["service"] for r in response.get_json()["routes"]]
    excluded = post(client, tokens["caseworker"], body(restorative_justice_requested=True))  # high-risk DA
    assert "restorative-justice" not in [r["service"] for r in excluded.get_json()["routes"]]


def test_caseworker_creates_a_referral_routed_as_the_issue_describes(client, tokens):
    response = post(client, tokens["caseworker"], body())
    assert response.status_code == 201
    data = response.get_json()
    # The issue's five fields, and signposting (null unless an acute sexual assault), added by issue 17.
    assert set(data) == {"reference", "enhanced", "enhanced_reasons", "risk", "routes", "signposting"}
    assert data["signposting"] is None
    assert response.headers["Location"] == f"/api/v1/referrals/{data['reference']}"
    assert data["risk"] == {"dash_level": "high", "marac": True}
    assert data["enhanced"] is True and data["enhanced_reasons"]
    assert [r["service"] for r in data["routes"]] == ["domestic-abuse"]
    route = data["routes"][0]
    assert set(route) == {"service", "rule", "reason", "priority", "first_contact_due"}
    assert route["priority"] == "high"
    assert route["rule"] == "domestic-abuse"
    assert "MARAC" in route["reason"]
    # Received Thursday 24 December 2026, enhanced: due Wednesday 30 December 2026.
    assert route["first_contact_due"] == "2026-12-30"


def test_api_referral_is_stored_as_police_api_awaiting_triage_with_its_cases(client, tokens):
    reference = post(client, tokens["caseworker"], body()).get_json()["reference"]
    referral = db.session.scalar(select(Referral).where(Referral.reference == reference))
    assert referral.source == "police-api"
    assert referral.status == "triage"
    assert referral.offence_borough_code == "E09000012"  # Hackney, from the victim's borough
    assert referral.person.postcode == "E8 1AB"
    assert referral.crime_reference == "1234567/26"
    assert len(referral.routing_decisions) == 1


def test_standard_deadline_from_christmas_eve_is_five_working_days(client, tokens):
    payload = body(**{"offence.category": "burglary", "offence.domestic_abuse": False, "dash": ...})
    data = post(client, tokens["caseworker"], payload).get_json()
    assert data["enhanced"] is False and data["risk"] is None
    assert [(r["service"], r["rule"], r["first_contact_due"]) for r in data["routes"]] == [
        ("victim-support", "general-support", "2027-01-05")
    ]


def test_under_sixteen_sexual_offence_goes_to_the_child_house_even_without_consent(client, tokens):
    payload = body(**{
        "victim.date_of_birth": "2011-06-01", "offence.category": "sexual-offence", "offence.sexual_offence": True,
        "offence.domestic_abuse": False, "dash": ..., "consent.referral": False,
    })
    response = post(client, tokens["caseworker"], payload)
    assert response.status_code == 201
    routes = response.get_json()["routes"]
    assert [(r["service"], r["rule"], r["priority"]) for r in routes] == [
        ("child-house", "child-sexual-abuse", "high")
    ]
    assert "safeguarding" in routes[0]["reason"]


def test_hate_crime_strands_route_to_hate_crime_advocacy(client, tokens):
    payload = body(**{"offence.category": "hate-crime", "offence.domestic_abuse": False, "dash": ...,
                      "offence.hate_crime_strands": ["religion", "race"]})
    routes = post(client, tokens["caseworker"], payload).get_json()["routes"]
    assert [r["service"] for r in routes] == ["hate-crime"]
    assert "race, religion or belief" in routes[0]["reason"]


def test_adult_without_consent_is_recorded_but_not_routed(client, tokens):
    payload = body(**{"offence.category": "burglary", "offence.domestic_abuse": False, "dash": ...,
                      "consent.referral": False})
    response = post(client, tokens["caseworker"], payload)
    assert response.status_code == 201
    assert response.get_json()["routes"] == []
    assert row_counts()["cases"] == 0 and row_counts()["referrals"] == 1


@pytest.mark.parametrize("borough", ["Hackney", "hackney", "HACKNEY", "E09000012", "e09000012"])
def test_borough_is_accepted_by_name_or_ons_code_in_any_case(client, tokens, borough):
    assert post(client, tokens["caseworker"], body(**{"victim.borough": borough})).status_code == 201


def test_borough_names_with_and_or_ampersand_both_match(client, tokens):
    for name in ("Barking and Dagenham", "barking & dagenham"):
        assert post(client, tokens["caseworker"], body(**{"victim.borough": name})).status_code == 201


def test_received_at_is_optional_and_then_means_now(client, tokens, monkeypatch):
    now = datetime.now(timezone.utc)
    monkeypatch.setattr(schemas, "utc_now", lambda: now)
    payload = body(**{"received_at": ..., "offence.occurred_on": now.date().isoformat()})
    reference = post(client, tokens["caseworker"], payload).get_json()["reference"]
    referral = db.session.scalar(select(Referral).where(Referral.reference == reference))
    assert abs((referral.received_at - now).total_seconds()) < 60


def test_received_at_offset_is_converted_using_the_london_date(client, tokens):
    # 00:30 on 24 December at +01:00 is 23:30 on Wednesday 23 December in London; two working days on, skipping
    # Christmas Day (25th), the weekend and the Boxing Day substitute (28th), is Tuesday 29 December.
    payload = body(received_at="2026-12-24T00:30:00+01:00")
    route = post(client, tokens["caseworker"], payload).get_json()["routes"][0]
    assert route["first_contact_due"] == "2026-12-29"


# --- Validation: 422 with a per-field errors list ---------------------------------------------------------------

@pytest.mark.parametrize("changes, field", [
    ({"victim.borough": "Gotham"}, "victim.borough"),
    ({"victim.borough": 12}, "victim.borough"),
    ({"victim.date_of_birth": "2027-02-01"}, "victim.date_of_birth"),
    ({"victim.date_of_birth": "1899-12-31"}, "victim.date_of_birth"),
    ({"victim.date_of_birth": "2001-02-30"}, "victim.date_of_birth"),
    ({"victim.date_of_birth": "14/03/1988"}, "victim.date_of_birth"),
    ({"victim.date_of_birth": ...}, "victim.date_of_birth"),
    ({"victim.given_name": "  "}, "victim.given_name"),
    ({"victim.given_name": "A" * 101}, "victim.given_name"),
    ({"victim.family_name": "Nul\u0000byte"}, "victim.family_name"),
    ({"victim.postcode": "not a postcode"}, "victim.postcode"),
    ({"victim.phone": "call me"}, "victim.phone"),
    ({"victim.email": "nobody"}, "victim.email"),
    ({"victim.nickname": "Sammy"}, "victim.nickname"),
    ({"offence.category": "jaywalking"}, "offence.category"),
    ({"offence.hate_crime_strands": ["race", "height"]}, "offence.hate_crime_strands[1]"),
    ({"offence.hate_crime_strands": "race"}, "offence.hate_crime_strands"),
    ({"offence.domestic_abuse": "yes"}, "offence.domestic_abuse"),
    ({"offence.sexual_offence": 1}, "offence.sexual_offence"),
    ({"offence.occurred_on": "2026-12-25"}, "offence.occurred_on"),
    ({"offence.occurred_on": "1987-01-01"}, "offence.occurred_on"),
    ({"offence.crime_reference": "??"}, "offence.crime_reference"),
    ({"consent.referral": None}, "consent.referral"),
    ({"consent": "yes"}, "consent"),
    ({"victim": ...}, "victim"),
    ({"dash.yes_count": 25}, "dash.yes_count"),
    ({"dash.yes_count": 14.5}, "dash.yes_count"),
    ({"dash.yes_count": True}, "dash.yes_count"),
    ({"dash.incidents_last_12_months": -1}, "dash.incidents_last_12_months"),
    ({"dash.professional_judgement": "no"}, "dash.professional_judgement"),
    ({"received_at": "2026-12-24T10:30:00"}, "received_at"),
    ({"received_at": "2027-06-01T10:00:00Z"}, "received_at"),
    ({"received_at": "2001-06-01T10:00:00Z"}, "received_at"),
    ({"received_at": "0001-01-01T00:00:00Z"}, "received_at"),
    ({"received_at": "9999-12-31T23:59:59-12:00"}, "received_at"),
    ({"received_at": "yesterday"}, "received_at"),
    ({"code_complaint": "no"}, "code_complaint"),
    ({"restorative_justice_requested": 0}, "restorative_justice_requested"),
    ({"unexpected": True}, "unexpected"),
])
def test_invalid_fields_get_422_naming_the_field(client, tokens, changes, field):
    before = row_counts()
    response = post(client, tokens["caseworker"], body(**changes))
    assert response.status_code == 422
    errors = field_errors(response)
    assert field in errors, errors
    assert errors[field]
    assert row_counts() == before


def test_every_problem_is_reported_at_once(client, tokens):
    payload = body(**{"victim.borough": "Gotham", "victim.date_of_birth": "2030-01-01", "offence.category": "x",
                      "offence.hate_crime_strands": ["height"]})
    response = post(client, tokens["caseworker"], payload)
    problem = response.get_json()
    assert problem["status"] == 422 and problem["title"]
    assert set(field_errors(response)) >= {"victim.borough", "victim.date_of_birth", "offence.category",
                                           "offence.hate_crime_strands[0]"}


def test_dash_is_refused_for_an_offence_that_is_not_domestic_abuse(client, tokens):
    payload = body(**{"offence.category": "burglary", "offence.domestic_abuse": False})
    assert "dash" in field_errors(post(client, tokens["caseworker"], payload))


def test_professional_judgement_without_a_reason_is_accepted_with_a_standard_note(client, tokens):
    payload = body(**{"dash.yes_count": 3, "dash.professional_judgement": True})
    data = post(client, tokens["caseworker"], payload).get_json()
    assert data["risk"] == {"dash_level": "high", "marac": True}


def test_a_body_that_is_not_an_object_is_422(client, tokens):
    response = post(client, tokens["caseworker"], [EXAMPLE_BODY])
    assert response.status_code == 422
    assert "body" in field_errors(response)


@pytest.mark.parametrize("raw", [b"{not json", b"", b'{"victim": NaN}', b"\xff\xfe\x00garbage"])
def test_malformed_json_is_400_problem(client, tokens, raw):
    before = row_counts()
    response = client.post(URL, data=raw, content_type="application/json", headers=bearer(tokens["caseworker"]))
    assert response.status_code == 400
    assert response.mimetype == PROBLEM
    assert response.get_json()["status"] == 400
    assert row_counts() == before


def test_body_over_one_megabyte_is_413_problem(client, tokens):
    payload = body(**{"victim.given_name": "x" * (1024 * 1024)})
    before = row_counts()
    response = post(client, tokens["caseworker"], payload)
    assert response.status_code == 413
    assert response.mimetype == PROBLEM
    assert response.get_json()["status"] == 413
    assert row_counts() == before


# --- Who may call it ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["advocate", "other_advocate", "commissioner", "admin"])
def test_only_caseworkers_may_create_referrals(client, tokens, role):
    response = post(client, tokens[role], body())
    assert response.status_code == 403
    assert response.mimetype == PROBLEM
    assert row_counts()["referrals"] == 0


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic abc"},
                                     {"Authorization": "Bearer "}])
def test_no_token_or_a_bad_one_is_401(client, headers):
    response = client.post(URL, json=body(), headers=headers)
    assert response.status_code == 401
    assert response.mimetype == PROBLEM
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_revoked_token_is_401(client, users):
    token = token_for(users["caseworker"])
    assert post(client, token, body()).status_code == 201
    with unit_of_work():
        revoke_tokens(SYSTEM, email=users["caseworker"].email)
    assert post(client, token, body()).status_code == 401
    assert client.get(f"{URL}/VC-AAAA-2222", headers=bearer(token)).status_code == 401


# --- Reading a referral ------------------------------------------------------------------------------------------

def test_get_referral_role_matrix(client, tokens, users):
    created = post(client, tokens["caseworker"], body()).get_json()  # routed to domestic-abuse only
    location = f"{URL}/{created['reference']}"
    expected = {"caseworker": 200, "advocate": 200, "other_advocate": 404, "commissioner": 404, "admin": 404}
    for role, status in expected.items():
        response = client.get(location, headers=bearer(tokens[role]))
        assert response.status_code == status, role
        if status == 404:
            assert response.mimetype == PROBLEM
            assert created["reference"] not in response.get_data(as_text=True)
    assert client.get(location).status_code == 401


def test_get_referral_returns_the_referral_with_its_routes(client, tokens):
    created = post(client, tokens["caseworker"], body()).get_json()
    data = client.get(f"{URL}/{created['reference']}", headers=bearer(tokens["advocate"])).get_json()
    assert data["reference"] == created["reference"]
    assert data["routes"] == created["routes"]
    assert data["risk"] == created["risk"]
    assert data["source"] == "police-api" and data["status"] == "triage"
    assert data["offence"]["category"] == "domestic-abuse"
    assert data["victim"]["family_name"] == "Example"
    assert "phone" not in data["victim"] and "email" not in data["victim"]
    assert data["received_at"] == "2026-12-24T10:30:00Z"


def test_unknown_reference_looks_the_same_as_a_hidden_one(client, tokens):
    created = post(client, tokens["caseworker"], body()).get_json()
    hidden = client.get(f"{URL}/{created['reference']}", headers=bearer(tokens["other_advocate"]))
    missing = client.get(f"{URL}/VC-ZZZZ-9999", headers=bearer(tokens["other_advocate"]))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.get_json() == missing.get_json()


def test_views_and_denials_are_audited(client, tokens, users):
    reference = post(client, tokens["caseworker"], body()).get_json()["reference"]
    client.get(f"{URL}/{reference}", headers=bearer(tokens["advocate"]))
    client.get(f"{URL}/{reference}", headers=bearer(tokens["other_advocate"]))
    events = db.session.execute(select(AuditEvent.actor_user_id, AuditEvent.action, AuditEvent.object_type)).all()
    assert (users["advocate"].id, "view", "referral") in events
    assert (users["other_advocate"].id, "permission-denied", "referral") in events
    assert (users["caseworker"].id, "create", "referral") in events


# --- Idempotency -------------------------------------------------------------------------------------------------

def test_same_key_and_body_replays_the_first_response_and_creates_nothing(client, tokens):
    first = post(client, tokens["caseworker"], body(), **{"Idempotency-Key": "retry-1"})
    after_first = row_counts()
    # Key order and spacing do not matter: the body is compared as canonical JSON.
    reordered = json.dumps(dict(reversed(list(body().items()))), indent=2)
    second = client.post(URL, data=reordered, content_type="application/json",
                         headers=bearer(tokens["caseworker"], **{"Idempotency-Key": "retry-1"}))
    assert first.status_code == second.status_code == 201
    assert second.data == first.data
    assert second.headers["Location"] == first.headers["Location"]
    assert second.headers["Idempotent-Replayed"] == "true"
    assert row_counts() == after_first
    assert after_first["referrals"] == 1 and after_first["idempotency_records"] == 1


def test_same_key_with_a_different_body_is_422(client, tokens):
    post(client, tokens["caseworker"], body(), **{"Idempotency-Key": "retry-2"})
    before = row_counts()
    response = post(client, tokens["caseworker"], body(**{"victim.given_name": "Other"}),
                    **{"Idempotency-Key": "retry-2"})
    assert response.status_code == 422
    assert "Idempotency-Key" in field_errors(response)
    assert row_counts() == before


def test_a_key_is_forgotten_after_its_window_and_can_be_used_again(client, tokens, app):
    first = post(client, tokens["caseworker"], body(), **{"Idempotency-Key": "old-key"})
    hours = app.config["IDEMPOTENCY_KEY_HOURS"]
    db.session.execute(update(IdempotencyRecord).values(
        created_at=datetime.now(timezone.utc) - timedelta(hours=hours, minutes=1)))
    db.session.commit()
    again = post(client, tokens["caseworker"], body(**{"victim.given_name": "Other"}), **{"Idempotency-Key": "old-key"})
    assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers
    assert again.get_json()["reference"] != first.get_json()["reference"]
    counts = row_counts()
    assert counts["referrals"] == 2 and counts["idempotency_records"] == 1  # the expired record was purged


def test_keys_are_per_user(client, tokens):
    second_caseworker = token_for(make_user("caseworker"))
    a = post(client, tokens["caseworker"], body(), **{"Idempotency-Key": "shared"})
    b = post(client, second_caseworker, body(), **{"Idempotency-Key": "shared"})
    assert a.status_code == b.status_code == 201
    assert a.get_json()["reference"] != b.get_json()["reference"]
    assert row_counts()["referrals"] == 2


def test_without_a_key_each_post_is_a_new_referral(client, tokens):
    post(client, tokens["caseworker"], body())
    post(client, tokens["caseworker"], body())
    assert row_counts()["referrals"] == 2


def test_a_key_used_for_a_failed_request_can_be_used_again(client, tokens):
    bad = post(client, tokens["caseworker"], body(**{"victim.borough": "Gotham"}), **{"Idempotency-Key": "k3"})
    assert bad.status_code == 422
    good = post(client, tokens["caseworker"], body(), **{"Idempotency-Key": "k3"})
    assert good.status_code == 201


@pytest.mark.parametrize("key", ["", "x" * 256, "has space", "caf\u00e9"])
def test_a_malformed_idempotency_key_is_422(client, tokens, key):
    response = client.post(URL, json=body(), headers={**bearer(tokens["caseworker"]),
                                                       "Idempotency-Key": key.encode("utf-8").decode("latin-1")})
    assert response.status_code == 422
    assert "Idempotency-Key" in field_errors(response)
    assert row_counts()["referrals"] == 0


def test_a_twin_that_loses_the_race_for_the_key_replays_the_winner(client, tokens, monkeypatch):
    """The twin looked before the winner committed, then hit the unique (user, key) index."""
    first = post(client, tokens["caseworker"], body(), **{"Idempotency-Key": "race"})
    real_find = idempotency.find_reply
    calls = []

    def find_late(actor, key):
        calls.append(key)
        return None if len(calls) == 1 else real_find(actor, key)

    monkeypatch.setattr(idempotency, "find_reply", find_late)
    before = row_counts()
    second = post(client, tokens["caseworker"], body(), **{"Idempotency-Key": "race"})
    assert second.status_code == 201
    assert second.data == first.data
    assert len(calls) == 2
    assert row_counts() == before


def test_concurrent_twins_create_one_referral(app, tokens):
    """Real concurrency: several threads send the same keyed request at once."""
    results = []
    barrier = threading.Barrier(4)

    def send():
        client = app.test_client()
        barrier.wait()
        response = post(client, tokens["caseworker"], body(), **{"Idempotency-Key": "burst"})
        results.append((response.status_code, response.get_data(as_text=True)))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [status for status, _ in results] == [201] * 4
    assert len({text for _, text in results}) == 1
    counts = row_counts()
    assert counts["referrals"] == 1 and counts["idempotency_records"] == 1


# --- Nothing half-written ----------------------------------------------------------------------------------------

def test_a_failure_midway_leaves_no_rows_and_no_idempotency_record(client, tokens, monkeypatch):
    real_record = audit.record

    def fail_on_case_event(actor, action, object_type, *args, **kwargs):
        if object_type == "case":
            raise RuntimeError("simulated failure after the referral and its cases were flushed")
        return real_record(actor, action, object_type, *args, **kwargs)

    monkeypatch.setattr(audit, "record", fail_on_case_event)
    before = row_counts()
    response = post(client, tokens["caseworker"], body(), **{"Idempotency-Key": "fails-once"})
    assert response.status_code == 500
    assert response.mimetype == PROBLEM
    assert row_counts() == before
    monkeypatch.setattr(audit, "record", real_record)
    retry = post(client, tokens["caseworker"], body(), **{"Idempotency-Key": "fails-once"})
    assert retry.status_code == 201
    assert db.session.scalar(select(IdempotencyRecord.location)) == retry.headers["Location"]


def test_contact_details_are_stored_one_way_and_a_drama_number_is_accepted(client, tokens):
    payload = body(**{"victim.phone": "07700 900999", "victim.postcode": "e81ab", "victim.email": "Sam@Example.ORG"})
    reference = post(client, tokens["caseworker"], payload).get_json()["reference"]
    person = db.session.scalar(select(Referral).where(Referral.reference == reference)).person
    assert (person.phone, person.postcode, person.email) == ("+447700900999", "E8 1AB", "Sam@example.org")


@pytest.mark.parametrize("raw", [b"[" * 50_000 + b"]" * 50_000, b'{"victim": ' * 50_000,
                                 b'{"dash": {"yes_count": Infinity}}', b'{"victim": -Infinity}'])
def test_deep_or_non_standard_json_is_400_never_a_500(client, tokens, raw):
    response = client.post(URL, data=raw, content_type="application/json", headers=bearer(tokens["caseworker"]))
    assert response.status_code == 400
    assert response.mimetype == PROBLEM


def test_api_text_with_a_control_character_is_422_naming_the_field_and_keeps_line_breaks(client, tokens):
    refused = post(client, tokens["caseworker"], body(**{"victim.given_name": "Sam\x07"}))
    assert refused.status_code == 422
    assert "control characters" in field_errors(refused)["victim.given_name"]
    multi_line = body(**{"dash.professional_judgement": True,
                         "dash.professional_judgement_reason": "Threats to kill.\nWeapon in the house."})
    assert post(client, tokens["caseworker"], multi_line).status_code == 201
    single_line = post(client, tokens["caseworker"], body(**{"victim.family_name": "Exa\nmple"}))
    assert "victim.family_name" in field_errors(single_line)


def test_long_text_gets_the_plain_english_length_message(client, tokens):
    response = post(client, tokens["caseworker"], body(**{"victim.given_name": "A" * 101}))
    assert field_errors(response)["victim.given_name"] == "The given name must be 100 characters or fewer"


# --- The people around the victim (optional fields) ---------------------------------------------------------------


def test_a_domestic_abuse_referral_may_name_the_person_causing_harm_and_the_children(client, tokens):
    from victimcare.models import Perpetrator

    response = post(client, tokens["caseworker"], body(
        perpetrator={"name": "Dan Kerr", "relationship": "ex-partner", "date_of_birth": "1985-02-01",
                     "lives_with_victim": False},
        children_in_household="yes"))
    assert response.status_code == 201, response.get_json()
    perpetrator = db.session.scalar(select(Perpetrator))
    assert (perpetrator.name, perpetrator.relationship_to_victim, perpetrator.lives_with_victim) == (
        "Dan Kerr", "ex-partner", False)
    assert db.session.scalar(select(Referral)).children_in_household == "yes"
    assert post(client, tokens["caseworker"], body()).status_code == 201  # still optional


def test_the_people_around_the_victim_are_refused_where_they_do_not_apply(client, tokens):
    not_da = post(client, tokens["caseworker"], body(**{
        "offence.category": "burglary", "offence.domestic_abuse": False, "dash": ...,
        "perpetrator": {"relationship": "partner"}, "parent_carer": {"name": "Ann Example"}}))
    assert not_da.status_code == 422
    errors = field_errors(not_da)
    assert "domestic abuse only" in errors["perpetrator"]
    assert errors["parent_carer"] == "A parent or carer applies to a victim under 18 only"
    bad = post(client, tokens["caseworker"], body(perpetrator={"relationship": "landlord"}))
    assert bad.status_code == 422 and "perpetrator.relationship" in field_errors(bad)
    assert db.session.scalar(select(Referral)) is None


def test_a_child_victims_parent_or_carer_through_the_api(client, tokens):
    from victimcare.models import ParentCarer

    response = post(client, tokens["caseworker"], body(**{
        "victim.date_of_birth": "2012-05-01",
        "parent_carer": {"name": "Ann Example", "relationship": "mother", "phone": "07700 900222",
                         "safe_to_contact": False}}))
    assert response.status_code == 201, response.get_json()
    carer = db.session.scalar(select(ParentCarer))
    assert (carer.name, carer.phone, carer.safe_to_contact) == ("Ann Example", "+447700900222", False)
