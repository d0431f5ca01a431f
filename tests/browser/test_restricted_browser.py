"""Restricted records in a real browser: a caseworker restricts a victim's record; an advocate not named sees
"Restricted record" in the queue, breaks the glass with a reason, works the case, and the lead reviews the access.
Every page on the way passes axe, at desktop and phone widths."""
import os
from pathlib import Path

import pytest

from ..factories import TEST_PASSWORD, make_user
from ..helpers_cases import recent_case
from .helpers import assert_accessible, sign_in

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("RESTRICTED_SHOTS")  # a folder: screenshots of each page at 1280 and 375 pixels


def _look(page, name: str) -> None:
    """axe at desktop and phone widths (and screenshots when RESTRICTED_SHOTS is set)."""
    for width, height in ((1280, 900), (375, 812)):
        page.set_viewport_size({"width": width, "height": height})
        assert_accessible(page, f"{name} at {width}px")
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def _press(page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).press("Enter")


def test_restrict_break_the_glass_and_review_in_a_browser(page, context):
    caseworker = make_user("caseworker")
    advocate = make_user("advocate", service="domestic-abuse")
    lead = make_user("advocate", service="domestic-abuse", is_lead=True)
    case = recent_case("domestic-abuse")
    person = case.referral.person
    reference = case.referral.reference

    # A caseworker restricts the record from the referral page, naming the lead.
    sign_in(page, caseworker.email, TEST_PASSWORD)
    page.goto(f"/referrals/{reference}")
    page.get_by_role("link", name="Restrict this record").click()
    page.wait_for_load_state()
    _look(page, "restriction-form")
    page.get_by_label("The victim works here or with us").check()
    page.get_by_label(lead.name, exact=False).check()
    _press(page, "Save restriction")
    assert "only the people you named, and you, can open it" in page.locator("main").inner_text()
    assert "Restricted record: the victim works here or with us." in page.locator("main").inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").first.click()

    # The advocate, not named, sees "Restricted record" in the queue, without the name.
    sign_in(page, advocate.email, TEST_PASSWORD)
    page.goto("/cases/")
    queue = page.locator("main").inner_text()
    assert "Restricted record" in queue and person.family_name not in queue
    _look(page, "queue-with-restricted-row")

    # Opening it asks for a reason; without one, the error says what to do.
    page.goto(f"/cases/{case.id}")
    assert person.family_name not in page.locator("main").inner_text()
    _look(page, "restricted-record")
    _press(page, "Break the glass and open the record")
    assert "Say why you need to open this record" in page.locator("main").inner_text()
    page.get_by_label("Why do you need to open this record?").fill("Victim rang in crisis; their advocate is away")
    _press(page, "Break the glass and open the record")
    main = page.locator("main").inner_text()
    assert person.family_name in main and "You opened it with break-glass until" in main
    _look(page, "case-opened-with-break-glass")
    context.clear_cookies()

    # The lead reviews the access from their home page.
    sign_in(page, lead.email, TEST_PASSWORD)
    page.goto("/home")
    page.get_by_role("link", name="break-glass accesses to review").click()
    page.wait_for_load_state()
    listing = page.locator("main").inner_text()
    assert "Waiting for review" in listing and advocate.name in listing
    _look(page, "break-glass-reviews")
    page.get_by_role("link", name="Review").first.click()
    page.wait_for_load_state()
    _look(page, "break-glass-review")
    page.get_by_label("Yes, it was justified").check()
    page.get_by_label("Notes (optional)").fill("Checked with the duty rota")
    _press(page, "Record the review")
    assert "Review recorded" in page.locator("main").inner_text()
    page.goto("/break-glass")
    assert "Justified" in page.locator("main").inner_text()
