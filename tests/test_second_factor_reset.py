"""A lost phone: an administrator asks for a second-factor reset and a second person approves it."""
import pyotp
import pytest
from sqlalchemy import select

from victimcare.extensions import db
from victimcare.models import AccountChange, AuditEvent, RecoveryCode, SecurityKey, TotpCredential
from victimcare.services import account_changes, mfa
from victimcare.services.actors import Actor
from victimcare.services.errors import Forbidden

from .factories import TEST_PASSWORD, make_user
from .mailbox import text_of

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
REASON = "Rang the office on Monday: phone stolen on the bus, no recovery codes"


@pytest.fixture
def people(users):
    return {**users, "second_admin": make_user("admin"), "dpo": make_user("dpo"),
            "da_lead": make_user("advocate", service="domestic-abuse", is_lead=True)}


def _enrol(user):
    db.session.add(TotpCredential(user_id=user.id, secret=SECRET))
    db.session.add(RecoveryCode(user_id=user.id, code_hash="not-a-real-hash-" + str(user.id)))
    db.session.add(SecurityKey(user_id=user.id, credential_id=f"cred-{user.id}", public_key="pk", name="Work key"))
    db.session.commit()


def _signed_in_with_code(app, user):
    client = app.test_client()
    client.post("/sign-in", data={"email": user.email, "password": TEST_PASSWORD})
    client.post("/sign-in/second-factor", data={"code": pyotp.TOTP(SECRET).now()})
    assert client.get("/home").status_code == 200
    return client


def _ask(client, auth, admin, user, reason=REASON):
    auth.login(admin)
    response = client.post(f"/admin/users/{user.id}/second-factor-reset", data={"reason": reason})
    auth.logout()
    db.session.expire_all()
    return response


def _decide(client, auth, who, change_id, decision="approve"):
    auth.login(who)
    response = client.post(f"/account-changes/{change_id}", data={"decision": decision})
    auth.logout()
    db.session.expire_all()
    return response


def _pending():
    db.session.expire_all()
    return db.session.scalar(select(AccountChange).where(AccountChange.status == "pending"))


def _factors(user):
    return {**mfa.factors_of(user.id), "keys": db.session.scalar(select(SecurityKey.id).where(
        SecurityKey.user_id == user.id)) is not None}


ENROLLED = {"totp": True, "recovery_codes_left": 1, "keys": True}


def test_an_approved_reset_removes_every_factor_ends_sessions_and_tells_the_person(app, client, auth, people, mailbox):
    person = people["caseworker"]
    _enrol(person)
    their_browser = _signed_in_with_code(app, person)
    before = len(mailbox.messages)
    assert _ask(client, auth, people["admin"], person).status_code == 302
    change = _pending()
    assert change.kind == "second-factor-reset" and change.reason == REASON and change.approver_service_id is None
    assert _factors(person) == ENROLLED  # nothing happens before a second person approves
    assert their_browser.get("/home").status_code == 200
    told = [m for m in mailbox.since(before) if people["second_admin"].email in str(m["To"])]
    assert len(told) == 1 and "reset the second factor" in text_of(told[0]) and REASON not in text_of(told[0])

    auth.login(people["second_admin"])
    page = client.get("/account-changes")
    assert b"Reset the second factor: remove the authenticator app, security keys and recovery codes of this caseworker" in page.data and REASON.encode() in page.data
    auth.logout()
    response = _decide(client, auth, people["second_admin"], change.id)
    assert response.status_code == 302
    assert _factors(person) == {"totp": False, "recovery_codes_left": 0, "keys": False}
    assert "/sign-in" in their_browser.get("/home").headers["Location"]  # signed out everywhere
    emailed = [m for m in mailbox.since(before) if person.email in str(m["To"])]
    assert len(emailed) == 1 and "second factor has been reset" in emailed[0]["Subject"]
    assert REASON not in text_of(emailed[0]) and "/sign-in" in text_of(emailed[0])

    app.config["MFA_REQUIRED"] = True
    try:
        fresh = app.test_client()
        signed_in = fresh.post("/sign-in", data={"email": person.email, "password": TEST_PASSWORD})
        assert signed_in.headers["Location"].endswith("/account/security")  # must enrol again
    finally:
        app.config["MFA_REQUIRED"] = False

    events = db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "user",
                                                         AuditEvent.object_id == str(person.id))).all()
    actions = [(e.action, e.actor_user_id) for e in events]
    assert ("change-requested", people["admin"].id) in actions
    assert ("change-approved", people["second_admin"].id) in actions
    assert ("mfa-removed", people["second_admin"].id) in actions
    assert all(REASON not in str(e.changes) and SECRET not in str(e.changes) for e in events)


