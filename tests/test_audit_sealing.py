"""Audit events are appended without a shared lock and sealed into the hash chain after their commit (issue 14):
what the request does, what waits, who seals, what the append-only guard still refuses, and the verifier's
PostgreSQL fast path giving the same bytes as the Python one."""
import os
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from victimcare.extensions import db
from victimcare.jobs.sweeps import SWEEPS
from victimcare.models import AuditChainHead, AuditEvent
from victimcare.services import audit, audit_chain
from victimcare.services.actors import SYSTEM, Actor

from .helpers_audit import count_queries, on_postgresql, record_events

postgres_only = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="needs PostgreSQL (set TEST_DATABASE_URL): the append-only trigger exists only there",
)


@pytest.fixture
def no_sealing_after_commit(app, monkeypatch):
    monkeypatch.setitem(app.config, "AUDIT_SEAL_AFTER_COMMIT", False)


def _waiting() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.seq.is_(None)))


def test_recording_an_event_takes_no_shared_row_and_the_commit_seals_it():
    with count_queries() as queries:
        event = audit.record(SYSTEM, "view", "case", 1)
    assert not any("audit_chain_head" in statement for statement in queries.statements)
    assert event.seq is None and event.hash is None  # not in the chain until its transaction commits
    db.session.commit()
    db.session.expire_all()
    sealed = db.session.get(AuditEvent, event.id)
    assert sealed.seq == 1 and sealed.prev_hash == audit.GENESIS_HASH and len(sealed.hash) == 64
    assert db.session.get(AuditChainHead, 1).last_hash == sealed.hash
    assert audit.verify_chain().ok


def test_events_left_unsealed_are_counted_by_verify_and_sealed_by_the_command(runner, no_sealing_after_commit):
    record_events(2)
    record_events(3)
    assert _waiting() == 5
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "0 events verified" in result.output and "5 events waiting to be sealed" in result.output

    sealed = runner.invoke(args=["audit", "seal"])
    assert sealed.exit_code == 0 and "Sealed 5 events." in sealed.output
    db.session.expire_all()
    assert _waiting() == 0
    seqs = db.session.scalars(select(AuditEvent.seq).order_by(AuditEvent.id)).all()
    assert seqs == [1, 2, 3, 4, 5]  # in the order they were appended
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "5 events verified" in result.output and "waiting" not in result.output


def test_the_audit_seal_sweep_seals_what_waits(no_sealing_after_commit):
    record_events(3)
    assert SWEEPS["audit-seal"].run() == {"sealed": 3}
    db.session.commit()
    assert _waiting() == 0 and audit.verify_chain().events_checked == 3


def test_a_rolled_back_event_is_never_sealed_and_leaves_no_gap():
    record_events(2)
    audit.record(SYSTEM, "view", "case", 99)
    db.session.rollback()
    record_events(1)
    assert db.session.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq)).all() == [1, 2, 3]
    assert audit.verify_chain().ok


@postgres_only  # two writers at once: SQLite has one write lock
def test_an_event_of_a_longer_transaction_sealed_after_a_later_one_keeps_the_chain_whole(app):
    """Commit order, not recording order, decides the chain's order; times within AUDIT_CLOCK_SKEW_SECONDS of
    each other may run backwards along it."""
    early = audit.record(SYSTEM, "view", "case", 1)  # this transaction commits last
    early_id = early.id
    other = db.engine.connect()
    with other.begin():
        later = dict(seq=None, occurred_at=early.occurred_at + timedelta(seconds=2), actor_label="system",
                     action="view", object_type="case", object_id="2")
        other.execute(AuditEvent.__table__.insert().values(**later))
    other.close()
    audit.seal_pending()  # seals the later event, committed first
    db.session.commit()  # then this one
    db.session.expire_all()
    order = db.session.scalars(select(AuditEvent.id).order_by(AuditEvent.seq)).all()
    assert order[-1] == early_id
    assert audit.verify_chain().ok


@postgres_only
def test_a_canonical_timestamp_far_back_in_the_chain_still_breaks_it(app, monkeypatch):
    monkeypatch.setitem(app.config, "AUDIT_CLOCK_SKEW_SECONDS", 1)
    early = audit.record(SYSTEM, "view", "case", 1)
    other = db.engine.connect()
    with other.begin():
        other.execute(AuditEvent.__table__.insert().values(
            occurred_at=early.occurred_at + timedelta(seconds=5), actor_label="system", action="view"))
    other.close()
    audit.seal_pending()
    db.session.commit()
    result = audit.verify_chain()
    assert not result.ok and "time is before" in result.message


