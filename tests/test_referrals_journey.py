"""The caseworker's referral journey, page by page, ending on the confirmation page."""
import json
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select, text

from victimcare.domain.deadlines import first_contact_due
from victimcare.extensions import db
from victimcare.models import (
    AuditEvent,
    Case,
    Person,
    Referral,
    ReferralDraft,
    RiskAssessment,
    RoutingDecision,
)

from .factories import make_person
from .helpers_referrals import (
    about,
    choose_person,
    consent,
    dash,
    find_person,
    offence,
    post,
    walk_to_check,
)


def _due_text(days):
    return first_contact_due(datetime.now(timezone.utc), days).strftime("%A %-d %B %Y")


def test_domestic_abuse_journey_ends_with_routes_due_dates_and_marac(client, auth, users):
    auth.login(users["caseworker"])
    walk_to_check(client, category="domestic-abuse", dash_yes=15)
    check = client.get("/referrals/new/check")
    assert check.status_code == 200
    page = check.get_data(as_text=True)
    assert "Check your answers" in page
    assert "15 of 24 yes: High risk" in page
    assert "Refer to MARAC" in page
    assert "Maya Okafor (new person)" in page

    submitted = client.post("/referrals/new/check", data={})
    assert submitted.status_code == 302
    referral = db.session.scalar(select(Referral))
    assert submitted.headers["Location"].endswith(f"/referrals/{referral.reference}/confirmation")

    confirmation = client.get(submitted.headers["Location"]).get_data(as_text=True)
    assert referral.reference in confirmation
    assert "Domestic abuse advocacy" in confirmation
    assert "MARAC referral required" in confirmation
    assert "Visible high risk: 15 of 24" in confirmation
    assert _due_text(2) in confirmation  # domestic abuse victims have enhanced rights: 2 working days
    assert "Enhanced rights" in confirmation

    case = db.session.scalar(select(Case))
    assert case.priority == "high" and case.marac
    risk = db.session.scalar(select(RiskAssessment))
    assert risk.yes_count == 15 and risk.level == "high" and len(risk.answers) == 24
    person = db.session.get(Person, referral.person_id)
    assert (person.sex, person.ethnicity, person.may_phone) == ("female", "black-african", True)


