"""What happens to a referral and its cases is told to staff by email and to partners by signed webhook, from the
service function that made the change, after its commit: with no name or contact detail in either."""
import json
from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import select
from standardwebhooks.webhooks import Webhook

from victimcare.extensions import db
from victimcare.models import Case, NotificationOptOut, Referral, Service
from victimcare.services import cases as case_service
from victimcare.services import webhooks
from victimcare.services.referrals import DashAnswers, ReferralInput, create_referral
from victimcare.services.actors import SYSTEM, Actor
from victimcare.uow import unit_of_work

from .factories import make_person, make_user
from .mailbox import text_of
from .webhook_receiver import WebhookReceiver

SECRET = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwAAAA"
EVENTS = ["referral.received", "referral.routed", "case.accepted", "case.declined", "case.first-contact",
          "case.closed"]


@pytest.fixture
def partner():
    with WebhookReceiver() as receiver:
        with unit_of_work():
            webhooks.add_endpoint(SYSTEM, receiver.url, EVENTS, SECRET)
        yield receiver


@pytest.fixture
def staff():
    return {
        "caseworker": make_user("caseworker"),
        "advocate": make_user("advocate", service="domestic-abuse"),
        "colleague": make_user("advocate", service="domestic-abuse"),
        "lead": make_user("advocate", service="domestic-abuse", is_lead=True),
        "elsewhere": make_user("advocate", service="hate-crime"),
    }


def _refer(client, caseworker, yes_count=15):
    """A caseworker's referral of a domestic-abuse victim, routed by the rules (15 yes answers: high risk)."""
    person = make_person(phone="07700 900555", email="victim@example.net")
    with unit_of_work():
        reference = create_referral(Actor.from_user(caseworker), ReferralInput(
            source="caseworker", offence_category="domestic-abuse", person_id=person.id, domestic_abuse=True,
            consent_referral=True, dash=DashAnswers(yes_count=yes_count, incidents_last_12_months=0),
        )).reference
    return db.session.scalar(select(Referral).where(Referral.reference == reference))


def _verify(headers, raw):
    """Verify as the partner would on receipt (some deliveries here were made on a moved clock)."""
    sent_at = datetime.fromtimestamp(int(headers["webhook-timestamp"]), tz=timezone.utc)
    with time_machine.travel(sent_at + timedelta(seconds=1), tick=False):
        return Webhook(SECRET).verify(raw, headers)


def _payloads(receiver, count):
    return [_verify(headers, raw) for headers, raw in receiver.wait_for(count)[:count]]


def test_a_referral_is_received_and_routed_for_partners_and_its_service_is_told(client, mailbox, partner, staff):
    before = len(mailbox.messages)
    referral = _refer(client, staff["caseworker"], yes_count=3)
    received, routed = _payloads(partner, 2)
    assert received["type"] == "referral.received" and received["data"]["referral"]["reference"] == referral.reference
    assert routed["type"] == "referral.routed"
    [case] = routed["data"]["cases"]
    assert case["service"] == "domestic-abuse" and case["status"] == "new" and isinstance(case["id"], int)
    for payload in (received, routed):
        text = json.dumps(payload)
        assert "Testperson" not in text and "1990" not in text and "07700" not in text and "victim@" not in text
    told = {str(m["To"]): m for m in mailbox.since(before)}
    for who in ("advocate", "colleague", "lead"):
        [message] = [m for to, m in told.items() if staff[who].email in to]
        assert message["Subject"] == "A new case is waiting for Domestic abuse advocacy"
        assert f"https://victimcare.example/cases/{case['id']}" in text_of(message)
    assert not any(staff["elsewhere"].email in to or staff["caseworker"].email in to for to in told)


def test_a_high_risk_referral_is_told_at_once_to_everyone_in_the_service_even_leads_only_services(
        client, mailbox, staff):
    db.session.execute(Service.__table__.update().where(Service.slug == "domestic-abuse")
                       .values(new_case_notify="leads"))
    db.session.add(NotificationOptOut(user_id=staff["colleague"].id, kind="new-case"))
    db.session.commit()
    before = len(mailbox.messages)
    _refer(client, staff["caseworker"])  # 15 yes answers: high risk, MARAC
    subjects = {str(m["To"]): m["Subject"] for m in mailbox.since(before)}
    for who in ("advocate", "colleague", "lead"):
        assert subjects[next(to for to in subjects if staff[who].email in to)] == \
            "A high-risk referral is waiting for Domestic abuse advocacy"


