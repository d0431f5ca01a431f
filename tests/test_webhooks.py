"""Webhooks to partners: registered from the command line or the admin pages, signed by Standard Webhooks,
retried with backoff, in order per referral, logged per endpoint, and an endpoint that fails for a day is disabled."""
import json
from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import select, text
from standardwebhooks.webhooks import Webhook

from victimcare.extensions import db
from victimcare.jobs import runner
from victimcare.models import AuditEvent, WebhookDelivery, WebhookEndpoint
from victimcare.services import webhooks
from victimcare.services.actors import SYSTEM
from victimcare.uow import unit_of_work

from .factories import make_user
from .mailbox import text_of
from .webhook_receiver import WebhookReceiver

SECRET = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" + "AAAA"  # 27 bytes of base64


@pytest.fixture
def receiver():
    with WebhookReceiver() as server:
        yield server


def _endpoint(url, events=("referral.received", "case.accepted")):
    with unit_of_work():
        return webhooks.add_endpoint(SYSTEM, url, list(events), SECRET).id


def _publish(event="referral.received", reference="VC-000123", data=None):
    with unit_of_work():
        return webhooks.publish(event, data or {"referral": {"reference": reference, "status": "routed"}},
                                ordering_key=reference)


def test_webhook_add_list_and_disable_from_the_command_line(runner, tmp_path):
    secret_file = tmp_path / "partner.secret"
    secret_file.write_text(SECRET + "\n")
    result = runner.invoke(args=["webhook", "add", "--url", "https://partner.example/hooks", "--events",
                                 "referral.received,case.closed", "--secret-file", str(secret_file)])
    assert result.exit_code == 0, result.output
    assert "Added webhook endpoint 1: https://partner.example/hooks (referral.received, case.closed)" in result.output
    listed = runner.invoke(args=["webhook", "list"])
    assert "1\tactive\thttps://partner.example/hooks\treferral.received,case.closed" in listed.output
    disabled = runner.invoke(args=["webhook", "disable", "1"])
    assert disabled.exit_code == 0 and "is now disabled" in disabled.output
    assert "1\tdisabled" in runner.invoke(args=["webhook", "list"]).output


@pytest.mark.parametrize("events, secret, message", [
    ("referral.received,case.reopened", SECRET, "Unknown event case.reopened"),
    ("referral.received", "not-a-secret", "must start with whsec_"),
    ("referral.received", "whsec_c2hvcnQ=", "between 24 and 64 bytes"),
])
def test_webhook_add_refuses_bad_events_and_secrets_with_a_message(runner, tmp_path, events, secret, message):
    secret_file = tmp_path / "partner.secret"
    secret_file.write_text(secret)
    result = runner.invoke(args=["webhook", "add", "--url", "https://partner.example/hooks", "--events", events,
                                 "--secret-file", str(secret_file)])
    assert result.exit_code != 0 and message in result.output
    assert db.session.scalar(select(WebhookEndpoint)) is None


def test_the_signing_secret_is_encrypted_in_the_database_and_still_signs(app, receiver):
    endpoint_id = _endpoint(receiver.url)
    stored = db.session.execute(text("SELECT secret FROM webhook_endpoints WHERE id = :id"), {"id": endpoint_id}).scalar()
    assert stored.startswith("enc1:") and SECRET not in stored and SECRET[6:] not in stored
    assert db.session.get(WebhookEndpoint, endpoint_id).secret == SECRET
    _publish()
    [(headers, body)] = receiver.wait_for(1)
    assert Webhook(SECRET).verify(body, headers)["type"] == "referral.received"


def test_a_secret_no_key_can_read_fails_loudly_rather_than_signing_with_garbage(app):
    from cryptography.fernet import Fernet

    from victimcare import crypto

    endpoint_id = _endpoint("https://partner.example/hooks")
    db.session.expire_all()
    app.config["DATA_ENCRYPTION_KEYS"] = Fernet.generate_key().decode()  # not the key the secret was stored with
    try:
        with pytest.raises(crypto.UnreadableSecret, match="was a key removed"):
            db.session.get(WebhookEndpoint, endpoint_id).secret
    finally:
        app.config["DATA_ENCRYPTION_KEYS"] = None
        db.session.rollback()


