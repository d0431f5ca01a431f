"""Closure safeguards as a person meets them: the checklist blocks a request until its items are resolved or
overridden with a reason; the lead sees the same checklist, how long the case was open and its open tasks."""
from datetime import date, datetime, timezone

from sqlalchemy import select

from victimcare.extensions import db
from victimcare.models import AuditEvent, CaseNote, CaseStep, Task

from .factories import make_user
from .helpers_cases import fresh, post_case_form, recent_case

OUTCOMES = {"feels_safer": "same", "better_able_to_cope": "same", "better_informed": "same"}


def _ask_to_close(client, case, **extra):
    return post_case_form(client, f"/cases/{case.id}/status/close", case.id,
                          {"closure_reason": "support-completed", **OUTCOMES, **extra})


def _case_with_gaps():
    """A high-risk domestic abuse case with an open task, no first contact and no MARAC referral recorded."""
    case = recent_case(status="in-progress", days_ago=20, marac=True)
    db.session.add(Task(case_id=case.id, title="Ring the housing officer", due_on=date(2026, 12, 20)))
    db.session.commit()
    return case


def test_the_checklist_shows_what_is_outstanding_and_blocks_a_request_without_a_reason(client, auth, users):
    case = _case_with_gaps()
    auth.login(users["advocate"])
    page = client.get(f"/cases/{case.id}/status/close").get_data(as_text=True)
    assert "Before the case closes" in page and "3 items still to do" in page
    assert "1 task is still open" in page and "No contact with the victim is recorded" in page
    assert "No MARAC referral is recorded for this high-risk case" in page
    assert page.count("To do</strong>") == 3
    assert f'href="/cases/{case.id}/tasks"' in page and "Record the MARAC referral" in page

    response = _ask_to_close(client, case)
    assert response.status_code == 400
    assert "Resolve the items marked" in response.get_data(as_text=True)
    assert fresh(case.id).closure_requested_at is None


def test_an_override_reason_lets_the_request_through_and_is_audited_without_its_text(client, auth, users):
    case = _case_with_gaps()
    auth.login(users["advocate"])
    assert _ask_to_close(client, case, override_reason="Victim moved to Leeds").status_code == 302
    assert fresh(case.id).closure_requested_at is not None
    note = db.session.scalar(select(CaseNote).where(CaseNote.case_id == case.id))
    assert note.body == "Closure checklist overridden: Victim moved to Leeds"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "case", AuditEvent.object_id == str(case.id))
                               .order_by(AuditEvent.id.desc())).first()
    assert event.changes["overridden"] == "yes" and event.changes["note_id"] == note.id
    assert all("Leeds" not in str(e.changes) for e in db.session.scalars(select(AuditEvent)))


def test_a_resolved_checklist_needs_no_reason(client, auth, users):
    case = recent_case(status="in-progress", marac=True, first_contacted_at=datetime.now(timezone.utc))
    db.session.add_all([CaseStep(case_id=case.id, step="marac-referral", occurred_on=date.today()),
                        Task(case_id=case.id, title="Done already", done_at=datetime.now(timezone.utc))])
    db.session.commit()
    auth.login(users["advocate"])
    page = client.get(f"/cases/{case.id}/status/close").get_data(as_text=True)
    assert "still to do" not in page and "To do</strong>" not in page
    assert "Why should the case close with items still to do?" not in page
    assert _ask_to_close(client, case).status_code == 302


def test_the_lead_sees_the_checklist_time_open_and_open_tasks_and_needs_a_reason_to_approve(client, auth, users):
    lead = make_user("advocate", service="domestic-abuse", is_lead=True)
    case = _case_with_gaps()
    auth.login(users["advocate"])
    _ask_to_close(client, case, override_reason="Victim moved to Leeds")
    auth.logout()

    auth.login(lead)
    page = client.get(f"/cases/{case.id}/closure").get_data(as_text=True)
    assert "Before the case closes" in page and "No MARAC referral is recorded" in page
    assert "Open for" in page and "20 days (since" in page
    assert "Ring the housing officer, due 20 December 2026" in page
    assert "Why approve with items still to do?" in page
    assert "Why the advocate asked to close anyway" in page and "Victim moved to Leeds" in page

    response = post_case_form(client, f"/cases/{case.id}/closure", case.id, {"decision": "approve"})
    assert response.status_code == 400
    assert "give a reason for approving the closure anyway" in response.get_data(as_text=True)
    assert fresh(case.id).status == "in-progress"

    response = post_case_form(client, f"/cases/{case.id}/closure", case.id,
                              {"decision": "approve", "override_reason": "Agreed in supervision"})
    assert response.status_code == 302 and fresh(case.id).status == "closed"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "case", AuditEvent.object_id == str(case.id))
                               .order_by(AuditEvent.id.desc())).first()
    assert event.changes["closure"] == "approved" and event.changes["overridden"] == "yes"
    assert all("supervision" not in str(e.changes) for e in db.session.scalars(select(AuditEvent)))


def test_rj_case_shows_whether_consent_was_withdrawn(client, auth):
    advocate = make_user("advocate", service="restorative-justice")
    case = recent_case("restorative-justice", status="in-progress", first_contacted_at=datetime.now(timezone.utc))
    db.session.add(CaseStep(case_id=case.id, step="rj-consent-withdrawn", occurred_on=date.today()))
    db.session.commit()
    auth.login(advocate)
    page = client.get(f"/cases/{case.id}/status/close").get_data(as_text=True)
    assert "Restorative justice consent withdrawn" in page and "Yes: the process stopped" in page
    assert "To do</strong>" not in page
