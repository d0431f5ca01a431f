"""The audit trail's guarantees: events commit with their change, the hash chain exposes any tampering through
`flask audit verify`, PostgreSQL refuses UPDATE and DELETE, and concurrent writers keep the chain linear."""
import os
import re
import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from victimcare.extensions import db
from victimcare.models import (
    AuditChainHead,
    AuditEvent,
    AuditVerification,
    ContactAttempt,
    User,
)
from victimcare.services import audit, cases
from victimcare.services.actors import SYSTEM, Actor

from .factories import make_referral_with_case, make_user
from .helpers_audit import (
    event_row,
    insert_raw_event,
    on_postgresql,
    record_events,
    tampering,
)


def _head():
    db.session.expire_all()
    return db.session.get(AuditChainHead, 1)


def _verify(runner):
    result = runner.invoke(args=["audit", "verify"])
    db.session.expire_all()
    stored = db.session.scalars(select(AuditVerification).order_by(AuditVerification.id.desc())).first()
    return result, stored


def _names_event(output: str, seq: int) -> bool:
    return re.search(rf"\bevent {seq}\b", output) is not None


# Same transaction -----------------------------------------------------------------------------------------------

def test_a_change_and_its_event_are_committed_together():
    case = make_referral_with_case("domestic-abuse")
    advocate = Actor.from_user(make_user("advocate", service="domestic-abuse"))
    at = case.received_at + timedelta(hours=3)

    attempt = cases.record_contact(advocate, case.id, at, "phone", "reached")
    db.session.commit()  # the commit seals the event into the chain

    db.session.expire_all()
    saved = db.session.get(ContactAttempt, attempt.id)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "contact_attempt")).one()
    assert saved is not None
    assert (event.action, event.object_id, event.case_id, event.actor_user_id) == (
        "create", str(attempt.id), case.id, advocate.user_id)
    assert event.changes["outcome"] == "reached"
    assert _head().seq == event.seq


def test_a_change_that_rolls_back_leaves_no_event_and_does_not_move_the_chain_head():
    existing = make_user("caseworker")
    record_events(2)
    before = _head()
    before_seq, before_hash = before.seq, before.last_hash

    with pytest.raises(IntegrityError):
        audit.record(SYSTEM, "create", "user", None, changes={"role": {"before": None, "after": "caseworker"}})
        db.session.add(User(email=existing.email, name="Duplicate", role="caseworker", password_hash="x"))
        db.session.commit()
    db.session.rollback()

    assert db.session.scalar(select(func.count()).select_from(User)) == 1
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 2
    head = _head()
    assert (head.seq, head.last_hash) == (before_seq, before_hash)
    # The next event continues the chain from where it was.
    record_events(1)
    assert audit.verify_chain().ok


def test_a_service_call_that_fails_validation_records_nothing():
    case = make_referral_with_case("domestic-abuse")
    advocate = Actor.from_user(make_user("advocate", service="domestic-abuse"))
    with pytest.raises(Exception):
        cases.record_contact(advocate, case.id, case.received_at - timedelta(days=1), "phone", "reached")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0
    assert _head().seq == 0


# Verification through the CLI ---------------------------------------------------------------------------------

def test_verify_passes_on_an_intact_chain(runner):
    record_events(5)
    result, stored = _verify(runner)
    assert result.exit_code == 0, result.output
    assert "5 events verified" in result.output
    assert stored.ok and stored.events_checked == 5 and stored.first_broken_seq is None


def test_verify_passes_on_an_empty_chain(runner):
    result, stored = _verify(runner)
    assert result.exit_code == 0, result.output
    assert stored.events_checked == 0


def _edit_content(session):
    session.execute(text("UPDATE audit_events SET object_id = '999' WHERE seq = 3"))


def _edit_time(session):
    session.execute(AuditEvent.__table__.update().where(AuditEvent.seq == 3).values(
        occurred_at=datetime(2020, 1, 1, tzinfo=timezone.utc)))


def _edit_and_rehash(session):
    """A careful attacker recomputes the edited event's own hash; the next event no longer follows it."""
    event = session.get(AuditEvent, session.scalar(select(AuditEvent.id).where(AuditEvent.seq == 3)))
    content = {name: getattr(event, name) for name in audit.CANONICAL_FIELDS}
    content["action"] = "list"
    forged = audit.chain_hash(event.prev_hash, audit.canonical_content(content))
    session.execute(AuditEvent.__table__.update().where(AuditEvent.seq == 3).values(action="list", hash=forged))


def _delete_middle(session):
    session.execute(text("DELETE FROM audit_events WHERE seq = 3"))


