"""An administrator resets a password or unlocks an account without ever setting or learning the password."""
import re
from datetime import timedelta

from sqlalchemy import select

from victimcare.domain.clock import utc_now
from victimcare.extensions import db
from victimcare.jobs.sweeps import SWEEPS
from victimcare.models import AccountLink, AuditEvent, User

from .factories import TEST_PASSWORD, make_token, make_user
from .mailbox import text_of

NEW_PASSWORD = "a-brand-new-passphrase"
LINK = re.compile(r"https?://[^\s\"<]+/reset-password/[A-Za-z0-9_-]+")


def start_reset(client, auth, admin, user) -> str:
    """As the administrator: start a reset and read the link off the page (its only showing)."""
    auth.login(admin)
    page = client.post(f"/admin/users/{user.id}/password-reset")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    auth.logout()
    return LINK.search(page.get_data(as_text=True)).group(0).replace("https://victimcare.example", "").replace(
        "http://localhost", "")


def choose(client, path, password=NEW_PASSWORD, confirm=None):
    return client.post(path, data={"new_password": password, "confirm_password": confirm or password})


def test_reset_link_lets_the_person_choose_a_password_once(app, client, auth, users, mailbox):
    user = users["caseworker"]
    before = len(mailbox.messages)
    path = start_reset(client, auth, users["admin"], user)
    emailed = [m for m in mailbox.since(before) if user.email in str(m["To"])]
    assert len(emailed) == 1 and path in text_of(emailed[0])
    assert "reset your victimcare password" in emailed[0]["Subject"].lower()

    assert client.get(path).status_code == 200
    response = choose(client, path)
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert auth.login(user, NEW_PASSWORD).status_code == 302
    auth.logout()
    assert auth.login(user, TEST_PASSWORD).status_code == 401

    again = choose(client, path, "yet-another-passphrase")
    assert again.status_code == 404 and b"This link cannot be used" in again.data
    assert auth.login(user, "yet-another-passphrase").status_code == 401


def test_the_administrator_never_sets_or_sees_the_password(client, auth, users):
    path = start_reset(client, auth, users["admin"], users["caseworker"])
    choose(client, path)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "user")).all()
    actions = [(e.action, e.actor_user_id) for e in events]
    assert ("password-reset-started", users["admin"].id) in actions
    assert ("password-reset", users["caseworker"].id) in actions  # the person chose it, not the administrator
    assert all(NEW_PASSWORD not in str(e.changes) for e in events)
    link = db.session.scalar(select(AccountLink))
    assert path.rsplit("/", 1)[1] not in (link.token_hash, str(link.__dict__))


def test_reset_link_expires(client, auth, users, time_machine):
    time_machine.move_to(utc_now(), tick=False)
    path = start_reset(client, auth, users["admin"], users["caseworker"])
    time_machine.shift(timedelta(hours=24, minutes=1))
    response = choose(client, path)
    assert response.status_code == 404 and b"Ask your service's administrator for a new password reset link" in response.data
    assert auth.login(users["caseworker"], NEW_PASSWORD).status_code == 401


def test_a_new_reset_link_replaces_the_old_one(client, auth, users):
    first = start_reset(client, auth, users["admin"], users["caseworker"])
    second = start_reset(client, auth, users["admin"], users["caseworker"])
    assert choose(client, first).status_code == 404
    assert choose(client, second).status_code == 302


def test_reset_ends_the_persons_other_sessions(app, client, auth, users):
    elsewhere = app.test_client()
    elsewhere.post("/sign-in", data={"email": users["caseworker"].email, "password": TEST_PASSWORD})
    assert elsewhere.get("/home").status_code == 200
    path = start_reset(client, auth, users["admin"], users["caseworker"])
    assert elsewhere.get("/home").status_code == 200  # starting a reset changes nothing yet
    choose(client, path)
    assert elsewhere.get("/home").status_code == 302


