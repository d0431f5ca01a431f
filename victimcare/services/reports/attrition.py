"""The attrition report: victims withdrawing from the investigation or prosecution, by offence, by stage and
whether an advocate was supporting them, and the reasons given. Cases are selected as in every other report
(received in the period, of the service, area and level chosen); each figure is one GROUP BY statement over a
small union: the period's whole London months from the roll-ups (``rollup_attrition``,
``rollup_attrition_reasons``: services/rollups/attrition.py; London-wide from their twins
``rollup_attrition_london``, ``rollup_attrition_reasons_london``, a row for London where those have one for each
area) and the odd days at its ends (at most half a month at each end: report_definitions.period_parts) from the
roll-ups by London day less their purged twins (``rollup_attrition_days``, ``rollup_attrition_reasons_days``,
London-wide; for one borough or BCU, from that area's cases). Each part carries the month (numbered from 0), so
the differencing guard works the same."""
from collections.abc import Callable
from dataclasses import replace
from datetime import date

from sqlalchemy import Integer, cast, distinct, func, literal, literal_column, select, union_all
from sqlalchemy import case as sql_case

from ...domain.attrition import LONDON_CONTEXT
from ...domain.report_definitions import ReportFilters, count_column, period_parts, rate_column
from ...domain.suppression import suppress_value
from ...domain.vocab import OFFENCE_CATEGORIES, WITHDRAWAL_REASONS, WITHDRAWAL_STAGES
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
from .compliance_sql import month_bucket
from .options import ReportOptions, case_conditions
from .reading import for_small_reads
from .rollup_sql import (
    day_conditions,
    day_group,
    edge_parts,
    from_day_rollups,
    london_wide,
    rollup_conditions,
    rollup_group,
)
from .sections import Section, counts_by, section

_STAGE_KEYS = {"before-charge": "before_charge", "after-charge": "after_charge", "at-trial": "at_trial"}
PER_CASE = ("Counted per case: a victim supported by two services, who withdrew once, is counted on each case "
            "where the withdrawal was recorded.")
NONE = ""
# (roll-up, its purged twin) by month and area, by month London-wide and by London day London-wide (_counts).
ATTRITION_ROLLUPS = ((RollupAttrition, RollupAttritionPurged), (RollupAttritionLondon, RollupAttritionLondonPurged),
                     (RollupAttritionDays, RollupAttritionDaysPurged))
REASON_ROLLUPS = ((RollupAttritionReasons, RollupAttritionReasonsPurged),
                  (RollupAttritionReasonsLondon, RollupAttritionReasonsLondonPurged),
                  (RollupAttritionReasonsDays, RollupAttritionReasonsDaysPurged))


def attrition(filters: ReportFilters, options: ReportOptions, today) -> list[Section]:
    for_small_reads()  # each statement sums a few thousand roll-up rows
    return [_by_offence(filters, options, today), _by_stage_and_support(filters, options, today),
            _by_reason(filters, options, today)]


def _counts(filters: ReportFilters, options: ReportOptions, today: date, names: tuple[str, ...],
            rollups: tuple, from_rollup: Callable, from_cases: Callable) -> dict:
    """{group: {name: count}} (MonthlyCounts under the differencing guard) from one statement: ``from_rollup(R,
    span)`` selects (k, m, counts) from the roll-up ``R`` (``rollups``: ATTRITION_ROLLUPS or REASON_ROLLUPS) for
    the months or days ``span`` (first, last), ``from_cases(conditions, month)`` for the odd days of one borough or
    BCU. London-wide, the months come from the London-wide twin and the odd days from the roll-up by day. The odd
    days at the ends of the period are at most half a month at each end (``period_parts``: an end month may be its
    roll-up less its purged counts less the other days)."""
    plan = period_parts(filters.date_from, filters.date_to, today)
    by_area, london, (days, days_purged) = rollups
    table, purged = london if london_wide(filters) else by_area

    def cases_of(first, last):
        return from_cases(case_conditions(replace(filters, date_from=first, date_to=last), options),
                          month_bucket(filters))

    def days_of(first, last):
        return from_day_rollups(lambda D: from_rollup(D, (first, last)), ((days, days_purged),), ("k", "m"))

    parts = edge_parts(plan, ("k", "m"), days_of if london_wide(filters) else cases_of,
                       lambda month: [from_rollup(purged, (month, month))])
    if plan.months:
        parts.append(from_rollup(table, plan.months))
    fine = union_all(*parts).subquery("fine_attrition")
    raw = counts_by(fine.c.k, {name: cast(func.sum(fine.c[name]), Integer) for name in names}, [], fine,
                    month=fine.c.m)
    # A group appears when it counts something (a month by difference, or a roll-up row its cases left, sums to 0).
    return {key: counts for key, counts in raw.items() if any(int(n or 0) for n in counts.values())}


def _rollup(R, filters: ReportFilters, options: ReportOptions, span, group, counts: dict, *where):
    """(k, m, counts) from the roll-up ``R``, by month or by London day, for the months or days ``span``."""
    if hasattr(R, "day"):
        month, selected = day_group("month", filters, R), day_conditions(filters, options, span, R)
    else:
        month, selected = rollup_group("month", filters, R), rollup_conditions(filters, options, span, R)
    return (select(group.label("k"), month.label("m"), *[value.label(name) for name, value in counts.items()])
            .where(*selected, *where))


