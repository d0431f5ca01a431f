"""Admins manage accounts; nobody else reaches those pages."""
from sqlalchemy import select

from victimcare.extensions import db
from victimcare.models import AuditEvent, User

from .factories import TEST_PASSWORD


def test_admin_creates_an_advocate(client, auth, users):
    auth.login(users["admin"])
    response = client.post("/admin/users/new", data={
        "name": "Ada Advocate", "email": "ada@example.org", "role": "advocate", "service": "child-house",
    })
    assert response.status_code == 302  # an advocate's account waits for a second person (test_account_changes)
    page = client.get("/admin/users")
    assert b"Ada Advocate" in page.data and b"Child House" in page.data
    created = db.session.scalar(select(User).where(User.email == "ada@example.org"))
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "create", AuditEvent.object_type == "user"))
    assert event.actor_user_id == users["admin"].id and event.object_id == str(created.id)
    assert "password" not in (event.changes or {})


def test_admin_form_shows_errors_in_the_summary(client, auth, users):
    auth.login(users["admin"])
    response = client.post("/admin/users/new", data={
        "name": "No Service", "email": "ns@example.org", "role": "advocate", "service": ""
    })
    assert response.status_code == 400
    assert b"There is a problem" in response.data
    assert b"An advocate must belong to exactly one service" in response.data


def test_deactivating_a_user_signs_them_out(app, client, auth, users):
    victim_session = app.test_client()
    victim_session.post("/sign-in", data={"email": users["caseworker"].email, "password": TEST_PASSWORD})
    assert victim_session.get("/home").status_code == 200
    auth.login(users["admin"])
    client.post(f"/admin/users/{users['caseworker'].id}/active", data={"active": "false"})
    assert victim_session.get("/home").status_code == 302


def test_admin_cannot_deactivate_themselves(client, auth, users):
    auth.login(users["admin"])
    response = client.post(f"/admin/users/{users['admin'].id}/active", data={"active": "false"})
    assert response.status_code == 403


def test_other_roles_get_403_on_admin_pages_and_it_is_recorded(client, auth, users):
    for role in ("caseworker", "advocate", "commissioner"):
        auth.login(users[role])
        for method, path in (("get", "/admin/users"), ("get", "/admin/users/new"),
                             ("post", f"/admin/users/{users['admin'].id}/active")):
            assert getattr(client, method)(path).status_code == 403, (role, path)
        denied = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "permission-denied", AuditEvent.actor_user_id == users[role].id)
        ).all()
        assert len(denied) == 3
        auth.logout()


def test_signed_out_visitors_are_sent_to_sign_in(client):
    for path in ("/home", "/admin/users", "/account/password"):
        response = client.get(path)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
