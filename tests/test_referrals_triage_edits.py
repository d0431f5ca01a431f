"""At triage a caseworker records or changes the DASH answers and the contact details, before confirming routing."""
import json
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from victimcare.domain.dash import load_dash_questions
from victimcare.extensions import db
from victimcare.models import AuditEvent, Case, Person, Referral, RiskAssessment

from .factories import make_user
from .helpers_referrals import WESTMINSTER, date_fields, post, self_referral_data


def _text(response) -> str:
    return response.get_data(as_text=True)


def _self_referral(client, **values) -> Referral:
    assert post(client, "/self-referral", self_referral_data(**values)).status_code == 302
    return db.session.scalars(select(Referral).order_by(Referral.id.desc())).first()


def _dash(client, reference, yes=15, action="submit"):
    questions = load_dash_questions()
    data = [(f"dash_{q.id}", "yes" if n < yes else "no") for n, q in enumerate(questions)]
    data += [("professional_judgement", "no"), ("professional_judgement_reason", ""),
             ("incidents_last_12_months", ""), (action, "x")]
    return post(client, f"/triage/{reference}/domestic-abuse-risk", data)


def _triage_data(**contact):
    data = date_fields("date_of_birth", date(1990, 1, 5)) + date_fields("offence_date", date(2026, 2, 1)) + [
        ("given_name", "Sam"), ("family_name", "Lee"), ("postcode", ""), ("offence_category", "domestic-abuse"),
        ("offence_borough", WESTMINSTER), ("crime_reference", ""), ("consent_referral", "yes"),
    ]
    values = {"phone": "07700 900456", "email": "", "contact_permissions": ["may-phone"], "address": "",
              "safe_contact_notes": "", "interpreter_needed": "no", "first_language": ""}
    values.update(contact)
    for name, value in values.items():
        data += [(name, v) for v in value] if isinstance(value, list) else [(name, value)]
    return data


def test_a_caseworker_records_dash_answers_at_triage_and_routing_uses_them(client, auth, users):
    referral = _self_referral(client, what_happened="domestic-abuse", hate_strands=[])
    auth.login(users["caseworker"])
    review = _text(client.get(f"/triage/{referral.reference}"))
    assert "No DASH answers" in review and "record them before confirming" in review
    assert f'href="/triage/{referral.reference}/domestic-abuse-risk"' in review

    page = client.get(f"/triage/{referral.reference}/domestic-abuse-risk")
    assert page.status_code == 200 and "Save DASH answers" in _text(page)
    scored = _dash(client, referral.reference, yes=15, action="score")
    assert scored.status_code == 200 and "15 of 24 yes, high risk" in _text(scored)
    assert db.session.scalar(select(func.count()).select_from(RiskAssessment)) == 0  # scoring saves nothing

    saved = _dash(client, referral.reference, yes=15)
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"/triage/{referral.reference}")
    assert "DASH answers recorded: high risk" in _text(client.get(saved.headers["Location"]))
    db.session.expire_all()
    referral = db.session.get(Referral, referral.id)
    assert (referral.dash_level, referral.marac) == ("high", True)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "risk_assessment"))
    assert event.changes["at"] == "triage" and event.changes["yes_count"] == 15

    # Changing them makes a new assessment; the page starts from the last answers
    again = _text(client.get(f"/triage/{referral.reference}/domestic-abuse-risk"))
    assert len(re.findall(r'<input[^>]*name="dash_[^"]*"[^>]*value="yes"[^>]*checked', again)) == 15
    assert _dash(client, referral.reference, yes=3).status_code == 302
    db.session.expire_all()
    assert db.session.get(Referral, referral.id).dash_level == "standard"
    assert db.session.scalar(select(func.count()).select_from(RiskAssessment)) == 2

    assert _dash(client, referral.reference, yes=15).status_code == 302
    assert post(client, f"/triage/{referral.reference}", _triage_data()).status_code == 302
    case = db.session.scalar(select(Case))
    assert case.service.slug == "domestic-abuse" and case.marac and case.priority == "high"


