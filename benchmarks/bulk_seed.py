"""Bulk-load realistic, wholly fictional referrals and cases into a PostgreSQL database, fast, for benchmarks.

    python -m benchmarks.bulk_seed postgresql+psycopg://postgres@127.0.0.1:5432/bench_reports --cases 1000000

or from code: ``seed(database_url, cases=1_000_000)``. The database is created if missing; its schema is built
by the real migrations (``flask db upgrade`` through create_app), so benchmarks run against the production
schema and indexes. Rows are made by ``INSERT ... SELECT FROM generate_series`` inside PostgreSQL: one person,
one referral and one case per row, spread over the 33 London areas, the six services and the last two years
(or more: ``--years``, by default one per million cases, so 10,000,000 cases are a decade of London, which
records about 730,000 victims a year),
with enhanced flags, first-contact outcomes, closures with outcome answers and equality data. Some boroughs are
deliberately slower to make first contact than others, so the postcode-lottery report has something to show.

Every name is "Bench Person <n>"; there are no contact details or free text beyond fixed placeholders.

For 10,000,000 cases (issue 14): each table is loaded a chunk of ids at a time (``--chunk``, 1,000,000 by
default: one statement and one transaction per chunk, with progress), commits do not wait for the WAL flush, and
the loaded tables' plain secondary indexes and foreign keys are dropped before the load and put back afterwards
from their catalogue definitions (indexes built in one sorted pass with ``maintenance_work_mem`` of 1 GB, each
foreign key validated by one join). Primary keys, unique constraints and partial indexes stay in place. The
schema after seeding is compared with the migrated one (every index and constraint definition) and a difference
is an error. ``python -m benchmarks.check_seed`` runs a small seed and `rollups check` on it.
"""
import argparse
import time

from sqlalchemy import create_engine, make_url, text

SETSEED = 0.42  # same data on every run

# One statement per table; :n is the number of cases. Random draws happen once per row in the inner SELECT.
PEOPLE_SQL = """
INSERT INTO people (id, given_name, family_name, date_of_birth, borough_code, may_phone, may_leave_voicemail,
                    may_write, may_email, sex, ethnicity, disability, version, created_at)
SELECT i, 'Bench', 'Person ' || i,
       DATE '1940-01-01' + (random() * 30000)::int,
       CASE WHEN random() < 0.02 THEN NULL ELSE (SELECT array_agg(ons_code ORDER BY ons_code) FROM boroughs)[1 + (i % 33)] END,
       random() < 0.8, random() < 0.4, random() < 0.5, random() < 0.5,
       (ARRAY['female', 'male', 'prefer-not-to-say', NULL])[1 + floor(random() * 4)::int],
       (ARRAY['white-british', 'white-other', 'black-african', 'black-caribbean', 'asian-indian',
              'asian-bangladeshi', 'mixed-other', 'other-arab', 'prefer-not-to-say', NULL])[1 + floor(random() * 10)::int],
       (ARRAY['yes', 'no', 'no', 'prefer-not-to-say', NULL])[1 + floor(random() * 5)::int],
       1, now()
FROM generate_series(CAST(:lo AS integer), CAST(:hi AS integer)) AS i
"""

REFERRALS_SQL = """
INSERT INTO referrals (id, reference, person_id, status, source, received_at, offence_category, offence_borough_code,
                       domestic_abuse, sexual_offence, weapon_involved, persistently_targeted, bereaved_relative,
                       vulnerable_or_intimidated, most_serious_crime, rj_requested, rj_consent, code_complaint,
                       enhanced, enhanced_reasons, dash_level, marac, consent_referral, version)
SELECT p.id, 'VC-B' || lpad(p.id::text, 9, '0'), p.id, 'routed',
       (ARRAY['caseworker', 'police-api', 'police-api', 'partner', 'self-referral'])[1 + floor(r.a * 5)::int],
       now() - (r.b * CAST(:days AS integer) * interval '1 day'),
       r.offence, p.borough_code,
       r.offence = 'domestic-abuse', r.offence = 'sexual-offence', r.offence = 'weapon-offence',
       r.offence = 'stalking-harassment', false, r.c < 0.1,
       r.offence IN ('domestic-abuse', 'hate-crime', 'sexual-offence'), r.d < 0.05, r.d < 0.02, r.d > 0.98,
       r.offence IN ('domestic-abuse', 'hate-crime', 'sexual-offence', 'stalking-harassment') OR r.c < 0.1,
       '[]',
       CASE WHEN r.offence = 'domestic-abuse' THEN (ARRAY['standard', 'medium', 'high'])[1 + floor(r.c * 3)::int] END,
       r.offence = 'domestic-abuse' AND r.c > 0.67, true, 1
FROM people p
CROSS JOIN LATERAL (
    SELECT random() + 0 * p.id AS a, random() AS b, random() AS c, random() AS d,
           (ARRAY['violence-with-injury', 'robbery', 'burglary', 'criminal-damage', 'theft-from-the-person',
                  'sexual-offence', 'domestic-abuse', 'domestic-abuse', 'hate-crime', 'stalking-harassment',
                  'weapon-offence', 'fraud', 'other'])[1 + floor(random() * 13)::int] AS offence
    OFFSET 0
) r
WHERE p.id BETWEEN :lo AND :hi
"""

