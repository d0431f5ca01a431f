"""The code-rights and attrition roll-ups (issue 17) move in the transaction of every change that moves one of
their figures (a code event posted through the API, a withdrawal recorded or changed, a case deleted) and equal
a recount exactly; the reports read them and give the same figures as counting the cases; the migration builds
them from the rows already there; and a report's statement count does not grow with the cases."""
import importlib.util
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import delete, event, func, select

from victimcare.domain.report_definitions import ReportFilters
from victimcare.extensions import db
from victimcare.models import (
    Case,
    CodeEvent,
    JusticeWithdrawal,
    JusticeWithdrawalReason,
    Referral,
    RollupAttrition,
    RollupAttritionDays,
    RollupAttritionDaysPurged,
    RollupAttritionLondon,
    RollupAttritionLondonPurged,
    RollupAttritionReasons,
    RollupAttritionReasonsDays,
    RollupAttritionReasonsDaysPurged,
    RollupAttritionReasonsLondon,
    RollupAttritionReasonsLondonPurged,
    RollupAttritionReasonsPurged,
    RollupCodeRights,
    RollupCodeRightsDays,
    RollupCodeRightsDaysPurged,
    RollupCodeRightsOpen,
    RollupCodeRightsOpenDays,
    RollupCodeRightsOpenDaysPurged,
    RollupCodeRightsPurged,
)
from victimcare.services import rollups
from victimcare.services.actors import Actor
from victimcare.services.reports import code_rights_report, report_options
from victimcare.services.reports.attrition import attrition
from victimcare.services.reports.code_rights import raw_code_rights
from victimcare.uow import unit_of_work

from .helpers_cases import count_queries, date_parts, post_case_form, recent_case
from .helpers_reports import HACKNEY, LAMBETH, bearer_for, make_case
from .test_attrition import _withdraw, attrition_fixture
from .test_code_rights_report import _case, code_rights_fixture

TOLD, INVESTIGATION = "understand-and-be-understood", "information-about-investigation"
SPRING = ReportFilters(date(2026, 1, 1), date(2026, 3, 31))
TODAY = date(2026, 12, 6)


def _clean():
    db.session.commit()
    assert [d.describe() for d in rollups.check()] == []


def _sum(column, *where):
    return db.session.scalar(select(func.coalesce(func.sum(column), 0)).where(*where))


def test_code_events_posted_through_the_api_keep_the_rollup_equal_to_a_recount(client, users):
    case = make_case("domestic-abuse", datetime(2026, 11, 2, 10, tzinfo=timezone.utc), borough=LAMBETH,
                     enhanced=True, status="in-progress")
    _clean()
    assert _sum(RollupCodeRights.open_without_told_about_code) == 1
    posted = client.post(f"/api/v1/cases/{case.id}/code-events", headers=bearer_for(users["caseworker"]),
                         json={"right": TOLD, "event": "told-about-code", "at": "2026-11-03T10:00:00Z"})
    assert posted.status_code == 201, posted.get_json()
    _clean()
    assert (_sum(RollupCodeRights.met_told_about_code), _sum(RollupCodeRights.open_without_told_about_code)) == (1, 0)
    posted = client.post(f"/api/v1/cases/{case.id}/code-events", headers=bearer_for(users["caseworker"]),
                         json={"right": INVESTIGATION, "event": "decision-communicated",
                               "at": "2026-11-09T10:00:00Z", "decision_at": "2026-11-04T10:00:00Z"})
    assert posted.status_code == 201, posted.get_json()
    _clean()
    row = db.session.scalars(select(RollupCodeRights).where(RollupCodeRights.cases > 0)).one()
    assert (row.days, row.met_decisions, row.in_time) == (3, 1, 0)  # an enhanced victim told after 3 working days
    with unit_of_work():  # a correction: the event removed
        db.session.delete(db.session.scalars(select(CodeEvent).where(CodeEvent.right == INVESTIGATION)).one())
    _clean()
    with unit_of_work():  # the case closes: the rights it still lacks were missed
        db.session.get(Case, case.id).status = "closed"
    _clean()
    assert _sum(RollupCodeRights.closed_without_referral) == 1


