"""Where the reports read from: the reports database (``REPORTS_DATABASE_URL``, a PostgreSQL streaming replica of
the primary) when it is set, the primary otherwise.

Only reads go there: the audit event of a run or an export is written to the primary, in the request's own
transaction. A replica session is opened on first use in an app context, kept for the rest of it (so one report
reads one snapshot) and closed when the app context ends (``close_report_session``).
"""
from flask import current_app
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from ...extensions import db

_SESSION = "victimcare.reports_session"
_ENGINES = "victimcare.reports_engines"


def _engine():
    url = current_app.config.get("REPORTS_DATABASE_URL")
    if not url:
        return None
    engines = current_app.extensions.setdefault(_ENGINES, {})
    if url not in engines:
        engines[url] = create_engine(url, pool_pre_ping=True, hide_parameters=True)
    return engines[url]


def report_session():
    """The session report queries run on."""
    engine = _engine()
    if engine is None:
        return db.session
    session = db.session.info.get(_SESSION)
    if session is None or session.get_bind() is not engine:
        session = Session(bind=engine)
        db.session.info[_SESSION] = session
    return session


def report_dialect() -> str:
    """"postgresql" or "sqlite": the dialect of the database the reports read."""
    return report_session().get_bind().dialect.name


def for_small_reads() -> None:
    """PostgreSQL, for the rest of the report's read transaction: no JIT compilation and no parallel workers. A
    statement summing a few thousand roll-up rows took longer to compile, or to start its workers, than to run
    (the attrition report, 16th to 15th at 10,000,000 cases: 42 ms with two workers, 23 ms without)."""
    if report_dialect() == "postgresql":
        report_session().execute(text("SELECT set_config('jit', 'off', true), "
                                       "set_config('max_parallel_workers_per_gather', '0', true)"))


def close_report_session(exception=None) -> None:
    """At the end of an app context: end the replica session's read transaction."""
    if not current_app.config.get("REPORTS_DATABASE_URL"):
        return
    session = db.session.info.pop(_SESSION, None)
    if session is not None:
        session.close()
