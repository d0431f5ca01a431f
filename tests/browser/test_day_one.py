"""What a new user saw wrong on day one, checked the way they saw it: in a real browser at real window sizes.

Tables whose last columns were only reachable by scrolling sideways, identity-bar facts at font size 0, two
navigation items marked current, a filter panel covering the list on a phone, and a quick exit that left the
form one Back press away.
"""
import pytest

from victimcare.demo import DEMO_DOMAIN

from .helpers import sign_in, wide_tables

pytestmark = pytest.mark.browser

ADVOCATE = f"domestic-abuse@{DEMO_DOMAIN}"
CASEWORKER = f"caseworker@{DEMO_DOMAIN}"
ADMIN = f"admin@{DEMO_DOMAIN}"


@pytest.mark.parametrize("width", [1280, 1920])
def test_list_tables_fit_their_page(page, demo, width):
    page.set_viewport_size({"width": width, "height": 900})
    problems = []
    for email, paths in ((ADVOCATE, ["/cases/", "/cases/?status=new&status=in-progress"]),
                         (CASEWORKER, ["/triage", "/home"]),
                         (ADMIN, ["/audit/events"])):
        page.context.clear_cookies()
        sign_in(page, email, demo)
        for path in paths:
            page.goto(path)
            assert page.locator("main table").count(), f"{path} shows no table on the demo data"
            problems += [f"{path} at {width}px: {p}" for p in wide_tables(page)]
    assert not problems, "\n".join(problems)


def test_identity_bar_facts_are_visible(page, demo):
    sign_in(page, ADVOCATE, demo)
    page.goto("/cases/")
    with page.expect_navigation():
        page.locator("#case-queue tbody a").first.click()
    bar = page.get_by_role("region", name="Who this case is about")
    facts = bar.locator(".vc-identity-bar__name, dt, dd")
    assert facts.count() >= 11  # the name and five facts with their labels
    window_width = page.viewport_size["width"]
    for i in range(facts.count()):
        fact = facts.nth(i)
        text = fact.inner_text()
        box = fact.bounding_box()
        size = float(fact.evaluate("e => getComputedStyle(e).fontSize").rstrip("px"))
        assert size >= 16, f"identity bar {text!r} at font size {size}px"
        assert box and box["width"] > 0 and 0 <= box["x"] and box["x"] + box["width"] <= window_width, f"{text!r} off screen"
    name_size = float(bar.locator(".vc-identity-bar__name").evaluate("e => getComputedStyle(e).fontSize").rstrip("px"))
    caption_size = float(bar.locator(".vc-identity-bar__caption").evaluate("e => getComputedStyle(e).fontSize").rstrip("px"))
    assert name_size > caption_size, "the victim's name must be larger than the caption above it"
    for label in ("Age", "Borough", "Reference", "Status", "Risk"):
        assert bar.locator("dt", has_text=label).is_visible()


def test_only_one_navigation_item_is_current_on_the_referral_journey(page, demo):
    sign_in(page, CASEWORKER, demo)
    for path, current in (("/referrals/new/person", "New referral"), ("/triage", "Triage"), ("/home", "Home")):
        page.goto(path)
        marked = page.locator(".govuk-service-navigation [aria-current]")
        assert marked.count() == 1, f"{path}: {marked.count()} navigation items marked current"
        assert marked.inner_text().strip() == current


def test_pagination_marks_the_current_page_readably(page, demo):
    sign_in(page, ADMIN, demo)
    page.goto("/audit/events")
    current = page.locator(".govuk-pagination__item--current a")
    assert current.get_attribute("aria-current") == "page" and current.inner_text() == "1"
    colours = current.evaluate("e => [getComputedStyle(e).color, getComputedStyle(e.parentElement).backgroundColor]")
    assert colours[0] == "rgb(255, 255, 255)", f"current page number is {colours[0]} on {colours[1]}"
    with page.expect_navigation():
        page.get_by_role("link", name="Next page").click()
    assert page.locator(".govuk-pagination__item--current a").inner_text() == "2"


def test_queue_filter_on_a_phone_does_not_cover_the_list_and_can_be_closed(page, demo):
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, ADVOCATE, demo)
    page.goto("/cases/")
    filter_panel = page.locator(".moj-filter-layout__filter")
    assert not filter_panel.is_visible(), "the filter starts hidden on a phone"
    first_case = page.locator("#case-queue tbody a").first
    assert first_case.is_visible()
    page.get_by_role("button", name="Show filter").click()
    assert filter_panel.is_visible()
    page.get_by_role("button", name="Close").click()
    assert not filter_panel.is_visible() and first_case.is_visible()


def test_queue_filter_without_javascript_sits_above_the_list(browser, live_server, demo):
    context = browser.new_context(base_url=live_server, viewport={"width": 375, "height": 800}, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, ADVOCATE, demo)
        page.goto("/cases/")
        filter_box = page.locator(".moj-filter-layout__filter").bounding_box()
        table_box = page.locator("#case-queue").bounding_box()
        assert filter_box["y"] + filter_box["height"] <= table_box["y"], "the filter covers the list"
        assert page.locator(".moj-filter-layout__filter").evaluate("e => getComputedStyle(e).position") == "static"
    finally:
        context.close()


def test_exit_this_page_leaves_no_way_back_to_the_form(page, live_server):
    page.route("https://www.bbc.co.uk/**", lambda route: route.fulfill(status=200, content_type="text/html",
                                                                      body="<title>Weather</title><h1>Weather</h1>"))
    page.goto("/sign-in")
    page.goto("/self-referral")
    page.get_by_label("First name").fill("Private Name")
    with page.expect_navigation():
        page.get_by_role("button", name="Exit this page").first.click()
    assert page.url.startswith("https://www.bbc.co.uk/")
    page.go_back()
    assert "/self-referral" not in page.url, "Back brought the self-referral form back"
    assert "Private Name" not in page.content()


def test_the_case_page_says_how_to_reach_the_victim_safely(page, demo):
    sign_in(page, ADVOCATE, demo)
    page.goto("/cases/")
    with page.expect_navigation():
        page.locator("#case-queue tbody a").first.click()
    panel = page.get_by_role("region", name="How to reach them safely")
    phone = panel.locator(".vc-contact-routes__row", has_text="Phone")
    assert phone.is_visible()
    assert "07700 900" in phone.inner_text()  # the demo victims' numbers, with their rule beside them
    assert phone.locator(".vc-contact-routes__rule").inner_text().strip()
    assert page.get_by_role("heading", name="About the referral").is_visible()
