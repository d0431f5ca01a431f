"""The purge: remove a person's personal data, keeping the anonymous statistical rows the reports read.

``run(as_of, dry_run)`` purges everyone past their retention date who is not on a legal hold (the
``retention run`` command and the ``retention`` sweep); ``purge_person`` is the same routine for one person (an
accepted erasure request). Each person is all-or-nothing: their work runs in a savepoint, so a failure half-way
leaves that person untouched and the run goes on with the next, reporting the failure.

What happens to each table is in registry.py. Besides the tables: stored replies to API retries whose Location
is one of the person's referrals, and any stored export file built for the person, are deleted. One audit event
records the counts (never a value); on PostgreSQL the touched tables are vacuumed after the commit, on SQLite
``secure_delete`` is on for every connection (extensions.py).
"""
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import delete, func, select, text, update

from ...domain.clock import london_date, utc_now
from ...domain.vocab import age_band_on
from ...extensions import db
from ...models import Case, ExportFile, IdempotencyRecord, Person, Referral
from ...uow import after_commit
from .. import audit
from ..actors import SYSTEM, Actor
from . import schedule
from .registry import ORDER, REGISTRY


@dataclass
class RunSummary:
    as_of: date
    dry_run: bool
    people: int = 0
    records: int = 0
    by_category: Counter = field(default_factory=Counter)
    records_by_category: Counter = field(default_factory=Counter)
    held: list[str] = field(default_factory=list)  # references of held people who would otherwise go
    failed: int = 0
    tables: set = field(default_factory=set)


@dataclass(frozen=True)
class Scope:
    person_id: int
    referral_ids: list[int]
    case_ids: list[int]
    references: list[str]


def scope_of(person_id: int) -> Scope:
    referrals = db.session.execute(select(Referral.id, Referral.reference).where(Referral.person_id == person_id)).all()
    referral_ids = [r.id for r in referrals]
    case_ids = list(db.session.scalars(select(Case.id).where(Case.referral_id.in_(referral_ids)))) if referral_ids else []
    return Scope(person_id, referral_ids, case_ids, [r.reference for r in referrals])


def _rows_of(table, scope: Scope):
    if table.name == "people":
        return table.c.id == scope.person_id
    if table.name == "cases":
        return table.c.referral_id.in_(scope.referral_ids)
    for column, ids in (("person_id", [scope.person_id]), ("referral_id", scope.referral_ids),
                        ("case_id", scope.case_ids)):
        if column in table.c:
            return table.c[column].in_(ids)
    raise LookupError(f"the registry lists {table.name}, which has no person, referral or case column")


def count_records(scope: Scope) -> int:
    """How many rows the purge would change or delete for this person (the dry run's ``records``)."""
    total = _outside_the_tables(scope, dry_run=True)
    for name in ORDER:
        rule = REGISTRY[name]
        if rule.keep_all or not (rule.scrub or rule.delete_rows):
            continue
        table = db.metadata.tables[name]
        total += db.session.scalar(select(func.count()).select_from(table).where(_rows_of(table, scope))) or 0
    return total


def _keep_age_bands(scope: Scope) -> None:
    """Before the date of birth goes: the age band on each case that has none yet (the equality report's)."""
    dob = db.session.scalar(select(Person.date_of_birth).where(Person.id == scope.person_id))
    if dob is None or not scope.case_ids:
        return
    for case_id, received in db.session.execute(
            select(Case.id, Case.received_at).where(Case.id.in_(scope.case_ids), Case.age_band.is_(None))):
        db.session.execute(update(Case).where(Case.id == case_id)
                           .values(age_band=age_band_on(dob, london_date(received))))


def scrub_table(name: str, scope: Scope) -> int:
    rule = REGISTRY[name]
    table = db.metadata.tables[name]
    if rule.delete_rows:
        return db.session.execute(delete(table).where(_rows_of(table, scope))).rowcount or 0
    if not rule.scrub:
        return 0
    return db.session.execute(update(table).where(_rows_of(table, scope)).values(**rule.scrub)).rowcount or 0