def test_encryption_keys_rotate_newest_first(app):
    from cryptography.fernet import Fernet

    from victimcare import crypto

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    try:
        app.config["DATA_ENCRYPTION_KEYS"] = old
        stored = crypto.encrypt(SECRET)
        app.config["DATA_ENCRYPTION_KEYS"] = f"{new},{old}"
        assert crypto.decrypt(stored) == SECRET
        app.config["DATA_ENCRYPTION_KEYS"] = new
        with pytest.raises(crypto.UnreadableSecret):
            crypto.decrypt(stored)
    finally:
        app.config["DATA_ENCRYPTION_KEYS"] = None


def test_a_delivery_is_signed_by_the_standard_and_has_the_specs_shape(app, receiver):
    _endpoint(receiver.url)
    assert _publish() == 1
    [(headers, body)] = receiver.wait_for(1)
    payload = Webhook(SECRET).verify(body, headers)  # raises unless the signature and timestamp are right
    assert payload["type"] == "referral.received"
    assert payload["data"] == {"referral": {"reference": "VC-000123", "status": "routed"}}
    assert datetime.fromisoformat(payload["timestamp"].replace("Z", "+00:00")).tzinfo is not None
    assert headers["webhook-id"].startswith("msg_") and headers["content-type"] == "application/json"
    delivery = db.session.scalar(select(WebhookDelivery))
    assert delivery.status == "delivered" and delivery.attempts == 1 and delivery.last_status_code == 204


def test_a_failed_delivery_is_retried_after_the_first_delay_with_the_same_webhook_id(app, receiver):
    _endpoint(receiver.url)
    receiver.responses = [500]
    _publish()
    delivery = db.session.scalar(select(WebhookDelivery))
    assert delivery.status == "pending" and delivery.last_error == "HTTP 500" and delivery.attempts == 1
    start = datetime.now(timezone.utc)
    with time_machine.travel(start + timedelta(seconds=20)):
        assert runner.run_due() == 0  # the first retry waits 30 seconds
    with time_machine.travel(start + timedelta(seconds=31)):
        assert runner.run_due() == 1
        first, second = receiver.wait_for(2)
        Webhook(SECRET).verify(second[1], second[0])
    assert first[0]["webhook-id"] == second[0]["webhook-id"]
    db.session.expire_all()
    delivery = db.session.get(WebhookDelivery, delivery.id)
    assert delivery.status == "delivered" and delivery.attempts == 2


def test_a_referrals_events_reach_each_endpoint_in_order(app, receiver):
    _endpoint(receiver.url)
    receiver.responses = [503]
    _publish("referral.received", "VC-000001")
    _publish("case.accepted", "VC-000001", {"referral": {"reference": "VC-000001"}, "case": {"id": 7}})
    _publish("referral.received", "VC-000002")  # another referral is not held up
    sent = [json.loads(body)["data"]["referral"]["reference"] + " " + json.loads(body)["type"]
            for _, body in receiver.wait_for(2)]
    assert sent == ["VC-000001 referral.received", "VC-000002 referral.received"]
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(seconds=35)):
        runner.run_due()
        runner.run_due()
        sent = [json.loads(body)["type"] + " " + json.loads(body)["data"]["referral"]["reference"]
                for _, body in receiver.wait_for(4)]
    assert sent[2:] == ["referral.received VC-000001", "case.accepted VC-000001"]


def test_no_answer_within_the_timeout_is_a_failure_that_is_retried(app, receiver):
    app.config["WEBHOOK_TIMEOUT_SECONDS"] = 1
    receiver.delay = 1.5
    try:
        _endpoint(receiver.url)
        _publish()
    finally:
        app.config["WEBHOOK_TIMEOUT_SECONDS"] = 5
    delivery = db.session.scalar(select(WebhookDelivery))
    assert delivery.status == "pending" and delivery.last_error == "No answer within 1 seconds"


