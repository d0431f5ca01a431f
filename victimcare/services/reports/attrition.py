"""The attrition report: victims withdrawing from the investigation or prosecution, by offence, by stage and
whether an advocate was supporting them, and the reasons given. Cases are selected as in every other report
(received in the period, of the service, area and level chosen); each figure is one GROUP BY statement."""
from sqlalchemy import case as sql_case
from sqlalchemy import distinct, func

from ...domain.attrition import LONDON_CONTEXT
from ...domain.report_definitions import ReportFilters, count_column, rate_column
from ...domain.suppression import suppress_value
from ...domain.vocab import OFFENCE_CATEGORIES, WITHDRAWAL_REASONS, WITHDRAWAL_STAGES
from ...models import Case, JusticeWithdrawal, JusticeWithdrawalReason, Referral
from .options import ReportOptions, case_conditions
from .sections import Section, counts_by, section

_STAGE_KEYS = {"before-charge": "before_charge", "after-charge": "after_charge", "at-trial": "at_trial"}
PER_CASE = ("Counted per case: a victim supported by two services, who withdrew once, is counted on each case "
            "where the withdrawal was recorded.")


def attrition(filters: ReportFilters, options: ReportOptions, today) -> list[Section]:
    conditions = case_conditions(filters, options)
    return [_by_offence(conditions), _by_stage_and_support(conditions), _by_reason(conditions)]


def _by_offence(conditions: list) -> Section:
    stage = JusticeWithdrawal.stage
    raw = counts_by(Referral.offence_category, {
        "cases": func.count(Case.id),
        **{key: func.count(sql_case((stage == slug, 1))) for slug, key in _STAGE_KEYS.items()},
        "stayed": func.count(sql_case((JusticeWithdrawal.id.is_(None), 1))),
    }, conditions, Case.__table__.join(Referral.__table__, Referral.id == Case.referral_id)
        .outerjoin(JusticeWithdrawal.__table__, JusticeWithdrawal.case_id == Case.id))
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


def _by_stage_and_support(conditions: list) -> Section:
    supported = JusticeWithdrawal.supported_by_advocate
    raw = counts_by(JusticeWithdrawal.stage, {
        "withdrawals": func.count(JusticeWithdrawal.id),
        "supported": func.count(sql_case((supported.is_(True), 1))),
        "not_supported": func.count(sql_case((supported.is_(False), 1))),
    }, conditions, JusticeWithdrawal.__table__.join(Case.__table__, Case.id == JusticeWithdrawal.case_id))
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


def _by_reason(conditions: list) -> Section:
    raw = counts_by(JusticeWithdrawalReason.reason, {
        "withdrawals": func.count(distinct(JusticeWithdrawal.id)),
    }, conditions, JusticeWithdrawalReason.__table__
        .join(JusticeWithdrawal.__table__, JusticeWithdrawal.id == JusticeWithdrawalReason.withdrawal_id)
        .join(Case.__table__, Case.id == JusticeWithdrawal.case_id))
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
