"""Half-written referrals do not outlive their session, and the self-referral honeypot cannot be learnt."""
import os
import time

from sqlalchemy import func, select

from victimcare.extensions import db
from victimcare.jobs.sweeps import SWEEPS
from victimcare.models import Referral

from .helpers_referrals import (  # noqa: F401
    find_person,
    honeypot_name,
    post,
    referral_drafts_dir,
    self_referral_data,
)


def _drafts(directory):
    return sorted(directory.glob("*.json")) if directory.exists() else []


def test_signing_out_deletes_the_users_drafts_in_every_browser(app, users, referral_drafts_dir):
    from .factories import TEST_PASSWORD

    browsers = [app.test_client() for _ in range(2)]
    for browser in browsers:
        browser.post("/sign-in", data={"email": users["caseworker"].email, "password": TEST_PASSWORD})
        assert find_person(browser).status_code == 302
    other = app.test_client()
    other.post("/sign-in", data={"email": users["admin"].email, "password": TEST_PASSWORD})
    assert len(_drafts(referral_drafts_dir)) == 2
    browsers[0].post("/sign-out")
    assert _drafts(referral_drafts_dir) == []


def test_the_sweep_deletes_drafts_untouched_for_longer_than_the_idle_timeout(app, client, auth, users,
                                                                            referral_drafts_dir):
    auth.login(users["caseworker"])
    assert find_person(client).status_code == 302
    fresh_draft, = _drafts(referral_drafts_dir)
    stale = referral_drafts_dir / ("a" * 64 + ".json")
    stale.write_text('{"user_id": 999, "answers": {"given_name": "Old"}}')
    long_ago = time.time() - app.config["IDLE_TIMEOUT"].total_seconds() - 60
    os.utime(stale, (long_ago, long_ago))
    assert SWEEPS["referral-drafts"].run() == {"deleted": 1}
    assert _drafts(referral_drafts_dir) == [fresh_draft]


def test_the_honeypot_has_a_new_name_every_time_the_form_is_shown(client):
    names = {honeypot_name(client) for _ in range(3)}
    assert len(names) == 3 and "website" not in names
    page = client.get("/self-referral").get_data(as_text=True)
    assert 'name="website"' not in page


def test_a_bot_filling_the_honeypot_it_was_shown_saves_nothing(client):
    name = honeypot_name(client)
    assert post(client, "/self-referral", self_referral_data(**{name: "http://spam.example"})).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Referral)) == 0


def test_a_person_who_leaves_it_empty_is_referred(client):
    name = honeypot_name(client)
    assert post(client, "/self-referral", self_referral_data(**{name: ""})).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Referral)) == 1


def test_personal_fields_of_the_self_referral_are_not_remembered_by_the_browser(client):
    import re

    page = client.get("/self-referral").get_data(as_text=True)
    for name in ("given_name", "family_name", "phone", "email", "description", "safe_times"):
        tag = re.search(rf'<(?:input|textarea)[^>]*name="{name}"[^>]*>', page).group(0)
        assert 'autocomplete="off"' in tag, name
