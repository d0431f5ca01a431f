"""New accounts by invitation: the administrator never sets a password; the person chooses it on a one-time link."""
import re
from datetime import timedelta

from sqlalchemy import select

from victimcare.domain.clock import utc_now
from victimcare.extensions import db
from victimcare.models import AuditEvent, User

from .mailbox import text_of

LINK = re.compile(r"https?://[^\s\"<]+(/invitation/[A-Za-z0-9_-]+)")
CHOSEN = "my-own-chosen-passphrase"


def invite(client, auth, admin, email="newcomer@example.org", role="commissioner", service=""):
    auth.login(admin)
    page = client.post("/admin/users/new", data={"name": "Nia Newcomer", "email": email, "role": role,
                                                 "service": service})
    assert page.status_code == 200, page.data
    assert page.headers["Cache-Control"] == "no-store"
    auth.logout()
    return LINK.search(page.get_data(as_text=True)).group(1)


def test_the_person_chooses_their_password_on_the_invitation(client, auth, users, mailbox):
    before = len(mailbox.messages)
    path = invite(client, auth, users["admin"])
    user = db.session.scalar(select(User).where(User.email == "newcomer@example.org"))
    assert not user.has_password
    emailed = mailbox.since(before)
    assert len(emailed) == 1 and "newcomer@example.org" in str(emailed[0]["To"]) and path in text_of(emailed[0])

    # Before choosing, no password at all opens the account (not even an empty one).
    assert auth.login("newcomer@example.org", "").status_code in (400, 401)
    assert auth.login("newcomer@example.org", "!invited").status_code == 401
    page = client.get(path)
    assert page.status_code == 200 and b"Welcome to victimcare" in page.data
    done = client.post(path, data={"new_password": CHOSEN, "confirm_password": CHOSEN})
    assert done.status_code == 302
    assert auth.login("newcomer@example.org", CHOSEN).status_code == 302
    auth.logout()
    assert client.post(path, data={"new_password": "another-passphrase!", "confirm_password": "another-passphrase!"}
                       ).status_code == 404
    accepted = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "invitation-accepted"))
    assert accepted.actor_user_id == user.id


def test_the_admin_form_has_no_password_and_the_create_event_holds_none(client, auth, users):
    auth.login(users["admin"])
    form = client.get("/admin/users/new")
    assert b'type="password"' not in form.data and b"invitation link" in form.data
    auth.logout()
    invite(client, auth, users["admin"])
    created = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "create", AuditEvent.object_type == "user"))
    invited = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "invited"))
    assert "password" not in (created.changes or {})
    assert invited.actor_user_id == users["admin"].id and invited.object_id == created.object_id


def test_an_invitation_expires_and_a_new_one_replaces_it(client, auth, users, time_machine):
    time_machine.move_to(utc_now(), tick=False)
    old = invite(client, auth, users["admin"])
    time_machine.shift(timedelta(hours=72, minutes=1))
    assert client.get(old).status_code == 404
    user = db.session.scalar(select(User).where(User.email == "newcomer@example.org"))
    auth.login(users["admin"])
    page = client.get(f"/admin/users/{user.id}")
    assert b"Invited" in page.data and b"Make a new invitation link" in page.data
    fresh = client.post(f"/admin/users/{user.id}/invitation")
    new = LINK.search(fresh.get_data(as_text=True)).group(1)
    auth.logout()
    assert client.post(new, data={"new_password": CHOSEN, "confirm_password": CHOSEN}).status_code == 302
    assert auth.login(user, CHOSEN).status_code == 302


def test_no_new_invitation_once_a_password_is_chosen(client, auth, users):
    auth.login(users["admin"])
    assert client.post(f"/admin/users/{users['caseworker'].id}/invitation").status_code == 409


def test_other_roles_cannot_invite(client, auth, users):
    for role in ("caseworker", "advocate", "commissioner"):
        auth.login(users[role])
        assert client.post("/admin/users/new", data={"name": "X", "email": f"x-{role}@example.org",
                                                     "role": "admin"}).status_code == 403
        assert client.post(f"/admin/users/{users['admin'].id}/invitation").status_code == 403
        auth.logout()
    assert db.session.scalar(select(User).where(User.email.like("x-%"))) is None


def test_the_cli_still_creates_an_account_with_a_password(runner, auth, users):
    result = runner.invoke(args=["user", "create", "ops@example.org", "--name", "Ops Person", "--role", "admin",
                                 "--password", "a-provisioned-password"])
    assert result.exit_code == 0, result.output
    assert auth.login("ops@example.org", "a-provisioned-password").status_code == 302


def test_with_a_second_factor_required_the_new_person_enrols_after_choosing_a_password(app, client, auth, users):
    path = invite(client, auth, users["admin"])
    app.config["MFA_REQUIRED"] = True
    try:
        assert b"set up your second factor" in client.get(path).data
        done = client.post(path, data={"new_password": CHOSEN, "confirm_password": CHOSEN})
        assert b"set up your second factor" in client.get(done.headers["Location"]).data
        signed_in = auth.login("newcomer@example.org", CHOSEN)
        assert signed_in.status_code == 302 and "/account/security" in signed_in.headers["Location"]
    finally:
        app.config["MFA_REQUIRED"] = False
