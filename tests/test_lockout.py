"""Lockout by account and network address; repeated lockouts reach the administrators; the change-password page's
current-password check is throttled and counts toward lockout."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from victimcare.extensions import db
from victimcare.models import AuditEvent, User
from victimcare.services import lockout

from .factories import TEST_PASSWORD, make_user
from .mailbox import text_of

ATTACKER = {"REMOTE_ADDR": "203.0.113.66"}
OFFICE = {"REMOTE_ADDR": "198.51.100.10"}


def _attempt(client, user, password, where):
    return client.post("/sign-in", data={"email": user.email, "password": password}, environ_base=where)


def _lock_out(app, user, where=ATTACKER):
    client = app.test_client()
    for _ in range(app.config["LOCKOUT_THRESHOLD"]):
        _attempt(client, user, "a-wrong-guess!", where)


def test_someone_elsewhere_cannot_keep_a_colleague_locked_out(app, users):
    colleague = users["advocate"]
    _lock_out(app, colleague, ATTACKER)
    attacker = app.test_client()
    assert _attempt(attacker, colleague, TEST_PASSWORD, ATTACKER).status_code == 401  # locked from there
    office = app.test_client()
    assert _attempt(office, colleague, TEST_PASSWORD, OFFICE).status_code == 302  # but not from the office
    assert office.get("/home", environ_base=OFFICE).status_code == 200


def test_a_lock_is_recorded_with_what_was_guessed(app, users):
    _lock_out(app, users["caseworker"])
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "locked-out")).one()
    assert event.object_id == str(users["caseworker"].id) and event.changes["reason"] == "password"


def test_an_administrators_unlock_lifts_every_lock(app, users):
    user = users["caseworker"]
    _lock_out(app, user)
    db.session.expire_all()
    lockout.unlock(db.session.get(User, user.id))
    db.session.commit()
    assert _attempt(app.test_client(), user, TEST_PASSWORD, ATTACKER).status_code == 302


def test_clearing_the_accounts_lock_time_lifts_the_lock_too(app, users):
    user = users["caseworker"]
    _lock_out(app, user)
    db.session.expire_all()
    db.session.get(User, user.id).locked_until = datetime.now(timezone.utc) - timedelta(seconds=1)
    db.session.commit()
    assert _attempt(app.test_client(), user, TEST_PASSWORD, ATTACKER).status_code == 302


def test_a_success_from_an_address_wipes_its_count(app, users):
    user = users["caseworker"]
    client = app.test_client()
    for _ in range(app.config["LOCKOUT_THRESHOLD"] - 1):
        _attempt(client, user, "a-wrong-guess!", OFFICE)
    assert _attempt(client, user, TEST_PASSWORD, OFFICE).status_code == 302
    client.post("/sign-out", environ_base=OFFICE)
    _attempt(client, user, "a-wrong-guess!", OFFICE)
    assert _attempt(client, user, TEST_PASSWORD, OFFICE).status_code == 302


def test_repeated_lockouts_of_one_account_email_the_administrators_once(app, users, mailbox):
    target = users["advocate"]
    before = len(mailbox.messages)
    for n in range(app.config["LOCKOUT_ALERT_COUNT"] + 1):
        _lock_out(app, target, {"REMOTE_ADDR": f"203.0.113.{n + 1}"})
    sent = [m for m in mailbox.since(before) if m["To"] and users["admin"].email in m["To"]]
    assert len(sent) == 1, [m["Subject"] for m in sent]
    body = text_of(sent[0])
    assert f"has been locked {app.config['LOCKOUT_ALERT_COUNT']} times" in body
    assert target.email in body and "from 3 network addresses" in body
    assert not [m for m in mailbox.since(before) if target.email in (m["To"] or "")]  # only administrators


def test_one_lockout_emails_nobody(app, users, mailbox):
    before = len(mailbox.messages)
    _lock_out(app, users["advocate"])
    assert mailbox.since(before) == []


def _change(client, current, where=OFFICE):
    return client.post("/account/password", environ_base=where, data={
        "current_password": current, "new_password": "a-brand-new-password", "confirm_password": "a-brand-new-password"})


def test_wrong_current_passwords_count_toward_lockout_and_end_the_session(app, users):
    user = users["caseworker"]
    stolen = app.test_client()
    assert _attempt(stolen, user, TEST_PASSWORD, ATTACKER).status_code == 302
    for _ in range(app.config["LOCKOUT_THRESHOLD"] - 1):
        assert _change(stolen, "guess-number-something", ATTACKER).status_code == 400
    response = _change(stolen, "guess-number-last-one", ATTACKER)
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert b"the current password was wrong too many times" in stolen.get(response.headers["Location"]).data
    assert stolen.get("/home", environ_base=ATTACKER).status_code == 302  # signed out
    assert _attempt(app.test_client(), user, TEST_PASSWORD, ATTACKER).status_code == 401  # locked from there
    assert _attempt(app.test_client(), user, TEST_PASSWORD, OFFICE).status_code == 302  # not from the office
    reasons = [e.changes.get("reason") for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.in_(("sign-in-failed", "locked-out"))))]
    assert reasons.count("current-password") == app.config["LOCKOUT_THRESHOLD"]


def test_the_current_password_check_is_rate_limited(app, users):
    client = app.test_client()
    _attempt(client, users["caseworker"], TEST_PASSWORD, OFFICE)
    app.config["PASSWORD_CHECK_RATE_LIMIT"] = "2 per minute"
    try:
        codes = [_change(client, "not-it-at-all").status_code for _ in range(3)]
    finally:
        app.config["PASSWORD_CHECK_RATE_LIMIT"] = "5 per minute"
    assert codes == [400, 400, 429]
