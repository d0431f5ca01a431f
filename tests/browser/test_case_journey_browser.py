"""An advocate takes a case from new to closed in a real browser, keyboard first, each step on the timeline,
and every page on the way passes axe. The lead approves the closure."""
from datetime import date, timedelta

import pytest

from ..factories import TEST_PASSWORD, make_referral_with_case, make_user
from .helpers import assert_accessible, sign_in

pytestmark = pytest.mark.browser


def _submit(page, name):
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).press("Enter")


def _timeline(page) -> str:
    return page.locator("main").inner_text()


def test_an_advocate_takes_a_case_from_new_to_closed(page, context):
    advocate = make_user("advocate", service="domestic-abuse")
    lead = make_user("advocate", service="domestic-abuse", is_lead=True)
    case = make_referral_with_case("domestic-abuse")

    sign_in(page, advocate.email, TEST_PASSWORD)
    page.goto(f"/cases/{case.id}")
    assert_accessible(page, "case page, new")

    _submit(page, "Accept case")
    assert "Accepted" in page.locator("main").inner_text()
    _submit(page, "Start work")
    assert "In progress" in page.locator("main").inner_text()

    # First contact: the clock stops and the page says whether it was in time.
    page.get_by_role("link", name="Contacts").click()
    page.wait_for_load_state()
    assert_accessible(page, "contacts page")
    today = date.today() - timedelta(days=1)  # yesterday: a time today could still be in the future
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Time").fill("10:30")
    page.get_by_role("group", name="How did you try to make contact?").get_by_label("Phone call").check()
    page.get_by_role("group", name="What happened?").get_by_label("Spoke to the victim").check()
    _submit(page, "Record contact attempt")
    assert "Contact attempt recorded" in page.locator("main").inner_text()

    page.get_by_role("link", name="Overview and timeline").click()
    page.wait_for_load_state()
    assert "After the due date" in _timeline(page) or "Within the due date" in _timeline(page)

    # Ask to close, with outcomes.
    page.get_by_role("link", name="Ask to close the case").click()
    page.wait_for_load_state()
    assert_accessible(page, "closure request form")
    page.get_by_role("group", name="Why is the case closing?").get_by_label("Support completed").check()
    page.get_by_role("group", name="Feels safer").get_by_label("Improved").check()
    page.get_by_role("group", name="Better able to cope").get_by_label("Improved").check()
    page.get_by_role("group", name="Better informed about the criminal justice process").get_by_label("Not asked").check()
    _submit(page, "Ask a lead to approve closure")
    assert "Closure requested" in page.locator("main").inner_text()

    # The lead approves it.
    context.clear_cookies()
    sign_in(page, lead.email, TEST_PASSWORD)
    page.goto(f"/cases/{case.id}")
    page.get_by_role("link", name="Review the closure request").click()
    page.wait_for_load_state()
    assert_accessible(page, "closure review")
    page.get_by_role("group", name="Decision").get_by_label("Approve closure").check()
    _submit(page, "Save decision")

    page.goto(f"/cases/{case.id}")
    text = _timeline(page)
    assert "Closed" in text
    # Each step is on the timeline, newest first.
    titles = [t.lower() for t in page.locator(".moj-timeline__title").all_inner_texts()]
    text = " | ".join(titles)
    for step in ("accepted", "in progress", "contact", "clos"):
        assert step in text, (step, titles)
    # Newest first: the closure comes before the acceptance.
    closed_at = next(i for i, t in enumerate(titles) if "clos" in t)
    accepted_at = next(i for i, t in enumerate(titles) if "accepted" in t)
    assert closed_at < accepted_at, titles
    assert_accessible(page, "case page, closed")
