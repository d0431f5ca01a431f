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


def _float_env(name, default):
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return float(value)
    except ValueError:
        raise RuntimeError(f"{name} must be a number, e.g. {default}") from None


def _bool_env(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise RuntimeError(f"{name} must be true or false, not {value!r}")


def _seconds_list_env(name, default):
    value = os.environ.get(name) or default
    try:
        seconds = [int(part) for part in value.split(",") if part.strip()]
    except ValueError:
        raise RuntimeError(f"{name} must be whole seconds separated by commas, e.g. {default}") from None
    if not seconds or any(s <= 0 for s in seconds):
        raise RuntimeError(f"{name} must list at least one positive number of seconds, e.g. {default}")
    return seconds


class Config:
    """The default: needs nothing. SQLite under instance/ unless DATABASE_URL is set."""

    ENV_NAME = "default"
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'instance' / 'victimcare.db'}"
    # hide_parameters: SQLAlchemy's errors and logs never print the values of a statement (victims' text).
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}
    MAX_CONTENT_LENGTH = 1024 * 1024  # 1 MB: API bodies over this get 413

    # Sessions
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    IDLE_TIMEOUT = timedelta(minutes=_int_env("IDLE_TIMEOUT_MINUTES", 30))
    PERMANENT_SESSION_LIFETIME = IDLE_TIMEOUT
    # Every member of staff passes a second factor (authenticator app or security key) after the password. Off by
    # default for the local demo (its pages say so in a banner); on in production.
    MFA_REQUIRED = _bool_env("MFA_REQUIRED", False)
    # Second-factor codes, per signed-in user (wrong ones also count toward lockout).
    SECOND_FACTOR_RATE_LIMIT = os.environ.get("SECOND_FACTOR_RATE_LIMIT", "10 per minute")
    # API tokens expire this many days after `flask token create` makes them.
    API_TOKEN_DAYS = _int_env("API_TOKEN_DAYS", 90)
    # However active, a signed-in session ends this many hours after sign-in (sessions live on the server).
    SESSION_ABSOLUTE_HOURS = _int_env("SESSION_ABSOLUTE_HOURS", 12)
    # A request records its session's use (one UPDATE) only when the last recorded use is older than this, or the
    # session's contents changed: the idle timeout may then end a session up to this much early, never late.
    SESSION_TOUCH_SECONDS = _int_env("SESSION_TOUCH_SECONDS", 120)
    WTF_CSRF_TIME_LIMIT = None  # the session idle timeout already bounds a form's life

    # Sign-in policy
    LOCKOUT_THRESHOLD = _int_env("LOCKOUT_THRESHOLD", 5)
    LOCKOUT_MINUTES = _int_env("LOCKOUT_MINUTES", 15)
    # Restricted records: how long a break-glass access to one lasts.
    BREAK_GLASS_MINUTES = _int_env("BREAK_GLASS_MINUTES", 60)
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "20 per minute")
    # The current-password check on the change-password page, per signed-in user (it also counts toward lockout).
    PASSWORD_CHECK_RATE_LIMIT = os.environ.get("PASSWORD_CHECK_RATE_LIMIT", "5 per minute")
    # An account locked this many times within this many hours (from any addresses) is reported to administrators.
    LOCKOUT_ALERT_COUNT = _int_env("LOCKOUT_ALERT_COUNT", 3)
    LOCKOUT_ALERT_HOURS = _int_env("LOCKOUT_ALERT_HOURS", 24)
    # One-time links an administrator starts: a password reset, and an invitation to a new account.
    PASSWORD_RESET_HOURS = _int_env("PASSWORD_RESET_HOURS", 24)
    INVITE_HOURS = _int_env("INVITE_HOURS", 72)
    SELF_REFERRAL_RATE_LIMIT = os.environ.get("SELF_REFERRAL_RATE_LIMIT", "5 per hour")

    # Rate-limit storage: memory by default; set RATELIMIT_STORAGE_URI=redis://... when several workers run.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    # Prefix of the limits' keys in that store, so two deployments (or test runs) can share one Redis.
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "")
    RATELIMIT_HEADERS_ENABLED = True

    # DASH / MARAC thresholds (SafeLives defaults; areas may differ)
    DASH_HIGH_RISK_SCORE = _int_env("DASH_HIGH_RISK_SCORE", 14)
    DASH_MEDIUM_RISK_SCORE = _int_env("DASH_MEDIUM_RISK_SCORE", 10)
    MARAC_ESCALATION_INCIDENTS = _int_env("MARAC_ESCALATION_INCIDENTS", 3)
    # Minutes a MARAC agenda plans for each case (SafeLives suggests about 12-15).
    MARAC_MINUTES_PER_CASE = _int_env("MARAC_MINUTES_PER_CASE", 15)
    DASH_QUESTIONS_FILE = os.environ.get("DASH_QUESTIONS_FILE")  # None: the bundled default labels
    # Victims' Commissioner casework: working days an agency has to answer the Commissioner's request about a
    # complaint. Set locally (no national figure), so a setting; "responses on time" in the reports uses it.
    VC_RESPONSE_WORKING_DAYS = _int_env("VC_RESPONSE_WORKING_DAYS", 20)
    # Targets for the report headlines ("where London falls short" on the reports page), set locally: percentages
    # for the shares, working days for the median. Decimals allowed (e.g. 92.5).
    REPORT_TARGET_SHARE_IN_TIME = _float_env("REPORT_TARGET_SHARE_IN_TIME", 90)
    REPORT_TARGET_TAKE_UP = _float_env("REPORT_TARGET_TAKE_UP", 50)
    REPORT_TARGET_MEDIAN_DAYS = _float_env("REPORT_TARGET_MEDIAN_DAYS", 2)
    # The Victims' Code rights report's headline figures (percentages): told about the Code, offered a referral.
    REPORT_TARGET_TOLD_ABOUT_CODE = _float_env("REPORT_TARGET_TOLD_ABOUT_CODE", 90)
    REPORT_TARGET_OFFERED_REFERRAL = _float_env("REPORT_TARGET_OFFERED_REFERRAL", 90)
    # How long the referrals API remembers an Idempotency-Key (and its stored reply) for retries.
    IDEMPOTENCY_KEY_HOURS = _int_env("IDEMPOTENCY_KEY_HOURS", 24)

    # Retention (benchmark from a national victim charity; see DOMAIN.md)
    RETENTION_CONTACTED_NO_SERVICE_DAYS = _int_env("RETENTION_CONTACTED_NO_SERVICE_DAYS", 42)
    RETENTION_NEVER_CONTACTED_DAYS = _int_env("RETENTION_NEVER_CONTACTED_DAYS", 183)
    RETENTION_SUPPORTED_YEARS = _int_env("RETENTION_SUPPORTED_YEARS", 6)
    # A child at the offence: until this birthday, or RETENTION_CHILD_YEARS_AFTER_CLOSURE after closure if later.
    RETENTION_CHILD_UNTIL_AGE = _int_env("RETENTION_CHILD_UNTIL_AGE", 25)
    RETENTION_CHILD_YEARS_AFTER_CLOSURE = _int_env("RETENTION_CHILD_YEARS_AFTER_CLOSURE", 6)
    # Cases heard at MARAC: years after the later of the last contact and the closure (set by the local MARAC
    # information-sharing protocol; 6 is a common choice).
    RETENTION_MARAC_YEARS = _int_env("RETENTION_MARAC_YEARS", 6)

    # Security headers
    HSTS = False
    CONTENT_SECURITY_POLICY = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )

    # How many reverse proxies (load balancers) stand in front of the app and set X-Forwarded-For/-Proto.
    # 0: none, the headers are not trusted (anyone could forge them).
    TRUSTED_PROXY_COUNT = _int_env("TRUSTED_PROXY_COUNT", 0)

    # Background work. With CELERY_BROKER_URL set, jobs go to Celery workers through the broker (Redis), and
    # `celery -A wsgi.celery beat` runs the schedules; unset, a dispatcher thread in the app runs them.
    CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or None
    CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None  # default: the broker
    CELERY_QUEUE = os.environ.get("CELERY_QUEUE", "victimcare")
    JOBS_RELAY_SECONDS = _int_env("JOBS_RELAY_SECONDS", 15)  # how often due or retried jobs are (re)dispatched
    JOBS_EAGER = False  # tests: run each job in the committing thread, right after the commit

    # Staff email. Without MAIL_SERVER, messages are written to MAIL_DIR as .eml files (and listed in development).
    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = _int_env("MAIL_PORT", 587)
    MAIL_USE_TLS = _bool_env("MAIL_USE_TLS", True)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_FROM = os.environ.get("MAIL_FROM", "victimcare <no-reply@victimcare.invalid>")
    MAIL_DIR = os.environ.get("MAIL_DIR") or str(BASE_DIR / "instance" / "mail")
    APP_BASE_URL = os.environ.get("APP_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    # Security keys are bound to one web origin. Locally (any port, the browser tests' live servers) that is the host
    # the page was asked for; in production it is APP_BASE_URL, never a Host header, which a phishing proxy could set.
    WEBAUTHN_ORIGIN_FROM_REQUEST = True
    DIGEST_TIME = os.environ.get("DIGEST_TIME", "08:00")  # London time of the daily staff digest

    # Webhooks to partners (Standard Webhooks): retry delays in seconds, about a day in all.
    WEBHOOK_RETRY_SECONDS = _seconds_list_env("WEBHOOK_RETRY_SECONDS", "30,120,600,3600,21600,43200")
    WEBHOOK_TIMEOUT_SECONDS = _int_env("WEBHOOK_TIMEOUT_SECONDS", 5)  # connect and read, each
    WEBHOOK_DISABLE_AFTER_HOURS = _int_env("WEBHOOK_DISABLE_AFTER_HOURS", 24)
    # Fernet keys (comma-separated, newest first) for secrets kept encrypted in the database, such as webhook
    # signing secrets. Unset: one key derived from SECRET_KEY (see victimcare/crypto.py).
    DATA_ENCRYPTION_KEYS = os.environ.get("DATA_ENCRYPTION_KEYS") or None

    # Messages to victims through GOV.UK Notify. Templates live in Notify; their ids are set here.
    NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY") or None
    NOTIFY_BASE_URL = os.environ.get("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
    NOTIFY_CALLBACK_TOKEN = os.environ.get("NOTIFY_CALLBACK_TOKEN") or None
    NOTIFY_DIR = os.environ.get("NOTIFY_DIR") or str(BASE_DIR / "instance" / "notify")
    NOTIFY_TEMPLATES = {
        (template, channel): os.environ.get(f"NOTIFY_TEMPLATE_{template.upper().replace('-', '_')}_{channel.upper()}")
        for template in ("appointment-reminder", "appointment-update") for channel in ("sms", "email", "letter")
    }

    # Files built by background jobs (report exports, subject access exports)
    EXPORT_DIR = os.environ.get("EXPORT_DIR") or str(BASE_DIR / "instance" / "exports")
    EXPORT_FILE_MINUTES = _int_env("EXPORT_FILE_MINUTES", 60)
    # Report exports over periods longer than this many days are built in the background, with a progress page.
    EXPORT_BACKGROUND_DAYS = _int_env("EXPORT_BACKGROUND_DAYS", 366)

    # The phone number the public self-referral confirmation gives victims for the service; none is shown unless set
    # (a number nobody answers is worse than none).
    SERVICE_PHONE = os.environ.get("SERVICE_PHONE") or None

    # Signed audit checkpoints (docs/database-roles.md): the Ed25519 private key (PEM) that signs them, where
    # `flask audit checkpoint` and the daily sweep write them, and the public key verify uses where the private
    # key is not kept. Event times may run backwards by this much between app servers' clocks, no more.
    AUDIT_SIGNING_KEY_FILE = os.environ.get("AUDIT_SIGNING_KEY_FILE") or None
    AUDIT_VERIFY_KEY_FILE = os.environ.get("AUDIT_VERIFY_KEY_FILE") or None
    AUDIT_CHECKPOINT_DIR = os.environ.get("AUDIT_CHECKPOINT_DIR") or str(BASE_DIR / "instance" / "audit-checkpoints")
    AUDIT_CLOCK_SKEW_SECONDS = _int_env("AUDIT_CLOCK_SKEW_SECONDS", 300)
    # Who seals new audit events into the hash chain after each commit that recorded some
    # (services/audit_sealer.py): "background" (a sealer thread per process, off the response path), "inline"
    # (in the request, straight after its commit: the tests) or "off" (measuring). The audit-seal sweep and
    # `flask audit seal` are the backstop in every mode. AUDIT_SEAL_AFTER_COMMIT=0 is the older name for off.
    AUDIT_SEAL_MODE = os.environ.get("AUDIT_SEAL_MODE", "background")
    AUDIT_SEAL_AFTER_COMMIT = os.environ.get("AUDIT_SEAL_AFTER_COMMIT", "1") != "0"

    # The commissioner's report periods are whole calendar months, and at least this many (see docs/security.md).
    REPORT_MIN_MONTHS = _int_env("REPORT_MIN_MONTHS", 3)
    # Report reads go to this database when set (a PostgreSQL streaming replica of DATABASE_URL); see README.
    REPORTS_DATABASE_URL = os.environ.get("REPORTS_DATABASE_URL") or None

    PAGE_SIZE = 25
    SEED_DEMO_ALLOWED = True


class DevelopmentConfig(Config):
    """Local running (`make run`). A per-checkout random key is generated under instance/ if none is set."""

    ENV_NAME = "development"


class ProductionConfig(Config):
    ENV_NAME = "production"
    MFA_REQUIRED = _bool_env("MFA_REQUIRED", True)
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS = True
    SEED_DEMO_ALLOWED = False
    WEBAUTHN_ORIGIN_FROM_REQUEST = False


class TestConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-only-not-a-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    RATELIMIT_STORAGE_URI = "memory://"
    WTF_CSRF_ENABLED = False
    JOBS_EAGER = True
    CELERY_BROKER_URL = None  # the Redis integration test sets its own
    AUDIT_SEAL_MODE = "inline"  # the chain is sealed when a request returns (tests/test_audit_sealing.py: background)
    # Every signed-in request records its session's use, so statement counts compared across requests do not
    # depend on the clock; tests/test_queue_statements.py runs the production interval.
    SESSION_TOUCH_SECONDS = 0


CONFIGS = {
    "default": DevelopmentConfig,
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "testing": TestConfig,
}
