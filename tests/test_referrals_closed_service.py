"""A service that is not taking new referrals never loses a victim: the referral is kept and waits in triage."""
import pytest
from sqlalchemy import select, update

from victimcare.api import schemas
from victimcare.extensions import db
from victimcare.models import Case, Referral, Service

from .factories import service
from .helpers_api import CLOCK, body, token_for


@pytest.fixture(autouse=True)
def _clock(monkeypatch):
    monkeypatch.setattr(schemas, "utc_now", lambda: CLOCK)  # the example body is dated 24 December 2026


def _close(slug: str) -> None:
    db.session.execute(update(Service).where(Service.slug == slug).values(active=False))
    db.session.commit()


def test_an_api_referral_to_a_closed_service_is_kept_for_triage(client, users):
    _close("domestic-abuse")
    response = client.post("/api/v1/referrals", json=body(), headers={"Authorization": f"Bearer {token_for(users['caseworker'])}"})
    assert response.status_code == 201
    reply = response.get_json()
    assert [route["service"] for route in reply["routes"]] == ["victim-support"]
    referral = db.session.scalar(select(Referral).where(Referral.reference == reply["reference"]))
    assert referral.status == "triage"
    assert "Domestic abuse advocacy is not taking new referrals" in referral.not_routed_reason
    services = db.session.scalars(select(Case.service_id).where(Case.referral_id == referral.id)).all()
    assert services == [service("victim-support").id]


def test_the_caseworker_sees_why_in_triage_and_on_the_referral(client, auth, users):
    _close("domestic-abuse")
    reply = client.post("/api/v1/referrals", json=body(),
                        headers={"Authorization": f"Bearer {token_for(users['caseworker'])}"}).get_json()
    auth.login(users["caseworker"])
    assert reply["reference"] in client.get("/triage").get_data(as_text=True)
    page = client.get(f"/referrals/{reply['reference']}").get_data(as_text=True)
    assert "Domestic abuse advocacy is not taking new referrals" in page
