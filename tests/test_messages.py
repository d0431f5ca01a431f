"""Messages to victims through GOV.UK Notify (the real client against a local stand-in): the safe-contact rules
are checked when the message is asked for and again when it is sent, refusals say which rule stops them, Notify's
status callback updates the message, and nothing is sent to a perpetrator's details."""
from datetime import datetime, time, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import select

from victimcare.domain.clock import LONDON
from victimcare.domain.safe_contact import ContactStop
from victimcare.extensions import db
from victimcare.jobs import runner
from victimcare.models import AuditEvent, VictimMessage
from victimcare.services import messages
from victimcare.services.actors import Actor
from victimcare.services.errors import NotFound, ValidationFailed
from victimcare.uow import unit_of_work

from .factories import make_referral_with_case, make_user
from .fake_notify import API_KEY, FakeNotify

TEMPLATE_IDS = {(t, c): f"00000000-0000-4000-8000-0000000000{n:02d}" for n, (t, c) in enumerate(
    (t, c) for t in ("appointment-reminder", "appointment-update") for c in ("sms", "email", "letter"))}
TUESDAY_NOON = datetime(2026, 12, 8, 12, 0, tzinfo=LONDON)
APPOINTMENT = datetime(2026, 12, 10, 14, 30, tzinfo=LONDON)


@pytest.fixture
def notify(app):
    saved = {k: app.config[k] for k in ("NOTIFY_API_KEY", "NOTIFY_BASE_URL", "NOTIFY_CALLBACK_TOKEN",
                                        "NOTIFY_TEMPLATES")}
    with FakeNotify() as fake:
        app.config.update(NOTIFY_API_KEY=API_KEY, NOTIFY_BASE_URL=fake.base_url,
                          NOTIFY_CALLBACK_TOKEN="callback-token-for-tests", NOTIFY_TEMPLATES=TEMPLATE_IDS)
        yield fake
    app.config.update(saved)


@pytest.fixture
def case():
    case = make_referral_with_case("domestic-abuse")
    person = case.referral.person
    person.phone, person.email = "07700 900123", "sam.victim@example.net"
    person.address, person.postcode = "Flat 2, 10 Example Road\nLondon", "SE1 7PB"
    person.may_text = person.may_email = person.may_write = True
    person.safe_contact_from, person.safe_contact_until = time(10), time(16)
    db.session.commit()
    return case


@pytest.fixture
def advocate():
    return Actor.from_user(make_user("advocate", service="domestic-abuse"))


def _request(actor, case, channel="sms", send_at=None, template="appointment-reminder"):
    with unit_of_work():
        return messages.request_message(actor, case.id, channel=channel, template=template,
                                        appointment_at=APPOINTMENT, place="Room 3", send_at=send_at).id


@time_machine.travel(TUESDAY_NOON, tick=False)
def test_a_text_is_sent_through_notify_to_the_victims_own_number(app, notify, case, advocate):
    message_id = _request(advocate, case)
    [(kind, body, notify_id)] = notify.sent
    assert kind == "sms" and body["phone_number"] == "07700 900123"
    assert body["template_id"] == TEMPLATE_IDS[("appointment-reminder", "sms")]
    assert body["personalisation"]["appointment_date"] == "Thursday 10 December 2026"
    assert body["personalisation"]["appointment_time"] == "2:30pm"
    assert body["reference"] == f"victimcare-message-{message_id}"
    message = db.session.get(VictimMessage, message_id)
    assert (message.status, message.notify_id) == ("sending", notify_id)
    changes = [e.changes for e in db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "victim_message").order_by(AuditEvent.seq))]
    assert changes[0]["channel"] == "sms" and changes[1]["status"] == {"before": "queued", "after": "sending"}
    assert "07700" not in str(changes)


@time_machine.travel(TUESDAY_NOON, tick=False)
def test_a_letter_carries_the_address_lines_and_postcode(app, notify, case, advocate):
    _request(advocate, case, channel="letter")
    [(kind, body, _)] = notify.sent
    assert kind == "letter"
    lines = [body["personalisation"][f"address_line_{n}"] for n in range(1, 5)]
    assert lines == [case.referral.person.full_name, "Flat 2", "10 Example Road", "London"]
    assert body["personalisation"]["address_line_5"] == "SE1 7PB"


@time_machine.travel(TUESDAY_NOON, tick=False)
def test_notifys_status_callback_updates_the_message_with_its_bearer_token(app, client, notify, case, advocate):
    message_id = _request(advocate, case)
    notify_id = db.session.get(VictimMessage, message_id).notify_id
    callback = {"id": notify_id, "reference": f"victimcare-message-{message_id}", "to": "07700900123",
                "status": "delivered", "notification_type": "sms"}
    assert client.post("/notify/status", json=callback).status_code == 401
    assert client.post("/notify/status", json=callback,
                       headers={"Authorization": "Bearer wrong"}).status_code == 401
    good = {"Authorization": "Bearer callback-token-for-tests"}
    assert client.post("/notify/status", json={**callback, "id": "not-ours"}, headers=good).status_code == 404
    assert client.post("/notify/status", json=callback, headers=good).status_code == 204
    db.session.expire_all()
    assert db.session.get(VictimMessage, message_id).status == "delivered"


