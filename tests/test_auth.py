"""Sign-in, lockout, sessions, sign-out and password change, as a member of staff would meet them."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import select, update

from victimcare.extensions import db
from victimcare.models import AuditEvent, User, UserSession

from .factories import TEST_PASSWORD, make_user

GENERIC_ERROR = "Enter a correct email address and password"


def test_sign_in_page_is_the_landing_page(client):
    response = client.get("/", follow_redirects=True)
    assert response.status_code == 200
    assert b"Sign in to victimcare" in response.data


def test_each_role_signs_in_to_a_home_page_fitting_the_role(client, auth, users):
    expectations = {
        "caseworker": b"Awaiting triage",
        "advocate": b"Domestic abuse advocacy: open cases",
        "commissioner": b"Victims' Code oversight",
        "admin": b"Add a user",
    }
    for role, text in expectations.items():
        response = auth.login(users[role])
        assert response.status_code == 302
        page = client.get("/home")
        assert page.status_code == 200
        assert text in page.data, role
        auth.logout()


def test_wrong_password_and_unknown_email_get_the_same_message(client, users):
    wrong = client.post("/sign-in", data={"email": users["caseworker"].email, "password": "not-the-password"})
    unknown = client.post("/sign-in", data={"email": "nobody@example.org", "password": "not-the-password"})
    assert wrong.status_code == unknown.status_code == 401
    assert GENERIC_ERROR.encode() in wrong.data
    assert GENERIC_ERROR.encode() in unknown.data


def test_five_failed_attempts_lock_the_account_even_for_the_right_password(client, users, app):
    user = users["caseworker"]
    for _ in range(app.config["LOCKOUT_THRESHOLD"]):
        client.post("/sign-in", data={"email": user.email, "password": "wrong-password!"})
    db.session.expire_all()
    locked = db.session.get(User, user.id)
    assert locked.locked_until is not None and locked.locked_until > datetime.now(timezone.utc)
    response = client.post("/sign-in", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 401
    assert client.get("/home").status_code == 302  # still not signed in
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.actor_user_id == user.id)).all()
    assert "locked-out" in actions


def test_lock_expires_after_the_configured_time(client, users):
    user = users["caseworker"]
    user.locked_until = datetime.now(timezone.utc) - timedelta(seconds=1)
    db.session.commit()
    assert client.post("/sign-in", data={"email": user.email, "password": TEST_PASSWORD}).status_code == 302


def test_deactivated_user_cannot_sign_in(client):
    user = make_user("caseworker", active=False)
    assert client.post("/sign-in", data={"email": user.email, "password": TEST_PASSWORD}).status_code == 401


def test_login_is_rate_limited_per_ip(app, client):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    try:
        codes = [client.post("/sign-in", data={"email": "x@example.org", "password": "y"}).status_code for _ in range(4)]
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "20 per minute"
    assert codes[:3] == [401, 401, 401]
    assert codes[3] == 429


def test_session_cookie_is_httponly_and_samesite_lax(client, auth, users):
    response = auth.login(users["caseworker"])
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_idle_session_is_signed_out(app, client, auth, users):
    auth.login(users["caseworker"])
    db.session.execute(update(UserSession).values(
        last_seen_at=datetime.now(timezone.utc) - app.config["IDLE_TIMEOUT"] - timedelta(seconds=5)))
    db.session.commit()
    response = client.get("/home")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]
    page = client.get(response.headers["Location"])
    assert b"You were signed out because you had not used victimcare for 30 minutes" in page.data


def test_sign_out_ends_the_session(client, auth, users):
    auth.login(users["admin"])
    assert client.get("/home").status_code == 200
    response = auth.logout()
    assert response.status_code == 302
    assert client.get("/home").status_code == 302


def test_open_redirect_after_sign_in_is_refused(client, users):
    response = client.post(
        "/sign-in?next=//evil.example/", data={"email": users["admin"].email, "password": TEST_PASSWORD}
    )
    assert response.headers["Location"].endswith("/home")


def test_password_change_ends_other_sessions(app, users):
    user = users["caseworker"]
    first, second = app.test_client(), app.test_client()
    for c in (first, second):
        c.post("/sign-in", data={"email": user.email, "password": TEST_PASSWORD})
        assert c.get("/home").status_code == 200
    response = first.post(
        "/account/password",
        data={"current_password": TEST_PASSWORD, "new_password": "a-brand-new-password", "confirm_password": "a-brand-new-password"},
    )
    assert response.status_code == 302
    assert first.get("/home").status_code == 200  # this session carries on
    assert second.get("/home").status_code == 302  # the other one is over
    assert app.test_client().post("/sign-in", data={"email": user.email, "password": "a-brand-new-password"}).status_code == 302


def test_password_change_with_wrong_current_password_shows_an_error(client, auth, users):
    auth.login(users["caseworker"])
    response = client.post(
        "/account/password",
        data={"current_password": "wrong-one-entirely", "new_password": "a-brand-new-password", "confirm_password": "a-brand-new-password"},
    )
    assert response.status_code == 400
    assert b"Your current password is not correct" in response.data
    assert b"There is a problem" in response.data


def test_security_headers_on_every_response(client):
    for path in ("/sign-in", "/does-not-exist"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_script(client, auth, users):
    auth.login(users["admin"])
    for path in ("/sign-in", "/home", "/admin/users/new"):
        html = client.get(path).get_data(as_text=True)
        for chunk in html.split("<script")[1:]:
            assert chunk.lstrip().startswith("type=\"module\" src=") or " src=" in chunk.split(">")[0], path


def test_csrf_is_enforced_when_enabled(app, users):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = app.test_client().post("/sign-in", data={"email": users["admin"].email, "password": TEST_PASSWORD})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 302  # redirected back with "form has expired"
    assert "/sign-in" in response.headers["Location"]
