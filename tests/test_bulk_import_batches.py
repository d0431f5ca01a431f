"""`flask --app wsgi referrals import FILE` in batches: a batch is written with one INSERT a table, a batch that fails
is retried row by row, idempotency holds across batches, the roll-ups stay right, and an imported referral is
the same, row for row, as one the API creates from the same body."""
import json

import pytest
import time_machine
from sqlalchemy import func, select

from victimcare import bulk_import
from victimcare.extensions import db
from victimcare.models import (
    AuditEvent,
    Case,
    OutboxJob,
    Person,
    Referral,
    ReferralStrand,
    RiskAssessment,
    RoutingDecision,
)
from victimcare.models.rollups import RollupCases
from victimcare.services import rollups
from victimcare.services.errors import ServiceError

from .factories import make_user
from .helpers_api import CLOCK, bearer, body, token_for
from .helpers_audit import count_queries

NAMES = ["Asha", "Bea", "Cy", "Dev", "Eve", "Fin", "Gus"]


@pytest.fixture(autouse=True)
def _after_the_examples():
    with time_machine.travel(CLOCK, tick=False):
        yield


def _row(n: int, name: str, **changes) -> dict:
    return {"external_id": f"LEG-{n}", **body(**{"victim.given_name": name,
                                                 "victim.date_of_birth": f"198{n % 10}-01-0{1 + n % 9}", **changes})}


def _jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _rejected(path):
    return [json.loads(line) for line in path.with_name(path.name + ".rejected.jsonl").read_text().splitlines()]


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_batch_that_fails_on_one_row_is_retried_row_by_row_and_only_that_row_is_rejected(runner, tmp_path,
                                                                                        monkeypatch):
    from victimcare.services import events

    monkeypatch.setattr(bulk_import, "BATCH_SIZE", 3)
    real, batches = events.referrals_received, []

    def fail_for_eve(opened, services):  # called once the batch's rows are written: they must all roll back
        batches.append(len(opened))
        real(opened, services)
        if any(referral.person.given_name == "Eve" for referral, _ in opened):
            raise ServiceError("the partner system refused it")

    monkeypatch.setattr(events, "referrals_received", fail_for_eve)
    source = _jsonl(tmp_path / "legacy.jsonl", [_row(n, name) for n, name in enumerate(NAMES, start=1)])
    result = runner.invoke(args=["referrals", "import", str(source)])
    assert result.exit_code == 1, result.output
    assert "Imported 6 referrals" in result.output and "1 rejected" in result.output
    # Lines 1-3 and 7 went in whole batches; 4-6 failed together, then went one at a time.
    assert batches == [3, 3, 1, 1, 1, 1]
    db.session.expire_all()
    assert sorted(db.session.scalars(select(Person.given_name))) == sorted(set(NAMES) - {"Eve"})
    assert "LEG-5" not in set(db.session.scalars(select(Referral.external_id)))
    assert _count(Referral) == 6 and _count(Case) == 6 and _count(RoutingDecision) == 6
    assert _count(RiskAssessment) == 6
    assert [(r["line"], r["external_id"], r["errors"]) for r in _rejected(source)] == [
        (5, "LEG-5", [{"field": "body", "message": "the partner system refused it"}])]
    # Nothing of Eve's referral was audited: each created referral and case has its event, no more.
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.object_type.in_(["referral", "case"]))) == 12