@pytest.mark.parametrize("change, field, words", [
    ({"may_text": False}, "channel", "The victim has not agreed to be sent a text message."),
    ({"phone": "020 7946 0000"}, "channel", "No UK mobile number is recorded for the victim."),
])
@time_machine.travel(TUESDAY_NOON, tick=False)
def test_an_unsafe_channel_is_refused_with_the_rule_that_stops_it(app, notify, case, advocate, change, field, words):
    for key, value in change.items():
        setattr(case.referral.person, key, value)
    db.session.commit()
    with pytest.raises(ValidationFailed) as refused:
        _request(advocate, case)
    assert refused.value.errors[0]["field"] == field
    assert refused.value.errors[0]["message"] == words
    assert notify.sent == [] and db.session.scalar(select(VictimMessage)) is None


@time_machine.travel(datetime(2026, 12, 8, 19, 0, tzinfo=LONDON), tick=False)
def test_outside_the_safe_hours_the_refusal_names_the_next_safe_time(app, notify, case, advocate):
    with pytest.raises(ValidationFailed) as refused:
        _request(advocate, case)
    assert refused.value.errors == [{"field": "send_at", "message": (
        "The victim asked for messages only between 10:00 and 16:00. Choose a time then: the next is 9 December "
        "at 10:00.")}]
    message_id = _request(advocate, case, send_at=datetime(2026, 12, 9, 10, 30, tzinfo=LONDON))
    assert notify.sent == [] and db.session.get(VictimMessage, message_id).status == "queued"
    with time_machine.travel(datetime(2026, 12, 9, 10, 31, tzinfo=LONDON), tick=False):
        runner.run_due()
    assert len(notify.sent) == 1


@time_machine.travel(TUESDAY_NOON, tick=False)
def test_the_rules_are_checked_again_at_send_time(app, notify, case, advocate):
    message_id = _request(advocate, case, send_at=datetime(2026, 12, 9, 11, 0, tzinfo=LONDON))
    case.referral.consent_withdrawn_at = datetime(2026, 12, 8, 13, 0, tzinfo=timezone.utc)
    db.session.commit()
    with time_machine.travel(datetime(2026, 12, 9, 11, 1, tzinfo=LONDON), tick=False):
        runner.run_due()
    message = db.session.get(VictimMessage, message_id)
    assert message.status == "refused" and "withdrawn their consent" in message.refusal
    assert notify.sent == []


@time_machine.travel(TUESDAY_NOON, tick=False)
def test_nothing_is_ever_sent_to_a_perpetrators_details(app, notify, case, advocate):
    def perpetrator_has_the_same_phone(c):
        return messages.PerpetratorDetails(phones=frozenset({"+44 7700 900123"}))

    messages.register_perpetrator_details(perpetrator_has_the_same_phone)
    try:
        with pytest.raises(ValidationFailed) as refused:
            _request(advocate, case)
        assert "also recorded as the perpetrator's" in refused.value.errors[0]["message"]
        _request(advocate, case, channel="email")  # another channel is the victim's own
    finally:
        messages._PERPETRATOR_DETAILS.remove(perpetrator_has_the_same_phone)
    assert [kind for kind, _, _ in notify.sent] == ["email"]


@time_machine.travel(TUESDAY_NOON, tick=False)
def test_other_areas_add_do_not_contact_stops(app, notify, case, advocate):
    def restricted(c, referral, person):
        return [ContactStop("restricted", "This record is restricted: only its named staff may contact the victim.")]

    messages.register_contact_stop(restricted)
    try:
        with pytest.raises(ValidationFailed) as refused:
            _request(advocate, case, channel="letter")
    finally:
        messages._STOPS.remove(restricted)
    assert refused.value.errors[0]["message"].startswith("This record is restricted")


@time_machine.travel(TUESDAY_NOON, tick=True)
def test_notify_busy_is_retried_and_a_refusal_by_notify_is_final(app, notify, case, advocate):
    notify.fail_next = [503]
    first = _request(advocate, case)
    assert db.session.get(VictimMessage, first).status == "queued" and notify.sent == []
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(seconds=61), tick=False):
        runner.run_due()
    assert db.session.get(VictimMessage, first).status == "sending"
    notify.fail_next = [400]
    second = _request(advocate, case, channel="email")
    message = db.session.get(VictimMessage, second)
    assert message.status == "failed" and message.refusal == "GOV.UK Notify refused the message (HTTP 400)"


