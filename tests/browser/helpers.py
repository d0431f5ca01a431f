"""Helpers for the browser tests: signing in through the form, axe-core checks, a same-site crawler, focus checks."""
import os
import re
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
SKIP_PATHS = ("/sign-out",)
SKIP_PREFIXES = ("/static/", "/api/")
DOWNLOAD_SUFFIXES = (".csv", ".xlsx", ".json", ".pdf", ".zip")  # fetched for their status, not opened as pages

_axe = Axe()


def sign_in(page, email: str, password: str) -> None:
    """Sign in the way a person does: the real form, typing, then Enter."""
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_label("Password", exact=True).press("Enter")


def axe_violations(page) -> list[dict]:
    """axe-core's WCAG 2.0/2.1/2.2 A and AA violations on the page once its styles and fonts have loaded (a click
    that navigates returns when the new page's DOM is there; on a busy machine its stylesheet may come later, and
    axe measuring unstyled buttons reports touch targets too small)."""
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready.then(() => true)")
    return _axe.run(page, options=AXE_OPTIONS).response["violations"]


def describe_violations(where: str, violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{where}: {violation['id']} ({violation.get('impact')}) {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary[:300]}")
    return "\n".join(lines)


def assert_accessible(page, where: str | None = None) -> None:
    violations = axe_violations(page)
    assert not violations, "axe-core found WCAG 2.2 A/AA violations:\n" + describe_violations(
        where or urlsplit(page.url).path, violations
    )


def page_shape(path: str) -> str:
    """Pages that differ only by record count as one page to check: a path segment with a digit is an id."""
    segments = (path.rstrip("/") or "/").split("/")
    return "/".join("{id}" if re.search(r"\d", segment) else segment for segment in segments)


def _is_restricted_record_page(page, status: int) -> bool:
    """A restricted record the role is not named on answers 403 with its own page (and a break-glass form): expected,
    and still checked like any page."""
    return status == 403 and page.locator("h1").first.inner_text().strip() == "Restricted record"


@dataclass
class CrawlResult:
    visited: list[tuple[str, int]] = field(default_factory=list)  # (path, HTTP status)
    problems: list[str] = field(default_factory=list)
    not_html: list[str] = field(default_factory=list)


def _links(page, origin: str) -> list[str]:
    hrefs = page.eval_on_selector_all(
        "a[href]", "els => els.filter(e => !e.hasAttribute('download')).map(e => e.href)"
    )
    paths = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != origin:
            continue
        path = parts.path or "/"
        if path in SKIP_PATHS or path.startswith(SKIP_PREFIXES):
            continue
        paths.append(path)
    return paths


def navigation_paths(page) -> list[str]:
    return page.eval_on_selector_all(
        ".govuk-service-navigation a[href]", "els => els.map(e => new URL(e.href).pathname)"
    )


# What a person would see wrong on a page, whatever the page: checked on every page the crawler reaches.
_VISIBLE_TEXT_PROBLEMS_JS = r"""
() => {
  const problems = [];
  const sansOrMono = /sans-serif|arial|helvetica|system-ui|monospace|courier|menlo|consolas/i;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const text = node.textContent.trim();
    if (!text) continue;
    const el = node.parentElement;
    if (!el || seen.has(el) || el.closest('script, style, noscript, template')) continue;
    // Rendered at all (no display:none or visibility:hidden above it) and not hidden on purpose for screen readers.
    if (!el.checkVisibility({visibilityProperty: true}) || el.closest('[hidden], .govuk-visually-hidden')) continue;
    const style = getComputedStyle(el);
    seen.add(el);
    const zeroSize = parseFloat(style.fontSize) < 1;
    const rect = el.getBoundingClientRect();
    if (!zeroSize && (rect.width === 0 || rect.height === 0)) continue;
    const where = `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''}`;
    if (/<\/?[a-z][a-z0-9]*(\s[^<>]*)?>/i.test(text)) problems.push(`visible text with an HTML tag in ${where}: "${text.slice(0, 80)}"`);
    if (!sansOrMono.test(style.fontFamily)) problems.push(`serif text (${style.fontFamily}) in ${where}: "${text.slice(0, 40)}"`);
    if (zeroSize) problems.push(`text at font size ${style.fontSize} in ${where}: "${text.slice(0, 40)}"`);
  }
  return problems.slice(0, 20);
}
"""


def _vocabulary_slugs() -> list[str]:
    """Every stored slug a person could mistake for text: the vocabularies' and routing rules' hyphenated ids (a
    one-word slug such as "other" is also an ordinary word; age bands such as "0-17" are their own labels)."""
    from victimcare.domain import routing, vocab

    slugs = {"caseworker-override", "override-add", "override-remove", *routing.RULES}
    # Hyphenated slugs that are also ordinary English ("a self-referral waits for triage", "her ex-partner": a slug
    # whose own label is the same word) are not flagged.
    also_words = {"self-referral"}
    for value in vars(vocab).values():
        if isinstance(value, tuple) and value and all(isinstance(p, tuple) and len(p) == 2 for p in value):
            slugs |= {slug for slug, _ in value if isinstance(slug, str)}
            also_words |= {slug for slug, text in value if isinstance(slug, str) and slug == str(text).lower()}
    return sorted(slug for slug in slugs if "-" in slug and not slug[0].isdigit() and slug not in also_words)


VOCABULARY_SLUGS = _vocabulary_slugs()
# Text that may be shown and holds slugs by design: email addresses (demo accounts are named by service), paths.
_NOT_PROSE = re.compile(r"\S+@\S+|(?:https?://|/)\S+")
_SLUG_PATTERN = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, VOCABULARY_SLUGS)) + r")(?![\w-])")


