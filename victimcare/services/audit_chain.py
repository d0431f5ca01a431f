"""The audit hash chain: sealing appended events into it, in order, in batches, and verifying it.

An event is appended (``audit.record``) with only its id, from the database's sequence: no shared row is locked
in the request, so app servers and workers record events side by side. Once its transaction has committed, a
sealer gives each new event its place in the chain: the next ``seq``, the previous event's hash, and its own
hash over its canonical content. Sealing runs after every commit that recorded an event (a SQLAlchemy
``after_commit`` hook, on a connection of its own), in batches, one sealer at a time (a PostgreSQL advisory lock
that others do not wait for: the holder looks again once it lets go, so nothing committed is left behind), and
from the ``audit-seal`` sweep and ``flask audit seal`` as a backstop. Until it is sealed an event is still
protected by the append-only trigger, which allows one UPDATE only: the sealing of an unsealed event, with
nothing else changed. ``audit verify`` checks the sealed chain and says how many events wait to be sealed.

Events are sealed in the order their transactions committed (id order within a batch), so an event of a long
transaction can follow in the chain an event recorded after it: the verifier's time check allows
AUDIT_CLOCK_SKEW_SECONDS for that and for clocks differing between app servers.
"""
import hashlib
import json
import logging
from json.encoder import encode_basestring as _encode_string  # what JSONEncoder(ensure_ascii=False) uses
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import bindparam, event, func, select, text, update
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import AuditChainHead, AuditEvent

log = logging.getLogger(__name__)

GENESIS_HASH = "0" * 64
SEAL_BATCH = 2000
# pg_try_advisory_xact_lock key of the one sealer at a time ("vcAu").
SEAL_LOCK_KEY = 0x76634175

# Fields of the canonical content, in the order they are hashed. Adding one means a new chain version.
CANONICAL_FIELDS = (
    "seq", "occurred_at", "actor_user_id", "actor_role", "actor_token_id", "actor_label", "action",
    "object_type", "object_id", "referral_id", "case_id", "service_id", "changes", "request_id",
    "ip_address", "user_agent",
)


def _json_default(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def _timestamp(value: datetime) -> str:
    # isoformat is several times faster than strftime and gives the same bytes: 2026-11-27T00:01:02.000003Z
    return value.astimezone(timezone.utc).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


# One encoder for every event: building it per call costs seconds over a million events in `audit verify`.
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_default)


def canonical_content(event: AuditEvent | dict) -> str:
    """A stable JSON encoding of an event's content: sorted keys, no spaces, UTC timestamps with microseconds."""
    get = event.get if isinstance(event, dict) else lambda name: getattr(event, name)
    content = {name: get(name) for name in CANONICAL_FIELDS}
    content["occurred_at"] = _timestamp(content["occurred_at"])
    return _ENCODER.encode(content)


def chain_hash(prev_hash: str, canonical: str) -> str:
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


# Sealing ------------------------------------------------------------------------------------------------------

_CONTENT_COLUMNS = [AuditEvent.id] + [getattr(AuditEvent, name) for name in CANONICAL_FIELDS if name != "seq"]
_SEAL = (
    update(AuditEvent.__table__)
    .where(AuditEvent.__table__.c.id == bindparam("event_id"), AuditEvent.__table__.c.seq.is_(None))
    .values(seq=bindparam("new_seq"), prev_hash=bindparam("new_prev"), hash=bindparam("new_hash"))
)


def seal_pending(engine=None, batch_size: int = SEAL_BATCH) -> int:
    """Seal every committed unsealed event into the chain, a batch per transaction. Returns how many this call
    sealed; 0 when another sealer holds the lock (it looks again after letting go, so it seals ours).

    Straight after a request's commit this is four statements and a commit on SQLite (whose write lock queues
    sealers), six on PostgreSQL (the lock on its own, then head and batch; the sixth, after letting go of the
    lock, looks for events committed while we held it, whose sealers found the lock taken and left them to us)."""
    engine = engine or db.engine
    total = 0
    while True:
        with engine.begin() as connection:
            sealed = _seal_batch_on(connection, batch_size)
        if sealed is None:
            return total
        total += sealed
        if sealed == batch_size:
            continue
        if engine.dialect.name != "postgresql" or not _any_unsealed(engine):
            return total


def seal_in_transaction(batch_size: int = SEAL_BATCH) -> int:
    """Seal what is waiting inside the session's own transaction (a sweep, a checkpoint, `flask audit seal`):
    it commits with the caller's work. Returns how many; 0 when another sealer is at work."""
    connection = db.session.connection()
    total = 0
    while (sealed := _seal_batch_on(connection, batch_size)):
        total += sealed
        if sealed < batch_size:
            break
    return total


