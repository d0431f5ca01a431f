"""The real-browser harness: the app on a live local server, driven by Debian's Chromium through Playwright.

One browser for the whole session, a fresh browser context (cookies, storage) for each test. The server runs the
session's `app` (schema built by the migrations, SQLite or TEST_DATABASE_URL) in a daemon thread; each request gets
its own app context there, so it sees whatever a test has committed with the factories.

Where Chromium (or Playwright) is missing, every browser test is skipped with a loud message, repeated in the
terminal summary. Set BROWSER_TESTS_REQUIRED=1 (for CI) to make that a failure instead of a skip.
"""
import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")  # Debian's; the variable is for other systems
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
STATIC_CSS = Path(__file__).resolve().parents[2] / "victimcare" / "static" / "css" / "main.css"
BANNER = "!" * 100

_unavailable: list[str] = []


def _no_browser(reason: str):
    message = f"BROWSER TESTS NOT RUN: {reason}"
    if os.environ.get("BROWSER_TESTS_REQUIRED"):
        pytest.fail(message + " (BROWSER_TESTS_REQUIRED is set)", pytrace=False)
    if message not in _unavailable:
        _unavailable.append(message)
        print(f"\n{BANNER}\n{message}\nAccessibility and keyboard checks were NOT made.\n{BANNER}")
    pytest.skip(message)


def pytest_terminal_summary(terminalreporter):
    if _unavailable:
        terminalreporter.write_sep("!", "BROWSER TESTS SKIPPED", red=True, bold=True)
        for message in _unavailable:
            terminalreporter.write_line(message, red=True, bold=True)
        terminalreporter.write_line(
            "No page was checked with axe-core or by keyboard. Install Debian's Chromium (make browser-deps).",
            red=True, bold=True,
        )


class QuietRequestHandler(WSGIRequestHandler):
    def log_request(self, code="-", size="-"):
        pass  # one line per asset request would bury the test output; errors are still logged


@pytest.fixture(scope="session")
def live_server(app):
    """The app served on 127.0.0.1 at a free port; yields its base URL."""
    if not STATIC_CSS.exists():
        pytest.fail(f"{STATIC_CSS} is missing: build the assets first (node frontend/build.mjs or make assets)", pytrace=False)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        _no_browser(f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        _no_browser(f"Playwright for Python is not installed ({error}); pip install -e '.[test]'")
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    except Exception as error:  # noqa: BLE001 - any launch failure means no browser on this machine
        playwright.stop()
        _no_browser(f"{CHROMIUM} failed to launch: {str(error).splitlines()[0]}")
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def context(browser, live_server):
    ctx = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900}, locale="en-GB",
                              timezone_id="Europe/London")
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    return context.new_page()


_hash_cache: dict[str, str] = {}


@pytest.fixture
def demo(app, monkeypatch):
    """The demo data (victimcare.demo) with 20 referrals; returns its password.

    Seeding hashes one password per demo user; argon2 takes a quarter of a second each time by design, so the same
    password's hash is computed once per session and reused (the hashes still verify in the real sign-in).
    """
    from victimcare.demo import DEMO_PASSWORD, seed_demo
    from victimcare.services import users as user_service

    real_hash = user_service.hash_password

    def cached_hash(password):
        if password not in _hash_cache:
            _hash_cache[password] = real_hash(password)
        return _hash_cache[password]

    monkeypatch.setattr(user_service, "hash_password", cached_hash)
    assert seed_demo(referral_count=20) is not None, "demo data already present: tables were not emptied"
    monkeypatch.setattr(user_service, "hash_password", real_hash)
    return DEMO_PASSWORD
