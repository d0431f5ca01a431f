"""Erasure requests: the DPO decides against the article 17 grounds and exemptions with reasons; an accepted
request purges the person at once; a refused or held one keeps everything; every other role is refused."""
from datetime import date

from sqlalchemy import func, select

from victimcare.extensions import db
from victimcare.models import AuditEvent, CaseNote, DataRightsRequest, ErasureDecision, LegalHold, Person
from victimcare.services.actors import Actor
from victimcare.services.data_rights import NewRequest, record_request

from .factories import make_referral_with_case, make_user
from .helpers_retention import _work


def _request(dpo, case, kind="erasure") -> DataRightsRequest:
    request = record_request(Actor.from_user(dpo), NewRequest(
        kind=kind, reference=case.referral.reference, requester="victim", identity_check="photo-id-in-person",
        received_on=date.today(), scope="Please delete everything"))
    db.session.commit()
    return request


def _decide(client, request_id, **data):
    return client.post(f"/retention/erasure/{request_id}", data=data)


def test_an_accepted_request_purges_the_person_at_once(client, auth, users):
    dpo = make_user("dpo")
    case = make_referral_with_case()
    _work(case, contacted=True)
    request = _request(dpo, case)
    auth.login(dpo)
    show = client.get(f"/data-rights/{request.id}").get_data(as_text=True)
    assert "Decide the request against the grounds and exemptions" in show
    assert client.get(f"/retention/erasure/{request.id}").status_code == 200
    response = _decide(client, request.id, grounds=["consent-withdrawn"], decision="accepted",
                       reasons="Consent withdrawn; no other lawful basis; no proceedings.")
    assert response.status_code == 302
    db.session.expire_all()
    person = db.session.get(Person, case.referral.person_id)
    assert person.purged_at is not None and person.given_name == "" and person.phone is None
    assert db.session.scalar(select(func.count()).where(CaseNote.case_id == case.id)) == 0
    closed = db.session.get(DataRightsRequest, request.id)
    assert closed.status == "completed" and closed.scope is None  # the requester's words went with the purge
    decision = db.session.scalar(select(ErasureDecision))
    assert decision.grounds == ["consent-withdrawn"] and decision.records > 0
    page = client.get(f"/retention/erasure/{request.id}").get_data(as_text=True)
    assert "Consent withdrawn; no other lawful basis" in page and "records changed or deleted" in page
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "erasure-decided"))
    assert event.changes["decision"] == "accepted" and "lawful basis" not in str(event.changes)
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "purged")) == 1
    auth.logout()
    auth.login(users["advocate"])
    assert client.get(f"/cases/{case.id}").status_code == 404
    # Decided once: a second decision is refused.
    auth.logout()
    auth.login(dpo)
    again = _decide(client, request.id, grounds=["objection"], decision="accepted", reasons="Again")
    assert again.status_code == 200 and db.session.scalar(select(func.count()).select_from(ErasureDecision)) == 1


def test_a_refusal_needs_an_exemption_when_a_ground_applies_and_keeps_everything(client, auth, users):
    dpo = make_user("dpo")
    case = make_referral_with_case()
    request = _request(dpo, case)
    auth.login(dpo)
    wrong = _decide(client, request.id, grounds=["objection"], decision="refused", reasons="We need it")
    assert wrong.status_code == 400
    assert "choose the exemption that lets the records be kept" in wrong.get_data(as_text=True)
    response = _decide(client, request.id, grounds=["objection"], exemptions=["safeguarding"], decision="refused",
                       reasons="Children in the household are subject to a child protection plan.")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Person, case.referral.person_id).purged_at is None
    assert db.session.get(DataRightsRequest, request.id).status == "refused"


def test_a_held_person_cannot_be_erased_until_the_hold_is_lifted(client, auth, users):
    dpo = make_user("dpo")
    case = make_referral_with_case()
    db.session.add(LegalHold(person_id=case.referral.person_id, reason="court-proceedings", detail="Trial"))
    db.session.commit()
    request = _request(dpo, case)
    auth.login(dpo)
    assert "on legal hold" in client.get(f"/retention/erasure/{request.id}").get_data(as_text=True)
    response = _decide(client, request.id, grounds=["consent-withdrawn"], decision="accepted", reasons="Withdrawn")
    assert response.status_code == 400 and "lift the hold before erasing" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Person, case.referral.person_id).purged_at is None


def test_only_erasure_requests_and_only_the_dpo(client, auth, users):
    dpo = make_user("dpo")
    case = make_referral_with_case()
    access = _request(dpo, case, kind="subject-access")
    erasure = _request(dpo, case)
    auth.login(dpo)
    assert client.get(f"/retention/erasure/{access.id}").status_code == 404
    assert client.get("/retention/erasure/999999").status_code == 404
    lead = make_user("advocate", service="domestic-abuse", is_lead=True)
    for user in (*users.values(), lead):
        auth.logout()
        auth.login(user)
        assert client.get(f"/retention/erasure/{erasure.id}").status_code == 403
        assert _decide(client, erasure.id, grounds=["objection"], decision="accepted",
                       reasons="x").status_code == 403
    db.session.expire_all()
    assert db.session.get(Person, case.referral.person_id).purged_at is None
