"""The breakdown roll-up (rollup_case_dimensions) behind the equality, service-measures and outcomes reports: it
moves in the transaction of every change that moves one of their figures (the case, the person's equality
answers, the referral's DASH level, strands, steps, outcomes, purges), equals a recount exactly, and the reports
read it with a fixed number of statements however many cases there are."""
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import event, func, select, update

from victimcare.domain.report_definitions import ReportFilters
from victimcare.extensions import db
from victimcare.models import (
    Case,
    CaseStep,
    Person,
    Referral,
    ReferralStrand,
    RollupCaseDimensionDays,
    RollupCaseDimensions,
    RollupPurgedCaseDimensionDays,
    RollupPurgedCaseDimensions,
)
from victimcare.services import cases as case_service
from victimcare.services import rollups
from victimcare.services.actors import SYSTEM, Actor
from victimcare.services.reports import breakdown_report, report_options
from victimcare.services.reports.dimension_sql import COUNTS, dimension_counts
from victimcare.services.retention.purge import purge_person
from victimcare.uow import unit_of_work

from .helpers_cases import count_queries
from .helpers_reports import HACKNEY, LAMBETH, make_case

JAN = datetime(2026, 1, 5, 10, 0, tzinfo=timezone.utc)
SPRING = ReportFilters(date(2026, 1, 1), date(2026, 3, 31))
TODAY = date(2026, 4, 1)


def _clean():
    db.session.commit()
    assert [d.describe() for d in rollups.check()] == []


def _rows(user, slug, section_id, filters=SPRING, today=TODAY):
    report = breakdown_report(Actor.from_user(user), slug, filters, today=today)
    db.session.commit()
    section = next(s for s in report.sections if s.id == section_id)
    return {row["label"]: row for row in section.rows}


def _person(case) -> Person:
    return db.session.get(Referral, case.referral_id).person


def test_changes_to_the_person_and_the_referral_keep_the_rollup_equal_to_a_recount(users):
    cases = [make_case("domestic-abuse", JAN, borough=LAMBETH, days=1, in_time=True) for _ in range(3)]
    _clean()
    person = _person(cases[0])
    person.sex, person.ethnicity, person.disability = "female", "black-african", "yes"
    person.date_of_birth = date(1990, 5, 17)
    _clean()
    person.ethnicity, person.date_of_birth = "white-irish", None  # an answer corrected, a date of birth removed
    _clean()
    referral = db.session.get(Referral, cases[1].referral_id)
    referral.dash_level, referral.rj_requested = "high", True
    _clean()
    referral.person_id = person.id  # the referral found to be the same victim's
    _clean()
    db.session.add_all([ReferralStrand(referral_id=cases[2].referral_id, strand=s) for s in ("race", "religion")])
    _clean()
    db.session.delete(db.session.get(ReferralStrand, (cases[2].referral_id, "race")))
    _clean()
    with unit_of_work():
        case = db.session.get(Case, cases[2].id)
        case.status, case.outcome_feels_safer = "closed", "improved"
    _clean()
    with unit_of_work():
        db.session.get(Case, cases[0].id).age_band = "25-34"
    _clean()


def test_a_step_recorded_and_a_case_moved_keep_the_rollup_equal_to_a_recount(users):
    advocate = Actor.from_user(users["advocate"])
    case = make_case("domestic-abuse", JAN, borough=LAMBETH, status="in-progress")
    with unit_of_work():
        case_service.record_step(advocate, case.id, "marac-referral", date(2026, 1, 20))
    _clean()
    assert db.session.scalar(select(RollupCaseDimensions.received).where(
        RollupCaseDimensions.dimension == "step", RollupCaseDimensions.value == "marac-referral",
        RollupCaseDimensions.borough_code == "*")) == 1
    with unit_of_work():
        case_service.record_contact(advocate, case.id, JAN + timedelta(hours=5), "phone", "reached")
    _clean()
    with unit_of_work():
        moved = db.session.get(Case, case.id)
        moved.enhanced, moved.borough_code = True, HACKNEY
    _clean()
    with unit_of_work():
        db.session.delete(db.session.get(CaseStep, db.session.scalar(select(CaseStep.id))))
    _clean()


def test_a_purge_leaves_the_breakdowns_as_they_were(users):
    for dob in (date(1990, 5, 17),) * 6:
        case = make_case("victim-support", JAN, borough=LAMBETH, days=1, in_time=True)
        person = _person(case)
        person.sex, person.date_of_birth = "female", dob
        db.session.commit()
    before = _rows(users["commissioner"], "equality", "age-band")
    with unit_of_work():  # an erasure: the person's details go, the age band stays on the case
        purge_person(SYSTEM, _person(case).id, why="test")
    _clean()
    with unit_of_work():  # a case deleted outright: its counts move to the purged table and stay in the figures
        db.session.delete(db.session.get(Case, case.id))
    _clean()
    assert db.session.scalar(select(func.sum(RollupPurgedCaseDimensions.received)).where(
        RollupPurgedCaseDimensions.dimension == "cases", RollupPurgedCaseDimensions.borough_code == LAMBETH)) == 1
    assert _rows(users["commissioner"], "equality", "age-band") == before


