"""Fixtures in the Flask tutorial's style: app, client, runner, and helpers that read like a story.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set. The schema is built once
per session by running the real migrations (so every test also exercises them); each test starts from empty
tables, keeping the reference data (boroughs, services) that the migrations load.
"""
import os
import re

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import select, text

from victimcare import create_app
from victimcare.extensions import db as _db
from victimcare.extensions import limiter

from .factories import TEST_PASSWORD, make_user
from .mailbox import Mailbox, text_of

REFERENCE_TABLES = {"boroughs", "services", "alembic_version"}
GENESIS = "0" * 64


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def _reset_schema(url: str) -> None:
    if not url.startswith("postgresql"):
        return
    from sqlalchemy import create_engine

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


class IsolatedClient(FlaskClient):
    """Each request gets its own app context (so its own `g` and database session), as in production.

    Without this, requests would reuse the test's app context and share cached state between requests.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing():
    """Argon2 at its production cost takes about a second per sign-in on a busy 2-core machine, and the suite
    signs in well over a thousand times. Tests are not about the hash's cost, so the suite hashes and verifies
    with the cheapest argon2 parameters (the hash records its parameters, so verification is cheap too)."""
    from argon2 import PasswordHasher

    from victimcare.services import users as user_service

    assert hasattr(user_service, "_hasher") and hasattr(user_service, "_DUMMY_HASH"), "update this fixture"
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    real = user_service._hasher, user_service._DUMMY_HASH
    user_service._hasher, user_service._DUMMY_HASH = cheap, cheap.hash("not-a-real-password")
    yield
    user_service._hasher, user_service._DUMMY_HASH = real


@pytest.fixture(scope="session")
def mailbox():
    """The in-process SMTP server every email of the suite goes to."""
    box = Mailbox()
    box.start()
    yield box
    box.stop()


@pytest.fixture(scope="session")
def app(tmp_path_factory, mailbox):
    url = _database_url(tmp_path_factory)
    _reset_schema(url)
    files = tmp_path_factory.mktemp("instance")
    app = create_app("testing", {
        "SQLALCHEMY_DATABASE_URI": url,
        "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": mailbox.controller.port, "MAIL_USE_TLS": False,
        "MAIL_DIR": str(files / "mail"), "EXPORT_DIR": str(files / "exports"), "NOTIFY_DIR": str(files / "notify"),
        "APP_BASE_URL": "https://victimcare.example",
    })
    app.test_client_class = IsolatedClient
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


def _empty_tables():
    tables = [t for t in reversed(_db.metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
    if _db.engine.dialect.name == "postgresql":
        _empty_postgresql_tables([t.name for t in tables])
    else:
        for table in tables:
            _db.session.execute(table.delete())
        _db.session.execute(text("DELETE FROM sqlite_sequence")) if _has_sqlite_sequence() else None
    _db.session.execute(text("INSERT INTO audit_chain_head (id, seq, last_hash) VALUES (1, 0, :h)"), {"h": GENESIS})
    _db.session.execute(
        text("UPDATE services SET first_contact_days_enhanced = 2, first_contact_days_standard = 5, "
             "allow_self_approval = :f, active = :t, new_case_notify = 'advocates'"),
        {"f": False, "t": True},
    )
    _db.session.commit()


def _empty_postgresql_tables(names: list[str]) -> None:
    """Delete the rows of the tables a test wrote to and restart their ids. Not TRUNCATE: it gives every table a new
    file and syncs it, about a second per test with seventy tables. The test database's owner (a superuser) turns
    triggers and foreign-key checks off for this transaction only (the audit trail's append-only guard would refuse
    the delete), so they are back on before any test runs."""
    used = [row[0] for row in _db.session.execute(text(" UNION ALL ".join(
        f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM \"{name}\")" for name in names)))]
    if not used:
        return
    _db.session.execute(text("SET LOCAL session_replication_role = replica"))
    for name in used:
        _db.session.execute(text(f'DELETE FROM "{name}"'))
    _db.session.execute(text(
        "SELECT setval(s.oid, 1, false) FROM pg_class s JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i') "
        "JOIN pg_class t ON t.oid = d.refobjid WHERE s.relkind = 'S' AND t.relname = ANY(:names)"), {"names": used})


def _has_sqlite_sequence() -> bool:
    return bool(_db.session.execute(text("SELECT name FROM sqlite_master WHERE name = 'sqlite_sequence'")).first())


@pytest.fixture(autouse=True)
def _app_context(app):
    """Every test runs inside an app context on empty tables, with fresh rate-limit counters."""
    with app.app_context():
        _empty_tables()
        limiter.reset()
        yield
        _db.session.rollback()
        _db.session.remove()


@pytest.fixture(autouse=True)
def _rollups_match_a_recount(_app_context):
    """After every test, the report roll-ups equal a recount of the cases (issue 14: `rollups check` is clean
    after the suite's fixtures), whatever the test changed and however."""
    yield
    from victimcare.services import rollups

    _db.session.rollback()
    differences = rollups.check()
    _db.session.rollback()
    if differences:
        pytest.fail("The report roll-ups differ from a recount of the cases after this test: "
                    + "; ".join(d.describe() for d in differences[:5]), pytrace=False)


def victim_identifiers() -> list[str]:
    """What would identify a victim of the test's data: full names, family names no member of staff shares,
    dates of birth in the usual spellings, phone numbers, email addresses and postcodes."""
    from victimcare.models import Person, User

    staff_words = {word for (name,) in _db.session.execute(select(User.name)) for word in name.split()}
    found = []
    for person in _db.session.scalars(select(Person)):
        found.append(f"{person.given_name} {person.family_name}")
        if person.family_name not in staff_words:
            found.append(person.family_name)
        if person.date_of_birth:
            dob = person.date_of_birth
            found += [dob.isoformat(), dob.strftime("%d/%m/%Y"), f"{dob.day} {dob:%B %Y}"]
        if person.phone:
            found.append("".join(ch for ch in person.phone if ch.isdigit())[-9:])
        found += [value for value in (person.email, person.postcode) if value]
    return [value for value in found if value and len(value) >= 4]


@pytest.fixture(autouse=True)
def _no_victim_data_in_email(_app_context, mailbox):
    """Every email sent during any test is scanned for the victims' names, dates of birth and contact details."""
    before = len(mailbox.messages)
    yield
    sent = mailbox.since(before)
    if not sent:
        return
    _db.session.rollback()
    identifiers = victim_identifiers()
    for message in sent:
        text = text_of(message)
        joined = re.sub(r"(?<=\d)[\s().-]+(?=\d)", "", text)  # "07700 900 123" reads as 07700900123
        leaked = [value for value in identifiers if value in text or (value.isdigit() and value in joined)]
        assert not leaked, f"an email to {message['To']} ({message['Subject']!r}) holds victim data: {leaked}"


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, user_or_email, password=TEST_PASSWORD):
        email = getattr(user_or_email, "email", user_or_email)
        return self._client.post("/sign-in", data={"email": email, "password": password})

    def logout(self):
        return self._client.post("/sign-out")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def users(app):
    """One user per role, and an advocate for two different services, for access tests."""
    return {
        "caseworker": make_user("caseworker"),
        "advocate": make_user("advocate", service="domestic-abuse"),
        "other_advocate": make_user("advocate", service="hate-crime"),
        "commissioner": make_user("commissioner"),
        "admin": make_user("admin"),
    }
