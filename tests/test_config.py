"""Configurations: production refuses to start without a secret or on unsafe settings, and turns on transport
security."""
import pytest

from victimcare import create_app

SAFE_PRODUCTION = {"SECRET_KEY": "k" * 32, "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://victimcare@db/victimcare",
                   "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/1", "APP_BASE_URL": "https://victimcare.example.org"}


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY must be set"):
        create_app("production", {"SECRET_KEY": None, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_production_sets_hsts_and_secure_cookies():
    app = create_app("production", SAFE_PRODUCTION)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    response = app.test_client().get("/sign-in")
    assert "max-age=" in response.headers["Strict-Transport-Security"]


def test_database_url_from_the_environment_is_honoured(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite:////tmp/victimcare-env-test.db")
    import importlib

    import config

    importlib.reload(config)
    try:
        assert config.DevelopmentConfig.SQLALCHEMY_DATABASE_URI == "sqlite:////tmp/victimcare-env-test.db"
        assert config.ProductionConfig.SQLALCHEMY_DATABASE_URI == "sqlite:////tmp/victimcare-env-test.db"
    finally:
        monkeypatch.delenv("DATABASE_URL")
        importlib.reload(config)


def test_unknown_configuration_name_is_a_clear_error():
    with pytest.raises(RuntimeError, match="Unknown configuration"):
        create_app("staging")


def _audited_address(app, client, **headers):
    from sqlalchemy import select

    from victimcare.extensions import db
    from victimcare.models import AuditEvent

    client.post("/sign-in", data={"email": "nobody@example.org", "password": "wrong-password"}, headers=headers)
    with app.app_context():
        return db.session.scalars(select(AuditEvent.ip_address).order_by(AuditEvent.seq.desc())).first()


def test_forwarded_addresses_are_ignored_unless_proxies_are_trusted(app):
    """By default X-Forwarded-For is anyone's to forge, so the audit trail records the connecting address."""
    assert app.config["TRUSTED_PROXY_COUNT"] == 0
    client = app.test_client()
    assert _audited_address(app, client, **{"X-Forwarded-For": "203.0.113.9"}) == "127.0.0.1"


def test_behind_a_trusted_load_balancer_the_audit_trail_records_the_client(app):
    """With TRUSTED_PROXY_COUNT=1 the address the balancer saw is the one recorded (and rate-limited)."""
    from victimcare import register_proxy

    original = app.wsgi_app
    app.config["TRUSTED_PROXY_COUNT"] = 1
    register_proxy(app)
    try:
        client = app.test_client()
        assert _audited_address(app, client, **{"X-Forwarded-For": "203.0.113.9"}) == "203.0.113.9"
    finally:
        app.wsgi_app = original
        app.config["TRUSTED_PROXY_COUNT"] = 0


@pytest.mark.parametrize("unsafe, says", [
    ({"RATELIMIT_STORAGE_URI": "memory://"}, "RATELIMIT_STORAGE_URI must name a store every worker shares"),
    ({"SECRET_KEY": "x"}, "SECRET_KEY must be at least 32 bytes"),
    ({"SECRET_KEY": "x" * 31}, "SECRET_KEY must be at least 32 bytes"),
    ({"SQLALCHEMY_DATABASE_URI": "sqlite:////srv/victimcare.db"}, "DATABASE_URL must point at PostgreSQL"),
    ({"APP_BASE_URL": "http://127.0.0.1:5000"}, "APP_BASE_URL must be the service's public https address"),
])
def test_production_refuses_unsafe_settings_saying_what_to_set(unsafe, says):
    with pytest.raises(RuntimeError, match=says):
        create_app("production", {**SAFE_PRODUCTION, **unsafe})


def test_production_names_every_unsafe_setting_at_once():
    with pytest.raises(RuntimeError) as refused:
        create_app("production", {"SECRET_KEY": "short", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                                  "RATELIMIT_STORAGE_URI": "memory://"})
    assert all(name in str(refused.value) for name in ("RATELIMIT_STORAGE_URI", "SECRET_KEY", "DATABASE_URL"))


def test_the_local_demo_still_starts_on_its_defaults():
    app = create_app("development", {"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_production_binds_security_keys_to_app_base_url_not_the_host_header():
    """A phishing proxy forwarding sign-in under Host: evil.example must not get evil.example as the relying party:
    the key would then sign for the proxy's name and the server would accept it."""
    from victimcare.web.webauthn import relying_party

    app = create_app("production", SAFE_PRODUCTION)
    with app.test_request_context("/sign-in/security-key", headers={"Host": "evil.example"}):
        assert relying_party() == ("victimcare.example.org", "https://victimcare.example.org")


def test_locally_security_keys_follow_the_host_asked_for():
    from victimcare.web.webauthn import relying_party

    app = create_app("development", {"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    with app.test_request_context("/sign-in/security-key", base_url="http://127.0.0.1:5123"):
        assert relying_party() == ("127.0.0.1", "http://127.0.0.1:5123")
