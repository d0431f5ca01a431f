"""The report roll-ups move in the transaction of every change to a case, equal a recount exactly, survive a
purge, and `flask --app wsgi rollups check|rebuild` find and mend any difference."""
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, select, update

from victimcare.domain.report_definitions import ReportFilters
from victimcare.extensions import db
from victimcare.models import Case, RollupCases, RollupPurgedCases
from victimcare.services import cases as case_service
from victimcare.services import rollups
from victimcare.services.actors import Actor
from victimcare.services.reports import code_compliance, report_options
from victimcare.services.reports.compliance_sql import raw_figures
from victimcare.uow import unit_of_work

from .factories import make_user
from .helpers_reports import HACKNEY, LAMBETH, hand_count_fixture, make_case

NOV = datetime(2026, 11, 2, 10, 0, tzinfo=timezone.utc)
AUTUMN = ReportFilters(date(2026, 9, 1), date(2026, 11, 30))


def _figures(commissioner, filters=AUTUMN, group_by="service"):
    report = code_compliance(Actor.from_user(commissioner), filters, group_by, today=date(2026, 12, 6))
    db.session.commit()
    return {row["key"]: {k: v for k, v in row.items() if k != "label"} for row in report.rows}


def _clean():
    db.session.commit()
    assert [d.describe() for d in rollups.check()] == []


def test_every_kind_of_change_to_a_case_keeps_the_rollups_equal_to_a_recount(users):
    advocate = Actor.from_user(users["advocate"])
    new, declined, moved, contacted, gone = (
        make_case("domestic-abuse", NOV, borough=LAMBETH, status="new") for _ in range(5))
    _clean()
    with unit_of_work():
        case_service.transition(advocate, new.id, "accepted")
    _clean()
    with unit_of_work():
        case_service.record_contact(advocate, contacted.id, NOV + timedelta(hours=5), "phone", "reached")
    _clean()
    with unit_of_work():
        case_service.transition(advocate, declined.id, "declined", reason="Not for this service",
                                reason_code="not-eligible")
    _clean()
    with unit_of_work():
        case_service.transition(advocate, moved.id, "transferred", target_service="hate-crime",
                                reason="Hate crime service")
    _clean()
    with unit_of_work():  # a DASH reassessment, a corrected borough
        case = db.session.get(Case, new.id)
        case.enhanced, case.borough_code = True, HACKNEY
    _clean()
    with unit_of_work():  # a retention purge or an erasure
        db.session.delete(db.session.get(Case, gone.id))
    _clean()
    assert db.session.scalar(select(func.sum(RollupPurgedCases.received))) == 1


def test_a_first_contact_recorded_now_shows_in_the_next_report(users):
    case = make_case("domestic-abuse", NOV, borough=LAMBETH, status="in-progress")
    before = _figures(users["commissioner"])["domestic-abuse"]
    with unit_of_work():
        case_service.record_contact(Actor.from_user(users["advocate"]), case.id, NOV + timedelta(hours=2),
                                    "phone", "reached")
    after = _figures(users["commissioner"])["domestic-abuse"]
    assert before != after
    assert after["median_days_all"] != before["median_days_all"] or after["in_time_all"] != before["in_time_all"]


def test_a_purged_case_leaves_the_published_figures_as_they_were(users):
    hand_count_fixture()
    spring = ReportFilters(date(2026, 1, 1), date(2026, 3, 31))
    before = _figures(users["commissioner"], spring)
    with unit_of_work():
        for case in db.session.scalars(select(Case).where(Case.borough_code == HACKNEY)):
            db.session.delete(case)
    assert db.session.scalar(select(func.count()).select_from(Case).where(Case.borough_code == HACKNEY)) == 0
    assert _figures(users["commissioner"], spring) == before
    _clean()


def test_odd_days_at_the_ends_of_a_period_are_counted_from_the_cases(users):
    hand_count_fixture()  # January's cases on 5 January, February's on 9 February, none in March
    whole = _figures(users["commissioner"], ReportFilters(date(2026, 1, 1), date(2026, 3, 31)))
    odd = _figures(users["commissioner"], ReportFilters(date(2026, 1, 5), date(2026, 3, 10)))
    assert odd == whole  # 5-31 January from the cases, February from the roll-ups, 1-10 March from the cases
    options = report_options(Actor.from_user(users["commissioner"]))
    later = raw_figures("service", ReportFilters(date(2026, 1, 6), date(2026, 3, 10)), options, date(2026, 12, 6))
    assert later["service"][("domestic-abuse", "all")]["received"] == 6  # February's: 5 January is outside
    assert ("domestic-abuse", "enhanced") not in later["service"]  # no enhanced case in February


def test_rollups_check_finds_a_difference_and_rebuild_mends_it(users, runner):
    hand_count_fixture()
    result = runner.invoke(args=["rollups", "check"])
    assert result.exit_code == 0 and "match" in result.output
    db.session.execute(update(RollupCases).where(RollupCases.borough_code == LAMBETH, RollupCases.days == 7)
                       .values(received=RollupCases.received + 1))
    db.session.commit()
    result = runner.invoke(args=["rollups", "check"])
    assert result.exit_code == 1
    assert f"borough {LAMBETH}, 2026-01, enhanced, 7 working days: received 2 (recount 1)" in result.output
    result = runner.invoke(args=["rollups", "rebuild"])
    assert result.exit_code == 0 and "rebuilt" in result.output
    assert runner.invoke(args=["rollups", "check"]).exit_code == 0


def test_rebuild_keeps_what_purged_cases_counted(users, runner):
    hand_count_fixture()
    with unit_of_work():
        for case in db.session.scalars(select(Case).where(Case.borough_code == HACKNEY)):
            db.session.delete(case)
    total = db.session.scalar(select(func.sum(RollupCases.received)))
    assert runner.invoke(args=["rollups", "rebuild"]).exit_code == 0
    assert db.session.scalar(select(func.sum(RollupCases.received))) == total == 21