TRICKY = ['quote " backslash \\ slash /', "tab\tnewline\ncr\rbell\x07 esc\x1b del\x7f",
          "caf\u00e9 \u0141\u00f3d\u017a \u4e2d\u6587 \U0001f600 \u2028\u2029", "", "  spaced  "]


def test_verify_over_awkward_text_and_changes(app):
    for n, value in enumerate(TRICKY):
        actor = Actor(user_id=n + 1, role="admin", label=value or None, token_id=n)
        audit.record(actor, "update", value, value, referral_id=n, case_id=n + 10, service_id=3,
                     changes={"z": value, "a": {"nested": [1, 2.5, None, True, value]}, "\u00e9": n})
        db.session.commit()
    result = audit.verify_chain()
    assert result.ok and result.events_checked == len(TRICKY), result.message


@postgres_only
def test_postgresql_builds_the_same_canonical_bytes_as_python():
    for n, value in enumerate(TRICKY):
        audit.record(Actor(user_id=n, role="advocate", label=value), "view", value, value,
                     changes={"b": value, "a": [n, {"y": 1, "x": value}]} if n % 2 else None)
        db.session.commit()
    rows = db.session.execute(text(audit_chain._PG_WALK)).all()
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
    assert len(rows) == len(events) == len(TRICKY)
    for row, event in zip(rows, events):
        assert audit_chain._pg_canonical(row) == audit.canonical_content(event)


@postgres_only
def test_postgresql_allows_only_the_sealing_of_an_unsealed_event(no_sealing_after_commit):
    assert on_postgresql()
    record_events(1)
    event_id = db.session.scalar(select(AuditEvent.id))
    refused = [
        "UPDATE audit_events SET action = 'list' WHERE id = :i",
        "UPDATE audit_events SET seq = 1, prev_hash = repeat('0', 64), hash = repeat('a', 64), object_id = 'x' "
        "WHERE id = :i",
        "UPDATE audit_events SET seq = 1 WHERE id = :i",
        "DELETE FROM audit_events WHERE id = :i",
    ]
    for statement in refused:
        with pytest.raises(DBAPIError) as error:
            db.session.execute(text(statement), {"i": event_id})
            db.session.commit()
        db.session.rollback()
        assert "append-only" in str(error.value)
    assert audit.seal_pending() == 1
    with pytest.raises(DBAPIError):  # sealed once: never again
        db.session.execute(text("UPDATE audit_events SET seq = 7, prev_hash = 'x', hash = 'y' WHERE id = :i"),
                           {"i": event_id})
        db.session.commit()
    db.session.rollback()
    assert audit.verify_chain().ok


@postgres_only
def test_a_sealer_that_read_a_stale_chain_head_seals_nothing(no_sealing_after_commit, monkeypatch):
    """A sealer must read the head after it has the lock. Were it to read one a sealing behind (a statement that
    began before the previous sealer committed), it would number its batch with seqs already taken and move the
    head back: the guard refuses the whole sealing, and the next sealer seals the batch with the right numbers."""
    audit.record(SYSTEM, "view", "case", 1)
    db.session.commit()
    audit_chain.seal_pending()
    audit.record(SYSTEM, "view", "case", 2)
    db.session.commit()
    head_before = db.session.get(AuditChainHead, 1).seq
    stale = text(audit_chain._PG_BATCH.text.replace("SELECT head.seq,", "SELECT head.seq - 1,", 1))
    monkeypatch.setattr(audit_chain, "_PG_BATCH", stale)
    with pytest.raises((RuntimeError, IntegrityError)):  # the seqs already taken, or the head moved back
        audit_chain.seal_pending()
    db.session.expire_all()
    assert db.session.get(AuditChainHead, 1).seq == head_before
    assert _waiting() == 1
    monkeypatch.undo()
    assert audit_chain.seal_pending() == 1
    assert audit.verify_chain().ok


def test_sealing_ends_its_transactions_by_committing_so_connections_keep_their_prepared_statements(app):
    """psycopg forgets every statement it prepared on a connection when that connection rolls back. The sealer runs
    after nearly every request on the pool's connections, so a rollback of its own (it once ended its look for
    waiting events that way) made the queue and the home page plan their statements afresh on every request."""
    rollbacks = []

    def rolled_back(connection):
        rollbacks.append(connection)

    event.listen(db.engine, "rollback", rolled_back)
    try:
        audit.record(SYSTEM, "view", "case", 1)
        db.session.commit()
        audit.seal_pending()
        assert audit_chain.unsealed_count() == 0
    finally:
        event.remove(db.engine, "rollback", rolled_back)
    assert rollbacks == []
