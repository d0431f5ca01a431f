"""`flask audit verify --workers N` on PostgreSQL (issue 14): several processes hash runs of the chain at once over
one snapshot. Whole chains are reported whole by the parallel walk itself; every kind of tampering is reported
exactly as the serial walk reports it (the parallel walk gives way to the serial one when anything is amiss)."""
import os
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text

from victimcare.extensions import db
from victimcare.models import AuditEvent, AuditVerification
from victimcare.services import audit, audit_chain, audit_parallel

from .helpers_audit import record_events, tampering

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="needs PostgreSQL (set TEST_DATABASE_URL): the parallel walk shares an exported snapshot",
)

EVENTS = 12  # three runs of four with --workers 3


@pytest.fixture
def parallel_from_the_first_event(monkeypatch):
    monkeypatch.setattr(audit_parallel, "PARALLEL_MINIMUM", 1)


@pytest.fixture
def serial_walks(monkeypatch):
    """Counts how often the serial walk runs, so a test can tell which walk gave the answer."""
    calls = []
    serial = audit_chain._walk_postgresql

    def counted(walk, batch_size):
        calls.append(batch_size)
        return serial(walk, batch_size)

    monkeypatch.setattr(audit_chain, "_walk_postgresql", counted)
    return calls


def _verify(runner, workers=3):
    result = runner.invoke(args=["audit", "verify", "--workers", str(workers)])
    db.session.expire_all()
    stored = db.session.scalars(select(AuditVerification).order_by(AuditVerification.id.desc())).first()
    return result, stored


def test_a_whole_chain_is_verified_by_the_processes_alone(runner, parallel_from_the_first_event, serial_walks):
    record_events(EVENTS)
    result, stored = _verify(runner)
    assert result.exit_code == 0, result.output
    assert f"chain whole: {EVENTS} events verified" in result.output
    assert stored.ok and stored.events_checked == EVENTS
    assert serial_walks == []


def test_a_short_chain_is_walked_in_one_process(runner, serial_walks):
    record_events(3)
    result, _ = _verify(runner)
    assert result.exit_code == 0, result.output
    assert len(serial_walks) == 1


def _edit_content(session):
    session.execute(text("UPDATE audit_events SET object_id = '999' WHERE seq = 7"))


def _edit_and_rehash_last_of_a_run(session):
    """Event 4 ends the first run: re-hashed after an edit, the run itself looks whole, and only the join to the
    next run (event 5's prev_hash) shows the break."""
    event = session.get(AuditEvent, session.scalar(select(AuditEvent.id).where(AuditEvent.seq == 4)))
    content = {name: getattr(event, name) for name in audit.CANONICAL_FIELDS}
    content["action"] = "list"
    forged = audit.chain_hash(event.prev_hash, audit.canonical_content(content))
    session.execute(AuditEvent.__table__.update().where(AuditEvent.seq == 4).values(action="list", hash=forged))


def _delete_first_of_a_run(session):
    session.execute(text("DELETE FROM audit_events WHERE seq = 9"))


def _back_date_first_of_a_run(session):
    """Event 5 begins the second run: re-dated a year back and re-hashed along with everything after it, so each
    run is internally whole and only the comparison with the runs before finds the back-dating."""
    rows = session.scalars(select(AuditEvent).where(AuditEvent.seq >= 5).order_by(AuditEvent.seq)).all()
    previous = session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == 4))
    for row in rows:
        if row.seq == 5:
            row.occurred_at = datetime.now(timezone.utc) - timedelta(days=365)
        content = {name: getattr(row, name) for name in audit.CANONICAL_FIELDS}
        row.prev_hash, row.hash = previous, audit.chain_hash(previous, audit.canonical_content(content))
        previous = row.hash
    session.flush()
    session.execute(text("UPDATE audit_chain_head SET last_hash = :h"), {"h": previous})


@pytest.mark.parametrize(
    "tamper, broken_seq, why",
    [
        (_edit_content, 7, "does not match its hash"),
        (_edit_and_rehash_last_of_a_run, 5, "does not follow event 4"),
        (_delete_first_of_a_run, 9, "missing"),
        (_back_date_first_of_a_run, 5, "time is before"),
    ],
    ids=["edited-row-inside-a-run", "re-hashed-end-of-a-run", "deleted-first-of-a-run", "back-dated-first-of-a-run"],
)
def test_tampering_is_named_as_the_serial_walk_names_it(runner, parallel_from_the_first_event, serial_walks,
                                                         tamper, broken_seq, why):
    record_events(EVENTS)
    with tampering() as session:
        tamper(session)
    db.session.commit()

    parallel, stored = _verify(runner, workers=3)
    serial, _ = _verify(runner, workers=1)

    assert parallel.exit_code == 1, parallel.output
    assert f"chain broken at event {broken_seq}" in parallel.output and why in parallel.output, parallel.output
    assert stored.first_broken_seq == broken_seq
    assert parallel.output == serial.output
