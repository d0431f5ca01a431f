"""How long `flask audit verify` takes over a million audit events on PostgreSQL.

Builds a separate database (bench_audit by default, never the app's own), migrates it with the real migrations,
COPYs in N valid chained events (hashes computed here with services.audit.canonical_content and chain_hash, so
they are exactly what record() would have written), then times services.audit.verify_chain() over them.

    .venv/bin/python benchmarks/audit_verify.py                   # 1,000,000 events, reuses them if present
    .venv/bin/python benchmarks/audit_verify.py --events 200000 --reload --batch-sizes 1000 5000 20000

Environment: BENCH_DATABASE_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/bench_audit).
Results are written up by hand in benchmarks/RESULTS-audit.md.
"""
import argparse
import hashlib
import os
import platform
import resource
import sys
import time
from pathlib import Path

import psycopg
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from victimcare import create_app  # noqa: E402
from victimcare.extensions import db  # noqa: E402
from victimcare.models import AuditEvent  # noqa: E402
from victimcare.services import audit, audit_chain, audit_parallel  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_audit"

ACTION_WEIGHTS = [("view", 55), ("list", 20), ("create", 8), ("update", 7), ("transition", 4), ("sign-in", 3),
                  ("export", 1), ("permission-denied", 1), ("report-run", 1)]
OBJECT_TYPES = {"view": "case", "list": "cases", "create": "contact_attempt", "update": "case", "transition": "case",
                "sign-in": "user", "export": "audit_events", "permission-denied": "case", "report-run": "report"}
ROLES = ["caseworker", "advocate", "advocate", "advocate", "commissioner", "admin"]
AGENTS = ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
          "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1",
          "python-httpx/0.28 (victimcare API client)"]


def _plain_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def ensure_database(url: str) -> None:
    parsed = make_url(url)
    admin_url = _plain_url(url).rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (parsed.database,)).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{parsed.database}"')
            print(f"created database {parsed.database}")


def _weighted(pairs) -> str:
    """An SQL array literal with each value repeated by its weight, to draw from with one random()."""
    return "ARRAY[" + ", ".join(f"'{value}'" for value, weight in pairs for _ in range(weight)) + "]"


def _array(values) -> str:
    return "ARRAY[" + ", ".join(f"'{value}'" for value in values) + "]"


_OBJECT_TYPE = "CASE d.action " + " ".join(f"WHEN '{a}' THEN '{t}'" for a, t in OBJECT_TYPES.items()) + " END"
# Plausible event content, in seq order, made by PostgreSQL: timestamps 0.6 to 8.6 seconds apart (4.6 s apart on
# average, ending on 1 December 2026), the actions in ACTION_WEIGHTS' proportions, a case for views and changes,
# a token for one event in twenty. Every value is ASCII without quotes or backslashes.
STAGE_SQL = f"""
CREATE UNLOGGED TABLE bench_audit_stage AS
SELECT d.i AS seq,
       TIMESTAMPTZ '2026-12-01 00:00:00+00' - (:n - d.i) * INTERVAL '4.6 seconds' + d.r1 * INTERVAL '4 seconds'
           AS occurred_at,
       d.user_id AS actor_user_id, d.role AS actor_role,
       CASE WHEN d.r2 < 0.05 THEN 1 + floor(d.r3 * 19)::int END AS actor_token_id,
       d.role || d.user_id || '@example.org' AS actor_label,
       d.action, {_OBJECT_TYPE} AS object_type,
       coalesce(d.case_id, 1 + floor(d.r3 * 59999)::int)::text AS object_id,
       d.case_id + 7 AS referral_id, d.case_id,
       CASE WHEN d.case_id IS NOT NULL THEN 1 + floor(d.r4 * 9)::int END AS service_id,
       CAST(CASE d.action
                WHEN 'update' THEN '{{"priority":{{"before":"normal","after":"high"}},"note":{{"changed": true}}}}'
                WHEN 'transition' THEN '{{"status":{{"before":"new","after":"accepted"}}}}'
                WHEN 'list' THEN '{{"page":' || (1 + floor(d.r4 * 5)::int) || '}}'
            END AS json) AS changes,
       md5(d.i::text || ':' || d.r5::text) AS request_id,
       '10.' || floor(d.r2 * 256)::int || '.' || floor(d.r4 * 256)::int || '.' || (1 + floor(d.r5 * 254)::int)
           AS ip_address,
       ({_array(AGENTS)})[1 + floor(d.r6 * {len(AGENTS)})::int] AS user_agent,
       CAST(NULL AS varchar) AS prev_hash, CAST(NULL AS varchar) AS hash
FROM (
    SELECT g.i, r.*,
           CASE WHEN r.action IN ('view', 'create', 'update', 'transition') THEN 1 + floor(r.r7 * 59999)::int
           END AS case_id
    FROM generate_series(1, :n) AS g(i)
    CROSS JOIN LATERAL (
        SELECT random() + 0 * g.i AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5,
               random() AS r6, random() AS r7,
               ({_weighted(ACTION_WEIGHTS)})[1 + floor(random() * {sum(w for _, w in ACTION_WEIGHTS)})::int]
                   AS action,
               ({_array(ROLES)})[1 + floor(random() * {len(ROLES)})::int] AS role,
               1 + floor(random() * 399)::int AS user_id
        OFFSET 0
    ) r
) d
"""
# The staged events as the verifier reads them (each column as the text it stands for in the canonical JSON).
_STAGE_WALK = audit_chain._PG_WALK.replace("FROM audit_events WHERE seq IS NOT NULL ORDER BY seq",
                                           "FROM bench_audit_stage ORDER BY seq")