def _outside_the_tables(scope: Scope, *, dry_run: bool = False) -> int:
    """Stored API replies naming the person's referrals, and stored exports built for the person (counted only,
    on a dry run)."""
    removed = 0
    for reference in scope.references:
        replies = IdempotencyRecord.location.like(f"%/referrals/{reference}")
        if dry_run:
            removed += db.session.scalar(select(func.count()).where(replies)) or 0
        else:
            removed += db.session.execute(delete(IdempotencyRecord).where(replies)).rowcount or 0
    from ..exports import export_dir

    for export in db.session.scalars(select(ExportFile).where(ExportFile.storage_name.is_not(None))):
        params = export.params or {}
        if params.get("person_id") == scope.person_id or params.get("reference") in scope.references:
            removed += 1
            if dry_run:
                continue
            path = export_dir() / export.storage_name
            after_commit(lambda path=path: path.unlink(missing_ok=True))
            export.storage_name, export.status = None, "expired"
    return removed


def purge_scope(scope: Scope) -> int:
    """Every table's rows of one person, in the current transaction; returns the rows changed."""
    _keep_age_bands(scope)
    changed = sum(scrub_table(name, scope) for name in ORDER if not REGISTRY[name].keep_all)
    changed += _outside_the_tables(scope)
    db.session.execute(update(Person).where(Person.id == scope.person_id).values(purged_at=utc_now()))
    return changed


def purge_person(actor: Actor, person_id: int, *, why: str, request_id: int | None = None) -> int:
    """Purge one person now (an accepted erasure request): all or nothing, one audit event with the count."""
    scope = scope_of(person_id)
    with db.session.begin_nested():
        changed = purge_scope(scope)
    audit.record(actor, "purged", "person", person_id, changes={
        "why": why, "records": changed, **({"erasure_request": request_id} if request_id else {})})
    _vacuum_after_commit(REGISTRY)
    db.session.expire_all()
    return changed


def _vacuum_after_commit(tables) -> None:
    if db.engine.dialect.name != "postgresql":
        return
    names = [name for name in tables if not REGISTRY.get(name, None) or not REGISTRY[name].keep_all]

    def vacuum():
        # VACUUM cannot run inside a transaction: a connection of its own, in autocommit.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for name in [*names, "idempotency_records"]:
                connection.execute(text(f'VACUUM "{name}"'))

    after_commit(vacuum)


def run(as_of: date, *, dry_run: bool, actor: Actor = SYSTEM) -> RunSummary:
    """Purge (or, dry, count) everyone whose retention date is before ``as_of`` and who is not held."""
    summary = RunSummary(as_of=as_of, dry_run=dry_run)
    held = schedule.held_person_ids()  # holds are few; an IN list of everyone due would pass the driver's limits
    for due in _due_in_batches(as_of):
        _purge_batch(summary, due, held, dry_run)
    if not dry_run and (summary.people or summary.failed):
        audit.record(actor, "purged", "retention-run", None, changes={
            "as_of": as_of.isoformat(), "people": summary.people, "records": summary.records,
            "by_category": dict(summary.by_category), "held": len(summary.held), "failed": summary.failed})
        _vacuum_after_commit(REGISTRY)
        db.session.flush()
        db.session.expire_all()
    return summary


BATCH_PEOPLE = 2000


def _due_in_batches(as_of: date):
    """Everyone past their date, a batch of people at a time: memory and each query's parameters stay bounded
    however many millions of people are held."""
    after = 0
    while True:
        ids = list(db.session.scalars(select(Person.id).where(Person.purged_at.is_(None), Person.id > after)
                                      .order_by(Person.id).limit(BATCH_PEOPLE)))
        if not ids:
            return
        after = ids[-1]
        yield {pid: r for pid, r in schedule.retentions(ids).items() if r.due(as_of)}


def _purge_batch(summary: RunSummary, due: dict, held: set[int], dry_run: bool) -> None:
    for person_id in sorted(due):
        category = due[person_id].category
        scope = scope_of(person_id)
        if person_id in held:
            summary.held.extend(scope.references[:1] or [f"person {person_id}"])
            continue
        try:
            with db.session.begin_nested():
                records = count_records(scope) if dry_run else purge_scope(scope)
        except Exception as error:  # one person's failure must not stop the schedule for everyone else
            current_app.logger.error("retention purge of person %s failed: %s", person_id, type(error).__name__)
            summary.failed += 1
            continue
        summary.people += 1
        summary.records += records
        summary.by_category[category] += 1
        summary.records_by_category[category] += records
