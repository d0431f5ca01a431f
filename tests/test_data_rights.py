"""Data-rights requests: the DPO records one against a referral reference, sees it on their home page by
deadline, pauses and restarts its clock, extends and closes it; every other role is refused every page."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from victimcare.extensions import db
from victimcare.models import AuditEvent, DataRightsRequest

from .factories import make_referral_with_case, make_user
from .helpers_cases import date_parts

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def dpo():
    return make_user("dpo")


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def new_request(client, reference, received=date(2026, 3, 2), **overrides):
    data = {"kind": "subject-access", "reference": reference, "requester": "victim",
            "identity_check": "known-to-service", "scope": "Everything you hold about me"}
    data["received_on"] = date_parts(received)
    data.update(overrides)
    return client.post("/data-rights/new", data=data)


def test_the_dpo_records_a_request_and_sees_it_on_their_home_by_deadline(client, auth, dpo, frozen):
    first, second = make_referral_with_case(), make_referral_with_case()
    auth.login(dpo)
    assert "No requests are open" in client.get("/home").get_data(as_text=True)

    response = new_request(client, first.referral.reference.lower(), received=date(2026, 1, 31))
    assert response.status_code == 302
    created = db.session.scalars(select(DataRightsRequest)).one()
    assert (created.person_id, created.due_on, created.handled_by_id) == (first.referral.person_id,
                                                                          date(2026, 2, 28), dpo.id)
    new_request(client, second.referral.reference, received=date(2026, 3, 2))

    home = client.get("/home").get_data(as_text=True)
    assert home.index(first.referral.reference) < home.index(second.referral.reference)
    assert "28 February 2026" in home and "Overdue by 10 days" in home
    assert "2 April 2026" in home and "Due in 23 days" in home
    # The list shows references, never the person's name.
    assert first.referral.person.family_name not in home

    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "create",
                                                        AuditEvent.object_type == "data-rights-request")).first()
    assert event.changes["kind"] == "subject-access" and "scope" not in event.changes


def test_a_representative_needs_the_authority_seen_and_an_unknown_reference_is_refused(client, auth, dpo, frozen):
    case = make_referral_with_case()
    auth.login(dpo)
    response = new_request(client, "VC-NOPE", requester="representative")
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "No referral has this reference" in text and "the authority you saw" in text
    assert "govuk-error-summary" in text
    future = new_request(client, case.referral.reference, received=date(2026, 3, 11))
    assert "must be today or in the past" in future.get_data(as_text=True)
    assert db.session.scalar(select(DataRightsRequest)) is None

    ok = new_request(client, case.referral.reference, requester="representative", requester_name="Sam Reid, solicitor",
                     authority_seen="Signed letter of authority dated 1 March 2026")
    assert ok.status_code == 302


def test_pausing_extending_and_closing_move_and_stop_the_deadline(client, auth, dpo, time_machine):
    case = make_referral_with_case()
    time_machine.move_to(datetime(2026, 3, 5, 12, 0, tzinfo=timezone.utc), tick=False)
    auth.login(dpo)
    new_request(client, case.referral.reference, received=date(2026, 3, 2))
    request_id = db.session.scalar(select(DataRightsRequest.id))
    assert client.post(f"/data-rights/{request_id}/pause", data={"reason": "identity"}).status_code == 302
    time_machine.move_to(datetime(2026, 3, 9, 12, 0, tzinfo=timezone.utc), tick=False)
    auth.login(dpo)  # sessions end after hours of idleness
    page = client.get(f"/data-rights/{request_id}").get_data(as_text=True)
    assert "Clock paused" in page and "6 April 2026" in page  # 2 April + 4 days so far
    client.post(f"/data-rights/{request_id}/resume")
    time_machine.move_to(datetime(2026, 3, 20, 12, 0, tzinfo=timezone.utc), tick=False)
    auth.login(dpo)
    assert "6 April 2026" in client.get(f"/data-rights/{request_id}").get_data(as_text=True)

    missing = client.post(f"/data-rights/{request_id}/extend", data={"months": "2"})
    assert missing.status_code == 400 and "Say why the request is complex" in missing.get_data(as_text=True)
    told = {"told_on": date_parts(date(2026, 3, 20))}
    client.post(f"/data-rights/{request_id}/extend", data={"months": "2", "reason": "Records held by four services",
                                                           **told})
    db.session.expire_all()
    assert db.session.get(DataRightsRequest, request_id).due_on == date(2026, 6, 6)

    refused = client.post(f"/data-rights/{request_id}/close", data={"status": "refused", "note": ""})
    assert refused.status_code == 400 and "Say why the request was refused" in refused.get_data(as_text=True)
    client.post(f"/data-rights/{request_id}/close", data={"status": "completed", "note": "Sent by secure email"})
    db.session.expire_all()
    assert db.session.get(DataRightsRequest, request_id).status == "completed"
    assert "No requests are open" in client.get("/home").get_data(as_text=True)
    assert client.post(f"/data-rights/{request_id}/pause", data={"reason": "scope"}).status_code == 409


def test_another_dpo_takes_over_the_request(client, auth, dpo, frozen):
    case = make_referral_with_case()
    auth.login(dpo)
    new_request(client, case.referral.reference)
    request_id = db.session.scalar(select(DataRightsRequest.id))
    colleague = make_user("dpo")
    auth.logout()
    auth.login(colleague)
    assert "Work on this request" in client.get(f"/data-rights/{request_id}").get_data(as_text=True)
    client.post(f"/data-rights/{request_id}/take-over")
    db.session.expire_all()
    assert db.session.get(DataRightsRequest, request_id).handled_by_id == colleague.id


@pytest.mark.parametrize("role", ["caseworker", "advocate", "other_advocate", "commissioner", "admin"])
def test_every_other_role_is_refused_every_data_rights_page(client, auth, users, dpo, role, frozen):
    case = make_referral_with_case()
    auth.login(dpo)
    new_request(client, case.referral.reference)
    request_id = db.session.scalar(select(DataRightsRequest.id))
    auth.logout()
    auth.login(users[role])
    for path in ("/data-rights/", "/data-rights/new", f"/data-rights/{request_id}",
                 f"/data-rights/{request_id}/extend", "/data-rights/999"):
        assert client.get(path).status_code == 403, path
    for path in (f"/data-rights/{request_id}/pause", f"/data-rights/{request_id}/close",
                 f"/data-rights/{request_id}/take-over", f"/data-rights/{request_id}/resume"):
        assert client.post(path, data={"reason": "scope", "status": "withdrawn"}).status_code == 403, path
    assert new_request(client, case.referral.reference).status_code == 403
    db.session.expire_all()
    assert db.session.get(DataRightsRequest, request_id).status == "open"
    assert "Data-rights requests" not in client.get("/home").get_data(as_text=True)


def test_signed_out_people_are_sent_to_sign_in(client):
    assert client.get("/data-rights/").status_code == 302


def test_an_unknown_request_is_not_found_for_the_dpo(client, auth, dpo):
    auth.login(dpo)
    assert client.get("/data-rights/424242").status_code == 404


def test_a_dpo_account_is_created_from_the_command_line_and_lands_on_their_home(runner, client, auth):
    result = runner.invoke(args=["user", "create", "dpo@example.org", "--name", "Dee Pio", "--role", "dpo",
                                 "--password", "a-long-password-1"])
    assert result.exit_code == 0, result.output
    auth.login("dpo@example.org", "a-long-password-1")
    home = client.get("/home")
    assert home.status_code == 200 and "Data protection: what is due" in home.get_data(as_text=True)


def test_the_daily_reminder_emails_the_dpo_working_on_requests_due_within_5_working_days(runner, mailbox,
                                                                                          time_machine):
    from victimcare.services import data_rights

    time_machine.move_to(datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc), tick=False)  # a Tuesday
    first, second, third = (make_referral_with_case() for _ in range(3))
    dpo, colleague = make_user("dpo"), make_user("dpo")
    for case, received, handler in ((first, date(2026, 2, 12), dpo), (second, date(2026, 2, 16), dpo),
                                    (third, date(2026, 3, 1), colleague)):
        db.session.add(DataRightsRequest(kind="subject-access", person_id=case.referral.person_id,
                                         referral_id=case.referral_id, requester="victim",
                                         identity_check="documents", received_on=received,
                                         due_on=data_rights.rules.response_deadline(received), handled_by_id=handler.id))
    db.session.commit()
    before = len(mailbox.messages)
    result = runner.invoke(args=["jobs", "sweep", "subject-access-due"])
    assert result.exit_code == 0, result.output
    sent = mailbox.since(before)
    assert [m["To"].addresses[0].addr_spec for m in sent] == [dpo.email]  # 12 and 16 March; 1 April is not due
    body = sent[0].get_body(preferencelist=("plain",)).get_content()
    assert "2 data-rights requests are due within 5 working days" in body and "due 12 March 2026" in body
    assert first.referral.reference not in body