def test_due_depends_on_today_and_odd_days_come_from_the_cases(users):
    for _ in range(5):
        make_case("victim-support", JAN, borough=LAMBETH, days=1, in_time=True)
    for _ in range(5):  # not contacted, due on 20 January
        make_case("victim-support", JAN, borough=LAMBETH, due=date(2026, 1, 20), status="new")
    before_due = _rows(users["commissioner"], "equality", "age-band", today=date(2026, 1, 10))
    after_due = _rows(users["commissioner"], "equality", "age-band", today=date(2026, 1, 21))
    assert (before_due["Total"]["cases"], before_due["Total"]["due"]) == (10, 5)
    assert (after_due["Total"]["cases"], after_due["Total"]["due"]) == (10, 10)
    odd = _rows(users["commissioner"], "equality", "age-band", ReportFilters(date(2026, 1, 5), date(2026, 3, 10)))
    assert odd == _rows(users["commissioner"], "equality", "age-band")
    later = _rows(users["commissioner"], "equality", "age-band", ReportFilters(date(2026, 1, 6), date(2026, 3, 10)))
    assert later["Total"]["cases"] == 0  # 5 January is outside: none of the odd days' cases counted


def test_the_reports_run_the_same_statements_however_many_cases(client, auth, users):
    auth.login(users["commissioner"])
    make_case("hate-crime", JAN, borough=LAMBETH, days=1, in_time=True)
    counts = {}
    for size in ("few", "many"):
        with count_queries() as counter:
            for slug in ("equality", "service-measures", "outcomes"):
                assert client.get(f"/reports/{slug}", query_string={"from": "2026-01-01", "to": "2026-03-31"}
                                  ).status_code == 200
        counts[size] = counter.count
        for i in range(12):
            case = make_case(("hate-crime", "domestic-abuse", "child-house")[i % 3], JAN, borough=HACKNEY,
                             status="closed")
            case.outcome_feels_safer = "improved"
            _person(case).sex = "male"
            db.session.add(ReferralStrand(referral_id=case.referral_id, strand="race"))
            db.session.add(CaseStep(case_id=case.id, step="abe-interview", occurred_on=date(2026, 1, 9)))
            db.session.commit()
    assert counts["many"] == counts["few"]


def test_rebuild_mends_the_breakdown_rollup(users, runner):
    make_case("victim-support", JAN, borough=LAMBETH, days=1, in_time=True)
    db.session.execute(update(RollupCaseDimensions).where(RollupCaseDimensions.dimension == "sex")
                       .values(received=RollupCaseDimensions.received + 1))
    db.session.commit()
    result = runner.invoke(args=["rollups", "check"])
    assert result.exit_code == 1 and "rollup_case_dimensions: sex none" in result.output
    assert runner.invoke(args=["rollups", "rebuild"]).exit_code == 0
    assert runner.invoke(args=["rollups", "check"]).exit_code == 0


def test_the_migration_builds_the_rollup_from_the_rows_already_there(tmp_path):
    from flask_migrate import downgrade, upgrade

    from victimcare import create_app

    scratch = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'dimensions.db'}"})
    with scratch.app_context():
        upgrade()
        for i in range(4):
            case = make_case(("hate-crime", "restorative-justice")[i % 2], JAN + timedelta(days=40 * i),
                             borough=LAMBETH if i else None, days=i or None, in_time=bool(i), status="closed")
            person = _person(case)
            person.sex, person.ethnicity, person.date_of_birth = "female", "asian-indian", date(2001, 2, 3)
            case.outcome_better_informed = "improved"
            db.session.get(Referral, case.referral_id).dash_level = "medium"
            db.session.add(ReferralStrand(referral_id=case.referral_id, strand="race"))
            db.session.add(ReferralStrand(referral_id=case.referral_id, strand="disability"))
            db.session.add(CaseStep(case_id=case.id, step="rj-victim-consent", occurred_on=date(2026, 2, 1)))
            db.session.commit()
        def held():
            return set(db.session.execute(select(RollupCaseDimensions.__table__)
                                          .where(RollupCaseDimensions.received > 0)).all())

        before = held()
        downgrade(revision="9ee4db1bfa1e")
        upgrade()
        assert held() == before and len(before) > 20
        assert [d.describe() for d in rollups.check()] == []
        db.session.remove()
        db.engine.dispose()


