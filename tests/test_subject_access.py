"""Subject access: the copy covers every table that holds something about a person (a new table with a person_id
or case_id fails here until it is covered), flags what may identify someone else, opens for the DPO only within a
request they work on (audited with its id), releases a redacted zip once (audited with its SHA-256), and the
command line writes the unredacted review copy."""
import hashlib
import io
import json
import zipfile
from pathlib import Path
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from victimcare.domain.subject_access import REDACTED, item_key
from victimcare.domain.vocab import LEGAL_HOLD_REASONS, WITHDRAWAL_REASONS, WITHDRAWAL_STAGES
from victimcare.extensions import db
from victimcare.models import (
    AuditEvent,
    BreakGlassAccess,
    CaseNote,
    CaseStep,
    CodeEvent,
    ContactAttempt,
    ErasureDecision,
    DataRightsRequest,
    ExportFile,
    JusticeWithdrawal,
    JusticeWithdrawalReason,
    ParentCarer,
    Perpetrator,
    LegalHold,
    MaracAction,
    MaracAgendaItem,
    MaracHearing,
    MaracMeeting,
    RecordRestriction,
    RecordsRequest,
    ReferralStrand,
    RiskAssessment,
    RoutingDecision,
    Task,
    VictimMessage,
)
from victimcare.services.subject_access import NOT_COPIED, SOURCES, collect

from .factories import make_referral_with_case, make_user, service

THIRD_PARTY_NOTE = "Daniel Price was seen outside the flat again."
SENSITIVE_NOTE = "Disclosed an earlier assault; counselling arranged."
PLAIN_NOTE = "Called back as agreed, all fine."


def full_record(advocate):
    """A person with a row in every table the copy reads."""
    case = make_referral_with_case()
    referral, person = case.referral, case.referral.person
    now = datetime(2026, 11, 3, 10, 0, tzinfo=timezone.utc)
    referral.description = "Assaulted at home."
    db.session.add_all([
        ReferralStrand(referral_id=referral.id, strand="race"),
        Perpetrator(referral_id=referral.id, name="Daniel Price", relationship_to_victim=None, lives_with_victim=True),
        ParentCarer(referral_id=referral.id, name="A parent (fictional)", safe_to_contact=False),
        RoutingDecision(referral_id=referral.id, service_id=case.service_id, kind="rule", rule="domestic-abuse",
                        reason="Domestic abuse goes to the domestic abuse service"),
        RiskAssessment(referral_id=referral.id, case_id=case.id, answers={"q1": "yes"}, yes_count=1,
                       actuarial_level="standard", level="standard"),
        ContactAttempt(case_id=case.id, at=now, method="phone", outcome="reached", note=PLAIN_NOTE),
        CaseNote(case_id=case.id, body=THIRD_PARTY_NOTE), CaseNote(case_id=case.id, body=SENSITIVE_NOTE, sensitive=True),
        CaseNote(case_id=case.id, body=PLAIN_NOTE),
        Task(case_id=case.id, title="Send the leaflet on court"),
        CaseStep(case_id=case.id, step="marac-referral", occurred_on=date(2026, 11, 4)),
        VictimMessage(case_id=case.id, channel="sms", template="appointment-reminder", status="delivered"),
        CodeEvent(case_id=case.id, right="information", event="told-about-code", at=now),
        RecordsRequest(case_id=case.id, requester_kind="police", requester_name="DC Lewis", records_kind="case-notes",
                       records_sought="Contact log", purpose="Line of enquiry", received_on=date(2026, 11, 5)),
        RecordRestriction(person_id=person.id, reason="works-here", created_by_id=advocate.id),
        BreakGlassAccess(person_id=person.id, user_id=advocate.id, reason="Crisis call", case_id=case.id,
                         granted_at=now, expires_at=now + timedelta(hours=1)),
        LegalHold(person_id=person.id, reason=LEGAL_HOLD_REASONS[0][0], detail="Trial listed for March"),
        DataRightsRequest(kind="subject-access", person_id=person.id, referral_id=referral.id, requester="victim",
                          identity_check="known-to-service", received_on=date(2026, 11, 5), due_on=date(2026, 12, 5)),
    ])
    db.session.flush()
    erasure = DataRightsRequest(kind="erasure", person_id=person.id, referral_id=referral.id, requester="victim",
                                identity_check="known-to-service", received_on=date(2026, 11, 5),
                                due_on=date(2026, 12, 5), status="refused")
    db.session.add(erasure)
    db.session.flush()
    db.session.add(ErasureDecision(request_id=erasure.id, person_id=person.id, decision="refused",
                                   grounds=["objection"], exemptions=["legal-claims"], reasons="Trial pending"))
    withdrawal = JusticeWithdrawal(case_id=case.id, stage=WITHDRAWAL_STAGES[0][0], withdrawn_on=date(2026, 11, 6),
                                   supported_by_advocate=True)
    withdrawal.reasons.append(JusticeWithdrawalReason(reason=WITHDRAWAL_REASONS[0][0]))
    db.session.add(withdrawal)
    meeting = MaracMeeting(service_id=case.service_id, held_on=date(2026, 11, 10), chair="Chair (fictional)")
    db.session.add(meeting)
    db.session.flush()
    item = MaracAgendaItem(meeting_id=meeting.id, case_id=case.id, source="referral", referred_on=date(2026, 11, 4),
                           planned_minutes=15)
    db.session.add(item)
    db.session.flush()
    hearing = MaracHearing(agenda_item_id=item.id, case_id=case.id, heard_on=date(2026, 11, 10),
                           risks_discussed="Risk from the ex-partner", victim_views="Wants to stay at home")
    db.session.add(hearing)
    db.session.flush()
    db.session.add(MaracAction(hearing_id=hearing.id, case_id=case.id, agency="police", owner="DS on duty",
                               description="Flag the address", due_on=date(2026, 11, 17)))
    db.session.commit()
    return case


