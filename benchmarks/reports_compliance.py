"""Time the Victims' Code compliance report against a large PostgreSQL database.

    python -m benchmarks.bulk_seed postgresql+psycopg://postgres@127.0.0.1:5432/bench_reports   # once
    python -m benchmarks.reports_compliance postgresql+psycopg://postgres@127.0.0.1:5432/bench_reports

Runs the same service call the page and the API make (victimcare.services.reports.code_compliance: one SQL
statement, suppression, the audit event and its commit) for every group_by, over the whole two years and over
the last 90 days, and for the postcode-lottery page (two statements). Each is run once to warm the cache, then
``--repeat`` times; the best and the median are printed. Target: under one second.
"""
import argparse
import statistics
import time
from datetime import date, timedelta

from sqlalchemy import func, select


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from victimcare import create_app
    from victimcare.domain.report_definitions import ReportFilters
    from victimcare.extensions import db
    from victimcare.models import Case
    from victimcare.services import reports
    from victimcare.services.actors import Actor

    app = create_app("default", {"SQLALCHEMY_DATABASE_URI": args.database_url, "SECRET_KEY": "bench-only"})
    with app.app_context():
        actor = Actor(user_id=None, role="commissioner", label="benchmark")
        cases = db.session.scalar(select(func.count()).select_from(Case))
        today = date.today()
        options = reports.report_options(actor)
        whole = ReportFilters(today - timedelta(days=730), today)
        recent = ReportFilters(today - timedelta(days=89), today)
        runs = [(f"code-compliance by {g}, 2 years", lambda g=g: reports.code_compliance(actor, whole, g, options))
                for g in ("service", "borough", "bcu", "month")]
        runs += [(f"code-compliance by {g}, 90 days", lambda g=g: reports.code_compliance(actor, recent, g, options))
                 for g in ("service", "month")]
        runs.append(("code-compliance by borough, 2 years, one service",
                     lambda: reports.code_compliance(actor, ReportFilters(whole.date_from, today, service="domestic-abuse"),
                                                     "borough", options)))
        runs.append(("postcode-lottery (borough + BCU), 2 years", lambda: reports.postcode_lottery(actor, whole, options=options)))
        print(f"{cases:,} cases; {args.repeat} timed runs each after one warm-up; PostgreSQL {db.session.scalar(select(func.version())).split()[1]}")
        print(f"{'report':<52} {'best':>8} {'median':>8}")
        for name, run in runs:
            run()
            timings = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                run()
                timings.append(time.perf_counter() - started)
            print(f"{name:<52} {min(timings):7.3f}s {statistics.median(timings):7.3f}s")


if __name__ == "__main__":
    main()
