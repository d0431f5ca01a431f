"""Start to finish on a real queue: a Celery worker process (`celery -A wsgi.celery worker`) against Redis runs
the jobs this process commits. An email arrives at the in-process SMTP server, and a signed webhook arrives at a
local HTTP endpoint, retried after a first 500.

Needs Redis on 127.0.0.1:6379 (.ci/run starts it). Without it the test is skipped loudly, or fails when
REDIS_TESTS_REQUIRED is set (CI sets it).
"""
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select
from standardwebhooks.webhooks import Webhook

from victimcare.extensions import db
from victimcare.jobs.celery_app import init_celery
from victimcare.jobs.dispatch import CeleryDispatcher
from victimcare.models import OutboxJob
from victimcare.services import notifications, outbox, webhooks
from victimcare.services.actors import SYSTEM
from victimcare.uow import unit_of_work

from .factories import make_user
from .webhook_receiver import WebhookReceiver

ROOT = Path(__file__).resolve().parents[1]
REDIS = "redis://127.0.0.1:6379/0"
SECRET = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwAAAA"


def _redis_or_skip():
    import redis

    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        message = f"REDIS INTEGRATION TEST NOT RUN: no Redis at {REDIS} ({type(error).__name__})"
        if os.environ.get("REDIS_TESTS_REQUIRED"):
            pytest.fail(message, pytrace=False)
        print("\n" + "!" * 100 + "\n" + message + "\n" + "!" * 100)
        pytest.skip(message)


@pytest.fixture
def queue_name():
    name = f"victimcare-test-{uuid.uuid4().hex[:12]}"
    yield name
    import redis

    client = redis.Redis.from_url(REDIS)
    client.delete(name, f"{name}\x06\x163", f"{name}\x06\x166", f"{name}\x06\x169")


@pytest.fixture
def worker(app, mailbox, queue_name):
    """A real worker process on its own queue, reading the suite's database and mailing the suite's SMTP server."""
    from cryptography.fernet import Fernet

    _redis_or_skip()
    # Every app server and worker shares the keys that decrypt stored secrets (a partner's webhook secret).
    shared_key = Fernet.generate_key().decode()
    saved_keys = app.config.get("DATA_ENCRYPTION_KEYS")
    app.config["DATA_ENCRYPTION_KEYS"] = shared_key
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TEST_", "VICTIMCARE_"))}
    env.update({
        "DATA_ENCRYPTION_KEYS": shared_key,
        "VICTIMCARE_CONFIG": "default", "SECRET_KEY": "integration-test-secret-key-0123456789abcdef",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "CELERY_BROKER_URL": REDIS,
        "CELERY_QUEUE": queue_name, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(mailbox.controller.port),
        "MAIL_USE_TLS": "false", "APP_BASE_URL": "https://victimcare.example", "WEBHOOK_RETRY_SECONDS": "1,1,1",
        "EXPORT_DIR": app.config["EXPORT_DIR"], "MAIL_DIR": app.config["MAIL_DIR"],
    })
    celery = Path(sys.executable).with_name("celery")
    process = subprocess.Popen(
        [str(celery), "-A", "wsgi.celery", "worker", "--pool", "solo", "--loglevel", "INFO", "-Q", queue_name,
         "--without-heartbeat", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    yield process
    app.config["DATA_ENCRYPTION_KEYS"] = saved_keys
    process.terminate()
    try:
        output, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    print(output[-4000:])


@pytest.fixture
def broker_dispatch(app, queue_name):
    """This process sends jobs to the broker, as an app server with CELERY_BROKER_URL set does."""
    saved = {key: app.config[key] for key in ("CELERY_BROKER_URL", "CELERY_QUEUE")}
    app.config.update(CELERY_BROKER_URL=REDIS, CELERY_QUEUE=queue_name)
    eager = app.extensions["victimcare.jobs"]
    app.extensions["victimcare.jobs"] = CeleryDispatcher(app, init_celery(app))
    yield
    app.extensions["victimcare.jobs"] = eager
    app.config.update(saved)


def _wait(condition, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_a_real_worker_on_redis_sends_the_email_and_the_signed_webhook_retrying_after_a_500(
        app, mailbox, worker, broker_dispatch):
    lead = make_user("advocate", service="domestic-abuse", is_lead=True)
    before = len(mailbox.messages)
    with WebhookReceiver() as receiver:
        receiver.responses = [500]
        with unit_of_work():
            webhooks.add_endpoint(SYSTEM, receiver.url, ["case.accepted"], SECRET)
        with unit_of_work():
            notifications.email_users("closure-approval", "closure_approval", [lead.id],
                                      {"service_name": "Domestic abuse advocacy", "case_id": 41})
            webhooks.publish("case.accepted", {"referral": {"reference": "VC-000041"},
                                               "case": {"id": 41, "service": "domestic-abuse",
                                                        "status": "accepted"}}, ordering_key="VC-000041")
        assert _wait(lambda: mailbox.since(before) and len(receiver.requests) >= 2), (
            f"worker did not finish: {len(mailbox.since(before))} emails, {len(receiver.requests)} webhook calls")
        first, second = receiver.requests[:2]
    [email] = mailbox.since(before)
    assert email["Subject"] == "A case closure is waiting for your approval" and lead.email in email["To"]
    payload = Webhook(SECRET).verify(second[1], second[0])
    assert payload["type"] == "case.accepted" and payload["data"]["case"]["id"] == 41
    assert first[0]["webhook-id"] == second[0]["webhook-id"]
    db.session.expire_all()
    assert _wait(lambda: (db.session.expire_all() or True) and all(
        job.done_at is not None for job in db.session.scalars(select(OutboxJob))), timeout=20)


def test_jobs_committed_while_no_worker_runs_wait_in_the_outbox_and_are_relayed(app, broker_dispatch):
    """Nothing is lost between the commit and a worker: the job stays pending, and the relay sends it again."""
    _redis_or_skip()
    user = make_user("advocate", service="domestic-abuse")
    with unit_of_work():
        job_id = outbox.enqueue("staff-email", {"template": "test", "user_ids": [user.id]}).id
    assert db.session.get(OutboxJob, job_id).done_at is None  # no worker: sent to Redis, not yet run
    assert app.extensions["victimcare.jobs"].relay(grace_seconds=0) == 1