def _seal_batch_on(connection, batch_size: int) -> int | None:
    postgresql = connection.dialect.name == "postgresql"
    if postgresql:
        # The sealing commits without waiting for its WAL flush: a crash can lose only a sealing, never an event,
        # and a lost sealing is simply done again (the events are still unsealed and the head still where it was,
        # both in the one lost transaction). One sealer at a time; the others do not wait (see seal_pending).
        if not connection.execute(_PG_LOCK, {"key": SEAL_LOCK_KEY}).one()[1]:
            return None
        found = connection.execute(_PG_BATCH, {"batch": batch_size}).all()
        seq, prev_hash = found[0][0], found[0][1]
        rows = [row[2:] for row in found if row[2] is not None]
    else:  # touching the head takes SQLite's write lock: sealers queue
        seq, prev_hash = connection.execute(
            update(AuditChainHead).where(AuditChainHead.id == 1).values(seq=AuditChainHead.seq)
            .returning(AuditChainHead.seq, AuditChainHead.last_hash)
        ).one()
        rows = connection.execute(
            select(*_CONTENT_COLUMNS).where(AuditEvent.seq.is_(None)).order_by(AuditEvent.id).limit(batch_size)
        ).all()
    if not rows:
        return 0
    from_seq = seq
    ids, seqs, prevs, hashes = [], [], [], []
    for row in rows:
        seq += 1
        digest = chain_hash(prev_hash, canonical_content(dict(zip(CANONICAL_FIELDS[1:], row[1:]), seq=seq)))
        ids.append(row[0])
        seqs.append(seq)
        prevs.append(prev_hash)
        hashes.append(digest)
        prev_hash = digest
    if postgresql:
        moved = connection.execute(_PG_SEAL, {"ids": ids, "seqs": seqs, "prevs": prevs, "hashes": hashes,
                                              "seq": seq, "last_hash": prev_hash, "from_seq": from_seq})
        if moved.rowcount != 1:  # never with the lock held; if it happens, seal nothing rather than fork the chain
            raise RuntimeError("the audit chain head moved while a batch was being sealed")
    else:
        connection.execute(_SEAL, [{"event_id": i, "new_seq": n, "new_prev": p, "new_hash": h}
                                   for i, n, p, h in zip(ids, seqs, prevs, hashes)])
        connection.execute(update(AuditChainHead).where(AuditChainHead.id == 1)
                           .values(seq=seq, last_hash=prev_hash))
    return len(rows)


_CONTENT_NAMES = ", ".join(column.name for column in _CONTENT_COLUMNS)
# The lock in a statement of its own, then the head and the batch in the next. A statement reads the database
# as it was when the statement began: one that also took the lock could begin before the previous sealer
# committed, get the lock the moment that sealer let go, and then read the head and a batch as they were before
# that sealing (seen under load: a batch given numbers already taken, refused, and left unsealed).
_PG_LOCK = text("SELECT set_config('synchronous_commit', 'off', true), pg_try_advisory_xact_lock(:key)")
_PG_BATCH = text(f"""
SELECT head.seq, head.last_hash, batch.*
FROM audit_chain_head AS head LEFT JOIN LATERAL (
    SELECT {_CONTENT_NAMES} FROM audit_events WHERE seq IS NULL ORDER BY id LIMIT :batch
) AS batch ON true
WHERE head.id = 1
""")
# The batch's events and the chain head in one statement.
_PG_SEAL = text("""
WITH sealed AS (
    UPDATE audit_events AS e SET seq = v.seq, prev_hash = v.prev_hash, hash = v.hash
    FROM unnest(CAST(:ids AS bigint[]), CAST(:seqs AS bigint[]), CAST(:prevs AS varchar[]), CAST(:hashes AS varchar[]))
         AS v(id, seq, prev_hash, hash)
    WHERE e.id = v.id AND e.seq IS NULL
)
UPDATE audit_chain_head SET seq = :seq, last_hash = :last_hash WHERE id = 1 AND seq = :from_seq
""")


# These reads end by committing, not rolling back: psycopg forgets every statement it has prepared on a
# connection when that connection rolls back, and the sealer looks after nearly every request, so a rollback here
# made each pooled connection plan the queue's and home page's statements afresh (3-5 ms each) on every request.
def _any_unsealed(engine) -> bool:
    with engine.begin() as connection:
        return connection.scalar(select(select(AuditEvent.id).where(AuditEvent.seq.is_(None)).exists()))


