"""Domestic-abuse advocates reassess DASH risk; the history is kept and a high result raises the case."""
from sqlalchemy import select

from victimcare.extensions import db
from victimcare.models import AuditEvent, Case, RiskAssessment

from .factories import make_referral_with_case, make_user


def test_a_high_reassessment_is_kept_in_the_history_and_raises_the_case(client, auth):
    advocate = make_user("advocate", service="domestic-abuse")
    case = make_referral_with_case("domestic-abuse", status="in-progress")
    auth.login(advocate)
    assert client.get(f"/cases/{case.id}/dash").status_code == 200
    response = client.post(f"/cases/{case.id}/dash", data={"yes_count": "15", "incidents": "1", "version": case.version})
    assert response.status_code == 302
    page = client.get(f"/cases/{case.id}/steps")
    assert b"DASH risk history" in page.data and b"High" in page.data
    db.session.expire_all()
    saved = db.session.get(Case, case.id)
    assert saved.priority == "high" and saved.marac
    assessment = db.session.scalar(select(RiskAssessment).where(RiskAssessment.case_id == case.id))
    assert assessment.yes_count == 15 and assessment.level == "high" and assessment.marac
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "risk_assessment"))


def test_professional_judgement_needs_a_reason(client, auth):
    advocate = make_user("advocate", service="domestic-abuse")
    case = make_referral_with_case("domestic-abuse", status="in-progress")
    auth.login(advocate)
    response = client.post(f"/cases/{case.id}/dash", data={
        "yes_count": "3", "professional_judgement": "y", "version": case.version})
    assert response.status_code == 400
    assert b"There is a problem" in response.data
    assert db.session.scalar(select(RiskAssessment)) is None


def test_only_the_domestic_abuse_service_reassesses(client, auth, users):
    case = make_referral_with_case("domestic-abuse", status="in-progress")
    hate_case = make_referral_with_case("hate-crime", status="in-progress")
    auth.login(users["other_advocate"])  # hate crime
    assert client.get(f"/cases/{case.id}/dash").status_code == 404
    assert client.post(f"/cases/{case.id}/dash", data={"yes_count": "3", "version": 1}).status_code == 404
    assert client.get(f"/cases/{hate_case.id}/dash").status_code == 404
    # Their own hate crime case has no DASH page; the refusal is on the audit trail like any other.
    refused = db.session.scalars(select(AuditEvent.object_id).where(AuditEvent.action == "permission-denied")).all()
    assert str(hate_case.id) in refused
    auth.logout()
    for role in ("caseworker", "commissioner", "admin"):
        auth.login(users[role])
        assert client.get(f"/cases/{case.id}/dash").status_code == 403, role
        auth.logout()