def slugs_shown(page) -> list[str]:
    """Vocabulary slugs ("caseworker-override", "in-progress") in the page's text, visible or for screen readers."""
    text = _NOT_PROSE.sub(" ", page.evaluate("() => document.body.innerText"))
    found = sorted(set(_SLUG_PATTERN.findall(text)))
    return [f'a slug shown as text: "{slug}"' for slug in found]


def visible_text_problems(page) -> list[str]:
    """Visible text that shows raw markup, is set in a serif font, or has no size: each would be a bug on screen."""
    return page.evaluate(_VISIBLE_TEXT_PROBLEMS_JS)


_WIDE_TABLES_JS = r"""
() => {
  const problems = [];
  const main = document.querySelector('main');
  for (const table of document.querySelectorAll('main table')) {
    const caption = (table.caption ? table.caption.textContent : table.id || 'table').trim().slice(0, 50);
    for (let el = table.parentElement; el && el !== main.parentElement; el = el.parentElement) {
      if (el.scrollWidth > el.clientWidth + 1) {
        problems.push(`"${caption}" is ${table.offsetWidth}px wide, wider than its container ${el.tagName.toLowerCase()}.${String(el.className).split(' ')[0]} (${el.clientWidth}px)`);
        break;
      }
    }
    if (table.getBoundingClientRect().right > document.documentElement.clientWidth + 1) {
      problems.push(`"${caption}" runs off the right edge of the window`);
    }
  }
  return problems;
}
"""


def wide_tables(page) -> list[str]:
    """Tables wider than their container (so some columns are only seen by scrolling sideways) or the window."""
    return page.evaluate(_WIDE_TABLES_JS)


def crawl(page, starts: list[str], max_depth: int = 2, cap: int = 40, label: str = "",
          signed_in: bool = True) -> CrawlResult:
    """Visit the `starts` pages and the same-site pages linked from them, to `max_depth` links away, running axe
    and the visible-text checks on each. Pages that differ only by a record id count once (page_shape), so the cap
    goes on kinds of page.

    Problems collected: axe violations, raw markup, serif or zero-size text, vocabulary slugs shown as text, HTTP
    errors, and losing the session;
    the caller asserts there are none.
    """
    parts = urlsplit(page.url)
    origin = f"{parts.scheme}://{parts.netloc}"
    result = CrawlResult()
    starts = list(dict.fromkeys(starts))
    queue = deque((start, 0, None) for start in starts)
    seen = {page_shape(start) for start in starts}
    checked = set()  # shapes of the pages actually shown (after redirects)
    while queue and len(result.visited) < cap:
        path, depth, found_on = queue.popleft()
        where = f"[{label}] {path}" + (f" (linked from {found_on})" if found_on else "")
        if path.endswith(DOWNLOAD_SUFFIXES):
            download = page.request.get(path)
            result.not_html.append(f"{path} ({download.status})")
            if download.status >= 400:
                result.problems.append(f"{where}: HTTP {download.status}")
            continue
        response = page.goto(path)
        status = response.status if response else 0
        result.visited.append((path, status))
        if status >= 400 and not _is_restricted_record_page(page, status):
            result.problems.append(f"{where}: HTTP {status}")
        shown = urlsplit(page.url).path
        if signed_in and shown == "/sign-in":
            result.problems.append(f"{where}: sent back to the sign-in page (session lost)")
            break
        if "text/html" not in (response.headers.get("content-type", "") if response else ""):
            result.not_html.append(path)
            continue
        if page_shape(shown) not in checked:  # a redirect may land on a page already checked
            checked.add(page_shape(shown))
            violations = axe_violations(page)
            if violations:
                result.problems.append(describe_violations(where, violations))
            result.problems.extend(f"{where}: {problem}" for problem in visible_text_problems(page))
            result.problems.extend(f"{where}: {problem}" for problem in slugs_shown(page))
        if depth >= max_depth:
            continue
        for link in _links(page, origin):
            shape = page_shape(link)
            if shape not in seen:
                seen.add(shape)
                queue.append((link, depth + 1, path))
    return result


