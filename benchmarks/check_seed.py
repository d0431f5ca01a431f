"""Check bulk_seed on a small seed: the schema it leaves is the migrated one and the roll-ups match a recount.

    .venv/bin/python -m benchmarks.check_seed                      # 20,000 cases into bench_seed_check
    .venv/bin/python -m benchmarks.check_seed postgresql+psycopg://postgres@127.0.0.1:5432/other --cases 50000

bulk_seed drops the loaded tables' secondary indexes and foreign keys for the load and puts them back from the
catalogue; ``seed()`` itself compares every index and constraint definition before and after and raises on any
difference. This script runs it in small chunks (so the chunk boundaries are crossed), then runs the same check as
`flask --app wsgi rollups check` and counts rows the foreign keys would have refused (none: they were re-added,
and so validated, but the count says so in plain figures). Not part of CI: it needs PostgreSQL and a minute.
Exit status 0 when all is well, 1 otherwise.
"""
import argparse
import sys

from sqlalchemy import create_engine, text

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_seed_check"

ORPHANS_SQL = """
SELECT (SELECT count(*) FROM referrals r LEFT JOIN people p ON p.id = r.person_id WHERE p.id IS NULL)
     + (SELECT count(*) FROM cases c LEFT JOIN referrals r ON r.id = c.referral_id WHERE r.id IS NULL)
     + (SELECT count(*) FROM cases c LEFT JOIN services s ON s.id = c.service_id WHERE s.id IS NULL)
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url", nargs="?", default=DEFAULT_URL)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--chunk", type=int, default=7_000)
    parser.add_argument("--drop", action="store_true", help="drop the database afterwards")
    args = parser.parse_args()

    from benchmarks.bulk_seed import seed

    seed(args.database_url, args.cases, chunk=args.chunk)  # raises if the schema differs from the migrated one

    from victimcare import create_app
    from victimcare.extensions import db
    from victimcare.services import rollups

    app = create_app("default", {"SQLALCHEMY_DATABASE_URI": args.database_url, "SECRET_KEY": "bench-only"})
    with app.app_context():
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        counts = db.session.execute(text("SELECT (SELECT count(*) FROM people), (SELECT count(*) FROM referrals), "
                                         "(SELECT count(*) FROM cases)")).one()
        orphans = db.session.scalar(text(ORPHANS_SQL))
        differences = rollups.check()
        db.session.rollback()
        db.engine.dispose()
    for difference in differences:
        print(difference.describe())
    print(f"people {counts[0]:,}, referrals {counts[1]:,}, cases {counts[2]:,}; rows without their parent: {orphans}; "
          f"roll-up rows differing from a recount: {len(differences)}")
    ok = not differences and not orphans and tuple(counts) == (args.cases,) * 3
    if args.drop:
        from sqlalchemy import make_url

        url = make_url(args.database_url)
        admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{url.database}"'))
        admin.dispose()
    print("seed check: " + ("passed" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
