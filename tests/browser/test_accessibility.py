"""Every page each role can reach, and the public and error pages, pass axe-core's WCAG 2.2 A and AA rules.

The crawler follows links rather than a fixed list, so pages added later are checked without changing this file.
"""
import pytest

from victimcare.demo import DEMO_DOMAIN

from ..factories import TEST_PASSWORD, make_user
from .helpers import assert_accessible, crawl, navigation_paths, sign_in

pytestmark = pytest.mark.browser

ROLES = {
    "caseworker": f"caseworker@{DEMO_DOMAIN}",
    "advocate": f"domestic-abuse@{DEMO_DOMAIN}",
    "advocate-lead": f"domestic-abuse.lead@{DEMO_DOMAIN}",
    "marac-coordinator": f"domestic-abuse.marac@{DEMO_DOMAIN}",
    "commissioner": f"commissioner@{DEMO_DOMAIN}",
    "admin": f"admin@{DEMO_DOMAIN}",
    "dpo": f"dpo@{DEMO_DOMAIN}",
}


def _route_exists(app, path: str, method: str = "GET") -> bool:
    return app.url_map.bind("localhost").test(path, method=method)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_reaches_passes_axe(page, demo, role):
    sign_in(page, ROLES[role], demo)
    result = crawl(page, starts=["/home", *navigation_paths(page)], label=role)
    print(f"{role}: checked {len(result.visited)} pages: " + ", ".join(f"{p} ({s})" for p, s in result.visited))
    assert len(result.visited) >= 2, f"{role} reached no page beyond home: {result.visited}"
    assert not result.problems, f"{len(result.problems)} problem(s) for {role}:\n" + "\n".join(result.problems)


def test_sign_in_page_passes_axe(page, live_server):
    page.goto("/sign-in")
    assert_accessible(page)


def test_sign_in_page_with_errors_passes_axe(page, live_server):
    page.goto("/sign-in")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.title().startswith("Error:")
    assert_accessible(page, "/sign-in with errors")


def test_wrong_password_message_passes_axe(page, live_server):
    page.goto("/sign-in")
    page.get_by_label("Email address").fill("nobody@example.org")
    page.get_by_label("Password", exact=True).fill("not-the-password")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page, "/sign-in after a wrong password")


def test_signed_out_message_passes_axe(page, users):
    sign_in(page, users["caseworker"].email, TEST_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    assert page.get_by_text("You have signed out.").is_visible()
    assert_accessible(page, "/sign-in after signing out")


def test_not_found_page_passes_axe_signed_out_and_in(page, users):
    response = page.goto("/no-such-page")
    assert response.status == 404
    assert_accessible(page, "404 signed out")
    sign_in(page, users["caseworker"].email, TEST_PASSWORD)
    response = page.goto("/no-such-page")
    assert response.status == 404
    assert page.get_by_role("heading", name="Page not found").is_visible()
    assert_accessible(page, "404 signed in")


def test_forbidden_page_passes_axe(page, users):
    sign_in(page, users["caseworker"].email, TEST_PASSWORD)
    response = page.goto("/admin/users")
    assert response.status == 403
    assert_accessible(page, "403 (caseworker at /admin/users)")


def test_public_pages_pass_axe(app, page, live_server):
    """Every page linked from the sign-in page (the self-referral form, once built)."""
    page.goto("/sign-in")
    result = crawl(page, starts=["/sign-in"], max_depth=2, label="signed out", signed_in=False)
    problems = result.problems
    if not _route_exists(app, "/self-referral"):
        # The sign-in page already links to it; until it is built that link is a 404, reported elsewhere.
        problems = [p for p in problems if p != "[signed out] /self-referral (linked from /sign-in): HTTP 404"]
    assert not problems, "\n".join(problems)


def test_self_referral_with_errors_passes_axe(app, page, live_server):
    if not _route_exists(app, "/self-referral", "POST"):
        pytest.skip("/self-referral is not built yet")
    page.goto("/self-referral")
    with page.expect_navigation():
        page.locator("main form[method=post] [type=submit]").last.click()
    assert page.locator(".govuk-error-summary").is_visible(), "submitting the self-referral form empty showed no errors"
    assert_accessible(page, "/self-referral with errors")


@pytest.mark.parametrize(
    "role, path",
    [
        ("admin", "/admin/users/new"),
        ("caseworker", "/account/password"),
        ("caseworker", "/referrals/new/person"),
    ],
)
def test_form_with_validation_errors_passes_axe(app, page, live_server, role, path):
    if not _route_exists(app, path, "POST"):
        pytest.skip(f"{path} is not built yet")
    sign_in(page, make_user(role).email, TEST_PASSWORD)
    page.goto(path)
    with page.expect_navigation():
        page.locator("main form[method=post] [type=submit]").last.click()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible(), f"submitting {path} empty showed no error summary"
    assert page.evaluate("() => document.activeElement.closest('.govuk-error-summary') !== null"), \
        "focus should move to the error summary"
    assert_accessible(page, f"{path} with errors")
