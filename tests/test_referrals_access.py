"""Every role against every referral page: caseworkers may; others get 403, or 404 for a referral not theirs."""
import pytest
from sqlalchemy import select

from victimcare.extensions import db
from victimcare.models import AuditEvent, Referral

from .helpers_referrals import walk_to_check

INTAKE = [
    ("get", "/referrals/new"), ("post", "/referrals/new"),
    ("get", "/referrals/new/person"), ("post", "/referrals/new/person"),
    ("get", "/referrals/new/person/matches"), ("post", "/referrals/new/person/matches"),
    ("get", "/referrals/new/offence"), ("post", "/referrals/new/offence"),
    ("get", "/referrals/new/domestic-abuse"), ("post", "/referrals/new/domestic-abuse"),
    ("get", "/referrals/new/people-around-them"), ("post", "/referrals/new/people-around-them"),
    ("get", "/referrals/new/about-the-victim"), ("post", "/referrals/new/about-the-victim"),
    ("get", "/referrals/new/consent"), ("post", "/referrals/new/consent"),
    ("get", "/referrals/new/check"), ("post", "/referrals/new/check"),
    ("get", "/triage"),
]
REFERRAL_CASEWORKER_ONLY = [
    ("get", "/referrals/{ref}/confirmation"),
    ("post", "/referrals/{ref}/routes/add"),
    ("post", "/referrals/{ref}/routes/remove"),
    ("get", "/triage/{ref}"),
    ("post", "/triage/{ref}"),
]


@pytest.fixture
def da_referral(client, auth, users):
    """A domestic abuse referral (routed to the domestic-abuse service only), made through the journey."""
    auth.login(users["caseworker"])
    walk_to_check(client, category="domestic-abuse")
    client.post("/referrals/new/check", data={})
    auth.logout()
    return db.session.scalar(select(Referral)).reference


@pytest.mark.parametrize("role", ["advocate", "other_advocate", "commissioner", "admin"])
def test_only_caseworkers_reach_intake_and_triage(client, auth, users, role):
    auth.login(users[role])
    for method, path in INTAKE:
        assert getattr(client, method)(path).status_code == 403, (role, method, path)


def test_caseworker_reaches_every_intake_page(client, auth, users):
    auth.login(users["caseworker"])
    for method, path in INTAKE:
        assert getattr(client, method)(path).status_code in (200, 302, 400), (method, path)


@pytest.mark.parametrize("role", ["advocate", "other_advocate", "commissioner", "admin"])
def test_only_caseworkers_change_routing_or_triage(client, auth, users, da_referral, role):
    auth.login(users[role])
    for method, path in REFERRAL_CASEWORKER_ONLY:
        assert getattr(client, method)(path.format(ref=da_referral)).status_code == 403, (role, method, path)


@pytest.mark.parametrize("role, status", [
    ("caseworker", 200), ("advocate", 200), ("other_advocate", 404), ("commissioner", 403), ("admin", 403),
])
def test_referral_page_by_role(client, auth, users, da_referral, role, status):
    auth.login(users[role])
    assert client.get(f"/referrals/{da_referral}").status_code == status


def test_an_unrelated_advocates_attempt_is_audited_and_reveals_nothing(client, auth, users, da_referral):
    auth.login(users["other_advocate"])
    response = client.get(f"/referrals/{da_referral}")
    missing = client.get("/referrals/VC-NONE-XIST")
    assert response.status_code == missing.status_code == 404
    assert da_referral not in response.get_data(as_text=True)
    denied = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "permission-denied",
                                                        AuditEvent.object_id == da_referral))
    assert denied is not None and denied.actor_user_id == users["other_advocate"].id


def test_signed_out_people_are_sent_to_sign_in(client, da_referral):
    for method, path in INTAKE + [(m, p.format(ref=da_referral)) for m, p in REFERRAL_CASEWORKER_ONLY] + [
            ("get", f"/referrals/{da_referral}")]:
        response = getattr(client, method)(path)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"], (method, path)


def test_self_referral_is_open_to_everyone(client, auth, users):
    assert client.get("/self-referral").status_code == 200
    auth.login(users["admin"])
    assert client.get("/self-referral").status_code == 200
