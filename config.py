"""Configuration classes for victimcare.

Every configuration honours DATABASE_URL and SECRET_KEY from the environment. Policy values that services may
want to change (lockout thresholds, idle timeout, DASH thresholds, retention periods) live here, named, so that
nothing in the code hides them as constants. Per-service first-contact deadlines live in the database
(the ``services`` table) because each service sets its own.
"""
import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _int_env(name, default):
    value = os.environ.get(name)
    return int(value) if value else default


class Config:
    """The default: needs nothing. SQLite under instance/ unless DATABASE_URL is set."""

    ENV_NAME = "default"
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'instance' / 'victimcare.db'}"
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    MAX_CONTENT_LENGTH = 1024 * 1024  # 1 MB: API bodies over this get 413

    # Sessions
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    IDLE_TIMEOUT = timedelta(minutes=_int_env("IDLE_TIMEOUT_MINUTES", 30))
    PERMANENT_SESSION_LIFETIME = IDLE_TIMEOUT
    WTF_CSRF_TIME_LIMIT = None  # the session idle timeout already bounds a form's life

    # Sign-in policy
    LOCKOUT_THRESHOLD = _int_env("LOCKOUT_THRESHOLD", 5)
    LOCKOUT_MINUTES = _int_env("LOCKOUT_MINUTES", 15)
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "20 per minute")
    SELF_REFERRAL_RATE_LIMIT = os.environ.get("SELF_REFERRAL_RATE_LIMIT", "5 per hour")

    # Rate-limit storage: memory by default; set RATELIMIT_STORAGE_URI=redis://... when several workers run.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True

    # DASH / MARAC thresholds (SafeLives defaults; areas may differ)
    DASH_HIGH_RISK_SCORE = _int_env("DASH_HIGH_RISK_SCORE", 14)
    DASH_MEDIUM_RISK_SCORE = _int_env("DASH_MEDIUM_RISK_SCORE", 10)
    MARAC_ESCALATION_INCIDENTS = _int_env("MARAC_ESCALATION_INCIDENTS", 3)
    DASH_QUESTIONS_FILE = os.environ.get("DASH_QUESTIONS_FILE")  # None: the bundled default labels
    # Victims' Commissioner casework: working days an agency has to answer the Commissioner's request about a
    # complaint. Set locally (no national figure), so a setting; "responses on time" in the reports uses it.
    VC_RESPONSE_WORKING_DAYS = _int_env("VC_RESPONSE_WORKING_DAYS", 20)
    # How long the referrals API remembers an Idempotency-Key (and its stored reply) for retries.
    IDEMPOTENCY_KEY_HOURS = _int_env("IDEMPOTENCY_KEY_HOURS", 24)

    # Retention (benchmark from a national victim charity; see DOMAIN.md)
    RETENTION_CONTACTED_NO_SERVICE_DAYS = _int_env("RETENTION_CONTACTED_NO_SERVICE_DAYS", 42)
    RETENTION_NEVER_CONTACTED_DAYS = _int_env("RETENTION_NEVER_CONTACTED_DAYS", 183)
    RETENTION_SUPPORTED_YEARS = _int_env("RETENTION_SUPPORTED_YEARS", 6)

    # Security headers
    HSTS = False
    CONTENT_SECURITY_POLICY = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )

    # How many reverse proxies (load balancers) stand in front of the app and set X-Forwarded-For/-Proto.
    # 0: none, the headers are not trusted (anyone could forge them).
    TRUSTED_PROXY_COUNT = _int_env("TRUSTED_PROXY_COUNT", 0)

    # The phone number the public self-referral confirmation gives victims for the service; none is shown unless set
    # (a number nobody answers is worse than none).
    SERVICE_PHONE = os.environ.get("SERVICE_PHONE") or None

    PAGE_SIZE = 25
    SEED_DEMO_ALLOWED = True


class DevelopmentConfig(Config):
    """Local running (`make run`). A per-checkout random key is generated under instance/ if none is set."""

    ENV_NAME = "development"


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS = True
    SEED_DEMO_ALLOWED = False


class TestConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-only-not-a-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    RATELIMIT_STORAGE_URI = "memory://"
    WTF_CSRF_ENABLED = False


CONFIGS = {
    "default": DevelopmentConfig,
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "testing": TestConfig,
}
