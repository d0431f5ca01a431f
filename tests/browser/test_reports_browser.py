"""The Commissioner's reports in a real browser, on the full demo seed: the postcode lottery's default view shows
figures, its bands darken as they worsen, and every square of the map is a named element a screen reader finds."""
import re

import pytest
from sqlalchemy import select

from victimcare.demo import DEMO_DOMAIN

from .helpers import assert_accessible, sign_in

pytestmark = pytest.mark.browser

COMMISSIONER = f"commissioner@{DEMO_DOMAIN}"


@pytest.fixture
def full_demo(app, monkeypatch):
    """The demo seed as `flask seed-demo` loads it (300 referrals), not the small one the other browser tests use."""
    from victimcare.demo import DEMO_PASSWORD, seed_demo

    from .conftest import _hash_cache
    from victimcare.services import users as user_service

    real_hash = user_service.hash_password
    monkeypatch.setattr(user_service, "hash_password",
                        lambda password: _hash_cache.setdefault(password, real_hash(password)))
    assert seed_demo() is not None
    monkeypatch.setattr(user_service, "hash_password", real_hash)
    return DEMO_PASSWORD


def _luminance(colour: str) -> float:
    red, green, blue = (int(part) / 255 for part in re.findall(r"\d+", colour)[:3])
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (red, green, blue)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_postcode_lottery_default_view_shows_the_demo_data(page, full_demo, app):
    from victimcare.extensions import db
    from victimcare.models import Borough

    with app.app_context():
        names = set(db.session.scalars(select(Borough.name)))
    sign_in(page, COMMISSIONER, full_demo)
    page.goto("/reports/postcode-lottery")
    tiles = page.locator("#tile-map g.vc-tile")
    assert tiles.count() == 33
    shown = page.locator("#tile-map g.vc-tile:not(.vc-tile--not-shown)")
    assert shown.count() >= 20, f"only {shown.count()} of 33 squares show a value on the demo seed"
    for i in range(tiles.count()):
        label = tiles.nth(i).get_attribute("aria-label")
        assert label.split(":")[0] in names, f"square named {label!r}, not by a borough's full name"
    # The accessibility tree has each square as a named image a screen reader can reach.
    assert page.get_by_role("img", name=re.compile(r"^Kensington and Chelsea: ")).count() == 1
    # Worst band darkest, in the squares and the key.
    worst = page.locator(".vc-tilemap__legend .vc-tile--much-worse").evaluate("e => getComputedStyle(e).backgroundColor")
    best = page.locator(".vc-tilemap__legend .vc-tile--much-better").evaluate("e => getComputedStyle(e).backgroundColor")
    assert _luminance(worst) < _luminance(best)
    fills = {}
    for band in ("much-worse", "worse", "close", "better", "much-better"):
        rect = page.locator(f"#tile-map g.vc-tile--{band} rect")
        if rect.count():
            fills[band] = _luminance(rect.first.evaluate("e => getComputedStyle(e).fill"))
    ordered = [fills[band] for band in ("much-worse", "worse", "close", "better", "much-better") if band in fills]
    assert ordered == sorted(ordered) and len(ordered) >= 3
    # Why the other figures are not shown, in words.
    assert re.search(r"is not shown for \d+ of 33 boroughs: fewer than 5", page.locator("#lottery-not-shown").inner_text())
    assert_accessible(page)
