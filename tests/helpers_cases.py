"""Helpers for case-work tests: a signed-in advocate, a case of their service, and query counting."""
from contextlib import contextmanager

from sqlalchemy import event

from victimcare.extensions import db
from victimcare.models import Case


def fresh(case_id: int) -> Case:
    db.session.expire_all()
    return db.session.get(Case, case_id)


def version_of(case_id: int) -> int:
    return fresh(case_id).version


@contextmanager
def count_queries():
    """Count the SQL statements run inside the block: `with count_queries() as counter: ...; counter.count`."""

    class Counter:
        count = 0

    counter = Counter()

    def before_cursor_execute(*args):
        counter.count += 1

    engine = db.engine
    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", before_cursor_execute)


def recent_case(service_slug: str = "domestic-abuse", status: str = "new", days_ago: int = 10, due_in: int = 7,
                **values) -> Case:
    """A case received `days_ago` days ago whose first contact is due `due_in` days after it was received."""
    from datetime import datetime, timedelta, timezone

    from .factories import make_referral_with_case

    received = (datetime.now(timezone.utc) - timedelta(days=days_ago)).replace(hour=9, minute=0, second=0,
                                                                               microsecond=0)
    values.setdefault("first_contact_due", received.date() + timedelta(days=due_in))
    return make_referral_with_case(service_slug, status, received_at=received, **values)


def date_parts(day) -> list[str]:
    """A date as the three boxes of a GOV.UK date input."""
    return [str(day.day), str(day.month), str(day.year)]


def post_case_form(client, url: str, case_id: int, data: dict | None = None, version: int | None = None, **kwargs):
    """POST a case form carrying the case's current version (or the given stale one)."""
    body = dict(data or {})
    body["version"] = str(version if version is not None else version_of(case_id))
    return client.post(url, data=body, **kwargs)