# First-contact lag in working days grows with a per-borough factor (0..6) so boroughs differ; calendar days
# are approximated as working days * 7 / 5. Old cases are mostly closed; a few recent ones are still open.
CASES_SQL = """
INSERT INTO cases (id, referral_id, service_id, status, priority, rule, route_reason, received_at, borough_code,
                   enhanced, marac, child_safeguarding, first_contact_due, first_contacted_at,
                   first_contact_working_days, first_contact_in_time, accepted_at, closure_reason, closed_at,
                   outcome_feels_safer, outcome_better_able_to_cope, outcome_better_informed,
                   created_at, updated_at, version)
SELECT x.id, x.id, x.service_id, x.status, CASE WHEN x.enhanced THEN 'high' ELSE 'normal' END, 'bench',
       'Bench routing', x.received_at, x.borough_code, x.enhanced, x.marac, false, x.due,
       CASE WHEN x.contacted THEN x.received_at + x.lag * interval '33 hours' END,
       CASE WHEN x.contacted THEN x.lag END,
       CASE WHEN x.contacted THEN x.received_at::date + x.lag * 7 / 5 <= x.due END,
       CASE WHEN x.status IN ('accepted', 'in-progress', 'closed') THEN x.received_at + interval '3 days' END,
       CASE WHEN x.status = 'closed' THEN (ARRAY['support-completed', 'support-completed', 'declined-support',
                                                 'not-contactable'])[1 + floor(x.r3 * 4)::int] END,
       CASE WHEN x.status = 'closed' THEN x.received_at + interval '60 days' END,
       CASE WHEN x.status = 'closed' THEN (ARRAY['improved', 'improved', 'same', 'worse', 'not-asked'])[1 + floor(x.r4 * 5)::int] END,
       CASE WHEN x.status = 'closed' THEN (ARRAY['improved', 'same', 'same', 'worse', 'not-asked'])[1 + floor(x.r3 * 5)::int] END,
       CASE WHEN x.status = 'closed' THEN (ARRAY['improved', 'improved', 'improved', 'same', 'not-asked'])[1 + floor(x.r2 * 5)::int] END,
       x.received_at, x.received_at, 1
FROM (
    SELECT r.id, r.received_at, r.offence_borough_code AS borough_code, r.enhanced, r.marac,
           s.service_id,
           (r.received_at AT TIME ZONE 'Europe/London')::date + CASE WHEN r.enhanced THEN 3 ELSE 7 END AS due,
           q.r1 < 0.9 AND r.received_at < now() - interval '1 day' AS contacted,
           floor(q.r2 * q.r2 * (4 + coalesce(ascii(right(r.offence_borough_code, 1)) % 7, 3)))::int AS lag,
           CASE WHEN r.received_at < now() - interval '90 days' THEN
                    (ARRAY['closed', 'closed', 'closed', 'declined', 'transferred', 'in-progress'])[1 + floor(q.r3 * 6)::int]
                WHEN r.received_at < now() - interval '5 days' THEN
                    (ARRAY['accepted', 'in-progress', 'in-progress', 'new'])[1 + floor(q.r3 * 4)::int]
                ELSE 'new' END AS status,
           q.r2, q.r3, q.r4
    FROM referrals r
    CROSS JOIN LATERAL (SELECT random() + 0 * r.id AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5 OFFSET 0) q
    CROSS JOIN LATERAL (
        SELECT id AS service_id FROM services
        WHERE slug = CASE WHEN r.offence_category = 'domestic-abuse' THEN 'domestic-abuse'
                          WHEN r.offence_category = 'hate-crime' THEN 'hate-crime'
                          WHEN r.offence_category = 'sexual-offence' AND q.r5 < 0.3 THEN 'child-house'
                          WHEN q.r5 < 0.05 THEN 'restorative-justice'
                          WHEN q.r5 < 0.08 THEN 'victims-commissioner'
                          ELSE 'victim-support' END
    ) s
    WHERE r.id BETWEEN :lo AND :hi
) x
"""

