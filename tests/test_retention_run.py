"""`flask retention run [--as-of] [--dry-run]`: what goes, what stays, holds, all-or-nothing, the audit trail."""
from datetime import datetime, timezone

from sqlalchemy import func, select

from victimcare.extensions import db
from victimcare.models import (
    AuditEvent, Case, CaseNote, CaseStep, ContactAttempt, IdempotencyRecord, ParentCarer, Perpetrator, Person,
    Referral, RiskAssessment, Task,
)
from victimcare.services import audit
from victimcare.services.retention import purge

from .helpers_reports import bearer_for
from .helpers_retention import AS_OF, retention_fixture

PURGED = ("never", "declined")  # and the triage referral's person
KEPT = ("supported", "child", "marac", "held", "open")


def _run(runner, *args):
    return runner.invoke(args=["retention", "run", "--as-of", AS_OF.isoformat(), *args])


def _person(case) -> Person:
    return db.session.get(Person, case.referral.person_id)


def test_the_dry_run_counts_by_category_lists_the_held_and_changes_nothing(runner, users):
    made = retention_fixture()
    before = db.session.scalar(select(func.count()).select_from(CaseNote))
    result = _run(runner, "--dry-run")
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert "Referred but never contacted: 2 people" in result.output
    assert "Contacted, no service taken up: 1 people" in result.output
    held_reference = made["cases"]["held"].referral.reference
    assert f"On legal hold, skipped: 1 people ({held_reference})" in result.output
    people, records = lines[-1].removeprefix("people: ").split(", records: ")
    assert people == "3" and int(records) > 3 * 3
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(CaseNote)) == before
    assert all(_person(case).purged_at is None for case in made["cases"].values())
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "purged")) == 0


def test_the_run_removes_personal_data_and_keeps_the_report_columns(runner, client, users):
    made = retention_fixture()
    dry = _run(runner, "--dry-run").output.strip().splitlines()[-1]
    result = _run(runner)
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == dry  # the run purged what the dry run counted
    db.session.expire_all()
    for name in PURGED:
        case = made["cases"][name]
        person = _person(case)
        assert person.purged_at is not None
        assert (person.given_name, person.family_name, person.date_of_birth, person.phone, person.address) == (
            "", "", None, None, None)
        referral = db.session.get(Referral, case.referral_id)
        assert referral.description is None and referral.crime_reference is None
        assert db.session.scalar(select(func.count()).where(CaseNote.case_id == case.id)) == 0
        for party in (Perpetrator, ParentCarer):
            assert db.session.scalar(select(func.count()).where(party.referral_id == case.referral_id)) == 0
        assert db.session.scalar(select(Task.title).where(Task.case_id == case.id)) == ""
        assert db.session.scalar(select(CaseStep.detail).where(CaseStep.case_id == case.id)) is None
        risk = db.session.scalar(select(RiskAssessment).where(RiskAssessment.case_id == case.id))
        assert risk.answers is None and risk.professional_judgement_reason is None and risk.level == "standard"
        kept = db.session.get(Case, case.id)
        assert kept.received_at is not None and kept.status == case.status and kept.age_band == "35-44"
    for note in db.session.scalars(select(ContactAttempt)):
        assert (note.note is None) == (note.case_id in {made["cases"][n].id for n in PURGED})
    triage_person = db.session.get(Person, made["triage"].person_id)
    assert triage_person.purged_at is not None and made["triage"].description is None
    for name in KEPT:
        person = _person(made["cases"][name])
        assert person.purged_at is None and person.phone == "+447700900123"
    # Nothing left to purge: a second run finds no one.
    assert _run(runner).output.strip().splitlines()[-1] == "people: 0, records: 0"


def test_purged_records_are_not_found_by_the_api_or_the_pages(runner, client, auth, users):
    made = retention_fixture()
    case = made["cases"]["never"]
    headers = bearer_for(users["caseworker"])
    assert client.get(f"/api/v1/referrals/{case.referral.reference}", headers=headers).status_code == 200
    auth.login(users["caseworker"])
    found = client.get("/search", query_string={"q": case.referral.reference}).get_data(as_text=True)
    assert f'href="/referrals/{case.referral.reference}"' in found
    _run(runner)
    assert client.get(f"/api/v1/referrals/{case.referral.reference}", headers=headers).status_code == 404
    auth.login(users["caseworker"])
    assert client.get(f"/referrals/{case.referral.reference}").status_code == 404
    found = client.get("/search", query_string={"q": case.referral.reference}).get_data(as_text=True)
    assert f'href="/referrals/{case.referral.reference}"' not in found  # the search finds nothing
    auth.logout()
    auth.login(users["advocate"])
    assert client.get(f"/cases/{case.id}").status_code == 404
    assert client.get(f"/cases/{made['cases']['supported'].id}").status_code == 200


def test_an_open_case_whose_person_was_purged_leaves_the_queue_and_the_home_counts(runner, client, auth, users):
    """Never contacted in six months, the case was still new: after the purge its row (no name, a link that 404s)
    is nobody's work, so the advocate's queue and home page stop showing it."""
    from victimcare.models import User
    from victimcare.services.actors import Actor
    from victimcare.services.queues import action_counts

    made = retention_fixture()
    never, still_open = made["cases"]["never"], made["cases"]["open"]
    advocate = Actor.from_user(users["advocate"])
    new_before = action_counts(advocate).new
    db.session.rollback()
    auth.login(users["advocate"])
    queue = client.get("/cases/").get_data(as_text=True)
    assert f'href="/cases/{never.id}"' in queue and f'href="/cases/{still_open.id}"' in queue
    _run(runner)
    db.session.expire_all()
    queue = client.get("/cases/").get_data(as_text=True)
    assert f'href="/cases/{never.id}"' not in queue and f'href="/cases/{still_open.id}"' in queue
    assert action_counts(Actor.from_user(db.session.get(User, users["advocate"].id))).new == new_before - 1


