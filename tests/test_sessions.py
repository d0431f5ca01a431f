"""Sessions kept on the server: signing out ends them for real, they end on their own, and they can be ended."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select, update

from victimcare.extensions import db
from victimcare.models import AuditEvent, UserSession
from victimcare.services import sessions as session_service

from .factories import TEST_PASSWORD
from .helpers_cases import recent_case


def _cookie(client):
    return client.get_cookie("session").value


def _sign_in(app, user):
    client = app.test_client()
    assert client.post("/sign-in", data={"email": user.email, "password": TEST_PASSWORD}).status_code == 302
    return client


def _live_sessions(user_id):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(UserSession).where(UserSession.user_id == user_id))


def test_the_cookie_carries_only_a_random_id_and_the_table_only_its_hash(app, users):
    client = _sign_in(app, users["advocate"])
    cookie = _cookie(client)
    assert cookie.startswith("sid.") and len(cookie) > 40
    row = db.session.scalar(select(UserSession))
    assert row.user_id == users["advocate"].id
    assert row.token_hash == session_service.token_digest(cookie.removeprefix("sid."))
    assert cookie.removeprefix("sid.") not in row.data


def test_a_copied_cookie_no_longer_opens_a_case_after_sign_out(app, users):
    case = recent_case("domestic-abuse", status="in-progress")
    client = _sign_in(app, users["advocate"])
    assert client.get(f"/cases/{case.id}").status_code == 200
    copied = _cookie(client)
    assert client.post("/sign-out").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", copied)
    response = thief.get(f"/cases/{case.id}")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert _live_sessions(users["advocate"].id) == 0


def test_a_cookie_signed_with_the_secret_key_but_no_session_row_signs_nobody_in(app, users):
    """The old kind of session (a signed cookie naming the user) no longer works on its own."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = users["admin"].get_id()
        session["_fresh"] = True
    assert client.get("/home").status_code == 302


def test_a_session_ends_after_the_absolute_lifetime_however_busy(app, users):
    client = _sign_in(app, users["caseworker"])
    hours = app.config["SESSION_ABSOLUTE_HOURS"]
    assert hours == 12
    db.session.execute(update(UserSession).values(created_at=datetime.now(timezone.utc) - timedelta(hours=hours, seconds=1)))
    db.session.commit()
    response = client.get("/home")
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert b"You were signed out because you signed in more than 12 hours ago" in page.data
    assert _live_sessions(users["caseworker"].id) == 0


def test_each_signed_in_request_costs_one_session_write_whatever_it_did(app, users):
    from .helpers_cases import count_queries

    client = _sign_in(app, users["caseworker"])
    client.get("/home")
    db.session.execute(update(UserSession).values(last_seen_at=datetime.now(timezone.utc) - timedelta(minutes=5)))
    db.session.commit()
    with count_queries() as quiet:
        client.get("/account/sessions")
    client.post("/account/sessions/end-others")  # flashes a message: the next page changes the session
    with count_queries() as flashed:
        client.get("/account/sessions")
    assert quiet.count == flashed.count
    db.session.expire_all()
    assert datetime.now(timezone.utc) - db.session.scalar(select(UserSession.last_seen_at)) < timedelta(minutes=1)


def test_sessions_page_lists_this_browser_and_the_others_and_signs_the_others_out(app, users):
    user = users["caseworker"]
    here, laptop = _sign_in(app, user), _sign_in(app, user)
    page = here.get("/account/sessions")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Your sessions" in text and "This browser" in text and text.count("<h2 class=\"govuk-summary-card__title\"") == 2
    response = here.post("/account/sessions/end-others")
    assert response.status_code == 302
    assert b"You have signed out of 1 other session" in here.get(response.headers["Location"]).data
    assert laptop.get("/home").status_code == 302
    assert here.get("/home").status_code == 200
    assert _live_sessions(user.id) == 1


def test_an_administrator_ends_a_users_sessions(app, users):
    victim_of_theft = users["advocate"]
    stolen = _sign_in(app, victim_of_theft)
    admin = _sign_in(app, users["admin"])
    response = admin.post(f"/admin/users/{victim_of_theft.id}/sessions/end")
    assert response.status_code == 302
    assert stolen.get("/home").status_code == 302
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "sessions-ended")).all()[-1]
    assert event.actor_user_id == users["admin"].id and event.changes["reason"] == "ended-by-admin"


def test_only_administrators_end_other_peoples_sessions(app, users):
    for role in ("caseworker", "advocate", "commissioner"):
        client = _sign_in(app, users[role])
        assert client.post(f"/admin/users/{users['admin'].id}/sessions/end").status_code == 403, role
    assert _live_sessions(users["admin"].id) == 0  # nobody ended anything; the admin never signed in


def test_deactivation_ends_every_session_of_the_user(app, users):
    target = _sign_in(app, users["advocate"])
    admin = _sign_in(app, users["admin"])
    admin.post(f"/admin/users/{users['advocate'].id}/active", data={"active": "false"})
    assert _live_sessions(users["advocate"].id) == 0
    assert target.get("/home").status_code == 302


def test_end_all_sessions_is_one_call_for_other_services(app, users):
    _sign_in(app, users["advocate"]), _sign_in(app, users["advocate"])
    assert session_service.end_all_sessions(users["advocate"].id, "password-reset") == 2
    db.session.commit()
    assert _live_sessions(users["advocate"].id) == 0
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "sessions-ended")).all()[-1]
    assert event.changes == {"reason": "password-reset", "sessions": 2}


def test_expired_sessions_are_swept(app, users):
    _sign_in(app, users["advocate"])
    db.session.execute(update(UserSession).values(last_seen_at=datetime.now(timezone.utc) - timedelta(hours=1)))
    assert session_service.sweep_expired() == 1


def test_the_sign_in_page_stores_nothing_on_the_server(client):
    client.get("/sign-in")
    client.post("/sign-in", data={"email": "nobody@example.org", "password": "not-it"})
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0