def test_a_leads_only_service_tells_only_its_leads_of_routine_cases(client, mailbox, staff):
    db.session.execute(Service.__table__.update().where(Service.slug == "domestic-abuse")
                       .values(new_case_notify="leads"))
    db.session.commit()
    before = len(mailbox.messages)
    _refer(client, staff["caseworker"], yes_count=2)
    assert [str(m["To"]) for m in mailbox.since(before)] == [f"{staff['lead'].name} <{staff['lead'].email}>"]


def test_accepting_contacting_and_closing_a_case_reach_partners_in_order(client, mailbox, partner, staff):
    referral = _refer(client, staff["caseworker"], yes_count=2)
    case_id = db.session.scalar(select(Case.id).where(Case.referral_id == referral.id))
    advocate, lead = Actor.from_user(staff["advocate"]), Actor.from_user(staff["lead"])
    before = len(mailbox.messages)
    with unit_of_work():
        case_service.transition(advocate, case_id, "accepted")
    with unit_of_work():
        case_service.record_contact(advocate, case_id, datetime.now(timezone.utc), "phone", "reached")
    with unit_of_work():
        case_service.record_contact(advocate, case_id, datetime.now(timezone.utc), "phone", "reached")
    with unit_of_work():
        case_service.transition(advocate, case_id, "in-progress")
    with unit_of_work():
        case_service.transition(advocate, case_id, "closed", closure_reason="support-completed",
                                outcomes={"feels-safer": "improved"})
    asked = [m for m in mailbox.since(before) if m["Subject"] == "A case closure is waiting for your approval"]
    assert [str(m["To"]) for m in asked] == [f"{staff['lead'].name} <{staff['lead'].email}>"]
    with unit_of_work():
        case_service.approve_closure(lead, case_id)
    kinds = [p["type"] for p in _payloads(partner, 5)]
    assert kinds == ["referral.received", "referral.routed", "case.accepted", "case.first-contact", "case.closed"]
    closed = _payloads(partner, 5)[-1]["data"]["case"]
    assert closed["status"] == "closed" and closed["closure_reason"] == "support-completed"
    assert closed["closed_at"] and closed["first_contacted_at"] and closed["accepted_at"]


def test_a_declined_case_reaches_partners_with_its_coded_reason(client, partner, staff):
    referral = _refer(client, staff["caseworker"], yes_count=2)
    case_id = db.session.scalar(select(Case.id).where(Case.referral_id == referral.id))
    with unit_of_work():
        case_service.transition(Actor.from_user(staff["advocate"]), case_id, "declined",
                                reason="Lives outside our area", reason_code="outside-area")
    declined = _payloads(partner, 3)[-1]
    assert declined["type"] == "case.declined" and declined["data"]["case"]["decline_reason"] == "outside-area"
    assert "Lives outside" not in json.dumps(declined)


def test_a_task_given_to_a_colleague_emails_them_but_not_one_you_give_yourself(client, mailbox, staff):
    referral = _refer(client, staff["caseworker"], yes_count=2)
    case_id = db.session.scalar(select(Case.id).where(Case.referral_id == referral.id))
    advocate = Actor.from_user(staff["advocate"])
    before = len(mailbox.messages)
    with unit_of_work():
        case_service.add_task(advocate, case_id, "Ring the school", assigned_to_id=staff["colleague"].id)
    with unit_of_work():
        case_service.add_task(advocate, case_id, "Write up", assigned_to_id=staff["advocate"].id)
    [message] = mailbox.since(before)
    assert staff["colleague"].email in message["To"] and message["Subject"] == "A task has been assigned to you"
    assert "Ring the school" not in text_of(message)


def test_a_route_added_later_reaches_partners_and_the_new_service(client, mailbox, partner, staff):
    from victimcare.services.referrals import add_route

    referral = _refer(client, staff["caseworker"], yes_count=2)
    before = len(mailbox.messages)
    with unit_of_work():
        add_route(Actor.from_user(staff["caseworker"]), referral.reference, "hate-crime",
                  "Racist abuse in the incident", "need-not-captured")
    routed = _payloads(partner, 3)[-1]
    assert routed["type"] == "referral.routed"
    assert sorted(case["service"] for case in routed["data"]["cases"]) == ["domestic-abuse", "hate-crime"]
    [told] = mailbox.since(before)
    assert staff["elsewhere"].email in told["To"] and told["Subject"] == "A new case is waiting for Hate crime advocacy"
