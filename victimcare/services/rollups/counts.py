"""What the roll-up providers share: the London month and day a case was received in (in Python, and as SQL for a
recount), and adding counts to a roll-up table with one upsert."""
import json
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache

from sqlalchemy import Date, Integer, and_, any_, bindparam, func, literal, select, text, type_coerce
from sqlalchemy import case as sql_case
from sqlalchemy.dialects import sqlite
from sqlalchemy.dialects.postgresql import ARRAY

from ...domain.clock import LONDON
from ...extensions import db
from ...models import Case
from ...models.rollups import NO_BOROUGH

# A case the service declined or passed on, and never contacted, is not counted as due for contact.
NOT_DUE_UNLESS_CONTACTED = ("declined", "transferred")


# Kept for the few thousand latest times: each touched case is keyed by its London month and day for several
# roll-ups, and a batch of the bulk import shares a handful of times received (22,000 conversions a 5,000-row
# import without this: 0.2 s).
@lru_cache(maxsize=4096)
def london_month(moment) -> date:
    return london_day(moment).replace(day=1)


@lru_cache(maxsize=4096)
def london_day(moment) -> date:
    return moment.astimezone(LONDON).date()


# A case's place in a roll-up keyed by where and when it was received, as Python over a row of the case (with
# service_id, borough_code, received_at, enhanced) and as SQL columns for a recount: by area and London month
# (``by_area``), by London day London-wide (``by_day``), by London month London-wide (``by_london_month``).
def by_area(row) -> tuple:
    return row.service_id, row.borough_code or NO_BOROUGH, london_month(row.received_at), bool(row.enhanced)


def by_day(row) -> tuple:
    return london_day(row.received_at), row.service_id, bool(row.enhanced)


def by_london_month(row) -> tuple:
    return london_month(row.received_at), row.service_id, bool(row.enhanced)


def by_area_columns(dialect: str) -> list:
    return [Case.service_id.label("service_id"),
            func.coalesce(Case.borough_code, literal(NO_BOROUGH)).label("borough_code"),
            month_expression(dialect).label("month"), Case.enhanced.label("enhanced")]


def by_day_columns(dialect: str) -> list:
    return [day_expression(dialect).label("day"), Case.service_id.label("service_id"),
            Case.enhanced.label("enhanced")]


def by_london_month_columns(dialect: str) -> list:
    return [month_expression(dialect).label("month"), Case.service_id.label("service_id"),
            Case.enhanced.label("enhanced")]


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def month_expression(dialect: str, received_at=Case.received_at):
    """The first day of the London month each case was received in, as SQL: PostgreSQL's time zone rules there,
    and on SQLite (which has none) comparisons with each London month's first instant, found in Python."""
    if dialect == "postgresql":
        return func.date_trunc("month", func.timezone("Europe/London", received_at)).cast(Date)
    from ..reports.options import london_midnight_utc

    first, last = db.session.execute(select(func.min(Case.received_at), func.max(Case.received_at))).one()
    if first is None:
        return literal(date(2000, 1, 1), Date)
    months, month = [], london_month(first)
    while month <= london_month(last):
        months.append(month)
        month = next_month(month)
    whens = [(received_at < london_midnight_utc(next_month(m)), literal(m, Date)) for m in months[:-1]]
    return type_coerce(sql_case(*whens, else_=literal(months[-1], Date)) if whens else literal(months[-1], Date),
                       Date)