def test_hate_crime_with_restorative_justice_routes_to_two_services(client, auth, users):
    auth.login(users["caseworker"])
    walk_to_check(client, category="criminal-damage", strands=["race", "religion"],
                  consent_kwargs={"rj": "yes", "rj_consent": "yes"})
    response = client.post("/referrals/new/check", data={}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Hate crime advocacy" in page and "Restorative justice" in page
    assert "Hate crime (race, religion or belief)" in page
    services = db.session.scalars(select(RoutingDecision.service_id)).all()
    assert len(services) == 2
    assert db.session.scalar(select(func.count()).select_from(Case)) == 2


def test_adult_without_consent_is_recorded_not_routed(client, auth, users):
    auth.login(users["caseworker"])
    walk_to_check(client, category="burglary", consent_kwargs={"agreed": "no", "lawful_basis": "none"})
    page = client.post("/referrals/new/check", data={}, follow_redirects=True).get_data(as_text=True)
    assert "Not routed to any service" in page
    assert "opted out" in page
    assert db.session.scalar(select(Referral.status)) == "not-routed"
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0


def test_standard_victim_gets_the_standard_deadline(client, auth, users):
    auth.login(users["caseworker"])
    walk_to_check(client, category="burglary")
    page = client.post("/referrals/new/check", data={}, follow_redirects=True).get_data(as_text=True)
    assert "Victim support" in page
    assert _due_text(5) in page


def test_dash_page_is_skipped_unless_domestic_abuse(client, auth, users):
    auth.login(users["caseworker"])
    find_person(client)
    choose_person(client)
    response = offence(client, category="robbery")
    assert response.headers["Location"].endswith("/referrals/new/about-the-victim")
    assert client.get("/referrals/new/domestic-abuse").status_code == 302


def test_domestic_abuse_flag_on_another_offence_asks_dash(client, auth, users):
    auth.login(users["caseworker"])
    find_person(client)
    choose_person(client)
    response = offence(client, category="criminal-damage", flags=["domestic-abuse"])
    assert response.headers["Location"].endswith("/referrals/new/domestic-abuse")


def test_jumping_ahead_goes_back_to_the_first_unanswered_page(client, auth, users):
    auth.login(users["caseworker"])
    assert client.get("/referrals/new/consent").headers["Location"].endswith("/referrals/new/person")
    assert client.get("/referrals/new/check").headers["Location"].endswith("/referrals/new/person")


def test_validation_errors_show_in_the_error_summary(client, auth, users):
    auth.login(users["caseworker"])
    find_person(client)
    choose_person(client)
    response = post(client, "/referrals/new/offence", [("offence_category", ""), ("crime_reference", "AB")])
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "govuk-error-summary" in page and "There is a problem" in page
    assert 'href="#offence_category"' in page and "Choose the kind of offence" in page
    assert 'href="#offence_date"' in page and 'id="offence_date"' in page  # the link lands on the day box
    assert "Enter a crime reference of 6 to 20 letters" in page
    assert page.startswith("<!DOCTYPE html>") and "<title>Error: " in page


def test_offence_date_in_the_future_is_refused(client, auth, users):
    auth.login(users["caseworker"])
    find_person(client)
    choose_person(client)
    response = offence(client, on=date(2099, 1, 1))
    assert response.status_code == 400
    assert "Date of the offence must be today or in the past" in response.get_data(as_text=True)


def test_professional_judgement_needs_a_reason_and_raises_the_level(client, auth, users):
    auth.login(users["caseworker"])
    find_person(client)
    choose_person(client)
    offence(client)
    missing = dash(client, yes=3, judgement="yes", reason="")
    assert missing.status_code == 400
    assert "Enter why your professional judgement puts the risk higher" in missing.get_data(as_text=True)
    scored = dash(client, yes=3, judgement="yes", reason="Recent threats with a weapon", action="score")
    assert scored.status_code == 200
    text = scored.get_data(as_text=True)
    assert "3 of 24 yes, high risk (raised by professional judgement; standard on score alone)" in text
    assert "Professional judgement: Recent threats with a weapon" in text


def test_unanswered_dash_questions_are_each_named(client, auth, users):
    auth.login(users["caseworker"])
    find_person(client)
    choose_person(client)
    offence(client)
    response = post(client, "/referrals/new/domestic-abuse", [("professional_judgement", "no")])
    assert response.status_code == 400
    assert "Answer question 1: Injured in the current incident" in response.get_data(as_text=True)


def test_consent_yes_needs_who_and_how(client, auth, users):
    auth.login(users["caseworker"])
    walk_to_check(client, category="burglary")
    response = consent(client, agreed="yes", given_by="", method="")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Enter who gave consent" in page and "Choose how consent was given" in page


def test_change_link_returns_to_check_answers(client, auth, users):
    auth.login(users["caseworker"])
    walk_to_check(client, category="burglary")
    check = client.get("/referrals/new/check").get_data(as_text=True)
    assert "/referrals/new/offence?change=1" in check
    response = offence(client, category="robbery", query="?change=1")
    assert response.headers["Location"].endswith("/referrals/new/check")
    assert "Robbery" in client.get("/referrals/new/check").get_data(as_text=True)


def test_changing_to_domestic_abuse_asks_the_dash_before_check(client, auth, users):
    auth.login(users["caseworker"])
    walk_to_check(client, category="burglary")
    response = offence(client, category="domestic-abuse", query="?change=1")
    assert response.headers["Location"].endswith("/referrals/new/domestic-abuse")


def test_likely_duplicate_is_offered_and_linking_creates_no_new_person(client, auth, users):
    existing = make_person(given_name="Jon", family_name="Smith", date_of_birth=date(1985, 7, 1), postcode="E1 6AN")
    make_person(given_name="Priya", family_name="Shah", date_of_birth=date(1985, 7, 1))  # same birthday, other name
    auth.login(users["caseworker"])
    find_person(client, given="John", family="Smith", dob=date(1985, 7, 1), postcode="")
    matches = client.get("/referrals/new/person/matches").get_data(as_text=True)
    assert "Jon Smith, born 1 July 1985" in matches
    assert "Likely match: same date of birth and a similar name." in matches
    assert "Priya" not in matches
    assert "None of these: add John Smith as a new person" in matches

    people_before = db.session.scalar(select(func.count()).select_from(Person))
    assert choose_person(client, existing.id).status_code == 302
    offence(client, category="robbery")
    about(client)
    consent(client)
    client.post("/referrals/new/check", data={})
    referral = db.session.scalar(select(Referral))
    assert referral.person_id == existing.id
    assert db.session.scalar(select(func.count()).select_from(Person)) == people_before
    # The contact preferences asked this time were saved on the existing person, and the change was audited.
    db.session.expire_all()
    assert db.session.get(Person, existing.id).phone == "+447700900123"  # stored in E.164, shown as 07700 900123
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "person", AuditEvent.action == "update"))
    assert event.changes["phone"] == {"changed": True}


def test_search_is_audited_without_the_search_terms(client, auth, users):
    auth.login(users["caseworker"])
    find_person(client, given="Maya", family="Okafor")
    client.get("/referrals/new/person/matches")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "list", AuditEvent.object_type == "person"))
    assert event is not None
    assert "Okafor" not in json.dumps(event.changes)
    assert event.changes["criteria"] == ["given_name", "family_name", "date_of_birth", "postcode"]


def test_a_person_with_a_different_birthday_is_not_a_likely_match(client, auth, users):
    make_person(given_name="Maya", family_name="Okafor", date_of_birth=date(1970, 1, 1))
    auth.login(users["caseworker"])
    find_person(client)
    page = client.get("/referrals/new/person/matches").get_data(as_text=True)
    assert "Maya Okafor, born 1 January 1970" in page
    assert "Likely match" not in page and "Possible match." in page


