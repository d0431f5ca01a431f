"""Two app servers on one PostgreSQL and one Redis (issue 14): nothing a request needs stays on one server.

Two gunicorn processes are started on two ports, sharing DATABASE_URL, SECRET_KEY, DATA_ENCRYPTION_KEYS and a
Redis for rate limits and the job broker. A caseworker walks the whole referral journey and an advocate accepts
the case and records a first contact, each request going to the other server than the one before, with the
same cookie: the server-side session, the CSRF token, the referral draft (encrypted, in the database) and the
case's version all have to be shared for that to work. The sign-in rate limit counts attempts on both servers
together. The audit events both servers wrote are sealed into one whole chain.

Needs PostgreSQL (TEST_DATABASE_URL; two processes cannot share the suite's SQLite database) and Redis on
127.0.0.1:6379 (.ci/run starts both and runs the suite on PostgreSQL). Without Redis the test is skipped loudly,
or fails when REDIS_TESTS_REQUIRED is set (CI sets it).
"""
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from victimcare.extensions import db
from victimcare.models import AuditEvent, Case, ContactAttempt, Referral, ReferralDraft
from victimcare.services import audit

from .factories import TEST_PASSWORD, make_user
from .helpers_referrals import walk_to_check

ROOT = Path(__file__).resolve().parents[1]
REDIS = "redis://127.0.0.1:6379/0"
LIMIT = 4  # failed sign-ins a minute from one address, across every server

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="two app servers need a database both can reach: runs in the PostgreSQL pass (TEST_DATABASE_URL)",
)


def _redis_or_skip():
    import redis

    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        message = f"MULTI-SERVER TEST NOT RUN: no Redis at {REDIS} ({type(error).__name__})"
        if os.environ.get("REDIS_TESTS_REQUIRED"):
            pytest.fail(message, pytrace=False)
        print("\n" + "!" * 100 + "\n" + message + "\n" + "!" * 100)
        pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(url: str, process, timeout: float = 60) -> None:
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{process.stdout.read()[-3000:]}")
        try:
            requests.get(url + "/sign-in", timeout=10)
            return
        except requests.RequestException:  # not listening yet, or still loading the app
            time.sleep(0.3)
    raise RuntimeError(f"server at {url} did not answer in {timeout} s")


