"""The referral journey and the self-referral in a real browser: driven by keyboard, every page axe-clean.

Uses the shared browser harness in tests/browser (live server, Debian Chromium, axe-core); skipped with a loud
message where no browser is installed, like the rest of the browser suite.
"""
import pytest

from ..factories import TEST_PASSWORD, make_person
from .helpers import assert_accessible, sign_in

pytestmark = pytest.mark.browser


def _continue(page, name="Continue"):
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).press("Enter")


def _radio(page, group: str, option: str):
    page.get_by_role("group", name=group).get_by_label(option, exact=True).check()


def test_caseworker_journey_is_axe_clean_on_every_page(page, users):
    from datetime import date

    make_person(given_name="Maya", family_name="Okafor", date_of_birth=date(1991, 4, 12))
    sign_in(page, users["caseworker"].email, TEST_PASSWORD)
    page.goto("/referrals/new")
    assert_accessible(page)
    page.get_by_role("button", name="Start now").press("Enter")
    page.wait_for_url("**/referrals/new/person")
    assert_accessible(page)
    _continue(page, "Search")
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page, "person with errors")
    page.get_by_label("First name").fill("Maya")
    page.get_by_label("Last name").fill("Okafor")
    page.get_by_label("Day").fill("12")
    page.get_by_label("Month").fill("4")
    page.get_by_label("Year").fill("1991")
    _continue(page, "Search")
    assert "Likely match" in page.content()
    assert_accessible(page)
    page.get_by_label("None of these", exact=False).check()
    _continue(page)

    _continue(page)  # nothing answered: errors
    assert_accessible(page, "offence with errors")
    domestic_abuse_flag = page.get_by_role("group", name="Does any of this also apply?").get_by_label(
        "Domestic abuse", exact=True)
    assert domestic_abuse_flag.is_visible()
    page.get_by_label("What kind of offence was it?").select_option("domestic-abuse")
    assert not domestic_abuse_flag.is_visible()  # not asked twice
    page.get_by_label("Day").fill("2")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("Where did it happen?").select_option(label="Camden")
    page.get_by_label("Race").check()
    _continue(page)

    assert "/domestic-abuse" in page.url
    assert_accessible(page)
    radios = page.locator(".vc-dash input[value='yes']")
    for i in range(radios.count()):
        radios.nth(i).check()
    page.locator("#professional_judgement").check()  # first option: yes, revealing the reason
    page.get_by_label("If yes, why is the risk higher?").fill("Threats made this week")
    _continue(page, "Calculate the score")
    assert "24 of 24 yes" in page.content()
    assert_accessible(page, "DASH with score")
    _continue(page)

    assert "/people-around-them" in page.url
    assert_accessible(page)
    details = page.get_by_label("How many children, and how old are they?")
    assert not details.is_visible()  # revealed only by "Yes"
    _radio(page, "Are there children in the household?", "Yes")
    assert details.is_visible()
    details.fill("2 children, aged 4 and 9")
    page.get_by_label("Their name (if known)").fill("Dan Kerr")
    _radio(page, "Who are they to the victim?", "Ex-partner")
    _radio(page, "Do they live with the victim?", "No")
    assert_accessible(page, "people around them, children revealed")
    _continue(page)

    assert_accessible(page)
    page.get_by_label("Female").check()
    _continue(page)

    assert_accessible(page)
    who = page.get_by_label("Who gave consent?")
    assert not who.is_visible()
    page.locator("#consent_referral").check()
    assert who.is_visible()  # revealed by "Yes"
    who.fill("The victim")
    page.get_by_label("By phone").check()
    page.locator("#rj_requested-2").check()
    page.get_by_label("Phone them").check()
    address = page.get_by_label("Postal address")
    assert not address.is_visible()
    page.get_by_label("Write to them by post").check()
    assert address.is_visible()  # revealed by ticking letters
    address.fill("1 High Street\nLondon NW1 2AB")
    _radio(page, "Do they need an interpreter?", "Yes")
    page.get_by_label("Which language?").fill("Polish")
    assert_accessible(page, "consent with reveals open")
    _continue(page)

    assert "Check your answers" in page.content()
    assert_accessible(page)
    _continue(page, "Submit referral")
    assert "Referral submitted" in page.content()
    assert "Domestic abuse advocacy" in page.content() and "Hate crime advocacy" in page.content()
    assert_accessible(page)

    page.get_by_role("link", name="referral page").click()
    page.wait_for_load_state()
    assert_accessible(page, "referral page")
    _continue(page, "Add service")
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page, "referral page with override errors")


def test_self_referral_and_triage_are_axe_clean(page, users):
    page.goto("/self-referral")
    assert_accessible(page)
    exit_link = page.get_by_role("button", name="Emergency Exit this page")
    assert exit_link.get_attribute("href") == "https://www.bbc.co.uk/weather"
    _continue(page, "Send")
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page, "self-referral with errors")
    page.get_by_label("Someone targeted me because of who I am (hate crime)").check()
    page.get_by_label("Disability").check()
    page.get_by_label("Which London area did it happen in?").select_option(label="Hackney")
    page.get_by_label("First name").fill("Sam")
    page.get_by_label("Phone number (optional)").fill("07700 900456")
    page.get_by_label("Phone call").check()
    page.get_by_role("group", name="Do you agree to us passing your details to a support service?").get_by_label("Yes").check()
    _continue(page, "Send")
    assert "We have your details" in page.content()
    assert_accessible(page)

    sign_in(page, users["caseworker"].email, TEST_PASSWORD)
    page.goto("/triage")
    assert_accessible(page)
    page.locator("table a").first.click()
    page.wait_for_load_state()
    assert_accessible(page, "triage review")
    page.get_by_label("Last name").fill("Lee")
    _continue(page, "Confirm routing")
    assert "Routed" in page.content()


def test_the_young_peoples_and_someone_else_forms_are_axe_clean_with_errors_and_sent(page):
    page.goto("/self-referral/young-people")
    assert_accessible(page)
    _continue(page, "Send")
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page, "young people's form with errors")

    page.goto("/self-referral/for-someone-else")
    _continue(page, "Send")
    assert_accessible(page, "someone else's form with errors")
    page.get_by_label("Someone targeted them because of who they are (hate crime)").check()
    page.get_by_label("Race").check()
    page.get_by_label("Which London area did it happen in?").select_option(label="Hackney")
    page.get_by_label("Their first name").fill("Sam")
    page.get_by_label("Phone number (optional)").fill("07700 900456")
    page.get_by_label("Phone call").check()
    page.get_by_label("Your name").fill("Alex")
    page.get_by_label("Who are you to them?").fill("Friend")
    _radio(page, "Do they know you are asking for support for them, and agree?", "Yes")
    _continue(page, "Send")
    assert "We will not contact you" in page.content()
    assert_accessible(page, "someone else's confirmation")
