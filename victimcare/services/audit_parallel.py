"""`flask audit verify --workers N` on PostgreSQL (issue 14): the sealed chain hashed by several processes at once.

The sealed range is cut into N runs of seqs, each walked by a process of its own over one snapshot exported by
the parent, so N cores hash at once. Each run is checked as the serial walk (audit_chain) would check it, starting
from its first event; the parent then checks what joins the runs: each run's first prev_hash is the hash the run
before ended on, and no event is older than the runs before allow. Anything wrong anywhere, or a run that cannot be
joined, gives way to the serial walk, which names the first broken event exactly as it always has: the parallel
walk only ever says "whole", faster.
"""
import functools
from dataclasses import dataclass
from datetime import timedelta

from ..extensions import db
from .audit_chain import (
    _PG_WALK,
    GENESIS_HASH,
    WALK_IN_ORDER,
    VerificationResult,
    _parse_timestamp,
    _pg_canonical,
    _Walk,
)

PARALLEL_MINIMUM = 100_000  # below this many sealed events, starting processes costs more than it saves


@dataclass(frozen=True)
class _Run:
    ok: bool
    count: int
    first_prev: str | None
    last_hash: str | None
    earliest_at: str
    latest_at: str


def _libpq_url() -> str:
    url = db.engine.url.set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _walk_run(url: str, snapshot: str, low: int, high: int, skew_seconds: float, batch_size: int) -> _Run:
    """One process's share of a parallel walk: seqs low..high inclusive, read in the parent's snapshot."""
    import psycopg

    walk = _Walk(timedelta(seconds=skew_seconds))
    walk.expected_seq = low
    first_prev, earliest = None, None
    with psycopg.connect(url) as connection:
        connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        connection.execute("SET TRANSACTION SNAPSHOT %s" % _quote_literal(snapshot))
        with connection.cursor(name="audit_verify_run") as cursor:
            cursor.itersize = batch_size
            cursor.execute(_PG_WALK.replace("WHERE seq IS NOT NULL", "WHERE seq BETWEEN %s AND %s"), (low, high))
            for row in cursor:
                if first_prev is None:
                    first_prev = walk.expected_prev = row[16]  # joined to the run before by the parent
                at = row[1] + "Z"
                if earliest is None or at < earliest:
                    earliest = at
                if walk.step(row[0], at, _pg_canonical(row), row[16], row[17]) is not None:
                    return _Run(False, walk.checked, first_prev, None, "", "")
    ok = walk.checked == high - low + 1
    return _Run(ok, walk.checked, first_prev, walk.expected_prev if ok else None, earliest or "", walk.latest_at)


def _quote_literal(value: str) -> str:
    if not all(ch.isalnum() or ch == "-" for ch in value):  # pg_export_snapshot() ids are hex and dashes
        raise ValueError("unexpected snapshot id")
    return f"'{value}'"


def in_parallel(workers: int):
    """The first try for ``audit_chain.verify_chain``: hash the chain in ``workers`` processes."""
    return functools.partial(walk_in_parallel, workers=workers)


def walk_in_parallel(walk: _Walk, batch_size: int, workers: int) -> VerificationResult | None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    raw = db.session.connection().connection.dbapi_connection
    with raw.cursor() as cursor:
        cursor.execute("SELECT pg_export_snapshot(), min(seq), max(seq) FROM audit_events WHERE seq IS NOT NULL")
        snapshot, low, high = cursor.fetchone()
    if low is None or high - low + 1 < PARALLEL_MINIMUM or low != 1:
        return WALK_IN_ORDER
    step = -(-(high - low + 1) // workers)
    bounds = [(start, min(high, start + step - 1)) for start in range(low, high + 1, step)]
    url, skew = _libpq_url(), walk.skew.total_seconds()
    # spawn, not fork: the children must not share this process's database connections
    with ProcessPoolExecutor(len(bounds), mp_context=multiprocessing.get_context("spawn")) as pool:
        runs = list(pool.map(_walk_run, *zip(*[(url, snapshot, a, b, skew, batch_size) for a, b in bounds])))
    previous_hash, latest = GENESIS_HASH, ""
    for run in runs:
        if not run.ok or run.first_prev != previous_hash:
            return WALK_IN_ORDER
        if latest and run.earliest_at < latest and (
                _parse_timestamp(run.earliest_at) < _parse_timestamp(latest) - walk.skew):
            return WALK_IN_ORDER
        previous_hash, latest = run.last_hash, max(latest, run.latest_at)
    walk.checked, walk.expected_prev, walk.expected_seq = high, previous_hash, high + 1
    walk.latest_at = latest
    return None
