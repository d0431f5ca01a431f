"""The advocate's home when a count passes the cap: "More than 1,000" fits its card at 1280 and 375 pixels and
the page stays axe-clean."""
from datetime import timedelta

import pytest

from victimcare.domain.clock import london_today

from ..factories import TEST_PASSWORD
from ..helpers_cases import recent_case
from .helpers import assert_accessible, sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 375])
def test_capped_counts_read_more_than_and_fit_their_cards(page, users, monkeypatch, width):
    from victimcare.services import queues

    monkeypatch.setattr(queues, "COUNT_CAP", 1)
    for _ in range(2):
        recent_case(status="new", first_contact_due=london_today() - timedelta(days=1),
                    assigned_to_id=users["advocate"].id)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, users["advocate"].email, TEST_PASSWORD)
    page.goto("/home")
    card = page.locator("#count-new")
    assert "More than\n1" in card.inner_text()  # "More than" small above the figure
    number = card.locator(".vc-count__number").bounding_box()
    box = card.bounding_box()
    assert number["x"] + number["width"] <= box["x"] + box["width"] + 1  # the words stay inside the card
    page.screenshot(path=f"/tmp/scale-home-capped-{width}.png", full_page=True)
    assert_accessible(page)
