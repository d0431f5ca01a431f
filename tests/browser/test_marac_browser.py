"""A MARAC coordinator runs a meeting in a real browser, from the agenda to completed actions: creates the meeting,
sees the agenda fill itself with times and the total, defers a case with a reason, records the other's hearing and
an action, sees the overdue action on their home page and marks it done, and makes the partner share. Every page
passes axe, with and without errors."""
import re
from datetime import timedelta

import pytest

from victimcare.domain.clock import london_today

from ..factories import TEST_PASSWORD
from ..helpers_marac import make_coordinator, referred_case
from .helpers import assert_accessible, sign_in

pytestmark = pytest.mark.browser


def _press(page, name):
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def _type_date(page, legend, day):
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_a_coordinator_runs_a_meeting_from_agenda_to_completed_actions(page):
    today = london_today()
    coordinator = make_coordinator()
    heard = referred_case(today - timedelta(days=6))
    referred_case(today - timedelta(days=4))
    sign_in(page, coordinator.email, TEST_PASSWORD)

    page.get_by_role("link", name="MARAC", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_text("No meetings yet").is_visible()
    assert_accessible(page, "MARAC meetings, none yet")
    page.get_by_role("button", name="Create a meeting").click()
    page.wait_for_load_state()
    _press(page, "Create meeting and fill the agenda")
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page, "new meeting with errors")

    _type_date(page, "Date of the meeting", today)
    page.get_by_label("Area: a BCU").select_option(label="Central South BCU (Lambeth, Southwark)")
    page.get_by_label("Chair").fill("DI Example")
    for agency in ("Police", "IDVA service", "Housing"):
        page.get_by_role("group", name="Agencies invited").get_by_label(agency, exact=True).check()
    _press(page, "Create meeting and fill the agenda")
    main = page.locator("main")
    assert "2 cases were added to its agenda" in main.inner_text()
    assert "30 minutes planned" in main.inner_text()
    assert_accessible(page, "meeting page with its agenda")

    # Defer the second case, with a reason.
    page.get_by_role("link", name="Defer").nth(1).click()
    page.wait_for_load_state()
    _press(page, "Defer to the next meeting")
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page, "defer page with errors")
    page.get_by_label("Why is this case deferred?").fill("The police officer in the case is away")
    _press(page, "Defer to the next meeting")
    text = page.locator("main").inner_text()
    assert "Deferred because: The police officer in the case is away" in text and "15 minutes planned" in text

    # Hear the first: agencies present, risks, the victim's views; then an action already past its due date.
    page.get_by_role("link", name=heard.referral.person.full_name, exact=True).click()
    page.wait_for_load_state()
    assert_accessible(page, "hearing page, not yet heard")
    present = page.get_by_role("group", name="Agencies present")
    present.get_by_label("Police", exact=True).check()
    present.get_by_label("Housing", exact=True).check()
    page.get_by_label("Risks discussed").fill("Threats made by text; he knows the new address")
    page.get_by_label("The victim's views, as their IDVA gave them").fill("Wants the locks changed")
    _press(page, "Record the hearing")
    assert "The hearing was recorded" in page.locator("main").inner_text()
    page.get_by_label("Agency").select_option(label="Housing")
    page.get_by_label("Owner (the person responsible)").fill("Housing officer Example")
    page.get_by_label("Action", exact=True).fill("Change the locks")
    _type_date(page, "Due date", today - timedelta(days=1))
    _press(page, "Add action")
    assert "Overdue" in page.locator("#actions ~ .vc-table-scroll").first.inner_text()
    assert_accessible(page, "hearing page with an overdue action")

    # The coordinator's home page shows it; marking it done clears it.
    page.goto("/home")
    assert "MARAC actions overdue" in page.locator("#count-marac-overdue").inner_text()
    assert "None" not in page.locator("#count-marac-overdue").inner_text()
    page.goto(f"/cases/{heard.id}")
    timeline = page.locator("main").inner_text()
    assert "Heard at MARAC on" in timeline and "MARAC action agreed: Housing" in timeline
    page.go_back()
    page.get_by_role("link", name="MARAC meetings", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Overdue actions").is_visible()
    page.get_by_role("link", name=today.strftime("%-d %B %Y")).first.click()
    page.wait_for_load_state()
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(r"^Mark done.*Change the locks")).click()
    assert "Done late" in page.locator("main").inner_text()
    page.goto("/home")
    assert "None" in page.locator("#count-marac-overdue").inner_text()

    # The partner share: marked, and only the meeting's fields.
    page.goto("/marac/")
    page.get_by_role("link", name=today.strftime("%-d %B %Y")).first.click()
    page.wait_for_load_state()
    _press(page, "Make the partner share")
    assert page.locator(".vc-marking").count() == 2
    assert "Change the locks" not in page.locator("main").inner_text()
    assert_accessible(page, "partner share")
    href = page.get_by_role("link", name=re.compile("Download as CSV")).get_attribute("href")
    download = page.request.get(href)
    assert download.status == 200 and "OFFICIAL-SENSITIVE" in download.headers["content-disposition"]
    lines = download.text().splitlines()
    assert lines[0] == lines[-1] == "OFFICIAL-SENSITIVE" and heard.referral.person.full_name in download.text()


def test_a_restricted_case_reads_restricted_record_on_the_agenda_and_a_future_meeting_waits(page):
    from victimcare.extensions import db
    from victimcare.models import RecordRestriction, RecordRestrictionUser
    from victimcare.services import marac
    from victimcare.services.actors import Actor

    from ..helpers_marac import SOUTH_BCU

    today = london_today()
    coordinator, named = make_coordinator(), make_coordinator()
    hidden = referred_case(today - timedelta(days=5))
    open_case = referred_case(today - timedelta(days=4))
    person = hidden.referral.person
    db.session.add(RecordRestriction(person_id=person.id, reason="works-here"))
    db.session.add(RecordRestrictionUser(person_id=person.id, user_id=named.id))
    db.session.commit()
    meeting = marac.create_meeting(Actor.from_user(named), held_on=today + timedelta(days=7), chair="DI Example",
                                   agencies=["police"], bcu=SOUTH_BCU)
    db.session.commit()
    sign_in(page, coordinator.email, TEST_PASSWORD)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/marac/meetings/{meeting.id}")
        text = page.locator("main").inner_text()
        assert "Restricted record" in text and person.family_name not in text
        assert "Open the case to ask for access" in text
        assert_accessible(page, f"agenda with a restricted record at {width}")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.get_by_role("link", name=re.compile(r"^Defer")).count() == 1  # only the case that opens
    with page.expect_navigation():
        page.get_by_role("link", name="Restricted record").click()
    assert "/cases/" in page.url and person.family_name not in page.locator("main").inner_text()  # break-glass page
    page.go_back()
    page.get_by_role("link", name=open_case.referral.person.full_name, exact=True).click()
    page.wait_for_load_state()
    assert "Record this case's hearing and the actions agreed on that day or after" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Record the hearing").count() == 0
    assert_accessible(page, "hearing page of a meeting not yet held")