STRANDS_SQL = """
INSERT INTO referral_strands (referral_id, strand)
SELECT id, (ARRAY['race', 'religion', 'sexual-orientation', 'disability', 'transgender-identity'])[1 + (id % 5)]
FROM referrals WHERE offence_category = 'hate-crime'
"""


def _ensure_database(url) -> None:
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": url.database}).first()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()


def _build_schema(database_url: str) -> None:
    """Empty the database and run the real migrations through the app factory."""
    from flask_migrate import upgrade

    from victimcare import create_app

    engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    app = create_app("default", {"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench-only"})
    with app.app_context():
        upgrade()
        from victimcare.extensions import db

        db.engine.dispose()


def _rebuild_rollups(database_url: str) -> None:
    """The cases went in by SQL, past the ORM that keeps the report roll-ups: rebuild them, as
    `flask --app wsgi rollups rebuild` does."""
    from victimcare import create_app
    from victimcare.extensions import db
    from victimcare.services import rollups
    from victimcare.uow import unit_of_work

    app = create_app("default", {"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench-only"})
    with app.app_context():
        with unit_of_work():
            rollups.rebuild()
        db.engine.dispose()


LOADED_TABLES = ("people", "referrals", "cases", "referral_strands", "code_events", "justice_withdrawals",
                 "justice_withdrawal_reasons")
CHUNK = 1_000_000

# The schema as the migrations left it, to compare after loading: every index's definition and every
# constraint's (with whether it is validated), in the public schema.
SNAPSHOT_SQL = """
SELECT 'index', tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'
UNION ALL
SELECT 'constraint', conrelid::regclass::text, conname, pg_get_constraintdef(oid) || CASE WHEN convalidated THEN ''
       ELSE ' NOT VALID' END
FROM pg_constraint WHERE connamespace = 'public'::regnamespace
ORDER BY 1, 2, 3
"""
# What is set aside while loading: plain secondary indexes (not primary keys, not unique ones, not those behind
# a constraint) and the foreign keys of the loaded tables, whose per-row checks lock each parent row. Partial
# indexes stay: their predicates do not come back from pg_get_indexdef in the form the migrations wrote
# (`= ANY (ARRAY['new'::character varying, ...]::text[])` is re-read as `ARRAY[('new'::character varying)::text,
# ...]`), and they cover only the few open cases anyway.
SECONDARY_INDEXES_SQL = """
SELECT c.relname, pg_get_indexdef(i.indexrelid)
FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
WHERE i.indrelid = ANY(CAST(:tables AS regclass[])) AND NOT i.indisunique AND NOT i.indisprimary
  AND i.indpred IS NULL
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid)
ORDER BY c.relname
"""
FOREIGN_KEYS_SQL = """
SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(CAST(:tables AS regclass[]))
ORDER BY 1, 2
"""


def schema_snapshot(connection) -> list[tuple]:
    return [tuple(row) for row in connection.execute(text(SNAPSHOT_SQL))]


