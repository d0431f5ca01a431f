"""The routing gaps, as a caseworker and a partner system meet them: a young adult with additional needs goes to
the Child House, an acute sexual assault is signposted to the Havens first, and restorative justice for stalking,
harassment, trafficking or child sexual exploitation waits for a specialist risk assessment before any meeting."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from victimcare.api import schemas
from victimcare.domain.clock import london_today
from victimcare.extensions import db
from victimcare.models import AuditEvent, Case, Referral

from .factories import make_user
from .helpers_api import CLOCK, bearer, body, token_for
from .helpers_cases import date_parts, post_case_form
from .helpers_referrals import about, choose_person, consent, find_person, offence


def submit_referral(client, *, category, flags=(), on=date(2026, 3, 2), dob=date(1991, 4, 12), rj="no"):
    """Walk the caseworker's journey and submit; returns the confirmation page's text and the referral."""
    assert find_person(client, dob=dob).status_code == 302
    assert choose_person(client, "new").status_code == 302
    assert offence(client, category=category, flags=flags, on=on).status_code == 302
    assert about(client, sex="female").status_code == 302
    assert consent(client, rj=rj, rj_consent="yes" if rj == "yes" else "").status_code == 302
    submitted = client.post("/referrals/new/check", data={})
    assert submitted.status_code == 302
    referral = db.session.scalar(select(Referral).order_by(Referral.id.desc()))
    return client.get(submitted.headers["Location"]).get_data(as_text=True), referral


def services_of(referral) -> set[str]:
    return {c.service.slug for c in db.session.scalars(select(Case).where(Case.referral_id == referral.id))}


# --- (i) Young people 18 to 25 with learning disabilities or additional needs -------------------------------------

def test_the_form_asks_about_additional_needs_and_a_young_adult_goes_to_the_child_house(client, auth, users):
    auth.login(users["caseworker"])
    page, referral = submit_referral(client, category="sexual-offence", flags=["additional-needs"],
                                     dob=date(2005, 6, 1))  # 20 at the offence
    assert "Child House" in page
    assert "learning disability or additional needs: Child House, which supports them up to 25" in page
    assert referral.additional_needs is True
    assert services_of(referral) == {"child-house"}


def test_without_additional_needs_a_young_adult_gets_general_support(client, auth, users):
    auth.login(users["caseworker"])
    page, referral = submit_referral(client, category="sexual-offence", dob=date(2005, 6, 1))
    assert services_of(referral) == {"victim-support"}
    assert "Child House" not in page


def test_the_offence_page_offers_the_additional_needs_question(client, auth, users):
    auth.login(users["caseworker"])
    find_person(client)
    choose_person(client, "new")
    page = client.get("/referrals/new/offence").get_data(as_text=True)
    assert 'value="additional-needs"' in page
    assert "learning disability or additional needs" in page


@pytest.fixture
def frozen_api_clock(monkeypatch):
    monkeypatch.setattr(schemas, "utc_now", lambda: CLOCK)


def test_the_api_takes_additional_needs_and_routes_a_young_adult_to_the_child_house(client, users, frozen_api_clock):
    payload = body(**{"offence.category": "sexual-offence", "offence.domestic_abuse": False,
                      "offence.sexual_offence": True, "offence.additional_needs": True,
                      "victim.date_of_birth": "2003-01-05", "dash": ...})
    response = client.post("/api/v1/referrals", json=payload, headers=bearer(token_for(users["caseworker"])))
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert [r["service"] for r in created["routes"]] == ["child-house"]
    assert created["routes"][0]["rule"] == "young-adult-sexual-abuse"
    shown = client.get(f"/api/v1/referrals/{created['reference']}",
                       headers=bearer(token_for(users["caseworker"]))).get_json()
    assert shown["offence"]["additional_needs"] is True


def test_the_api_refuses_a_non_boolean_additional_needs(client, users, frozen_api_clock):
    payload = body(**{"offence.additional_needs": "yes"})
    response = client.post("/api/v1/referrals", json=payload, headers=bearer(token_for(users["caseworker"])))
    assert response.status_code == 422
    assert any(e["field"] == "offence.additional_needs" for e in response.get_json()["errors"])


def test_openapi_documents_the_new_fields(client):
    document = client.get("/api/v1/openapi.json").get_json()
    text = str(document)
    assert "additional_needs" in text and "child_sexual_exploitation" in text and "Signposting" in text


# --- (ii) An acute sexual assault is signposted to the Havens first -----------------------------------------------

def test_an_acute_sexual_assault_is_signposted_to_the_havens_on_the_confirmation_and_the_case(client, auth, users):
    auth.login(users["caseworker"])
    page, referral = submit_referral(client, category="sexual-offence", on=london_today() - timedelta(days=2))
    assert "Signpost first: The Havens (sexual assault referral centre)" in page
    assert "Acute sexual assault (2 days before the referral, within 7 days)" in page
    assert "Victim support" in page  # as well as the routes, not instead of them
    assert referral.signposted_to == "sarc"
    case = db.session.scalar(select(Case).where(Case.referral_id == referral.id))
    auth.logout()
    auth.login(make_user("advocate", service="victim-support"))
    case_page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Signpost first: The Havens" in case_page
    assert "Acute sexual assault" in case_page
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "create",
                                                       AuditEvent.object_type == "referral"))
    assert event.changes["signposted_to"] == "sarc"


def test_an_older_sexual_assault_is_not_signposted(client, auth, users):
    auth.login(users["caseworker"])
    page, referral = submit_referral(client, category="sexual-offence", on=london_today() - timedelta(days=8))
    assert "Signpost first" not in page
    assert referral.signposted_to is None


def test_the_api_returns_the_signposting(client, users, frozen_api_clock):
    payload = body(**{"offence.category": "sexual-offence", "offence.domestic_abuse": False,
                      "offence.sexual_offence": True, "offence.occurred_on": "2026-12-20", "dash": ...})
    response = client.post("/api/v1/referrals", json=payload, headers=bearer(token_for(users["caseworker"])))
    assert response.status_code == 201, response.get_json()
    signposting = response.get_json()["signposting"]
    assert signposting["to"] == "sarc" and "Havens" in signposting["reason"]


# --- (iii) Restorative justice needing a specialist risk assessment -----------------------------------------------

def _step(client, case, step):
    return post_case_form(client, f"/cases/{case.id}/steps", case.id,
                          {"step": step, "occurred_on": date_parts(london_today())})


def test_rj_for_stalking_is_flagged_and_its_meetings_wait_for_the_specialist_assessment(client, auth, users):
    auth.login(users["caseworker"])
    page, referral = submit_referral(client, category="stalking-harassment", rj="yes")
    assert "Specialist risk assessment needed: stalking or harassment." in page
    case = db.session.scalar(select(Case).join(Case.service).where(Case.referral_id == referral.id,
                                                                    Case.rule == "restorative-justice"))
    assert case.specialist_risk_reason.startswith("Specialist risk assessment needed")

    auth.logout()
    auth.login(make_user("advocate", service="restorative-justice"))
    overview = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Specialist assessment needed" in overview
    for consent_step in ("rj-victim-consent", "rj-offender-consent"):
        assert _step(client, case, consent_step).status_code == 302
    refused = _step(client, case, "rj-direct-meeting")
    assert refused.status_code == 400
    assert "Record the specialist risk assessment first" in refused.get_data(as_text=True)
    assert "specialist risk assessment" in client.get(f"/cases/{case.id}/steps").get_data(as_text=True).lower()

    assert _step(client, case, "rj-specialist-risk-assessment").status_code == 302
    assert _step(client, case, "rj-direct-meeting").status_code == 302
    assert "Specialist assessment recorded" in client.get(f"/cases/{case.id}").get_data(as_text=True)


def test_rj_for_other_offences_is_not_flagged(client, auth, users):
    auth.login(users["caseworker"])
    _, referral = submit_referral(client, category="burglary", rj="yes")
    case = db.session.scalar(select(Case).where(Case.referral_id == referral.id, Case.rule == "restorative-justice"))
    assert case.specialist_risk_reason is None
    auth.logout()
    auth.login(make_user("advocate", service="restorative-justice"))
    for step in ("rj-victim-consent", "rj-offender-consent", "rj-direct-meeting"):
        assert _step(client, case, step).status_code == 302
    assert "Specialist assessment" not in client.get(f"/cases/{case.id}").get_data(as_text=True)


def test_rj_for_trafficking_through_the_api_is_flagged(client, users, frozen_api_clock):
    payload = body(**{"offence.category": "other", "offence.domestic_abuse": False, "offence.trafficking": True,
                      "restorative_justice_requested": True, "dash": ...})
    response = client.post("/api/v1/referrals", json=payload, headers=bearer(token_for(users["caseworker"])))
    assert response.status_code == 201, response.get_json()
    case = db.session.scalar(select(Case).where(Case.rule == "restorative-justice"))
    assert "trafficking" in case.specialist_risk_reason
