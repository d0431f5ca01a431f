"""Time `flask --app wsgi referrals import FILE` on PostgreSQL (issue 14's target: 100,000 referrals in under 60 s).

Builds a scratch database (`bench_import` by default), migrates it, adds an advocate to each service (so each new
case records its email, as in production), writes N fictional referrals as JSON Lines in the API's shape plus
`external_id`, and runs the real command twice: the first run imports, the second must find everything already
imported. Prints wall clock, rows a second, the command's own CPU seconds (its worker processes included), the
CPU seconds of the PostgreSQL server processes serving the scratch database (sampled from /proc while it runs) and
the machine's load average, then runs `rollups check` on the result. On a shared machine the wall clock is mostly
waiting for a core; the two CPU figures say what a quiet two-core machine would need at least:
(command + database) / 2 when the work spreads over both cores.

    .venv/bin/python benchmarks/bulk_import.py --rows 10000 [--workers N]
"""
import argparse
import json
import os
import random
import resource
import subprocess
import sys
import threading
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


class ServerCpu:
    """CPU seconds of the PostgreSQL backends serving ``database``, sampled every 0.2 s (a backend's last sample
    before it exits counts)."""

    def __init__(self, database: str):
        self.marker = f" {database} ".encode()
        self.seen: dict[int, int] = {}
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join()

    def _sample(self):
        while not self.done.wait(0.2):
            for pid in os.listdir("/proc"):
                if not pid.isdigit():
                    continue
                try:
                    with open(f"/proc/{pid}/cmdline", "rb") as f:
                        title = f.read()
                    if not title.startswith(b"postgres:") or self.marker not in title:
                        continue
                    with open(f"/proc/{pid}/stat") as f:
                        fields = f.read().rsplit(")", 1)[1].split()
                    self.seen[int(pid)] = int(fields[11]) + int(fields[12])  # utime + stime, in ticks
                except OSError:
                    continue

    @property
    def seconds(self) -> float:
        return sum(self.seen.values()) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--database", default="bench_import")
    parser.add_argument("--workers", type=int, default=None, help="passed to the command (default: its own)")
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
        workers = [] if args.workers is None else ["--workers", str(args.workers)]
        with ServerCpu(args.database) as server:
            done = subprocess.run([*flask, "referrals", "import", str(source), *workers], cwd=ROOT, env=env,
                                  capture_output=True, text=True)
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        print(f"{label}: {args.rows} rows in {seconds:.1f} s ({args.rows / seconds:.0f} rows/s), exit "
              f"{done.returncode}, command CPU {cpu:.1f} s, database CPU {server.seconds:.1f} s, load average "
              f"{load:.1f} -> {os.getloadavg()[0]:.1f}")
        print("  " + done.stdout.strip().splitlines()[-1])
    check = subprocess.run([*flask, "rollups", "check"], cwd=ROOT, env=env, capture_output=True, text=True)
    print(f"rollups check: exit {check.returncode} {check.stdout.strip().splitlines()[-1] if check.stdout else ''}")


if __name__ == "__main__":
    main()
