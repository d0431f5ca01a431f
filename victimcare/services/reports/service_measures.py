"""The service-measures report: what each service's own work shows (DASH risk levels, Child House steps and
time to ABE interview, MARAC (marac_measures.py), hate crime strands, restorative justice, Victims' Commissioner complaints)."""
from flask import current_app
from sqlalchemy import Date, func
from sqlalchemy import case as sql_case

from ...domain.report_definitions import (
    CASES,
    DUE_COLUMN,
    IN_TIME_COLUMN,
    SHARE_IN_TIME,
    ReportFilters,
    count_column,
    rate_column,
)
from ...domain.service_features import steps_for
from ...domain.suppression import suppress_counts
from ...domain.vocab import COMPLAINT_AGENCIES, HATE_STRANDS, VICTIMS_CODE_RIGHTS
from ...models import Case, CaseStep
from .marac_measures import marac_section
from .options import ReportOptions, case_conditions
from .dimension_sql import by_value, dimension_counts
from .reading import report_dialect
from .sections import Section, counts_by, plus, section

ABE_BANDS = (("0-7", "Within 7 days"), ("8-14", "8 to 14 days"), ("15-28", "15 to 28 days"), ("29+", "More than 28 days"))
STEP_COLUMN = [count_column("cases", "Cases", "Cases received in the period that reached this step, each counted once.")]


# The breakdown roll-up's dimensions these sections read, and the services they read them for: one statement.
MEASURED = ("dash-level", "cases", "step", "rj", "hate-strand", "complaint-agency", "complaint-right")
MEASURED_SERVICES = ("domestic-abuse", "child-house", "hate-crime", "restorative-justice", "victims-commissioner")


def service_measures(filters: ReportFilters, options: ReportOptions, today) -> list[Section]:
    conditions = case_conditions(filters, options)
    working_days = current_app.config["VC_RESPONSE_WORKING_DAYS"]
    found = dimension_counts(MEASURED, filters, options, today, [options.service_id(s) for s in MEASURED_SERVICES],
                             by="service")

    def of(slug: str, dimension: str, names=("cases",)) -> dict:
        return by_value(found, dimension, names, group=options.service_id(slug))

    return [
        _dash_levels(of("domestic-abuse", "dash-level", ("cases", "marac", "due", "in_time", "accepted"))),
        marac_section(conditions, options, today),
        _steps_section("child-house", "Child House", of),
        _abe_interview_timing(conditions, options.service_id("child-house")),
        _hate_crime_strands(of("hate-crime", "hate-strand")),
        _restorative_justice(of),
        _vc_complaints("complaints-by-agency", "Victims' Commissioner complaints by agency", "Agency",
                       of("victims-commissioner", "complaint-agency", VC_COUNTS), COMPLAINT_AGENCIES, working_days),
        _vc_complaints("complaints-by-right", "Victims' Commissioner complaints by Code right", "Code right",
                       of("victims-commissioner", "complaint-right", VC_COUNTS), VICTIMS_CODE_RIGHTS, working_days),
    ]


def _dash_levels(raw: dict) -> Section:
    return section(
        "dash-levels", "Domestic abuse: DASH risk level at referral", "DASH risk level",
        [("standard", "Standard"), ("medium", "Medium"), ("high", "High")], raw, [
            CASES, count_column("marac", "Referred to MARAC", "Cases referred to a multi-agency risk assessment conference at routing."),
            DUE_COLUMN, IN_TIME_COLUMN, SHARE_IN_TIME,
        ], note="The high-risk row's share contacted within due date is the share of high-risk victims an IDVA reached in time.")


def _steps_section(slug: str, title: str, of, extra=()) -> Section:
    """Cases received, then each of the service's steps: how many cases reached it (and ``extra``: the "rj"
    dimension's values)."""
    raw = of(slug, "step")
    raw["received"] = of(slug, "cases").get(None, {"cases": 0})
    rj = of(slug, "rj")
    for key, _ in extra:
        raw[key] = rj.get(key, {"cases": 0})
    categories = [("received", "Referrals received"), *extra, *steps_for(slug)]
    return section(slug, title, "Step", categories, raw, STEP_COLUMN, with_total=False)


