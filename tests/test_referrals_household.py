"""The referral form asks what a domestic abuse or child case needs: the person causing harm, the children at home,
a child's parent or carer; a postal address when letters are safe, preferred contact times, and the interpreter
(contact needs, no longer an equality question). The case page shows them where an advocate looks."""
import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from victimcare.domain.clock import london_today
from victimcare.extensions import db
from victimcare.models import AuditEvent, Case, ParentCarer, Perpetrator, Person, Referral

from .factories import make_user
from .helpers_referrals import (
    about,
    choose_person,
    consent,
    dash,
    find_person,
    household,
    offence,
    walk_to_check,
)

CHILD_DOB = london_today() - timedelta(days=15 * 365 + 30)  # 15 years old


def _submit(client) -> Referral:
    response = client.post("/referrals/new/check", data={})
    assert response.status_code == 302, response.data
    return db.session.scalar(select(Referral))


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_a_domestic_abuse_referral_records_the_person_causing_harm_and_the_children(client, auth, users):
    auth.login(users["caseworker"])
    find_person(client), choose_person(client), offence(client, category="domestic-abuse"), dash(client)
    page = _text(client.get("/referrals/new/people-around-them"))
    assert "The person causing harm" in page and "Are there children in the household?" in page
    assert "Parent or carer" not in page  # an adult victim

    refused = household(client, relationship="", lives_with="")
    assert refused.status_code == 400
    assert "Choose who the person causing harm is to the victim" in _text(refused)
    assert "Say whether the person causing harm lives with the victim" in _text(refused)

    assert household(client, relationship="ex-partner", lives_with="yes", children="yes",
                     children_details="2 children, aged 4 and 9", perpetrator_dob=date(1988, 6, 1)).status_code == 302
    about(client), consent(client)
    check = _text(client.get("/referrals/new/check"))
    assert "Dan Kerr" in check and "Ex-partner" in check and "1 June 1988" in check
    assert "Yes: 2 children, aged 4 and 9" in check

    referral = _submit(client)
    perpetrator = db.session.scalar(select(Perpetrator))
    assert (perpetrator.referral_id, perpetrator.name, perpetrator.relationship_to_victim,
            perpetrator.lives_with_victim) == (referral.id, "Dan Kerr", "ex-partner", True)
    assert referral.children_in_household == "yes"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "perpetrator"))
    assert "Dan Kerr" not in json.dumps(event.changes) and "name" in event.changes["fields"]

    case = db.session.scalar(select(Case))
    auth.logout()
    auth.login(users["advocate"])
    page = _text(client.get(f"/cases/{case.id}"))
    facts = page[page.index("About the referral"):]
    assert "Dan Kerr, ex-partner, born 1 June 1988, lives with the victim" in facts
    assert "Yes: 2 children, aged 4 and 9" in facts


def test_a_child_victim_names_a_parent_or_carer_and_whether_it_is_safe_to_contact_them(client, auth, users):
    auth.login(users["caseworker"])
    find_person(client, dob=CHILD_DOB), choose_person(client), offence(client, category="robbery")
    assert client.get("/referrals/new/offence").status_code == 200
    page = _text(client.get("/referrals/new/people-around-them"))
    assert "Their parent or carer" in page
    assert "The person causing harm" not in page  # not domestic abuse

    refused = household(client, perpetrator=False, parent_carer=True, carer_name="", carer_phone="12")
    assert refused.status_code == 400
    assert "Enter the parent or carer&#39;s name" in _text(refused)
    assert "phone number" in _text(refused).lower()

    assert household(client, perpetrator=False, parent_carer=True, carer_safe="no",
                     carer_phone="07700 900555").status_code == 302
    equality = _text(client.get("/referrals/new/about-the-victim"))
    assert "sexual orientation" in equality.lower()  # the sentence saying why it is not asked
    assert 'name="sexual_orientation"' not in equality and 'name="gender_identity"' not in equality
    about(client), consent(client)
    _submit(client)
    carer = db.session.scalar(select(ParentCarer))
    assert (carer.name, carer.relationship_to_victim, carer.safe_to_contact, carer.phone) == (
        "Grace Okafor", "mother", False, "+447700900555")

    case = db.session.scalars(select(Case)).first()
    auth.logout()
    auth.login(make_user("advocate", service=case.service.slug))
    page = _text(client.get(f"/cases/{case.id}"))
    panel = page[page.index("How to reach them safely"):page.index("About the referral")]
    assert "Grace Okafor (mother), 07700 900555" in panel
    assert "Not safe to contact: do not contact them" in panel
    assert "no parent or carer is recorded" not in panel


