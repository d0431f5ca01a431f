"""Audit events name the fields that changed, never a victim's personal values; list and search events record the
ids of the records they showed, so "who saw this person" can be answered from the trail."""
import json
from datetime import date

from sqlalchemy import select

from victimcare.extensions import db
from victimcare.models import AuditEvent, Case, Referral
from victimcare.services import audit
from victimcare.services.actors import SYSTEM

from .factories import make_person
from .helpers_cases import recent_case
from .helpers_referrals import (  # noqa: F401
    WESTMINSTER,
    date_fields,
    post,
    self_referral_data,
)


def _all_changes() -> str:
    db.session.expire_all()
    return json.dumps([e.changes for e in db.session.scalars(select(AuditEvent))])


def test_confirming_triage_names_the_fields_changed_but_holds_none_of_their_values(client, auth, users):
    post(client, "/self-referral", self_referral_data(given_name="Rowena", family_name="Quillfeather",
                                                      what_happened="sexual-offence", hate_strands=[]))
    referral = db.session.scalar(select(Referral))
    auth.login(users["caseworker"])
    data = date_fields("date_of_birth", date(2011, 1, 5)) + date_fields("offence_date", date(2026, 2, 1)) + [
        ("given_name", "Tamsin"), ("family_name", "Oakenshield"), ("postcode", "sw1a 1aa"),
        ("offence_category", "sexual-offence"), ("offence_borough", WESTMINSTER), ("crime_reference", "5012345/26"),
        ("flags", "sexual-offence"), ("consent_referral", "yes"),
    ]
    assert post(client, f"/triage/{referral.reference}", data).status_code == 302
    trail = _all_changes()
    for value in ("Rowena", "Quillfeather", "Tamsin", "Oakenshield", "2011-01-05", "5012345/26", "SW1A", "sw1a"):
        assert value not in trail, value
    person_update = db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "person",
                                                               AuditEvent.action == "update"))
    changed = person_update.changes
    assert {"given_name", "family_name", "date_of_birth"} <= set(changed)
    assert changed["given_name"] == {"changed": True}


def test_no_event_can_hold_a_personal_value_at_any_depth(app):
    event = audit.record(SYSTEM, "update", "person", 1, changes={
        "phone": {"before": "07700 900123", "after": "07700 900456"},
        "person": {"email": "sam@example.org", "date_of_birth": "1990-01-01", "borough_code": "E09000001"},
        "rows": [{"crime_reference": "1234567/26"}],
        "safe_contact_notes": None,
    })
    assert event.changes == {
        "phone": {"changed": True},
        "person": {"email": {"changed": True}, "date_of_birth": {"changed": True}, "borough_code": "E09000001"},
        "rows": [{"crime_reference": {"changed": True}}],
        "safe_contact_notes": None,
    }
    assert audit.verify_chain().ok


def test_the_queue_records_the_ids_of_the_cases_it_showed(client, auth, users):
    shown = [recent_case(days_ago=days).id for days in (3, 2, 1)]
    recent_case(service_slug="hate-crime")
    auth.login(users["advocate"])
    assert client.get("/cases/").status_code == 200
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "list", AuditEvent.object_type == "case")
                              .order_by(AuditEvent.seq.desc()))
    assert sorted(event.changes["ids"]) == sorted(shown)


def test_the_triage_queue_records_the_referrals_it_showed(client, auth, users):
    post(client, "/self-referral", self_referral_data(given_name="First"))
    post(client, "/self-referral", self_referral_data(given_name="Second", what_happened="other", hate_strands=[]))
    auth.login(users["caseworker"])
    client.get("/triage")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "list", AuditEvent.object_type == "referral"))
    assert sorted(event.changes["ids"]) == sorted(db.session.scalars(select(Referral.id)))


def test_a_person_search_records_who_it_found(client, auth, users):
    from victimcare.services import people
    from victimcare.services.actors import Actor

    found = make_person(given_name="Maya", family_name="Okafor", date_of_birth=date(1991, 4, 12))
    make_person(given_name="Someone", family_name="Else", date_of_birth=date(1970, 1, 1))
    people.search_people(Actor.from_user(users["caseworker"]), "Maya", "Okafor", date(1991, 4, 12), None)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "list", AuditEvent.object_type == "person"))
    assert event.changes["ids"] == [found.id]
    assert "Okafor" not in json.dumps(event.changes)


def test_the_api_case_list_records_the_ids_it_returned(client, users):
    from .factories import make_token

    case = recent_case()
    response = client.get("/api/v1/cases", headers={"Authorization": f"Bearer {make_token(users['advocate'].email)}"})
    assert response.status_code == 200
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "list", AuditEvent.object_type == "case"))
    assert event.changes["ids"] == [case.id]
    assert db.session.get(Case, case.id)