def set_aside(connection, echo, tables=LOADED_TABLES) -> tuple[list, list]:
    """Drop the tables' secondary indexes and foreign keys; return their definitions, read from the catalogue
    (so what is put back is exactly what the migrations made)."""
    tables = list(tables)
    indexes = connection.execute(text(SECONDARY_INDEXES_SQL), {"tables": tables}).all()
    foreign_keys = connection.execute(text(FOREIGN_KEYS_SQL), {"tables": tables}).all()
    for table, name, _ in foreign_keys:
        connection.execute(text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
    for name, _ in indexes:
        connection.execute(text(f'DROP INDEX "{name}"'))
    connection.commit()
    echo(f"  set aside {len(indexes)} secondary indexes and {len(foreign_keys)} foreign keys for the load")
    return indexes, foreign_keys


def put_back(connection, indexes, foreign_keys, echo, timings) -> None:
    """Rebuild the indexes (each in one pass over its table, sorted in maintenance_work_mem) and re-add the
    foreign keys (each validated by one join over the table instead of a lookup per row)."""
    step = time.perf_counter()
    for name, definition in indexes:
        started = time.perf_counter()
        connection.execute(text(definition))
        connection.commit()
        echo(f"    {name:<30} {time.perf_counter() - started:6.1f} s")
    timings["indexes"] = time.perf_counter() - step
    echo(f"  {'indexes':<17} {timings['indexes']:7.1f} s")
    step = time.perf_counter()
    for table, name, definition in foreign_keys:
        connection.execute(text(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'))
    connection.commit()
    timings["foreign_keys"] = time.perf_counter() - step
    echo(f"  {'foreign keys':<17} {timings['foreign_keys']:7.1f} s")


# Victims' Code events and withdrawals from the justice process (issue 17), for the code-rights and attrition
# reports: about 550,000 events and 200,000 withdrawals per 1,000,000 cases, chosen by case id so every run is
# the same. Told about the Code on 20% of the cases taken on, needs assessed on 20% (half of them also told),
# compensation information on 5%, and a police decision told on 10%, after 0 to 8 working days (in time within
# 1 for enhanced victims, 5 for others). A fifth of the cases withdrew, at one of the three stages, supported when
# the service had made contact, giving one reason and a quarter of them "delay" as well.
CODE_EVENTS_SQL = """
INSERT INTO code_events (case_id, "right", event, at, decision_at, decision, working_days, in_time, created_at)
SELECT c.id, e.right_slug, e.event, c.received_at + interval '10 days',
       CASE WHEN e.event = 'decision-communicated'
            THEN c.received_at + interval '10 days' - ((c.id / 10) % 9) * interval '34 hours' END,
       CASE WHEN e.event = 'decision-communicated' THEN 'charged' END,
       CASE WHEN e.event = 'decision-communicated' THEN ((c.id / 10) % 9)::int END,
       CASE WHEN e.event = 'decision-communicated'
            THEN ((c.id / 10) % 9) <= CASE WHEN c.enhanced THEN 1 ELSE 5 END END,
       c.received_at + interval '10 days'
FROM cases c
JOIN (VALUES ('understand-and-be-understood', 'told-about-code', 0, 10),
             ('understand-and-be-understood', 'told-about-code', 1, 10),
             ('referral-to-support', 'needs-assessed', 1, 10),
             ('referral-to-support', 'needs-assessed', 2, 10),
             ('information-about-compensation', 'compensation-information', 5, 20),
             ('information-about-investigation', 'decision-communicated', 3, 10))
     AS e(right_slug, event, remainder, modulus) ON c.id % e.modulus = e.remainder
WHERE c.id BETWEEN :lo AND :hi
  AND (c.status NOT IN ('declined', 'transferred') OR e.event = 'decision-communicated')
"""

WITHDRAWALS_SQL = """
INSERT INTO justice_withdrawals (id, case_id, stage, withdrawn_on, supported_by_advocate, created_at)
SELECT c.id, c.id, (ARRAY['before-charge', 'before-charge', 'after-charge', 'at-trial'])[1 + (c.id / 5) % 4],
       (c.received_at AT TIME ZONE 'Europe/London')::date + 30, c.first_contacted_at IS NOT NULL, c.received_at
FROM cases c WHERE c.id BETWEEN :lo AND :hi AND c.id % 5 = 0
"""

WITHDRAWAL_REASONS_SQL = """
INSERT INTO justice_withdrawal_reasons (withdrawal_id, reason)
SELECT w.id, (ARRAY['fear-of-suspect', 'lack-of-confidence', 'delay', 'pressure-from-others', 'reconciled',
                    'practical-barriers', 'other'])[1 + (w.id / 5) % 7]
FROM justice_withdrawals w WHERE w.id BETWEEN :lo AND :hi
UNION ALL
SELECT w.id, 'delay' FROM justice_withdrawals w
WHERE w.id BETWEEN :lo AND :hi AND w.id % 20 = 0 AND (w.id / 5) % 7 <> 2
"""


def seed_code_events_and_withdrawals(connection, cases: int, chunk: int = CHUNK, echo=print) -> dict[str, float]:
    """Load the code events, withdrawals and their reasons of cases 1 to ``cases`` (already loaded), a chunk of
    ids per statement and transaction; then set the sequences. The roll-ups are not touched: run `rollups
    rebuild` (``_rebuild_rollups``) afterwards, as after the cases."""
    timings = {}
    for name, sql in (("code_events", CODE_EVENTS_SQL), ("justice_withdrawals", WITHDRAWALS_SQL),
                      ("justice_withdrawal_reasons", WITHDRAWAL_REASONS_SQL)):
        timings[name] = _load(connection, name, sql, cases, chunk, echo)
        echo(f"  {name:<17} {timings[name]:7.1f} s")
    for table in ("code_events", "justice_withdrawals"):
        connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"))
    connection.commit()
    return timings


def _load(connection, name, sql, cases, chunk, echo, days=None) -> float:
    """One table, a chunk of ids per statement and transaction, with progress."""
    step = time.perf_counter()
    for lo in range(1, cases + 1, chunk):
        hi = min(cases, lo + chunk - 1)
        connection.execute(text(sql), {"lo": lo, "hi": hi, "days": days})
        connection.commit()
        if cases > chunk:
            echo(f"    {name} {hi:>12,} ({time.perf_counter() - step:.1f} s)")
    # Statistics for the next table's id-range reads of this one
    connection.execute(text(f"ANALYZE {name}"))
    connection.commit()
    return time.perf_counter() - step


def default_years(cases: int) -> int:
    return max(2, round(cases / 1_000_000))


def seed(database_url: str, cases: int = 1_000_000, echo=print, chunk: int = CHUNK,
         years: int | None = None) -> dict[str, float]:
    """Rebuild the schema in ``database_url`` and load ``cases`` fictional cases received over the last ``years``
    (365 days each; by default one per million cases, at least two). Returns seconds per step.

    The secondary indexes and foreign keys of the loaded tables are dropped before loading and put back from
    their catalogue definitions afterwards; the schema after seeding is checked to be the migrated one."""
    url = make_url(database_url)
    if not url.drivername.startswith("postgresql"):
        raise ValueError("bulk_seed needs PostgreSQL (generate_series)")
    _ensure_database(url)
    days = 365 * (years or default_years(cases))
    timings: dict[str, float] = {}
    started = time.perf_counter()
    _build_schema(database_url)
    timings["schema"] = time.perf_counter() - started
    engine = create_engine(database_url)
    with engine.connect() as connection:
        migrated = schema_snapshot(connection)
        # For this session only: commits do not wait for the WAL flush (a crash loses the seed, which is rerun),
        # and index builds sort in memory.
        connection.execute(text("SET synchronous_commit = off"))
        connection.execute(text("SET maintenance_work_mem = '1GB'"))
        connection.commit()
        indexes, foreign_keys = set_aside(connection, echo)
        try:
            connection.execute(text("SELECT setseed(:s)"), {"s": SETSEED})
            for name, sql in (("people", PEOPLE_SQL), ("referrals", REFERRALS_SQL), ("cases", CASES_SQL)):
                timings[name] = _load(connection, name, sql, cases, chunk, echo, days)
                echo(f"  {name:<17} {timings[name]:7.1f} s")
            step = time.perf_counter()
            connection.execute(text(STRANDS_SQL))
            connection.commit()
            timings["referral_strands"] = time.perf_counter() - step
            echo(f"  {'referral_strands':<17} {timings['referral_strands']:7.1f} s")
            for table in ("people", "referrals", "cases"):
                connection.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
            connection.commit()
            timings.update(seed_code_events_and_withdrawals(connection, cases, chunk, echo))
        finally:
            connection.rollback()
            put_back(connection, indexes, foreign_keys, echo, timings)
        seeded = schema_snapshot(connection)
        connection.rollback()
    if seeded != migrated:
        missing, extra = sorted(set(migrated) - set(seeded)), sorted(set(seeded) - set(migrated))
        raise RuntimeError(f"the schema after seeding differs from the migrated one: missing {missing}, extra {extra}")
    echo("  schema after seeding: every index and constraint as migrated")
    step = time.perf_counter()
    _rebuild_rollups(database_url)
    timings["rollups"] = time.perf_counter() - step
    echo(f"  {'rollups rebuild':<17} {timings['rollups']:7.1f} s")
    step = time.perf_counter()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
    timings["vacuum_analyze"] = time.perf_counter() - step
    echo(f"  {'vacuum analyze':<17} {timings['vacuum_analyze']:7.1f} s")
    engine.dispose()
    timings["total"] = time.perf_counter() - started
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url", help="postgresql+psycopg://user@host:port/database (created if missing)")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, default=CHUNK, help="ids per INSERT statement and transaction")
    parser.add_argument("--years", type=int, help="received over the last N years (default: one per million "
                                                 "cases, at least two)")
    args = parser.parse_args()
    years = args.years or default_years(args.cases)
    print(f"Seeding {args.cases:,} cases received over {years} years into "
          f"{make_url(args.database_url).render_as_string(hide_password=True)}", flush=True)
    timings = seed(args.database_url, args.cases, echo=lambda line: print(line, flush=True), chunk=args.chunk,
                   years=years)
    print(f"Done in {timings['total']:.1f} s (schema {timings['schema']:.1f} s, vacuum/analyze {timings['vacuum_analyze']:.1f} s)")


if __name__ == "__main__":
    main()