def among(session, column, ids: list[int]):
    """``column`` is one of ``ids``, as SQL: on PostgreSQL one array parameter (``= ANY``), since psycopg parses
    a statement's text for its placeholders each time it runs one it has not cached, and the breakdown roll-up's
    read of a batch of 500 cases repeated IN (500 placeholders) in each of its seven branches: 40 ms a read."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam("among_ids", list(ids), type_=ARRAY(Integer), unique=True))
    return column.in_(ids)


def day_expression(dialect: str, received_at=Case.received_at):
    """The London day each case was received on, as SQL: PostgreSQL's time zone rules there; on SQLite (which has
    none) the UTC date moved on by the hours London is ahead of UTC, between the instants its clocks change
    (found in Python from the time zone database, for the years the cases span)."""
    if dialect == "postgresql":
        return func.timezone("Europe/London", received_at).cast(Date)
    first, last = db.session.execute(select(func.min(Case.received_at), func.max(Case.received_at))).one()
    if first is None:
        return type_coerce(func.date(received_at), Date)
    whens = [(and_(received_at >= start, received_at < end), func.date(received_at, f"+{hours} hours"))
             for start, end, hours in _ahead_of_utc(first.year, last.year)]
    return type_coerce(sql_case(*whens, else_=func.date(received_at)) if whens else func.date(received_at), Date)


def _ahead_of_utc(first_year: int, last_year: int) -> list[tuple[datetime, datetime, int]]:
    """(from, until, whole hours) for each stretch of the years ``first_year`` to ``last_year`` in which London's
    clocks are ahead of UTC, as UTC instants."""
    stretches, hour = [], timedelta(hours=1)
    moment = datetime(first_year, 1, 1, tzinfo=timezone.utc)
    end = datetime(last_year + 1, 1, 1, tzinfo=timezone.utc)
    start, ahead = None, 0
    while moment < end:
        offset = int(moment.astimezone(LONDON).utcoffset() // hour)
        if offset != ahead:
            if ahead:
                stretches.append((start, moment, ahead))
            start, ahead = moment, offset
        # London's clocks change on the hour (UTC): look at each day, and hour by hour on a day that changes
        day_later = moment + timedelta(days=1)
        moment = day_later if int(day_later.astimezone(LONDON).utcoffset() // hour) == offset else moment + hour
    if ahead:
        stretches.append((start, end, ahead))
    return stretches


def add_counts(session, table, key_fields: tuple[str, ...], count_names: tuple[str, ...], changes) -> None:
    """Add ``changes`` ({(key, count name): n}) to the roll-up table: one multi-row upsert, keys in order (so
    two transactions lock shared rows in the same order and cannot deadlock)."""
    rows: dict[tuple, dict] = {}
    for (key, name), n in changes.items():
        if n:
            rows.setdefault(key, dict.fromkeys(count_names, 0))[name] += n
    if not rows:
        return
    dialect = session.get_bind().dialect
    if dialect.name == "postgresql":
        _add_counts_postgresql(session, table, key_fields, count_names, sorted(rows.items()), dialect)
        return
    values = [{**dict(zip(key_fields, key)), **counts} for key, counts in sorted(rows.items())]
    statement = sqlite.insert(table).values(values)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c[name] for name in key_fields],
        set_={name: table.c[name] + statement.excluded[name] for name in count_names},
    )
    session.execute(statement)


def _add_counts_postgresql(session, table, key_fields, count_names, rows, dialect) -> None:
    """The rows travel as one JSON array the server unpacks, in order: a VALUES list of a thousand keys is
    thousands of parameters, and compiling and binding them each time cost far more than the upsert (a batch of
    the bulk import moves about a thousand keys of the breakdown roll-up)."""
    fields = (*key_fields, *count_names)
    document = json.dumps([[*key, *(counts[name] for name in count_names)] for key, counts in rows],
                          default=_json_value, separators=(",", ":"))
    session.execute(text(_upsert_sql(table, fields, key_fields, count_names, dialect)), {"rows": document})


_UPSERTS: dict[tuple, str] = {}


def _upsert_sql(table, fields, key_fields, count_names, dialect) -> str:
    cache_key = (table.name, fields)
    if cache_key not in _UPSERTS:
        values = ", ".join(f"CAST(e.value->>{n} AS {table.c[name].type.compile(dialect)})"
                           for n, name in enumerate(fields))
        _UPSERTS[cache_key] = (
            f'INSERT INTO "{table.name}" ({", ".join(f"{chr(34)}{name}{chr(34)}" for name in fields)}) '
            f"SELECT {values} FROM jsonb_array_elements(CAST(:rows AS jsonb)) WITH ORDINALITY AS e(value, n) "
            f"ORDER BY e.n "
            f'ON CONFLICT ({", ".join(f"{chr(34)}{name}{chr(34)}" for name in key_fields)}) DO UPDATE SET '
            + ", ".join(f'"{name}" = "{table.name}"."{name}" + excluded."{name}"' for name in count_names))
    return _UPSERTS[cache_key]


def _json_value(value):
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"a roll-up key cannot hold a {type(value).__name__}")