def test_an_unapproved_reset_changes_nothing(app, client, auth, people):
    person = people["commissioner"]
    _enrol(person)
    their_browser = _signed_in_with_code(app, person)
    _ask(client, auth, people["admin"], person)
    change = _pending()
    auth.login(people["admin"])
    page = client.get(f"/admin/users/{person.id}")
    assert b"Resetting the second factor of this account waits for another administrator" in page.data
    assert b"Ask for a second-factor reset" not in page.data  # one waiting change at a time
    auth.logout()
    assert _decide(client, auth, people["second_admin"], change.id, "reject").status_code == 302
    assert db.session.get(AccountChange, change.id).status == "rejected"
    assert _factors(person) == ENROLLED
    assert their_browser.get("/home").status_code == 200
    assert ("change-rejected", people["second_admin"].id) in [(e.action, e.actor_user_id) for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "user", AuditEvent.object_id == str(person.id)))]


def test_only_an_administrator_may_ask_for_a_reset(client, auth, people):
    person = make_user("advocate", service="domestic-abuse")  # enrolled: every role below signs in without a code
    _enrol(person)
    for role in ("caseworker", "advocate", "other_advocate", "da_lead", "commissioner", "dpo"):
        auth.login(people[role])
        assert client.post(f"/admin/users/{person.id}/second-factor-reset",
                           data={"reason": REASON}).status_code == 403, role
        assert client.get(f"/admin/users/{person.id}").status_code == 403, role
        auth.logout()
    assert client.post(f"/admin/users/{person.id}/second-factor-reset", data={"reason": REASON}).status_code == 302
    assert _pending() is None and _factors(person) == ENROLLED
    auth.login(people["admin"])
    assert client.post("/admin/users/987654/second-factor-reset", data={"reason": REASON}).status_code == 404
    page = client.get(f"/admin/users/{person.id}")
    assert b"Second factor" in page.data and b"Ask for a second-factor reset" in page.data
    assert client.post(f"/admin/users/{person.id}/second-factor-reset", data={"reason": REASON}).status_code == 302
    assert _pending().requested_by_id == people["admin"].id


def test_the_requester_and_the_account_cannot_approve(client, auth, people):
    person = people["advocate"]
    _enrol(person)
    _ask(client, auth, people["admin"], person)
    change = _pending()
    assert change.approver_service_id is not None  # domestic abuse has a lead: the lead decides
    hc_lead = make_user("advocate", service="hate-crime", is_lead=True)
    for who in (people["admin"], people["second_admin"], hc_lead):
        assert _decide(client, auth, who, change.id).status_code == 403, who
    with pytest.raises(Forbidden):  # the account itself (it would have to sign in with its code)
        account_changes.decide(Actor.from_user(person), change.id, True)
    db.session.rollback()
    assert _factors(person) == ENROLLED
    assert _decide(client, auth, people["da_lead"], change.id).status_code == 302
    assert _factors(person)["totp"] is False


def test_a_reset_needs_a_reason_a_factor_and_someone_else(client, auth, people):
    person, admin = people["caseworker"], people["admin"]
    auth.login(admin)
    refused = client.post(f"/admin/users/{person.id}/second-factor-reset", data={"reason": REASON})
    assert refused.status_code == 400 and b"has no second factor to reset" in refused.data
    _enrol(person)
    empty = client.post(f"/admin/users/{person.id}/second-factor-reset", data={"reason": "  "})
    assert empty.status_code == 400 and b"There is a problem" in empty.data
    assert b"Say why the second factor should be reset" in empty.data
    assert client.post(f"/admin/users/{person.id}/second-factor-reset",
                       data={"reason": "x" * 501}).status_code == 400
    _enrol(admin)
    assert client.post(f"/admin/users/{admin.id}/second-factor-reset", data={"reason": REASON}).status_code == 403
    auth.logout()
    assert _pending() is None
