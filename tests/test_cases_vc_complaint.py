"""Victims' Commissioner cases record the complaint's agency and Code right and the agency's response, with its due
date in working days; the page is for the Commissioner's advocates only."""
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from victimcare.domain.clock import LONDON, london_today
from victimcare.extensions import db
from victimcare.models import AuditEvent
from victimcare.services import cases as case_service
from victimcare.services.actors import Actor
from victimcare.services.errors import ValidationFailed
from victimcare.uow import unit_of_work

from .factories import make_referral_with_case, make_token, make_user
from .helpers_cases import date_parts, fresh, post_case_form, recent_case


@pytest.fixture
def vc_advocate():
    return make_user("advocate", service="victims-commissioner")


@pytest.fixture
def vc_case():
    return recent_case("victims-commissioner", status="in-progress", days_ago=60)


@pytest.fixture
def today(time_machine):
    """Pin "today" (London) for the service and the page: the clock moves to noon that day and runs on."""
    def pin(day: date) -> date:
        time_machine.move_to(datetime.combine(day, time(12, 0), tzinfo=LONDON), tick=True)
        return day
    return pin


def _form(agency="cps", code_right="information-about-investigation", requested=None, received=None) -> dict:
    data = {"agency": agency, "code_right": code_right}
    for name, day in (("requested_on", requested), ("received_on", received)):
        data[name] = date_parts(day) if day else ["", "", ""]
    return data


def _record(user, case, **values):
    values.setdefault("agency", "met-police")
    values.setdefault("code_right", "information-about-investigation")
    with unit_of_work():
        return case_service.record_complaint(Actor.from_user(user), case.id,
                                             expected_version=fresh(case.id).version, **values)


def test_an_advocate_records_the_complaint_and_the_due_date_skips_the_christmas_bank_holidays(
        client, auth, vc_advocate, vc_case, today):
    today(date(2027, 2, 1))
    auth.login(vc_advocate)
    page = client.get(f"/cases/{vc_case.id}/complaint")
    assert page.status_code == 200
    assert "No response requested yet" in page.get_data(as_text=True)

    # Thursday 17 December 2026; Friday 25 December, Monday 28 December (Boxing Day's substitute) and Friday
    # 1 January are not working days, so the 20th working day is Tuesday 19 January 2027.
    response = post_case_form(client, f"/cases/{vc_case.id}/complaint", vc_case.id,
                              _form("cps", "information-about-trial", requested=date(2026, 12, 17)))
    assert response.status_code == 302
    saved = fresh(vc_case.id)
    assert (saved.complaint_agency, saved.complaint_code_right) == ("cps", "information-about-trial")
    assert saved.response_requested_on == date(2026, 12, 17)
    assert saved.response_due_on == date(2027, 1, 19)
    assert saved.response_received_on is None

    html = client.get(f"/cases/{vc_case.id}/complaint").get_data(as_text=True)
    assert "Crown Prosecution Service" in html and "Information about the trial" in html
    assert "19 January 2027 (20 working days)" in html
    assert ">Overdue<" in html  # due 19 January, nothing received by 1 February


@pytest.mark.parametrize("received, status", [
    (date(2027, 1, 19), "Answered on time"),  # on the due date itself
    (date(2027, 1, 20), "Answered late"),
    (None, "Awaiting response"),
])
def test_the_page_says_where_the_response_stands(client, auth, vc_advocate, vc_case, today, received, status):
    today(date(2027, 1, 19) if received is None else date(2027, 2, 1))
    _record(vc_advocate, vc_case, requested_on=date(2026, 12, 17), received_on=received)
    auth.login(vc_advocate)
    html = client.get(f"/cases/{vc_case.id}/complaint").get_data(as_text=True)
    assert f'id="response-status">{status}<' in html