assert "FROM bench_audit_stage" in _STAGE_WALK
_INT_COLUMNS = {5, 6, 7, 12, 14}  # token, user, case, referral, service: 'null' in the canonical text
COPY_SQL = ("COPY audit_events (id, seq, occurred_at, action, actor_label, actor_role, actor_token_id, actor_user_id, "
            "case_id, changes, ip_address, object_id, object_type, referral_id, request_id, service_id, user_agent, "
            "prev_hash, hash) FROM STDIN")


def load_events(url: str, count: int) -> tuple[float, str]:
    """TRUNCATE the trail and load `count` sealed, chained events; returns (seconds, last hash).

    PostgreSQL makes the events' content (generate_series into an unlogged staging table); Python streams them in
    seq order, hashes the chain in one tight loop and COPYs the sealed events into audit_events, whose secondary
    indexes are set aside meanwhile and rebuilt from their catalogue definitions. A sample of the events is then
    re-hashed with services.audit.canonical_content and chain_hash (what record() and the sealer write), so the
    chain is the app's, not merely the verifier's own reading of it."""
    from benchmarks.bulk_seed import put_back, schema_snapshot, set_aside

    started = time.perf_counter()
    prev_hash = audit.GENESIS_HASH
    engine = create_engine(url)
    with engine.connect() as connection:
        migrated = schema_snapshot(connection)
        connection.execute(text("SET synchronous_commit = off"))
        connection.execute(text("SET maintenance_work_mem = '1GB'"))
        # The benchmark database's owner lifts the TRUNCATE guard for the reload, in this transaction only.
        connection.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_truncate"))
        connection.execute(text("TRUNCATE audit_events, audit_verifications"))
        connection.execute(text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_truncate"))
        connection.execute(text("DROP TABLE IF EXISTS bench_audit_stage"))
        connection.execute(text("SELECT setseed(0.2026)"))
        connection.execute(text(STAGE_SQL), {"n": count})
        connection.execute(text("ALTER TABLE bench_audit_stage ADD PRIMARY KEY (seq)"))
        connection.commit()
        print(f"  {count:,} events made in SQL ({time.perf_counter() - started:.1f}s)", flush=True)
        indexes, foreign_keys = set_aside(connection, print, tables=("audit_events",))
        timings: dict[str, float] = {}
        try:
            with psycopg.connect(_plain_url(url)) as reader, psycopg.connect(_plain_url(url)) as writer:
                writer.execute("SET synchronous_commit = off")
                with reader.cursor(name="bench_audit_stage") as cursor, writer.cursor().copy(COPY_SQL) as copy:
                    cursor.itersize = 20000
                    cursor.execute(_STAGE_WALK)
                    sha256, canonical_of, write = hashlib.sha256, audit_chain._pg_canonical, copy.write_row
                    for row in cursor:
                        digest = sha256((prev_hash + canonical_of(row)).encode()).hexdigest()
                        values = [None if i in _INT_COLUMNS and value == "null" else value
                                  for i, value in enumerate(row[:16])]
                        values[1] += "Z"
                        write([row[0], *values, prev_hash, digest])
                        prev_hash = digest
                        if row[0] % 1_000_000 == 0:
                            print(f"  {row[0]:,} events hashed and sent ({time.perf_counter() - started:.1f}s)",
                                  flush=True)
                writer.execute("UPDATE audit_chain_head SET seq = %s, last_hash = %s WHERE id = 1", (count, prev_hash))
                writer.execute("SELECT setval(pg_get_serial_sequence('audit_events', 'id'), %s)", (max(count, 1),))
                writer.commit()
        finally:
            connection.rollback()
            put_back(connection, indexes, foreign_keys, print, timings)
        connection.execute(text("DROP TABLE bench_audit_stage"))
        connection.commit()
        if schema_snapshot(connection) != migrated:
            raise RuntimeError("audit_events' indexes differ from the migrated ones after the load")
        connection.rollback()
    engine.dispose()
    with psycopg.connect(_plain_url(url), autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE audit_events")
    return time.perf_counter() - started, prev_hash


def check_sample(url: str, every: int = 1000) -> int:
    """Re-hash one event in `every` with canonical_content and chain_hash; raise on any mismatch."""
    columns = ", ".join(audit.CANONICAL_FIELDS)
    checked = 0
    with psycopg.connect(_plain_url(url)) as connection:
        rows = connection.execute(f"SELECT {columns}, prev_hash, hash FROM audit_events WHERE seq % {every} = 1")
        for row in rows:
            event = dict(zip(audit.CANONICAL_FIELDS, row[:-2]))
            if audit.chain_hash(row[-2], audit.canonical_content(event)) != row[-1]:
                raise RuntimeError(f"event {event['seq']}: the loaded hash is not what the app would write")
            checked += 1
    return checked


def time_read_only(batch_size: int) -> float:
    """The database's share: the same keyset batches as verify_chain, with no hashing."""
    columns = [getattr(AuditEvent, name) for name in audit.CANONICAL_FIELDS] + [AuditEvent.prev_hash, AuditEvent.hash]
    started = time.perf_counter()
    last_seq = 0
    while True:
        rows = db.session.execute(
            select(*columns).where(AuditEvent.seq > last_seq).order_by(AuditEvent.seq).limit(batch_size)
        ).all()
        if not rows:
            break
        last_seq = rows[-1][0]
    db.session.rollback()
    return time.perf_counter() - started


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--reload", action="store_true", help="reload the events even if the count already matches")
    parser.add_argument("--batch-sizes", type=int, nargs="*", default=[5000],
                        help="verify_chain batch sizes to time (5000 is what `flask audit verify` uses)")
    parser.add_argument("--workers", type=int, nargs="*", default=[1],
                        help="processes to verify with (`flask audit verify --workers`); each count is timed")
    parser.add_argument("--skip-read-alone", action="store_true",
                        help="do not time the old way of reading the rows (minutes at 10,000,000 events)")
    args = parser.parse_args()

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    if not url.startswith("postgresql") or make_url(url).database in (None, "", "postgres", "victimcare"):
        print("BENCH_DATABASE_URL must name a separate PostgreSQL database for the benchmark", file=sys.stderr)
        return 2
    ensure_database(url)
    app = create_app("default", {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "benchmark-only-not-secret"})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        present = db.session.scalar(select(func.count()).select_from(AuditEvent))
        db.session.rollback()

    print(f"machine: {platform.node()} · {platform.processor() or platform.machine()} · "
          f"{os.cpu_count()} CPUs · Python {platform.python_version()}")
    if present != args.events or args.reload:
        print(f"loading {args.events:,} events (had {present:,})")
        seconds, _ = load_events(url, args.events)
        print(f"load: {seconds:.1f}s ({args.events / seconds:,.0f} events/s, hashing included)"
              f"  [load average {os.getloadavg()[0]:.1f}]")
        print(f"sample re-hashed with canonical_content and chain_hash: {check_sample(url):,} events, all equal")
    else:
        print(f"reusing {present:,} events already in {make_url(url).database}")

    with app.app_context():
        server = db.session.scalar(text("SHOW server_version"))
        size = db.session.scalar(text("SELECT pg_size_pretty(pg_total_relation_size('audit_events'))"))
        db.session.rollback()
        print(f"PostgreSQL {server}; audit_events {size}")
        for batch_size in args.batch_sizes:
            read = None if args.skip_read_alone else time_read_only(batch_size)
            for workers in args.workers:
                started, cpu_started, children = time.perf_counter(), time.process_time(), _children_cpu()
                result = audit.verify_chain(batch_size=batch_size, first_try=(
                    audit_parallel.in_parallel(workers) if workers > 1 else None))
                elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
                cpu += _children_cpu() - children  # the worker processes' hashing
                db.session.rollback()
                # CPU time in Python is reported too: on a shared machine the wall clock mostly measures waiting.
                print(f"verify_chain(batch_size={batch_size}, workers={workers}): {elapsed:.1f}s wall, "
                      f"{cpu:.1f}s CPU in Python, {result.events_checked / elapsed:,.0f} events/s"
                      + ("" if read is None else f" (reading alone {read:.1f}s wall)") + " "
                      f"-> {result.message}  [load average {os.getloadavg()[0]:.1f}]", flush=True)
                if not result.ok:
                    return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
