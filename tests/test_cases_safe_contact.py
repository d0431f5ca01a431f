"""The case page answers "how do I reach this person safely", with the referral's facts; a contact against the
victim's wishes needs a confirmation and a reason, and shows on the timeline."""
from datetime import time, timedelta

from sqlalchemy import select

from victimcare.extensions import db
from victimcare.models import AuditEvent, ContactAttempt, RiskAssessment

from .factories import make_token
from .helpers_cases import date_parts, fresh, post_case_form, recent_case


def _victim(case, **values):
    person = case.referral.person
    for name, value in values.items():
        setattr(person, name, value)
    db.session.commit()
    return person


def _contact(client, case, method="phone", outcome="left-message", **extra):
    day = fresh(case.id).received_at.date() + timedelta(days=1)
    return post_case_form(client, f"/cases/{case.id}/contacts", case.id, {
        "at_date": date_parts(day), "at_time": "18:30", "method": method, "outcome": outcome, **extra})


def test_the_case_page_shows_each_contact_detail_with_its_rule_beside_it(client, auth, users):
    case = recent_case()
    _victim(case, phone="07700 900982", may_phone=True, may_leave_voicemail=False, email="sam@example.com",
            may_email=False, address="1 High Street\nLondon\nE1 1AA", may_write=True,
            safe_contact_from=time(18, 0), safe_contact_until=time(21, 0), first_language="Polish",
            interpreter_needed=True)
    auth.login(users["advocate"])

    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    panel = page[page.index("How to reach them safely"):page.index("About the referral")]
    assert "07700 900982" in panel
    assert "Safe to call only between 18:00 and 21:00, do not leave voicemail" in panel
    assert "sam@example.com" in panel and "Do not email" in panel
    assert "1 High Street" in panel and "Safe to write" in panel
    assert "Needed (Polish)" in panel


def test_a_child_victim_shows_who_to_go_through_and_missing_details_say_so(client, auth, users):
    from datetime import date

    case = recent_case(service_slug="child-house")
    _victim(case, date_of_birth=date.today() - timedelta(days=15 * 365), phone=None)
    auth.login(make_user_for(case))
    panel = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Parent or carer" in panel
    assert "Not recorded" in panel


def make_user_for(case):
    from .factories import make_user

    return make_user("advocate", service=case.service.slug)


def test_the_case_page_shows_the_referral_facts_and_the_dash_questions_answered_yes(client, auth, users):
    case = recent_case()
    referral = case.referral
    referral.crime_reference = "CAD1234/05Nov"
    referral.offence_date = referral.received_at.date() - timedelta(days=2)
    referral.referrer_name, referral.referrer_organisation, referral.source = "PC Ahmed", "Met Police", "partner"
    db.session.add(RiskAssessment(referral_id=referral.id, answers={"q1": "yes", "q2": "no", "q3": "yes"},
                                  yes_count=2, actuarial_level="standard", level="standard"))
    db.session.commit()
    auth.login(users["advocate"])

    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    facts = page[page.index("About the referral"):page.index(">Timeline</h2>")]
    assert "CAD1234/05Nov" in facts
    assert "Domestic abuse" in facts
    assert "Partner organisation: PC Ahmed, Met Police" in facts
    assert "2 of 24 answered yes" in facts
    assert "Injured in the current incident" in facts and "Afraid of further harm" in facts
    assert "Very frightened" not in facts


def test_the_victims_phone_number_is_shown_to_the_services_advocate_only(client, auth, users):
    case = recent_case()
    _victim(case, phone="07700 900982", may_phone=True)
    for role in ("caseworker", "other_advocate", "commissioner", "admin"):
        auth.login(users[role])
        response = client.get(f"/cases/{case.id}")
        assert response.status_code in (403, 404), role
        assert "07700 900982" not in response.get_data(as_text=True), role
        auth.logout()


def test_a_voicemail_when_the_victim_said_no_voicemail_needs_a_confirmation_and_a_reason(client, auth, users):
    case = recent_case()
    _victim(case, phone="07700 900982", may_phone=True, may_leave_voicemail=False)
    auth.login(users["advocate"])

    response = _contact(client, case)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "do not leave voicemail" in page and "confirm this contact was needed anyway" in page
    assert db.session.scalar(select(ContactAttempt).where(ContactAttempt.case_id == case.id)) is None

    response = _contact(client, case, against_wishes_confirmed="y")
    assert response.status_code == 400
    assert "Say why you contacted the victim this way" in response.get_data(as_text=True)

    response = _contact(client, case, against_wishes_confirmed="y",
                        against_wishes_reason="Court date moved to tomorrow; no other way to tell her")
    assert response.status_code == 302
    attempt = db.session.scalar(select(ContactAttempt).where(ContactAttempt.case_id == case.id))
    assert attempt.against_rule == "no-voicemail"

    timeline = client.get(f"/cases/{case.id}").get_data(as_text=True).split(">Timeline</h2>")[1]
    assert "against the victim&#39;s wishes" in timeline or "against the victim's wishes" in timeline
    assert "Court date moved to tomorrow" in timeline
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "contact_attempt"))
    assert event.changes["against_rule"] == "no-voicemail"
    assert "Court date" not in str(event.changes)  # the reason may name people: it stays on the attempt


def test_a_letter_when_the_victim_said_do_not_write_is_held_back_but_an_allowed_call_is_not(client, auth, users):
    case = recent_case()
    _victim(case, may_phone=True, may_leave_voicemail=True, may_write=False)
    auth.login(users["advocate"])
    assert _contact(client, case, method="letter", outcome="left-message").status_code == 400
    assert _contact(client, case, method="phone", outcome="left-message").status_code == 302
    assert _contact(client, case, method="in-person", outcome="reached").status_code == 302


def test_the_contacts_api_needs_the_confirmation_too(client, users):
    case = recent_case()
    _victim(case, may_phone=False)
    headers = {"Authorization": f"Bearer {make_token(users['advocate'].email)}"}
    at = (fresh(case.id).received_at + timedelta(days=1)).isoformat()
    url = f"/api/v1/cases/{case.id}/contacts"

    response = client.post(url, json={"at": at, "method": "phone", "outcome": "reached"}, headers=headers)
    assert response.status_code == 422
    assert {e["field"] for e in response.get_json()["errors"]} == {"against_wishes_confirmed",
                                                                   "against_wishes_reason"}

    response = client.post(url, json={"at": at, "method": "phone", "outcome": "reached",
                                      "against_wishes_confirmed": True,
                                      "against_wishes_reason": "Safeguarding emergency"}, headers=headers)
    assert response.status_code == 201
    assert response.get_json()["against_rule"] == "no-phone"