def test_contact_details_are_corrected_at_triage(client, auth, users):
    referral = _self_referral(client, what_happened="domestic-abuse", hate_strands=[])
    auth.login(users["caseworker"])
    review = _text(client.get(f"/triage/{referral.reference}"))
    assert 'value="07700 900456"' in review  # shown as recorded, to be corrected
    response = post(client, f"/triage/{referral.reference}", _triage_data(
        phone="07700 900999", contact_permissions=["may-phone", "may-write"], address="2 Fictional Road\nLondon",
        interpreter_needed="yes", first_language="Tigrinya"))
    assert response.status_code == 302, _text(response)
    person = db.session.scalar(select(Person))
    db.session.refresh(person)
    assert (person.phone, person.may_write, person.address) == ("+447700900999", True, "2 Fictional Road\nLondon")
    assert (person.interpreter_needed, person.first_language) == (True, "Tigrinya")
    trail = json.dumps([e.changes for e in db.session.scalars(select(AuditEvent))])
    for value in ("900999", "Fictional Road", "Tigrinya"):
        assert value not in trail
    update = db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "person",
                                                        AuditEvent.action == "update"))
    assert update.changes["phone"] == {"changed": True} and "may_write" in update.changes


def test_triage_reports_every_contact_and_strand_problem_at_once(client, auth, users):
    referral = _self_referral(client, what_happened="domestic-abuse", hate_strands=[])
    auth.login(users["caseworker"])
    data = [(k, v) for k, v in _triage_data(phone="12", contact_permissions=["may-write"], address="",
                                            interpreter_needed="yes", first_language="")
            if k != "offence_category"] + [("offence_category", "hate-crime")]
    response = post(client, f"/triage/{referral.reference}", data)
    assert response.status_code == 400
    page = _text(response)
    for message in ("Enter their postal address, or untick writing to them by post",
                    "Enter the language they need an interpreter for",
                    "Select at least one strand of hostility for a hate crime"):
        assert message in page, message
    assert "phone number" in page.lower()
    assert db.session.get(Referral, referral.id).status == "triage"


def test_a_post_without_the_contact_section_leaves_the_contact_details_alone(client, auth, users):
    referral = _self_referral(client, what_happened="domestic-abuse", hate_strands=[])
    auth.login(users["caseworker"])
    data = [(k, v) for k, v in _triage_data() if k not in (
        "phone", "email", "contact_permissions", "address", "safe_contact_notes", "interpreter_needed",
        "first_language")]
    assert post(client, f"/triage/{referral.reference}", data).status_code == 302
    assert db.session.scalar(select(Person)).phone == "+447700900456"


@pytest.mark.parametrize("role", ["advocate", "other_advocate", "commissioner", "admin", "dpo"])
def test_only_caseworkers_record_dash_at_triage(client, auth, users, role):
    referral = _self_referral(client, what_happened="domestic-abuse", hate_strands=[])
    auth.login(users[role] if role in users else make_user(role))
    assert client.get(f"/triage/{referral.reference}/domestic-abuse-risk").status_code == 403
    assert _dash(client, referral.reference).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(RiskAssessment)) == 0


def test_signed_out_and_already_triaged(client, auth, users):
    referral = _self_referral(client, what_happened="domestic-abuse", hate_strands=[])
    response = client.get(f"/triage/{referral.reference}/domestic-abuse-risk")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    auth.login(users["caseworker"])
    assert client.get("/triage/VC-NONE-XXXX/domestic-abuse-risk").status_code == 404
    assert post(client, f"/triage/{referral.reference}", _triage_data()).status_code == 302
    response = client.get(f"/triage/{referral.reference}/domestic-abuse-risk")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/referrals/{referral.reference}")
    assert _dash(client, referral.reference).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(RiskAssessment)) == 0