def test_a_row_the_database_refuses_is_rejected_with_the_kind_of_refusal_and_no_values(runner, tmp_path,
                                                                                      monkeypatch):
    from victimcare.services import referrals

    monkeypatch.setattr(bulk_import, "BATCH_SIZE", 10)
    real = referrals.write_imports

    def duplicate_reference(actor, planned):  # two referrals with one reference: the unique index refuses
        for plan in planned:
            if plan.person.given_name == "Cy":
                plan.referral.reference = "VC-AAAA-2222"
        return real(actor, planned)

    monkeypatch.setattr(referrals, "write_imports", duplicate_reference)
    source = _jsonl(tmp_path / "legacy.jsonl", [_row(1, "Asha"), _row(2, "Cy")])
    assert runner.invoke(args=["referrals", "import", str(source)]).exit_code == 0
    source = _jsonl(tmp_path / "more.jsonl", [_row(3, "Bea"), _row(4, "Cy"), _row(5, "Dev")])
    result = runner.invoke(args=["referrals", "import", str(source)])
    assert result.exit_code == 1 and "Imported 2 referrals" in result.output
    [refused] = _rejected(source)
    assert refused["line"] == 2 and refused["errors"][0]["message"].startswith("The database refused the row (")
    assert "VC-AAAA-2222" not in refused["errors"][0]["message"]


def test_idempotent_across_batches_within_a_file_and_between_runs(runner, tmp_path, monkeypatch):
    monkeypatch.setattr(bulk_import, "BATCH_SIZE", 2)
    rows = [_row(n, name) for n, name in enumerate(NAMES[:5], start=1)]
    rows.append({**rows[0], "victim": {**rows[0]["victim"], "given_name": "Asha-again"}})  # LEG-1, batch 3
    first_half = _jsonl(tmp_path / "first.jsonl", rows[:3])
    assert runner.invoke(args=["referrals", "import", str(first_half)]).exit_code == 0
    source = _jsonl(tmp_path / "legacy.jsonl", rows)
    result = runner.invoke(args=["referrals", "import", str(source)])
    assert result.exit_code == 0, result.output
    assert "Imported 2 referrals" in result.output and "4 were already imported" in result.output
    assert sorted(db.session.scalars(select(Referral.external_id))) == [f"LEG-{n}" for n in range(1, 6)]
    assert "Asha-again" not in set(db.session.scalars(select(Person.given_name)))
    again = runner.invoke(args=["referrals", "import", str(source)])
    assert again.exit_code == 0 and "Imported 0 referrals" in again.output and "6 were already imported" in again.output
    assert _count(Referral) == 5 and _count(Case) == 5


def test_the_rollups_count_the_imported_cases(runner, tmp_path, monkeypatch):
    monkeypatch.setattr(bulk_import, "BATCH_SIZE", 4)
    rows = [_row(n, name, **{"offence.category": category, "offence.domestic_abuse": category == "domestic-abuse",
                             **({} if category == "domestic-abuse" else {"dash": ...}),
                             "victim.borough": borough})
            for n, (name, category, borough) in enumerate(zip(NAMES, [
                "domestic-abuse", "burglary", "hate-crime", "domestic-abuse", "robbery", "burglary", "fraud"],
                ["Hackney", "Camden", "Lambeth", "Hackney", "Newham", "Camden", "Brent"]), start=1)]
    rows[2]["offence"]["hate_crime_strands"] = ["race"]
    source = _jsonl(tmp_path / "legacy.jsonl", rows)
    assert runner.invoke(args=["referrals", "import", str(source)]).exit_code == 0
    assert _count(Case) >= 7
    assert rollups.check() == []
    db.session.rollback()  # the command reads in a snapshot of its own
    check = runner.invoke(args=["rollups", "check"])
    assert check.exit_code == 0, check.output
    assert db.session.scalar(select(func.sum(RollupCases.received))) == _count(Case)


