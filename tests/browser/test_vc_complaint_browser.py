"""A Victims' Commissioner advocate records a complaint's agency, Code right and the agency's response by keyboard;
the page passes axe empty, with errors and filled in. (The crawler signs in as a domestic-abuse advocate, so it
never reaches this page.)"""
from datetime import date, timedelta

import pytest

from ..factories import TEST_PASSWORD, make_referral_with_case, make_user
from .helpers import assert_accessible, sign_in

pytestmark = pytest.mark.browser


def _submit(page):
    with page.expect_navigation():
        page.get_by_role("button", name="Save complaint").press("Enter")


def test_an_advocate_records_a_complaint_with_the_keyboard(page):
    advocate = make_user("advocate", service="victims-commissioner")
    case = make_referral_with_case("victims-commissioner", status="in-progress")
    sign_in(page, advocate.email, TEST_PASSWORD)
    page.goto(f"/cases/{case.id}")
    page.get_by_role("link", name="Complaint", exact=True).click()
    page.wait_for_load_state()
    assert_accessible(page, "complaint page, nothing recorded")

    _submit(page)
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert page.evaluate("() => document.activeElement.closest('.govuk-error-summary') !== null")
    assert_accessible(page, "complaint page with errors")

    # From the error summary to the agency radios, then everything by keyboard.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "agency"
    page.keyboard.press("Space")  # the first agency
    for _ in range(3):
        page.keyboard.press("ArrowDown")  # ... to the fourth, the Crown Prosecution Service
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "code_right"
    page.keyboard.type("Information about the trial")
    asked = date.today() - timedelta(days=10)
    for part in (asked.day, asked.month, asked.year):
        page.keyboard.press("Tab")
        page.keyboard.type(str(part))
    _submit(page)
    text = page.locator("main").inner_text()
    assert "Complaint saved" in text and "Crown Prosecution Service" in text and "Awaiting response" in text
    assert "Information about the trial" in text and "(20 working days)" in text
    assert_accessible(page, "complaint page, response requested")
