"""What one case counts for in the roll-ups, and adding counts to a roll-up table with one upsert."""
from datetime import date

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from ...domain.clock import LONDON
from ...domain.vocab import OPEN_CASE_STATUSES
from ...models import Case, RollupCases, RollupPurgedCases
from ...models.rollups import NO_BOROUGH, NOT_CONTACTED, ROLLUP_COUNTS

# A case the service declined or passed on, and never contacted, is not counted as due for contact.
NOT_DUE_UNLESS_CONTACTED = ("declined", "transferred")
# The fields of a case that move a roll-up figure; a change to any other (a note, the version) costs nothing.
RELEVANT_FIELDS = ("service_id", "status", "received_at", "borough_code", "enhanced",
                   "first_contact_working_days", "first_contact_in_time", "accepted_at", "first_contacted_at")
KEY_FIELDS = ("service_id", "borough_code", "month", "enhanced", "days")
TABLES = {"rollup_cases": RollupCases.__table__, "rollup_purged_cases": RollupPurgedCases.__table__}


def london_month(moment) -> date:
    return moment.astimezone(LONDON).date().replace(day=1)


def contribution(row) -> tuple[tuple, dict]:
    """(roll-up key, {count name: n}) for one case's row."""
    days = row.first_contact_working_days
    key = (row.service_id, row.borough_code or NO_BOROUGH, london_month(row.received_at), bool(row.enhanced),
           NOT_CONTACTED if days is None else days)
    return key, {
        "received": 1,
        "in_time": int(row.first_contact_in_time is True),
        "accepted": int(row.accepted_at is not None),
        "pending": int(days is None and row.status not in NOT_DUE_UNLESS_CONTACTED),
        "waiting": int(row.first_contacted_at is None and row.status in OPEN_CASE_STATUSES),
    }


def contributions(session, case_ids: list[int]) -> dict[int, dict]:
    """{case id: {key: counts}} for the cases as the database holds them now (missing: no such case)."""
    columns = [getattr(Case, name) for name in RELEVANT_FIELDS]
    found = {}
    for row in session.execute(select(Case.id, *columns).where(Case.id.in_(case_ids))):
        key, counts = contribution(row)
        found[row.id] = {key: counts}
    return found


def add_counts(session, table_name: str, changes) -> None:
    """Add ``changes`` ({(key, count name): n}) to the roll-up table: one multi-row upsert, keys in order (so
    two transactions lock shared rows in the same order and cannot deadlock)."""
    rows: dict[tuple, dict] = {}
    for (key, name), n in changes.items():
        if n:
            rows.setdefault(key, dict.fromkeys(ROLLUP_COUNTS, 0))[name] += n
    if not rows:
        return
    table = TABLES[table_name]
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    values = [{**dict(zip(KEY_FIELDS, key)), **counts} for key, counts in sorted(rows.items())]
    statement = insert(table).values(values)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c[name] for name in KEY_FIELDS],
        set_={name: table.c[name] + statement.excluded[name] for name in ROLLUP_COUNTS},
    )
    session.execute(statement)
