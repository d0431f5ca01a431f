"""The API's one JSON parser: strict JSON only, and nesting refused before the parser recurses into it."""
import pytest
from werkzeug.exceptions import BadRequest

from victimcare.api.json_body import MAX_DEPTH, nesting_depth, parse_json


@pytest.mark.parametrize("text, depth", [
    ("1", 0), ("{}", 1), ('{"a": [1, {"b": []}]}', 4), ('"[[[[{{{{"', 0), ('{"a": "\\"[["}', 1),
    ("[" * 100, MAX_DEPTH + 1),  # the scan stops once the limit is passed
])
def test_nesting_depth_ignores_brackets_inside_strings(text, depth):
    assert nesting_depth(text) == depth


@pytest.mark.parametrize("raw", [b"NaN", b'{"a": Infinity}', b"[-Infinity]", b"[" * (MAX_DEPTH + 1) +
                                 b"]" * (MAX_DEPTH + 1), b"\xff", b"", b"{"])
def test_what_is_not_strict_shallow_json_is_a_400(app, raw):
    with app.test_request_context(), pytest.raises(BadRequest):
        parse_json(raw)


def test_json_as_deep_as_allowed_parses(app):
    with app.test_request_context():
        assert parse_json(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH) is not None
        assert parse_json('{"name": "Zoë"}'.encode()) == {"name": "Zoë"}
