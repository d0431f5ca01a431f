"""The outcomes report (what victims said when their case closed) and the equality report (first contact and
take-up by age band, sex, ethnic group and disability)."""
from sqlalchemy import case as sql_case
from sqlalchemy import func

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
from ...extensions import db
from ...models import Case, Person, Referral
from .options import ReportOptions, case_conditions
from .reading import report_dialect
from .sections import Section, by_service_slug, case_counts, counts_by, recording_line, section


def outcomes(filters: ReportFilters, options: ReportOptions, today) -> list[Section]:
    conditions = [*case_conditions(filters, options), Case.status == "closed"]
    sections = []
    answers = list(OUTCOME_ANSWERS)
    for question, question_label in OUTCOME_QUESTIONS:
        column = getattr(Case, "outcome_" + question.replace("-", "_"))
        counts = {"closed": func.count(Case.id),
                  **{answer: func.count(sql_case((column == answer, 1))) for answer, _ in answers},
                  "unanswered": func.count(sql_case((column.is_(None), 1)))}
        columns = [count_column("closed", "Cases closed", "Cases received in the period and since closed.")]
        columns += [count_column(answer, text, f"Victims whose answer was: {text.lower()}.") for answer, text in answers]
        columns.append(count_column("unanswered", "No answer recorded", "Closed cases with no answer recorded."))
        for group_by, heading, categories in (("service", "Service", options.service_choices),
                                              ("borough", "Borough", options.borough_choices)):
            if group_by == "service":
                raw = by_service_slug(counts_by(Case.service_id, counts, conditions, Case.__table__), options)
            else:
                raw = counts_by(Case.borough_code, counts, conditions, Case.__table__)
            sections.append(section(f"{question}-by-{group_by}", f"{question_label}: by {group_by}", heading,
                                    categories, raw, columns, total_key="closed"))
    return sections


def _age_band_expression(dialect: str):
    """The age band kept on the case (set when it opened, or by the purge before the date of birth goes);
    otherwise whole years between date of birth and the date the case was received, banded as AGE_BANDS."""
    if dialect == "postgresql":
        age = func.date_part("year", func.age(func.timezone("Europe/London", Case.received_at), Person.date_of_birth))
    else:
        received = func.strftime("%Y-%m-%d", Case.received_at)
        age = (func.cast(func.strftime("%Y", received), db.Integer) - func.cast(func.strftime("%Y", Person.date_of_birth), db.Integer)
               - sql_case((func.strftime("%m-%d", received) < func.strftime("%m-%d", Person.date_of_birth), 1), else_=0))
    floors = [(18, "0-17"), (25, "18-24"), (35, "25-34"), (45, "35-44"), (55, "45-54"), (65, "55-64")]
    return sql_case((Case.age_band.is_not(None), Case.age_band), (Person.date_of_birth.is_(None), None),
                    *[(age < floor, band) for floor, band in floors], else_="65+")


def _ethnic_heading_expression():
    return sql_case(*[(Person.ethnicity.like(f"{heading}-%"), heading) for heading, _ in ETHNICITY_HEADINGS],
                    else_=Person.ethnicity)


def equality(filters: ReportFilters, options: ReportOptions, today) -> list[Section]:
    conditions = case_conditions(filters, options)
    people = Case.__table__.join(Referral, Referral.id == Case.referral_id).join(Person, Person.id == Referral.person_id)
    columns = [CASES, DUE_COLUMN, IN_TIME_COLUMN, SHARE_IN_TIME, ACCEPTED_SUPPORT, TAKE_UP]
    prefer = ("prefer-not-to-say", "Prefer not to say")
    dimensions = (
        ("age-band", "Age band at referral", "Age band", _age_band_expression(report_dialect()), list(AGE_BANDS),
         "Date of birth"),
        ("sex", "Sex", "Sex", Person.sex, list(SEX), "Sex"),
        ("ethnicity", "Ethnic group", "Ethnic group", _ethnic_heading_expression(), list(ETHNICITY_HEADINGS) + [prefer],
         "Ethnic group"),
        ("disability", "Disability", "Disabled", Person.disability, list(DISABILITY), "Disability"),
    )
    sections = []
    for section_id, title, heading, expression, categories, subject in dimensions:
        raw = counts_by(expression, case_counts(today), conditions, people)
        published = section(section_id, title, heading, categories, raw, columns,
                            note="Age is worked out from the date of birth on the day the referral was received; "
                                 "equality answers are voluntary." if section_id == "age-band" else None)
        published.quality = recording_line(subject, published.rows)
        sections.append(published)
    return sections