def test_a_withdrawal_recorded_and_changed_keeps_the_rollups_equal_to_a_recount(client, auth, users):
    case = recent_case("domestic-abuse", status="in-progress")
    case.first_contacted_at = datetime.now(timezone.utc) - timedelta(days=5)
    _clean()
    auth.login(users["advocate"])
    response = post_case_form(client, f"/cases/{case.id}/justice-process", case.id, {
        "stage": "before-charge", "withdrawn_on": date_parts(date.today() - timedelta(days=1)),
        "reasons": ["fear-of-suspect", "delay"]})
    assert response.status_code == 302
    _clean()
    assert _sum(RollupAttrition.cases, RollupAttrition.stage == "before-charge") == 1
    assert _sum(RollupAttritionReasons.withdrawals) == 2
    with unit_of_work():  # corrected: at trial, one reason fewer, another added
        withdrawal = db.session.scalars(select(JusticeWithdrawal)).one()
        withdrawal.stage = "at-trial"
        withdrawal.reasons = [r for r in withdrawal.reasons if r.reason != "delay"]
        withdrawal.reasons.append(JusticeWithdrawalReason(reason="reconciled"))
    _clean()
    assert _sum(RollupAttrition.cases, RollupAttrition.stage == "at-trial") == 1
    with unit_of_work():  # a reason removed on its own
        db.session.delete(db.session.get(JusticeWithdrawalReason, (withdrawal.id, "reconciled")))
    _clean()
    with unit_of_work():  # the referral's offence corrected
        db.session.get(Referral, db.session.get(Case, case.id).referral_id).offence_category = "stalking"
    _clean()
    assert _sum(RollupAttrition.cases, RollupAttrition.offence == "stalking") == 1
    with unit_of_work():
        db.session.delete(db.session.scalars(select(JusticeWithdrawal)).one())
    _clean()
    assert _sum(RollupAttrition.cases, RollupAttrition.stage == "") == 1
    assert _sum(RollupAttritionReasons.withdrawals) == 0


def _figures(users, filters=SPRING, today=TODAY):
    actor = Actor.from_user(users["commissioner"])
    options = report_options(actor)
    code = {g: raw_code_rights(g, filters, options, today) for g in ("service", "borough", "month")}
    sections = {s.id: s.rows for s in attrition(filters, options, today)}
    return code, sections


def test_a_deleted_case_leaves_the_code_rights_and_attrition_figures_as_they_were(users):
    code_rights_fixture()
    attrition_fixture()
    before = _figures(users)
    with unit_of_work():  # a retention purge or an erasure that deletes the cases and what hangs off them
        lambeth = select(Case.id).where(Case.borough_code == LAMBETH)
        for row in db.session.scalars(select(CodeEvent).where(CodeEvent.case_id.in_(lambeth))):
            db.session.delete(row)
        for row in db.session.scalars(select(JusticeWithdrawal).where(JusticeWithdrawal.case_id.in_(lambeth))):
            db.session.delete(row)
        for case in db.session.scalars(select(Case).where(Case.borough_code == LAMBETH)):
            db.session.delete(case)
    assert db.session.scalar(select(func.count()).select_from(Case).where(Case.borough_code == LAMBETH)) == 0
    assert _figures(users) == before
    assert _sum(RollupCodeRightsPurged.cases) > 0 and _sum(RollupAttritionReasonsPurged.withdrawals) > 0
    _clean()


def test_the_reports_read_whole_months_from_the_rollups_and_odd_days_from_the_cases(users):
    code_rights_fixture()
    attrition_fixture()
    # Some open cases not yet due for first contact on "today", with and without the expected rights met.
    november = datetime(2026, 11, 27, 10, tzinfo=timezone.utc)
    for n in range(7):
        case = make_case("domestic-abuse", november, borough=HACKNEY, due=TODAY + timedelta(days=n - 3),
                         status="new" if n % 2 else "in-progress")
        if n % 3 == 0:
            db.session.add(CodeEvent(case_id=case.id, right=TOLD, event="told-about-code", at=november))
            db.session.commit()
    whole = ReportFilters(date(2026, 1, 1), date(2026, 11, 30))  # all from the roll-ups
    odd = ReportFilters(date(2026, 1, 2), date(2026, 11, 29))  # from the cases: no case on the days left out
    assert _figures(users, whole) == _figures(users, odd)
    code, _ = _figures(users, whole)
    november = code["month"]["2026-11"]
    # Due 3 December to 9 December, told about the Code: the 1st, 4th and 7th. On 6 December the first three
    # are past due, so told about the Code applied to 5 (3 met, 2 past due without it) and a referral to the
    # first three (none met); the other four are not yet due.
    assert (november[f"{TOLD}:applied"], november[f"{TOLD}:met"]) == (5, 3)
    assert (november["referral-to-support:applied"], november["referral-to-support:met"]) == (3, 0)


def test_the_reports_statement_count_does_not_grow_with_the_cases(users):
    actor = Actor.from_user(users["commissioner"])

    def statements():
        with count_queries() as counter:
            code_rights_report(actor, SPRING, ("service", "borough", "month"), today=TODAY)
            attrition(SPRING, report_options(actor), TODAY)
        db.session.rollback()
        return counter.count

    code_rights_fixture()
    attrition_fixture()
    few = statements()
    code_rights_fixture()
    attrition_fixture()
    assert statements() == few


