"""An advocate takes a case from new to closed through the pages; every step lands on the timeline."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from victimcare.extensions import db
from victimcare.models import AuditEvent, Case, Referral, Task

from .factories import make_user, service
from .helpers_cases import date_parts, fresh, post_case_form, recent_case


def _timeline(client, case_id) -> str:
    """The timeline part of the case page."""
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    return page[page.index(">Timeline</h2>"):]


def _contact(client, case, day, outcome="reached", time="14:30", **extra):
    return post_case_form(client, f"/cases/{case.id}/contacts", case.id, {
        "at_date": date_parts(day), "at_time": time, "method": "phone", "outcome": outcome, **extra})


def test_full_journey_new_to_closed_with_each_step_on_the_timeline(client, auth, users):
    lead = make_user("advocate", service="domestic-abuse", is_lead=True)
    case = recent_case(days_ago=10, due_in=7)
    auth.login(users["advocate"])

    assert "Accept case" in client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert post_case_form(client, f"/cases/{case.id}/status/accept", case.id).status_code == 302
    assert fresh(case.id).status == "accepted"

    received = fresh(case.id).received_at
    response = _contact(client, case, (received + timedelta(days=1)).date())
    assert response.status_code == 302
    contacts = client.get(f"/cases/{case.id}/contacts").get_data(as_text=True)
    assert "Within the due date" in contacts

    assert post_case_form(client, f"/cases/{case.id}/status/start", case.id).status_code == 302
    assert fresh(case.id).status == "in-progress"

    post_case_form(client, f"/cases/{case.id}/notes", case.id, {"body": "Talked through the safety plan."})
    post_case_form(client, f"/cases/{case.id}/notes", case.id, {"body": "Address of the refuge: 1 Secret Road", "sensitive": "y"})

    response = post_case_form(client, f"/cases/{case.id}/status/close", case.id, {
        "closure_reason": "support-completed", "feels_safer": "improved", "better_able_to_cope": "same",
        "better_informed": "not-asked"})
    assert response.status_code == 302
    assert fresh(case.id).closure_requested_at is not None
    assert fresh(case.id).status == "in-progress"  # not closed until a lead approves
    auth.logout()

    auth.login(lead)
    response = post_case_form(client, f"/cases/{case.id}/closure", case.id, {"decision": "approve"})
    assert response.status_code == 302
    closed = fresh(case.id)
    assert closed.status == "closed" and closed.closed_at is not None
    assert closed.outcome_feels_safer == "improved" and closed.outcome_better_informed == "not-asked"

    page = _timeline(client, case.id)
    expected_newest_first = ["Closure approved: case closed", "Closure requested", "Sensitive note added",
                             "Note added", "Status changed to in progress", "Contact attempt: Phone call",
                             "Status changed to accepted"]
    positions = [page.index(text) for text in expected_newest_first]
    assert positions == sorted(positions)
    assert "Talked through the safety plan." in page
    assert "1 Secret Road" not in page  # the sensitive note's text stays off the timeline
    assert "First contact made, within the due date" in page
    # The sensitive text is on the notes page, and never in the audit trail.
    assert "1 Secret Road" in client.get(f"/cases/{case.id}/notes").get_data(as_text=True)
    assert all("Secret" not in str(e.changes) for e in db.session.scalars(select(AuditEvent)))


def test_a_late_first_contact_says_so_and_only_the_first_reached_stops_the_clock(client, auth, users):
    case = recent_case(days_ago=10, due_in=2, status="accepted")
    auth.login(users["advocate"])
    received = fresh(case.id).received_at
    _contact(client, case, (received + timedelta(days=1)).date(), outcome="no-answer")
    assert fresh(case.id).first_contacted_at is None
    _contact(client, case, (received + timedelta(days=5)).date())
    assert "After the due date" in client.get(f"/cases/{case.id}/contacts").get_data(as_text=True)
    first = fresh(case.id).first_contacted_at
    _contact(client, case, (received + timedelta(days=6)).date())
    assert fresh(case.id).first_contacted_at == first


def test_contact_form_errors_are_shown_against_the_fields(client, auth, users):
    case = recent_case()
    auth.login(users["advocate"])
    response = post_case_form(client, f"/cases/{case.id}/contacts", case.id, {"at_time": "25:99"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert "Enter the time like 14:30" in page and "Choose what happened" in page
    future = (datetime.now(timezone.utc) + timedelta(days=3)).date()
    response = _contact(client, case, future)
    assert response.status_code == 400 and "cannot be in the future" in response.get_data(as_text=True)


def test_illegal_transitions_are_refused_with_the_domains_message(client, auth, users):
    case = recent_case(status="new")
    auth.login(users["advocate"])
    response = post_case_form(client, f"/cases/{case.id}/status/start", case.id, follow_redirects=True)
    assert "A case that is new cannot be moved to in progress. Accept it first." in response.get_data(as_text=True)
    assert fresh(case.id).status == "new"


def test_declining_needs_a_reason_and_sends_the_referral_back_to_triage(client, auth, users):
    case = recent_case(status="new")
    auth.login(users["advocate"])
    response = post_case_form(client, f"/cases/{case.id}/status/decline", case.id, {"reason": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Give the details" in page
    assert "Choose the main reason for declining the case" in page
    post_case_form(client, f"/cases/{case.id}/status/decline", case.id,
                   {"reason_code": "outside-area", "reason": "Lives outside London"})
    declined = fresh(case.id)
    assert declined.status == "declined" and declined.decline_reason == "Lives outside London"
    assert declined.decline_reason_code == "outside-area"
    assert db.session.get(Referral, declined.referral_id).status == "triage"
    timeline = _timeline(client, case.id)
    assert "Lives outside London" in timeline and "(outside the area the service covers)" in timeline


def test_transfer_opens_the_other_services_case_which_keeps_the_history(client, auth, users):
    case = recent_case(status="accepted")
    auth.login(users["advocate"])
    post_case_form(client, f"/cases/{case.id}/notes", case.id, {"body": "Prefers hate crime specialists."})
    response = post_case_form(client, f"/cases/{case.id}/status/transfer", case.id,
                              {"target_service": "hate-crime", "reason_code": "better-fit", "reason": "Racially motivated"})
    assert response.status_code == 302
    old = fresh(case.id)
    assert old.status == "transferred" and old.transferred_to_case_id and old.transfer_reason_code == "better-fit"
    new = db.session.get(Case, old.transferred_to_case_id)
    assert new.service_id == service("hate-crime").id and new.status == "new" and new.referral_id == old.referral_id
    auth.logout()
    auth.login(users["other_advocate"])
    page = client.get(f"/cases/{new.id}").get_data(as_text=True)
    assert "Transferred to Hate crime advocacy" in page and "Prefers hate crime specialists." in page
    assert client.get(f"/cases/{old.id}").status_code == 404


def test_a_leads_own_closure_request_needs_another_lead_unless_self_approval_is_allowed(client, auth, users):
    lead = make_user("advocate", service="domestic-abuse", is_lead=True)
    other_lead = make_user("advocate", service="domestic-abuse", is_lead=True)
    case = recent_case(status="in-progress")
    auth.login(lead)
    post_case_form(client, f"/cases/{case.id}/status/close", case.id, {
        "closure_reason": "not-contactable", "feels_safer": "not-asked", "better_able_to_cope": "not-asked",
        "better_informed": "not-asked"})
    assert "another lead must approve it" in client.get(f"/cases/{case.id}").get_data(as_text=True)
    response = post_case_form(client, f"/cases/{case.id}/closure", case.id, {"decision": "approve"})
    assert response.status_code == 403
    assert fresh(case.id).status == "in-progress"
    service("domestic-abuse").allow_self_approval = True
    db.session.commit()
    post_case_form(client, f"/cases/{case.id}/closure", case.id, {"decision": "approve"})
    assert fresh(case.id).status == "closed"
    auth.logout()
    assert other_lead  # a second lead exists: the rule is about who asked, not how many leads there are


def test_a_lead_sends_closure_back_with_a_comment_and_the_advocate_can_reopen_later(client, auth, users):
    lead = make_user("advocate", service="domestic-abuse", is_lead=True)
    case = recent_case(status="in-progress")
    auth.login(users["advocate"])
    post_case_form(client, f"/cases/{case.id}/status/close", case.id, {
        "closure_reason": "support-completed", "feels_safer": "same", "better_able_to_cope": "same",
        "better_informed": "same", "override_reason": "Support given by the school"})
    response = post_case_form(client, f"/cases/{case.id}/closure", case.id, {"decision": "approve"})
    assert response.status_code == 403  # not a lead
    auth.logout()
    auth.login(lead)
    response = post_case_form(client, f"/cases/{case.id}/closure", case.id, {"decision": "send-back"})
    assert response.status_code == 400 and "Say why the case is not ready to close" in response.get_data(as_text=True)
    post_case_form(client, f"/cases/{case.id}/closure", case.id, {"decision": "send-back", "comment": "Court date next week"})
    back = fresh(case.id)
    assert back.closure_requested_at is None and back.status == "in-progress"
    assert "Closure sent back: Court date next week" in _timeline(client, case.id)

    back.status, back.closed_at = "closed", datetime.now(timezone.utc)
    db.session.commit()
    response = post_case_form(client, f"/cases/{case.id}/status/reopen", case.id, {"reason": "New incident"})
    assert response.status_code == 302 and fresh(case.id).status == "in-progress"
    assert "Reopened" in _timeline(client, case.id)


def test_tasks_have_due_dates_and_assignees_of_the_same_service_only(client, auth, users):
    case = recent_case(status="accepted")
    auth.login(users["advocate"])
    due = (datetime.now(timezone.utc) + timedelta(days=2)).date()
    response = post_case_form(client, f"/cases/{case.id}/tasks", case.id, {
        "title": "Book interpreter", "due_on": date_parts(due), "assigned_to": str(users["other_advocate"].id)})
    assert response.status_code == 400  # not an advocate of this service
    post_case_form(client, f"/cases/{case.id}/tasks", case.id, {
        "title": "Book interpreter", "due_on": date_parts(due), "assigned_to": str(users["advocate"].id)})
    page = client.get(f"/cases/{case.id}/tasks").get_data(as_text=True)
    assert "Book interpreter" in page and users["advocate"].name in page
    task_id = db.session.scalar(select(Task.id).where(Task.case_id == case.id))
    post_case_form(client, f"/cases/{case.id}/tasks/{task_id}/done", case.id)
    assert "Task done" in _timeline(client, case.id)


def test_leads_assign_only_to_advocates_of_the_same_service(client, auth, users):
    lead = make_user("advocate", service="domestic-abuse", is_lead=True)
    case = recent_case()
    auth.login(users["advocate"])
    assert post_case_form(client, f"/cases/{case.id}/assign", case.id, {"assignee": str(users["advocate"].id)}).status_code == 403
    auth.logout()
    auth.login(lead)
    response = post_case_form(client, f"/cases/{case.id}/assign", case.id,
                              {"assignee": str(users["other_advocate"].id)}, follow_redirects=True)
    assert "Choose an advocate of this case" in response.get_data(as_text=True)
    assert fresh(case.id).assigned_to_id is None
    post_case_form(client, f"/cases/{case.id}/assign", case.id, {"assignee": str(users["advocate"].id)})
    assert fresh(case.id).assigned_to_id == users["advocate"].id
    assert f"Assigned to {users['advocate'].name}" in _timeline(client, case.id)


def test_service_steps_and_rj_withdrawal_stops_the_process(client, auth):
    rj = make_user("advocate", service="restorative-justice")
    case = recent_case("restorative-justice", status="in-progress")
    auth.login(rj)
    today = datetime.now(timezone.utc).date() - timedelta(days=1)
    response = post_case_form(client, f"/cases/{case.id}/steps", case.id,
                              {"step": "rj-victim-consent", "occurred_on": date_parts(today), "detail": "Signed form"})
    assert response.status_code == 302
    post_case_form(client, f"/cases/{case.id}/steps", case.id,
                   {"step": "rj-consent-withdrawn", "occurred_on": date_parts(today)})
    page = client.get(f"/cases/{case.id}/steps").get_data(as_text=True)
    assert "Victim&#39;s written consent" in page and "the restorative justice process has stopped" in page
    response = post_case_form(client, f"/cases/{case.id}/steps", case.id,
                              {"step": "rj-preparation", "occurred_on": date_parts(today)})
    assert response.status_code == 400
    assert "Step recorded: Consent withdrawn: process stopped" in _timeline(client, case.id)


def test_a_step_from_another_service_is_refused(client, auth, users):
    case = recent_case("domestic-abuse", status="in-progress")
    auth.login(users["advocate"])
    day = datetime.now(timezone.utc).date()
    response = post_case_form(client, f"/cases/{case.id}/steps", case.id, {"step": "abe-interview", "occurred_on": date_parts(day)})
    assert response.status_code == 400
    response = post_case_form(client, f"/cases/{case.id}/steps", case.id, {"step": "marac-referral", "occurred_on": date_parts(day)})
    assert response.status_code == 302


def test_needs_assessment_and_support_plan(client, auth, users):
    case = recent_case(status="in-progress")
    auth.login(users["advocate"])
    post_case_form(client, f"/cases/{case.id}/needs", case.id, {"needs": ["safety", "housing"], "support_plan": "Refuge referral"})
    saved = fresh(case.id)
    assert saved.needs == {"identified": ["safety", "housing"]} and saved.support_plan == "Refuge referral"
    page = client.get(f"/cases/{case.id}/needs").get_data(as_text=True)
    assert 'value="safety" checked' in page.replace('checked=""', "checked") or "checked" in page
    assert "Needs assessment and support plan updated" in _timeline(client, case.id)
