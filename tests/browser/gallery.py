"""The page gallery: every page each role can reach, photographed full-page at 1280 and 375 pixels wide.

    make gallery                                   # a fresh demo database, served on a free port, into gallery/
    .venv/bin/python -m tests.browser.gallery --base-url http://127.0.0.1:5101 --out /tmp/shots

Without --base-url it builds a throwaway SQLite database (migrations, then the demo seed), serves the app from a
thread and photographs that; with --base-url it photographs a server you already run (seeded with the demo).
It signs in as every role through the real form, follows same-site links from the home page and the navigation
(pages that differ only by a record id count once), and writes <out>/<role>/<nn>-<page>-<width>.png plus an
index.html to look through them. Forms are photographed as they first appear; the public pages also with their
errors and, after one fictional self-referral is sent, its confirmation (so with --base-url the server gains one
triage referral).
"""
import argparse
import html
import os
import re
import sys
import tempfile
import threading
from collections import deque
from pathlib import Path
from urllib.parse import urlsplit

DEMO_ROLES = {
    "caseworker": "caseworker@demo.victimcare.test",
    "advocate": "domestic-abuse@demo.victimcare.test",
    "advocate-lead": "domestic-abuse.lead@demo.victimcare.test",
    "marac-coordinator": "domestic-abuse.marac@demo.victimcare.test",
    "child-house-advocate": "child-house@demo.victimcare.test",
    "restorative-justice-lead": "restorative-justice.lead@demo.victimcare.test",
    "commissioner": "commissioner@demo.victimcare.test",
    "admin": "admin@demo.victimcare.test",
    "dpo": "dpo@demo.victimcare.test",
}
PUBLIC_STARTS = ["/sign-in", "/self-referral"]
WIDTHS = (1280, 375)
SKIP_PATHS = ("/sign-out",)
SKIP_PREFIXES = ("/static/", "/api/")
DOWNLOAD_SUFFIXES = (".csv", ".xlsx", ".json", ".pdf", ".zip")
REFERENCE = re.compile(r"VC-[A-Z0-9]{4}-[A-Z0-9]{4}")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def page_shape(path: str) -> str:
    segments = (path.rstrip("/") or "/").split("/")
    return "/".join("{id}" if re.search(r"\d", segment) or REFERENCE.fullmatch(segment) else segment for segment in segments)


def _file_name(number: int, path: str, query: str) -> str:
    stem = re.sub(r"[^a-z0-9]+", "-", (page_shape(path) + ("-" + query if query else "")).lower()).strip("-")
    return f"{number:02d}-{stem or 'root'}"


def _links(page, origin: str) -> list[str]:
    hrefs = page.eval_on_selector_all(
        "a[href]", "els => els.filter(e => !e.hasAttribute('download')).map(e => e.href)"
    )
    found = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != origin:
            continue
        path = parts.path or "/"
        if path in SKIP_PATHS or path.startswith(SKIP_PREFIXES) or path.endswith(DOWNLOAD_SUFFIXES):
            continue
        found.append(path)
    return found


