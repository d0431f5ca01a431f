"""The public self-referral, and caseworkers triaging it."""
from datetime import date

from sqlalchemy import func, select

from victimcare.extensions import db
from victimcare.models import AuditEvent, Case, Person, Referral

from .factories import make_person, service
from .helpers_referrals import (  # noqa: F401
    WESTMINSTER,
    date_fields,
    honeypot_name,
    post,
    self_referral_data,
)


def test_self_referral_needs_no_sign_in_and_has_a_quick_exit(client):
    response = client.get("/self-referral")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'href="https://www.bbc.co.uk/weather"' in page and "govuk-exit-this-page" in page
    assert 'class="vc-hp"' in page


def test_self_referral_creates_a_triage_referral_and_shows_its_reference(client):
    response = post(client, "/self-referral", self_referral_data())
    assert response.status_code == 302
    referral = db.session.scalar(select(Referral))
    assert (referral.source, referral.status, referral.consent_referral) == ("self-referral", "triage", True)
    assert referral.strand_slugs == ["race"]
    sent = client.get(response.headers["Location"]).get_data(as_text=True)
    assert referral.reference in sent
    # The reference is shown once; reloading the page does not show it again.
    assert client.get("/self-referral/sent").status_code == 302


def test_self_referral_never_matches_existing_people(client):
    make_person(given_name="Sam", family_name="", date_of_birth=None)
    post(client, "/self-referral", self_referral_data())
    assert db.session.scalar(select(func.count()).select_from(Person)) == 2


def test_self_referral_errors_are_in_the_summary(client):
    response = post(client, "/self-referral", self_referral_data(what_happened="", phone="", consent="no",
                                                                 contact_ways=[]))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert "Choose what happened" in page
    assert "Give a phone number or an email address" in page
    assert "We can only pass on your details if you agree" in page
    assert db.session.scalar(select(Referral)) is None


def test_honeypot_pretends_success_but_saves_nothing(client):
    response = post(client, "/self-referral", self_referral_data(**{honeypot_name(client): "http://spam.example"}))
    assert response.status_code == 302
    assert "VC-" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Referral)) == 0
    assert db.session.scalar(select(func.count()).select_from(Person)) == 0


def test_self_referral_is_rate_limited_per_address(client, app):
    limit = int(app.config["SELF_REFERRAL_RATE_LIMIT"].split()[0])
    for _ in range(limit):
        assert post(client, "/self-referral", self_referral_data()).status_code == 302
    blocked = post(client, "/self-referral", self_referral_data())
    assert blocked.status_code == 429
    assert db.session.scalar(select(func.count()).select_from(Referral)) == limit
    # Reading the form is not limited.
    assert client.get("/self-referral").status_code == 200


def test_triage_queue_lists_oldest_first_with_due_dates(client, auth, users):
    post(client, "/self-referral", self_referral_data(given_name="First"))
    post(client, "/self-referral", self_referral_data(given_name="Second", what_happened="other", hate_strands=[]))
    auth.login(users["caseworker"])
    page = client.get("/triage").get_data(as_text=True)
    page = page[page.index('id="triage-queue"'):]
    assert page.index("First") < page.index("Second")
    due = db.session.scalar(select(Referral.first_contact_due).order_by(Referral.id))
    assert due.strftime("%-d %B %Y") in page
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "list", AuditEvent.object_type == "referral"))
    assert event.changes["queue"] == "triage"


def test_confirming_triage_completes_details_and_reroutes(client, auth, users):
    # A 15-year-old's self-referral about a sexual offence: without a date of birth the Child House rule cannot apply.
    post(client, "/self-referral", self_referral_data(what_happened="sexual-offence", hate_strands=[]))
    referral = db.session.scalar(select(Referral))
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0  # nobody but caseworkers sees it yet
    auth.login(users["caseworker"])
    form = client.get(f"/triage/{referral.reference}")
    assert form.status_code == 200
    data = date_fields("date_of_birth", date(2011, 1, 5)) + date_fields("offence_date", date(2026, 2, 1)) + [
        ("given_name", "Sam"), ("family_name", "Lee"), ("postcode", "sw1a 1aa"), ("offence_category", "sexual-offence"),
        ("offence_borough", WESTMINSTER), ("crime_reference", "5012345/26"), ("flags", "sexual-offence"),
        ("consent_referral", "yes"),
    ]
    response = post(client, f"/triage/{referral.reference}", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    referral = db.session.get(Referral, referral.id)
    assert referral.status == "routed" and referral.age_at_offence == 15
    # Routed on the completed details only: the general service the bare self-referral pointed to is not added.
    services = {c.service.slug for c in db.session.scalars(select(Case))}
    assert services == {"child-house"}
    assert referral.person.family_name == "Lee" and referral.person.postcode == "SW1A 1AA"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Child House" in page
    assert "Routing confirmed for" in page and "govuk-notification-banner--success" in page
    update = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "update", AuditEvent.object_type == "referral"))
    assert update.changes["status"] == {"before": "triage", "after": "routed"}
    assert client.get("/triage").get_data(as_text=True).count(referral.reference) == 0


