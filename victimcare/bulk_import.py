"""`flask --app wsgi referrals import FILE`: referrals from another system, CSV or JSON Lines, in the shape of the
referrals API plus a top-level ``external_id``.

JSON Lines: one API body per line. CSV: a header row of dotted API paths (``victim.given_name``,
``offence.category``, ``consent.referral``, ``dash.yes_count`` ...); empty cells are left out, ``true``/``false``
cells of yes-or-no fields become booleans, whole numbers of number fields become numbers, and
``offence.hate_crime_strands`` is a list separated by ``;`` (empty: none). Each row is checked by the API's own rules, routed as
an API referral is, and written whole or not at all. Rows that cannot be imported go to ``FILE.rejected.jsonl``
with their line number and the reasons; the command exits 1 when there are any (the good rows are imported).
"""
import csv
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import click
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


def _commit_batch(actor, batch: list[Row], boroughs, tally, rejected, seen: set[str], bar) -> None:
    """The batch in one transaction; if writing it fails, each row alone, so only the bad row is rejected."""
    if not batch:
        return
    try:
        with uow.unit_of_work():
            outcomes = _attempt(actor, batch, boroughs, seen)
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
    for row, kind, value in outcomes:
        if kind == "rejected":
            _reject(tally, rejected, row, value)
        elif kind == "already":
            tally.already_imported += 1
        else:
            seen.add(row.external_id)
            tally.imported += 1
            tally.routed[value] = tally.routed.get(value, 0) + 1
    bar.update(len(batch))


def _failure(exc: Exception) -> str:
    """What the rejected file says of a row whose writing failed: the service's message, or the database's kind
    of refusal (never its text, which can quote the row's values)."""
    if isinstance(exc, ServiceError | HolidayDataUnavailable):
        return str(exc)
    return f"The database refused the row ({type(getattr(exc, 'orig', None) or exc).__name__})"


def _reject(tally, rejected, row: Row, problems: list[dict]) -> None:
    tally.rejected += 1
    entry = {"line": row.line, "external_id": row.external_id, "errors": problems, "row": row.body}
    rejected.write(json.dumps(entry, ensure_ascii=False, default=str) + "\n")


@referrals_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as", "as_email", metavar="EMAIL", help="Record the referrals as made by this caseworker "
                                                         "(default: the system).")
def import_command(file: Path, as_email: str | None):
    """Import referrals from FILE (.csv, or JSON Lines), each routed as the API routes it."""
    actor = _actor(as_email)
    uow.rollback()
    with file.open(encoding="utf-8-sig") as counting:
        total = sum(1 for _ in counting) - (1 if file.suffix.lower() == ".csv" else 0)
    rejected_path = file.with_name(file.name + ".rejected.jsonl")
    tally = referral_service.ImportTally()
    seen: set[str] = set()
    with rejected_path.open("w", encoding="utf-8") as rejected, \
            click.progressbar(length=max(total, 0), label="Importing referrals", file=sys.stderr,
                              show_pos=True) as bar:
        boroughs = schemas.borough_index()
        batch: list[Row] = []
        for row in _rows(file):
            batch.append(row)
            if len(batch) == BATCH_SIZE:
                _commit_batch(actor, batch, boroughs, tally, rejected, seen, bar)
                batch = []
        _commit_batch(actor, batch, boroughs, tally, rejected, seen, bar)
        with uow.unit_of_work():
            referral_service.record_run(actor, tally, file.name)
    if tally.rejected == 0:
        rejected_path.unlink()
    routed = ", ".join(f"{count} {status}" for status, count in sorted(tally.routed.items()))
    click.echo(f"Imported {tally.imported} referrals ({routed or 'none'}); {tally.already_imported} were already "
               f"imported; {tally.rejected} rejected" + (f" (see {rejected_path})" if tally.rejected else ""))
    sys.exit(1 if tally.rejected else 0)
