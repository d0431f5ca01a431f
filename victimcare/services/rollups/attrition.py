"""The attrition roll-ups: cases by service, London area, London month received, enhanced, offence (the
referral's), withdrawal stage ("" none) and whether an advocate was supporting the victim (``rollup_attrition``),
and withdrawals by the same and each reason given (``rollup_attrition_reasons``). Each has a twin by London day
received, London-wide (``rollup_attrition_days``, ``rollup_attrition_reasons_days``), which the report reads a
period's odd days from, and a London-wide monthly twin (``rollup_attrition_london``,
``rollup_attrition_reasons_london``), which it reads whole months from; each counted from the same read of each
touched case as the monthly one (``registry.shared_read``)."""
from sqlalchemy import func, literal, literal_column, select

from ...models import (
    Case,
    JusticeWithdrawal,
    JusticeWithdrawalReason,
    Referral,
    RollupAttrition,
    RollupAttritionDays,
    RollupAttritionDaysPurged,
    RollupAttritionLondon,
    RollupAttritionLondonPurged,
    RollupAttritionPurged,
    RollupAttritionReasons,
    RollupAttritionReasonsDays,
    RollupAttritionReasonsDaysPurged,
    RollupAttritionReasonsLondon,
    RollupAttritionReasonsLondonPurged,
    RollupAttritionReasonsPurged,
)
from ...models.rollups_rights import ATTRITION_COUNTS, ATTRITION_REASON_COUNTS
from .counts import among, by_area, by_area_columns, by_day, by_day_columns, by_london_month, by_london_month_columns
from .registry import Provider, Related, by_column, register, shared_read

NONE = ""
WHERE_FIELDS = ("service_id", "borough_code", "month", "enhanced")
DAY_FIELDS = ("day", "service_id", "enhanced")
LONDON_FIELDS = ("month", "service_id", "enhanced")
CASE_FIELDS = ("service_id", "borough_code", "received_at", "enhanced")


def _cases_of_referral(session, referral) -> list[int]:
    return list(session.scalars(select(Case.id).where(Case.referral_id == referral.id)))


def _case_of_reason(session, reason) -> set[int]:
    ids = set()
    for withdrawal_id in by_column("withdrawal_id")(session, reason):
        withdrawal = session.get(JusticeWithdrawal, withdrawal_id)
        if withdrawal is not None and withdrawal.case_id is not None:
            ids.add(withdrawal.case_id)
    return ids


def _withdrawals():
    return (Case.__table__.join(Referral.__table__, Referral.id == Case.referral_id)
            .outerjoin(JusticeWithdrawal.__table__, JusticeWithdrawal.case_id == Case.id))


def _per_case(session, case_ids: list[int]) -> list:
    statement = (select(Case.id, *[getattr(Case, name) for name in CASE_FIELDS], Referral.offence_category,
                        JusticeWithdrawal.stage, JusticeWithdrawal.supported_by_advocate)
                 .select_from(_withdrawals()).where(among(session, Case.id, case_ids)))
    return session.execute(statement).all()


def contributions(session, case_ids: list[int], where=by_area) -> dict[int, dict]:
    found = {}
    for row in shared_read(session, _per_case, case_ids):
        key = (*where(row), row.offence_category or NONE, row.stage or NONE, bool(row.supported_by_advocate))
        found[row.id] = {key: {"cases": 1}}
    return found


def day_contributions(session, case_ids: list[int]) -> dict[int, dict]:
    return contributions(session, case_ids, by_day)


def recount(dialect: str, where=by_area_columns):
    keys = where(dialect)
    return (select(*keys,
                   func.coalesce(Referral.offence_category, literal(NONE)).label("offence"),
                   func.coalesce(JusticeWithdrawal.stage, literal(NONE)).label("stage"),
                   func.coalesce(JusticeWithdrawal.supported_by_advocate, literal(False)).label("supported"),
                   func.count().label("cases"))
            .select_from(_withdrawals()).group_by(*[literal_column(str(i)) for i in range(1, len(keys) + 4)]))


def day_recount(dialect: str):
    return recount(dialect, by_day_columns)


def london_contributions(session, case_ids: list[int]) -> dict[int, dict]:
    return contributions(session, case_ids, by_london_month)


def london_recount(dialect: str):
    return recount(dialect, by_london_month_columns)


def _reasons_per_case(session, case_ids: list[int]) -> list:
    statement = (select(Case.id, *[getattr(Case, name) for name in CASE_FIELDS], JusticeWithdrawalReason.reason)
                 .select_from(_reasons()).where(among(session, Case.id, case_ids)))
    return session.execute(statement).all()


def reason_contributions(session, case_ids: list[int], where=by_area) -> dict[int, dict]:
    found: dict[int, dict] = {}
    for row in shared_read(session, _reasons_per_case, case_ids):
        found.setdefault(row.id, {})[(*where(row), row.reason)] = {"withdrawals": 1}
    return found


def reason_day_contributions(session, case_ids: list[int]) -> dict[int, dict]:
    return reason_contributions(session, case_ids, by_day)


def _reasons():
    return (JusticeWithdrawalReason.__table__
            .join(JusticeWithdrawal.__table__, JusticeWithdrawal.id == JusticeWithdrawalReason.withdrawal_id)
            .join(Case.__table__, Case.id == JusticeWithdrawal.case_id))


