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
import json
import os
import platform
import random
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import psycopg
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from victimcare import create_app  # noqa: E402
from victimcare.extensions import db  # noqa: E402
from victimcare.models import AuditEvent  # noqa: E402
from victimcare.services import audit  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_audit"
COPY_COLUMNS = audit.CANONICAL_FIELDS + ("prev_hash", "hash")
CHUNK = 50_000

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


def synthetic_events(count: int, seed: int = 20261102):
    """Plausible event content, in seq order, with timestamps a few seconds apart over recent months."""
    rng = random.Random(seed)
    actions = [a for a, weight in ACTION_WEIGHTS for _ in range(weight)]
    at = datetime(2026, 1, 5, 8, 0, tzinfo=timezone.utc)
    for seq in range(1, count + 1):
        at += timedelta(microseconds=rng.randrange(200_000, 9_000_000))
        action = rng.choice(actions)
        role = rng.choice(ROLES)
        user_id = rng.randrange(1, 400)
        case_id = rng.randrange(1, 60_000) if action in ("view", "create", "update", "transition") else None
        changes = None
        if action == "update":
            changes = {"priority": {"before": "normal", "after": "high"}, "note": {"changed": True}}
        elif action == "transition":
            changes = {"status": {"before": "new", "after": "accepted"}}
        elif action == "list":
            changes = {"page": rng.randrange(1, 6)}
        yield {
            "seq": seq,
            "occurred_at": at,
            "actor_user_id": user_id,
            "actor_role": role,
            "actor_token_id": rng.randrange(1, 20) if rng.random() < 0.05 else None,
            "actor_label": f"{role}{user_id}@example.org",
            "action": action,
            "object_type": OBJECT_TYPES[action],
            "object_id": str(case_id or rng.randrange(1, 60_000)),
            "referral_id": case_id and case_id + 7,
            "case_id": case_id,
            "service_id": rng.randrange(1, 10) if case_id else None,
            "changes": changes,
            "request_id": f"{rng.getrandbits(128):032x}",
            "ip_address": f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
            "user_agent": rng.choice(AGENTS),
        }


def load_events(url: str, count: int) -> tuple[float, str]:
    """TRUNCATE the trail and COPY `count` chained events in; returns (seconds, last hash)."""
    started = time.perf_counter()
    prev_hash = audit.GENESIS_HASH
    with psycopg.connect(_plain_url(url)) as connection:
        # The benchmark database's owner lifts the TRUNCATE guard for the reload, in this transaction only.
        connection.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_truncate")
        connection.execute("TRUNCATE audit_events, audit_verifications")
        connection.execute("ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_truncate")
        with connection.cursor() as cursor:
            copy_sql = f"COPY audit_events ({', '.join(COPY_COLUMNS)}) FROM STDIN"
            with cursor.copy(copy_sql) as copy:
                for n, event in enumerate(synthetic_events(count), start=1):
                    digest = audit.chain_hash(prev_hash, audit.canonical_content(event))
                    row = [event[name] for name in audit.CANONICAL_FIELDS] + [prev_hash, digest]
                    changes_index = audit.CANONICAL_FIELDS.index("changes")
                    if row[changes_index] is not None:
                        row[changes_index] = json.dumps(row[changes_index])
                    copy.write_row(row)
                    prev_hash = digest
                    if n % 200_000 == 0:
                        print(f"  {n:,} events hashed and sent ({time.perf_counter() - started:.1f}s)", flush=True)
        connection.execute("UPDATE audit_chain_head SET seq = %s, last_hash = %s WHERE id = 1", (count, prev_hash))
        connection.commit()
    with psycopg.connect(_plain_url(url), autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE audit_events")
    return time.perf_counter() - started, prev_hash


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--reload", action="store_true", help="reload the events even if the count already matches")
    parser.add_argument("--batch-sizes", type=int, nargs="*", default=[5000],
                        help="verify_chain batch sizes to time (5000 is what `flask audit verify` uses)")
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
        print(f"load: {seconds:.1f}s ({args.events / seconds:,.0f} events/s, hashing included)")
    else:
        print(f"reusing {present:,} events already in {make_url(url).database}")

    with app.app_context():
        server = db.session.scalar(text("SHOW server_version"))
        size = db.session.scalar(text("SELECT pg_size_pretty(pg_total_relation_size('audit_events'))"))
        db.session.rollback()
        print(f"PostgreSQL {server}; audit_events {size}")
        for batch_size in args.batch_sizes:
            read = time_read_only(batch_size)
            started, cpu_started = time.perf_counter(), time.process_time()
            result = audit.verify_chain(batch_size=batch_size)
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
            db.session.rollback()
            # CPU time of this process is reported too: on a shared machine the wall clock mostly measures waiting.
            print(f"verify_chain(batch_size={batch_size}): {elapsed:.1f}s wall, {cpu:.1f}s CPU in Python, "
                  f"{result.events_checked / elapsed:,.0f} events/s (reading alone {read:.1f}s wall) "
                  f"-> {result.message}  [load average {os.getloadavg()[0]:.1f}]")
            if not result.ok:
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