def _by_offence(filters: ReportFilters, options: ReportOptions, today: date) -> Section:
    stage = JusticeWithdrawal.stage
    zero = literal_column("0")
    names = ("cases", *_STAGE_KEYS.values(), "stayed")

    def from_rollup(R, span):
        return _rollup(R, filters, options, span, func.nullif(R.offence, literal(NONE)), {
            "cases": R.cases,
            **{key: sql_case((R.stage == slug, R.cases), else_=zero) for slug, key in _STAGE_KEYS.items()},
            "stayed": sql_case((R.stage == NONE, R.cases), else_=zero)})

    def from_cases(conditions, month):
        return (select(Referral.offence_category.label("k"), month.label("m"), func.count(Case.id).label("cases"),
                       *[func.count(sql_case((stage == slug, 1))).label(key) for slug, key in _STAGE_KEYS.items()],
                       func.count(sql_case((JusticeWithdrawal.id.is_(None), 1))).label("stayed"))
                .select_from(Case.__table__.join(Referral.__table__, Referral.id == Case.referral_id)
                             .outerjoin(JusticeWithdrawal.__table__, JusticeWithdrawal.case_id == Case.id))
                .where(*conditions).group_by(literal_column("1"), literal_column("2")))

    raw = _counts(filters, options, today, names, ATTRITION_ROLLUPS, from_rollup,
                  from_cases)
    return section(
        "withdrawals-by-offence", "Withdrawals by offence", "Offence", OFFENCE_CATEGORIES, raw, [
            count_column("cases", "Cases", "Cases opened for a service from referrals received in the period."),
            count_column("before_charge", "Withdrew before charge", "Cases where the victim withdrew before charge."),
            count_column("after_charge", "Withdrew after charge", "Cases where the victim withdrew after charge."),
            count_column("at_trial", "Withdrew at trial", "Cases where the victim withdrew at trial."),
            count_column("stayed", "No withdrawal recorded", "Cases with no withdrawal recorded."),
            rate_column("before_charge_share", "Share withdrawing before charge",
                        "Withdrew before charge divided by cases."),
        ], total_key="cases", note=f"{LONDON_CONTEXT} {PER_CASE}")


def _by_stage_and_support(filters: ReportFilters, options: ReportOptions, today: date) -> Section:
    supported = JusticeWithdrawal.supported_by_advocate
    zero = literal_column("0")

    def from_rollup(R, span):
        return _rollup(R, filters, options, span, R.stage, {
            "withdrawals": R.cases,
            "supported": sql_case((R.supported.is_(True), R.cases), else_=zero),
            "not_supported": sql_case((R.supported.is_(False), R.cases), else_=zero)}, R.stage != NONE)

    def from_cases(conditions, month):
        return (select(JusticeWithdrawal.stage.label("k"), month.label("m"),
                       func.count(JusticeWithdrawal.id).label("withdrawals"),
                       func.count(sql_case((supported.is_(True), 1))).label("supported"),
                       func.count(sql_case((supported.is_(False), 1))).label("not_supported"))
                .select_from(JusticeWithdrawal.__table__.join(Case.__table__, Case.id == JusticeWithdrawal.case_id))
                .where(*conditions).group_by(literal_column("1"), literal_column("2")))

    raw = _counts(filters, options, today, ("withdrawals", "supported", "not_supported"),
                  ATTRITION_ROLLUPS, from_rollup, from_cases)
    return section(
        "withdrawals-by-stage", "Withdrawals by stage and advocate support", "Stage", WITHDRAWAL_STAGES, raw, [
            count_column("withdrawals", "Withdrawals", "Cases where the victim withdrew at this stage."),
            count_column("supported", "Supported by an advocate",
                         "The service had made a successful contact with the victim on or before the day they "
                         "withdrew."),
            count_column("not_supported", "Not supported", "No successful contact by the day they withdrew."),
            rate_column("supported_share", "Share supported", "Supported by an advocate divided by withdrawals."),
        ], total_key="withdrawals",
        note="Victims supported by an ISVA or IDVA are much more likely to stay engaged with the justice process.")


def _by_reason(filters: ReportFilters, options: ReportOptions, today: date) -> Section:
    def from_rollup(R, span):
        return _rollup(R, filters, options, span, R.reason, {"withdrawals": R.withdrawals})

    def from_cases(conditions, month):
        return (select(JusticeWithdrawalReason.reason.label("k"), month.label("m"),
                       func.count(distinct(JusticeWithdrawal.id)).label("withdrawals"))
                .select_from(JusticeWithdrawalReason.__table__
                             .join(JusticeWithdrawal.__table__,
                                   JusticeWithdrawal.id == JusticeWithdrawalReason.withdrawal_id)
                             .join(Case.__table__, Case.id == JusticeWithdrawal.case_id))
                .where(*conditions).group_by(literal_column("1"), literal_column("2")))

    raw = _counts(filters, options, today, ("withdrawals",), REASON_ROLLUPS, from_rollup, from_cases)
    # Reasons overlap (several per withdrawal) and no total of them is published, so no figure can be worked out
    # from the others: each small count is hidden on its own (primary suppression only).
    rows = [{"key": slug, "label": name, "is_total": False,
             "withdrawals": suppress_value(int(raw.get(slug, {}).get("withdrawals") or 0))}
            for slug, name in WITHDRAWAL_REASONS]
    return Section(
        "withdrawals-by-reason", "Reasons given for withdrawing", "Reason",
        [count_column("withdrawals", "Withdrawals", "Withdrawals giving this reason; several may be given.")], rows,
        note="A withdrawal may give several reasons, so these do not add up to the withdrawals. The details of an "
             "other reason stay on the case and are never published.")
