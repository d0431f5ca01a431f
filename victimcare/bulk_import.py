"""`flask --app wsgi referrals import FILE`: referrals from another system, CSV or JSON Lines, in the shape of the
referrals API plus a top-level ``external_id``.

JSON Lines: one API body per line. CSV: a header row of dotted API paths (``victim.given_name``,
``offence.category``, ``consent.referral``, ``dash.yes_count`` ...); empty cells are left out, ``true``/``false``
cells of yes-or-no fields become booleans, whole numbers of number fields become numbers, and
``offence.hate_crime_strands`` is a list separated by ``;`` (empty: none). Each row is checked by the API's own rules, routed as
an API referral is, and written whole or not at all. Rows that cannot be imported go to ``FILE.rejected.jsonl``
with their line number and the reasons; the command exits 1 when there are any (the good rows are imported).
On PostgreSQL a large file's batches are checked, routed and written by worker processes side by side (below).
"""
import csv
import json
import multiprocessing
import sys
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from . import uow
from .api import schemas
from .domain.access import has_permission
from .domain.deadlines import HolidayDataUnavailable
from .domain.json_text import parse_json
from .extensions import db
from .models import User
from .services import audit
from .services import referrals as referral_service
from .services.actors import SYSTEM, Actor
from .services.errors import ServiceError, ValidationFailed

referrals_cli = AppGroup("referrals", help="Referrals in bulk.")

BATCH_SIZE = 1000  # rows a transaction: one multi-row INSERT a table each
_WRITE_ERRORS = (SQLAlchemyError, ServiceError, HolidayDataUnavailable)
MAX_EXTERNAL_ID = 64  # the column's width
_BOOLEANS = {"offence.domestic_abuse", "offence.sexual_offence", "offence.persistently_targeted",
             "offence.vulnerable_or_intimidated", "consent.referral", "restorative_justice_requested",
             "code_complaint", "dash.professional_judgement"}
_NUMBERS = {"dash.yes_count", "dash.incidents_last_12_months"}
_LISTS = {"offence.hate_crime_strands"}


@dataclass
class Row:
    line: int
    external_id: str | None
    body: dict | None
    problems: list[dict]


def _cell(path: str, text: str):
    if path in _BOOLEANS and text.strip().lower() in ("true", "false"):
        return text.strip().lower() == "true"
    if path in _NUMBERS and text.strip().isdigit():
        return int(text.strip())
    if path in _LISTS:
        return [part.strip() for part in text.split(";") if part.strip()]
    return text


def _from_csv(handle) -> Iterator[Row]:
    reader = csv.reader(handle)
    header = next(reader, None) or []
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            yield Row(line, None, None, [{"field": "row", "message": f"The row has {len(values)} cells; the header "
                                                                        f"has {len(header)}"}])
            continue
        body: dict = {}
        for path, text in zip(header, values):
            if text == "" and path.strip() not in _LISTS:  # an empty list is an answer: "none"
                continue
            *sections, name = path.strip().split(".")
            target = body
            for section in sections:
                target = target.setdefault(section, {})
            target[name] = _cell(path.strip(), text)
        yield _row(line, body)


def _from_jsonl(handle) -> Iterator[Row]:
    for line, text in enumerate(handle, start=1):
        if not text.strip():
            continue
        try:
            body = parse_json(text)
        except (ValueError, RecursionError):
            yield Row(line, None, None, [{"field": "row", "message": "The line is not a JSON object"}])
            continue
        yield _row(line, body)


def _row(line: int, body) -> Row:
    if not isinstance(body, dict):
        return Row(line, None, None, [{"field": "row", "message": "The line is not a JSON object"}])
    external_id = body.pop("external_id", None)
    if isinstance(external_id, int) and not isinstance(external_id, bool):
        external_id = str(external_id)
    if not isinstance(external_id, str) or not external_id.strip():
        return Row(line, None, body, [{"field": "external_id", "message": "Give the source system's id"}])
    external_id = external_id.strip()
    if len(external_id) > MAX_EXTERNAL_ID or not external_id.isprintable():
        return Row(line, None, body, [{"field": "external_id", "message": "The source system's id must be at most "
                                                                          "64 printable characters"}])
    return Row(line, external_id, body, [])


def _rows(path: Path) -> Iterator[Row]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        yield from (_from_csv(handle) if path.suffix.lower() == ".csv" else _from_jsonl(handle))


