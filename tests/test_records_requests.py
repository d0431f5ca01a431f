"""The register of requests for a victim's records: the case's service staff and the DPO record who asked, what,
why, when the victim was told and what they said, the decision and what was disclosed; counselling records start
from a presumption that they are not needed; each entry is on the case timeline and in the subject access copy."""
import json
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from victimcare.extensions import db
from victimcare.models import AuditEvent, RecordsRequest
from victimcare.services.subject_access import collect

from .factories import make_user
from .helpers_cases import date_parts, recent_case

PURPOSE = "Line of enquiry: the defendant says she withdrew her allegation in a session"


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc), tick=False)


def entry(**overrides):
    data = {"requester_kind": "police", "requester_name": "DC Lewis, Camden CID", "records_kind": "counselling-therapy",
            "records_sought": "Counselling session notes, January to March", "purpose": PURPOSE,
            "received_on": date_parts(date(2026, 3, 2)), "decision": "pending"}
    data.update(overrides)
    return data


def test_an_advocate_records_a_request_which_shows_on_the_register_timeline_and_copy(client, auth, users, frozen):
    case = recent_case("domestic-abuse")
    auth.login(users["advocate"])
    form = client.get(f"/cases/{case.id}/records-requests/new").get_data(as_text=True)
    assert "presumption that they are not needed" in form
    assert client.post(f"/cases/{case.id}/records-requests/new", data=entry()).status_code == 302
    register = client.get(f"/cases/{case.id}/records-requests/").get_data(as_text=True)
    assert "DC Lewis, Camden CID" in register and "Counselling or therapy records" in register and "Not yet" in register

    timeline = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Request for the victim&#39;s records from: Police" in timeline
    assert "The victim has not been told yet." in timeline

    row = db.session.scalars(select(RecordsRequest)).one()
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "records_request",
                                                        AuditEvent.action == "create")).one()
    assert event.case_id == case.id and PURPOSE not in json.dumps(event.changes)
    copy = collect(case.referral.person_id)
    cases = next(s for s in copy.sections if s.key == "referrals").items[0].children
    held = [i for s in cases if s.key == "cases" for c in s.items for sec in c.children
            if sec.key == "records_requests" for i in sec.items]
    assert [i.fields["purpose"] for i in held] == [PURPOSE] and held[0].row_id == str(row.id)


def test_disclosing_counselling_records_needs_the_victim_told_and_a_reason_that_meets_the_presumption(
        client, auth, users, frozen):
    case = recent_case("domestic-abuse")
    auth.login(users["advocate"])
    client.post(f"/cases/{case.id}/records-requests/new", data=entry())
    row = db.session.scalars(select(RecordsRequest)).one()
    url = f"/cases/{case.id}/records-requests/{row.id}"
    refused = client.post(url, data=entry(decision="disclosed", decision_reason="Asked", version=str(row.version)))
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "Tell the victim in writing before anything is disclosed" in text
    assert "presumed not needed: explain why" in text
    assert "Say what was disclosed" in text
    ok = client.post(url, data=entry(
        decision="disclosed-in-part", version=str(row.version),
        decision_reason="Crown Court order under section 8 CPIA after a hearing the victim's counsel attended",
        victim_told_on=date_parts(date(2026, 3, 4)), victim_response="Upset; agreed only to sessions 3 and 4",
        disclosed_what="Notes of sessions 3 and 4, redacted", disclosed_on=date_parts(date(2026, 3, 9))))
    assert ok.status_code == 302
    db.session.expire_all()
    saved = db.session.get(RecordsRequest, row.id)
    assert (saved.decision, saved.victim_told_on, saved.disclosed_on) == ("disclosed-in-part", date(2026, 3, 4),
                                                                           date(2026, 3, 9))
    update = db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "records_request",
                                                         AuditEvent.action == "update")).one()
    assert update.changes["decision"] == "disclosed-in-part" and "decision_reason" in update.changes["fields"]
    assert "sessions 3 and 4" not in json.dumps(update.changes)


def test_the_dpo_records_on_any_case(client, auth, users, frozen):
    case = recent_case("hate-crime")
    dpo = make_user("dpo")
    auth.login(dpo)
    assert client.post(f"/cases/{case.id}/records-requests/new", data=entry(records_kind="case-notes")).status_code == 302
    assert "DC Lewis" in client.get(f"/cases/{case.id}/records-requests/").get_data(as_text=True)
    assert client.get(f"/cases/{case.id}").status_code == 403  # the register, not the case


@pytest.mark.parametrize("role, status", [("caseworker", 404), ("other_advocate", 404), ("commissioner", 404),
                                          ("admin", 404)])
def test_every_other_role_is_refused(client, auth, users, role, status, frozen):
    case = recent_case("domestic-abuse")
    auth.login(users["advocate"])
    client.post(f"/cases/{case.id}/records-requests/new", data=entry())
    row = db.session.scalars(select(RecordsRequest)).one()
    auth.logout()
    auth.login(users[role])
    for path in (f"/cases/{case.id}/records-requests/", f"/cases/{case.id}/records-requests/new",
                 f"/cases/{case.id}/records-requests/{row.id}"):
        assert client.get(path).status_code == status, path
    assert client.post(f"/cases/{case.id}/records-requests/new", data=entry()).status_code == status
    assert client.post(f"/cases/{case.id}/records-requests/{row.id}",
                       data=entry(decision="refused", decision_reason="x")).status_code == status
    assert db.session.scalar(select(RecordsRequest.decision)) == "pending"


def test_signed_out_is_sent_to_sign_in(client):
    assert client.get("/cases/1/records-requests/").status_code == 302
