"""Keeping every roll-up up to date in the same transaction as each change that moves one of its figures.

Session events rather than a call in every service, and rather than SQL triggers: every change to a case (and
to the rows the roll-ups count with it: code events, withdrawals and their reasons) goes through the ORM (the
services, the demo seeder, the tests' factories), so listening to the session catches them all,
including changes added later by code that has never heard of the roll-ups; and the London month a case was
received in is worked out once, in Python, the same on PostgreSQL and SQLite (a trigger would need two
implementations, one of them without time zones). The bulk import inserts a batch's cases with one statement and
names them (``cases_inserted``), so they are counted at the commit as if the session had added them; bulk SQL
that tells nobody (the benchmark seeder) runs ``flask --app wsgi rollups rebuild`` afterwards.

How: the first time a transaction touches a case for a roll-up (a field of the case in the provider's
``case_fields``, or a related row of the provider) and before a flush writes the change, the case's contribution
to that roll-up is read from the database; just before the commit the contributions of every touched case are
read again, and the differences are added to each roll-up table with one upsert. A change that moves only one
roll-up (a first contact, a code event) reads and writes only that one. A deleted case's contribution moves to the
provider's purged table instead, so the figures stay as they were (retention purges). The roll-up rows are
written at the end of the transaction, so their row locks are held only for the commit.
"""
from collections import Counter

from sqlalchemy import event, inspect

from ...models import Case
from .counts import add_counts
from .registry import PROVIDERS, Provider, one_round_of_reads

_SEEN = "victimcare.rollups.before"  # provider name -> {case id: {roll-up key: counts}} as the transaction found it
_NEW = "victimcare.rollups.new"  # Case objects added in this transaction, not yet given an id
CHUNK = 500


def _changed(obj, fields) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in fields)


def _touched(session) -> dict[str, set[int]]:
    """{provider name: ids of the cases whose contribution to it this flush may change}."""
    touched: dict[str, set[int]] = {provider.name: set() for provider in PROVIDERS}
    for obj in session.dirty:
        if isinstance(obj, Case) and obj.id is not None:
            for provider in PROVIDERS:
                if _changed(obj, provider.case_fields):
                    touched[provider.name].add(obj.id)
    for obj in session.deleted:
        if isinstance(obj, Case) and obj.id is not None:
            for ids in touched.values():
                ids.add(obj.id)
    for provider in PROVIDERS:
        for spec in provider.related:
            for obj in (*session.new, *session.dirty, *session.deleted):
                if not isinstance(obj, spec.model):
                    continue
                if obj in session.dirty and not (
                        _changed(obj, spec.fields) if spec.fields
                        else session.is_modified(obj, include_collections=True)):
                    continue
                touched[provider.name].update(spec.case_ids(session, obj))
    return touched


def read(session, provider: Provider, case_ids: list[int]) -> dict[int, dict]:
    found = {}
    for start in range(0, len(case_ids), CHUNK):
        found.update(provider.contributions(session, case_ids[start:start + CHUNK]))
    return found


def _before_flush(session, flush_context, instances) -> None:
    """Read the contribution of each case to each roll-up the flush touches for the first time in this
    transaction. Nothing earlier in the transaction moved it (that would have touched it), so it is as the
    transaction found it; a change that touches only one roll-up (a first contact, a code event) reads only it."""
    seen = session.info.setdefault(_SEEN, {})
    for obj in session.new:
        if isinstance(obj, Case):
            session.info.setdefault(_NEW, []).append(obj)
    with session.no_autoflush, one_round_of_reads(session):
        for name, ids in _touched(session).items():
            before = seen.setdefault(name, {})
            new_ids = sorted(ids - before.keys())
            if new_ids:
                found = read(session, next(p for p in PROVIDERS if p.name == name), new_ids)
                for case_id in new_ids:
                    before[case_id] = found.get(case_id, {})


def _after_flush(session, flush_context) -> None:
    seen = session.info.setdefault(_SEEN, {})
    for obj in session.info.pop(_NEW, []):
        if obj.id is not None:
            for provider in PROVIDERS:  # it did not exist before this transaction
                seen.setdefault(provider.name, {}).setdefault(obj.id, {})


def _differences(before_by_case: dict, now: dict, deleted: set) -> tuple[Counter, Counter]:
    delta, purged = Counter(), Counter()
    for case_id, before in before_by_case.items():
        if case_id in deleted:  # the roll-ups keep what it counted, and the purged table says so
            for key, counts in before.items():
                for name, n in counts.items():
                    purged[(key, name)] += n
            continue
        for key, counts in before.items():
            for name, n in counts.items():
                if n:
                    delta[(key, name)] -= n
        for key, counts in now.get(case_id, {}).items():
            for name, n in counts.items():
                if n:  # most counts of a key are 0 (a case is counted once a key, by few of its counts)
                    delta[(key, name)] += n
    return delta, purged


def _before_commit(session) -> None:
    session.flush()  # the commit would flush after this event: flush first, so every change is seen
    seen = session.info.pop(_SEEN, {})
    with one_round_of_reads(session):
        now = {provider.name: read(session, provider, sorted(seen[provider.name]))
               for provider in PROVIDERS if seen.get(provider.name)}
    # A deleted case touched every roll-up, rollup_cases among them, which counts every case there is.
    deleted = set(seen.get("cases", {})) - set(now.get("cases", {}))
    for provider in PROVIDERS:
        if provider.name not in now:
            continue
        delta, purged = _differences(seen[provider.name], now[provider.name], deleted)
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
    for provider in PROVIDERS:
        before = seen.setdefault(provider.name, {})
        for case_id in case_ids:
            before.setdefault(case_id, {})


def install(session) -> None:
    """Listen to ``session`` (the app's scoped session); idempotent."""
    for name, listener in (("before_flush", _before_flush), ("after_flush", _after_flush),
                           ("before_commit", _before_commit), ("after_transaction_end", _forget)):
        if not event.contains(session, name, listener):
            event.listen(session, name, listener)
