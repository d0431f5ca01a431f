"""Where the app may send someone back to after signing in: only its own pages."""
from flask import current_app
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from ..domain.text import has_control_characters


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this app, else None (the caller goes home).

    An open redirect after sign-in is a phishing aid, and browsers strip tabs and line breaks from URLs, so
    ``/\\t/evil.example`` becomes ``//evil.example``. Accepted: a relative path starting with exactly one ``/``,
    with no control characters or backslashes, whose path matches one of the app's own routes (for GET)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or has_control_characters(target) or len(target) > 2048:
        return None
    path = target.split("?", 1)[0].split("#", 1)[0]
    adapter = current_app.url_map.bind("localhost")
    try:
        adapter.match(path, method="GET")
    except RequestRedirect as redirect:  # a missing trailing slash: still ours
        return target if redirect.new_url.startswith("http://localhost/") else None
    except HTTPException:
        return None
    return target