def model_tables_about_a_person() -> set[str]:
    return {table.name for table in db.metadata.sorted_tables
            if {"person_id", "referral_id", "case_id"} & {column.name for column in table.columns}}


def test_every_table_with_a_person_id_referral_id_or_case_id_is_in_the_copy_or_left_out_with_a_reason():
    covered = {source.model.__tablename__ for source in SOURCES} | set(NOT_COPIED)
    missing = sorted(model_tables_about_a_person() - covered)
    assert missing == [], (f"{missing} hold something about a person but are not in the subject access copy: add "
                           "them to services/subject_access/registry.py SOURCES (or NOT_COPIED, with the reason)")
    assert all(reason.strip() for reason in NOT_COPIED.values())


def test_the_copy_holds_a_row_from_every_source_and_flags_what_may_identify_someone_else(users):
    case = full_record(users["advocate"])
    copy = collect(case.referral.person_id)
    found = set()

    def walk(sections):
        for section in sections:
            if section.items:
                found.add(section.key)
            for item in section.items:
                walk(item.children)

    walk(copy.sections)
    assert found == {source.key for source in SOURCES}
    flagged = {(item.source, item.fields.get("body") or item.fields.get("answers") and "dash", reason)
               for item, _, reason in copy.flagged()}
    assert ("case_notes", THIRD_PARTY_NOTE, "May name another person (Daniel Price)") in flagged
    assert ("case_notes", SENSITIVE_NOTE, "A note marked sensitive") in flagged
    assert ("risk_assessments", "dash", "Describes the perpetrator's behaviour (DASH answers)") in flagged
    reasons = {(item.source, name): reason for item, name, reason in copy.flagged()}
    assert reasons[("perpetrators", "name")] == "Details of the perpetrator"
    assert reasons[("parent_carers", "name")] == "Details of a parent or carer (household)"
    assert not any(body == PLAIN_NOTE for _, body, _ in flagged)
    # Staff are never named: no user ids in the copy.
    assert not any(name.endswith("_by_id") or name in ("user_id", "assigned_to_id")
                   for item, _, _ in copy.flagged() for name in item.fields)


def test_the_access_log_counts_by_role_and_service_without_names(client, auth, users):
    case = make_referral_with_case()
    auth.login(users["advocate"])
    client.get(f"/cases/{case.id}")
    client.get(f"/cases/{case.id}")
    log = collect(case.referral.person_id).access_log
    views = [row for row in log if row["action"] == "view" and row["role"] == "advocate"]
    assert views and views[0]["count"] >= 2 and views[0]["service_id"] == case.service_id
    assert all(set(row) == {"role", "service_id", "action", "count", "first", "last"} for row in log)


@pytest.fixture
def dpo():
    return make_user("dpo")


def open_request(dpo, case) -> DataRightsRequest:
    request = db.session.scalars(select(DataRightsRequest).where(DataRightsRequest.person_id == case.referral.person_id)
                                 ).first()
    request.handled_by_id = dpo.id
    db.session.commit()
    return request


def test_the_dpo_working_on_the_request_opens_the_record_audited_with_the_request_id(client, auth, users, dpo):
    case = full_record(users["advocate"])
    request = open_request(dpo, case)
    auth.login(dpo)
    page = client.get(f"/data-rights/{request.id}/record")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert case.referral.person.family_name in text and THIRD_PARTY_NOTE in text
    assert "Check before release" in text and "May name another person (Daniel Price)" in text
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "view",
                                                        AuditEvent.object_type == "person")).one()
    assert event.object_id == str(case.referral.person_id) and event.changes["data_rights_request"] == request.id

    other_dpo = make_user("dpo")
    auth.logout()
    auth.login(other_dpo)
    assert client.get(f"/data-rights/{request.id}/record").status_code == 403
    assert client.post(f"/data-rights/{request.id}/release").status_code == 403


