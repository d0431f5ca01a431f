"""`flask --app wsgi referrals import FILE`: another system's referrals, routed as the API routes them, once."""
import csv
import json

import pytest
import time_machine
from sqlalchemy import func, select

from victimcare.extensions import db
from victimcare.models import AuditEvent, Case, Person, Referral
from victimcare.services.errors import ServiceError

from .factories import make_user
from .helpers_api import CLOCK, body, row_counts


@pytest.fixture(autouse=True)
def _after_the_examples():
    with time_machine.travel(CLOCK, tick=False):
        yield


def _jsonl(path, rows):
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


def _rejected(path):
    return [json.loads(line) for line in path.with_name(path.name + ".rejected.jsonl").read_text().splitlines()]


def test_good_rows_are_routed_bad_rows_are_written_out_with_their_line_and_reasons(runner, tmp_path):
    source = _jsonl(tmp_path / "legacy.jsonl", [
        {"external_id": "LEG-1", **body()},
        {"external_id": "LEG-2", **body(**{"victim.given_name": "Ruth", "offence.category": "burglary",
                                             "offence.domestic_abuse": False, "dash": ...})},
        {"external_id": "LEG-3", **body(**{"victim.borough": "Atlantis"})},
        "{not json",
        body(**{"victim.given_name": "Noid"}),
        {"external_id": "LEG-4", **body(**{"victim.given_name": "Ade", "victim.date_of_birth": "1970-01-02"})},
    ])
    result = runner.invoke(args=["referrals", "import", str(source)])
    assert result.exit_code == 1, result.output
    assert "Imported 3 referrals" in result.output and "3 rejected" in result.output
    assert sorted(db.session.scalars(select(Referral.external_id))) == ["LEG-1", "LEG-2", "LEG-4"]
    # Routed as an API referral is: the domestic-abuse one has its case.
    leg1 = db.session.scalar(select(Referral).where(Referral.external_id == "LEG-1"))
    assert {c.service.slug for c in leg1.cases} >= {"domestic-abuse"}
    rejected = _rejected(source)
    assert [r["line"] for r in rejected] == [3, 4, 5]
    assert rejected[0]["external_id"] == "LEG-3" and rejected[0]["errors"][0]["field"] == "victim.borough"
    assert rejected[1]["errors"] == [{"field": "row", "message": "The line is not a JSON object"}]
    assert rejected[2]["errors"][0]["field"] == "external_id"


def test_a_second_run_of_the_same_file_creates_nothing(runner, tmp_path):
    source = _jsonl(tmp_path / "legacy.jsonl", [{"external_id": f"LEG-{n}", **body(**{
        "victim.given_name": name})} for n, name in enumerate(["Asha", "Bea", "Cy"])])
    first = runner.invoke(args=["referrals", "import", str(source)])
    assert first.exit_code == 0 and "Imported 3 referrals" in first.output
    assert not source.with_name("legacy.jsonl.rejected.jsonl").exists()
    counts = row_counts()
    second = runner.invoke(args=["referrals", "import", str(source)])
    assert second.exit_code == 0 and "Imported 0 referrals" in second.output and "3 were already imported" in second.output
    after = row_counts()
    assert {k: v for k, v in after.items() if k != "audit_events"} == {k: v for k, v in counts.items()
                                                                          if k != "audit_events"}
    assert after["audit_events"] == counts["audit_events"] + 1  # the run's own event only


def test_csv_with_dotted_api_paths_booleans_numbers_and_lists(runner, tmp_path):
    source = tmp_path / "legacy.csv"
    with source.open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["external_id", "victim.given_name", "victim.family_name", "victim.date_of_birth",
                      "victim.borough", "offence.category", "offence.occurred_on", "offence.domestic_abuse",
                      "offence.sexual_offence", "offence.hate_crime_strands", "consent.referral", "received_at"])
        out.writerow(["CSV-1", "Dana", "Example", "1990-05-06", "Camden", "hate-crime", "2026-12-20", "false",
                      "false", "race;religion", "true", "2026-12-24T10:30:00Z"])
        out.writerow(["CSV-2", "Eli", "Example", "1992-07-08", "Lambeth", "burglary", "2026-12-21", "false",
                      "false", "", "true", "2026-12-24T11:00:00Z"])
    result = runner.invoke(args=["referrals", "import", str(source)])
    assert result.exit_code == 0, result.output
    dana = db.session.scalar(select(Referral).where(Referral.external_id == "CSV-1"))
    assert dana.strand_slugs == ["race", "religion"] and dana.consent_referral is True
    assert {c.service.slug for c in dana.cases} >= {"hate-crime"}


def test_a_row_that_fails_half_way_leaves_nothing_and_the_others_still_land(runner, tmp_path, monkeypatch):
    from victimcare.services import events

    real = events.referrals_received

    def fail_for_bea(opened, services):  # after the batch's rows are written: the batch must roll back
        real(opened, services)
        if any(referral.person.given_name == "Bea" for referral, _ in opened):
            raise ServiceError("the routing service fell over")

    monkeypatch.setattr(events, "referrals_received", fail_for_bea)
    source = _jsonl(tmp_path / "legacy.jsonl", [{"external_id": f"LEG-{n}", **body(**{
        "victim.given_name": name, "victim.date_of_birth": f"198{n}-01-01"})} for n, name in enumerate(["Asha", "Bea", "Cy"])])
    result = runner.invoke(args=["referrals", "import", str(source)])
    assert result.exit_code == 1
    assert sorted(db.session.scalars(select(Person.given_name))) == ["Asha", "Cy"]
    assert db.session.scalar(select(func.count()).select_from(Referral)) == 2
    assert db.session.scalar(select(func.count()).select_from(Case).join(Referral, Case.referral_id == Referral.id)
                             .where(Referral.external_id == "LEG-1")) == 0
    assert _rejected(source)[0]["errors"] == [{"field": "body", "message": "the routing service fell over"}]


def test_the_run_is_audited_with_counts_and_no_personal_data(runner, tmp_path):
    caseworker = make_user("caseworker", email="intake@example.org")
    source = _jsonl(tmp_path / "legacy.jsonl", [{"external_id": "LEG-1", **body()}])
    assert runner.invoke(args=["referrals", "import", str(source), "--as", caseworker.email]).exit_code == 0
    run = db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "referral-import"))
    assert run.actor_user_id == caseworker.id
    assert run.changes == {"file": "legacy.jsonl", "imported": 1, "already_imported": 0, "rejected": 0}
    created = db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "referral"))
    assert created.actor_user_id == caseworker.id and "Sam" not in json.dumps(created.changes)


def test_only_a_caseworker_can_be_named_as_the_importer(runner, tmp_path):
    advocate = make_user("advocate", service="domestic-abuse")
    source = _jsonl(tmp_path / "legacy.jsonl", [{"external_id": "LEG-1", **body()}])
    result = runner.invoke(args=["referrals", "import", str(source), "--as", advocate.email])
    assert result.exit_code != 0 and "is not an active caseworker's account" in result.output
    assert db.session.scalar(select(func.count()).select_from(Referral)) == 0
