"""Helpers for the audit tests: database dialect, tampering with the trail, counting queries."""
from contextlib import contextmanager

from sqlalchemy import event, text

from victimcare.extensions import db
from victimcare.models import AuditEvent
from victimcare.services import audit
from victimcare.services.actors import SYSTEM


def on_postgresql() -> bool:
    return db.engine.dialect.name == "postgresql"


def record_events(count: int, actor=SYSTEM, action: str = "view", **values) -> list[int]:
    """Append `count` committed events; returns their seq numbers."""
    seqs = []
    for n in range(count):
        event_row = audit.record(actor, action, values.get("object_type", "case"), values.get("object_id", n + 1),
                                 **{k: v for k, v in values.items() if k not in ("object_type", "object_id")})
        seqs.append(event_row.seq)
        db.session.commit()
    return seqs


@contextmanager
def tampering():
    """Run raw SQL against the trail as an attacker with table rights would: on PostgreSQL the append-only
    trigger is disabled for this one transaction and enabled again before it commits."""
    postgres = on_postgresql()
    db.session.rollback()
    if postgres:
        db.session.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only"))
    try:
        yield db.session
    except Exception:
        db.session.rollback()
        raise
    if postgres:
        db.session.execute(text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only"))
    db.session.commit()
    db.session.expire_all()


def event_row(seq: int) -> dict:
    row = db.session.execute(text("SELECT * FROM audit_events WHERE seq = :s"), {"s": seq}).mappings().one()
    return dict(row)


def insert_raw_event(values: dict) -> None:
    db.session.execute(AuditEvent.__table__.insert().values(**values))


class QueryCounter:
    def __init__(self):
        self.statements = []

    @property
    def count(self) -> int:
        return len(self.statements)


@contextmanager
def count_queries():
    """Count every SQL statement sent to the database (across requests) inside the block."""
    counter = QueryCounter()

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
        counter.statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", before_cursor_execute)
