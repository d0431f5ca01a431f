"""Configurations: production refuses to start without a secret and turns on transport security."""
import pytest

from victimcare import create_app


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY must be set"):
        create_app("production", {"SECRET_KEY": None, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_production_sets_hsts_and_secure_cookies():
    app = create_app("production", {"SECRET_KEY": "x" * 32, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
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
