"""An advocate records a police decision on the case's "Victims' Code" tab in a real browser, naming which decision
it was; the tab says so, and the four rights other agencies owe read "Not recorded here" with who owes them, in
words beside each badge. axe-clean at 1280 and 375 pixels, with and without errors."""
import re
from datetime import timedelta

import pytest

from victimcare.domain.clock import london_today

from ..factories import TEST_PASSWORD, make_referral_with_case, make_user
from .helpers import assert_accessible, sign_in

pytestmark = pytest.mark.browser


def _type_date(page, legend, day):
    group = page.get_by_role("group", name=re.compile(legend))
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_an_advocate_records_which_police_decision_the_victim_was_told_of(page):
    today = london_today()
    advocate = make_user("advocate", service="domestic-abuse")
    case = make_referral_with_case("domestic-abuse", "in-progress")
    sign_in(page, advocate.email, TEST_PASSWORD)
    page.goto(f"/cases/{case.id}")
    page.get_by_role("link", name="Victims' Code", exact=True).click()
    page.wait_for_load_state()
    rows = page.locator(".govuk-summary-list__row", has_text="Not recorded here")
    assert rows.count() == 4
    assert "Owed by the probation service's Victim Contact Scheme" in page.locator("main").inner_text()

    # A decision on another event is refused, in words at the field.
    page.get_by_role("radio", name="Told how to complain").check()
    _type_date(page, "When did it happen", today)
    page.get_by_label(re.compile("Which police decision")).select_option(label="Suspect bailed")
    with page.expect_navigation():
        page.get_by_role("button", name="Record what happened").click()
    assert "A police decision belongs only to" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page, "Victims' Code tab with an error")

    page.get_by_role("radio", name="Told of a police decision").check()
    _type_date(page, "When was the decision made", today - timedelta(days=1))
    with page.expect_navigation():
        page.get_by_role("button", name="Record what happened").click()
    text = page.locator("main").inner_text()
    assert "Recorded: Told of a police decision." in text and "Suspect bailed, decided" in text
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page, f"Victims' Code tab at {width}")