def test_an_endpoint_failing_for_a_day_is_disabled_and_administrators_are_emailed(app, receiver, mailbox):
    admin = make_user("admin")
    endpoint_id = _endpoint(receiver.url)
    receiver.responses = [500] * 20
    _publish()
    moment = datetime.now(timezone.utc)
    for delay in app.config["WEBHOOK_RETRY_SECONDS"]:
        moment += timedelta(seconds=delay + 1)
        with time_machine.travel(moment):
            runner.run_due()
    delivery = db.session.scalar(select(WebhookDelivery))
    assert delivery.status == "failed" and delivery.attempts == 7  # the retries span about 19 hours
    assert db.session.get(WebhookEndpoint, endpoint_id).active  # not yet a whole day
    with time_machine.travel(moment + timedelta(hours=6)):
        _publish(reference="VC-000200")
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    assert not endpoint.active and "24 hours" in endpoint.disabled_reason
    [alert] = mailbox.to(admin.email)
    assert "partner webhook endpoint was disabled" in alert["Subject"]
    assert "https://victimcare.example/admin/webhooks/1" in text_of(alert)
    waiting = db.session.scalars(select(WebhookDelivery).where(WebhookDelivery.status == "pending")).all()
    assert len(waiting) == 1  # the newest event waits for the endpoint to be enabled again
    receiver.responses = []
    with unit_of_work():
        webhooks.set_active(SYSTEM, endpoint_id, True)
    assert receiver.wait_for(9)[-1][1]  # sent at once on enabling, with the failed one (retried in order)
    db.session.expire_all()
    statuses = sorted(d.status for d in db.session.scalars(select(WebhookDelivery)))
    assert statuses == ["delivered", "delivered"]


def test_retry_now_on_the_admin_page_sends_a_failed_delivery_again(app, client, auth, receiver):
    admin = make_user("admin")
    endpoint_id = _endpoint(receiver.url)
    receiver.responses = [500]
    _publish()
    delivery = db.session.scalar(select(WebhookDelivery))
    auth.login(admin)
    page = client.get(f"/admin/webhooks/{endpoint_id}")
    assert page.status_code == 200 and b"HTTP 500" in page.data and b"Retry now" in page.data
    response = client.post(f"/admin/webhooks/{endpoint_id}/deliveries/{delivery.id}/retry")
    assert response.status_code == 302
    receiver.wait_for(2)
    db.session.expire_all()
    assert db.session.get(WebhookDelivery, delivery.id).status == "delivered"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "webhook_delivery")) is not None


def test_an_administrator_adds_an_endpoint_and_sees_a_generated_secret_once(app, client, auth):
    auth.login(make_user("admin"))
    response = client.post("/admin/webhooks/new", data={"url": "https://partner.example/in",
                                                        "events": ["case.closed"], "secret": ""})
    assert response.status_code == 200 and b"whsec_" in response.data and b"not shown again" in response.data
    endpoint = db.session.scalar(select(WebhookEndpoint))
    assert endpoint.events == ["case.closed"] and endpoint.secret.encode() in response.data
    assert endpoint.secret.encode() not in client.get(f"/admin/webhooks/{endpoint.id}").data
    bad = client.post("/admin/webhooks/new", data={"url": "ftp://partner.example", "events": ["case.closed"]})
    assert bad.status_code == 400 and b"Enter the endpoint as" in bad.data


@pytest.mark.parametrize("role", ["caseworker", "advocate", "commissioner"])
def test_only_administrators_manage_webhooks_and_see_background_work(app, client, auth, role):
    auth.login(make_user(role, service="domestic-abuse" if role == "advocate" else None))
    for path in ("/admin/webhooks", "/admin/webhooks/new", "/admin/background-work"):
        assert client.get(path).status_code == 403