def unsealed_count(engine=None) -> int:
    with (engine or db.engine).begin() as connection:
        return connection.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.seq.is_(None)))


def seal_after_commit(session) -> None:
    """The session's ``after_commit`` hook: have what this transaction recorded sealed, by the process's sealer
    thread (AUDIT_SEAL_MODE background, off the response path) or straight away (inline). A failure here cannot
    undo the committed change; it is logged (no event content) and the ``audit-seal`` sweep seals the events
    later."""
    if not session.info.pop(UNSEALED_KEY, False):
        return
    try:
        from flask import current_app

        from .audit_sealer import seal_mode, sealer_for

        mode = seal_mode(current_app.config)
        if mode == "background":
            sealer_for(db.engine).wake()
        elif mode == "inline":
            seal_pending()
    except Exception as error:  # noqa: BLE001 (logged; the sweep retries)
        log.error("audit events not sealed after commit (%s); the audit-seal sweep will seal them",
                  type(error).__name__)


UNSEALED_KEY = "victimcare.audit_unsealed"


def seal_committed_elsewhere() -> None:
    """Events other processes committed for this one (the bulk import's worker processes, which leave sealing to
    it): sealed as this process's own commits are, by its sealer thread, straight away, or by the sweep."""
    db.session.info[UNSEALED_KEY] = True
    seal_after_commit(db.session)


@event.listens_for(Session, "after_commit")
def _seal_after_commit(session) -> None:
    seal_after_commit(session)


@event.listens_for(Session, "after_soft_rollback")
def _forget_after_rollback(session, previous_transaction) -> None:
    session.info.pop(UNSEALED_KEY, None)


# Verifying ----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class VerificationResult:
    """A walk of the chain: whole or not, how far it got, the first broken event; ``ran_at`` once stored."""

    ok: bool
    events_checked: int
    first_broken_seq: int | None
    message: str
    ran_at: datetime | None = None
    unsealed: int = 0


def _clock_skew() -> timedelta:
    from flask import current_app, has_app_context

    seconds = current_app.config.get("AUDIT_CLOCK_SKEW_SECONDS", 300) if has_app_context() else 300
    return timedelta(seconds=seconds)


class _Walk:
    """The checks of one walk along the sealed chain, fed one event at a time in seq order."""

    def __init__(self, skew: timedelta):
        self.expected_prev = GENESIS_HASH
        self.expected_seq = 1
        self.checked = 0
        self.latest_at = ""  # canonical timestamps (fixed width, UTC) compare as text
        self.skew = skew

    def step(self, seq: int, at: str, canonical: str, prev_hash: str, digest: str) -> VerificationResult | None:
        if seq != self.expected_seq:
            problem = "missing" if seq > self.expected_seq else "out of order"
            return self.broken(self.expected_seq, f"event {problem}")
        if prev_hash != self.expected_prev:
            return self.broken(seq, f"it does not follow event {seq - 1}")
        if hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest() != digest:
            return self.broken(seq, "its content does not match its hash")
        if at < self.latest_at:
            if _parse_timestamp(at) < _parse_timestamp(self.latest_at) - self.skew:
                return self.broken(seq, "its time is before an earlier event's (back-dated, or inserted out of order)")
        else:
            self.latest_at = at
        self.expected_prev = digest
        self.expected_seq += 1
        self.checked += 1
        return None

    def broken(self, seq: int, why: str) -> VerificationResult:
        return VerificationResult(False, self.checked, seq, f"chain broken at event {seq}: {why}")


def _parse_timestamp(value: str) -> datetime:
    return datetime.fromisoformat(value[:-1]).replace(tzinfo=timezone.utc)


# On PostgreSQL each column comes back as the text it stands for in the canonical JSON (numbers and null already
# written out, the timestamp in the canonical format) and Python fills them into a template, encoding strings with
# the json module's own C string encoder: the same bytes as canonical_content (tests/test_audit_sealing.py
# compares them) without a Python object per column. Building the JSON in SQL instead is 4x slower in the server.
def _pg_text(column: str) -> str:
    return f"coalesce({column}::text, 'null')"


_PG_WALK = (
    "SELECT seq, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US'), action, actor_label, "
    f"actor_role, {_pg_text('actor_token_id')}, {_pg_text('actor_user_id')}, {_pg_text('case_id')}, changes::text, "
    f"ip_address, object_id, object_type, {_pg_text('referral_id')}, request_id, {_pg_text('service_id')}, "
    "user_agent, prev_hash, hash FROM audit_events WHERE seq IS NOT NULL ORDER BY seq"
)
_CANONICAL_TEMPLATE = (
    '{"action":%s,"actor_label":%s,"actor_role":%s,"actor_token_id":%s,"actor_user_id":%s,"case_id":%s,'
    '"changes":%s,"ip_address":%s,"object_id":%s,"object_type":%s,"occurred_at":"%sZ","referral_id":%s,'
    '"request_id":%s,"seq":%d,"service_id":%s,"user_agent":%s}'
)


