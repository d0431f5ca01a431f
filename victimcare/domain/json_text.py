"""JSON as the standard defines it: Python's parser also takes NaN, Infinity and -Infinity, which no partner's
system sends and no column can hold. Every JSON body or line victimcare reads goes through ``parse_json``."""
import json


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


def parse_json(text: str | bytes):
    """The parsed value; ValueError for text that is not standard JSON, RecursionError for absurd nesting."""
    return json.loads(text, parse_constant=_refuse_constant)