def test_one_audit_event_with_the_counts_and_the_chain_still_verifies(runner, users):
    retention_fixture()
    _run(runner)
    events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "purged")))
    assert len(events) == 1
    assert events[0].changes["people"] == 3 and events[0].changes["held"] == 1
    assert audit.verify_chain().ok


def test_stored_api_replies_for_a_purged_referral_go(runner, users):
    made = retention_fixture()
    reference = made["cases"]["never"].referral.reference
    db.session.add(IdempotencyRecord(user_id=users["caseworker"].id, key="k1", request_hash="x" * 64,
                                     status_code=201, response_body='{"given_name": "Alex"}',
                                     location=f"/api/v1/referrals/{reference}"))
    db.session.commit()
    _run(runner)
    assert db.session.scalar(select(func.count()).select_from(IdempotencyRecord)) == 0


def test_a_failure_half_way_through_one_person_leaves_that_person_untouched(runner, users, monkeypatch):
    made = retention_fixture()
    victim = made["cases"]["declined"]
    real = purge.scrub_table

    def failing(name, scope):
        if name == "tasks" and scope.person_id == victim.referral.person_id:
            raise RuntimeError("disk full")
        return real(name, scope)

    monkeypatch.setattr(purge, "scrub_table", failing)
    result = _run(runner)
    assert result.exit_code == 1
    assert "Failed, left untouched: 1 people" in result.output
    assert result.output.strip().splitlines()[-1].startswith("people: 2, ")
    db.session.expire_all()
    person = _person(victim)
    assert person.purged_at is None and person.given_name == "Alex" and person.phone == "+447700900123"
    assert db.session.scalar(select(func.count()).where(CaseNote.case_id == victim.id)) == 1  # deleted, then undone
    assert _person(made["cases"]["never"]).purged_at is not None


def test_a_bad_date_is_refused(runner):
    result = runner.invoke(args=["retention", "run", "--as-of", "01/09/2026"])
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output


def test_the_retention_date_is_shown_on_the_referral_and_case_pages(client, auth, users):
    made = retention_fixture()
    supported, held = made["cases"]["supported"], made["cases"]["held"]
    auth.login(users["caseworker"])
    page = client.get(f"/referrals/{supported.referral.reference}").get_data(as_text=True)
    assert "Records kept" in page and "Until 1 February 2032: supported" in page
    page = client.get(f"/referrals/{held.referral.reference}").get_data(as_text=True)
    assert "On legal hold, kept until the hold is lifted" in page
    auth.logout()
    auth.login(users["advocate"])
    page = client.get(f"/cases/{supported.id}").get_data(as_text=True)
    assert "Until 1 February 2032: supported" in page


def test_a_record_page_reads_the_same_retention_as_the_run():
    """The pages read one person's facts case by case, the run everyone's from grouped subqueries: same answer,
    down to a contact attempt after the case closed, which keeps a supported victim's records longer."""
    from victimcare.domain.retention import retention_text
    from victimcare.services.retention import schedule

    made = retention_fixture()
    supported = made["cases"]["supported"]
    db.session.add(ContactAttempt(case_id=supported.id, at=datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc),
                                  method="phone", outcome="no-answer"))
    db.session.commit()
    everyone = schedule.retentions()
    held = schedule.held_person_ids()
    people = [case.referral.person_id for case in made["cases"].values()] + [made["triage"].person_id]
    for person_id in people:
        assert schedule.describe(person_id) == retention_text(everyone[person_id], person_id in held)
        assert schedule.retention_of(person_id) == everyone[person_id]
    assert schedule.describe(supported.referral.person_id) == "Until 2 March 2032: supported"


def test_the_dry_run_counts_what_the_run_then_changes(runner, users):
    """Strands, restrictions and a stored reply too: tables the purge leaves alone are not counted."""
    from victimcare.models import RecordRestriction, ReferralStrand

    made = retention_fixture()
    case = made["cases"]["never"]
    db.session.add(ReferralStrand(referral_id=case.referral_id, strand="race"))
    db.session.add(RecordRestriction(person_id=case.referral.person_id, reason="works-here"))
    db.session.add(IdempotencyRecord(user_id=users["caseworker"].id, key="k2", request_hash="y" * 64,
                                     status_code=201, response_body="{}",
                                     location=f"/api/v1/referrals/{case.referral.reference}"))
    db.session.commit()
    dry = _run(runner, "--dry-run").output.strip().splitlines()[-1]
    assert _run(runner).output.strip().splitlines()[-1] == dry


def test_people_are_read_a_batch_at_a_time_with_the_same_result(runner, users, monkeypatch):
    """Ten million people cannot be read at once, nor named in one IN list (PostgreSQL takes 65,535 parameters):
    the run reads people a batch at a time, and holds are read once. Batches of two give the same counts."""
    made = retention_fixture()
    whole = _run(runner, "--dry-run").output
    monkeypatch.setattr(purge, "BATCH_PEOPLE", 2)
    assert _run(runner, "--dry-run").output == whole
    assert made["cases"]["held"].referral.reference in whole
    assert _run(runner).output.strip().splitlines()[-1] == whole.strip().splitlines()[-1]


def test_sqlite_overwrites_deleted_content():
    from sqlalchemy import text

    if db.engine.dialect.name == "sqlite":
        assert db.session.execute(text("PRAGMA secure_delete")).scalar() == 1