def _pg_canonical(row) -> str:
    """The canonical content of one row of _PG_WALK."""
    (seq, at, action, label, role, token_id, user_id, case_id, changes, ip_address, object_id, object_type,
     referral_id, request_id, service_id, user_agent) = row[:16]
    return _CANONICAL_TEMPLATE % (
        _string(action), _string(label), _string(role), token_id, user_id, case_id,
        "null" if changes is None else _ENCODER.encode(json.loads(changes)), _string(ip_address),
        _string(object_id), _string(object_type), at, referral_id, _string(request_id), seq, service_id,
        _string(user_agent),
    )


def _string(value: str | None) -> str:
    return "null" if value is None else _encode_string(value)


def _walk_postgresql(walk: _Walk, batch_size: int) -> VerificationResult | None:
    raw = db.session.connection().connection.dbapi_connection
    with raw.cursor(name="audit_verify") as cursor:  # server-side: rows stream, memory stays flat
        cursor.itersize = batch_size
        cursor.execute(_PG_WALK)
        for row in cursor:
            if (problem := walk.step(row[0], row[1] + "Z", _pg_canonical(row), row[16], row[17])) is not None:
                return problem
    return None


def _walk_generic(walk: _Walk, batch_size: int) -> VerificationResult | None:
    columns = [getattr(AuditEvent, name) for name in CANONICAL_FIELDS] + [AuditEvent.prev_hash, AuditEvent.hash]
    rows = db.session.connection().execute(
        select(*columns).where(AuditEvent.seq.is_not(None)).order_by(AuditEvent.seq)
        .execution_options(yield_per=batch_size)
    )
    try:
        for row in rows:
            content = dict(zip(CANONICAL_FIELDS, row[:-2]))
            canonical = canonical_content(content)
            at = _timestamp(content["occurred_at"])
            if (problem := walk.step(content["seq"], at, canonical, row[-2], row[-1])) is not None:
                return problem
    finally:
        rows.close()
    return None


# What a faster walk (services/audit_parallel.py) answers when it cannot say "whole": walk again, in order.
WALK_IN_ORDER = VerificationResult(False, 0, None, "walk the chain again in order")


def verify_chain(batch_size: int = 20000, first_try=None) -> VerificationResult:
    """Walk the sealed chain in sequence order, streaming rows, and report the first break, and how many events
    wait to be sealed.

    A break is: a sequence gap or reordering, a prev_hash that is not the previous event's hash, a hash that
    does not match the event's content (an edited row), a time earlier than an earlier event's by more than
    AUDIT_CLOCK_SKEW_SECONDS (a back-dated event), or a chain head that disagrees with the last event (the
    newest events deleted, or one appended behind the app's back). Signed checkpoints
    (services/audit_checkpoints.py) catch a chain rewritten from an edit onwards.
    """
    walk = _Walk(_clock_skew())
    if db.session.get_bind().dialect.name == "postgresql":
        problem = WALK_IN_ORDER if first_try is None else first_try(walk, batch_size)
        if problem is WALK_IN_ORDER:
            walk = _Walk(walk.skew)
            problem = _walk_postgresql(walk, batch_size)
    else:
        problem = _walk_generic(walk, batch_size)
    waiting = db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.seq.is_(None)))
    if problem is not None:
        return VerificationResult(problem.ok, problem.events_checked, problem.first_broken_seq,
                                  problem.message + _waiting(waiting), unsealed=waiting)
    head = db.session.get(AuditChainHead, 1)
    if head is not None and (head.seq != walk.checked or head.last_hash != walk.expected_prev):
        if head.seq > walk.checked:
            broken, why = walk.checked + 1, "the newest events are missing"
        else:
            broken, why = head.seq + 1, "it was appended without updating the chain head"
        return VerificationResult(False, walk.checked, broken, f"chain broken at event {broken}: {why}"
                                  + _waiting(waiting), unsealed=waiting)
    return VerificationResult(True, walk.checked, None,
                              f"chain whole: {walk.checked} events verified" + _waiting(waiting), unsealed=waiting)


def _waiting(count: int) -> str:
    if not count:
        return ""
    return f"; {count} event{'s' if count != 1 else ''} waiting to be sealed (flask audit seal)"
