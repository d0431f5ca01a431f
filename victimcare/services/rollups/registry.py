"""The roll-up providers: each names its table (and the purged twin), its key fields and counts, what touching a
case makes it relevant, how to read the contributions of a list of cases and how to recount the whole table.

``maintain`` keeps every provider's table up to date in the transaction of each change, ``recount`` checks and
rebuilds them all (``flask --app wsgi rollups check|rebuild``). A new roll-up is a provider registered with
``register`` from a module imported by ``services/rollups/__init__.py``; nothing else needs to know of it.

A provider's contribution for one case is ``{key: {count name: n}}``: usually one key (the case's row), but a
case may count in several rows (one per withdrawal reason, say) or in none.
"""
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Boolean, Date, Integer, Table, inspect
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

Contributions = dict[int, dict[tuple, dict[str, int]]]  # case id -> {roll-up key: {count name: n}}


@dataclass(frozen=True)
class Related:
    """Rows of another model that move a provider's figures for a case when added, changed or deleted.

    ``case_ids(session, obj)`` names the cases an object touches (before and after a change of its case);
    ``fields``, when given, limits the changes that count to those fields (None: any change)."""

    model: type
    case_ids: Callable[[Session, object], Iterable[int]]
    fields: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Provider:
    name: str
    table: Table  # the roll-up the reports read
    purged: Table  # what deleted cases contributed to ``table`` when they were deleted (same columns)
    key_fields: tuple[str, ...]  # the primary key, never NULL (an upsert needs keys NULL never breaks)
    count_names: tuple[str, ...]
    case_fields: tuple[str, ...]  # the fields of a case that move a figure (a change to any other costs nothing)
    related: tuple[Related, ...]
    # The contributions of the cases with these ids as the database holds them now (at most 500 ids; one SQL
    # statement; a case with no contribution, or no longer there, may be left out).
    contributions: Callable[[Session, list[int]], Contributions]
    # Rows of (key fields, counts) for every case there is now, as SQL (the purged counts are added to it).
    recount: Callable[[str], Select]
    describe_key: Callable[[tuple], str]

    @property
    def table_names(self) -> tuple[str, str]:
        return self.table.name, self.purged.name

    def key_of(self, row) -> tuple:
        """A row's key fields as Python values of the key's types (SQLite gives dates as text, booleans as 0/1)."""
        values = []
        for name in self.key_fields:
            value, kind = getattr(row, name), self.table.c[name].type
            if isinstance(kind, Date) and not isinstance(value, date):
                value = date.fromisoformat(str(value)[:10])
            elif isinstance(kind, Boolean):
                value = bool(value)
            elif isinstance(kind, Integer):
                value = int(value)
            values.append(value)
        return tuple(values)


PROVIDERS: list[Provider] = []
_READS = "victimcare.rollups.reads"  # session.info: what each reader found, for one round of reads


@contextmanager
def one_round_of_reads(session):
    """While ``maintain`` reads the contributions of the touched cases (before a flush, before the commit), a
    ``shared_read`` of the same cases runs its statement once for every provider that asks."""
    session.info[_READS] = {}
    try:
        yield
    finally:
        session.info.pop(_READS, None)


def shared_read(session, reader: Callable[[Session, list[int]], list], case_ids: list[int]) -> list:
    """``reader(session, case_ids)``, once a round of reads for the same cases: the breakdown roll-ups by month
    and by day are counted from the same rows, so the second reuses the first's."""
    found = session.info.get(_READS)
    if found is None:
        return reader(session, case_ids)
    key = (reader, tuple(case_ids))
    if key not in found:
        found[key] = reader(session, case_ids)
    return found[key]


def register(provider: Provider) -> Provider:
    if any(p.name == provider.name for p in PROVIDERS):
        raise ValueError(f"a roll-up provider named {provider.name!r} is registered already")
    PROVIDERS.append(provider)
    return provider


def by_column(attribute: str) -> Callable[[Session, object], set[int]]:
    """``Related.case_ids`` for a model with a case id column: its case now, and the one before any change."""

    def case_ids(session: Session, obj) -> set[int]:
        history = inspect(obj).attrs[attribute].history
        return {v for v in (*history.added, *history.unchanged, *history.deleted) if v is not None}

    return case_ids
