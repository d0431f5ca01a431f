"""A period that starts or ends mid-month gives the same figures as counting its cases, in every report, though
an end month mostly inside the period is now read as the roll-up's month less what its purged cases left there
less the other days' cases (domain/report_definitions.period_parts): the first and last London days of the
period count, the day either side does not (Europe/London days, in winter and in summer time), and a purged case
leaves the figures as counting the cases gives them. The breakdowns read London-wide odd days from the roll-up by
London day (rollup_case_dimension_days), and the code-rights and attrition reports from theirs
(rollup_code_rights_days, rollup_code_rights_open_days, rollup_attrition_days, rollup_attrition_reasons_days):
compared here with counting those days' cases."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from victimcare.domain.report_definitions import PeriodParts, ReportFilters, period_parts, whole_months_within
from victimcare.extensions import db
from victimcare.models import Case, CodeEvent, JusticeWithdrawal
from victimcare.services import rollups
from victimcare.services.actors import Actor
from victimcare.services.reports import attrition as attrition_module
from victimcare.services.reports import code_rights, compliance_sql, dimension_sql, report_options
from victimcare.services.reports.attrition import attrition
from victimcare.services.reports.code_rights import raw_code_rights
from victimcare.services.reports.compliance_sql import raw_figures
from victimcare.services.reports.dimension_sql import dimension_counts
from victimcare.services.reports.service_measures import MEASURED, MEASURED_SERVICES
from victimcare.services.rollups.dimensions import EQUALITY_DIMENSIONS
from victimcare.uow import unit_of_work

from .helpers_reports import HACKNEY, LAMBETH
from .test_attrition import _withdraw
from .test_code_rights_report import _case

TODAY = date(2026, 12, 6)
# From Monday 2 March (winter, GMT) to Tuesday 29 September (summer time, BST): most of March and of September
# are inside, so both are read as the month less the day(s) outside.
PERIOD = ReportFilters(date(2026, 3, 2), date(2026, 9, 29))


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


def _fixture() -> Case:
    """Domestic abuse in Lambeth, each told about the Code and contacted in time; returns a case to purge."""
    inside = [
        utc(2026, 3, 2, 0, 0),  # midnight in London (GMT): the period's first day
        utc(2026, 3, 20, 10, 0),
        utc(2026, 6, 10, 10, 0),  # a whole month, from the roll-up alone
        utc(2026, 9, 29, 22, 30),  # 23:30 on 29 September in London (BST): the period's last day
    ]
    outside = [
        utc(2026, 3, 1, 23, 59),  # 1 March in London
        utc(2026, 9, 29, 23, 30),  # 00:30 on 30 September in London
        utc(2026, 9, 30, 23, 30),  # 1 October in London
    ]
    for when in inside + outside:
        case = _case("domestic-abuse", when, LAMBETH, told=True, decisions=[(1, True)])
        _withdraw(case, "before-charge", ["fear-of-suspect"], supported=True)
    _case("hate-crime", utc(2026, 9, 10, 10, 0), HACKNEY, enhanced=True)  # no withdrawal, no event
    # Inside the period, in an end month read by difference: purged below.
    gone = _case("domestic-abuse", utc(2026, 3, 25, 10, 0), LAMBETH, told=True, decisions=[(4, False)])
    _withdraw(gone, "after-charge", ["delay"], supported=False)
    return gone


def _purge(case: Case) -> None:
    """A retention purge or an erasure: the case and what hangs off it."""
    with unit_of_work():
        for model in (CodeEvent, JusticeWithdrawal):
            for row in db.session.scalars(select(model).where(model.case_id == case.id)):
                db.session.delete(row)
        db.session.flush()  # before the case they refer to
        db.session.delete(db.session.get(Case, case.id))


def _everything(users, filters=PERIOD) -> dict:
    options = report_options(Actor.from_user(users["commissioner"]))
    figures = {f"compliance by {g}": raw_figures(g, filters, options, TODAY)
               for g in ("service", "borough", "bcu", "month")}
    figures |= {f"code rights by {g}": raw_code_rights(g, filters, options, TODAY)
                for g in ("service", "borough", "month")}
    figures["attrition"] = [(s.id, s.rows) for s in attrition(filters, options, TODAY)]
    for by in (None, "service", "borough"):
        figures[f"equality by {by}"] = dimension_counts(EQUALITY_DIMENSIONS + ("cases",), filters, options, TODAY,
                                                        by=by)
    figures["service measures"] = dimension_counts(
        MEASURED, filters, options, TODAY, [options.service_id(s) for s in MEASURED_SERVICES], by="service")
    db.session.rollback()
    return figures


def _counting_the_cases(date_from, date_to, today) -> PeriodParts:
    """The split before period_parts: every day outside whole months counted from the cases."""
    months, edges = whole_months_within(date_from, date_to)
    return PeriodParts(months, tuple(edges))


@pytest.fixture
def from_the_cases(monkeypatch, users):
    """The figures as the reports gave them before: odd days only from their own cases, never by difference."""
    def figures(periods):
        for module in (compliance_sql, code_rights, attrition_module, dimension_sql):
            monkeypatch.setattr(module, "period_parts", _counting_the_cases)
        for module in (code_rights, attrition_module, dimension_sql):
            monkeypatch.setattr(module, "london_wide", lambda filters, group_by=None: False)
        try:
            return [_everything(users, period) for period in periods]
        finally:
            monkeypatch.undo()
    return figures


def test_both_ends_of_the_period_are_read_by_difference():
    parts = period_parts(PERIOD.date_from, PERIOD.date_to, TODAY)
    assert parts.months == (date(2026, 3, 1), date(2026, 9, 1))
    assert parts.less_days == ((date(2026, 3, 1), date(2026, 3, 1)), (date(2026, 9, 30), date(2026, 9, 30)))
    assert parts.add_days == ()


def test_a_mid_month_period_counts_its_first_and_last_london_days_and_not_the_days_either_side(users):
    _fixture()
    figures = _everything(users)
    # 2 March, 20 and 25 March, 10 June, 29 September: five domestic abuse cases, and the hate crime case.
    assert figures["compliance by service"]["service"][("domestic-abuse", "all")]["received"] == 5
    assert figures["compliance by service"]["service"][("hate-crime", "all")]["received"] == 1
    months = figures["compliance by month"]["month"]
    assert {key: row["received"] for (key, level), row in months.items() if level == "all" and key} == {
        "2026-03": 3, "2026-06": 1, "2026-09": 2}
    assert figures["code rights by service"][None]["cases"] == 6
    assert figures["code rights by service"][None]["understand-and-be-understood:met"] == 5
    assert figures["equality by None"][("cases", None, None)]["cases"] == 6


def test_every_report_gives_the_figures_counting_the_cases_gives(users, from_the_cases):
    gone = _fixture()
    periods = (PERIOD, ReportFilters(date(2026, 3, 3), date(2026, 3, 30)),  # inside one month
               ReportFilters(date(2026, 3, 2), date(2026, 10, 1)),  # one end by difference, one counted
               ReportFilters(date(2026, 3, 2), date(2026, 9, 29), borough=LAMBETH, level="standard"),
               ReportFilters(date(2026, 3, 2), date(2026, 9, 29), service="domestic-abuse", level="standard"))
    _same([_everything(users, period) for period in periods], from_the_cases(periods))
    # A case inside the period, in an end month read by difference, purged: the roll-up keeps it (whole-month
    # figures stay as published), and the odd days count only the cases there now, as before.
    _purge(gone)
    assert [d.describe() for d in rollups.check()] == []
    now = [_everything(users, period) for period in periods]
    assert now[0]["compliance by service"]["service"][("domestic-abuse", "all")]["received"] == 4
    _same(now, from_the_cases(periods))


def test_odd_days_near_today_count_the_rights_of_open_cases_not_yet_due_as_counting_the_cases_does(
        users, from_the_cases):
    # Open, nothing recorded, due a week after they were received: those of 25 and 26 November are past due on
    # Sunday 6 December (the rights expected of every case apply to them), those of December are not.
    for month, day in ((11, 25), (11, 26), (12, 1), (12, 2), (12, 4), (12, 5)):
        _case("domestic-abuse", utc(2026, month, day, 10, 0), LAMBETH)
    _case("domestic-abuse", utc(2026, 11, 20, 10, 0), LAMBETH, told=True)
    periods = (ReportFilters(date(2026, 12, 4), date(2026, 12, 5)),  # the days counted
               ReportFilters(date(2026, 12, 3), TODAY),  # December less 1 and 2 December (none after today)
               ReportFilters(date(2026, 11, 2), date(2026, 12, 5)))
    found = [_everything(users, period) for period in periods]
    _same(found, from_the_cases(periods))
    told = [found[period]["code rights by service"][None] for period in (0, 2)]
    assert [(t["cases"], t["understand-and-be-understood:applied"]) for t in told] == [(2, 0), (7, 3)]


def _same(found: list[dict], counted: list[dict]) -> None:
    for period, (figures, expected) in enumerate(zip(found, counted)):
        for name in expected:
            assert (period, name, figures[name]) == (period, name, expected[name])


def test_a_purged_case_in_an_end_month_is_not_counted_but_stays_in_its_whole_month(users):
    gone = _fixture()
    march = ReportFilters(date(2026, 3, 1), date(2026, 3, 31))
    before = _everything(users, march)["compliance by service"]["service"][("domestic-abuse", "all")]["received"]
    _purge(gone)
    assert db.session.scalar(select(Case.id).where(Case.id == gone.id)) is None
    after = _everything(users, march)["compliance by service"]["service"][("domestic-abuse", "all")]["received"]
    assert before == after == 4  # the whole of March: 1, 2, 20 and 25 March, the purged case kept
    odd = _everything(users)["compliance by service"]["service"][("domestic-abuse", "all")]["received"]
    assert odd == 4  # 2 March to 29 September: the purged case of 25 March is no longer counted
