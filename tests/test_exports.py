"""Long work with progress: a file built by a job for the person who asked, with a progress page that works
without JavaScript, a download when ready (audited, like its creation), and the file gone after an hour."""
from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import select, text

from victimcare.extensions import db
from victimcare.jobs import runner
from victimcare.jobs.sweeps import SWEEPS
from victimcare.models import AuditEvent, ExportFile
from victimcare.services import exports
from victimcare.services.actors import Actor
from victimcare.uow import unit_of_work

from .factories import make_user

seen_progress = []


def _build_counting(export, actor, progress):
    progress(1, 2, "first half")
    with db.engine.connect() as other:  # what another request (the progress page) sees meanwhile
        seen_progress.append(other.execute(text("SELECT status, progress_done, progress_total FROM export_files "
                                                "WHERE id = :id"), {"id": export.id}).one())
    progress(2, 2, "second half")
    return exports.BuiltFile("numbers.csv", "text/csv; charset=utf-8", b"n\n1\n2\n")


def _build_broken(export, actor, progress):
    raise RuntimeError("the report could not be computed")


@pytest.fixture(autouse=True)
def _builders():
    exports.register_builder("test-numbers", _build_counting, "report.view")
    exports.register_builder("test-broken", _build_broken, "report.view")
    yield
    exports.KINDS.pop("test-numbers")
    exports.KINDS.pop("test-broken")


@pytest.fixture
def commissioner():
    return make_user("commissioner")


def _start(user, kind="test-numbers"):
    with unit_of_work():
        return exports.start_export(Actor.from_user(user), kind, "Numbers, 2026", {"back": "/reports/"}).id


def test_an_export_reports_progress_as_it_goes_and_is_downloaded_by_its_requester(client, auth, commissioner):
    seen_progress.clear()
    export_id = _start(commissioner)
    assert tuple(seen_progress[0]) == ("running", 1, 2)  # committed while the job was still running
    auth.login(commissioner)
    page = client.get(f"/exports/{export_id}")
    assert page.status_code == 200 and b"Ready to download" in page.data and b'role="status"' in page.data
    assert b'http-equiv="refresh"' not in page.data  # finished: nothing refreshes
    download = client.get(f"/exports/{export_id}/download")
    assert download.status_code == 200 and download.data == b"n\n1\n2\n"
    assert 'filename=numbers.csv' in download.headers["Content-Disposition"]
    events = [(e.action, e.changes) for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "export_file").order_by(AuditEvent.seq))]
    assert [action for action, _ in events] == ["export", "update", "export"]
    assert events[2][1]["downloaded"] is True and len(events[2][1]["sha256"]) == 64


def test_a_running_export_refreshes_without_javascript_and_has_a_live_region(client, auth, commissioner):
    dispatcher = client.application.extensions["victimcare.jobs"]
    client.application.extensions["victimcare.jobs"] = None  # not run yet
    try:
        export_id = _start(commissioner)
    finally:
        client.application.extensions["victimcare.jobs"] = dispatcher
    auth.login(commissioner)
    page = client.get(f"/exports/{export_id}").get_data(as_text=True)
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page
    assert 'aria-live="polite"' in page and "Waiting to start" in page
    assert client.get(f"/exports/{export_id}/status").get_json() == {
        "status": "queued", "percent": 0, "words": "Waiting to start", "finished": False}
    assert client.get(f"/exports/{export_id}/download").status_code == 410


def test_nobody_else_can_see_or_download_an_export(client, auth, commissioner):
    export_id = _start(commissioner)
    auth.login(make_user("commissioner"))
    assert client.get(f"/exports/{export_id}").status_code == 404
    assert client.get(f"/exports/{export_id}/download").status_code == 404


def test_the_file_expires_an_hour_after_it_is_made(client, auth, commissioner, app):
    export_id = _start(commissioner)
    export = db.session.get(ExportFile, export_id)
    stored = exports.export_dir() / export.storage_name
    assert stored.exists()
    later = datetime.now(timezone.utc) + timedelta(minutes=61)
    with time_machine.travel(later):
        auth.login(commissioner)
        assert client.get(f"/exports/{export_id}/download").status_code == 410
        assert b"This file has expired" in client.get(f"/exports/{export_id}").data
        with unit_of_work():
            assert SWEEPS["export-files"].run() == {"deleted": 1}
    assert not stored.exists()
    assert db.session.get(ExportFile, export_id).status == "expired"


def test_an_export_that_keeps_failing_says_so(client, auth, commissioner):
    export_id = _start(commissioner, "test-broken")
    moment = datetime.now(timezone.utc)
    for _ in range(2):
        moment += timedelta(seconds=61)
        with time_machine.travel(moment):
            runner.run_due()
    auth.login(commissioner)
    page = client.get(f"/exports/{export_id}").get_data(as_text=True)
    assert "The file could not be made" in page and "RuntimeError" in page


def test_only_roles_that_may_run_the_report_may_export_it():
    from victimcare.services.errors import Forbidden

    with pytest.raises(Forbidden):
        _start(make_user("caseworker"))


def test_a_report_export_over_a_long_period_is_built_in_the_background(client, auth, commissioner):
    auth.login(commissioner)
    period = {"from": "2022-01-01", "to": "2025-12-31", "group_by": "service"}
    response = client.get("/reports/code-compliance.csv", query_string=period)
    assert response.status_code == 302 and response.headers["Location"].startswith("/exports/")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Victims&#39; Code compliance, 1 January 2022 to 31 December 2025 (CSV)" in page
    assert "Ready to download" in page and 'href="/reports/code-compliance?' in page
    background = client.get(response.headers["Location"] + "/download")
    assert background.status_code == 200
    assert 'filename=code-compliance-by-service-2022-01-01-to-2025-12-31.csv' in \
        background.headers["Content-Disposition"]
    client.application.config["EXPORT_BACKGROUND_DAYS"] = 5000
    try:
        direct = client.get("/reports/code-compliance.csv", query_string=period)
    finally:
        client.application.config["EXPORT_BACKGROUND_DAYS"] = 366
    assert direct.status_code == 200 and direct.data == background.data  # the same file either way


def test_a_short_report_export_still_downloads_at_once(client, auth, commissioner):
    auth.login(commissioner)
    response = client.get("/reports/postcode-lottery.xlsx", query_string={"from": "2025-01-01", "to": "2025-06-30"})
    assert response.status_code == 200 and response.data[:2] == b"PK"
    assert db.session.scalar(select(ExportFile)) is None
