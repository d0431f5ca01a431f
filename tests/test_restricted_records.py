"""Restricted records: a restricted person's records open only for the staff named on them. Everyone else whose
role would show the record sees "Restricted record" in lists and search, with no name, and is refused the record
itself (pages: a restricted-record page; API: 404). Every refusal is audited."""
import pytest
from sqlalchemy import select

from victimcare.extensions import db
from victimcare.models import AuditEvent, RecordRestriction, Referral
from victimcare.services import restricted
from victimcare.services.actors import Actor
from victimcare.uow import unit_of_work

from .factories import make_user
from .helpers_api import bearer, token_for
from .helpers_cases import post_case_form, recent_case

CASE_PAGES = ["", "/contacts", "/notes", "/tasks", "/steps", "/needs", "/status/accept", "/status/start",
              "/status/decline", "/status/transfer", "/status/close", "/status/reopen", "/closure", "/messages",
              "/victims-code", "/restriction"]
CASE_POSTS = ["/contacts", "/notes", "/tasks", "/steps", "/needs", "/status/accept", "/status/decline",
              "/status/transfer", "/status/close", "/closure", "/assign", "/tasks/1/done", "/victims-code"]


def restrict(by, case, *named, reason="works-here"):
    with unit_of_work():
        restricted.set_restriction(Actor.from_user(by), case.referral.person_id, reason, [u.id for u in named])


@pytest.fixture
def restricted_case(users):
    """A domestic-abuse case restricted by a caseworker, naming one advocate of the service."""
    named = make_user("advocate", service="domestic-abuse")
    case = recent_case("domestic-abuse")
    restrict(users["caseworker"], case, named)
    return case, named


def test_an_advocate_not_named_sees_restricted_record_in_the_queue_without_the_name(client, auth, users,
                                                                                      restricted_case):
    case, _ = restricted_case
    auth.login(users["advocate"])
    page = client.get("/cases/").get_data(as_text=True)
    assert "Restricted record" in page
    assert case.referral.person.family_name not in page
    assert case.referral.reference in page  # the work is still there to do; only whose it is is hidden


def test_the_named_advocate_sees_the_name_in_the_queue(client, auth, restricted_case):
    case, named = restricted_case
    auth.login(named)
    page = client.get("/cases/").get_data(as_text=True)
    assert case.referral.person.family_name in page
    assert "Restricted record" not in page


def test_an_advocate_not_named_is_refused_every_case_page_and_form(client, auth, users, restricted_case):
    case, _ = restricted_case
    auth.login(users["advocate"])
    for page in CASE_PAGES:
        response = client.get(f"/cases/{case.id}{page}")
        assert response.status_code == 403, page
        text = response.get_data(as_text=True)
        assert "Restricted record" in text, page
        assert case.referral.person.family_name not in text, page
    for page in CASE_POSTS:
        response = post_case_form(client, f"/cases/{case.id}{page}", case.id)
        assert response.status_code == 403, page
        assert case.referral.person.family_name not in response.get_data(as_text=True), page
    denied = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "permission-denied",
                                                         AuditEvent.object_type == "case")).all()
    assert len(denied) >= len(CASE_PAGES) - 1 + len(CASE_POSTS)
    assert {e.object_id for e in denied} == {str(case.id)}
    assert {(e.changes or {}).get("permission") for e in denied} == {"record.restricted"}


def test_the_named_advocate_reaches_every_case_page(client, auth, restricted_case):
    case, named = restricted_case
    auth.login(named)
    for page in CASE_PAGES[:-1]:
        response = client.get(f"/cases/{case.id}{page}")
        assert response.status_code == 200, page
    show = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert case.referral.person.family_name in show
    assert "Restricted record: the victim works here or with us." in show
    assert "You are named on it." in show