def _actor(email: str | None) -> Actor:
    if email is None:
        return SYSTEM
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    actor = Actor.from_user(user) if user is not None and user.active else None
    if actor is None or not has_permission(actor.principal, "referral.create"):
        raise click.ClickException(f"{email} is not an active caseworker's account")
    return actor


def _attempt(actor, rows: list[Row], boroughs, seen: set[str]) -> list[tuple[Row, str, object]]:
    """Check, route and write ``rows`` in the current transaction: each row's outcome, ("imported", its status),
    ("already", None) or ("rejected", the problems). Raises when writing fails (the caller rolls back)."""
    done = referral_service.already_imported([row.external_id for row in rows if row.external_id]) | seen
    route_with = referral_service.batch_router()
    outcomes, planned = [], []
    for row in rows:
        if row.problems:
            outcomes.append((row, "rejected", row.problems))
            continue
        if row.external_id in done:
            outcomes.append((row, "already", None))
            continue
        try:
            data = schemas.parse_referral(row.body, boroughs)
            plan = referral_service.plan_import(actor, row.external_id, data, route_with)
            if plan is None:  # a person on record, or the people around the victim: the API's own path
                outcomes.append((row, "imported", referral_service.import_referral(actor, row.external_id,
                                                                                   data).status))
            else:
                planned.append(plan)
                outcomes.append((row, "imported", plan))
        except ValidationFailed as exc:
            outcomes.append((row, "rejected", exc.errors or [{"field": "body", "message": str(exc)}]))
            continue
        except (HolidayDataUnavailable, ServiceError) as exc:
            outcomes.append((row, "rejected", [{"field": "body", "message": str(exc)}]))
            continue
        done.add(row.external_id)
    referral_service.write_imports(actor, planned)
    return [(row, kind, value.referral.status if isinstance(value, referral_service.PlannedReferral) else value)
            for row, kind, value in outcomes]


def _outcomes(actor, batch: list[Row], boroughs, seen: set[str]) -> list[tuple[Row, str, object]]:
    """The batch in one transaction; if writing it fails, each row alone, so only the bad row is rejected."""
    if not batch:
        return []
    try:
        with uow.unit_of_work():
            return _attempt(actor, batch, boroughs, seen)
    except _WRITE_ERRORS:
        outcomes = []
        for row in batch:
            try:
                with uow.unit_of_work():
                    alone = _attempt(actor, [row], boroughs, seen)
                outcomes += alone
                seen.update(r.external_id for r, kind, _ in alone if kind == "imported")
            except _WRITE_ERRORS as exc:
                outcomes.append((row, "rejected", [{"field": "body", "message": _failure(exc)}]))
        return outcomes


def _failure(exc: Exception) -> str:
    """What the rejected file says of a row whose writing failed: the service's message, or the database's kind
    of refusal (never its text, which can quote the row's values)."""
    if isinstance(exc, ServiceError | HolidayDataUnavailable):
        return str(exc)
    return f"The database refused the row ({type(getattr(exc, 'orig', None) or exc).__name__})"


@referrals_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as", "as_email", metavar="EMAIL", help="Record the referrals as made by this caseworker "
                                                         "(default: the system).")
@click.option("--workers", type=click.IntRange(0, 8), default=None,
              help="Processes checking, routing and writing batches side by side (default: 3 on PostgreSQL for "
                   "5,000 rows or more; 0: this process alone; SQLite takes one writer at a time: at most 1).")
def import_command(file: Path, as_email: str | None, workers: int | None):
    """Import referrals from FILE (.csv, or JSON Lines), each routed as the API routes it."""
    actor = _actor(as_email)
    uow.rollback()
    with file.open(encoding="utf-8-sig") as counting:
        total = sum(1 for _ in counting) - (1 if file.suffix.lower() == ".csv" else 0)
    workers = _workers_for(workers, total)
    rejected_path = file.with_name(file.name + ".rejected.jsonl")
    tally = referral_service.ImportTally()
    with rejected_path.open("w", encoding="utf-8") as rejected, \
            click.progressbar(length=max(total, 0), label="Importing referrals", file=sys.stderr,
                              show_pos=True) as bar:
        boroughs = schemas.borough_index()
        uow.rollback()  # no connection held (a worker process must not share one)
        count = _Counter(tally, rejected, bar)
        later = _in_workers(actor, _rows(file), boroughs, workers, count) if workers else _rows(file)
        for batch in _batches(later):
            count(batch, _outcomes(actor, batch, boroughs, count.seen))
        with uow.unit_of_work():
            referral_service.record_run(actor, tally, file.name)
    if tally.rejected == 0:
        rejected_path.unlink()
    routed = ", ".join(f"{count} {status}" for status, count in sorted(tally.routed.items()))
    click.echo(f"Imported {tally.imported} referrals ({routed or 'none'}); {tally.already_imported} were already "
               f"imported; {tally.rejected} rejected" + (f" (see {rejected_path})" if tally.rejected else ""))
    sys.exit(1 if tally.rejected else 0)