def _swap_two(session):
    session.execute(text("UPDATE audit_events SET seq = 1000000 WHERE seq = 2"))
    session.execute(text("UPDATE audit_events SET seq = 2 WHERE seq = 3"))
    session.execute(text("UPDATE audit_events SET seq = 3 WHERE seq = 1000000"))


def _forge_after_last(session):
    last = event_row(5)
    forged = {k: v for k, v in last.items() if k != "id"}
    forged.update(seq=6, action="delete", prev_hash="f" * 64, hash="e" * 64,
                  occurred_at=datetime.now(timezone.utc))
    insert_raw_event(forged)


def _forge_before_first(session):
    first = event_row(1)
    forged = {k: v for k, v in first.items() if k != "id"}
    forged.update(seq=0, occurred_at=datetime.now(timezone.utc))
    insert_raw_event(forged)


@pytest.mark.parametrize(
    "tamper, broken_seq",
    [
        (_edit_content, 3),
        (_edit_time, 3),
        (_edit_and_rehash, 4),
        (_delete_middle, 3),
        (_swap_two, 2),
        (_forge_after_last, 6),
        (_forge_before_first, 1),
    ],
    ids=["edited-row", "edited-timestamp", "edited-and-rehashed", "deleted-middle-row", "swapped-seq",
         "forged-row-appended", "forged-row-before-first"],
)
def test_verify_fails_and_names_the_first_broken_event(runner, tamper, broken_seq):
    record_events(5)
    assert _verify(runner)[0].exit_code == 0
    with tampering() as session:
        tamper(session)

    result, stored = _verify(runner)

    assert result.exit_code == 1, result.output
    assert _names_event(result.output, broken_seq), result.output
    assert stored.ok is False and stored.first_broken_seq == broken_seq


def test_verify_fails_when_the_last_event_is_deleted(runner):
    record_events(5)
    with tampering() as session:
        session.execute(text("DELETE FROM audit_events WHERE seq = 5"))

    result, stored = _verify(runner)

    assert result.exit_code == 1, result.output
    assert "broken" in result.output
    assert stored.ok is False and stored.first_broken_seq == 5


def test_verify_fails_when_a_forged_event_carries_a_correctly_computed_hash(runner):
    """Someone who knows the algorithm appends a well-formed event without going through the chain head."""
    record_events(5)
    last = event_row(5)
    content = {name: last[name] for name in audit.CANONICAL_FIELDS}
    content.update(seq=6, action="delete", occurred_at=datetime.now(timezone.utc))
    digest = audit.chain_hash(last["hash"], audit.canonical_content(content))
    forged = dict(content, prev_hash=last["hash"], hash=digest)
    with tampering():
        insert_raw_event(forged)

    result, stored = _verify(runner)

    assert result.exit_code == 1, result.output
    assert "broken" in result.output
    assert stored.ok is False


# PostgreSQL: append-only at the database -------------------------------------------------------------------------

postgres_only = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="needs PostgreSQL (set TEST_DATABASE_URL): the append-only trigger and row locks exist only there",
)


@postgres_only
@pytest.mark.parametrize("statement", [
    "UPDATE audit_events SET action = 'list' WHERE seq = 1",
    "DELETE FROM audit_events WHERE seq = 1",
    "DELETE FROM audit_events",
    "TRUNCATE audit_events",
    "TRUNCATE audit_events CASCADE",
])
def test_postgresql_refuses_update_delete_and_truncate_on_the_trail(statement):
    assert on_postgresql()
    record_events(2)
    with pytest.raises(DBAPIError) as error:
        db.session.execute(text(statement))
        db.session.commit()
    db.session.rollback()
    assert "append-only" in str(error.value)
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 2
    assert audit.verify_chain().ok


@postgres_only
def test_concurrent_writers_leave_one_linear_chain(app):
    threads_count, per_thread = 8, 25
    errors = []
    start = threading.Barrier(threads_count)

    def writer(n):
        try:
            with app.app_context():
                actor = Actor(user_id=None, role="system", label=f"writer-{n}")
                start.wait()
                for i in range(per_thread):
                    audit.record(actor, "view", "case", f"{n}-{i}")
                    db.session.commit()
                db.session.remove()
        except Exception as exc:  # surfaced below, with the thread's number
            errors.append((n, exc))

    db.session.commit()
    workers = [threading.Thread(target=writer, args=(n,)) for n in range(threads_count)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert errors == []
    total = threads_count * per_thread
    db.session.expire_all()
    seqs = db.session.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq)).all()
    assert seqs == list(range(1, total + 1))
    writers = db.session.scalars(select(AuditEvent.actor_label).distinct()).all()
    assert len(writers) == threads_count
    result = audit.verify_chain()
    assert result.ok, result.message
    assert result.events_checked == total
