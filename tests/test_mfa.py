"""The second factor: enrolment with an authenticator app, the code step at sign-in, recovery codes, lockout,
MFA_REQUIRED, and scripted provisioning with `user create --totp-secret`."""
import re

import pyotp
import pytest
from sqlalchemy import select, text

from victimcare.extensions import db
from victimcare.models import AuditEvent, RecoveryCode, TotpCredential
from victimcare.services import mfa

from .factories import TEST_PASSWORD, make_user
from .helpers_cases import recent_case

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
OFFICE = {"REMOTE_ADDR": "198.51.100.10"}


@pytest.fixture
def mfa_required(app):
    app.config["MFA_REQUIRED"] = True
    yield
    app.config["MFA_REQUIRED"] = False


def _enrolled(role="advocate", secret=SECRET, **kw):
    user = make_user(role, **kw)
    db.session.add(TotpCredential(user_id=user.id, secret=secret))
    db.session.commit()
    return user


def _code(secret=SECRET, offset=0):
    import time

    return pyotp.TOTP(secret).at(int(time.time()) + offset)


def _password(client, user, where=OFFICE):
    return client.post("/sign-in", data={"email": user.email, "password": TEST_PASSWORD}, environ_base=where)


def test_an_enrolled_user_must_give_a_code_before_any_page(app):
    user = _enrolled(service="domestic-abuse")
    case = recent_case("domestic-abuse", status="in-progress")
    client = app.test_client()
    response = _password(client, user)
    assert response.headers["Location"].endswith("/sign-in/second-factor")
    for path in (f"/cases/{case.id}", "/home", "/account/sessions", "/account/security"):
        blocked = client.get(path)
        assert blocked.status_code == 303 and blocked.headers["Location"].endswith("/sign-in/second-factor"), path
    page = client.get("/sign-in/second-factor")
    assert b"Check it is you" in page.data and b"Your sessions" not in page.data
    passed = client.post("/sign-in/second-factor", data={"code": _code()})
    assert passed.status_code == 302
    assert client.get(f"/cases/{case.id}").status_code == 200


def test_the_page_asked_for_is_reached_after_the_code(app):
    user = _enrolled(role="caseworker")
    client = app.test_client()
    client.post("/sign-in?next=/triage", data={"email": user.email, "password": TEST_PASSWORD})
    assert client.post("/sign-in/second-factor", data={"code": _code()}).headers["Location"].endswith("/triage")


def test_a_wrong_code_is_refused_and_counted(app):
    user = _enrolled()
    client = app.test_client()
    _password(client, user)
    response = client.post("/sign-in/second-factor", data={"code": "000000"})
    assert response.status_code == 401 and b"The code is not right" in response.data
    assert client.get("/home").status_code == 303
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "mfa-failed")).one()
    assert event.changes == {"reason": "second-factor"}


def test_a_code_works_once(app):
    user = _enrolled()
    code = _code()
    first = app.test_client()
    _password(first, user)
    assert first.post("/sign-in/second-factor", data={"code": code}).status_code == 302
    second = app.test_client()
    _password(second, user)
    assert second.post("/sign-in/second-factor", data={"code": code}).status_code == 401


def test_wrong_codes_lock_the_account_from_that_address_and_end_the_session(app):
    user = _enrolled()
    client = app.test_client()
    _password(client, user)
    for _ in range(app.config["LOCKOUT_THRESHOLD"] - 1):
        assert client.post("/sign-in/second-factor", data={"code": "123456"}, environ_base=OFFICE).status_code == 401
    response = client.post("/sign-in/second-factor", data={"code": "654321"}, environ_base=OFFICE)
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert b"the code was wrong too many times" in client.get(response.headers["Location"]).data
    assert _password(app.test_client(), user).status_code == 401  # locked from this address
    assert _password(app.test_client(), user, {"REMOTE_ADDR": "192.0.2.1"}).status_code == 302  # not elsewhere


def test_codes_are_rate_limited(app):
    user = _enrolled()
    client = app.test_client()
    _password(client, user)
    app.config["SECOND_FACTOR_RATE_LIMIT"] = "2 per minute"
    try:
        codes = [client.post("/sign-in/second-factor", data={"code": "111111"}).status_code for _ in range(3)]
    finally:
        app.config["SECOND_FACTOR_RATE_LIMIT"] = "10 per minute"
    assert codes == [401, 401, 429]


def _enrol_through_the_pages(client):
    page = client.get("/account/security/authenticator")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<svg" in html and 'aria-label="QR code for your authenticator app"' in html
    secret = re.search(r'<code class="vc-secret-key">([A-Z2-7 ]+)</code>', html).group(1).replace(" ", "")
    wrong = client.post("/account/security/authenticator", data={"code": "000000"})
    assert wrong.status_code == 400 and b"The code is not right" in wrong.data
    done = client.post("/account/security/authenticator", data={"code": _code(secret)})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})</code></li>",
                       done.get_data(as_text=True))
    return secret, codes