def _migration(name_part: str):
    [path] = Path(__file__).parent.parent.glob(f"migrations/versions/*_{name_part}*.py")
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_migrations_build_the_rollups_from_the_rows_already_there(users):
    code_rights_fixture()
    attrition_fixture()
    make_case("domestic-abuse", datetime(2026, 11, 27, 10, tzinfo=timezone.utc), borough=HACKNEY, status="new")
    for table in (RollupCodeRights, RollupCodeRightsOpen, RollupAttrition, RollupAttritionReasons):
        db.session.execute(delete(table))
    _migration("roll_ups_for_the_code_rights_and_").build_from_existing_rows(db.session.connection())
    _migration("code_rights_open_cases_by_due_date").build_from_existing_rows(db.session.connection())
    _clean()


def test_every_reported_right_has_its_columns_in_the_rollup():
    from victimcare.domain.code_rights import EXPECTED_BY_FIRST_CONTACT
    from victimcare.domain.code_rights_report import REPORTED_RIGHTS
    from victimcare.models.rollups_rights import CODE_RIGHTS_COUNTS, RIGHT_COLUMNS

    assert list(RIGHT_COLUMNS) == [right for right, _ in REPORTED_RIGHTS]
    for right in EXPECTED_BY_FIRST_CONTACT:
        assert {f"closed_without_{RIGHT_COLUMNS[right]}", f"open_without_{RIGHT_COLUMNS[right]}"} <= set(CODE_RIGHTS_COUNTS)
    assert set(CODE_RIGHTS_COUNTS) <= set(RollupCodeRights.__table__.c.keys())