def test_the_due_date_uses_the_setting_and_is_kept_until_the_request_date_changes(app, vc_advocate, vc_case, today,
                                                                                   monkeypatch):
    today(date(2026, 11, 20))
    monkeypatch.setitem(app.config, "VC_RESPONSE_WORKING_DAYS", 5)
    _record(vc_advocate, vc_case, requested_on=date(2026, 11, 2))  # Monday
    assert fresh(vc_case.id).response_due_on == date(2026, 11, 9)
    monkeypatch.setitem(app.config, "VC_RESPONSE_WORKING_DAYS", 10)
    _record(vc_advocate, vc_case, requested_on=date(2026, 11, 2), received_on=date(2026, 11, 10))
    assert fresh(vc_case.id).response_due_on == date(2026, 11, 9)  # set when the request was recorded
    _record(vc_advocate, vc_case, requested_on=date(2026, 11, 3), received_on=date(2026, 11, 10))
    assert fresh(vc_case.id).response_due_on == date(2026, 11, 17)  # a new request date: the setting now


def test_clearing_the_request_date_clears_the_due_date(vc_advocate, vc_case, today):
    today(date(2026, 11, 20))
    _record(vc_advocate, vc_case, requested_on=date(2026, 11, 2))
    assert fresh(vc_case.id).response_due_on is not None
    _record(vc_advocate, vc_case, requested_on=None)
    saved = fresh(vc_case.id)
    assert saved.response_requested_on is None and saved.response_due_on is None
    assert saved.complaint_agency == "met-police"


TODAY = date(2026, 11, 20)


@pytest.mark.parametrize("values, field, message", [
    ({"agency": None}, "agency", "Choose the agency the complaint is about"),
    ({"agency": "the-council"}, "agency", "Choose the agency the complaint is about"),
    ({"code_right": None}, "code_right", "Choose the Victims' Code right the complaint is about"),
    ({"code_right": "right-to-everything"}, "code_right", "Choose the Victims' Code right the complaint is about"),
    ({"requested_on": TODAY + timedelta(days=1)}, "requested_on", "cannot be in the future"),
    ({"requested_on": date(2005, 3, 1)}, "requested_on", "from 2012 onwards"),
    ({"received_on": date(2026, 11, 10)}, "received_on", "Enter the date the response was requested as well"),
    ({"requested_on": date(2026, 11, 10), "received_on": date(2026, 11, 9)}, "received_on",
     "cannot be before the date it was requested"),
    ({"requested_on": date(2026, 11, 10), "received_on": TODAY + timedelta(days=1)}, "received_on",
     "cannot be in the future"),
])
def test_each_wrong_value_is_refused_against_its_field(vc_advocate, vc_case, today, values, field, message):
    today(TODAY)
    with pytest.raises(ValidationFailed) as refused:
        _record(vc_advocate, vc_case, **values)
    assert [e["field"] for e in refused.value.errors] == [field]
    assert message in refused.value.errors[0]["message"]
    saved = fresh(vc_case.id)
    assert saved.complaint_agency is None and saved.version == vc_case.version


def test_dates_on_the_day_are_accepted(vc_advocate, vc_case, today):
    today(TODAY)
    _record(vc_advocate, vc_case, requested_on=TODAY, received_on=TODAY)
    assert fresh(vc_case.id).response_received_on == TODAY


def test_only_victims_commissioner_cases_have_a_complaint(users):
    case = recent_case("domestic-abuse", status="in-progress")
    with pytest.raises(ValidationFailed) as refused:
        _record(users["advocate"], case)
    assert "Only Victims' Commissioner cases" in refused.value.errors[0]["message"]


