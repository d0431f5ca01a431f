"""Keep what people submit out of the logs.

A victim's disclosure, phone number or safe-contact note must never reach a log file, whatever goes wrong. Three
defences, each enough on its own for the leak it closes:

- the database engine is created with ``hide_parameters=True`` (config.py), so SQLAlchemy's errors and echo
  never print statement parameters;
- every log record, as it is made, passes through `scrub_record`: during a request, any value of the request's
  form, query string or JSON body is replaced by ``[withheld]`` in the message, its arguments and the formatted
  exception; query strings are cut from anything that looks like a request line or URL; a ``[parameters: ...]``
  block (from an engine made elsewhere without ``hide_parameters``) is cut;
- the record is scrubbed at creation (`logging.setLogRecordFactory`), not by a handler's filter, so handlers
  added later (gunicorn's, pytest's) only ever see the scrubbed record.
"""
import json
import logging
import re
import traceback

WITHHELD = "[withheld]"
_MIN_LENGTH = 3  # shorter values ("1", "no") are not worth hiding and would garble every line
_QUERY_STRING = re.compile(r"(/[^\s?\"']*)\?[^\s\"']+")
_SQL_PARAMETERS = re.compile(r"\[parameters: .*?\](?=\s*(\n|\(Background|$))", re.DOTALL)
_INSTALLED = "_victimcare_scrubbing"


class RequestDataFilter(logging.Filter):
    """A filter that scrubs a record (see the module docstring). Installed as the record factory by `install`;
    usable on a handler of its own too."""

    def filter(self, record: logging.LogRecord) -> bool:
        scrub_record(record)
        return True


def install() -> None:
    """Scrub every log record of the process from now on (idempotent)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, _INSTALLED, False):
        return

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        scrub_record(record)
        return record

    setattr(factory, _INSTALLED, True)
    logging.setLogRecordFactory(factory)


def scrub_record(record: logging.LogRecord) -> None:
    submitted = _submitted_values()
    record.msg = scrub_text(record.msg, submitted) if isinstance(record.msg, str) else record.msg
    if isinstance(record.args, tuple):
        record.args = tuple(_scrub_arg(arg, submitted) for arg in record.args)
    elif isinstance(record.args, dict):
        record.args = {key: _scrub_arg(value, submitted) for key, value in record.args.items()}
    if record.exc_info and record.exc_info[0] is not None:
        text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        record.exc_text = scrub_text(text, submitted)
        record.exc_info = None  # handlers that format exc_info themselves would print the raw text
    elif record.exc_text:
        record.exc_text = scrub_text(record.exc_text, submitted)


def scrub_text(text: str, submitted: list[str] = ()) -> str:
    for value in submitted:
        text = text.replace(value, WITHHELD)
    text = _SQL_PARAMETERS.sub("[parameters withheld]", text)
    return _QUERY_STRING.sub(r"\1?[query withheld]", text)


def _scrub_arg(value, submitted):
    if isinstance(value, str):
        return scrub_text(value, submitted)
    if isinstance(value, int | float | bool) or value is None:
        return value
    # Anything else (an exception, a dict, a request) is formatted now, so its text can be scrubbed.
    return scrub_text(str(value), submitted)


def _submitted_values() -> list[str]:
    """The current request's form, query and JSON values, longest first (so a value inside another is not half
    replaced). Only what the request has already parsed is read: logging never consumes a request body."""
    from flask import has_request_context, request

    if not has_request_context():
        return []
    values: list[str] = []
    try:
        values += [value for _, value in request.args.items(multi=True)]
        form = request.__dict__.get("form")
        if form is not None:
            values += [value for _, value in form.items(multi=True)]
        values += _json_strings(request)
    except Exception:  # noqa: BLE001  (a log call must never fail because of the request it describes)
        pass
    unique = {value for value in values if isinstance(value, str) and len(value.strip()) >= _MIN_LENGTH}
    return sorted(unique, key=len, reverse=True)


def _json_strings(request) -> list[str]:
    parsed = [value for value in request._cached_json if value is not Ellipsis and value is not None]
    if not parsed:
        raw = request.__dict__.get("_cached_data")
        if raw and request.is_json and len(raw) <= 1024 * 1024:
            try:
                parsed = [json.loads(raw)]
            except (ValueError, RecursionError):
                # An unparseable body's text may still appear in a message: withhold its pieces between quotes.
                return re.findall(r'"((?:[^"\\]|\\.){3,})"', raw.decode("utf-8", "replace"))
    found: list[str] = []
    stack = list(parsed)
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            stack += list(item.keys()) + list(item.values())
        elif isinstance(item, list):
            stack += item
    return found