def test_other_roles_are_refused_as_before(client, auth, users, restricted_case):
    case, _ = restricted_case
    for role, status in (("other_advocate", 404), ("commissioner", 403), ("admin", 403)):
        auth.login(users[role])
        assert client.get(f"/cases/{case.id}").status_code == status, role
        assert client.get(f"/cases/{case.id}/restriction").status_code == status, role
        auth.logout()


def test_a_caseworker_not_named_sees_restricted_record_on_triage_and_is_refused_the_referral(client, auth, users):
    case = recent_case("domestic-abuse")
    db.session.get(Referral, case.referral_id).status = "triage"
    db.session.commit()
    lead = make_user("advocate", service="domestic-abuse", is_lead=True)
    restrict(lead, case)
    other_caseworker = make_user("caseworker")
    auth.login(other_caseworker)
    triage = client.get("/triage").get_data(as_text=True)
    assert "Restricted record" in triage and case.referral.person.family_name not in triage
    reference = case.referral.reference
    for url in (f"/referrals/{reference}", f"/triage/{reference}", f"/referrals/{reference}/restriction"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert case.referral.person.family_name not in response.get_data(as_text=True)
    response = client.post(f"/referrals/{reference}/routes/add", data={"add-service": "hate-crime"})
    assert response.status_code == 403


def test_a_named_caseworker_opens_the_referral(client, auth, users):
    case = recent_case("domestic-abuse")
    lead = make_user("advocate", service="domestic-abuse", is_lead=True)
    restrict(lead, case, users["caseworker"])
    auth.login(users["caseworker"])
    page = client.get(f"/referrals/{case.referral.reference}")
    assert page.status_code == 200
    assert case.referral.person.family_name in page.get_data(as_text=True)


def test_search_shows_restricted_record_to_those_not_named(client, auth, users, restricted_case):
    case, _ = restricted_case
    person = case.referral.person
    auth.login(users["caseworker"])  # named: they restricted it
    other = make_user("caseworker")
    auth.logout()
    auth.login(other)
    client.get("/referrals/new")
    client.post("/referrals/new/person", data={"given_name": person.given_name, "family_name": person.family_name,
                                               "date_of_birth-day": "17", "date_of_birth-month": "5",
                                               "date_of_birth-year": "1990"})
    page = client.get("/referrals/new/person/matches").get_data(as_text=True)
    assert "Restricted record" in page
    assert person.family_name not in page.replace(f"add {person.given_name} {person.family_name}", "")


def test_the_api_answers_not_found_to_a_token_whose_user_is_not_named(client, users, restricted_case):
    case, named = restricted_case
    outsider = bearer(token_for(users["advocate"]))
    assert client.get(f"/api/v1/cases/{case.id}", headers=outsider).status_code == 404
    assert client.post(f"/api/v1/cases/{case.id}/contacts", json={}, headers=outsider).status_code == 404
    listed = client.get("/api/v1/cases", headers=outsider).get_json()
    assert case.id not in [item["id"] for item in listed["items"]]
    assert client.get(f"/api/v1/referrals/{case.referral.reference}", headers=outsider).status_code == 404
    caseworker = bearer(token_for(make_user("caseworker")))
    assert client.get(f"/api/v1/referrals/{case.referral.reference}", headers=caseworker).status_code == 404

    insider = bearer(token_for(named))
    assert client.get(f"/api/v1/cases/{case.id}", headers=insider).status_code == 200
    assert case.id in [item["id"] for item in client.get("/api/v1/cases", headers=insider).get_json()["items"]]
    named_caseworker = bearer(token_for(users["caseworker"]))  # named: they restricted it
    assert client.get(f"/api/v1/referrals/{case.referral.reference}", headers=named_caseworker).status_code == 200


def test_a_caseworker_restricts_a_record_from_the_referral_page(client, auth, users):
    case = recent_case("domestic-abuse")
    named = make_user("advocate", service="domestic-abuse")
    auth.login(users["caseworker"])
    reference = case.referral.reference
    assert "Restrict this record" in client.get(f"/referrals/{reference}").get_data(as_text=True)
    form = client.get(f"/referrals/{reference}/restriction").get_data(as_text=True)
    assert named.name in form and users["other_advocate"].name not in form  # only those who could see it
    missing = client.post(f"/referrals/{reference}/restriction", data={})
    assert missing.status_code == 400 and "Choose why the record is restricted" in missing.get_data(as_text=True)
    response = client.post(f"/referrals/{reference}/restriction",
                           data={"reason": "perpetrator-may-have-access", "named": [str(named.id)]})
    assert response.status_code == 302
    row = db.session.get(RecordRestriction, case.referral.person_id)
    assert row.reason == "perpetrator-may-have-access"
    assert restricted.restriction_of(case.referral.person_id).named_user_ids == {named.id, users["caseworker"].id}
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "person_restriction")).one()
    assert event.changes["named_user_ids"]["after"] == sorted([named.id, users["caseworker"].id])
    assert case.referral.person.family_name not in str(event.changes)


