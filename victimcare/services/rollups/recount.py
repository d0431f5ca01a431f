"""Every roll-up recounted: ``rollups check`` compares, ``rollups rebuild`` replaces.

Each provider's recount (``Provider.recount``) is one GROUP BY over the cases and what it counts with them,
plus what deleted cases left in the provider's purged table.
"""
from dataclasses import dataclass

from sqlalchemy import delete, func, select, text, union_all

from ...extensions import db
from .registry import PROVIDERS, Provider


def recount_statement(provider: Provider, dialect: str):
    """Rows of (key fields, counts) as the roll-up should hold them: the cases counted now, plus the purged."""
    fields = provider.key_fields + provider.count_names
    purged = select(*[provider.purged.c[name] for name in fields])
    both = union_all(provider.recount(dialect), purged).subquery("counted")
    return (select(*[both.c[name] for name in provider.key_fields],
                   *[func.sum(both.c[name]).label(name) for name in provider.count_names])
            .group_by(*[both.c[name] for name in provider.key_fields]))


def _nonzero(provider: Provider, rows) -> dict[tuple, tuple]:
    found = {}
    for row in rows:
        counts = tuple(int(getattr(row, name) or 0) for name in provider.count_names)
        if any(counts):
            found[provider.key_of(row)] = counts
    return found


@dataclass(frozen=True)
class Difference:
    key: tuple  # the roll-up's key fields, e.g. (service id, borough code or "", month, enhanced, days or -1)
    held: tuple  # the counts as the roll-up table holds them
    recounted: tuple
    table: str = "rollup_cases"
    count_names: tuple = ()

    def describe(self) -> str:
        provider = next(p for p in PROVIDERS if p.table.name == self.table)
        parts = [f"{name} {h} (recount {r})"
                 for name, h, r in zip(self.count_names, self.held, self.recounted) if h != r]
        return f"{self.table}: {provider.describe_key(self.key)}: " + ", ".join(parts)


def check() -> list[Difference]:
    """Every roll-up row of every provider that differs from a recount (rows of all zeros count as absent). The
    caller chooses the snapshot (``rollups check`` reads all in one REPEATABLE READ transaction on PostgreSQL)."""
    dialect = db.engine.dialect.name
    differences = []
    for provider in PROVIDERS:
        recounted = _nonzero(provider, db.session.execute(recount_statement(provider, dialect)))
        held = _nonzero(provider, db.session.execute(select(provider.table)))
        zero = (0,) * len(provider.count_names)
        differences += [Difference(key, held.get(key, zero), recounted.get(key, zero), provider.table.name,
                                   provider.count_names)
                        for key in sorted(set(held) | set(recounted)) if held.get(key) != recounted.get(key)]
    return differences


def rebuild() -> int:
    """Replace every roll-up with a recount; returns how many rows they hold. Changes made meanwhile wait for it
    (PostgreSQL: the tables are locked against their upserts), so none is lost or counted twice."""
    dialect = db.engine.dialect.name
    if dialect == "postgresql":
        names = ", ".join(provider.table.name for provider in PROVIDERS)
        db.session.execute(text(f"LOCK TABLE {names} IN SHARE ROW EXCLUSIVE MODE"))
    rows = 0
    for provider in PROVIDERS:
        db.session.execute(delete(provider.table))
        recount = recount_statement(provider, dialect).subquery("recount")
        columns = provider.key_fields + provider.count_names
        db.session.execute(provider.table.insert().from_select(
            list(columns), select(*[recount.c[name] for name in columns])))
        rows += db.session.scalar(select(func.count()).select_from(provider.table))
    return rows
