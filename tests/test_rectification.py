"""Rectification: the DPO working on a rectification request corrects the person's details through the
person-update service; the request records who asked, why and which fields changed; the audit trail names the
fields, never the old or new values."""
import json
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from victimcare.extensions import db
from victimcare.models import AuditEvent, DataRightsRequest, Person

from .factories import make_referral_with_case, make_user
from .helpers_cases import date_parts


@pytest.fixture
def setting(time_machine):
    time_machine.move_to(datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc), tick=False)
    case = make_referral_with_case()
    case.referral.person.phone = "+447700900111"
    dpo = make_user("dpo")
    request = DataRightsRequest(kind="rectification", person_id=case.referral.person_id, referral_id=case.referral_id,
                                requester="victim", identity_check="known-to-service", received_on=date(2026, 3, 2),
                                due_on=date(2026, 4, 2), handled_by_id=dpo.id)
    db.session.add(request)
    db.session.commit()
    return case, dpo, request


def correction(person, **changes):
    data = {"given_name": person.given_name, "family_name": person.family_name, "postcode": person.postcode or "",
            "phone": person.phone or "", "email": person.email or "", "address": person.address or "",
            "date_of_birth": date_parts(person.date_of_birth),
            "reason": "Her surname was misspelt on the police referral; she showed her passport"}
    data.update(changes)
    return data


def test_the_dpo_corrects_details_and_only_field_names_are_recorded(client, auth, setting):
    case, dpo, request = setting
    person = case.referral.person
    old_family = person.family_name
    auth.login(dpo)
    form = client.get(f"/data-rights/{request.id}/correction")
    assert form.status_code == 200 and old_family in form.get_data(as_text=True)
    response = client.post(f"/data-rights/{request.id}/correction",
                           data=correction(person, family_name="Okafor-Reid", phone="07700 900222"))
    assert response.status_code == 302
    db.session.expire_all()
    person = db.session.get(Person, person.id)
    assert (person.family_name, person.phone) == ("Okafor-Reid", "+447700900222")
    saved = db.session.get(DataRightsRequest, request.id)
    assert saved.corrected_fields == ["family_name", "phone"] and "passport" in saved.correction_reason

    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "update")).all()
    person_event = next(e for e in events if e.object_type == "person")
    assert person_event.changes == {"family_name": {"changed": True}, "phone": {"changed": True}}
    request_event = next(e for e in events if e.object_type == "data-rights-request")
    assert request_event.changes["corrected_fields"] == ["family_name", "phone"]
    trail = json.dumps([e.changes for e in db.session.scalars(select(AuditEvent))])
    for value in (old_family, "Okafor-Reid", "900222", "900111", "passport"):
        assert value not in trail
    page = client.get(f"/data-rights/{request.id}").get_data(as_text=True)
    assert "last name, phone number" in page


def test_a_reason_is_required_and_bad_details_are_refused(client, auth, setting):
    case, dpo, request = setting
    person = case.referral.person
    auth.login(dpo)
    no_reason = client.post(f"/data-rights/{request.id}/correction", data=correction(person, family_name="X", reason=""))
    assert no_reason.status_code == 400 and "Say what the person said was wrong" in no_reason.get_data(as_text=True)
    bad_phone = client.post(f"/data-rights/{request.id}/correction", data=correction(person, phone="not a number"))
    assert bad_phone.status_code == 400
    unchanged = client.post(f"/data-rights/{request.id}/correction", data=correction(person))
    assert unchanged.status_code == 400 and "Nothing has changed" in unchanged.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Person, person.id).family_name == person.family_name
    assert db.session.get(DataRightsRequest, request.id).corrected_fields is None


def test_only_a_rectification_request_corrects_and_only_its_dpo(client, auth, setting):
    case, dpo, request = setting
    request.kind = "subject-access"
    db.session.commit()
    auth.login(dpo)
    assert client.get(f"/data-rights/{request.id}/correction").status_code == 409
    request.kind = "rectification"
    db.session.commit()
    other = make_user("dpo")
    auth.logout()
    auth.login(other)
    assert client.get(f"/data-rights/{request.id}/correction").status_code == 403
    assert client.post(f"/data-rights/{request.id}/correction",
                       data=correction(case.referral.person, family_name="Changed")).status_code == 403


@pytest.mark.parametrize("role", ["caseworker", "advocate", "other_advocate", "commissioner", "admin"])
def test_every_other_role_is_refused(client, auth, users, setting, role):
    case, _, request = setting
    auth.login(users[role])
    assert client.get(f"/data-rights/{request.id}/correction").status_code == 403
    assert client.post(f"/data-rights/{request.id}/correction",
                       data=correction(case.referral.person, family_name="Changed")).status_code == 403
    db.session.expire_all()
    assert db.session.get(Person, case.referral.person_id).family_name != "Changed"
