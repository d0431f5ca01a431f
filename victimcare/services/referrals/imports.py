"""Referrals from another system's records, in bulk: each row is routed as an API referral would be, and carries
the source system's ``external_id``, so importing the same file twice creates nothing the second time.

A batch of rows is checked and routed one row at a time by create_referral's own steps (``plan_import``), then
written together (``write_imports``): one multi-row INSERT each for the people, referrals, hate-crime strands, DASH
assessments, routing decisions, cases, audit events and emails, whatever the batch's size. The caller commits the
batch as one transaction, so a failure leaves no referral half-written; it then retries the batch's rows one at a
time so the good ones still land. A row naming a person already on record, or the people around the victim
(``plan_import`` returns None), is created by ``import_referral`` exactly as the API creates it, in a savepoint.

Cases written this way bypass the session's unit of work, so the roll-ups are told of them
(``rollups.cases_inserted``) and count them at the commit, as they count cases the session adds.
"""
import json
from dataclasses import dataclass, field
from types import SimpleNamespace
from datetime import date, datetime, time

from sqlalchemy import JSON, func, inspect, insert, select, text

from ...domain.dash import DashResult
from ...domain.routing import RoutingDecision as RouteDecision
from ...domain.search import phonetic_key
from ...extensions import db
from ...models import AuditEvent, Case, Person, Referral, ReferralStrand, RiskAssessment, RoutingDecision, Service
from .. import audit, events, rollups
from ..actors import Actor
from ..cases.opening import build_case, opened_event
from .create import checked_new, create_referral, created_changes, decide_referral, new_person, risk_assessment
from .household import record_household
from .inputs import ReferralInput
from .routing import router, rule_decision


@dataclass
class ImportTally:
    imported: int = 0
    already_imported: int = 0
    rejected: int = 0
    routed: dict = field(default_factory=dict)


@dataclass
class PlannedReferral:
    """One row checked and routed, its rows built but not yet written (no ids)."""

    external_id: str
    data: ReferralInput
    person: "Row | None"
    referral: "Row"
    dash: DashResult | None
    decision: RouteDecision
    services: dict[str, Service]


def already_imported(external_ids: list[str]) -> set[str]:
    """Which of these external ids have a referral already (one query per batch)."""
    if not external_ids:
        return set()
    return set(db.session.scalars(select(Referral.external_id).where(Referral.external_id.in_(external_ids))))


def batch_router():
    """Routing with the services' policies read once for a batch (routing.route reads them for each referral)."""
    return router()


def plan_import(actor: Actor, external_id: str, data: ReferralInput, route_with) -> PlannedReferral | None:
    """Check and route one row as create_referral does, building its rows without writing them. Raises what
    create_referral raises (ValidationFailed, Forbidden). None: the row names a person on record or the people
    around the victim, and goes through ``import_referral`` instead."""
    if data.person_id is not None or data.perpetrator is not None or data.parent_carer is not None:
        return None
    data, received_at = checked_new(actor, data)
    person = new_person(data.victim, make=Row) if data.victim is not None else None
    referral, dash_result, decision, services = decide_referral(actor, data, person, received_at, route_with,
                                                                make=Row, make_strand=Row)
    referral.external_id = external_id
    referral.person = person  # for the cases' age bands and the events
    record_household(actor, referral, data)  # the household answers only: no people to add here
    return PlannedReferral(external_id, data, person, referral, dash_result, decision, services)


def write_imports(actor: Actor, planned: list[PlannedReferral]) -> list["Row"]:
    """Write planned referrals with one INSERT a table, in the caller's transaction: the same rows, audit events,
    emails and webhooks as create_referral writes for each of them."""
    if not planned:
        return []
    people = [p.person for p in planned if p.person is not None]
    for person in people:  # what Person's before_insert listener does on a flush
        person.given_name_key, person.family_name_key = phonetic_key(person.given_name), phonetic_key(
            person.family_name)
    _give_ids(Person, people)
    referrals = [p.referral for p in planned]
    for p in planned:
        p.referral.person_id = p.person.id if p.person is not None else None
    _give_ids(Referral, referrals)
    strands = [strand for r in referrals for strand in r.strands]
    for r in referrals:
        for strand in r.strands:
            strand.referral_id = r.id
    _insert(ReferralStrand, strands)
    _insert(RiskAssessment, [risk_assessment(actor, p.referral, p.data.dash, p.dash, make=Row) for p in planned
                             if p.dash is not None])
    decisions, cases_of = [], {}
    for p in planned:
        cases_of[p.referral.id] = []
        if p.data.hold_for_triage:
            continue
        for chosen in p.decision.routes:
            service = p.services[chosen.service]
            decisions.append(rule_decision(actor, p.referral, service, chosen, p.referral.received_at, make=Row))
            cases_of[p.referral.id].append(build_case(
                p.referral, service, rule=chosen.rule, reason=chosen.reason, priority=chosen.priority,
                marac=chosen.marac, first_contact_due=chosen.first_contact_due, received_at=p.referral.received_at,
                make=Row))
    _insert(RoutingDecision, decisions)
    cases = [case for r in referrals for case in cases_of[r.id]]
    _give_ids(Case, cases)
    trail = []
    for p in planned:
        r = p.referral
        trail.append(audit.event_values(actor, "create", "referral", r.id, referral_id=r.id,
                                        changes=created_changes(p.data, r, p.decision)))
        trail += [audit.event_values(actor, "create", "case", case.id, **opened_event(case))
                  for case in cases_of[r.id]]
    _insert(AuditEvent, trail)
    db.session.info[audit.UNSEALED_KEY] = True
    rollups.cases_inserted(db.session, [case.id for case in cases])
    services = {s.id: s for p in planned for s in p.services.values()}
    events.referrals_received([(r, cases_of[r.id]) for r in referrals], services)
    return referrals


