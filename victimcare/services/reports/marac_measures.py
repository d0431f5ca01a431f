"""The service measures' MARAC figures: of the domestic-abuse cases received in the period, how many were heard
at a MARAC, how many of those were repeats (SafeLives expects about 28-40%), and how many of the actions agreed
for them were done on time. Two GROUP BY statements, one driven from the hearings and one from the actions (a
few of the cases, so their cost does not grow with the cases); suppressed like every other section."""
from datetime import date

from sqlalchemy import and_, func, or_
from sqlalchemy import case as sql_case

from ...domain.marac import SAFELIVES_REPEAT_RANGE, repeat_rate_context
from ...domain.report_definitions import count_column, rate_column
from ...domain.service_features import features_of
from ...models import Case, MaracAction, MaracAgendaItem, MaracHearing
from .options import ReportOptions
from .sections import Section, counts_by, section

LOW, HIGH = SAFELIVES_REPEAT_RANGE
COLUMNS = [
    count_column("heard", "Cases heard at MARAC", "Cases received in the period that a MARAC meeting has heard."),
    count_column("repeats", "Repeats", "Cases heard that were a new referral within 12 months of the person's last "
                                       "MARAC referral."),
    rate_column("marac_repeat_rate", "Repeat rate", f"Repeats divided by cases heard. SafeLives expects about "
                                                    f"{LOW}-{HIGH}% of a MARAC's cases to be repeats."),
    count_column("actions_due", "Actions due", "Actions agreed for these cases that are done, or whose due date "
                                               "has passed, as of today."),
    count_column("actions_on_time", "Done on time", "Actions done on or before their due date."),
    rate_column("marac_actions_on_time_share", "Share done on time", "Done on time divided by actions due."),
]


def marac_section(conditions: list, options: ReportOptions, today: date) -> Section:
    """One row per service that refers to MARAC (domestic abuse advocacy)."""
    services = [(s["id"], s["slug"], s["name"]) for s in options.services if features_of(s["slug"]).marac]
    where = [*conditions, Case.service_id.in_([s[0] for s in services])]
    # Driven from the hearings and the actions (a small share of the cases), not from the cases of the period.
    repeat = sql_case((MaracAgendaItem.repeat.is_(True), MaracHearing.case_id))
    heard = counts_by(Case.service_id, {
        "heard": func.count(func.distinct(MaracHearing.case_id)), "repeats": func.count(func.distinct(repeat)),
    }, where, MaracHearing.__table__.join(MaracAgendaItem, MaracAgendaItem.id == MaracHearing.agenda_item_id)
                                    .join(Case, Case.id == MaracHearing.case_id))
    due = or_(MaracAction.done_on.is_not(None), MaracAction.due_on < today)
    on_time = and_(MaracAction.done_on.is_not(None), MaracAction.done_on <= MaracAction.due_on)
    actions = counts_by(Case.service_id, {
        "actions_due": func.count(sql_case((due, 1))), "actions_on_time": func.count(sql_case((on_time, 1))),
    }, where, MaracAction.__table__.join(Case, Case.id == MaracAction.case_id))
    counted = {key: {**heard.get(key, {}), **actions.get(key, {})} for key in set(heard) | set(actions)}
    zero = {"heard": 0, "repeats": 0, "actions_due": 0, "actions_on_time": 0}
    # int(v) for PostgreSQL's numeric sums; a count already whole keeps its months (the differencing guard's)
    raw = {slug: {**zero, **{k: v if isinstance(v, int) else int(v) for k, v in counted.get(service_id, {}).items()}}
           for service_id, slug, _ in services}
    published = section("marac", "Domestic abuse: MARAC", "Service", [(slug, name) for _, slug, name in services], raw,
                        COLUMNS, with_total=False)
    published.note = _context(published.rows)
    return published


def _context(rows: list[dict]) -> str:
    """SafeLives' expected repeat rate, and where each shown rate sits against it, in words."""
    words = []
    for row in rows:
        rate = row.get("marac_repeat_rate")
        if isinstance(rate, (int, float)):
            place = {"below": "below", "within": "within", "above": "above"}[repeat_rate_context(rate * 100)]
            words.append(f"{row['label']}: {rate * 100:.1f}%, {place} that range.")
    return " ".join([f"SafeLives expects roughly {LOW}-{HIGH}% of cases heard at a MARAC to be repeats.", *words])
