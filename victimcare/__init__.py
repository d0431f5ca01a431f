"""victimcare: case management for London victim services."""
import os
import secrets
import uuid
from pathlib import Path

from flask import Flask, flash, g, request, session
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from config import CONFIGS

from .domain.clock import utc_now

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config_name: str | None = None, overrides: dict | None = None) -> Flask:
    """Build the app. `config_name` is default, production or testing (else $VICTIMCARE_CONFIG)."""
    app = Flask(__name__, instance_path=str(PROJECT_ROOT / "instance"), template_folder=None)
    name = config_name or os.environ.get("VICTIMCARE_CONFIG", "default")
    if name not in CONFIGS:
        raise RuntimeError(f"Unknown configuration {name!r}: choose one of {', '.join(sorted(CONFIGS))}")
    app.config.from_object(CONFIGS[name])
    if overrides:
        app.config.update(overrides)
    _ensure_secret_key(app)
    _refuse_unsafe_production_settings(app)
    register_proxy(app)
    register_templates(app)
    register_extensions(app)
    register_guards(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_request_hooks(app)
    register_commands(app)
    register_jobs(app)
    return app


def _ensure_secret_key(app: Flask) -> None:
    """Production refuses to start without SECRET_KEY; local running keeps a random key under instance/."""
    if app.config.get("SECRET_KEY"):
        return
    if app.config["ENV_NAME"] == "production":
        raise RuntimeError("SECRET_KEY must be set in the environment for the production configuration")
    key_file = Path(app.instance_path) / "secret_key"
    key_file.parent.mkdir(parents=True, exist_ok=True)
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    app.config["SECRET_KEY"] = key_file.read_text().strip()


MIN_SECRET_KEY_BYTES = 32


def _refuse_unsafe_production_settings(app: Flask) -> None:
    """Production will not start on settings that quietly undo a protection; each message says what to set."""
    if app.config["ENV_NAME"] != "production":
        return
    problems = []
    if (app.config.get("RATELIMIT_STORAGE_URI") or "memory://").startswith("memory://"):
        problems.append("RATELIMIT_STORAGE_URI must name a store every worker shares, e.g. redis://127.0.0.1:6379/1 "
                        "(with memory:// each worker counts sign-in attempts separately, so the limits do not hold)")
    if len(str(app.config["SECRET_KEY"]).encode()) < MIN_SECRET_KEY_BYTES:
        problems.append(f"SECRET_KEY must be at least {MIN_SECRET_KEY_BYTES} bytes; make one with "
                        "python -c 'import secrets; print(secrets.token_hex(32))'")
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        problems.append("DATABASE_URL must point at PostgreSQL, e.g. postgresql+psycopg://victimcare@db/victimcare "
                        "(SQLite has no append-only guard on the audit trail, and is the fallback when it is unset)")
    if not app.config["APP_BASE_URL"].startswith("https://"):
        problems.append("APP_BASE_URL must be the service's public https address, e.g. https://victimcare.example.org "
                        "(links in emails and the origin security keys are bound to come from it)")
    if problems:
        raise RuntimeError("The production configuration refuses to start:\n- " + "\n- ".join(problems))


def register_proxy(app: Flask) -> None:
    """Behind TRUSTED_PROXY_COUNT load balancers, take the client's address and scheme from their X-Forwarded-*
    headers (so audit events and rate limits see the person, not the balancer). 0 trusts no header."""
    count = int(app.config.get("TRUSTED_PROXY_COUNT") or 0)
    if count > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_port=count)


