"""Signing in with a second factor in a real browser: enrolment when required, then a code at each sign-in."""
import re
import time

import pyotp
import pytest

from tests.factories import TEST_PASSWORD, make_user

from .helpers import assert_accessible, shoot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def mfa_required(app):
    app.config["MFA_REQUIRED"] = True
    yield
    app.config["MFA_REQUIRED"] = False


def _code(secret, offset=0):
    return pyotp.TOTP(secret).at(int(time.time()) + offset)


def test_enrol_then_sign_in_with_an_authenticator_code(page, mfa_required):
    user = make_user("caseworker")
    sign_in(page, user.email, TEST_PASSWORD)
    assert page.get_by_role("heading", name="Sign-in security").is_visible()
    assert_accessible(page)
    shoot(page, "mfa-security-enrol-1280")
    page.get_by_role("button", name="Set up an authenticator app").click()
    assert page.get_by_role("img", name="QR code for your authenticator app").is_visible()
    assert_accessible(page)
    shoot(page, "mfa-authenticator-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    shoot(page, "mfa-authenticator-375")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_text("I cannot scan the code").click()
    secret = page.locator("code.vc-secret-key").inner_text().replace(" ", "")
    page.get_by_label("Code from the app").fill(_code(secret))
    page.get_by_role("button", name="Turn on").click()
    assert page.get_by_role("heading", name="Your recovery codes").is_visible()
    # The codes as the person sees them (page.content() also holds attributes GOV.UK's script adds, such as
    # data-govuk-skip-link-init, which has the same shape).
    codes = [text.strip() for text in page.locator("main li code").all_inner_texts()]
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-7]{4}(-[a-z2-7]{4}){3}", code) for code in codes)
    assert_accessible(page)
    shoot(page, "mfa-recovery-codes-1280")
    page.get_by_role("button", name="I have saved my recovery codes").click()
    assert page.get_by_role("link", name="Triage").is_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, user.email, TEST_PASSWORD)
    assert page.get_by_role("heading", name="Check it is you").is_visible()
    assert_accessible(page)
    shoot(page, "mfa-second-factor-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    shoot(page, "mfa-second-factor-375")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/triage")
    assert "/sign-in/second-factor" in page.url  # nothing opens before the code
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_text("The code is not right").first.is_visible()
    assert_accessible(page)
    page.get_by_label("Code").fill(_code(secret, 30))  # the next step: the one used at enrolment is spent
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_role("link", name="Triage").is_visible()
    page.goto("/account/security")
    assert_accessible(page)
    shoot(page, "mfa-security-on-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    shoot(page, "mfa-security-on-375")


def test_the_demo_banner_says_a_second_factor_is_not_required(page):
    user = make_user("caseworker")
    sign_in(page, user.email, TEST_PASSWORD)
    assert page.get_by_text("Second factor not required here").is_visible()
    assert_accessible(page)
    shoot(page, "mfa-demo-banner-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    shoot(page, "mfa-demo-banner-375")
