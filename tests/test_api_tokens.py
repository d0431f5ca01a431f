"""API tokens expire, end with a password change or deactivation, record their last use (at most once a minute),
and may be read-only."""
from datetime import datetime, timedelta, timezone

import time_machine
from sqlalchemy import select

from victimcare.extensions import db
from victimcare.models import ApiToken, AuditEvent

from .factories import TEST_PASSWORD
from .helpers_api import bearer, body


def _create(runner, email, *extra):
    result = runner.invoke(args=["token", "create", email, *extra])
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()


def test_token_create_prints_the_expiry_before_the_token_alone_on_the_last_line(runner, users, app):
    lines = _create(runner, users["caseworker"].email)
    token = lines[-1]
    assert token.startswith("vc_") and " " not in token
    expiry_line = next(line for line in lines if line.startswith("Expires "))
    assert lines.index(expiry_line) < len(lines) - 1
    row = db.session.scalar(select(ApiToken))
    assert app.config["API_TOKEN_DAYS"] == 90
    assert abs(row.expires_at - (row.created_at + timedelta(days=90))) < timedelta(seconds=1)
    assert f"Expires {row.expires_at:%Y-%m-%d %H:%M} UTC" in expiry_line


def test_a_token_stops_working_when_it_expires(runner, client, users):
    token = _create(runner, users["caseworker"].email)[-1]
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(days=90, minutes=1), tick=False):
        assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_a_password_change_revokes_the_users_tokens(app, runner, client, users):
    user = users["caseworker"]
    token = _create(runner, user.email)[-1]
    browser = app.test_client()
    browser.post("/sign-in", data={"email": user.email, "password": TEST_PASSWORD})
    browser.post("/account/password", data={"current_password": TEST_PASSWORD, "new_password": "a-brand-new-password",
                                             "confirm_password": "a-brand-new-password"})
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "token-revoked")).one()
    assert event.changes == {"reason": "password-changed"}


def test_deactivation_revokes_the_users_tokens(app, runner, client, users):
    token = _create(runner, users["caseworker"].email)[-1]
    admin = app.test_client()
    admin.post("/sign-in", data={"email": users["admin"].email, "password": TEST_PASSWORD})
    admin.post(f"/admin/users/{users['caseworker'].id}/active", data={"active": "false"})
    db.session.expire_all()
    assert db.session.scalar(select(ApiToken.revoked_at)) is not None
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_last_use_is_recorded_at_most_once_a_minute(runner, client, users):
    token = _create(runner, users["caseworker"].email)[-1]
    assert db.session.scalar(select(ApiToken.last_used_at)) is None
    start = datetime.now(timezone.utc)
    with time_machine.travel(start, tick=False):
        client.get("/api/v1/me", headers=bearer(token))
    db.session.expire_all()
    first = db.session.scalar(select(ApiToken.last_used_at))
    assert first is not None and abs(first - start) < timedelta(seconds=1)
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        client.get("/api/v1/me", headers=bearer(token))
    db.session.expire_all()
    assert db.session.scalar(select(ApiToken.last_used_at)) == first
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        client.get("/api/v1/me", headers=bearer(token))
    db.session.expire_all()
    assert db.session.scalar(select(ApiToken.last_used_at)) > first


def test_a_read_only_token_reads_but_cannot_write(runner, client, users):
    lines = _create(runner, users["caseworker"].email, "--read-only")
    assert "Read-only token" in lines[0]
    token = lines[-1]
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    reader = _create(runner, users["advocate"].email, "--read-only")[-1]
    assert client.get("/api/v1/cases", headers=bearer(reader)).status_code == 200
    response = client.post("/api/v1/referrals", json=body(), headers=bearer(token))
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json" and "read-only" in response.get_json()["detail"]
    assert set(db.session.scalars(select(ApiToken.read_only))) == {True}


def test_a_full_token_still_writes(runner, client, users):
    token = _create(runner, users["caseworker"].email)[-1]
    with time_machine.travel(datetime(2026, 12, 24, 11, 0, tzinfo=timezone.utc), tick=False):  # the body's day
        response = client.post("/api/v1/referrals", json=body(), headers=bearer(token))
    assert response.status_code == 201, response.get_json()
