"""The outcomes report (what victims said when their case closed) and the equality report (first contact and
take-up by age band, sex, ethnic group and disability), both sums of the breakdown roll-up
(services/reports/dimension_sql.py)."""
from ...domain.report_definitions import (
    ACCEPTED_SUPPORT,
    CASES,
    DUE_COLUMN,
    IN_TIME_COLUMN,
    SHARE_IN_TIME,
    TAKE_UP,
    ReportFilters,
    count_column,
)
from ...domain.vocab import AGE_BANDS, DISABILITY, ETHNICITY_HEADINGS, OUTCOME_ANSWERS, OUTCOME_QUESTIONS, SEX
from ..rollups.dimensions import EQUALITY_DIMENSIONS, OUTCOME_DIMENSIONS
from .dimension_sql import by_value, dimension_counts
from .options import ReportOptions
from .sections import Section, by_service_slug, plus, recording_line, section


def outcomes(filters: ReportFilters, options: ReportOptions, today) -> list[Section]:
    """Closed cases by each outcome question's answer, by service and by borough."""
    sections = []
    answers = list(OUTCOME_ANSWERS)
    found = {group_by: dimension_counts(OUTCOME_DIMENSIONS, filters, options, today, by=group_by)
             for group_by in ("service", "borough")}
    for question, question_label in OUTCOME_QUESTIONS:
        columns = [count_column("closed", "Cases closed", "Cases received in the period and since closed.")]
        columns += [count_column(answer, text, f"Victims whose answer was: {text.lower()}.") for answer, text in answers]
        columns.append(count_column("unanswered", "No answer recorded", "Closed cases with no answer recorded."))
        for group_by, heading, categories in (("service", "Service", options.service_choices),
                                              ("borough", "Borough", options.borough_choices)):
            raw = _answers(found[group_by], f"outcome-{question}", [answer for answer, _ in answers])
            if group_by == "service":
                raw = by_service_slug(raw, options)
            sections.append(section(f"{question}-by-{group_by}", f"{question_label}: by {group_by}", heading,
                                    categories, raw, columns, total_key="closed"))
    return sections


def _answers(found: dict, dimension: str, answers: list[str]) -> dict:
    """{group: {"closed", each answer, "unanswered": count}} from one outcome dimension's counts by value."""
    raw: dict = {}
    for (dim, value, group), counts in found.items():
        if dim != dimension:
            continue
        figures = raw.setdefault(group, {"closed": 0, **dict.fromkeys(answers, 0), "unanswered": 0})
        n = counts["cases"]
        figures["closed"] = plus(figures["closed"], n)
        if value in answers:
            figures[value] = plus(figures[value], n)
        elif value is None:
            figures["unanswered"] = plus(figures["unanswered"], n)
    return raw


def equality(filters: ReportFilters, options: ReportOptions, today) -> list[Section]:
    """First contact and take-up by age band, sex, ethnic group and disability."""
    columns = [CASES, DUE_COLUMN, IN_TIME_COLUMN, SHARE_IN_TIME, ACCEPTED_SUPPORT, TAKE_UP]
    prefer = ("prefer-not-to-say", "Prefer not to say")
    dimensions = (
        ("age-band", "Age band at referral", "Age band", list(AGE_BANDS), "Date of birth"),
        ("sex", "Sex", "Sex", list(SEX), "Sex"),
        ("ethnicity", "Ethnic group", "Ethnic group", list(ETHNICITY_HEADINGS) + [prefer], "Ethnic group"),
        ("disability", "Disability", "Disabled", list(DISABILITY), "Disability"),
    )
    found = dimension_counts(EQUALITY_DIMENSIONS, filters, options, today)
    sections = []
    for section_id, title, heading, categories, subject in dimensions:
        raw = by_value(found, section_id, ("cases", "due", "in_time", "accepted"))
        published = section(section_id, title, heading, categories, raw, columns,
                            note="Age is worked out from the date of birth on the day the referral was received; "
                                 "equality answers are voluntary." if section_id == "age-band" else None)
        published.quality = recording_line(subject, published.rows)
        sections.append(published)
    return sections