def test_a_reset_link_page_never_says_whether_an_account_exists(client, auth, users):
    path = start_reset(client, auth, users["admin"], users["caseworker"])
    client.get(choose(client, path).headers["Location"])  # the sign-in page shows the flashed message
    used = client.get(path)
    unknown = client.get("/reset-password/" + "x" * 43)
    assert used.status_code == unknown.status_code == 404
    assert used.data == unknown.data
    assert users["caseworker"].email.encode() not in used.data
    # Someone not signed in cannot start a reset, for an account that exists or one that does not.
    real = client.post(f"/admin/users/{users['caseworker'].id}/password-reset")
    missing = client.post("/admin/users/999999/password-reset")
    assert real.status_code == missing.status_code == 302
    assert real.headers["Location"] == missing.headers["Location"].replace("999999", str(users["caseworker"].id))


def test_a_reset_unlocks_and_needs_matching_passwords(client, auth, users):
    user = users["caseworker"]
    user.locked_until = utc_now() + timedelta(minutes=10)
    db.session.commit()
    path = start_reset(client, auth, users["admin"], user)
    mismatch = choose(client, path, NEW_PASSWORD, "something-else-entirely")
    assert mismatch.status_code == 400 and b"Passwords must match" in mismatch.data
    assert b"There is a problem" in mismatch.data
    choose(client, path)
    assert auth.login(user, NEW_PASSWORD).status_code == 302


def test_deactivated_accounts_get_no_reset(client, auth, users):
    user = users["caseworker"]
    user.active = False
    db.session.commit()
    auth.login(users["admin"])
    assert client.post(f"/admin/users/{user.id}/password-reset").status_code == 409
    assert db.session.scalar(select(AccountLink)) is None


def test_admin_unlocks_a_locked_account(client, auth, users):
    user = users["caseworker"]
    for _ in range(5):
        auth.login(user, "wrong-password-here")
    assert auth.login(user).status_code == 401  # locked
    auth.login(users["admin"])
    page = client.get(f"/admin/users/{user.id}")
    assert b"Locked" in page.data and b"Unlock account" in page.data
    response = client.post(f"/admin/users/{user.id}/unlock")
    assert response.status_code == 302
    assert b"unlocked" in client.get(response.headers["Location"]).data
    auth.logout()
    assert auth.login(user).status_code == 302
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "unlocked"))
    assert event.actor_user_id == users["admin"].id and event.object_id == str(user.id)


def test_other_roles_cannot_reset_or_unlock(client, auth, users):
    target = users["commissioner"]
    for role in ("caseworker", "advocate", "commissioner"):
        auth.login(users[role])
        for path in (f"/admin/users/{target.id}", ):
            assert client.get(path).status_code == 403, (role, path)
        for path in (f"/admin/users/{target.id}/password-reset", f"/admin/users/{target.id}/unlock"):
            assert client.post(path).status_code == 403, (role, path)
        auth.logout()
    assert db.session.scalar(select(AccountLink)) is None


def test_huge_user_ids_are_not_found(client, auth, users):
    auth.login(users["admin"])
    huge = "9" * 25
    assert client.get(f"/admin/users/{huge}").status_code == 404
    assert client.post(f"/admin/users/{huge}/active", data={"active": "false"}).status_code == 404
    assert client.post(f"/admin/users/{huge}/password-reset").status_code == 404


def test_sweep_deletes_expired_and_used_links(client, auth, users, time_machine):
    time_machine.move_to(utc_now(), tick=False)
    start_reset(client, auth, users["admin"], users["caseworker"])
    fresh = make_user("advocate", service="hate-crime")
    time_machine.shift(timedelta(hours=49))  # expired 25 hours ago
    start_reset(client, auth, users["admin"], fresh)
    assert SWEEPS["invitation-links"].run() == {"deleted": 1}
    db.session.commit()
    assert [link.user_id for link in db.session.scalars(select(AccountLink))] == [fresh.id]
    assert db.session.get(User, users["caseworker"].id).active


def test_a_reset_revokes_the_persons_api_tokens(client, auth, users):
    token = make_token(users["advocate"].email)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    path = start_reset(client, auth, users["admin"], users["advocate"])
    assert client.get("/api/v1/me", headers=headers).status_code == 200  # starting a reset changes nothing yet
    choose(client, path)
    assert client.get("/api/v1/me", headers=headers).status_code == 401
