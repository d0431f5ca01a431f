"""Time the Victims' Code compliance report against a large PostgreSQL database.

    python -m benchmarks.bulk_seed postgresql+psycopg://postgres@127.0.0.1:5432/bench_reports   # once
    python -m benchmarks.reports_compliance postgresql+psycopg://postgres@127.0.0.1:5432/bench_reports

Runs the same service calls the pages and the API make (victimcare.services.reports: the SQL, suppression, the
audit event and its commit) for every group_by over the commissioner's whole-month periods (read from the report
roll-ups), over a period with odd days at its ends (those days counted from the cases), the postcode lottery,
where London falls short, and the service-measures, equality and outcomes breakdowns (from the breakdown
roll-up, rollup_case_dimensions). Each is run once to warm the cache, then ``--repeat`` times; the best and the
median are printed. Target (issue 14): under 100 ms for compliance, the lottery and the service measures.
"""
import argparse
import statistics
import time
from dataclasses import replace
from datetime import date, timedelta

from sqlalchemy import func, select


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from victimcare import create_app
    from victimcare.domain import targets as target_rules
    from victimcare.domain.report_definitions import ReportFilters, add_months
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
        this_month = today.replace(day=1)
        month_end = add_months(this_month, 1) - timedelta(days=1)
        # The commissioner's periods: whole months (from the roll-ups alone)
        whole = ReportFilters(add_months(this_month, -23), month_end, whole_months=3)
        recent = ReportFilters(add_months(this_month, -2), month_end, whole_months=3)
        year = ReportFilters(add_months(this_month, -11), month_end, whole_months=3)
        # A staff-style period with odd days at both ends (whole months from the roll-ups, the ends from the cases)
        odd = ReportFilters(today - timedelta(days=730), today)
        # bulk_seed's cases start 730 days ago, so that period's first month has no cases before its first day;
        # a year to today has a month's cases on both sides of its first day, and 16th to 15th (the worst case
        # for period_parts: neither end month is cheaper by difference) counts half a month at each end.
        year_to_today = ReportFilters(today - timedelta(days=365), today)
        mid_months = ReportFilters(add_months(this_month, -13).replace(day=16),
                                   add_months(this_month, -1).replace(day=15))
        runs = [(f"code-compliance by {g}, 24 months", lambda g=g: reports.code_compliance(actor, whole, g, options))
                for g in ("service", "borough", "bcu", "month")]
        runs += [(f"code-compliance by {g}, 3 months", lambda g=g: reports.code_compliance(actor, recent, g, options))
                 for g in ("service", "month")]
        runs.append(("code-compliance by borough, 24 months, one service",
                     lambda: reports.code_compliance(actor, replace(whole, service="domestic-abuse"), "borough",
                                                     options)))
        runs += [(f"code-compliance by {g}, 730 days to today (odd days)",
                  lambda g=g: reports.code_compliance(actor, odd, g, options)) for g in ("service", "month")]
        runs += [(f"code-compliance by {g}, {name}",
                  lambda g=g, f=f: reports.code_compliance(actor, f, g, options))
                 for name, f in (("365 days to today", year_to_today), ("16th to 15th", mid_months))
                 for g in ("service", "month")]
        runs.append(("postcode-lottery (borough + BCU), 24 months",
                     lambda: reports.postcode_lottery(actor, whole, options=options)))
        targets = target_rules.targets_from_settings(app.config)
        runs.append(("where London falls short, 12 months + 12 before",
                     lambda: reports.where_london_falls_short(actor, targets, 12, options)))
        runs += [(f"{slug}, 12 months",
                  lambda slug=slug: reports.breakdown_report(actor, slug, year, options))
                 for slug in ("service-measures", "equality", "outcomes")]
        runs += [(f"{slug}, 730 days to today (odd days)",
                  lambda slug=slug: reports.breakdown_report(actor, slug, odd, options))
                 for slug in ("service-measures", "equality")]
        runs += [(f"{slug}, {name}", lambda slug=slug, f=f: reports.breakdown_report(actor, slug, f, options))
                 for name, f in (("365 days to today", year_to_today), ("16th to 15th", mid_months))
                 for slug in ("service-measures", "equality", "outcomes")]
        print(f"{cases:,} cases; {args.repeat} timed runs each after one warm-up; PostgreSQL {db.session.scalar(select(func.version())).split()[1]}")
        print(f"{'report':<60} {'best':>8} {'median':>8}")
        for name, run in runs:
            run()
            db.session.commit()
            timings = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                run()
                db.session.commit()  # the audit event of the run, as the request would
                timings.append(time.perf_counter() - started)
            print(f"{name:<60} {min(timings):7.3f}s {statistics.median(timings):7.3f}s")


if __name__ == "__main__":
    main()
