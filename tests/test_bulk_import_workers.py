"""`flask --app wsgi referrals import FILE --workers N`: batches checked, routed and written by worker processes
give the same referrals, cases, audit trail, emails, rejected lines and roll-ups as one process reading the file
top to bottom (on SQLite at most one worker: it takes one writer at a time)."""
import json

import pytest
import time_machine
from sqlalchemy import func, select

from victimcare import bulk_import
from victimcare.extensions import db
from victimcare.models import AuditEvent, Case, OutboxJob, Referral, ReferralStrand, RiskAssessment, RoutingDecision
from victimcare.services import audit, outbox

from .factories import make_user
from .helpers_api import CLOCK, body

CATEGORIES = ["domestic-abuse", "burglary", "hate-crime", "robbery", "domestic-abuse", "fraud", "burglary"]
BOROUGHS = ["Hackney", "Camden", "Lambeth", "Newham", "Brent", "Croydon", "Barnet"]


@pytest.fixture(autouse=True)
def _after_the_examples():
    with time_machine.travel(CLOCK, tick=False):
        yield


def _workers() -> int:
    return 2 if db.engine.dialect.name == "postgresql" else 1


def _rows(prefix: str) -> list:
    """Fourteen lines: every kind of route, two rows the API would refuse (lines 5 and 9, inside a worker's
    batch of three), a line that is not JSON (12), and an external id given three times: first on a refused row
    (line 5), then on a good one (line 10, which is imported), then again (line 14, already imported)."""
    rows = []
    for n in range(1, 15):
        category = CATEGORIES[n % len(CATEGORIES)]
        changes = {"victim.given_name": f"Name{n}", "victim.date_of_birth": f"198{n % 10}-02-0{1 + n % 9}",
                   "offence.category": category, "offence.domestic_abuse": category == "domestic-abuse",
                   "victim.borough": BOROUGHS[n % len(BOROUGHS)],
                   "offence.hate_crime_strands": ["race"] if category == "hate-crime" else []}
        if category != "domestic-abuse":
            changes["dash"] = ...
        rows.append({"external_id": f"{prefix}-{n}", **body(**changes)})
    rows[4]["victim"]["borough"] = "Atlantis"
    rows[8]["offence"]["category"] = "not-an-offence"
    rows[9]["external_id"] = rows[13]["external_id"] = rows[4]["external_id"]
    rows[11] = "{not json"
    return rows


def _import(runner, path, rows, workers: int):
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    result = runner.invoke(args=["referrals", "import", str(path), "--workers", str(workers)])
    rejected = [json.loads(line) for line in path.with_name(path.name + ".rejected.jsonl").read_text().splitlines()]
    return result, rejected


def _columns(row) -> dict:
    skip = {"id", "reference", "external_id", "person_id", "referral_id", "case_id", "object_id", "created_at",
            "updated_at"}
    return {c.key: getattr(row, c.key) for c in row.__table__.columns if c.key not in skip}


def _imported(prefix: str) -> dict:
    """Each imported referral by its line's number: its columns and its person's, its strands, DASH, routing
    decisions, cases and audit trail."""
    found = {}
    for referral in db.session.scalars(select(Referral).where(Referral.external_id.like(f"{prefix}-%"))):
        def of(model, referral=referral):
            return [_columns(row) for row in db.session.scalars(
                select(model).where(model.referral_id == referral.id).order_by(*model.__table__.primary_key))]
        trail = [(e.action, e.object_type, e.actor_user_id, e.service_id, e.changes) for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.referral_id == referral.id).order_by(AuditEvent.id))]
        found[referral.person.given_name] = (_columns(referral), _columns(referral.person), of(ReferralStrand),
                                             of(RiskAssessment), of(RoutingDecision), of(Case), trail)
    return found


