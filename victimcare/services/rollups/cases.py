"""The compliance roll-up (``rollup_cases``): cases by service, London area, London month received, enhanced and
working days to first contact (-1: none yet), counting received, contacted in time, accepted, pending and
waiting (models/rollups.py)."""
from sqlalchemy import case as sql_case
from sqlalchemy import func, literal, literal_column, select

from ...domain.vocab import OPEN_CASE_STATUSES
from ...models import Case, RollupCases, RollupPurgedCases
from ...models.rollups import NO_BOROUGH, NOT_CONTACTED, ROLLUP_COUNTS
from .counts import NOT_DUE_UNLESS_CONTACTED, among, london_month, month_expression
from .registry import Provider, register

# The fields of a case that move a roll-up figure; a change to any other (a note, the version) costs nothing.
RELEVANT_FIELDS = ("service_id", "status", "received_at", "borough_code", "enhanced",
                   "first_contact_working_days", "first_contact_in_time", "accepted_at", "first_contacted_at")
KEY_FIELDS = ("service_id", "borough_code", "month", "enhanced", "days")


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
    for row in session.execute(select(Case.id, *columns).where(among(session, Case.id, case_ids))):
        key, counts = contribution(row)
        found[row.id] = {key: counts}
    return found


def recount(dialect: str):
    """Rows of (key fields, counts) for the cases there are now: one GROUP BY over the cases."""
    days = func.coalesce(Case.first_contact_working_days, literal_column(str(NOT_CONTACTED)))
    return (
        select(Case.service_id.label("service_id"),
               func.coalesce(Case.borough_code, literal(NO_BOROUGH)).label("borough_code"),
               month_expression(dialect).label("month"), Case.enhanced.label("enhanced"), days.label("days"),
               func.count().label("received"),
               func.count(sql_case((Case.first_contact_in_time.is_(True), 1))).label("in_time"),
               func.count(Case.accepted_at).label("accepted"),
               func.count(sql_case((Case.first_contact_working_days.is_(None)
                                    & Case.status.not_in(NOT_DUE_UNLESS_CONTACTED), 1))).label("pending"),
               func.count(sql_case((Case.first_contacted_at.is_(None) & Case.status.in_(OPEN_CASE_STATUSES), 1)))
               .label("waiting"))
        .group_by(*[literal_column(str(i)) for i in range(1, 6)])
    )


def describe_key(key: tuple) -> str:
    service_id, borough, month, enhanced, days = key
    return (f"service {service_id}, borough {borough or 'none'}, {month:%Y-%m}, "
            f"{'enhanced' if enhanced else 'standard'}, "
            f"{'not contacted' if days == NOT_CONTACTED else f'{days} working days'}")


CASES = register(Provider(
    name="cases", table=RollupCases.__table__, purged=RollupPurgedCases.__table__, key_fields=KEY_FIELDS,
    count_names=ROLLUP_COUNTS, case_fields=RELEVANT_FIELDS, related=(), contributions=contributions,
    recount=recount, describe_key=describe_key,
))
