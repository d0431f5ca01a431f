"""Pagination with bounded cost: the page's rows in one query, and a count that stops at COUNT_CAP.

A queue of a large service holds hundreds of thousands of open cases; counting them all exactly on every page
view would cost more than fetching the page. Past the cap the page says "more than 1,000".
"""
import math
from dataclasses import dataclass

from sqlalchemy import func, literal_column, select

from ..extensions import db

COUNT_CAP = 1_000
# Past this no list has rows; a larger OFFSET would overflow SQLite's 64-bit integers (a 500, not an empty page).
MAX_OFFSET = 10**12


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int
    total_capped: bool = False

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def first_index(self) -> int:
        return 0 if not self.items else (self.page - 1) * self.per_page + 1

    @property
    def last_index(self) -> int:
        return (self.page - 1) * self.per_page + len(self.items)


def paginate(query, page: int = 1, per_page: int = 25, count_cap: int = COUNT_CAP, count_query=None,
             count_in_page: bool = False) -> Page:
    """`count_query`, when given, counts the same rows more cheaply (e.g. without joins that only add columns).

    `count_in_page` reads the capped count as one more column of the page's own statement (an uncorrelated
    scalar subquery, computed once), so a page costs one statement instead of two; only a page past the end,
    which has no row to carry the count, counts separately."""
    page = max(1, int(page or 1))
    offset = (page - 1) * per_page
    if count_in_page:
        return _paginate_in_one(query, page, per_page, count_cap, count_query, offset)
    rows = db.session.execute(_window(query, per_page, offset)).all() if offset <= MAX_OFFSET else []
    total = db.session.execute(_capped_count(query, count_query, count_cap)).scalar_one()
    return Page(list(rows), page, per_page, min(total, count_cap), total_capped=total > count_cap)


def _written(number: int):
    """A LIMIT or OFFSET written into the SQL rather than bound. PostgreSQL keeps one plan for a statement it has
    prepared only when that plan is no worse than planning afresh; with the page size and the count's cap unknown,
    the plan it could keep reads far more rows (11 ms for the queue's page instead of 0.6 ms), so every request
    paid about 2 ms planning. Written in, the queue's statement is planned once per connection."""
    return literal_column(str(int(number)))


def _window(query, per_page: int, offset: int):
    return query.limit(_written(per_page)).offset(_written(offset))


def _capped_count(query, count_query, count_cap: int):
    # Count rows, not columns: PostgreSQL can then skip the outer joins that only feed displayed columns.
    counted = count_query if count_query is not None else query
    capped = (counted.with_only_columns(literal_column("1"), maintain_column_froms=True).order_by(None).correlate(None)
              .limit(_written(count_cap + 1)).subquery())
    return select(func.count()).select_from(capped)


def _paginate_in_one(query, page: int, per_page: int, count_cap: int, count_query, offset: int) -> Page:
    return run_page(page_query(query, page, per_page, count_cap, count_query))


@dataclass(frozen=True)
class PageQuery:
    """A page's statements, built once: the rows with the capped count as one more column, and the count alone
    for a page past the end (no row carries the count there). Built statements can be kept and run again with
    new values for their named parameters (``run_page(..., params)``): SQLAlchemy then neither rebuilds the
    expression nor recomputes its cache key, which for a list with joins and masking is most of its Python."""

    rows: object | None  # None: a page past MAX_OFFSET, which has no rows
    count: object
    page: int
    per_page: int
    count_cap: int


def page_query(query, page: int = 1, per_page: int = 25, count_cap: int = COUNT_CAP, count_query=None) -> PageQuery:
    page = max(1, int(page or 1))
    offset = (page - 1) * per_page
    count = _capped_count(query, count_query, count_cap)
    rows = (_window(query.add_columns(count.scalar_subquery().label("page_total")), per_page, offset)
            if offset <= MAX_OFFSET else None)
    return PageQuery(rows, count, page, per_page, count_cap)


def run_page(built: PageQuery, params: dict | None = None) -> Page:
    rows = db.session.execute(built.rows, params).all() if built.rows is not None else []
    if rows:
        total = rows[0][-1]
    elif built.page == 1:
        total = 0
    else:  # past the last page: no row carries the count
        total = db.session.execute(built.count, params).scalar_one()
    items = [tuple(row)[:-1] for row in rows]
    return Page(items, built.page, built.per_page, min(total, built.count_cap), total_capped=total > built.count_cap)