def test_the_form_shows_errors_next_to_the_fields_and_in_the_summary(client, auth, vc_advocate, vc_case):
    auth.login(vc_advocate)
    tomorrow = london_today() + timedelta(days=1)
    response = post_case_form(client, f"/cases/{vc_case.id}/complaint", vc_case.id,
                              _form(agency="", code_right="", requested=tomorrow))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "There is a problem" in html
    assert 'href="#agency"' in html or 'href="#agency-' in html
    assert "Choose the agency the complaint is about" in html
    assert "Choose the Victims&#39; Code right the complaint is about" in html
    assert fresh(vc_case.id).version == vc_case.version

    response = post_case_form(client, f"/cases/{vc_case.id}/complaint", vc_case.id, _form(requested=tomorrow))
    assert response.status_code == 400
    assert "The date the response was requested cannot be in the future" in response.get_data(as_text=True)
    response = post_case_form(client, f"/cases/{vc_case.id}/complaint", vc_case.id,
                              {**_form(), "requested_on": ["31", "2", "2026"]})
    assert response.status_code == 400 and fresh(vc_case.id).complaint_agency is None


def test_a_stale_save_shows_the_conflict_page_and_saves_nothing(client, auth, vc_advocate, vc_case):
    auth.login(vc_advocate)
    opened_at = vc_case.version
    client.post(f"/cases/{vc_case.id}/notes", data={"body": "Spoke to the victim", "version": opened_at})
    response = post_case_form(client, f"/cases/{vc_case.id}/complaint", vc_case.id, _form("hmcts"), version=opened_at)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "This case was changed by someone else" in html and "Note added" in html
    assert 'value="hmcts" checked' in html  # their input is kept
    assert fresh(vc_case.id).complaint_agency is None


def test_the_change_is_audited_with_before_and_after_and_shown_on_the_timeline(client, auth, vc_advocate, vc_case,
                                                                               today):
    today(TODAY)
    _record(vc_advocate, vc_case, agency="cps", requested_on=date(2026, 11, 2))
    _record(vc_advocate, vc_case, agency="witness-care", requested_on=date(2026, 11, 2), received_on=date(2026, 11, 19))
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.case_id == vc_case.id, AuditEvent.action == "update")
                                .order_by(AuditEvent.seq)).all()
    assert len(events) == 2
    first, second = (e.changes for e in events)
    assert first["complaint_agency"] == {"before": None, "after": "cps"}
    assert first["response_requested_on"] == {"before": None, "after": "2026-11-02"}
    assert first["response_due_on"] == {"before": None, "after": "2026-11-30"}
    assert set(second) == {"complaint_agency", "response_received_on", "version"}  # only what changed
    assert second["complaint_agency"] == {"before": "cps", "after": "witness-care"}
    assert second["response_received_on"] == {"before": None, "after": "2026-11-19"}
    assert events[0].actor_user_id == vc_advocate.id

    auth.login(vc_advocate)
    html = client.get(f"/cases/{vc_case.id}").get_data(as_text=True)
    assert html.count("Complaint and agency response updated") == 2


def test_saving_without_a_change_writes_nothing(vc_advocate, vc_case, today):
    today(TODAY)
    _record(vc_advocate, vc_case, requested_on=date(2026, 11, 2))
    version = fresh(vc_case.id).version
    _record(vc_advocate, vc_case, requested_on=date(2026, 11, 2))
    assert fresh(vc_case.id).version == version
    assert db.session.scalar(select(db.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.case_id == vc_case.id, AuditEvent.action == "update")) == 1


# --- who may reach the page -------------------------------------------------------------------------------------

def _reach(client, case) -> tuple[int, int]:
    url = f"/cases/{case.id}/complaint"
    get = client.get(url)
    post = post_case_form(client, url, case.id, _form())
    return get.status_code, post.status_code