def test_triage_of_an_already_triaged_referral_goes_to_the_referral_page(client, auth, users):
    post(client, "/self-referral", self_referral_data())
    referral = db.session.scalar(select(Referral))
    referral.status = "routed"
    db.session.commit()
    auth.login(users["caseworker"])
    response = client.get(f"/triage/{referral.reference}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/referrals/{referral.reference}")


def _selects_for(client, path):
    from sqlalchemy import event

    statements = []

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_triage_queue_query_count_does_not_grow_with_rows(client, auth, users):
    post(client, "/self-referral", self_referral_data())
    auth.login(users["caseworker"])
    one = _selects_for(client, "/triage")
    for n in range(4):
        post(client, "/self-referral", self_referral_data(given_name=f"Person{n}", what_happened="other", hate_strands=[]))
    assert _selects_for(client, "/triage") == one


def test_a_postcode_typed_without_a_space_at_triage_is_found_by_a_search_with_one(client, auth, users):
    """Triage once stored "SW1A1AA", which the person search for "SW1A 1AA" never found."""
    from victimcare.services import people
    from victimcare.services.actors import Actor

    post(client, "/self-referral", self_referral_data())
    referral = db.session.scalar(select(Referral))
    auth.login(users["caseworker"])
    data = date_fields("date_of_birth", date(1990, 1, 5)) + [
        ("given_name", "Sam"), ("family_name", "Lee"), ("postcode", "sw1a1aa"), ("offence_category", "hate-crime"),
        ("hate_strands", "race"), ("offence_borough", WESTMINSTER), ("consent_referral", "yes"),
    ]
    assert post(client, f"/triage/{referral.reference}", data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Referral, referral.id).person.postcode == "SW1A 1AA"
    found = people.search_people(Actor.from_user(users["caseworker"]), "Sam", "Leigh", postcode="SW1A 1AA")
    assert [m.person.family_name for m in found] == ["Lee"]


def test_triage_refuses_a_postcode_that_is_not_one(client, auth, users):
    post(client, "/self-referral", self_referral_data())
    referral = db.session.scalar(select(Referral))
    auth.login(users["caseworker"])
    data = [("given_name", "Sam"), ("family_name", "Lee"), ("postcode", "not a postcode"),
            ("offence_category", "hate-crime"), ("consent_referral", "yes")]
    response = post(client, f"/triage/{referral.reference}", data)
    assert response.status_code == 400
    assert "Enter a real UK postcode, like SW1A 1AA" in response.get_data(as_text=True)


def test_a_self_referral_phone_number_is_stored_in_e164(client):
    """An Ofcom drama number is not "valid" to libphonenumber, but it is possible, so it is accepted."""
    assert post(client, "/self-referral", self_referral_data(phone="07700 900000")).status_code == 302
    assert db.session.scalar(select(Person.phone)) == "+447700900000"


def test_a_self_referral_phone_number_that_cannot_be_one_is_refused(client):
    response = post(client, "/self-referral", self_referral_data(phone="999"))
    assert response.status_code == 400
    assert "Enter a phone number, like 07700 900982" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Referral)) == 0


def test_triage_shows_the_phone_number_in_the_national_format(client, auth, users):
    post(client, "/self-referral", self_referral_data(phone="+44 7700 900456"))
    referral = db.session.scalar(select(Referral))
    assert referral.person.phone == "+447700900456"
    auth.login(users["caseworker"])
    page = client.get(f"/triage/{referral.reference}").get_data(as_text=True)
    assert "07700 900456" in page and "+447700900456" not in page
