"""The pages of background work in a real browser, by keyboard, with axe: an administrator adds a partner
endpoint and reads its delivery log; an advocate sends a victim an appointment reminder and changes which emails
they get; a report export's progress page (refreshing without JavaScript) offers its file."""
from datetime import time

import pytest
from sqlalchemy import select

from victimcare.extensions import db
from victimcare.models import NotificationOptOut, WebhookEndpoint
from victimcare.services import exports
from victimcare.services.actors import Actor
from victimcare.uow import unit_of_work

from ..factories import TEST_PASSWORD, make_referral_with_case, make_user
from ..fake_notify import API_KEY, FakeNotify
from .helpers import assert_accessible, sign_in

pytestmark = pytest.mark.browser


def test_an_administrator_adds_a_partner_endpoint_by_keyboard(page):
    sign_in(page, make_user("admin").email, TEST_PASSWORD)
    page.goto("/admin/webhooks")
    assert_accessible(page, "webhooks, none yet")
    page.get_by_role("button", name="Add an endpoint").click()
    page.wait_for_load_state()
    page.get_by_label("Endpoint address").fill("https://partner.example/victimcare")
    page.get_by_label("Partner (optional)").fill("Example police force")
    page.get_by_label("A referral is received (referral.received)").check()
    page.get_by_label("A case is closed (case.closed)").press("Space")
    with page.expect_navigation():
        page.get_by_role("button", name="Add endpoint").press("Enter")
    assert page.get_by_role("heading", name="Endpoint added").is_visible()
    assert page.locator("#secret").inner_text().startswith("whsec_")
    assert_accessible(page, "the new endpoint's secret, shown once")
    page.get_by_role("link", name="Go to the endpoint's delivery log").click()
    page.wait_for_load_state()
    assert page.get_by_text("Nothing sent yet").is_visible()
    assert_accessible(page, "an endpoint's delivery log")
    endpoint = db.session.scalar(select(WebhookEndpoint))
    assert endpoint.events == ["referral.received", "case.closed"]
    page.goto("/admin/background-work")
    assert page.get_by_role("heading", name="Daily digest to staff").is_visible()
    assert_accessible(page, "background work")


def test_an_advocate_turns_off_the_digest_and_sends_a_reminder(page, app):
    advocate = make_user("advocate", service="domestic-abuse")
    case = make_referral_with_case("domestic-abuse", status="in-progress")
    person = case.referral.person
    person.phone, person.may_text = "07700 900123", True
    person.safe_contact_from, person.safe_contact_until = time(0, 0), time(23, 59)
    db.session.commit()
    sign_in(page, advocate.email, TEST_PASSWORD)
    page.get_by_role("link", name="Notifications").click()
    page.wait_for_load_state()
    assert_accessible(page, "notifications")
    page.get_by_label("Daily digest").uncheck()
    with page.expect_navigation():
        page.get_by_role("button", name="Save").press("Enter")
    assert page.get_by_text("Your email choices are saved.").is_visible()
    assert db.session.get(NotificationOptOut, (advocate.id, "daily-digest")) is not None

    saved = {k: app.config[k] for k in ("NOTIFY_API_KEY", "NOTIFY_BASE_URL", "NOTIFY_TEMPLATES")}
    with FakeNotify() as notify:
        app.config.update(NOTIFY_API_KEY=API_KEY, NOTIFY_BASE_URL=notify.base_url,
                          NOTIFY_TEMPLATES={("appointment-reminder", "sms"): "00000000-0000-4000-8000-000000000001"})
        try:
            page.goto(f"/cases/{case.id}")
            page.get_by_role("link", name="Messages", exact=True).click()
            page.wait_for_load_state()
            assert_accessible(page, "a case's messages, none yet")
            page.get_by_label("Appointment reminder").check()
            page.get_by_label("Text message", exact=True).check()
            page.get_by_label("Day").first.fill("10")
            page.get_by_label("Month").first.fill("12")
            page.get_by_label("Year").first.fill("2030")
            page.get_by_label("Appointment time").fill("14:30")
            with page.expect_navigation():
                page.get_by_role("button", name="Send message").press("Enter")
            assert page.get_by_text("The message is on its way.").is_visible()
            assert page.get_by_text("Appointment reminder by text message").is_visible()
            assert_accessible(page, "a case's messages, one sent")
        finally:
            app.config.update(saved)
    assert len(notify.sent) == 1


def _three_rows(export, actor, progress):
    progress(1, 1, "done")
    return exports.BuiltFile("rows.csv", "text/csv", b"a,b\n1,2\n")


def test_an_export_page_offers_its_file_and_passes_axe_while_waiting_and_when_ready(page, app):
    commissioner = make_user("commissioner")
    exports.register_builder("browser-test", _three_rows, "report.view")
    dispatcher = app.extensions["victimcare.jobs"]
    try:
        app.extensions["victimcare.jobs"] = None
        with unit_of_work():
            export_id = exports.start_export(Actor.from_user(commissioner), "browser-test", "Rows for a test", {}).id
        sign_in(page, commissioner.email, TEST_PASSWORD)
        page.goto(f"/exports/{export_id}")
        assert page.get_by_role("status").inner_text() == "Waiting to start"
        assert_accessible(page, "an export waiting")
        app.extensions["victimcare.jobs"] = dispatcher
        from victimcare.jobs import runner

        runner.run_due()
        from victimcare.models import ExportFile

        db.session.expire_all()
        built = db.session.get(ExportFile, export_id)
        assert built.status == "ready", (built.status, built.error)
        # The page's script sees the file is ready and reloads: the download appears without a click.
        page.get_by_role("button", name="Download the file").wait_for(timeout=15_000)
        assert_accessible(page, "an export ready")
        with page.expect_download() as download:
            page.get_by_role("button", name="Download the file").click()
        assert download.value.suggested_filename == "rows.csv"
    finally:
        app.extensions["victimcare.jobs"] = dispatcher
        exports.KINDS.pop("browser-test")
