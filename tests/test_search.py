"""The search box: people and referrals by a misspelt or swapped name, date of birth, reference, crime reference or
postcode; advocates over their own service's cases only; every search audited with the ids it showed."""
from datetime import date

from sqlalchemy import select

from victimcare.extensions import db
from victimcare.models import AuditEvent

from .factories import make_referral_with_case
from .helpers_cases import recent_case


def _case(service="domestic-abuse", given="John", family="Smith", **person):
    case = make_referral_with_case(service)
    victim = case.referral.person
    victim.given_name, victim.family_name = given, family
    for name, value in person.items():
        setattr(victim, name, value)
    db.session.commit()
    return case


def _results(client, text) -> str:
    response = client.get("/search", query_string={"q": text})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    return page[page.index("Find a person or referral</h1>"):]


def test_a_misspelt_or_swapped_name_finds_the_person(client, auth, users):
    case = _case()
    _case(given="Maria", family="Garcia")
    auth.login(users["caseworker"])
    for typed in ("Jon Smyth", "smith john", "John Smith", "Smyth"):
        page = _results(client, typed)
        assert case.referral.reference in page, typed
        assert "Maria" not in page, typed


def test_date_of_birth_reference_crime_reference_and_postcode_each_find_the_referral(client, auth, users):
    case = _case(date_of_birth=date(1990, 3, 27), postcode="SW1A 1AA")
    case.referral.crime_reference = "5012345/26"
    db.session.commit()
    other = _case(given="Ann", family="Other", date_of_birth=date(1991, 1, 1), postcode="E1 6AN")
    auth.login(users["caseworker"])
    for typed in ("27/3/1990", "1990-03-27", case.referral.reference.lower(), "5012345/26", "sw1a1aa",
                  "Jon Smith 27/03/1990"):
        page = _results(client, typed)
        assert case.referral.reference in page, typed
        assert other.referral.reference not in page, typed


def test_an_advocate_finds_only_their_own_services_cases(client, auth, users):
    mine = _case("domestic-abuse")
    theirs = _case("hate-crime")
    auth.login(users["advocate"])
    page = _results(client, "John Smith")
    assert f"/cases/{mine.id}" in page
    assert theirs.referral.reference not in page and f"/cases/{theirs.id}" not in page


def test_each_search_is_audited_with_the_ids_it_showed_and_not_the_text(client, auth, users):
    case = _case()
    auth.login(users["caseworker"])
    _results(client, "Jon Smyth")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "search"))
    assert event.action == "list"
    assert event.changes["criteria"] == ["name"]
    assert event.changes["referral_ids"] == [case.referral_id]
    assert "Smyth" not in str(event.changes) and "Smith" not in str(event.changes)


def test_an_unreadable_date_says_what_is_wrong(client, auth, users):
    auth.login(users["caseworker"])
    page = _results(client, "31/2/1990")
    assert "must be a real date" in page


def test_only_caseworkers_and_advocates_may_search(client, auth, users):
    _case()
    for role in ("commissioner", "admin"):
        auth.login(users[role])
        assert client.get("/search", query_string={"q": "Smith"}).status_code == 403, role
        assert 'id="header-search"' not in client.get("/home").get_data(as_text=True), role
        auth.logout()
    assert client.get("/search", query_string={"q": "Smith"}).status_code in (302, 401)
    for role in ("caseworker", "advocate"):
        auth.login(users[role])
        assert 'id="header-search"' in client.get("/home").get_data(as_text=True), role
        auth.logout()


def test_the_search_box_is_on_the_case_page(client, auth, users):
    case = recent_case()
    auth.login(users["advocate"])
    assert 'id="header-search"' in client.get(f"/cases/{case.id}").get_data(as_text=True)