def test_when_required_a_new_user_enrols_before_any_page_and_gets_ten_recovery_codes(app, mfa_required):
    user = make_user("caseworker")
    client = app.test_client()
    response = _password(client, user)
    assert response.headers["Location"].endswith("/account/security")
    assert client.get("/triage").headers["Location"].endswith("/account/security")
    secret, codes = _enrol_through_the_pages(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/triage").status_code == 200  # enrolled and proven: in
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)  # only hashes are kept
    raw = db.session.execute(text("SELECT secret FROM totp_credentials")).scalar_one()
    assert secret not in raw  # encrypted at rest
    assert db.session.scalars(select(AuditEvent.action).where(AuditEvent.action == "mfa-enrolled")).all()


def test_a_recovery_code_signs_in_once(app):
    user = _enrolled()
    client = app.test_client()
    _password(client, user)
    client.post("/sign-in/second-factor", data={"code": _code()})
    codes = re.findall(r"<code>([a-z2-7-]{19})</code>", client.post("/account/security/recovery-codes").get_data(as_text=True))
    assert len(codes) == 10
    client.post("/sign-out")
    phoneless = app.test_client()
    _password(phoneless, user)
    response = phoneless.post("/sign-in/second-factor", data={"code": codes[0].upper().replace("-", " ")})
    assert response.status_code == 302
    assert b"You used a recovery code: 9 left" in phoneless.get(response.headers["Location"]).data
    again = app.test_client()
    _password(again, user)
    assert again.post("/sign-in/second-factor", data={"code": codes[0]}).status_code == 401


def test_without_mfa_required_a_user_with_no_factor_signs_in_with_a_password_and_sees_the_demo_banner(client, users):
    response = client.post("/sign-in", data={"email": users["caseworker"].email, "password": TEST_PASSWORD})
    assert response.headers["Location"].endswith("/home")
    page = client.get("/home")
    assert page.status_code == 200 and b"Second factor <strong>not required</strong>" in page.data


def test_with_mfa_required_there_is_no_demo_banner(app, client, mfa_required):
    assert b"not required</strong>" not in client.get("/sign-in").data


def test_production_requires_a_second_factor_and_local_running_does_not():
    from config import DevelopmentConfig, ProductionConfig

    assert ProductionConfig.MFA_REQUIRED is True
    assert DevelopmentConfig.MFA_REQUIRED is False


def test_removing_the_app_when_required_sends_the_person_back_to_enrolment(app, mfa_required):
    user = _enrolled(role="caseworker")
    client = app.test_client()
    _password(client, user)
    client.post("/sign-in/second-factor", data={"code": _code()})
    client.post("/account/security/authenticator/remove")
    assert client.get("/triage").headers["Location"].endswith("/account/security")
    assert mfa.factors_of(user.id) == {"totp": False, "recovery_codes_left": 0}


def test_the_api_is_not_behind_the_second_factor_page(app, mfa_required, users):
    from .factories import make_token

    token = make_token(users["caseworker"].email)
    response = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_user_create_with_totp_secret_enrols_that_secret(app, runner):
    result = runner.invoke(args=["user", "create", "scripted@example.org", "--name", "Scripted Person",
                                 "--role", "caseworker", "--password", "a-long-enough-password",
                                 "--totp-secret", "jbsw y3dp ehpk 3pxp jbsw y3dp ehpk 3pxp"])
    assert result.exit_code == 0, result.output
    assert "with an authenticator app" in result.output
    client = app.test_client()
    client.post("/sign-in", data={"email": "scripted@example.org", "password": "a-long-enough-password"})
    assert client.post("/sign-in/second-factor", data={"code": _code(SECRET)}).status_code == 302
    assert client.get("/triage").status_code == 200


def test_user_create_refuses_a_secret_that_is_not_base32(runner):
    result = runner.invoke(args=["user", "create", "bad@example.org", "--name", "Bad Secret", "--role", "caseworker",
                                 "--password", "a-long-enough-password", "--totp-secret", "JBSWY3DPEHPK3PXP"])  # 80 bits: too short
    assert result.exit_code != 0 and "base32" in result.output


def test_user_reset_second_factor_removes_every_factor_and_ends_sessions(app, runner):
    user = _enrolled(role="caseworker")
    client = app.test_client()
    _password(client, user)
    client.post("/sign-in/second-factor", data={"code": _code()})
    result = runner.invoke(args=["user", "reset-second-factor", user.email])
    assert result.exit_code == 0, result.output
    assert mfa.factors_of(user.id) == {"totp": False, "recovery_codes_left": 0}
    assert client.get("/triage").status_code == 302  # signed out
    fresh = app.test_client()
    assert _password(fresh, user).headers["Location"].endswith("/home")  # MFA off here: the password alone
    assert runner.invoke(args=["user", "reset-second-factor", "nobody@example.org"]).exit_code == 2