def test_an_adult_victim_of_another_offence_skips_the_page_and_is_asked_every_equality_question(client, auth, users):
    auth.login(users["caseworker"])
    find_person(client), choose_person(client)
    assert offence(client, category="robbery").headers["Location"].endswith("/referrals/new/about-the-victim")
    assert client.get("/referrals/new/people-around-them").status_code == 302
    equality = _text(client.get("/referrals/new/about-the-victim"))
    assert 'name="sexual_orientation"' in equality and 'name="gender_identity"' in equality
    assert 'name="interpreter_needed"' not in equality  # a contact need now, on the consent page


def test_changing_the_offence_away_from_domestic_abuse_drops_the_perpetrator(client, auth, users):
    auth.login(users["caseworker"])
    walk_to_check(client, category="domestic-abuse")
    assert offence(client, category="robbery", query="?change=1").status_code == 302
    client.get("/referrals/new/check")
    _submit(client)
    assert db.session.scalar(select(Perpetrator)) is None


def test_letters_need_an_address_and_an_interpreter_needs_a_language(client, auth, users):
    auth.login(users["caseworker"])
    walk_to_check(client, category="robbery")
    refused = consent(client, permissions=("may-phone", "may-write"), interpreter="yes")
    assert refused.status_code == 400
    page = _text(refused)
    assert "Enter their postal address, or untick writing to them by post" in page
    assert "Enter the language they need an interpreter for" in page

    assert consent(client, permissions=("may-phone", "may-write"), address="1 High Street\nLondon NW1 2AB",
                   interpreter="yes", language="Polish",
                   contact_times=("weekday-evenings", "weekends")).status_code == 302
    check = _text(client.get("/referrals/new/check"))
    assert "1 High Street" in check and "Needed: Polish" in check and "Weekday evenings" in check
    _submit(client)
    person = db.session.scalar(select(Person))
    assert person.address == "1 High Street\nLondon NW1 2AB"
    assert (person.interpreter_needed, person.first_language) == (True, "Polish")
    assert person.preferred_contact_times == ["weekday-evenings", "weekends"]

    case = db.session.scalar(select(Case))
    auth.logout()
    auth.login(make_user("advocate", service=case.service.slug))
    page = _text(client.get(f"/cases/{case.id}"))
    bar = page[page.index("Who this case is about"):page.index("How to reach them safely")]
    assert "Needed (Polish)" in bar
    panel = page[page.index("How to reach them safely"):page.index("About the referral")]
    assert "1 High Street" in panel and "Weekday evenings, Weekends" in panel


def test_an_address_given_with_letters_unticked_is_not_kept(client, auth, users):
    auth.login(users["caseworker"])
    walk_to_check(client, category="robbery", consent_kwargs={"address": "1 High Street", "permissions": ("may-phone",)})
    _submit(client)
    assert db.session.scalar(select(Person)).address is None


@pytest.mark.parametrize("role", ["advocate", "other_advocate", "commissioner", "admin"])
def test_only_caseworkers_reach_the_people_around_them_page(client, auth, users, role):
    auth.login(users[role])
    assert client.get("/referrals/new/people-around-them").status_code == 403
    assert client.post("/referrals/new/people-around-them", data={}).status_code == 403


def test_the_dpo_cannot_reach_the_page_and_signed_out_people_are_sent_to_sign_in(client, auth):
    response = client.get("/referrals/new/people-around-them")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    auth.login(make_user("dpo"))
    assert client.get("/referrals/new/people-around-them").status_code == 403


def test_the_service_refuses_a_perpetrator_born_in_the_future_and_a_bad_carer_phone(users):
    from victimcare.services.actors import Actor
    from victimcare.services.errors import ValidationFailed
    from victimcare.services.referrals import (
        ParentCarerDetails,
        PerpetratorDetails,
        ReferralInput,
        VictimDetails,
        create_referral,
    )

    data = ReferralInput(
        source="caseworker", offence_category="domestic-abuse", victim=VictimDetails(given_name="A", family_name="B"),
        perpetrator=PerpetratorDetails(date_of_birth=london_today() + timedelta(days=3)),
        parent_carer=ParentCarerDetails(name="C", phone="not a phone"), consent_referral=True)
    with pytest.raises(ValidationFailed) as refused:
        create_referral(Actor.from_user(users["caseworker"]), data)
    fields = {e["field"] for e in refused.value.errors}
    assert fields == {"perpetrator.date_of_birth", "parent_carer.phone"}
