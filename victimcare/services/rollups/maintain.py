"""Keeping the roll-ups up to date in the same transaction as each change to a case.

Session events rather than a call in every service, and rather than SQL triggers: every change to a case goes
through the ORM (the services, the bulk import, the demo seeder, the tests' factories), so listening to the
session catches them all, including changes added later by code that has never heard of the roll-ups; and the
London month a case was received in is worked out once, in Python, the same on PostgreSQL and SQLite (a
trigger would need two implementations, one of them without time zones). Bulk SQL that bypasses the ORM (the
benchmark seeder) runs ``flask --app wsgi rollups rebuild`` afterwards.

How: the first time a case is touched in a transaction (before a flush writes it), its contribution to the
roll-ups is read from the database; just before the commit, the contributions of every touched case are read
again, and the differences are added to ``rollup_cases`` with one upsert per roll-up row. A deleted case's
contribution moves to ``rollup_purged_cases`` instead, so the figures stay as they were (retention purges).
The roll-up rows are written at the end of the transaction, so their row locks are held only for the commit.
"""
from collections import Counter

from sqlalchemy import event, inspect

from ...models import Case
from .counts import RELEVANT_FIELDS, add_counts, contributions

_SEEN = "victimcare.rollups.before"  # case id -> {roll-up key: counts} as the transaction found it
_NEW = "victimcare.rollups.new"  # Case objects added in this transaction, not yet given an id


def _relevant_change(case: Case) -> bool:
    state = inspect(case)
    return any(state.attrs[name].history.has_changes() for name in RELEVANT_FIELDS)


def _before_flush(session, flush_context, instances) -> None:
    seen = session.info.setdefault(_SEEN, {})
    for obj in session.new:
        if isinstance(obj, Case):
            session.info.setdefault(_NEW, []).append(obj)
    touched = [obj.id for obj in list(session.dirty) + list(session.deleted)
               if isinstance(obj, Case) and obj.id is not None and obj.id not in seen
               and (obj in session.deleted or _relevant_change(obj))]
    if touched:
        with session.no_autoflush:
            found = contributions(session, touched)
        for case_id in touched:
            seen[case_id] = found.get(case_id, {})


def _after_flush(session, flush_context) -> None:
    seen = session.info.setdefault(_SEEN, {})
    for obj in session.info.pop(_NEW, []):
        if obj.id is not None:
            seen.setdefault(obj.id, {})  # it did not exist before this transaction


def _before_commit(session) -> None:
    session.flush()  # the commit would flush after this event: flush first, so every change is seen
    seen = session.info.pop(_SEEN, {})
    if not seen:
        return
    ids = list(seen)
    now = {}
    for start in range(0, len(ids), 500):
        now.update(contributions(session, ids[start:start + 500]))
    delta, purged = Counter(), Counter()
    for case_id, before in seen.items():
        after = now.get(case_id)
        if after is None:  # deleted: the roll-ups keep what it counted, and the purged table says so
            for key, counts in before.items():
                for name, n in counts.items():
                    purged[(key, name)] += n
            continue
        for key, counts in before.items():
            for name, n in counts.items():
                delta[(key, name)] -= n
        for key, counts in after.items():
            for name, n in counts.items():
                delta[(key, name)] += n
    add_counts(session, "rollup_cases", delta)
    add_counts(session, "rollup_purged_cases", purged)


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