def test_a_closed_request_no_longer_opens_the_record(client, auth, users, dpo):
    case = full_record(users["advocate"])
    request = open_request(dpo, case)
    request.status = "completed"
    db.session.commit()
    auth.login(dpo)
    assert client.get(f"/data-rights/{request.id}/record").status_code == 403


@pytest.mark.parametrize("role", ["caseworker", "advocate", "other_advocate", "commissioner", "admin"])
def test_no_other_role_opens_the_record_or_releases_it(client, auth, users, dpo, role):
    case = full_record(users["advocate"])
    request = open_request(dpo, case)
    auth.login(users[role])
    assert client.get(f"/data-rights/{request.id}/record").status_code == 403
    assert client.post(f"/data-rights/{request.id}/redactions", data={"redact": "x"}).status_code == 403
    assert client.post(f"/data-rights/{request.id}/release").status_code == 403
    assert db.session.scalar(select(ExportFile)) is None


def test_redactions_are_withheld_from_the_released_copy_which_is_downloaded_once(client, auth, users, dpo, app):
    case = full_record(users["advocate"])
    request = open_request(dpo, case)
    note = db.session.scalars(select(CaseNote).where(CaseNote.body == THIRD_PARTY_NOTE)).one()
    plain = db.session.scalars(select(CaseNote).where(CaseNote.body == PLAIN_NOTE)).one()
    auth.login(dpo)
    client.post(f"/data-rights/{request.id}/redactions", data={"redact": [
        item_key("case_notes", note.id, "body"), item_key("case_notes", plain.id, "body")]})  # not flagged: ignored
    db.session.expire_all()
    assert db.session.get(DataRightsRequest, request.id).redactions == [item_key("case_notes", note.id, "body")]

    response = client.post(f"/data-rights/{request.id}/release")
    export = db.session.scalars(select(ExportFile)).one()
    assert response.headers["Location"].endswith(f"/exports/{export.id}") and export.status == "ready"
    stored = Path(app.config["EXPORT_DIR"]) / export.storage_name
    assert stored.exists()
    download = client.get(f"/exports/{export.id}/download")
    assert download.status_code == 200
    data = download.get_data()
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert sorted(archive.namelist()) == ["records.html", "records.json"]
    html, records = archive.read("records.html").decode(), json.loads(archive.read("records.json"))
    assert THIRD_PARTY_NOTE not in html and REDACTED in html and PLAIN_NOTE in html
    assert "Check before release" not in html and "@media print" in html
    notes = records["referrals"][0]["cases"][0]["case_notes"]
    assert [n["fields"]["body"] for n in notes if n["id"] == str(note.id)] == [REDACTED]
    assert records["copy"] == "release" and records["people"][0]["fields"]["family_name"] == case.referral.person.family_name

    released = db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "data-rights-request",
                                                           AuditEvent.action == "export")).one()
    assert released.changes["sha256"] == hashlib.sha256(data).hexdigest() and released.changes["redactions"] == 1
    assert client.get(f"/exports/{export.id}/download").status_code == 410
    assert not stored.exists()  # not kept after its download


def test_cli_writes_the_unredacted_review_copy(runner, users, tmp_path):
    case = full_record(users["advocate"])
    out = tmp_path / "copy.zip"
    result = runner.invoke(args=["sar", "export", "--reference", case.referral.reference.lower(), "--out", str(out)])
    assert result.exit_code == 0, result.output
    archive = zipfile.ZipFile(out)
    records = json.loads(archive.read("records.json"))
    html = archive.read("records.html").decode()
    assert records["copy"] == "review" and THIRD_PARTY_NOTE in html and "Check before release" in html
    assert "Review copy: not for release" in html
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export",
                                                        AuditEvent.object_type == "person")).one()
    assert event.changes == {"copy": "review", "sha256": hashlib.sha256(out.read_bytes()).hexdigest()}


def test_cli_unknown_reference_exits_1_with_one_line_and_writes_nothing(runner, tmp_path):
    out = tmp_path / "copy.zip"
    result = runner.invoke(args=["sar", "export", "--reference", "VC-NOPE", "--out", str(out)])
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0 and "No referral has the reference 'VC-NOPE'" in result.output
    assert list(tmp_path.iterdir()) == []


def test_gathering_the_copy_takes_the_same_number_of_queries_however_much_is_held(users):
    from .helpers_cases import count_queries

    case = full_record(users["advocate"])
    db.session.expire_all()
    with count_queries() as few:
        collect(case.referral.person_id)
    db.session.add_all([CaseNote(case_id=case.id, body=f"Note {n}") for n in range(30)]
                       + [Task(case_id=case.id, title=f"Task {n}") for n in range(10)])
    db.session.commit()
    db.session.expire_all()
    with count_queries() as many:
        copy = collect(case.referral.person_id)
    assert many.count == few.count
    notes = next(s for s in copy.sections if s.key == "referrals").items[0].children
    assert sum(len(sec.items) for s in notes if s.key == "cases" for c in s.items for sec in c.children
               if sec.key == "case_notes") == 33
