"""Security keys (WebAuthn): the options the browser gets, and answers that do not check out. The whole journey,
with a real authenticator, is in tests/browser/test_security_key_browser.py (Chromium's virtual authenticator)."""
import json

from sqlalchemy import select

from victimcare.extensions import db
from victimcare.models import AuditEvent, SecurityKey

from .factories import TEST_PASSWORD, make_user


def _signed_in(app, user):
    client = app.test_client()
    client.post("/sign-in", data={"email": user.email, "password": TEST_PASSWORD})
    return client


def test_registration_options_name_this_host_and_exclude_keys_already_added(app):
    user = make_user("caseworker")
    client = _signed_in(app, user)  # signed in before the key existed: this session owes nothing
    db.session.add(SecurityKey(user_id=user.id, credential_id="AAAA", public_key="AAAA", name="Old key"))
    db.session.commit()
    options = client.post("/account/security/keys/options", json={}).get_json()
    assert options["rp"] == {"name": "victimcare", "id": "localhost"}
    assert options["user"]["name"] == user.email and options["challenge"]
    assert [c["id"] for c in options["excludeCredentials"]] == ["AAAA"]


def test_an_answer_that_does_not_check_out_adds_no_key(app):
    client = _signed_in(app, make_user("caseworker"))
    client.post("/account/security/keys/options", json={})
    response = client.post("/account/security/keys", json={"credential": {"id": "x", "response": {}}, "name": "Mine"})
    assert response.status_code == 422 and "could not be added" in response.get_json()["detail"]
    assert db.session.scalar(select(SecurityKey)) is None


def test_a_user_with_a_key_is_asked_for_it_and_a_forged_answer_counts_as_a_failure(app):
    user = make_user("advocate", service="domestic-abuse")
    db.session.add(SecurityKey(user_id=user.id, credential_id="AAAA", public_key="AAAA", name="Key"))
    db.session.commit()
    client = _signed_in(app, user)
    page = client.get("/sign-in/second-factor")
    assert b"Use your security key" in page.data and b"authenticator app on your phone" not in page.data
    options = client.post("/sign-in/second-factor/key/options", json={}).get_json()
    assert [c["id"] for c in options["allowCredentials"]] == ["AAAA"]
    forged = {"id": "AAAA", "rawId": "AAAA", "type": "public-key",
              "response": {"clientDataJSON": "e30", "authenticatorData": "AAAA", "signature": "AAAA"}}
    response = client.post("/sign-in/second-factor/key", json={"credential": forged})
    assert response.status_code == 401
    assert client.get("/home").status_code == 303
    assert db.session.scalars(select(AuditEvent.changes).where(AuditEvent.action == "mfa-failed")).one() == \
        {"reason": "second-factor"}
    assert json.dumps(options)  # the options are plain JSON for the browser
