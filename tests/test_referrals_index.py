"""The referrals index: everyone's or those I logged, the last 30 days or all time; caseworkers only."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from victimcare.extensions import db
from victimcare.models import AuditEvent, Referral

from .factories import make_person


def _referral(reference, days_ago, created_by=None):
    referral = Referral(reference=reference, person_id=make_person().id, status="routed", source="caseworker",
                        received_at=datetime.now(timezone.utc) - timedelta(days=days_ago), offence_category="other",
                        created_by_id=created_by.id if created_by else None)
    db.session.add(referral)
    db.session.commit()
    return referral


def test_the_index_shows_the_last_30_days_and_all_time_on_request(client, auth, users):
    _referral("VC-RECE-NT01", 3)
    _referral("VC-OLDO-NE01", 60)
    auth.login(users["caseworker"])
    page = client.get("/referrals").get_data(as_text=True)
    assert "VC-RECE-NT01" in page and "VC-OLDO-NE01" not in page
    page = client.get("/referrals?period=all").get_data(as_text=True)
    assert "VC-RECE-NT01" in page and "VC-OLDO-NE01" in page
    assert 'aria-current="page" href="/referrals"' in page or ">Referrals<" in page


def test_logged_by_me_shows_only_mine(client, auth, users):
    _referral("VC-MINE-0001", 1, created_by=users["caseworker"])
    _referral("VC-THEI-RS01", 1)
    auth.login(users["caseworker"])
    page = client.get("/referrals?logged=me").get_data(as_text=True)
    assert "VC-MINE-0001" in page and "VC-THEI-RS01" not in page
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "list")).all()[-1]
    assert event.changes["queue"] == "referrals" and event.changes["logged_by_me"] is True


def test_only_caseworkers_see_the_index(client, auth, users):
    _referral("VC-SECR-ET01", 1)
    for role in ("advocate", "commissioner", "admin"):
        auth.login(users[role])
        response = client.get("/referrals")
        assert response.status_code == 403, role
        assert "VC-SECR-ET01" not in response.get_data(as_text=True)
        auth.logout()
