"""The public self-referral as a victim meets it: nothing kept by the browser, no staff wording, and a confirmation
that says what happens next, by when, and where to get help now."""
import re

import time_machine
from sqlalchemy import select

from victimcare.extensions import db
from victimcare.models import Referral

from .helpers_referrals import honeypot_name, post, self_referral_data

PERSONAL_FIELDS = ("given_name", "family_name", "phone", "email", "description", "safe_times")
STAFF_FOOTER = "Every view and change is recorded"


def test_public_pages_are_never_stored_by_the_browser(client):
    for path in ("/self-referral",):
        assert client.get(path).headers["Cache-Control"] == "no-store"
    sent = client.get(post(client, "/self-referral", self_referral_data()).headers["Location"])
    assert sent.headers["Cache-Control"] == "no-store"


def test_personal_fields_are_not_remembered_by_the_browser(client):
    page = client.get("/self-referral").get_data(as_text=True)
    for name in PERSONAL_FIELDS:
        tag = re.search(rf'<(input|textarea)[^>]*name="{name}"[^>]*>', page)
        assert tag, f"no field {name}"
        assert 'autocomplete="off"' in tag.group(0), f"{name} may be remembered: {tag.group(0)}"


def test_public_pages_do_not_carry_the_staff_footer(client, auth, users):
    assert STAFF_FOOTER not in client.get("/self-referral").get_data(as_text=True)
    sent = client.get(post(client, "/self-referral", self_referral_data()).headers["Location"]).get_data(as_text=True)
    assert STAFF_FOOTER not in sent
    auth.login(users["caseworker"])
    assert STAFF_FOOTER in client.get("/home").get_data(as_text=True)


def test_public_pages_do_not_tell_a_victim_how_staff_sign_in(client, app):
    """The demo's banner about staff second factors is for staff; a victim on a public form is not told it."""
    assert app.config["MFA_REQUIRED"] is False  # the banner shows on staff pages here
    assert "Second factor" in client.get("/sign-in").get_data(as_text=True)
    for path in ("/self-referral", "/self-referral/young-people", "/self-referral/for-someone-else"):
        assert "Second factor" not in client.get(path).get_data(as_text=True), path


def _confirmation(client, **changes) -> str:
    response = post(client, "/self-referral", self_referral_data(**changes))
    return client.get(response.headers["Location"]).get_data(as_text=True)


@time_machine.travel("2026-03-02 10:00 +0000", tick=False)  # a Monday
def test_confirmation_says_what_happens_next_and_by_when(client):
    page = _confirmation(client)
    referral = db.session.scalar(select(Referral))
    due = referral.first_contact_due  # held for triage: where its details point, from receipt
    assert due is not None and not referral.routing_decisions
    assert "What happens next" in page
    assert f"by <strong>{due.strftime('%A')} {due.day} {due.strftime('%B %Y')}</strong>" in page
    assert "only in the ways you said are safe" in page
    # The reference in the panel is text in bold, not escaped markup.
    assert f'<strong class="vc-reference">{referral.reference}</strong>' in page
    assert "&lt;br&gt;" not in page and "&lt;strong" not in page


def test_confirmation_gives_the_helplines(client):
    page = _confirmation(client)
    for text in ("call 999", "press 55", "0808 2000 247", "08 08 16 89 111", "0800 1111"):
        assert text in page, text
    assert 'href="tel:08082000247"' in page


def test_confirmation_gives_a_service_phone_number_only_when_one_is_set(client, app):
    assert "call <a" not in _confirmation(client).split("Help you can get now")[0]
    app.config["SERVICE_PHONE"] = "020 7946 0000"
    try:
        page = _confirmation(client, given_name="Second")
    finally:
        app.config["SERVICE_PHONE"] = None
    assert 'href="tel:02079460000">020 7946 0000</a>' in page


def test_a_bot_gets_the_same_confirmation_with_a_date(client):
    page = _confirmation(client, **{honeypot_name(client): "http://spam.example"})
    assert "What happens next" in page and "by <strong>" in page
    assert db.session.scalar(select(Referral)) is None