def test_a_complaint_response_moves_the_rollup_and_overdue_depends_on_today(users):
    cases = [make_case("victims-commissioner", JAN, borough=LAMBETH) for _ in range(12)]
    for case in cases:
        case.complaint_agency, case.complaint_code_right = "hmcts", "outcome-and-appeals"
        case.response_requested_on, case.response_due_on = date(2026, 1, 12), date(2026, 2, 9)
    _clean()
    for case in cases[:6]:
        case.response_received_on = date(2026, 2, 1)
    _clean()
    before = _rows(users["commissioner"], "service-measures", "complaints-by-agency", today=date(2026, 2, 9))
    after = _rows(users["commissioner"], "service-measures", "complaints-by-agency", today=date(2026, 2, 10))
    assert (before["Total"]["complaints"], before["Total"]["responses_overdue"]) == (12, 0)
    assert (after["Total"]["responses_overdue"], after["Total"]["responses_due"]) == (6, 12)


def _day_rows(table=RollupCaseDimensionDays) -> dict:
    return {(row.day, row.service_id): row.received for row in db.session.execute(
        select(table.day, table.service_id, table.received).where(table.dimension == "cases", table.received > 0))}


def test_the_rollup_by_day_counts_each_case_on_its_london_day(users):
    # 23:30 UTC is 00:30 the next day in London in summer time, and the same day in winter.
    summer = make_case("victim-support", datetime(2026, 7, 1, 23, 30, tzinfo=timezone.utc), borough=LAMBETH)
    winter = make_case("victim-support", datetime(2026, 1, 14, 23, 30, tzinfo=timezone.utc), borough=HACKNEY)
    make_case("victim-support", datetime(2026, 3, 29, 0, 59, tzinfo=timezone.utc), borough=HACKNEY)  # clocks go
    make_case("victim-support", datetime(2026, 3, 29, 23, 30, tzinfo=timezone.utc), borough=HACKNEY)  # forward
    _clean()  # the recount (SQL, with SQLite's London days worked out in Python) equals the changes' counts
    service = summer.service_id
    assert _day_rows() == {(date(2026, 7, 2), service): 1, (date(2026, 1, 14), service): 1,
                           (date(2026, 3, 29), service): 1, (date(2026, 3, 30), service): 1}
    with unit_of_work():  # deleted: the day keeps it, and says so in its purged twin
        db.session.delete(db.session.get(Case, winter.id))
    _clean()
    assert _day_rows()[(date(2026, 1, 14), service)] == 1
    assert _day_rows(RollupPurgedCaseDimensionDays) == {(date(2026, 1, 14), service): 1}


def test_london_wide_odd_days_are_read_from_the_rollup_by_day(users):
    for day in (3, 20):
        make_case("domestic-abuse", datetime(2026, 2, day, 10, tzinfo=timezone.utc), borough=LAMBETH)
    odd = ReportFilters(date(2026, 1, 10), date(2026, 2, 10))
    seen = []

    def statement(conn, cursor, sql, *args):
        seen.append(sql)

    event.listen(db.engine, "before_cursor_execute", statement)
    options = report_options(Actor.from_user(users["commissioner"]))
    try:
        london = dimension_counts(("cases",), odd, options, TODAY)
        in_lambeth = dimension_counts(("cases",), replace(odd, borough=LAMBETH), options, TODAY)
    finally:
        event.remove(db.engine, "before_cursor_execute", statement)
    assert london == in_lambeth == {("cases", None, None): {**dict.fromkeys(COUNTS, 0), "cases": 1, "due": 1}}
    uses_days = ["rollup_case_dimension_days" in sql for sql in seen if "rollup_case_dimensions" in sql]
    assert uses_days == [True, False]  # London-wide from the days; one borough's odd days from its cases


def test_the_migration_builds_the_rollup_by_day_from_the_cases_there(tmp_path):
    from flask_migrate import downgrade, upgrade

    from victimcare import create_app

    scratch = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'days.db'}"})
    with scratch.app_context():
        upgrade()
        for i in range(4):
            case = make_case(("hate-crime", "victim-support")[i % 2],
                             datetime(2026, 6, 30, 23, 30, tzinfo=timezone.utc) + timedelta(days=9 * i),
                             borough=LAMBETH, status="closed")
            _person(case).sex = "female"
            case.outcome_feels_safer = "improved"
            db.session.add(ReferralStrand(referral_id=case.referral_id, strand="race"))
            db.session.commit()

        def held():
            return set(db.session.execute(select(RollupCaseDimensionDays.__table__)
                                          .where(RollupCaseDimensionDays.received > 0)).all())

        before = held()
        downgrade(revision="d3a8b6c2e5f7")
        upgrade()
        assert held() == before and len(before) > 10
        assert date(2026, 7, 1) in {row.day for row in before}  # 23:30 UTC on 30 June: 1 July in London
        assert [d.describe() for d in rollups.check()] == []
        db.session.remove()
        db.engine.dispose()
