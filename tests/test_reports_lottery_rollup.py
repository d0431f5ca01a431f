"""The postcode-lottery page builds its BCU table from the borough figures of the same scan of the cases: it
must publish exactly what the compliance report grouped by BCU publishes, medians and suppression included."""
from datetime import date, datetime, timezone

from victimcare.domain.report_definitions import ReportFilters
from victimcare.services import reports
from victimcare.services.actors import Actor

from .helpers_cases import count_queries
from .helpers_reports import HACKNEY, LAMBETH, hand_count_fixture, make_case

CITY, WESTMINSTER = "E09000001", "E09000033"


def test_lottery_bcu_rollup_matches_the_bcu_report(users):
    hand_count_fixture()
    feb = datetime(2026, 2, 10, 9, 0, tzinfo=timezone.utc)
    for borough, days in ((CITY, 1), (CITY, 3), (WESTMINSTER, 2), (WESTMINSTER, 5), (None, 4), (HACKNEY, 6)):
        make_case("victim-support", feb, borough=borough, days=days, in_time=days <= 3)
    for _ in range(5):  # enough in one BCU (7: Lambeth and Southwark) for a published median
        make_case("victim-support", feb, borough=LAMBETH, enhanced=True, days=2, in_time=True)
    actor = Actor.from_user(users["commissioner"])
    filters = ReportFilters(date(2026, 1, 1), date(2026, 3, 31))
    today = date(2026, 11, 27)
    with count_queries() as counter:
        lottery = reports.postcode_lottery(actor, filters, today=today)
    with count_queries() as one_table:
        by_bcu = reports.code_compliance(actor, filters, "bcu", today=today)
    assert lottery.bcus == by_bcu.rows
    # Both tables of the lottery come from one statement: no more queries than a single compliance table.
    assert counter.count == one_table.count
    assert [r["label"] for r in lottery.bcus][-3:] == ["City of London Police", "Not recorded or outside London", "Total"]
    bcu_rows = {row["label"]: row for row in lottery.bcus}
    assert bcu_rows["Central South BCU (Lambeth, Southwark)"]["received_all"] == 15 and bcu_rows["Central South BCU (Lambeth, Southwark)"]["median_days_all"] is not None
    by_borough = reports.code_compliance(actor, filters, "borough", today=today)
    assert [(r["key"], r["received_all"]) for r in lottery.boroughs] == [(r["key"], r["received_all"]) for r in by_borough.rows]