@pytest.mark.parametrize("who, expected", [
    ("admin", (403, 403)),
    ("caseworker", (403, 403)),
    ("commissioner", (403, 403)),
    ("other-service advocate", (404, 404)),
    ("vc advocate", (200, 302)),
    ("vc lead", (200, 302)),
])
def test_who_may_reach_the_complaint_page(client, auth, users, vc_case, who, expected):
    user = {
        "other-service advocate": users["advocate"],
        "vc advocate": make_user("advocate", service="victims-commissioner"),
        "vc lead": make_user("advocate", service="victims-commissioner", is_lead=True),
    }.get(who) or users[who]
    auth.login(user)
    get_status, post_status = _reach(client, vc_case)
    assert (get_status, post_status) == expected
    saved = fresh(vc_case.id)
    assert (saved.complaint_agency is not None) == (post_status == 302)


def test_an_advocate_of_another_service_learns_nothing_and_the_attempt_is_audited(client, auth, users, vc_case):
    auth.login(users["advocate"])
    response = client.get(f"/cases/{vc_case.id}/complaint")
    assert response.status_code == 404
    assert vc_case.referral.reference.encode() not in response.data
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "permission-denied",
                                                      AuditEvent.object_id == str(vc_case.id)))


def test_signed_out_people_are_sent_to_sign_in(client, vc_case):
    for response in (client.get(f"/cases/{vc_case.id}/complaint"),
                     client.post(f"/cases/{vc_case.id}/complaint", data=_form() | {"version": "1"})):
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert fresh(vc_case.id).complaint_agency is None


def test_other_services_cases_have_no_complaint_page_or_link(client, auth, users, vc_advocate, vc_case):
    case = recent_case("domestic-abuse", status="in-progress")
    auth.login(users["advocate"])
    assert client.get(f"/cases/{case.id}/complaint").status_code == 404
    assert post_case_form(client, f"/cases/{case.id}/complaint", case.id, _form()).status_code == 404
    assert db.session.scalar(select(db.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "permission-denied", AuditEvent.object_id == str(case.id))) == 2
    assert fresh(case.id).complaint_agency is None
    assert f"/cases/{case.id}/complaint".encode() not in client.get(f"/cases/{case.id}").data
    auth.logout()
    auth.login(vc_advocate)
    page = client.get(f"/cases/{vc_case.id}")
    assert f'href="/cases/{vc_case.id}/complaint"'.encode() in page.data
    steps = client.get(f"/cases/{vc_case.id}/steps").get_data(as_text=True)
    assert "complaint page" in steps and "Record a step" not in steps


def test_the_page_is_keyboard_and_screen_reader_shaped(client, auth, vc_advocate, vc_case):
    auth.login(vc_advocate)
    html = client.get(f"/cases/{vc_case.id}/complaint").get_data(as_text=True)
    assert "Which agency is the complaint about?" in html and "<legend" in html
    assert '<label class="govuk-label govuk-label--s" for="code_right">' in html
    assert html.count('class="govuk-date-input"') == 2
    assert "<script>" not in html and "onclick" not in html
    assert 'aria-current="page"' in html and ">Complaint<" in html


def test_a_lead_is_also_limited_to_their_own_service(client, auth):
    lead = make_user("advocate", service="hate-crime", is_lead=True)
    case = make_referral_with_case("victims-commissioner", status="in-progress")
    auth.login(lead)
    assert client.get(f"/cases/{case.id}/complaint").status_code == 404


def test_the_api_case_carries_the_complaint_on_victims_commissioner_cases_only(client, users, vc_advocate, vc_case,
                                                                              today):
    today(TODAY)
    _record(vc_advocate, vc_case, agency="cica", code_right="information-about-compensation",
            requested_on=date(2026, 11, 2), received_on=date(2026, 11, 20))
    token = make_token(vc_advocate.email)
    body = client.get(f"/api/v1/cases/{vc_case.id}", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert body["complaint"] == {
        "agency": "cica", "code_right": "information-about-compensation", "response_requested_on": "2026-11-02",
        "response_due_on": "2026-11-30", "response_received_on": "2026-11-20"}
    other = recent_case("domestic-abuse")
    token = make_token(users["advocate"].email)
    body = client.get(f"/api/v1/cases/{other.id}", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert body["complaint"] is None
