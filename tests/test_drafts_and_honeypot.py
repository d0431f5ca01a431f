"""Half-written referrals do not outlive their session, and the self-referral honeypot cannot be learnt."""
from datetime import timedelta

from sqlalchemy import func, select

from victimcare.domain.clock import utc_now
from victimcare.extensions import db
from victimcare.jobs.sweeps import SWEEPS
from victimcare.models import Referral, ReferralDraft

from .helpers_referrals import (  # noqa: F401
    choose_person,
    find_person,
    honeypot_name,
    post,
    self_referral_data,
)


def _drafts_of(user) -> int:
    return db.session.scalar(select(func.count()).select_from(ReferralDraft).where(ReferralDraft.user_id == user.id))


def test_signing_out_deletes_the_users_drafts_in_every_browser(app, users):
    from .factories import TEST_PASSWORD, make_user

    browsers = [app.test_client() for _ in range(2)]
    for browser in browsers:
        browser.post("/sign-in", data={"email": users["caseworker"].email, "password": TEST_PASSWORD})
        assert find_person(browser).status_code == 302
    other = app.test_client()
    colleague = make_user("caseworker")
    other.post("/sign-in", data={"email": colleague.email, "password": TEST_PASSWORD})
    assert find_person(other).status_code == 302
    assert _drafts_of(users["caseworker"]) == 2
    browsers[0].post("/sign-out")
    assert _drafts_of(users["caseworker"]) == 0
    assert _drafts_of(colleague) == 1  # another user's journey carries on


def test_the_sweep_deletes_drafts_untouched_for_longer_than_the_idle_timeout(app, client, auth, users):
    auth.login(users["caseworker"])
    assert find_person(client).status_code == 302
    fresh, = db.session.scalars(select(ReferralDraft)).all()
    long_ago = utc_now() - app.config["IDLE_TIMEOUT"] - timedelta(minutes=1)
    db.session.add(ReferralDraft(token_hash="a" * 64, user_id=users["admin"].id, answers='{"given_name": "Old"}',
                                 created_at=long_ago, updated_at=long_ago))
    db.session.commit()
    assert SWEEPS["referral-drafts"].run() == {"deleted": 1}
    assert [d.id for d in db.session.scalars(select(ReferralDraft))] == [fresh.id]


def test_a_draft_left_longer_than_the_idle_timeout_reads_as_empty(app, client, auth, users):
    auth.login(users["caseworker"])
    assert find_person(client).status_code == 302
    assert choose_person(client).status_code == 302
    assert client.get("/referrals/new/offence").status_code == 200
    draft = db.session.scalars(select(ReferralDraft)).one()
    draft.updated_at = utc_now() - app.config["IDLE_TIMEOUT"] - timedelta(minutes=1)
    db.session.commit()
    page = client.get("/referrals/new/offence")
    assert page.status_code == 302 and page.headers["Location"].endswith("/referrals/new/person")


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
