"""The service-measures report: what each service's own work shows (DASH risk levels, Child House steps and
time to ABE interview, MARAC (marac_measures.py), hate crime strands, restorative justice, Victims' Commissioner complaints)."""
from flask import current_app
from sqlalchemy import Date, and_, func, literal_column, or_, select
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
from ...models import Case, CaseStep, Referral, ReferralStrand
from .marac_measures import marac_section
from .options import ReportOptions, case_conditions
from .reading import report_dialect
from .sections import Section, case_counts, count_of, counts_by, section

ABE_BANDS = (("0-7", "Within 7 days"), ("8-14", "8 to 14 days"), ("15-28", "15 to 28 days"), ("29+", "More than 28 days"))
STEP_COLUMN = [count_column("cases", "Cases", "Cases received in the period that reached this step, each counted once.")]


def service_measures(filters: ReportFilters, options: ReportOptions, today) -> list[Section]:
    conditions = case_conditions(filters, options)
    working_days = current_app.config["VC_RESPONSE_WORKING_DAYS"]
    vc = [*conditions, Case.service_id == options.service_id("victims-commissioner")]
    return [
        _dash_levels(conditions, options, today),
        marac_section(conditions, options, today),
        _steps_section("child-house", "Child House", conditions, options),
        _abe_interview_timing(conditions, options.service_id("child-house")),
        _hate_crime_strands(conditions, options),
        _restorative_justice(conditions, options),
        _vc_complaints("complaints-by-agency", "Victims' Commissioner complaints by agency", "Agency",
                       Case.complaint_agency, COMPLAINT_AGENCIES, vc, today, working_days),
        _vc_complaints("complaints-by-right", "Victims' Commissioner complaints by Code right", "Code right",
                       Case.complaint_code_right, VICTIMS_CODE_RIGHTS, vc, today, working_days),
    ]


def _with_referral():
    return Case.__table__.join(Referral, Referral.id == Case.referral_id)


def _dash_levels(conditions: list, options: ReportOptions, today) -> Section:
    counts = {**case_counts(today), "marac": func.count(sql_case((Case.marac.is_(True), 1)))}
    raw = counts_by(Referral.dash_level, counts, [*conditions, Case.service_id == options.service_id("domestic-abuse")],
                    _with_referral())
    return section(
        "dash-levels", "Domestic abuse: DASH risk level at referral", "DASH risk level",
        [("standard", "Standard"), ("medium", "Medium"), ("high", "High")], raw, [
            CASES, count_column("marac", "Referred to MARAC", "Cases referred to a multi-agency risk assessment conference at routing."),
            DUE_COLUMN, IN_TIME_COLUMN, SHARE_IN_TIME,
        ], note="The high-risk row's share contacted within due date is the share of high-risk victims an IDVA reached in time.")


def _step_counts(service_id: int, conditions: list) -> dict:
    """{step: number of cases of the service with that step recorded} in one statement."""
    return counts_by(CaseStep.step, {"cases": func.count(func.distinct(CaseStep.case_id))},
                     [*conditions, Case.service_id == service_id],
                     CaseStep.__table__.join(Case, Case.id == CaseStep.case_id))


def _steps_section(slug: str, title: str, conditions: list, options: ReportOptions, extra=(), extra_raw=None) -> Section:
    """Cases received, then each of the service's steps: how many cases reached it."""
    service_id = options.service_id(slug)
    raw = _step_counts(service_id, conditions)
    received = counts_by(Case.service_id, {"cases": func.count(Case.id)},
                         [*conditions, Case.service_id == service_id], Case.__table__)
    raw["received"] = received.get(service_id, {"cases": 0})
    raw.update(extra_raw or {})
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


def _hate_crime_strands(conditions: list, options: ReportOptions) -> Section:
    hate_crime = Case.service_id == options.service_id("hate-crime")
    strand_raw = counts_by(ReferralStrand.strand, {"cases": func.count(func.distinct(Case.id))},
                           [*conditions, hate_crime],
                           _with_referral().join(ReferralStrand, ReferralStrand.referral_id == Referral.id))
    multi = (select(ReferralStrand.referral_id).group_by(ReferralStrand.referral_id)
             .having(func.count() >= 2).subquery())
    combined = count_of(func.count(func.distinct(Case.id)), [*conditions, hate_crime],
                        Case.__table__.join(multi, multi.c.referral_id == Case.referral_id))
    strand_raw["combined"] = {"cases": combined}
    return section(
        "hate-crime-strands", "Hate crime by strand", "Strand", list(HATE_STRANDS) + [("combined", "Two or more strands")],
        strand_raw, [count_column("cases", "Cases", "Hate crime advocacy cases where the victim perceived this strand; a case with several strands counts under each.")],
        with_total=False)


def _restorative_justice(conditions: list, options: ReportOptions) -> Section:
    rj = [*conditions, Case.service_id == options.service_id("restorative-justice")]
    both = (select(CaseStep.case_id)
            .where(CaseStep.step.in_(("rj-victim-consent", "rj-offender-consent")))
            .group_by(CaseStep.case_id).having(func.count(func.distinct(CaseStep.step)) == 2).subquery())
    meeting = (select(CaseStep.case_id).where(CaseStep.step.in_(("rj-direct-meeting", "rj-indirect-meeting")))
               .distinct().subquery())
    # One statement: each subquery has at most one row per case, so the outer joins count each case once.
    found = counts_by(literal_column("1"), {
        "requested": func.count(sql_case((Referral.rj_requested.is_(True), 1))),
        "both-consented": func.count(both.c.case_id),
        "meeting-held": func.count(meeting.c.case_id),
    }, rj, _with_referral().outerjoin(both, both.c.case_id == Case.id).outerjoin(meeting, meeting.c.case_id == Case.id))
    figures = found.get(1, {})
    return _steps_section(
        "restorative-justice", "Restorative justice", conditions, options,
        extra=[("requested", "Victim asked for restorative justice"), ("both-consented", "Both victim and offender consented"),
               ("meeting-held", "Meeting held (direct or indirect)")],
        extra_raw={key: {"cases": figures.get(key, 0)} for key in ("requested", "both-consented", "meeting-held")})


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


def _vc_complaints(section_id, title, heading, group, categories, conditions, today, working_days) -> Section:
    """Victims' Commissioner complaints and how promptly the agencies responded, one row per agency or Code right,
    from one GROUP BY statement."""
    received = Case.response_received_on.is_not(None)
    overdue = and_(Case.response_requested_on.is_not(None), Case.response_received_on.is_(None),
                   Case.response_due_on < today)
    raw = counts_by(group, {
        "complaints": func.count(Case.id),
        "responses_requested": func.count(Case.response_requested_on),
        "responses_received": func.count(Case.response_received_on),
        "responses_on_time": func.count(sql_case((and_(received, Case.response_received_on <= Case.response_due_on), 1))),
        "responses_overdue": func.count(sql_case((overdue, 1))),
        "responses_due": func.count(sql_case((or_(received, overdue), 1))),
    }, conditions, Case.__table__)
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
