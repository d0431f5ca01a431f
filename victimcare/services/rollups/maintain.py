"""Keeping every roll-up up to date in the same transaction as each change that moves one of its figures.

Session events rather than a call in every service, and rather than SQL triggers: every change to a case (and
to the rows the roll-ups count with it: code events, withdrawals and their reasons) goes through the ORM (the
services, the demo seeder, the tests' factories), so listening to the session catches them all,
including changes added later by code that has never heard of the roll-ups; and the London month a case was
received in is worked out once, in Python, the same on PostgreSQL and SQLite (a trigger would need two
implementations, one of them without time zones). The bulk import inserts a batch's cases with one statement and
names them (``cases_inserted``), so they are counted at the commit as if the session had added them; bulk SQL
that tells nobody (the benchmark seeder) runs ``flask --app wsgi rollups rebuild`` afterwards.

How: the first time a transaction touches a case (a relevant field of it, or a related row of some provider in
``registry.PROVIDERS``) and before a flush writes the change, the case's contribution to every roll-up is read
from the database; just before the commit the contributions of every touched case are read again, and the
differences are added to each roll-up table with one upsert. A deleted case's contribution moves to the
provider's purged table instead, so the figures stay as they were (retention purges). The roll-up rows are
written at the end of the transaction, so their row locks are held only for the commit.
"""
from collections import Counter

from sqlalchemy import event, inspect

from ...models import Case
from .counts import add_counts
from .registry import PROVIDERS, Provider

_SEEN = "victimcare.rollups.before"  # case id -> {provider name: {roll-up key: counts}} as the transaction found it
_NEW = "victimcare.rollups.new"  # Case objects added in this transaction, not yet given an id
CHUNK = 500


def _changed(obj, fields) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in fields)


def _case_fields() -> tuple[str, ...]:
    return tuple(dict.fromkeys(name for p in PROVIDERS for name in p.case_fields))


def _touched(session) -> set[int]:
    """Ids of the cases whose contributions this flush may change."""
    fields = _case_fields()
    touched = set()
    for obj in session.dirty:
        if isinstance(obj, Case) and obj.id is not None and _changed(obj, fields):
            touched.add(obj.id)
    for obj in session.deleted:
        if isinstance(obj, Case) and obj.id is not None:
            touched.add(obj.id)
    related = [r for p in PROVIDERS for r in p.related]
    if related:
        for obj in (*session.new, *session.dirty, *session.deleted):
            for spec in related:
                if not isinstance(obj, spec.model):
                    continue
                if obj in session.dirty and not (
                        _changed(obj, spec.fields) if spec.fields
                        else session.is_modified(obj, include_collections=True)):
                    continue
                touched.update(spec.case_ids(session, obj))
    return touched


def read(session, provider: Provider, case_ids: list[int]) -> dict[int, dict]:
    found = {}
    for start in range(0, len(case_ids), CHUNK):
        found.update(provider.contributions(session, case_ids[start:start + CHUNK]))
    return found


def _before_flush(session, flush_context, instances) -> None:
    seen = session.info.setdefault(_SEEN, {})
    for obj in session.new:
        if isinstance(obj, Case):
            session.info.setdefault(_NEW, []).append(obj)
    with session.no_autoflush:
        touched = sorted(case_id for case_id in _touched(session) if case_id not in seen)
        if not touched:
            return
        found = {provider.name: read(session, provider, touched) for provider in PROVIDERS}
    for case_id in touched:
        seen[case_id] = {name: by_case.get(case_id, {}) for name, by_case in found.items()}


def _after_flush(session, flush_context) -> None:
    seen = session.info.setdefault(_SEEN, {})
    for obj in session.info.pop(_NEW, []):
        if obj.id is not None:
            seen.setdefault(obj.id, {})  # it did not exist before this transaction


def _differences(seen: dict, provider: Provider, now: dict, exists: set) -> tuple[Counter, Counter]:
    delta, purged = Counter(), Counter()
    for case_id, before_all in seen.items():
        before = before_all.get(provider.name, {})
        if case_id not in exists:  # deleted: the roll-ups keep what it counted, and the purged table says so
            for key, counts in before.items():
                for name, n in counts.items():
                    purged[(key, name)] += n
            continue
        for key, counts in before.items():
            for name, n in counts.items():
                delta[(key, name)] -= n
        for key, counts in now.get(case_id, {}).items():
            for name, n in counts.items():
                delta[(key, name)] += n
    return delta, purged


def _before_commit(session) -> None:
    session.flush()  # the commit would flush after this event: flush first, so every change is seen
    seen = session.info.pop(_SEEN, {})
    if not seen:
        return
    ids = sorted(seen)
    now = {provider.name: read(session, provider, ids) for provider in PROVIDERS}
    exists = set(now["cases"])  # rollup_cases counts every case there is
    for provider in PROVIDERS:
        delta, purged = _differences(seen, provider, now[provider.name], exists)
        add_counts(session, provider.table, provider.key_fields, provider.count_names, delta)
        add_counts(session, provider.purged, provider.key_fields, provider.count_names, purged)


def _forget(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_SEEN, None)
        session.info.pop(_NEW, None)


def cases_inserted(session, case_ids: list[int]) -> None:
    """Cases written by a multi-row INSERT that bypassed the session's unit of work (the bulk import): they are
    counted with the transaction's other changes just before its commit, as if the session had added them."""
    seen = session.info.setdefault(_SEEN, {})
    for case_id in case_ids:
        seen.setdefault(case_id, {})


def install(session) -> None:
    """Listen to ``session`` (the app's scoped session); idempotent."""
    for name, listener in (("before_flush", _before_flush), ("after_flush", _after_flush),
                           ("before_commit", _before_commit), ("after_transaction_end", _forget)):
        if not event.contains(session, name, listener):
            event.listen(session, name, listener)
