"""A victim withdrawing consent: their open cases held on consent close ("consent withdrawn"), no further contact
is made on them, cases held on a lawful basis continue and say why; audited; every role against the page."""
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from victimcare.domain.clock import utc_now
from victimcare.extensions import db
from victimcare.models import AuditEvent, Case, ContactAttempt, Referral
from victimcare.services import messages
from victimcare.services.messages import contact_facts

from .factories import make_user, service
from .helpers_cases import date_parts, fresh, post_case_form, recent_case

URL = "/cases/{}/consent-withdrawal"


def _second_case(case, slug, **values):
    """Another case for the same victim: a second referral of the same person, routed to ``slug``."""
    first = case.referral
    referral = Referral(reference=f"VC-X{slug[:3].upper()}{case.id:04d}", person_id=first.person_id, status="routed",
                        source="caseworker", received_at=first.received_at, offence_category="other",
                        consent_referral=values.pop("consent_referral", True),
                        lawful_basis=values.pop("lawful_basis", None))
    db.session.add(referral)
    db.session.flush()
    other = Case(referral_id=referral.id, service_id=service(slug).id, status="in-progress", rule="test",
                 route_reason="Made by a test", received_at=first.received_at,
                 first_contact_due=first.received_at.date() + timedelta(days=7), **values)
    db.session.add(other)
    db.session.commit()
    return other


def _withdraw(client, case, method="phone"):
    return post_case_form(client, URL.format(case.id), case.id, {"method": method})


def test_withdrawing_consent_closes_the_cases_held_on_it_and_keeps_the_lawful_ones(client, auth, users):
    case = recent_case("domestic-abuse", status="in-progress")
    hate = _second_case(case, "hate-crime")
    child = _second_case(case, "child-house", child_safeguarding=True)
    marac = _second_case(case, "victim-support", marac=True)
    auth.login(users["advocate"])
    page = client.get(URL.format(case.id)).get_data(as_text=True)
    assert "every open case of this victim held on their consent closes" in page
    response = _withdraw(client, case)
    assert response.status_code == 302
    assert "2 open cases closed; 2 held on a lawful basis continue" in client.get(response.headers["Location"]).get_data(as_text=True)
    for closed in (case, hate):
        closed = fresh(closed.id)
        assert (closed.status, closed.closure_reason) == ("closed", "consent-withdrawn")
        assert closed.closed_at is not None
    assert fresh(child.id).status == "in-progress" and fresh(marac.id).status == "in-progress"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "consent-withdrawn"))
    assert event.object_type == "person" and event.changes["method"] == "phone"
    assert sorted(event.changes["closed_case_ids"]) == sorted([case.id, hate.id])
    assert sorted(event.changes["continuing_case_ids"]) == sorted([child.id, marac.id])
    overview = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "This case was closed and no further contact may be made" in overview
    assert "Consent withdrawn" in overview  # the closure reason


# Noon in London (GMT): the contacts below are at 10:00 today, which before 10:00 would be in the future.
NOON = datetime(2026, 11, 18, 12, 0, tzinfo=timezone.utc)


def test_a_case_on_a_lawful_basis_says_why_it_continues(client, auth, users, time_machine):
    time_machine.move_to(NOON, tick=True)
    case = recent_case("domestic-abuse", status="in-progress", marac=True)
    auth.login(users["advocate"])
    assert _withdraw(client, case).status_code == 302
    assert fresh(case.id).status == "in-progress"
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "continues on the lawful basis of marac referral for a high-risk domestic abuse victim" in page
    # Contact may continue on it.
    response = post_case_form(client, f"/cases/{case.id}/contacts", case.id, {
        "at_date": date_parts(date.today()), "at_time": "10:00", "method": "phone", "outcome": "no-answer"})
    assert response.status_code == 302


def test_no_further_contact_is_made_on_a_closed_case(client, auth, users, time_machine):
    time_machine.move_to(NOON, tick=True)
    case = recent_case("domestic-abuse", status="in-progress")
    case.referral.person.may_text = True
    case.referral.person.phone = "+447700900123"
    db.session.commit()
    auth.login(users["advocate"])
    assert _withdraw(client, case).status_code == 302
    contacts = client.get(f"/cases/{case.id}/contacts").get_data(as_text=True)
    assert "No contact attempt can be recorded: the victim has withdrawn their consent" in contacts
    response = post_case_form(client, f"/cases/{case.id}/contacts", case.id, {
        "at_date": date_parts(date.today()), "at_time": "10:00", "method": "phone", "outcome": "no-answer"})
    assert response.status_code == 400
    assert "withdrawn their consent to support: no further contact may be made" in response.get_data(as_text=True)
    assert db.session.scalar(select(ContactAttempt)) is None
    decision = messages.decide_contact("sms", contact_facts(fresh(case.id)), utc_now())
    assert not decision.allowed and decision.rule == "consent-withdrawn"


def test_it_is_recorded_once(client, auth, users):
    case = recent_case("domestic-abuse", status="in-progress", marac=True)
    auth.login(users["advocate"])
    assert _withdraw(client, case).status_code == 302
    again = _withdraw(client, case)
    assert again.status_code == 200 and "The withdrawal is already recorded" in again.get_data(as_text=True)
    assert len(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "consent-withdrawn")).all()) == 1


def test_how_the_victim_told_us_is_asked(client, auth, users):
    case = recent_case("domestic-abuse", status="in-progress")
    auth.login(users["advocate"])
    response = post_case_form(client, URL.format(case.id), case.id, {})
    assert response.status_code == 400 and "Choose how the victim told you" in response.get_data(as_text=True)
    assert fresh(case.id).status == "in-progress"


def test_consent_withdrawn_is_not_a_reason_an_advocate_can_pick_to_close(client, auth, users):
    case = recent_case("domestic-abuse", status="in-progress")
    auth.login(users["advocate"])
    page = client.get(f"/cases/{case.id}/status/close").get_data(as_text=True)
    assert 'value="consent-withdrawn"' not in page


@pytest.mark.parametrize("role, expected", [
    ("advocate", 200), ("other_advocate", 404), ("caseworker", 403), ("commissioner", 403), ("admin", 403),
    ("dpo", 403),
])
def test_every_role_against_the_page(client, auth, users, role, expected):
    case = recent_case("domestic-abuse", status="in-progress")
    auth.login(users[role] if role in users else make_user(role))
    assert client.get(URL.format(case.id)).status_code == expected
    posted = _withdraw(client, case)
    assert posted.status_code == (302 if expected == 200 else expected)
    assert (fresh(case.id).status == "closed") == (expected == 200)


def test_signed_out_and_unknown(client, auth, users):
    case = recent_case("domestic-abuse", status="in-progress")
    response = client.get(URL.format(case.id))
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    auth.login(users["advocate"])
    assert client.get(URL.format(999999)).status_code == 404