class Row(SimpleNamespace):
    """A row as create_referral's builders make it (their ``make``), without the ORM's bookkeeping, which costs
    more than building the row: attributes named as the model's, written by ``_write``. A column not given reads
    as None, as on a model not yet flushed (a new person's id, say)."""

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return None


def _values(obj, columns) -> dict:
    """The column values given to a row (its id is left to the database, or to ``_give_ids``)."""
    given = obj if isinstance(obj, dict) else vars(obj)  # audit.event_values, or a Row
    return {key: value for key, value in given.items() if key in columns and key != "id"}


_UNSET = object()  # a column some rows of a batch leave unset and that has no default: NULL


def _rows(model, objects) -> list[dict]:
    """The rows by column name, every row with the same columns (so one statement takes them all): those set on
    any row, and those with a default, given to the rows that left them out as a flush would give it."""
    columns = {attr.key: attr.columns[0] for attr in inspect(model).column_attrs}
    rows = [_values(obj, columns) for obj in objects]
    keys = set().union(*rows) | {key for key, column in columns.items() if column.default is not None}
    for row in rows:
        if len(row) == len(keys):
            continue
        for key in keys - row.keys():
            default = columns[key].default
            row[key] = _UNSET if default is None else (default.arg(None) if default.is_callable else default.arg)
    renamed = {key: column.key for key, column in columns.items() if column.key != key}
    if renamed:
        return [{renamed.get(key, key): value for key, value in row.items()} for row in rows]
    return rows


def _insert(model, objects) -> None:
    if objects:
        _write(model.__table__, _rows(model, objects))


def _give_ids(model, objects) -> None:
    """Insert the rows with one statement and give each object its id, in order."""
    if not objects:
        return
    table, rows = model.__table__, _rows(model, objects)
    if db.session.get_bind().dialect.name == "postgresql":  # the ids from the table's own sequence
        ids = db.session.scalars(text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                                      "FROM generate_series(1, :n)"), {"table": table.name, "n": len(rows)}).all()
    else:  # SQLite (one writer at a time; development and tests) numbers on from the highest id
        last = db.session.scalar(select(func.coalesce(func.max(table.c.id), 0)))
        ids = list(range(last + 1, last + 1 + len(rows)))
    for row, obj, new_id in zip(rows, objects, ids, strict=True):
        row["id"] = obj.id = new_id
    _write(table, rows)


def _write(table, rows: list[dict]) -> None:
    """One INSERT of every row. On PostgreSQL the rows travel as one JSON document that the server unpacks: a
    VALUES list of 1,000 rows of 50 columns is 50,000 parameters, which cost far more to bind and plan than the
    rows cost to write. A JSON column's None is JSON null, as a flush writes it; a column left unset is NULL."""
    dialect = db.session.get_bind().dialect
    if dialect.name != "postgresql":
        db.session.execute(insert(table), [{k: None if v is _UNSET else v for k, v in row.items()} for row in rows])
        return
    names = sorted(rows[0])
    json_columns = [name for name in names if isinstance(table.c[name].type, JSON)]
    processors = [(name, process) for name in names if name not in json_columns
                  and (process := table.c[name].type._cached_bind_processor(dialect)) is not None]
    for row in rows:  # the rows are this batch's own: changed in place
        for name, process in processors:
            if (value := row[name]) is not None and value is not _UNSET:
                row[name] = process(value)
        for name in json_columns:
            if row[name] is _UNSET:
                del row[name]
    document = json.dumps(rows, default=_json_value, separators=(",", ":"))
    values = ", ".join(f"CAST(e->'{name}' AS {table.c[name].type.compile(dialect)})" if name in json_columns
                       else f"CAST(e->>'{name}' AS {table.c[name].type.compile(dialect)})" for name in names)
    columns = ", ".join(f'"{name}"' for name in names)
    db.session.execute(text(f'INSERT INTO "{table.name}" ({columns}) SELECT {values} '
                            f"FROM jsonb_array_elements(CAST(:rows AS jsonb)) AS e"), {"rows": document})


def _json_value(value):
    if value is _UNSET:
        return None
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    raise TypeError(f"cannot write a {type(value).__name__} in a bulk insert")


def import_referral(actor: Actor, external_id: str, data: ReferralInput) -> Referral:
    """Create and route one referral with its external id, all or nothing (a savepoint around the row)."""
    with db.session.begin_nested():
        referral = create_referral(actor, data)
        referral.external_id = external_id
        db.session.flush()
    return referral


def record_run(actor: Actor, tally: ImportTally, file_name: str) -> None:
    """One audit event for the run, with its counts (the rows' own events are recorded as each is created)."""
    audit.record(actor, "create", "referral-import", None, changes={
        "file": file_name, "imported": tally.imported, "already_imported": tally.already_imported,
        "rejected": tally.rejected,
    })
