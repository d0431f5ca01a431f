"""Each role's first steps in a real browser, and the sign-in lockout as a person meets it."""
import pytest

from victimcare.demo import DEMO_DOMAIN

from ..factories import TEST_PASSWORD, make_referral_with_case
from .helpers import shoot, sign_in

pytestmark = pytest.mark.browser

LOCKOUT_MESSAGE = "Enter a correct email address and password."


def _h1(page) -> str:
    return page.get_by_role("heading", level=1).inner_text()


def test_caseworker_home_shows_the_triage_queue_and_a_way_to_start_a_referral(app, page, demo):
    sign_in(page, f"caseworker@{DEMO_DOMAIN}", demo)  # the demo data, so the queue has referrals in it
    assert page.url.endswith("/home")
    assert page.get_by_role("heading", name="Awaiting triage").is_visible()
    if "referrals.new" in app.view_functions:
        start = page.get_by_role("button", name="Start a new referral")
        assert start.is_visible()
        assert start.get_attribute("href").endswith("/referrals/new")
    assert page.get_by_text("Signed in as Casey Caseworker, Caseworker").is_visible()
    shoot(page, "caseworker-home")


def test_advocate_home_shows_their_service_and_its_cases_only(app, page, users):
    ours = make_referral_with_case("domestic-abuse")
    theirs = make_referral_with_case("hate-crime")
    sign_in(page, users["advocate"].email, TEST_PASSWORD)
    assert _h1(page) == "Domestic abuse advocacy: open cases"
    shoot(page, "advocate-home")
    if "cases.queue" in app.view_functions:  # the queue has its own page once case work is built
        with page.expect_navigation():
            page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Cases").click()
    assert ours.referral.reference in page.get_by_role("main").inner_text()
    assert theirs.referral.reference not in page.content()


def test_commissioner_home_shows_oversight_figures_only(page, users):
    make_referral_with_case("domestic-abuse")
    sign_in(page, users["commissioner"].email, TEST_PASSWORD)
    assert _h1(page) in ("Victims' Code oversight", "Reports")
    assert page.get_by_role("table").is_visible()
    assert "Testperson" not in page.content()
    shoot(page, "commissioner-home")


def test_admin_home_lists_users(page, users):
    sign_in(page, users["admin"].email, TEST_PASSWORD)
    assert _h1(page) == "Users"
    assert page.get_by_role("button", name="Add a user").is_visible()
    assert page.get_by_role("cell", name=users["caseworker"].email).is_visible()
    shoot(page, "admin-home")


def test_signed_out_visitor_is_sent_to_sign_in_and_back_to_the_page_they_asked_for(page, users):
    page.goto("/account/password")
    assert "/sign-in" in page.url
    page.get_by_label("Email address").fill(users["caseworker"].email)
    page.get_by_label("Password", exact=True).fill(TEST_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert page.url.endswith("/account/password")
    shoot(page, "change-password")


def _submit_sign_in(page, email, password):
    """Fill in the sign-in form already on the page (it stays on the page after a failure) and press Enter."""
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_label("Password", exact=True).press("Enter")


def _error_summary(page) -> str:
    return page.locator(".govuk-error-summary").inner_text()


def test_five_wrong_passwords_lock_the_account_with_no_hint_that_it_is_locked(page, users):
    email = users["caseworker"].email
    page.goto("/sign-in")
    shoot(page, "sign-in")
    messages = []
    for attempt in range(5):
        _submit_sign_in(page, email, f"wrong-password-{attempt}")
        assert "/sign-in" in page.url
        messages.append(_error_summary(page))
    assert LOCKOUT_MESSAGE in messages[0]
    assert len(set(messages)) == 1, "every failure should show the same message"

    _submit_sign_in(page, email, TEST_PASSWORD)
    assert "/sign-in" in page.url, "the right password must not open a locked account"
    assert _error_summary(page) == messages[0], "a locked account must look like a wrong password"
    page.goto("/home")
    assert "/sign-in" in page.url
    shoot(page, "sign-in-errors")