def register_templates(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(PROJECT_ROOT / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    from .web import rendering

    rendering.register(app)  # before any template is loaded: every one is a rendering.Template
    from govuk_frontend_wtf.main import WTFormsHelpers

    WTFormsHelpers(app)
    from .web import template_helpers

    template_helpers.register(app)


def register_extensions(app: Flask) -> None:
    from . import models  # noqa: F401  (registers tables for migrations)
    from .extensions import csrf, db, limiter, login_manager, migrate

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")).parent.mkdir(
            parents=True, exist_ok=True
        )
    db.init_app(app)
    from .services import rollups

    rollups.install(db.session)  # the report roll-ups move in the transaction of every change to a case
    from .services.reports.reading import close_report_session

    app.teardown_appcontext(close_report_session)  # registered after db's, so it runs before the session goes
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to continue"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    from .web.sessions import ServerSessionInterface

    app.session_interface = ServerSessionInterface()

    @login_manager.user_loader
    def load_user(identity: str):
        from .models import User

        # Only a live server-side session of this very user signs anyone in (web/sessions.py); a signed cookie
        # that merely claims a user id, or the cookie of a session that has ended, does not.
        user_id, _, nonce = (identity or "").partition(":")
        if not user_id.isdigit() or getattr(session, "user_id", None) != int(user_id):
            return None
        user = getattr(session, "user", None)  # read with the session's row: no statement of its own
        if user is None or user.id != int(user_id):
            user = db.session.get(User, int(user_id))
        if user is None or not user.active or user.session_nonce != nonce:
            return None
        return user


def register_guards(app: Flask) -> None:
    """Control characters refused in URLs and database parameters; submitted text kept out of every log."""
    from . import log_privacy, text_guard

    text_guard.register(app)
    log_privacy.install()


def register_blueprints(app: Flask) -> None:
    from .account.routes import bp as account_bp
    from .admin.routes import bp as admin_bp
    from .api import bp as api_bp
    from .audit.routes import bp as audit_bp
    from .auth.routes import bp as auth_bp
    from .cases.routes import bp as cases_bp
    from .data_rights.routes import bp as data_rights_bp
    from .records_requests.routes import bp as records_requests_bp
    from .retention.routes import bp as retention_bp
    from .exports.routes import bp as exports_bp
    from .main.routes import bp as main_bp
    from .marac.routes import bp as marac_bp
    from .messages.routes import bp as messages_bp
    from .referrals.routes import bp as referrals_bp
    from .reports.routes import bp as reports_bp
    from .restricted.routes import bp as restricted_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(messages_bp)
    app.register_blueprint(exports_bp)
    app.register_blueprint(referrals_bp)
    app.register_blueprint(restricted_bp)
    app.register_blueprint(data_rights_bp)
    app.register_blueprint(records_requests_bp)
    app.register_blueprint(retention_bp)
    app.register_blueprint(cases_bp, url_prefix="/cases")
    app.register_blueprint(marac_bp, url_prefix="/marac")
    app.register_blueprint(reports_bp, url_prefix="/reports")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(audit_bp, url_prefix="/audit")
    app.register_blueprint(api_bp, url_prefix="/api/v1")


def register_errorhandlers(app: Flask) -> None:
    from .web.errors import register

    register(app)


def register_request_hooks(app: Flask) -> None:
    @app.before_request
    def assign_request_id():
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if incoming.isalnum() and len(incoming) <= 64 else uuid.uuid4().hex

    @app.before_request
    def explain_an_ended_session():
        """The idle and absolute limits are enforced where the session is looked up (web/sessions.py); here the
        person is told why they have to sign in again."""
        ended = getattr(session, "ended", None)
        if ended == "idle":
            minutes = int(app.config["IDLE_TIMEOUT"].total_seconds() // 60)
            flash(f"You were signed out because you had not used victimcare for {minutes} minutes.", "info")
        elif ended == "expired":
            hours = app.config["SESSION_ABSOLUTE_HOURS"]
            flash(f"You were signed out because you signed in more than {hours} hours ago. Sign in again to carry on.",
                  "info")

    @app.after_request
    def commit_unit_of_work(response):
        """The request's one commit: what its service calls changed, with their audit events. Error handlers
        have already rolled back a failed request's work, so this commits only what should stay."""
        from . import uow

        uow.commit()
        return response

    @app.after_request
    def security_headers(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        response.headers.setdefault("Content-Security-Policy", app.config["CONTENT_SECURITY_POLICY"])
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"
        if app.config.get("HSTS"):
            response.headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
        return response


def register_jobs(app: Flask) -> None:
    from .jobs import register

    register(app)


def register_commands(app: Flask) -> None:
    from .cli import register

    register(app)
