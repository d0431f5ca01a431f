"""Sessions in a real browser: a copied cookie dies with sign-out; "Your sessions" lists and ends the others."""
import pytest

from tests.factories import TEST_PASSWORD, make_user

from .helpers import assert_accessible, shoot, sign_in

pytestmark = pytest.mark.browser


def test_your_sessions_page_signs_out_the_other_browser(browser, context, live_server):
    user = make_user("caseworker")
    here = context.new_page()
    sign_in(here, user.email, TEST_PASSWORD)
    other_context = browser.new_context(base_url=live_server, user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like "
                                        "Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 "
                                        "Safari/604.1")
    try:
        phone = other_context.new_page()
        sign_in(phone, user.email, TEST_PASSWORD)
        here.get_by_role("link", name="Your sessions").click()
        assert here.get_by_role("heading", name="Your sessions").is_visible()
        assert here.get_by_text("This browser").is_visible()
        assert here.get_by_role("heading", name="Safari on iPhone").is_visible()
        assert_accessible(here)
        shoot(here, "account-sessions-1280")
        here.set_viewport_size({"width": 375, "height": 800})
        shoot(here, "account-sessions-375")
        here.get_by_role("button", name="Sign out of other sessions").click()
        assert here.get_by_text("You have signed out of 1 other session.").is_visible()
        assert_accessible(here)
        phone.goto("/home")
        assert "/sign-in" in phone.url
    finally:
        other_context.close()


def test_a_copied_cookie_is_dead_after_sign_out(browser, context, live_server):
    user = make_user("caseworker")
    page = context.new_page()
    sign_in(page, user.email, TEST_PASSWORD)
    copied = [c for c in context.cookies() if c["name"] == "session"]
    page.get_by_role("button", name="Sign out").click()
    thief = browser.new_context(base_url=live_server)
    try:
        thief.add_cookies(copied)
        stolen = thief.new_page()
        stolen.goto("/home")
        assert "/sign-in" in stolen.url
    finally:
        thief.close()
