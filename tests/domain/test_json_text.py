"""One JSON parser for every body and line victimcare reads: standard JSON only."""
import pytest

from victimcare.domain.json_text import parse_json


def test_standard_json_parses():
    assert parse_json('{"a": [1, 2.5, null, true, "x"]}') == {"a": [1, 2.5, None, True, "x"]}
    assert parse_json(b'"bytes too"') == "bytes too"


@pytest.mark.parametrize("text", ['{"a": NaN}', "[Infinity]", "-Infinity", "{", "", "{'a': 1}"])
def test_anything_else_is_refused(text):
    with pytest.raises(ValueError):
        parse_json(text)
