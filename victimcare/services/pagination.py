"""Pagination in one query: the page's rows carry the total as a window count, so no second COUNT query runs."""
import math
from dataclasses import dataclass

from sqlalchemy import func

from ..extensions import db


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int

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
        return 0 if not self.total else (self.page - 1) * self.per_page + 1

    @property
    def last_index(self) -> int:
        return min(self.total, self.page * self.per_page)


def paginate(query, page: int = 1, per_page: int = 25) -> Page:
    page = max(1, int(page or 1))
    rows = db.session.execute(
        query.add_columns(func.count().over().label("_total")).limit(per_page).offset((page - 1) * per_page)
    ).all()
    if not rows and page > 1:
        # Past the end (a bookmarked page after cases closed): show the empty page with the right total.
        total = db.session.execute(query.with_only_columns(func.count()).order_by(None)).scalar_one()
        return Page([], page, per_page, total)
    total = rows[0]._total if rows else 0
    return Page([row[:-1] for row in rows], page, per_page, total)
