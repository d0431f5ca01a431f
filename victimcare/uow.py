"""The unit of work: the one place that commits.

Services add, change and flush; they never commit. The boundary that called them commits once: the HTML or API
request (``register_request_hooks`` commits after the view returns), a CLI command or a background job
(``with unit_of_work():``). Two service calls inside one boundary therefore share one transaction: if the second
fails, nothing of the first is kept.

Work that must happen only once the change is durable (dispatching an outbox job, say) registers itself with
``after_commit``; it runs after a successful commit and is dropped on rollback.
"""
from collections.abc import Callable
from contextlib import contextmanager

from .extensions import db

_AFTER_COMMIT = "victimcare.after_commit"


def after_commit(callback: Callable[[], None]) -> None:
    """Run ``callback`` once the current transaction commits; forget it if the transaction rolls back."""
    db.session.info.setdefault(_AFTER_COMMIT, []).append(callback)


def commit() -> None:
    """Commit the current transaction, then run what waited for it."""
    db.session.commit()
    callbacks = db.session.info.pop(_AFTER_COMMIT, [])
    for callback in callbacks:
        callback()


def end_read() -> None:
    """End a transaction that only read, with a COMMIT rather than a ROLLBACK: psycopg forgets every statement it
    has prepared on a connection when that connection rolls back, so a polling loop that rolled back its reads
    (the in-process job dispatcher, every few seconds) left the pool's connections planning the home page's
    counts afresh (10 ms instead of 1.5). Refuses to commit anything the session still holds unsaved."""
    if db.session.new or db.session.dirty or db.session.deleted:
        raise RuntimeError("end_read() with unsaved changes in the session")
    db.session.commit()


def rollback() -> None:
    """Undo everything since the last commit, and what was waiting for it."""
    db.session.rollback()
    db.session.info.pop(_AFTER_COMMIT, None)


@contextmanager
def unit_of_work():
    """Commit the block's changes once when it ends; roll all of them back if it raises."""
    try:
        yield db.session
    except BaseException:
        rollback()
        raise
    commit()


@contextmanager
def transaction_of_its_own():
    """For a record that must survive whatever happens to the work around it (a refused access, a failed
    sign-in): the current work is rolled back first, then the block is committed alone."""
    rollback()
    with unit_of_work() as session:
        yield session
