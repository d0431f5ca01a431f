"""The referral form's questions and errors as a caseworker meets them: dates say what is wrong, the DASH error
summary follows the page, every problem on a page arrives at once, follow-up questions are revealed under the
answer that needs them, nothing is asked twice, a hate crime has a strand (or "not known yet"), and a route that
is withheld is explained on the confirmation."""
import re
from datetime import date

from sqlalchemy import select

from victimcare.extensions import db
from victimcare.models import Referral

from .helpers_referrals import (
    CAMDEN,
    about,
    choose_person,
    consent,
    find_person,
    form,
    offence,
    post,
    walk_to_check,
)


def _text(response) -> str:
    return response.get_data(as_text=True)


def _summary_links(page: str) -> list[str]:
    summary = page[page.index("govuk-error-summary"):page.index("</ul>", page.index("govuk-error-summary"))]
    return re.findall(r'href="#([^"]+)"', summary)


def _person(client, day, month, year):
    return post(client, "/referrals/new/person", form([("date_of_birth", day), ("date_of_birth", month),
                                                       ("date_of_birth", year)], given_name="Maya",
                                                      family_name="Okafor", postcode=""))


def test_date_errors_say_what_is_wrong(client, auth, users):
    auth.login(users["caseworker"])
    assert "Date of birth must be a real date" in _text(_person(client, "31", "2", "1990"))
    assert "Year must include 4 numbers" in _text(_person(client, "12", "4", "90"))
    missing = _text(_person(client, "12", "", "1990"))
    assert "Date of birth must include a month" in missing
    # GOV.UK: only the box that is missing is marked
    month_box = re.search(r'<input[^>]*id="date_of_birth-month"[^>]*>', missing).group(0)
    assert "govuk-input--error" in month_box
    day_box = re.search(r'<input[^>]*id="date_of_birth"[^>]*>', missing).group(0)
    assert "govuk-input--error" not in day_box
    assert "Date of birth must be a real date" in _text(_person(client, "1", "x", "1990"))
    assert _person(client, "", "", "").status_code == 302  # not known is an answer


def test_the_offence_date_is_checked_against_the_date_of_birth_on_the_offence_page(client, auth, users):
    auth.login(users["caseworker"])
    find_person(client, dob=date(2001, 5, 1)), choose_person(client)
    empty = post(client, "/referrals/new/offence", form([("offence_date", "")] * 3, offence_category="robbery",
                                                        offence_borough=CAMDEN))
    assert "Enter the date of the offence" in _text(empty)
    before_birth = offence(client, category="robbery", on=date(2000, 1, 1))
    assert before_birth.status_code == 400
    assert "The offence cannot have happened before the victim was born" in _text(before_birth)


def test_the_dash_error_summary_follows_the_page(client, auth, users):
    auth.login(users["caseworker"])
    find_person(client), choose_person(client), offence(client, category="domestic-abuse")
    page = _text(post(client, "/referrals/new/domestic-abuse", [("submit", "x")]))
    links = _summary_links(page)
    assert links[0].startswith("dash_") and links[-1] == "professional_judgement"
    assert len(links) == 25


def test_a_flag_that_repeats_the_offence_is_not_asked_again(client, auth, users):
    auth.login(users["caseworker"])
    find_person(client), choose_person(client)
    page = _text(client.get("/referrals/new/offence"))
    assert 'data-same-as-category="domestic-abuse"' in page and "data-vc-category-select" in page
    walk_to_check(client, category="domestic-abuse", flags=("domestic-abuse", "weapon"))
    check = _text(client.get("/referrals/new/check"))
    also = check[check.index("Also applies"):check.index("Hate crime strands")]
    assert "A weapon was involved" in also and "Domestic abuse" not in also


def test_a_hate_crime_needs_a_strand_or_not_known_yet(client, auth, users):
    auth.login(users["caseworker"])
    find_person(client), choose_person(client)
    none = offence(client, category="hate-crime")
    assert none.status_code == 400
    assert "Select at least one strand of hostility for a hate crime, or select &#39;Not known yet&#39;" in _text(none)
    both = offence(client, category="hate-crime", strands=("race", "not-known"))
    assert both.status_code == 400 and "not both" in _text(both)
    assert 'govuk-checkboxes__divider' in _text(both) and 'data-behaviour="exclusive"' in _text(both)
    assert offence(client, category="robbery").status_code == 302  # other offences need no strand

    walk_to_check(client, category="hate-crime", strands=("not-known",))
    check = _text(client.get("/referrals/new/check"))
    assert "Not known yet" in check
    client.post("/referrals/new/check", data={})
    referral = db.session.scalar(select(Referral))
    assert referral.strand_slugs == [] and referral.offence_category == "hate-crime"


def test_the_consent_page_reveals_each_answers_follow_up_and_reports_every_problem_at_once(client, auth, users):
    auth.login(users["caseworker"])
    walk_to_check(client, category="robbery")
    page = _text(client.get("/referrals/new/consent"))
    reveals = re.findall(r'<div class="govuk-radios__conditional[^"]*" id="([^"]+)"', page)
    assert len(reveals) >= 5  # yes, no, not asked; restorative justice; interpreter
    yes_input = re.search(r'<input[^>]*id="consent_referral"[^>]*>', page).group(0)
    revealed = re.search(r'data-aria-controls="([^"]+)"', yes_input).group(1)
    after_yes = page[page.index(f'id="{revealed}"'):]
    assert after_yes.index('name="consent_given_by"') < after_yes.index('id="consent_referral-2"')
    no_input = re.search(r'<input[^>]*id="consent_referral-2"[^>]*>', page).group(0)
    assert "data-aria-controls" in no_input
    assert page.count('name="lawful_basis"') == 2 * 4  # drawn under "No" and under "Not asked yet"
    assert 'id="lawful_basis-not-asked"' in page

    refused = consent(client, agreed="yes", given_by="", method="", rj="yes", rj_consent="", phone="12",
                      permissions=("may-write",), address="", interpreter="yes", language="")
    assert refused.status_code == 400
    text = _text(refused)
    for message in ("Enter who gave consent", "Choose how consent was given",
                    "Say whether the victim has given written consent to restorative justice",
                    "Enter their postal address, or untick writing to them by post",
                    "Enter the language they need an interpreter for"):
        assert message in text, message
    assert "phone number" in text.lower()


def test_a_withheld_route_is_explained_on_the_confirmation(client, auth, users):
    auth.login(users["caseworker"])
    walk_to_check(client, category="domestic-abuse", dash_yes=15, consent_kwargs={"rj": "yes", "rj_consent": "no"})
    submitted = client.post("/referrals/new/check", data={})
    page = _text(client.get(submitted.headers["Location"]))
    assert "Not referred, and why" in page
    assert "Restorative justice was requested but is not offered: domestic abuse at high DASH risk." in page
