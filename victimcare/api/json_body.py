"""The one JSON body parser of the API.

Werkzeug has already refused a body over MAX_CONTENT_LENGTH (413). What is left is parsed here, whatever the
Content-Type says, and refused with 400 when it is not strict JSON: NaN and Infinity are not JSON (and cannot be
stored or compared), and nesting deeper than any request of ours needs is refused before the parser recurses
into it, so 50,000 opening brackets cost one linear scan, not a RecursionError.
"""
from flask import abort, request

from ..domain.json_text import parse_json as parse_standard_json

# The deepest body the API documents is three levels (a referral's victim, offence...); leave room for growth.
MAX_DEPTH = 32


def nesting_depth(text: str) -> int:
    """How deeply arrays and objects nest in a JSON text (brackets inside strings do not count)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_DEPTH:
                    return deepest
        elif ch in "]}":
            depth -= 1
    return deepest


def parse_json(raw: bytes):
    """The parsed JSON value of ``raw``; aborts with 400 if it is not strict, reasonably shallow JSON."""
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        abort(400, "The request body is not valid JSON: it is not UTF-8 text")
    if nesting_depth(text) > MAX_DEPTH:
        abort(400, f"The request body is not valid JSON for this API: it nests deeper than {MAX_DEPTH} levels")
    try:
        return parse_standard_json(text)
    except (ValueError, RecursionError):
        abort(400, "The request body is not valid JSON")


def json_body(*, empty_is_null: bool = False):
    """The request's parsed JSON body. An empty body is a 400, or null where an endpoint has always read it so
    (the case endpoints then answer 422 "Send a JSON object")."""
    raw = request.get_data(cache=True)
    if empty_is_null and not raw.strip():
        return None
    return parse_json(raw)