def _sign_in(page, email: str, password: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_label("Password", exact=True).press("Enter")


def photograph(context, base_url: str, out: Path, label: str, starts: list[str], max_depth: int, cap: int,
               email: str | None = None, password: str | None = None) -> list[tuple[str, str, int]]:
    """Crawl from `starts` (after signing in, when given an email) and photograph each kind of page once."""
    page = context.new_page()
    if email:
        _sign_in(page, email, password)
        starts = starts + page.eval_on_selector_all(
            ".govuk-service-navigation a[href]", "els => els.map(e => new URL(e.href).pathname)")
    parts = urlsplit(base_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    queue = deque((start, 0) for start in dict.fromkeys(starts))
    seen = {page_shape(start) for start in starts}
    shot = set()
    taken = []
    directory = out / label
    directory.mkdir(parents=True, exist_ok=True)
    while queue and len(shot) < cap:
        path, depth = queue.popleft()
        response = page.goto(path)
        shown = urlsplit(page.url)
        if email and shown.path == "/sign-in":
            print(f"  [{label}] {path}: sent back to sign-in; stopping", file=sys.stderr)
            break
        if not response or "text/html" not in response.headers.get("content-type", ""):
            continue
        if page_shape(shown.path) not in shot:
            shot.add(page_shape(shown.path))
            name = _file_name(len(shot), shown.path, shown.query)
            _shoot(page, directory, name)
            taken.append((name, shown.path, response.status))
            print(f"  [{label}] {response.status} {shown.path}")
        if depth < max_depth:
            for link in _links(page, origin):
                if page_shape(link) not in seen:
                    seen.add(page_shape(link))
                    queue.append((link, depth + 1))
    page.close()
    return taken


def _shoot(page, directory: Path, name: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(directory / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})


def photograph_public_journey(context, out: Path, taken: list) -> None:
    """The self-referral form with its errors, then a fictional self-referral sent and its confirmation."""
    directory = out / "public"
    page = context.new_page()
    page.goto("/self-referral")
    with page.expect_navigation():
        page.locator("main form [type=submit]").last.click()
    _shoot(page, directory, "90-self-referral-errors")
    taken.append(("90-self-referral-errors", "/self-referral (with errors)", 400))
    page.get_by_label("I was robbed").check()
    page.get_by_label("Which London area did it happen in?").select_option(label="Camden")
    page.get_by_label("First name").fill("Gallery")
    page.get_by_label("Phone number (optional)").fill("07700 900982")
    page.get_by_label("Phone call").check()
    page.locator("input[name=consent][value=yes]").check()
    with page.expect_navigation():
        page.locator("main form [type=submit]").last.click()
    _shoot(page, directory, "91-self-referral-sent")
    taken.append(("91-self-referral-sent", "/self-referral/sent", 200))
    page.close()


def write_index(out: Path, albums: dict[str, list[tuple[str, str, int]]]) -> None:
    rows = ["<!doctype html><meta charset=utf-8><title>victimcare page gallery</title>",
            "<style>body{font-family:Arial,sans-serif;margin:1em}img{border:1px solid #999;vertical-align:top;"
            "margin:0 1em 1em 0}figure{margin:0 0 2em}.w1280{width:640px}.w375{width:188px}</style>",
            "<h1>victimcare page gallery</h1>"]
    for label, taken in albums.items():
        rows.append(f"<h2 id='{label}'>{html.escape(label)} ({len(taken)} pages)</h2>")
        for name, path, status in taken:
            rows.append(f"<figure><figcaption>{html.escape(path)} ({status})</figcaption>")
            for width in WIDTHS:
                rows.append(f"<a href='{label}/{name}-{width}.png'><img class='w{width}' loading=lazy "
                            f"alt='{html.escape(path)} at {width} pixels' src='{label}/{name}-{width}.png'></a>")
            rows.append("</figure>")
    (out / "index.html").write_text("\n".join(rows), encoding="utf-8")


def _serve_demo() -> tuple[str, callable]:
    """A fresh SQLite database with the migrations and the demo seed, served from a thread."""
    from flask_migrate import upgrade
    from werkzeug.serving import WSGIRequestHandler, make_server

    from victimcare import create_app
    from victimcare.demo import seed_demo

    directory = tempfile.mkdtemp(prefix="victimcare-gallery-")
    app = create_app("default", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{directory}/gallery.db",
                                 "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade()
        seed_demo()
    class Quiet(WSGIRequestHandler):
        def log_request(self, code="-", size="-"):
            pass

    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server.shutdown


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", help="photograph this running server (seeded with the demo) instead")
    parser.add_argument("--out", default="gallery", help="where the screenshots go (default: gallery/)")
    parser.add_argument("--password", default=None, help="the demo password (default: the demo seed's)")
    parser.add_argument("--roles", default=",".join(["public", *DEMO_ROLES]),
                        help="comma-separated: public and any of " + ", ".join(DEMO_ROLES))
    parser.add_argument("--depth", type=int, default=3, help="links away from the start pages (3)")
    parser.add_argument("--cap", type=int, default=60, help="kinds of page per role at most (60)")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    from victimcare.demo import DEMO_PASSWORD

    password = args.password or DEMO_PASSWORD
    stop = None
    base_url = args.base_url
    if not base_url:
        base_url, stop = _serve_demo()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    albums = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
        for label in [r.strip() for r in args.roles.split(",") if r.strip()]:
            context = browser.new_context(base_url=base_url, viewport={"width": WIDTHS[0], "height": 900},
                                          locale="en-GB", timezone_id="Europe/London")
            context.set_default_timeout(20_000)
            print(f"{label}:")
            if label == "public":
                albums[label] = photograph(context, base_url, out, label, PUBLIC_STARTS, 1, args.cap)
                try:
                    photograph_public_journey(context, out, albums[label])
                except Exception as error:  # noqa: BLE001 - the gallery still has every other page
                    print(f"  [public] the self-referral journey could not be photographed: {error}", file=sys.stderr)
            else:
                albums[label] = photograph(context, base_url, out, label, ["/home"], args.depth, args.cap,
                                           DEMO_ROLES[label], password)
            context.close()
        browser.close()
    write_index(out, albums)
    if stop:
        stop()
    total = sum(len(v) for v in albums.values())
    print(f"{total} pages, {total * len(WIDTHS)} screenshots: open {out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