def reason_recount(dialect: str, where=by_area_columns):
    keys = where(dialect)
    return (select(*keys, JusticeWithdrawalReason.reason.label("reason"), func.count().label("withdrawals"))
            .select_from(_reasons()).group_by(*[literal_column(str(i)) for i in range(1, len(keys) + 2)]))


def reason_day_recount(dialect: str):
    return reason_recount(dialect, by_day_columns)


def reason_london_contributions(session, case_ids: list[int]) -> dict[int, dict]:
    return reason_contributions(session, case_ids, by_london_month)


def reason_london_recount(dialect: str):
    return reason_recount(dialect, by_london_month_columns)


def _describe_where(service_id, borough, month, enhanced) -> str:
    return (f"service {service_id}, borough {borough or 'none'}, {month:%Y-%m}, "
            f"{'enhanced' if enhanced else 'standard'}")


def _describe_day(day, service_id, enhanced) -> str:
    return f"service {service_id}, London, {day:%Y-%m-%d}, {'enhanced' if enhanced else 'standard'}"


def _describe_london(month, service_id, enhanced) -> str:
    return f"service {service_id}, London, {month:%Y-%m}, {'enhanced' if enhanced else 'standard'}"


_DESCRIBE = {WHERE_FIELDS: _describe_where, DAY_FIELDS: _describe_day, LONDON_FIELDS: _describe_london}


def describe_key(key: tuple, where=WHERE_FIELDS) -> str:
    place = _DESCRIBE[where](*key[:len(where)])
    offence, stage, supported = key[len(where):]
    return (f"{place}, {offence or 'no offence'}, "
            + (f"withdrew {stage}, {'supported' if supported else 'not supported'}" if stage else "no withdrawal"))


def describe_reason_key(key: tuple, where=WHERE_FIELDS) -> str:
    place = _DESCRIBE[where](*key[:len(where)])
    return f"{place}, reason {key[-1]}"


WITHDRAWAL_TOUCHES = Related(JusticeWithdrawal, by_column("case_id"))
ATTRITION = register(Provider(
    name="attrition", table=RollupAttrition.__table__, purged=RollupAttritionPurged.__table__,
    key_fields=(*WHERE_FIELDS, "offence", "stage", "supported"), count_names=ATTRITION_COUNTS,
    case_fields=(*CASE_FIELDS, "referral_id"),
    related=(WITHDRAWAL_TOUCHES, Related(Referral, _cases_of_referral, fields=("offence_category",))),
    contributions=contributions, recount=recount, describe_key=describe_key,
))
ATTRITION_REASONS = register(Provider(
    name="attrition_reasons", table=RollupAttritionReasons.__table__, purged=RollupAttritionReasonsPurged.__table__,
    key_fields=(*WHERE_FIELDS, "reason"), count_names=ATTRITION_REASON_COUNTS, case_fields=CASE_FIELDS,
    related=(WITHDRAWAL_TOUCHES, Related(JusticeWithdrawalReason, _case_of_reason)),
    contributions=reason_contributions, recount=reason_recount, describe_key=describe_reason_key,
))

# By London day and London-wide by month: touched by the same changes as the monthly roll-ups, so each reads the
# same cases as its monthly twin and shares its statement in each round of reads.
ATTRITION_DAYS = register(Provider(
    name="attrition_days", table=RollupAttritionDays.__table__, purged=RollupAttritionDaysPurged.__table__,
    key_fields=(*DAY_FIELDS, "offence", "stage", "supported"), count_names=ATTRITION_COUNTS,
    case_fields=ATTRITION.case_fields, related=ATTRITION.related, contributions=day_contributions,
    recount=day_recount, describe_key=lambda key: describe_key(key, DAY_FIELDS),
))
ATTRITION_REASONS_DAYS = register(Provider(
    name="attrition_reasons_days", table=RollupAttritionReasonsDays.__table__,
    purged=RollupAttritionReasonsDaysPurged.__table__, key_fields=(*DAY_FIELDS, "reason"),
    count_names=ATTRITION_REASON_COUNTS, case_fields=CASE_FIELDS, related=ATTRITION_REASONS.related,
    contributions=reason_day_contributions, recount=reason_day_recount,
    describe_key=lambda key: describe_reason_key(key, DAY_FIELDS),
))
ATTRITION_LONDON = register(Provider(
    name="attrition_london", table=RollupAttritionLondon.__table__, purged=RollupAttritionLondonPurged.__table__,
    key_fields=(*LONDON_FIELDS, "offence", "stage", "supported"), count_names=ATTRITION_COUNTS,
    case_fields=ATTRITION.case_fields, related=ATTRITION.related, contributions=london_contributions,
    recount=london_recount, describe_key=lambda key: describe_key(key, LONDON_FIELDS),
))
ATTRITION_REASONS_LONDON = register(Provider(
    name="attrition_reasons_london", table=RollupAttritionReasonsLondon.__table__,
    purged=RollupAttritionReasonsLondonPurged.__table__, key_fields=(*LONDON_FIELDS, "reason"),
    count_names=ATTRITION_REASON_COUNTS, case_fields=CASE_FIELDS, related=ATTRITION_REASONS.related,
    contributions=reason_london_contributions, recount=reason_london_recount,
    describe_key=lambda key: describe_reason_key(key, LONDON_FIELDS),
))