@pytest.fixture(scope="module")
def servers(app):
    """Two gunicorn app servers (one sync worker each) on the suite's PostgreSQL database and Redis."""
    from cryptography.fernet import Fernet

    _redis_or_skip()
    prefix = f"vc-multi-{uuid.uuid4().hex[:10]}"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TEST_", "VICTIMCARE_"))}
    env.update({
        "VICTIMCARE_CONFIG": "default", "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "multi-server-test-secret-key-0123456789abcdef",
        "DATA_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "RATELIMIT_STORAGE_URI": REDIS, "RATELIMIT_KEY_PREFIX": prefix, "LOGIN_RATE_LIMIT": f"{LIMIT} per minute",
        "CELERY_BROKER_URL": REDIS, "CELERY_QUEUE": prefix,  # jobs go to the broker; no worker needed here
        "MAIL_DIR": app.config["MAIL_DIR"], "EXPORT_DIR": app.config["EXPORT_DIR"],
    })
    gunicorn = Path(sys.executable).with_name("gunicorn")
    started = []
    try:
        for _ in range(2):
            port = _free_port()
            process = subprocess.Popen(
                [str(gunicorn), "--workers", "1", "--bind", f"127.0.0.1:{port}", "--timeout", "60", "wsgi:app"],
                cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            started.append((f"http://127.0.0.1:{port}", process))
        for url, process in started:
            _wait_for(url, process)
        yield [url for url, _ in started], prefix
    finally:
        for _, process in started:
            process.terminate()
        for _, process in started:
            try:
                process.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        _forget_limits(prefix)


def _forget_limits(prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS)
    for key in client.scan_iter(f"*{prefix}*"):  # the limits (LIMITS:LIMITER/prefix/...) and the queue
        client.delete(key)


class Alternating:
    """A browser whose every request goes to the next server in turn, with one cookie jar (cookies do not
    depend on the port), speaking enough of the Flask test client's interface for the journey helpers."""

    def __init__(self, urls):
        import requests

        self.urls, self.turn, self.served_by = urls, 0, []
        self.http = requests.Session()
        self.csrf = None

    def _next(self) -> str:
        url = self.urls[self.turn % len(self.urls)]
        self.turn += 1
        self.served_by.append(url)
        return url

    def get(self, path, **kwargs):
        return _Response(self.http.get(self._next() + path, allow_redirects=False, timeout=30, **kwargs))

    def post(self, path, data=None, **kwargs):
        pairs = list(data.items(multi=True)) if hasattr(data, "items") and hasattr(data, "getlist") else \
            list((data or {}).items()) if isinstance(data, dict) else list(data or [])
        if self.csrf:
            pairs.append(("csrf_token", self.csrf))
        return _Response(self.http.post(self._next() + path, data=pairs, allow_redirects=False, timeout=30))

    def sign_in(self, email, password=TEST_PASSWORD):
        self.csrf = _csrf(self.get("/sign-in").text)
        response = self.post("/sign-in", {"email": email, "password": password})
        if response.status_code == 302:
            self.csrf = _csrf(self.get("/home").text)  # the signed-in session's token
        return response


class _Response:
    def __init__(self, response):
        self.status_code, self.headers, self.text = response.status_code, response.headers, response.text
        self.data = response.content

    def get_data(self, as_text=False):
        return self.text if as_text else self.data


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def test_a_referral_journey_and_a_first_contact_alternating_servers_with_one_cookie(servers):
    servers, _ = servers
    caseworker = make_user("caseworker")
    advocate = make_user("advocate", service="domestic-abuse")
    browser = Alternating(servers)
    assert browser.sign_in(caseworker.email).status_code == 302
    walk_to_check(browser, category="domestic-abuse")
    db.session.expire_all()
    # One draft, whichever server saved each page (its answers are in the servers' key, not this process's).
    assert db.session.scalars(select(ReferralDraft.user_id)).all() == [caseworker.id]
    check = browser.get("/referrals/new/check")
    assert check.status_code == 200 and "Okafor" in check.text
    submitted = browser.post("/referrals/new/check", {})
    assert submitted.status_code == 302, submitted.text[:500]
    db.session.expire_all()
    referral = db.session.scalars(select(Referral)).one()
    assert db.session.scalars(select(ReferralDraft.id)).all() == []  # gone with the submission
    case = db.session.scalars(select(Case).where(Case.referral_id == referral.id)).one()
    # Received two hours ago, so a contact an hour ago is after it (the contact form works in whole minutes).
    referral.received_at = case.received_at = referral.received_at - timedelta(hours=2)
    db.session.commit()

    advocate_browser = Alternating(list(reversed(servers)))
    assert advocate_browser.sign_in(advocate.email).status_code == 302
    assert referral.reference in advocate_browser.get("/cases/").text
    page = advocate_browser.get(f"/cases/{case.id}").text
    version = re.search(r'name="version"[^>]*value="(\d+)"', page).group(1)
    accepted = advocate_browser.post(f"/cases/{case.id}/status/accept", {"version": version})
    assert accepted.status_code == 302, accepted.text[:500]
    page = advocate_browser.get(f"/cases/{case.id}/contacts").text
    version = re.search(r'name="version"[^>]*value="(\d+)"', page).group(1)
    when = datetime.now(timezone.utc) - timedelta(hours=1)
    london = when.astimezone(__import__("zoneinfo").ZoneInfo("Europe/London"))
    contact = advocate_browser.post(f"/cases/{case.id}/contacts", [
        ("version", version), ("at_date", str(london.day)), ("at_date", str(london.month)),
        ("at_date", str(london.year)), ("at_time", london.strftime("%H:%M")), ("method", "phone"),
        ("outcome", "reached")])
    assert contact.status_code == 302, re.findall(r'govuk-error-summary__list.*?</ul>', contact.text, re.S)
    assert advocate_browser.get(f"/cases/{case.id}/contacts").status_code == 200

    assert set(browser.served_by) == set(servers) and set(advocate_browser.served_by) == set(servers)
    db.session.expire_all()
    assert db.session.scalars(select(ContactAttempt).where(ContactAttempt.case_id == case.id)).one()
    assert db.session.get(Case, case.id).first_contacted_at is not None
    deadline = time.monotonic() + 15  # each server's sealer thread seals after its responses: wait for them
    while time.monotonic() < deadline and db.session.scalar(select(AuditEvent.id).where(AuditEvent.seq.is_(None)).limit(1)):
        db.session.rollback()
        time.sleep(0.2)
    db.session.expire_all()
    events = db.session.scalars(select(AuditEvent)).all()
    assert events and all(event.seq is not None for event in events)
    result = audit.verify_chain()
    assert result.ok and result.events_checked == len(events), result.message


def test_the_sign_in_rate_limit_counts_attempts_on_both_servers_together(servers):
    servers, prefix = servers
    _forget_limits(prefix)  # the other test's sign-ins counted too
    browser = Alternating(servers)
    browser.csrf = _csrf(browser.get("/sign-in").text)
    statuses = [browser.post("/sign-in", {"email": "nobody@example.org", "password": "wrong"}).status_code
                for _ in range(LIMIT + 2)]
    # Each server alone has seen only half the attempts; together they pass the limit.
    assert statuses[:LIMIT] == [401] * LIMIT, statuses
    assert statuses[LIMIT:] == [429, 429], statuses