def test_only_the_cases_own_service_can_message_its_victim(app, notify, case):
    for role, service in (("advocate", "hate-crime"), ("caseworker", None), ("commissioner", None), ("admin", None)):
        actor = Actor.from_user(make_user(role, service=service))
        with pytest.raises(NotFound):
            _request(actor, case)


@time_machine.travel(TUESDAY_NOON, tick=False)
def test_an_advocate_sends_a_reminder_from_the_case_messages_page(app, client, auth, notify, case):
    user = make_user("advocate", service="domestic-abuse")
    auth.login(user)
    page = client.get(f"/cases/{case.id}/messages")
    assert page.status_code == 200
    text = " ".join(page.get_data(as_text=True).split())
    assert "<strong>Text message:</strong> allowed" in text and "<strong>Letter:</strong> allowed" in text
    form = {"message-template": "appointment-reminder", "message-channel": "sms",
            "message-appointment_on": ["10", "12", "2026"], "message-appointment_time": "14:30",
            "message-place": "our office", "message-submit": "Send message"}
    response = client.post(f"/cases/{case.id}/messages", data=form)
    assert response.status_code == 302
    assert len(notify.sent) == 1
    listing = client.get(f"/cases/{case.id}/messages").get_data(as_text=True)
    assert "Appointment reminder by text message" in listing and "Sending" in listing
    refused = client.post(f"/cases/{case.id}/messages", data={**form, "message-send_on": ["8", "12", "2026"],
                                                              "message-send_time": "19:00"})
    assert refused.status_code == 400
    assert "The victim asked for messages only between 10:00 and 16:00" in refused.get_data(as_text=True)


@time_machine.travel(TUESDAY_NOON, tick=False)
def test_the_safe_contact_rules_are_changed_on_the_messages_page_and_audited_without_the_hours(
        app, client, auth, notify, case):
    auth.login(make_user("advocate", service="domestic-abuse"))
    response = client.post(f"/cases/{case.id}/messages", data={
        "rules-channels": ["may_email"], "rules-safe_from": "09:00", "rules-safe_until": "12:00",
        "rules-save": "Save"})
    assert response.status_code == 302
    db.session.expire_all()
    person = case.referral.person
    assert (person.may_text, person.may_email, person.may_write) == (False, True, False)
    assert person.safe_contact_from == time(9) and person.safe_contact_until == time(12)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "person"))
    assert event.changes["safe_contact_from"] == {"changed": True} and "09:00" not in str(event.changes)
    bad = client.post(f"/cases/{case.id}/messages", data={"rules-channels": ["may_email"], "rules-safe_from": "09:00",
                                                          "rules-save": "Save"})
    assert bad.status_code == 400 and "Give both times" in bad.get_data(as_text=True)


@pytest.mark.parametrize("role, service, status", [
    ("advocate", "hate-crime", 404), ("caseworker", None, 403), ("commissioner", None, 403), ("admin", None, 403)])
def test_the_messages_page_is_only_for_the_cases_own_service(app, client, auth, case, role, service, status):
    auth.login(make_user(role, service=service))
    assert client.get(f"/cases/{case.id}/messages").status_code == status


@time_machine.travel(TUESDAY_NOON, tick=False)
def test_every_message_is_on_the_case_timeline_with_channel_template_time_and_status(app, client, auth, notify, case):
    advocate = make_user("advocate", service="domestic-abuse")
    message_id = _request(Actor.from_user(advocate), case)
    notify_id = db.session.get(VictimMessage, message_id).notify_id
    client.post("/notify/status", json={"id": notify_id, "status": "delivered"},
                headers={"Authorization": "Bearer callback-token-for-tests"})
    auth.login(advocate)
    page = " ".join(client.get(f"/cases/{case.id}").get_data(as_text=True).split())
    assert "Text message asked for: appointment reminder" in page
    assert "Text message (appointment reminder): sending" in page
    assert "Text message (appointment reminder): delivered" in page


@time_machine.travel(TUESDAY_NOON, tick=False)
def test_no_letter_goes_to_a_perpetrators_postcode_however_it_was_typed(app, notify, case, advocate):
    """The victim's postcode is stored as SE1 7PB; another area recorded the perpetrator's as "se17pb"."""
    def perpetrator_at_the_same_postcode(c):
        return messages.PerpetratorDetails(postcodes_and_addresses=frozenset({"se17pb"}))

    messages.register_perpetrator_details(perpetrator_at_the_same_postcode)
    try:
        with pytest.raises(ValidationFailed) as refused:
            _request(advocate, case, channel="letter")
        assert "also recorded as the perpetrator's" in refused.value.errors[0]["message"]
    finally:
        messages._PERPETRATOR_DETAILS.remove(perpetrator_at_the_same_postcode)
    assert notify.sent == []
