"""The queue after issue 14's statement cuts: the page count now rides on the page's statement and the advocate
list is read only when a filter names an advocate. The page, filtered by an advocate and past its last page,
still reads right at 1280 and 375 pixels and stays axe-clean."""
import pytest

from ..factories import TEST_PASSWORD
from ..helpers_cases import recent_case
from .helpers import assert_accessible, sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 375])
def test_queue_filtered_by_an_advocate_names_them_and_counts_the_cases(page, users, width):
    advocate = users["advocate"]
    for n in range(3):
        recent_case(status="accepted", assigned_to_id=advocate.id if n else None)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, advocate.email, TEST_PASSWORD)
    page.goto(f"/cases/?assignee={advocate.id}")
    text = page.locator("main").inner_text()
    assert f"Showing {advocate.name}" in text and "2 cases" in text
    page.screenshot(path=f"/tmp/queue-assignee-{width}.png", full_page=True)
    assert_accessible(page)
    page.goto("/cases/?page=5")
    assert "There is no page 5: 3 cases match" in page.locator("main").inner_text()
    page.screenshot(path=f"/tmp/queue-past-end-{width}.png", full_page=True)
    assert_accessible(page)
    page.get_by_role("link", name="Go to the first page").click()
    assert "3 cases, sorted by first-contact due date" in page.locator("main").inner_text()
