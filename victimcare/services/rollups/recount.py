"""The roll-ups recounted from the cases: ``rollups check`` compares, ``rollups rebuild`` replaces.

The recount is one GROUP BY over the cases (plus what deleted cases left in ``rollup_purged_cases``). The
London month a case was received in is worked out by PostgreSQL's time zone rules there, and on SQLite (which
has none) by comparing with each London month's first instant, found in Python.
"""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Date, delete, func, literal, literal_column, select, text, type_coerce, union_all
from sqlalchemy import case as sql_case

from ...domain.clock import LONDON
from ...domain.vocab import OPEN_CASE_STATUSES
from ...extensions import db
from ...models import Case, RollupCases, RollupPurgedCases
from ...models.rollups import NO_BOROUGH, NOT_CONTACTED, ROLLUP_COUNTS
from .counts import KEY_FIELDS, NOT_DUE_UNLESS_CONTACTED, london_month
from ..reports.options import london_midnight_utc


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _month_expression(dialect: str):
    """The first day of the London month each case was received in, as SQL."""
    if dialect == "postgresql":
        return func.date_trunc("month", func.timezone("Europe/London", Case.received_at)).cast(Date)
    first, last = db.session.execute(select(func.min(Case.received_at), func.max(Case.received_at))).one()
    if first is None:
        return literal(date(2000, 1, 1), Date)
    months, month = [], london_month(first)
    while month <= london_month(last):
        months.append(month)
        month = _next_month(month)
    whens = [(Case.received_at < london_midnight_utc(_next_month(m)), literal(m, Date)) for m in months[:-1]]
    return type_coerce(sql_case(*whens, else_=literal(months[-1], Date)) if whens else literal(months[-1], Date),
                       Date)


def recount_statement(dialect: str):
    """Rows of (key fields, counts) as the roll-ups should hold them: the cases counted now, plus the purged."""
    month = _month_expression(dialect)
    days = func.coalesce(Case.first_contact_working_days, literal_column(str(NOT_CONTACTED)))
    cases = (
        select(Case.service_id.label("service_id"),
               func.coalesce(Case.borough_code, literal(NO_BOROUGH)).label("borough_code"),
               month.label("month"), Case.enhanced.label("enhanced"), days.label("days"),
               func.count().label("received"),
               func.count(sql_case((Case.first_contact_in_time.is_(True), 1))).label("in_time"),
               func.count(Case.accepted_at).label("accepted"),
               func.count(sql_case((Case.first_contact_working_days.is_(None)
                                    & Case.status.not_in(NOT_DUE_UNLESS_CONTACTED), 1))).label("pending"),
               func.count(sql_case((Case.first_contacted_at.is_(None) & Case.status.in_(OPEN_CASE_STATUSES), 1)))
               .label("waiting"))
        .group_by(literal_column("1"), literal_column("2"), literal_column("3"), literal_column("4"),
                  literal_column("5"))
    )
    purged = select(*[RollupPurgedCases.__table__.c[name] for name in KEY_FIELDS + ROLLUP_COUNTS])
    both = union_all(cases, purged).subquery("counted")
    return (select(*[both.c[name] for name in KEY_FIELDS], *[func.sum(both.c[name]).label(name) for name in ROLLUP_COUNTS])
            .group_by(*[both.c[name] for name in KEY_FIELDS]))


def _as_key(row) -> tuple:
    month = row.month if isinstance(row.month, date) else date.fromisoformat(str(row.month)[:10])
    return (row.service_id, row.borough_code, month, bool(row.enhanced), int(row.days))


def _nonzero(rows) -> dict[tuple, tuple]:
    found = {}
    for row in rows:
        counts = tuple(int(getattr(row, name) or 0) for name in ROLLUP_COUNTS)
        if any(counts):
            found[_as_key(row)] = counts
    return found


@dataclass(frozen=True)
class Difference:
    key: tuple  # (service id, borough code or "", month, enhanced, working days or -1)
    held: tuple  # (received, in time, accepted, pending, waiting) as rollup_cases holds them
    recounted: tuple

    def describe(self) -> str:
        service_id, borough, month, enhanced, days = self.key
        where = (f"service {service_id}, borough {borough or 'none'}, {month:%Y-%m}, "
                 f"{'enhanced' if enhanced else 'standard'}, "
                 f"{'not contacted' if days == NOT_CONTACTED else f'{days} working days'}")
        parts = [f"{name} {h} (recount {r})" for name, h, r in zip(ROLLUP_COUNTS, self.held, self.recounted) if h != r]
        return f"{where}: " + ", ".join(parts)


def check() -> list[Difference]:
    """Every roll-up row that differs from a recount (rows of all zeros count as absent). The caller chooses
    the snapshot (``rollups check`` reads both in one REPEATABLE READ transaction on PostgreSQL)."""
    recounted = _nonzero(db.session.execute(recount_statement(db.engine.dialect.name)))
    held = _nonzero(db.session.execute(select(RollupCases.__table__)))
    zero = (0,) * len(ROLLUP_COUNTS)
    return [Difference(key, held.get(key, zero), recounted.get(key, zero))
            for key in sorted(set(held) | set(recounted)) if held.get(key) != recounted.get(key)]


def rebuild() -> int:
    """Replace the roll-ups with a recount; returns how many rows they hold. Changes to cases made meanwhile
    wait for it (PostgreSQL: the table is locked against their upserts), so none is lost or counted twice."""
    dialect = db.engine.dialect.name
    if dialect == "postgresql":
        db.session.execute(text("LOCK TABLE rollup_cases IN SHARE ROW EXCLUSIVE MODE"))
    db.session.execute(delete(RollupCases))
    recount = recount_statement(dialect).subquery("recount")
    columns = KEY_FIELDS + ROLLUP_COUNTS
    db.session.execute(RollupCases.__table__.insert().from_select(
        list(columns), select(*[recount.c[name] for name in columns])))
    return db.session.scalar(select(func.count()).select_from(RollupCases))
