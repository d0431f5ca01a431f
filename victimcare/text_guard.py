"""The last lines against crafted input: URLs, JSON bodies, and every statement sent to the database.

Forms (`web.forms.BaseForm`) and API models reject control characters with an error on the field. These guards
catch whatever reaches further (a query parameter a page reads directly, a path segment looked up by slug, a
25-digit id, JSON nested 50,000 deep), so crafted input gives a 400 or 404, never a 500, and never a log line
holding a statement's parameters.
"""
from flask import Flask, abort, request
from flask.wrappers import Request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

from .domain.text import has_control_characters
from .services.errors import ControlCharacters, NumberOutOfRange

# Ids are PostgreSQL integers: a larger one in a URL names nothing (404), and must not reach the database.
LARGEST_ID = 2**31 - 1
# Anything outside a signed 64-bit integer overflows SQLite and every integer column of PostgreSQL.
_INT64 = range(-(2**63), 2**63)


class IdConverter(IntegerConverter):
    """``<int:...>`` in every route: at most LARGEST_ID, so ``/cases/1234567890123456789012345`` is a 404."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=LARGEST_ID, signed=False):  # noqa: A002
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class GuardedRequest(Request):
    """A JSON body nested deeper than Python's recursion limit is a 400, not a RecursionError."""

    def get_json(self, force=False, silent=False, cache=True):
        try:
            return super().get_json(force=force, silent=silent, cache=cache)
        except RecursionError:
            if silent:
                return None
            raise BadRequest("The JSON body is nested too deeply") from None

# `next` after sign-in is checked by the sign-in page itself, which goes home rather than refusing.
_QUERY_PARAMETERS_CHECKED_ELSEWHERE = {"next"}


def register(app: Flask) -> None:
    """Call before the blueprints are registered (their routes take the id converter as they are added)."""
    app.url_map.converters["int"] = IdConverter
    app.request_class = GuardedRequest
    if not event.contains(Engine, "before_cursor_execute", _refuse_nul_in_parameters):
        event.listen(Engine, "before_cursor_execute", _refuse_nul_in_parameters, retval=True)

    @app.before_request
    def refuse_control_characters_in_the_url():
        if has_control_characters(request.path):
            abort(404)
        for name, value in request.args.items(multi=True):
            if name in _QUERY_PARAMETERS_CHECKED_ELSEWHERE:
                continue
            if has_control_characters(name) or has_control_characters(value):
                raise ControlCharacters(name if not has_control_characters(name) else None)


def _refuse_nul_in_parameters(conn, cursor, statement, parameters, context, executemany):
    """PostgreSQL refuses NUL in text (SQLite would store it), and SQLite cannot hold an integer past 64 bits:
    refuse both on both databases, before the driver sees them."""
    for value in _values(parameters):
        if isinstance(value, str) and "\x00" in value:
            raise ControlCharacters()
        if isinstance(value, int) and value not in _INT64:
            raise NumberOutOfRange()
    return statement, parameters


def _values(parameters):
    """Every value of a statement's parameters: a dict, a sequence, or (executemany) a sequence of those."""
    stack = [parameters]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
        else:
            yield item
