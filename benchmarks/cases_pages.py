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
    args = parser.parse_args()

    from victimcare import create_app
    from victimcare.extensions import db
    from victimcare.models import Case, Service, User
    from victimcare.services.users import hash_password

    app = create_app("default", {"SQLALCHEMY_DATABASE_URI": args.database_url, "SECRET_KEY": "bench-only",
                                 "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                                 # no jobs thread: scheduled sweeps would run inside the timings
                                 "JOBS_EAGER": True})
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
    for name, path in pages.items():
        client.get(path(0))  # warm
        timings = []
        for n in range(args.repeat):
            started = time.perf_counter()
            response = client.get(path(n))
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (name, response.status_code)
        print(f"{name:40} {statistics.median(timings):8.1f} {_percentile(timings, 0.95):8.1f} {max(timings):8.1f}")


if __name__ == "__main__":
    main()