def _batches(rows) -> Iterator[list[Row]]:
    batch: list[Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch


class _Counter:
    """The run's tally, progress bar and rejected file, told each batch's outcomes in turn."""

    def __init__(self, tally, rejected, bar):
        self.tally, self.rejected, self.bar = tally, rejected, bar
        self.seen: set[str] = set()

    def __call__(self, batch: list[Row], outcomes) -> None:
        tally = self.tally
        for row, kind, value in outcomes:
            if kind == "rejected":
                tally.rejected += 1
                entry = {"line": row.line, "external_id": row.external_id, "errors": value, "row": row.body}
                self.rejected.write(json.dumps(entry, ensure_ascii=False, default=str) + "\n")
            elif kind == "already":
                tally.already_imported += 1
            else:
                self.seen.add(row.external_id)
                tally.imported += 1
                tally.routed[value] = tally.routed.get(value, 0) + 1
        self.bar.update(len(batch))


# Worker processes ------------------------------------------------------------------------------------------------
# Checking and routing a row costs far more than writing it, and rows are independent until they are written, so
# on PostgreSQL a few processes each take whole batches and do exactly what this process does with one: check,
# route and write it in one transaction, then row by row if that fails. This process reads the file, hands out
# the batches, counts their outcomes in file order and seals the audit events they committed (its sealer thread,
# as after its own commits). A row whose external id an earlier row of the file has waits until the workers are
# done and then goes here, in file order, so the first of them that can be imported is the one imported, as when
# one process reads the file top to bottom.

WORKERS = 3  # on two cores: while one worker waits for PostgreSQL another has the core (3: 93 s, 2: 127 s)
WORKERS_FROM = 5000  # rows: a smaller file is imported here (a worker costs a fork and its own connection)
_WORKER: dict = {}


def _workers_for(asked: int | None, rows: int) -> int:
    dialect = db.engine.dialect.name
    if asked is None:
        return WORKERS if dialect == "postgresql" and rows >= WORKERS_FROM else 0
    return min(asked, 1) if dialect != "postgresql" else asked  # SQLite writes one transaction at a time


def _in_workers(actor, rows: Iterator[Row], boroughs, workers: int, count: _Counter) -> list[Row]:
    """Import ``rows`` in worker processes; the rows left for this process (external ids seen earlier)."""
    later: list[Row] = []
    queued: deque = deque()
    context = multiprocessing.get_context("fork")  # the app, its configuration and the clock as they are here
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                             initargs=(current_app._get_current_object(), actor, boroughs)) as pool:
        for batch in _batches(_first_of_each_id(rows, later)):
            queued.append((batch, pool.submit(_worker_batch, batch)))
            while len(queued) > 2 * workers:
                _collect(*queued.popleft(), count)
        while queued:
            _collect(*queued.popleft(), count)
    return later


def _first_of_each_id(rows: Iterator[Row], later: list[Row]) -> Iterator[Row]:
    ids: set[str] = set()
    for row in rows:
        if row.external_id in ids:
            later.append(row)
            continue
        if row.external_id is not None:
            ids.add(row.external_id)
        yield row


def _collect(batch: list[Row], done, count: _Counter) -> None:
    count(batch, [(batch[index], kind, value) for index, kind, value in done.result()])
    audit.seal_committed_elsewhere()


def _start_worker(app, actor, boroughs) -> None:
    app.app_context().push()
    db.engine.dispose(close=False)  # the parent's pooled connections stay the parent's
    app.config["AUDIT_SEAL_MODE"] = "off"  # the parent seals what the workers commit
    _WORKER.update(actor=actor, boroughs=boroughs)


def _worker_batch(batch: list[Row]) -> list[tuple[int, str, object]]:
    """A batch's outcomes by position (the rows stay with the parent)."""
    position = {id(row): index for index, row in enumerate(batch)}
    return [(position[id(row)], kind, value)
            for row, kind, value in _outcomes(_WORKER["actor"], batch, _WORKER["boroughs"], set())]
