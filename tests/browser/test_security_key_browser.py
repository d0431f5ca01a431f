"""A security key in a real browser: Chromium's virtual authenticator (through the DevTools protocol) adds a key
on Sign-in security, then signs in with it as the second factor."""
import pytest

from tests.factories import TEST_PASSWORD, make_user

from .helpers import assert_accessible, shoot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def mfa_required(app):
    app.config["MFA_REQUIRED"] = True
    yield
    app.config["MFA_REQUIRED"] = False


@pytest.fixture
def key_page(browser, live_server):
    # WebAuthn needs a host name for its relying party: an IP address like 127.0.0.1 is refused by the browser.
    context = browser.new_context(base_url=live_server.replace("127.0.0.1", "localhost"),
                                  viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "usb", "hasResidentKey": False, "hasUserVerification": True,
        "isUserVerified": True, "automaticPresenceSimulation": True}})
    yield page
    context.close()


def test_add_a_security_key_then_sign_in_with_it(key_page, mfa_required):
    page = key_page
    user = make_user("caseworker")
    sign_in(page, user.email, TEST_PASSWORD)
    assert page.get_by_role("heading", name="Sign-in security").is_visible()
    page.get_by_label("Name for the key").fill("Test key")
    page.get_by_role("button", name="Add a security key").click()
    page.wait_for_url("**/home")
    assert page.get_by_text("Your security key is added").is_visible()
    page.goto("/account/security")
    assert page.get_by_role("button", name="Remove Test key").is_visible()
    assert_accessible(page)
    shoot(page, "security-keys-1280")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, user.email, TEST_PASSWORD)
    assert page.get_by_role("heading", name="Check it is you").is_visible()
    assert_accessible(page)
    shoot(page, "second-factor-key-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    shoot(page, "second-factor-key-375")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Use your security key").click()
    page.wait_for_url("**/home")
    assert page.get_by_role("link", name="Triage").is_visible()
