"""How a breakdown report's section is made: one GROUP BY statement over cases (joined to referrals, people or
steps where needed), published through publish_breakdown: rows in vocabulary order, a total row, suppression,
then rates."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case as sql_case
from sqlalchemy import func, select

from ...domain.report_definitions import NOT_RECORDED_CATEGORY
from ...domain.report_suppression import publish_breakdown
from ...extensions import db
from ...models import Case
from .compliance_sql import contact_due
from .options import ReportOptions

# A rate column's numerator and denominator.
RATE_PARTS = {"share_in_time": ("in_time", "due"), "take_up": ("accepted", "cases"),
              "high_in_time_share": ("in_time", "due"),
              "responses_on_time_share": ("responses_on_time", "responses_due"),
              "before_charge_share": ("before_charge", "cases"), "supported_share": ("supported", "withdrawals"),
              "marac_repeat_rate": ("repeats", "heard"), "marac_actions_on_time_share": ("actions_on_time", "actions_due")}


@dataclass
class Section:
    id: str
    title: str
    group_heading: str
    columns: list
    rows: list[dict]
    note: str | None = None
    quality: str | None = None  # a data-quality line where recording is poor ("Sex was not recorded for ...")


def counts_by(group, columns: dict, conditions: list, select_from) -> dict:
    """{group value: {name: count}} from one GROUP BY statement."""
    statement = (select(group.label("k"), *[expr.label(name) for name, expr in columns.items()])
                 .select_from(select_from).where(*conditions).group_by(group))
    return {row["k"]: {name: row[name] for name in columns} for row in db.session.execute(statement).mappings()}


def section(section_id, title, group_heading, categories, raw, columns, total_key=None, note=None, with_total=True):
    """A published section: a row per category (and "not recorded" when some have none), suppressed. Where the
    first column is "cases", the others are parts of it, so a row whose cases are hidden hides them too."""
    count_keys = [c.key for c in columns if c.kind == "count"]
    rates = [(c.key, *RATE_PARTS[c.key]) for c in columns if c.kind == "rate"]
    none_label = [(None, NOT_RECORDED_CATEGORY)] if None in raw else []
    base_key = "cases" if count_keys and count_keys[0] == "cases" and total_key is None else None
    rows = publish_breakdown(list(categories) + none_label, raw, count_keys, total_key, rates, base_key=base_key)
    if not with_total:
        rows = [row for row in rows if not row["is_total"]]
    return Section(section_id, title, group_heading, list(columns), rows, note)


def case_counts(today: date) -> dict:
    """Cases, due for first contact, contacted in time, and accepted: the counts most sections start from."""
    return {
        "cases": func.count(Case.id),
        "due": func.count(sql_case((contact_due(today), 1))),
        "in_time": func.count(sql_case((Case.first_contact_in_time.is_(True), 1))),
        "accepted": func.count(Case.accepted_at),
    }


def by_service_slug(raw: dict, options: ReportOptions) -> dict:
    """Counts keyed by service id, re-keyed by the service's slug."""
    services = options.service_by_id()
    return {services[k]["slug"]: v for k, v in raw.items()}


# Poor recording is pointed out when at least this share of cases has no answer.
POOR_RECORDING_SHARE = 0.1


def recording_line(subject: str, rows: list[dict], count_key: str = "cases") -> str | None:
    """"Sex was not recorded for 307 of 309 cases." from the published rows, when the not-recorded row and the
    total are both shown and the share not recorded is POOR_RECORDING_SHARE or more; otherwise None."""
    missing = next((row[count_key] for row in rows if row["label"] == NOT_RECORDED_CATEGORY), 0)
    total = next((row[count_key] for row in rows if row["is_total"]), None)
    if not isinstance(missing, int) or not isinstance(total, int) or not total or missing / total < POOR_RECORDING_SHARE:
        return None
    return f"{subject} was not recorded for {missing:,} of {total:,} cases."
