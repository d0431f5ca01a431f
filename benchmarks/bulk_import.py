"""Time `flask --app wsgi referrals import FILE` on PostgreSQL (issue 14's target: 100,000 referrals in under 60 s).

Builds a scratch database (`bench_import` by default), migrates it, adds an advocate to each service (so each new
case records its email, as in production), writes N fictional referrals as JSON Lines in the API's shape plus
`external_id`, and runs the real command twice: the first run imports, the second must find everything already
imported. Prints wall clock, rows a second, the command's own CPU seconds (what a quiet machine would take, less
the database's share) and the machine's load average, then runs `rollups check` on the result.

    .venv/bin/python benchmarks/bulk_import.py --rows 10000
"""
import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
BOROUGHS = ["Camden", "Hackney", "Lambeth", "Southwark", "Newham", "Croydon", "Barnet", "Ealing", "Brent",
            "Islington", "Haringey", "Lewisham", "Westminster", "Tower Hamlets", "Enfield"]
CATEGORIES = ["burglary", "robbery", "fraud", "violence-with-injury", "theft-from-the-person", "hate-crime",
              "domestic-abuse"]


def body(n: int, rng: random.Random) -> dict:
    category = rng.choice(CATEGORIES)
    row = {
        "external_id": f"BENCH-{n:07d}",
        "victim": {"given_name": f"Given{n}", "family_name": f"Family{n % 9973}",
                   "date_of_birth": f"{rng.randint(1950, 2005)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                   "borough": rng.choice(BOROUGHS), "phone": f"07700 900{rng.randint(100, 999)}"},
        "offence": {"category": category, "occurred_on": "2026-11-20", "domestic_abuse": category == "domestic-abuse",
                    "sexual_offence": False,
                    "hate_crime_strands": ["race"] if category == "hate-crime" else []},
        "consent": {"referral": rng.random() < 0.9},
        "received_at": "2026-11-23T10:00:00Z",
    }
    if category == "domestic-abuse":
        row["dash"] = {"yes_count": rng.randint(0, 24), "professional_judgement": False}
    return row


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--database", default="bench_import")
    args = parser.parse_args()
    admin = create_engine("postgresql+psycopg://postgres@127.0.0.1:5432/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{args.database}"'))
        connection.execute(text(f'CREATE DATABASE "{args.database}"'))
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{args.database}"
    env = {**os.environ, "DATABASE_URL": url, "VICTIMCARE_CONFIG": "default"}
    flask = [str(Path(sys.executable).with_name("flask")), "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    for n, service in enumerate(["domestic-abuse", "hate-crime", "victim-support", "restorative-justice",
                                 "child-house", "victims-commissioner"]):
        subprocess.run([*flask, "user", "create", f"advocate{n}@example.org", "--name", f"Advocate {n}",
                        "--role", "advocate", "--service", service, "--password", "bench-password-1234"],
                       cwd=ROOT, env=env, check=True, capture_output=True)
    source = Path(f"/tmp/{args.database}.jsonl")
    rng = random.Random(14)
    with source.open("w") as out:
        for n in range(args.rows):
            out.write(json.dumps(body(n, rng)) + "\n")
    for label in ("first run", "second run (all already imported)"):
        load = os.getloadavg()[0]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run([*flask, "referrals", "import", str(source)], cwd=ROOT, env=env, capture_output=True,
                              text=True)
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        print(f"{label}: {args.rows} rows in {seconds:.1f} s ({args.rows / seconds:.0f} rows/s), exit "
              f"{done.returncode}, command CPU {cpu:.1f} s, load average {load:.1f} -> {os.getloadavg()[0]:.1f}")
        print("  " + done.stdout.strip().splitlines()[-1])
    check = subprocess.run([*flask, "rollups", "check"], cwd=ROOT, env=env, capture_output=True, text=True)
    print(f"rollups check: exit {check.returncode} {check.stdout.strip().splitlines()[-1] if check.stdout else ''}")


if __name__ == "__main__":
    main()