def _days_from_receipt(on_date):
    """Calendar days from the day a case was received (London date) to `on_date`, in SQL on either database."""
    if report_dialect() == "postgresql":
        received = func.cast(func.timezone("Europe/London", Case.received_at), Date)
        return on_date - received
    return func.julianday(on_date) - func.julianday(func.date(Case.received_at))


def _abe_interview_timing(conditions: list, child_house_id: int) -> Section:
    """How long children waited from referral to their ABE (forensic) interview, in bands (PROMISE: no undue delay)."""
    days = _days_from_receipt(CaseStep.occurred_on)
    band = sql_case((days <= 7, "0-7"), (days <= 14, "8-14"), (days <= 28, "15-28"), else_="29+")
    raw = counts_by(band, {"cases": func.count(func.distinct(Case.id))},
                    [*conditions, Case.service_id == child_house_id, CaseStep.step == "abe-interview"],
                    CaseStep.__table__.join(Case, Case.id == CaseStep.case_id))
    return section("abe-interview-timing", "Child House: time from referral to ABE interview", "Time taken",
                   ABE_BANDS, raw,
                   [count_column("cases", "Cases", "Child House cases received in the period whose ABE interview is "
                                                    "recorded, by calendar days from the referral to the interview.")])


def _hate_crime_strands(strand_raw: dict) -> Section:
    return section(
        "hate-crime-strands", "Hate crime by strand", "Strand", list(HATE_STRANDS) + [("combined", "Two or more strands")],
        strand_raw, [count_column("cases", "Cases", "Hate crime advocacy cases where the victim perceived this strand; a case with several strands counts under each.")],
        with_total=False)


def _restorative_justice(of) -> Section:
    return _steps_section(
        "restorative-justice", "Restorative justice", of,
        extra=[("requested", "Victim asked for restorative justice"), ("both-consented", "Both victim and offender consented"),
               ("meeting-held", "Meeting held (direct or indirect)")])


def _vc_columns(working_days: int) -> list:
    return [
        count_column("complaints", "Complaints", "Victims' Commissioner cases received in the period: one complaint each."),
        count_column("responses_requested", "Responses requested", "Complaints the agency has been asked to respond to."),
        count_column("responses_received", "Responses received", "Complaints the agency has responded to."),
        count_column("responses_on_time", "Received on time",
                     f"Responses received on or before the due date, {working_days} working days after the request "
                     "(Monday to Friday, bank holidays excluded)."),
        count_column("responses_overdue", "Overdue now",
                     "Responses requested and not received whose due date has passed, as of today."),
        count_column("responses_due", "Responses due", "Responses received plus those overdue now."),
        rate_column("responses_on_time_share", "Share on time", "Received on time divided by responses due."),
    ]


VC_COUNTS = ("cases", "responses_requested", "responses_received", "responses_on_time", "responses_overdue")


def _vc_complaints(section_id, title, heading, found: dict, categories, working_days) -> Section:
    """Victims' Commissioner complaints and how promptly the agencies responded, one row per agency or Code
    right."""
    raw = {value: {"complaints": counts["cases"], **{name: counts[name] for name in VC_COUNTS[1:]},
                   "responses_due": plus(counts["responses_received"], counts["responses_overdue"])}
           for value, counts in found.items()}
    published = section(section_id, title, heading, categories, raw, _vc_columns(working_days), note=(
        "Agencies and Code rights are chosen from fixed lists. A response received on its due date is on time; the "
        f"due date is set when the request is recorded, {working_days} working days after it."))
    # Responses due = received + overdue now in every row, so a hidden one of the three could be worked out from
    # the other two: suppress across those three as well, and drop a share whose counts are now hidden.
    rows = suppress_counts(published.rows, ["responses_received", "responses_overdue", "responses_due"],
                           total_key="responses_due", total_row_index=-1)
    for row in rows:
        if not (isinstance(row["responses_on_time"], int) and isinstance(row["responses_due"], int)):
            row["responses_on_time_share"] = None
    published.rows = rows
    return published
