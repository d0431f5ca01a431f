"""Keyboard-only use: skip link, signing in and out, and a visible focus indicator on every tab stop."""
import re

import pytest

from ..factories import TEST_PASSWORD
from .helpers import describe_focused, navigation_paths, sign_in, tab_stops

pytestmark = pytest.mark.browser


def _focused_matches(page, selector: str, text: str | None = None) -> bool:
    return page.evaluate(
        "([s, t]) => { const e = document.activeElement;"
        " return !!e && e.matches(s) && (t === null || e.innerText.trim() === t); }",
        [selector, text],
    )


def _tab_to(page, selector: str, text: str | None = None, limit: int = 40) -> list[str]:
    """Press Tab until the focused element matches `selector` (and shows `text`); returns the stops passed."""
    passed = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        if _focused_matches(page, selector, text):
            return passed
        passed.append(describe_focused(page))
    raise AssertionError(f"{selector} {text or ''} not reached by Tab in {limit} presses; passed: {passed}")


def _assert_skip_link_works(page):
    page.keyboard.press("Tab")
    assert _focused_matches(page, "a.govuk-skip-link"), f"first tab stop was {describe_focused(page)}"
    assert page.evaluate("() => document.activeElement.innerText.trim()") == "Skip to main content"
    assert page.locator("a.govuk-skip-link").is_visible(), "the skip link must show when focused"
    page.keyboard.press("Enter")
    assert _focused_matches(page, "#main-content"), f"after Enter focus was on {describe_focused(page)}"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.getElementById('main-content').contains(document.activeElement)"), (
        f"the next tab stop after skipping should be inside the main content, was {describe_focused(page)}"
    )


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_main_content(page, users):
    page.goto("/sign-in")
    _assert_skip_link_works(page)
    sign_in(page, users["caseworker"].email, TEST_PASSWORD)
    page.goto("/account/password")  # a page whose main content has something to tab to
    _assert_skip_link_works(page)


def test_signing_in_with_the_keyboard_alone(page, users):
    page.goto("/sign-in")
    passed = _tab_to(page, "input[name=email]")
    assert not any("password" in stop for stop in passed), "the email field should come before the password field"
    page.keyboard.type(users["advocate"].email)
    page.keyboard.press("Tab")
    assert _focused_matches(page, "input[name=password]"), f"Tab from email went to {describe_focused(page)}"
    page.keyboard.type(TEST_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/home")
    assert page.get_by_role("heading", level=1).inner_text().endswith("open cases")


def test_sign_out_is_reachable_by_tab_and_works(page, users):
    sign_in(page, users["commissioner"].email, TEST_PASSWORD)
    _tab_to(page, "button", "Sign out")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert re.search(r"/sign-in$", page.url)
    assert page.get_by_text("You have signed out.").is_visible()
    page.goto("/home")
    assert "/sign-in" in page.url, "after signing out, the home page must ask for sign-in again"


def _focus_problems(page, where: str) -> list[str]:
    problems = []
    stops = 0
    for description, problem in tab_stops(page):
        stops += 1
        if problem:
            problems.append(f"{where}: {description}: {problem}")
    if stops < 2:
        problems.append(f"{where}: only {stops} tab stop(s); the page cannot be used by keyboard")
    return problems


def test_sign_in_page_shows_focus_on_every_tab_stop(page, live_server):
    page.goto("/sign-in")
    problems = _focus_problems(page, "/sign-in")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()  # with the error summary and error messages
    page.wait_for_load_state()
    problems += _focus_problems(page, "/sign-in with errors")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("role", ["caseworker", "advocate", "commissioner", "admin"])
def test_each_page_in_the_navigation_shows_focus_on_every_tab_stop(page, users, role):
    sign_in(page, users[role].email, TEST_PASSWORD)
    nav_paths = navigation_paths(page)
    assert nav_paths, f"{role} sees no service navigation"
    problems = []
    for path in [*nav_paths, "/account/password"]:
        page.goto(path)
        problems += _focus_problems(page, f"[{role}] {path}")
    assert not problems, "\n".join(problems)