def test_choosing_nobody_is_an_error(client, auth, users):
    auth.login(users["caseworker"])
    find_person(client)
    client.get("/referrals/new/person/matches")
    response = post(client, "/referrals/new/person/matches", [])
    assert response.status_code == 400
    assert "Choose a person, or choose to add a new person" in response.get_data(as_text=True)


def test_a_person_id_not_offered_cannot_be_chosen(client, auth, users):
    other = make_person(given_name="Zed", family_name="Quinn")
    auth.login(users["caseworker"])
    find_person(client)
    client.get("/referrals/new/person/matches")
    assert choose_person(client, other.id).status_code == 400


def test_answers_are_kept_on_the_server_encrypted_not_in_the_cookie(client, auth, users, app):
    auth.login(users["caseworker"])
    walk_to_check(client, category="domestic-abuse")
    assert client.get_cookie("session").value.startswith("sid.")  # the cookie holds only the session's id
    with client.session_transaction() as session:
        assert "Okafor" not in json.dumps(dict(session))
        draft_id = session["referral_draft_id"]
    stored = db.session.execute(text("SELECT token_hash, answers FROM referral_drafts")).all()
    assert len(stored) == 1
    token_hash, answers = stored[0]
    assert answers.startswith("enc1:") and "Okafor" not in answers and "domestic" not in answers
    assert draft_id not in token_hash  # the table cannot give a session's draft id back
    client.post("/referrals/new/check", data={})
    assert db.session.scalar(select(func.count()).select_from(ReferralDraft)) == 0  # submitted: the draft is gone


def test_another_user_cannot_pick_up_a_draft(client, auth, users, app):
    from .factories import make_user

    auth.login(users["caseworker"])
    walk_to_check(client, category="burglary")
    with client.session_transaction() as session:
        draft_id = session["referral_draft_id"]
    auth.logout()
    other = make_user("caseworker")
    auth.login(other)
    with client.session_transaction() as session:
        session["referral_draft_id"] = draft_id
    assert client.get("/referrals/new/check").headers["Location"].endswith("/referrals/new/person")


def test_start_again_discards_the_draft(client, auth, users):
    auth.login(users["caseworker"])
    walk_to_check(client, category="burglary")
    assert "Continue your referral" in client.get("/referrals/new").get_data(as_text=True)
    client.post("/referrals/new", data={})
    assert "Start now" in client.get("/referrals/new").get_data(as_text=True)


def test_the_referral_asks_whether_texts_are_safe_and_the_messages_page_obeys_it(client, auth, users):
    """Reminders go by text only where the victim agreed: the question is asked at referral, not left to a default."""
    auth.login(users["caseworker"])
    walk_to_check(client, category="burglary", consent_kwargs={"permissions": ("may-phone", "may-text")})
    assert "Send them text messages" in client.get("/referrals/new/check").get_data(as_text=True)
    client.post("/referrals/new/check", data={}, follow_redirects=True)
    texted = db.session.scalars(select(Person)).one()
    assert texted.may_text is True and texted.may_email is False

    walk_to_check(client, category="burglary", dob=date(1985, 2, 3), consent_kwargs={"permissions": ("may-phone",)})
    client.post("/referrals/new/check", data={}, follow_redirects=True)
    not_texted = db.session.scalars(select(Person).where(Person.id != texted.id)).one()
    assert not_texted.may_text is False


def test_create_referral_itself_refuses_details_that_cannot_be_right(users):
    """Every caller (the demo seeder, a future import) meets the same rules as the forms and the API."""
    from victimcare.services import referrals as referral_service
    from victimcare.services.actors import Actor
    from victimcare.services.errors import ValidationFailed

    victim = referral_service.VictimDetails(given_name="Sam", family_name="Example", date_of_birth=date(2090, 1, 1),
                                            phone="call me", postcode="nowhere", email="nobody")
    data = referral_service.ReferralInput(source="caseworker", offence_category="burglary", victim=victim,
                                          offence_date=date(2026, 1, 2), consent_referral=True)
    with pytest.raises(ValidationFailed) as refused:
        referral_service.create_referral(Actor.from_user(users["caseworker"]), data)
    assert {e["field"] for e in refused.value.errors} == {
        "victim.date_of_birth", "victim.phone", "victim.postcode", "victim.email"}
    assert db.session.scalar(select(func.count()).select_from(Referral)) == 0


def test_check_answers_shows_contact_details_as_they_will_be_kept(client, auth, users):
    """Typed without spaces, the number is shown as people write it; it is stored in E.164."""
    auth.login(users["caseworker"])
    walk_to_check(client, category="burglary", consent_kwargs={"phone": "07700900123"})
    page = client.get("/referrals/new/check").get_data(as_text=True)
    assert "07700 900123" in page and "+447700900123" not in page
    client.post("/referrals/new/check", data={})
    assert db.session.scalar(select(Person.phone)) == "+447700900123"