def test_a_batch_runs_the_same_statements_however_many_rows_it_has(runner, tmp_path, monkeypatch):
    from victimcare.services import outbox

    monkeypatch.setattr(bulk_import, "BATCH_SIZE", 1000)
    make_user("advocate", service="domestic-abuse")  # so each new case records an email...
    monkeypatch.setattr(outbox, "_wake_dispatchers", lambda job_ids: None)  # ...which is not sent here
    few = _jsonl(tmp_path / "few.jsonl", [_row(n, f"Few{n}") for n in range(1, 4)])
    many = _jsonl(tmp_path / "many.jsonl", [_row(n, f"Many{n}") for n in range(10, 70)])
    with count_queries() as small:
        assert runner.invoke(args=["referrals", "import", str(few)]).exit_code == 0
    with count_queries() as large:
        assert runner.invoke(args=["referrals", "import", str(many)]).exit_code == 0
    assert _count(Referral) == 63 and _count(OutboxJob) == 63
    # The sealer that links the events into the chain after each commit is the audit trail's own (a statement
    # an event on SQLite, a few a batch on PostgreSQL): left out here.
    small, large = _unsealing(small.statements), _unsealing(large.statements)
    assert len(large) == len(small), "\n".join(large)
    assert len(large) < 40


def _unsealing(statements: list[str]) -> list[str]:
    return [s for s in statements if "audit_chain_head" not in s and "seq IS NULL" not in s
            and not s.startswith("UPDATE audit_events") and "WITH sealed AS" not in s
            and "pg_try_advisory" not in s]


def _columns(row, leave_out=()) -> dict:
    skip = {"id", "reference", "external_id", "person_id", "referral_id", "case_id", "object_id", "created_at",
            "updated_at", *leave_out}
    return {c.key: getattr(row, c.key) for c in row.__table__.columns if c.key not in skip}


def test_an_imported_referral_is_the_same_as_the_api_makes_from_the_same_body(runner, client, tmp_path,
                                                                             monkeypatch):
    from victimcare.services import outbox

    monkeypatch.setattr(outbox, "_wake_dispatchers", lambda job_ids: None)  # the emails stay as recorded
    caseworker = make_user("caseworker", email="intake@example.org")
    make_user("advocate", service="domestic-abuse")
    make_user("advocate", service="hate-crime", is_lead=True)
    given = body(**{"offence.hate_crime_strands": ["race", "religion"], "victim.given_name": "Twin"})
    made = client.post("/api/v1/referrals", json=given, headers=bearer(token_for(caseworker)))
    assert made.status_code == 201, made.get_json()
    source = _jsonl(tmp_path / "legacy.jsonl", [{"external_id": "LEG-1", **given}])
    assert runner.invoke(args=["referrals", "import", str(source), "--as", caseworker.email]).exit_code == 0
    db.session.expire_all()
    api, imported = db.session.scalars(select(Referral).order_by(Referral.id)).all()
    assert imported.external_id == "LEG-1" and api.external_id is None
    # The API's flush writes the referral, then its household answers (a second UPDATE, version 2); the import
    # writes it once. The version only guards against a stale edit.
    assert _columns(imported, leave_out={"version"}) == _columns(api, leave_out={"version"})
    assert _columns(imported.person) == _columns(api.person)
    for model in (ReferralStrand, RiskAssessment, RoutingDecision, Case):
        def of(referral, model=model):
            return [_columns(row) for row in db.session.scalars(
                select(model).where(model.referral_id == referral.id).order_by(*model.__table__.primary_key))]
        assert of(imported) == of(api) and of(api), model.__name__
    def trail(referral):
        return [(e.action, e.object_type, e.actor_user_id, e.service_id, e.changes) for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.referral_id == referral.id, AuditEvent.action == "create")
            .order_by(AuditEvent.id))]

    events = {r.id: trail(r) for r in (api, imported)}
    assert events[imported.id] == events[api.id] and len(events[api.id]) == 1 + len(api.cases)
    emails = [job.payload for job in db.session.scalars(select(OutboxJob).where(OutboxJob.kind == "staff-email")
                                            .order_by(OutboxJob.id))]
    case_ids = [c.id for c in api.cases] + [c.id for c in imported.cases]
    assert [email["context"].pop("case_id") for email in emails] == case_ids  # each new case's own email
    assert len(emails) == 2 * len(api.cases) and emails[:len(api.cases)] == emails[len(api.cases):]