# One round trip per tab stop: what is focused, and how it looks focused and unfocused (radios and checkboxes draw
# their focus ring on the label's ::before).
_TAB_STOP_JS = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement || el === window.__vcFirstStop) {
    return {done: true};
  }
  window.__vcFirstStop = window.__vcFirstStop || el;
  const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
  const description = `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.name ? '[name=' + el.name + ']' : ''} "${text}"`;
  const radio = el.matches('input[type=radio], input[type=checkbox]') && el.labels && el.labels.length;
  const [target, pseudo] = radio ? [el.labels[0], '::before'] : [el, null];
  const snapshot = () => {
    const s = getComputedStyle(target, pseudo);
    return {outlineStyle: s.outlineStyle, outlineWidth: s.outlineWidth, outlineColor: s.outlineColor,
            boxShadow: s.boxShadow, backgroundColor: s.backgroundColor, color: s.color,
            textDecorationLine: s.textDecorationLine};
  };
  const focused = snapshot();
  el.blur();
  const unfocused = snapshot();
  el.focus();
  return {done: false, description, focused, unfocused};
}
"""


def _transparent(colour: str) -> bool:
    return colour == "transparent" or bool(re.search(r"rgba\([^)]*,\s*0\)$", colour))


def focus_indicator_problem(focused: dict, unfocused: dict) -> str | None:
    """None if the focused element shows an outline, a box-shadow or the focus yellow, and looks different from
    unfocused."""
    outline = (focused["outlineStyle"] != "none" and float(focused["outlineWidth"].rstrip("px") or 0) > 0
               and not _transparent(focused["outlineColor"]))
    shadow = focused["boxShadow"] != "none"
    # MOJ's sub-navigation marks focus with the GOV.UK focus yellow behind the text and a black bar drawn by
    # ::before (no outline or shadow): the yellow, which the unfocused link lacks, is what the eye finds.
    highlight = (focused["backgroundColor"] == "rgb(255, 221, 0)"
                 and unfocused["backgroundColor"] != focused["backgroundColor"])
    if not (outline or shadow or highlight):
        return f"no visible outline or box-shadow when focused ({focused})"
    if focused == unfocused:
        return f"looks the same focused and unfocused ({focused})"
    return None


def describe_focused(page) -> str:
    return page.evaluate(
        """() => { const e = document.activeElement; if (!e || e === document.body) return 'body';
        const text = (e.innerText || e.value || e.getAttribute('aria-label') || '').trim().slice(0, 40);
        return `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.name ? '[name=' + e.name + ']' : ''} "${text}"`; }"""
    )


def tab_stops(page, limit: int = 80):
    """Press Tab from where focus is on a freshly loaded page until focus leaves the page or comes round again.

    Yields (description, focus problem or None) for each stop, in order.
    """
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(_TAB_STOP_JS)
        if stop["done"]:
            return
        yield stop["description"], focus_indicator_problem(stop["focused"], stop["unfocused"])
    raise AssertionError(f"more than {limit} tab stops on {page.url}: is focus trapped?")


def shoot(page, name: str) -> None:
    """A full-page screenshot into $BROWSER_SCREENSHOT_DIR, when set (for looking at the pages by eye)."""
    directory = os.environ.get("BROWSER_SCREENSHOT_DIR")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(directory) / f"{name}.png"), full_page=True)