def test_workers_import_the_same_referrals_cases_trail_and_rejections_as_one_process(runner, tmp_path,
                                                                                    monkeypatch):
    monkeypatch.setattr(bulk_import, "BATCH_SIZE", 3)
    monkeypatch.setattr(outbox, "_wake_dispatchers", lambda job_ids: None)  # the emails stay as recorded
    make_user("advocate", service="domestic-abuse")
    make_user("advocate", service="hate-crime")
    alone, alone_rejected = _import(runner, tmp_path / "alone.jsonl", _rows("ONE"), workers=0)
    emails_alone = db.session.scalar(select(func.count()).select_from(OutboxJob))
    shared, shared_rejected = _import(runner, tmp_path / "shared.jsonl", _rows("MANY"), workers=_workers())

    assert alone.exit_code == shared.exit_code == 1, shared.output
    summary = "Imported 10 referrals"
    assert summary in alone.output and summary in shared.output, (alone.output, shared.output)
    assert "1 were already imported; 3 rejected" in shared.output
    assert alone.output.splitlines()[-1].replace("alone", "shared") == shared.output.splitlines()[-1]
    # The rejected rows keep their line numbers and reasons, whichever process checked them.
    for entry in alone_rejected + shared_rejected:
        entry.pop("external_id")
        entry.pop("row")
    assert [r["line"] for r in shared_rejected] == [5, 9, 12]
    assert shared_rejected == alone_rejected
    assert shared_rejected[0]["errors"][0]["field"] == "victim.borough"
    # Line 10 repeats line 5's external id: line 5 was refused, so line 10 is the one imported.
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Referral)
                             .where(Referral.external_id == "MANY-5")) == 1
    one, many = _imported("ONE"), _imported("MANY")
    assert len(many) == 10 and "Name10" in many and "Name5" not in many
    assert many == one
    emails = db.session.scalar(select(func.count()).select_from(OutboxJob))
    assert emails - emails_alone == emails_alone > 0  # each new case's staff email, once
    # Every event the workers committed is sealed into the chain, which is whole.
    assert audit.unsealed_count() == 0
    assert audit.verify_chain().ok


def test_a_batch_a_worker_cannot_write_is_retried_there_row_by_row(runner, tmp_path, monkeypatch):
    from victimcare.services import referrals

    monkeypatch.setattr(bulk_import, "BATCH_SIZE", 3)
    real = referrals.write_imports

    def refuse_name7(actor, planned):  # the worker process forked with this in place
        for plan in planned:
            if plan.person.given_name == "Name7":
                plan.referral.reference = None  # NOT NULL: the database refuses the batch
        return real(actor, planned)

    monkeypatch.setattr(referrals, "write_imports", refuse_name7)
    rows = [row for row in _rows("W") if isinstance(row, dict) and row["external_id"] not in ("W-5", "W-9")]
    result, rejected = _import(runner, tmp_path / "legacy.jsonl", rows, workers=_workers())
    assert result.exit_code == 1, result.output
    assert "Imported 8 referrals" in result.output and "1 rejected" in result.output
    [refused] = rejected
    assert refused["external_id"] == "W-7" and refused["line"] == 6
    assert refused["errors"][0]["message"].startswith("The database refused the row (")
    db.session.expire_all()
    assert "W-7" not in set(db.session.scalars(select(Referral.external_id)))
    assert db.session.scalar(select(func.count()).select_from(Referral)) == 8


def test_a_second_run_with_workers_creates_nothing(runner, tmp_path, monkeypatch):
    monkeypatch.setattr(bulk_import, "BATCH_SIZE", 2)
    rows = [row for row in _rows("AGAIN") if isinstance(row, dict)]
    first, _ = _import(runner, tmp_path / "legacy.jsonl", rows, workers=_workers())
    assert "Imported 10 referrals" in first.output, first.output
    db.session.expire_all()
    before = {model: db.session.scalar(select(func.count()).select_from(model))
              for model in (Referral, Case, RoutingDecision, OutboxJob)}
    again, _ = _import(runner, tmp_path / "legacy.jsonl", rows, workers=_workers())
    assert "Imported 0 referrals" in again.output and "12 were already imported" in again.output, again.output
    db.session.expire_all()
    assert {model: db.session.scalar(select(func.count()).select_from(model)) for model in before} == before
