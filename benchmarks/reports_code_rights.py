"""Time the Victims' Code rights report and the attrition report against a large PostgreSQL database (issue 17).

    python -m benchmarks.bulk_seed postgresql+psycopg://postgres@127.0.0.1:5432/bench_reports   # once, then
    python -m benchmarks.reports_code_rights postgresql+psycopg://postgres@127.0.0.1:5432/bench_reports

The database needs code events and withdrawals (``bulk_seed.seed_code_events_and_withdrawals``, then ``flask
--app wsgi rollups rebuild``). Runs the same service calls the pages and the API make (the SQL, suppression, the
audit event and its commit): the code-rights report by service, borough and month and the attrition report, over
the commissioner's whole-month periods (read from the roll-ups, ``rollup_code_rights``, ``rollup_attrition``,
``rollup_attrition_reasons``, London-wide ``rollup_attrition_london`` and ``rollup_attrition_reasons_london``) and
over periods with odd days at their ends (those days read from the roll-ups by London day, ``rollup_code_rights_days``,
``rollup_attrition_days`` and the like).
Each is run once to warm the cache, then ``--repeat`` times; the best and the median are printed. Target: under
100 ms, as for the compliance report.
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
    from victimcare.domain.report_definitions import ReportFilters, add_months
    from victimcare.extensions import db
    from victimcare.models import Case, CodeEvent, JusticeWithdrawal
    from victimcare.services import reports
    from victimcare.services.actors import Actor

    app = create_app("default", {"SQLALCHEMY_DATABASE_URI": args.database_url, "SECRET_KEY": "bench-only"})
    with app.app_context():
        actor = Actor(user_id=None, role="commissioner", label="benchmark")
        counts = [db.session.scalar(select(func.count()).select_from(model))
                  for model in (Case, CodeEvent, JusticeWithdrawal)]
        today = date.today()
        options = reports.report_options(actor)
        this_month = today.replace(day=1)
        month_end = add_months(this_month, 1) - timedelta(days=1)
        whole = ReportFilters(add_months(this_month, -23), month_end, whole_months=3)
        recent = ReportFilters(add_months(this_month, -2), month_end, whole_months=3)
        odd = ReportFilters(today - timedelta(days=730), today)
        # As in reports_compliance: a year to today has cases on both sides of its first day; 16th to 15th counts
        # half a month of cases at each end (period_parts' worst case).
        year_to_today = ReportFilters(today - timedelta(days=365), today)
        mid_months = ReportFilters(add_months(this_month, -13).replace(day=16),
                                   add_months(this_month, -1).replace(day=15))
        runs = [(f"code-rights by {g}, 24 months",
                 lambda g=g: reports.code_rights_report(actor, whole, (g,), options)) for g in ("service", "borough", "month")]
        runs.append(("code-rights, all three tables, 3 months",
                     lambda: reports.code_rights_report(actor, recent, ("service", "borough", "month"), options)))
        runs += [(f"code-rights by {g}, 730 days to today (odd days)",
                  lambda g=g: reports.code_rights_report(actor, odd, (g,), options)) for g in ("service", "month")]
        runs += [(f"attrition (3 sections), {name}", lambda f=f: reports.breakdown_report(actor, "attrition", f, options))
                 for name, f in (("24 months", whole), ("3 months", recent), ("730 days to today (odd days)", odd),
                                 ("365 days to today", year_to_today), ("16th to 15th", mid_months))]
        runs += [(f"code-rights by {g}, {name}",
                  lambda g=g, f=f: reports.code_rights_report(actor, f, (g,), options))
                 for name, f in (("365 days to today", year_to_today), ("16th to 15th", mid_months))
                 for g in ("service", "month")]
        print(f"{counts[0]:,} cases, {counts[1]:,} code events, {counts[2]:,} withdrawals; {args.repeat} timed runs "
              f"each after one warm-up; PostgreSQL {db.session.scalar(select(func.version())).split()[1]}")
        print(f"{'report':<56} {'best':>8} {'median':>8}")
        for name, run in runs:
            run()
            db.session.commit()
            timings = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                run()
                db.session.commit()  # the audit event of the run, as the request would
                timings.append(time.perf_counter() - started)
            print(f"{name:<56} {min(timings):7.3f}s {statistics.median(timings):7.3f}s", flush=True)


if __name__ == "__main__":
    main()