def test_a_change_that_moves_one_rollup_reads_and_writes_only_that_one(users):
    from sqlalchemy import event

    from victimcare.services import cases as case_service

    case = make_case("domestic-abuse", datetime(2026, 11, 2, 10, tzinfo=timezone.utc), borough=LAMBETH,
                     status="in-progress")
    statements = []

    def remember(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        with unit_of_work():  # a first contact moves only rollup_cases
            case_service.record_contact(Actor.from_user(users["advocate"]), case.id,
                                        datetime(2026, 11, 3, 10, tzinfo=timezone.utc), "phone", "reached")
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    touched = " ".join(statements)
    assert "rollup_cases" in touched
    assert "code_events" not in touched and "rollup_code_rights" not in touched and "rollup_attrition" not in touched
    _clean()


DAY_ROLLUPS = {  # by London day, London-wide: (roll-up, purged twin, the count every case there adds to)
    "code rights": (RollupCodeRightsDays, RollupCodeRightsDaysPurged, "cases"),
    "open without": (RollupCodeRightsOpenDays, RollupCodeRightsOpenDaysPurged, "without_told_about_code"),
    "attrition": (RollupAttritionDays, RollupAttritionDaysPurged, "cases"),
    "reasons": (RollupAttritionReasonsDays, RollupAttritionReasonsDaysPurged, "withdrawals"),
}


def _by_day(purged=False) -> dict:
    found = {}
    for name, (table, purged_twin, count) in DAY_ROLLUPS.items():
        table = purged_twin if purged else table
        found[name] = {(row.day, row.service_id): row.n for row in db.session.execute(
            select(table.day, table.service_id, func.sum(getattr(table, count)).label("n"))
            .group_by(table.day, table.service_id).having(func.sum(getattr(table, count)) > 0))}
    return found


def test_the_rollups_by_day_count_each_case_on_its_london_day(users):
    # 23:30 UTC is 00:30 the next day in London in summer time, and the same day in winter. Open, not told about
    # the Code, each withdrew giving a reason.
    summer = _case("domestic-abuse", datetime(2026, 7, 1, 23, 30, tzinfo=timezone.utc), LAMBETH)
    winter = _case("domestic-abuse", datetime(2026, 1, 14, 23, 30, tzinfo=timezone.utc), HACKNEY)
    for case in (summer, winter):
        _withdraw(case, "before-charge", ["fear-of-suspect"], supported=True)
    _clean()  # the recount (SQL, with SQLite's London days worked out in Python) equals the changes' counts
    service = summer.service_id
    every = {(date(2026, 7, 2), service): 1, (date(2026, 1, 14), service): 1}
    assert _by_day() == dict.fromkeys(DAY_ROLLUPS, every)
    with unit_of_work():  # deleted: the day keeps it, and says so in its purged twin
        for model in (CodeEvent, JusticeWithdrawal):
            for row in db.session.scalars(select(model).where(model.case_id == winter.id)):
                db.session.delete(row)
        db.session.flush()
        db.session.delete(db.session.get(Case, winter.id))
    _clean()
    assert _by_day() == dict.fromkeys(DAY_ROLLUPS, every)
    assert _by_day(purged=True) == dict.fromkeys(DAY_ROLLUPS, {(date(2026, 1, 14), service): 1})


def test_london_wide_odd_days_are_read_from_the_rollups_by_day(users):
    code_rights_fixture()
    attrition_fixture()
    odd = ReportFilters(date(2026, 1, 10), date(2026, 2, 10))
    options = report_options(Actor.from_user(users["commissioner"]))
    seen = []

    def statement(conn, cursor, sql, *args):
        seen.append(sql)

    event.listen(db.engine, "before_cursor_execute", statement)
    try:
        for group_by in ("service", "month", "borough"):
            raw_code_rights(group_by, odd, options, TODAY)
        attrition(odd, options, TODAY)
        attrition(ReportFilters(odd.date_from, odd.date_to, borough=LAMBETH), options, TODAY)
    finally:
        event.remove(db.engine, "before_cursor_execute", statement)
    code = [("rollup_code_rights_days" in sql, "code_events" in sql) for sql in seen if "rollup_code_rights" in sql]
    # By service and by month London-wide from the days; by borough, each borough's odd days from its cases.
    assert code == [(True, False), (True, False), (False, True)]
    withdrawals = [("_london" in sql, "_days" in sql, "justice_withdrawals" in sql)
                   for sql in seen if "rollup_attrition" in sql]
    # London-wide: January from the London-wide roll-up less 1 to 9 January, and 1 to 10 February, from the days;
    # Lambeth's: January from its roll-up, the days from its cases.
    assert withdrawals == [(True, True, False)] * 3 + [(False, False, True)] * 3


def test_attrition_is_also_rolled_up_london_wide_by_month(users):
    lambeth = _case("domestic-abuse", datetime(2026, 7, 1, 22, 30, tzinfo=timezone.utc), LAMBETH)  # 23:30 BST
    hackney = _case("domestic-abuse", datetime(2026, 7, 31, 23, 30, tzinfo=timezone.utc), HACKNEY)  # 1 August
    for case in (lambeth, hackney):
        _withdraw(case, "before-charge", ["fear-of-suspect"], supported=True)
    _clean()
    london = {(row.month, row.stage): row.cases
              for row in db.session.execute(select(RollupAttritionLondon.__table__)) if row.cases}
    assert london == {(date(2026, 7, 1), "before-charge"): 1, (date(2026, 8, 1), "before-charge"): 1}
    with unit_of_work():  # deleted: the month keeps it, and says so in its purged twin
        db.session.delete(db.session.scalars(select(JusticeWithdrawal).where(
            JusticeWithdrawal.case_id == lambeth.id)).one())
        db.session.flush()
        db.session.delete(db.session.get(Case, lambeth.id))
    _clean()
    assert _sum(RollupAttritionLondon.cases) == 2 and _sum(RollupAttritionReasonsLondon.withdrawals) == 2
    assert _sum(RollupAttritionLondonPurged.cases, RollupAttritionLondonPurged.month == date(2026, 7, 1)) == 1
    assert _sum(RollupAttritionReasonsLondonPurged.withdrawals) == 1


def test_the_migrations_build_the_rollups_by_day_and_london_wide_from_the_rows_there(tmp_path):
    from flask_migrate import downgrade, upgrade

    from victimcare import create_app

    scratch = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'days.db'}"})
    with scratch.app_context():
        upgrade()
        for i in range(6):
            case = _case(("domestic-abuse", "hate-crime")[i % 2],
                         datetime(2026, 6, 30, 23, 30, tzinfo=timezone.utc) + timedelta(days=9 * i), LAMBETH,
                         status=("in-progress", "closed", "new")[i % 3], told=i % 2 == 0, decisions=[(i, i < 3)])
            if i % 3:
                _withdraw(case, ("before-charge", "at-trial")[i % 2], ["fear-of-suspect", "delay"][:i % 3],
                          supported=i % 2 == 0)

        def held():  # rows of all zeros (a case moved on from them) count as absent, as for `rollups check`
            return {table.__tablename__: {row for row in db.session.execute(select(table.__table__))
                                          if any(row[len(table.__table__.primary_key.columns):])}
                    for table in [table for table, _, _ in DAY_ROLLUPS.values()]
                    + [RollupAttritionLondon, RollupAttritionReasonsLondon]}

        before = held()
        downgrade(revision="9420cbc94f46")
        upgrade()
        assert held() == before and all(len(rows) > 1 for rows in before.values())
        assert date(2026, 7, 1) in {row.day for row in before["rollup_code_rights_days"]}  # 23:30 UTC, 30 June
        assert [d.describe() for d in rollups.check()] == []
        db.session.remove()
        db.engine.dispose()