def test_a_lead_restricts_and_lifts_from_the_case_page_and_other_advocates_may_not(client, auth, users):
    case = recent_case("domestic-abuse")
    lead = make_user("advocate", service="domestic-abuse", is_lead=True)
    auth.login(users["advocate"])
    assert "Restrict this record" not in client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert client.get(f"/cases/{case.id}/restriction").status_code == 403
    auth.logout()
    auth.login(lead)
    assert "Restrict this record" in client.get(f"/cases/{case.id}").get_data(as_text=True)
    client.post(f"/cases/{case.id}/restriction", data={"reason": "public-figure"})
    auth.logout()
    auth.login(users["advocate"])
    assert client.get(f"/cases/{case.id}").status_code == 403
    auth.logout()
    auth.login(lead)
    assert client.post(f"/cases/{case.id}/restriction/remove").status_code == 302
    auth.logout()
    auth.login(users["advocate"])
    assert client.get(f"/cases/{case.id}").status_code == 200


def test_a_person_not_named_cannot_change_the_restriction(users, restricted_case):
    from victimcare.services.errors import Forbidden

    case, _ = restricted_case
    lead = make_user("advocate", service="domestic-abuse", is_lead=True)
    with pytest.raises(restricted.RestrictedRecord):
        restrict(lead, case, lead)
    with pytest.raises(Forbidden):
        restrict(users["advocate"], case)


def test_the_queue_is_still_one_query_a_page_with_restricted_rows(client, auth, users, restricted_case):
    from .helpers_cases import count_queries

    for _ in range(3):
        restrict(users["caseworker"], recent_case("domestic-abuse"))
    auth.login(users["advocate"])
    client.get("/cases/")
    with count_queries() as queries:
        assert client.get("/cases/").status_code == 200
    for _ in range(3):
        restrict(users["caseworker"], recent_case("domestic-abuse"))
    with count_queries() as again:
        assert client.get("/cases/").status_code == 200
    assert again.count == queries.count


def test_the_search_box_shows_restricted_record_without_name_date_of_birth_or_postcode(client, auth, users,
                                                                                     restricted_case):
    case, named = restricted_case
    person = case.referral.person
    person.postcode, person.family_name = "SW9 8AB", "Fairweather"
    db.session.commit()
    for who in (users["advocate"], make_user("caseworker")):
        auth.login(who)
        for text in (person.family_name, case.referral.reference):
            page = client.get("/search", query_string={"q": text}).get_data(as_text=True)
            assert "Restricted record" in page, (who.role, text)
            assert person.family_name not in page.replace(f'value="{person.family_name}"', "")
            assert "SW9 8AB" not in page and "17 May 1990" not in page
        auth.logout()
    auth.login(named)
    page = client.get("/search", query_string={"q": person.family_name}).get_data(as_text=True)
    assert "Restricted record" not in page and "SW9 8AB" in page
