"""The last line against control characters: query strings, and every statement sent to the database.

Forms (`web.forms.BaseForm`) and API models reject control characters with an error on the field. These guards
catch whatever reaches further (a query parameter a page reads directly, a path segment looked up by slug), so a
NUL byte gives a 400, never PostgreSQL's 500, and never a log line holding the statement's parameters.
"""
from flask import Flask, abort, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .domain.text import has_control_characters
from .services.errors import ControlCharacters

# `next` after sign-in is checked by the sign-in page itself, which goes home rather than refusing.
_QUERY_PARAMETERS_CHECKED_ELSEWHERE = {"next"}


def register(app: Flask) -> None:
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
    """PostgreSQL refuses NUL in text; SQLite would store it. Refuse it on both, before the driver sees it."""
    # SQLite's batched INSERT ... RETURNING reports executemany with one flat row of values: look, don't assume.
    many = executemany and parameters and isinstance(parameters[0], (dict, list, tuple))
    rows = parameters if many else [parameters]
    for row in rows or ():
        values = row.values() if isinstance(row, dict) else row
        for value in values or ():
            if isinstance(value, str) and "\x00" in value:
                raise ControlCharacters()
    return statement, parameters
