"""Time the advocate's queue and the case page against a large PostgreSQL database, server-side.

    python -m benchmarks.bulk_seed postgresql+psycopg://postgres@127.0.0.1:5432/bench_cases --cases 1000000  # once
    python -m benchmarks.cases_pages postgresql+psycopg://postgres@127.0.0.1:5432/bench_cases

Each request goes through the whole Flask stack in-process (routing, sign-in session, service layer with its
audit event and commit, template rendering) with the test client; the time is measured around the request, so
it is server-side time without a network. Each page is requested once to warm caches, then ``--repeat`` times;
p50 and p95 are printed. Target (issue 4): p95 under 50 ms for the queue (filtered, sorted by due date,
paginated) and for the case page.
"""
import argparse
import random
import statistics
import time

from sqlalchemy import func, select

PASSWORD = "bench-only-password"


def _percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url")
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--service", default="domestic-abuse")
    parser.add_argument("--statements", action="store_true",
                        help="also print each SQL statement of one request per page, with its time")
    parser.add_argument("--seal-mode", choices=("background", "inline", "off"), default="background",
                        help="AUDIT_SEAL_MODE: who seals the audit events (background: the sealer thread)")
    parser.add_argument("--profile", metavar="PAGE",
                        help="cProfile --repeat requests of one page (a name from the table, e.g. queue) instead")
    args = parser.parse_args()

    from victimcare import create_app
    from victimcare.extensions import db
    from victimcare.models import Case, Service, User
    from victimcare.services.users import hash_password

    app = create_app("default", {"SQLALCHEMY_DATABASE_URI": args.database_url, "SECRET_KEY": "bench-only",
                                 "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                                 # no jobs thread: scheduled sweeps would run inside the timings
                                 "JOBS_EAGER": True, "AUDIT_SEAL_MODE": args.seal_mode})
    with app.app_context():
        service = db.session.scalar(select(Service).where(Service.slug == args.service))
        email = f"bench-advocate@{args.service}.bench"
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(email=email, name="Bench Advocate", role="advocate", service_id=service.id,
                        password_hash=hash_password(PASSWORD))
            db.session.add(user)
            db.session.commit()
        total = db.session.scalar(select(func.count()).select_from(Case))
        service_cases = db.session.scalar(select(func.count()).select_from(Case).where(Case.service_id == service.id))
        rng = random.Random(42)
        case_ids = list(db.session.scalars(
            select(Case.id).where(Case.service_id == service.id).order_by(Case.id).limit(5000)))
        case_ids = rng.sample(case_ids, min(len(case_ids), args.repeat))
        user_id = user.id

    client = app.test_client()
    response = client.post("/sign-in", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.status_code

    pages = {
        "queue, open cases (default)": lambda n: "/cases/",
        "queue, overdue, page 3": lambda n: "/cases/?due=overdue&page=3",
        "queue, new + high priority": lambda n: "/cases/?status=new&priority=high",
        "queue, one borough": lambda n: "/cases/?borough=E09000012",
        "queue, assigned to me": lambda n: "/cases/?assigned=me",
        "case page (overview and timeline)": lambda n: f"/cases/{case_ids[n % len(case_ids)]}",
        "home (action counts)": lambda n: "/home",
    }
    print(f"{total:,} cases in the database, {service_cases:,} in {args.service}; user {user_id}; "
          f"{args.repeat} requests each")
    print(f"{'page':40} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    if args.profile:
        _profile(client, [path for name, path in pages.items() if name.startswith(args.profile)][0], args.repeat)
        return
    for name, path in pages.items():
        client.get(path(0))  # warm
        if args.statements:
            _print_statements(app, client, path(1))
        timings = []
        for n in range(args.repeat):
            started = time.perf_counter()
            response = client.get(path(n))
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (name, response.status_code)
        print(f"{name:40} {statistics.median(timings):8.1f} {_percentile(timings, 0.95):8.1f} {max(timings):8.1f}")


def _print_statements(app, client, path: str) -> None:
    """Each statement one request runs on its own thread (a sealer thread's are not the request's), with its time."""
    import threading

    from sqlalchemy import event

    from victimcare.extensions import db

    me, started, seen = threading.get_ident(), {}, []

    def before(conn, cursor, statement, parameters, context, executemany):
        started[id(cursor)] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        if threading.get_ident() == me:
            seen.append(((time.perf_counter() - started.pop(id(cursor), time.perf_counter())) * 1000,
                         " ".join(statement.split())[:90]))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        request_started = time.perf_counter()
        client.get(path)
        total = (time.perf_counter() - request_started) * 1000
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
    print(f"  {path}: {len(seen)} statements, {sum(ms for ms, _ in seen):.1f} ms of {total:.1f} ms")
    for ms, statement in seen:
        print(f"    {ms:7.2f} ms  {statement}")


def _profile(client, path, repeat: int) -> None:
    import cProfile
    import pstats

    client.get(path(0))
    profiler = cProfile.Profile()
    profiler.enable()
    for n in range(repeat):
        client.get(path(n))
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
