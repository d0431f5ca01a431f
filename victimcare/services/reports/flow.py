"""The routing-and-flow report: where referrals came from, how they were routed, what services declined or
transferred and why, caseworkers' overrides, and take-up of support."""
from sqlalchemy import case as sql_case
from sqlalchemy import func

from ...domain.report_definitions import ACCEPTED_SUPPORT, CASES, ROUTE_LABELS, TAKE_UP, ReportFilters, count_column
from ...domain.vocab import (
    DECLINE_REASONS,
    NOT_PROCEEDING_REASONS,
    OVERRIDE_REASONS,
    REFERRAL_SOURCES,
    TRANSFER_REASONS,
)
from ...models import Case, Referral, RoutingDecision
from .options import ReportOptions, case_conditions, received_in_period
from .sections import Section, by_service_slug, case_counts, counts_by, section

REASONS_NOTE = ("Counted by the main reason chosen from a fixed list; the details typed beside it stay on the case and "
                "are never published. Not recorded: no coded reason was given (the API takes one but does not "
                "require it).")


def routing_and_flow(filters: ReportFilters, options: ReportOptions, today) -> list[Section]:
    conditions = case_conditions(filters, options)
    return [
        _referrals_by_source(filters, options),
        _not_proceeding(filters),
        *_declines_and_transfers(conditions, options, today),
        *_reasons(conditions, options),
        *_overrides(filters, options),
        _take_up(conditions, options, today),
    ]


def _referrals_by_source(filters: ReportFilters, options: ReportOptions) -> Section:
    referral_period = received_in_period(Referral.received_at, filters)
    if filters.borough:
        referral_period.append(Referral.offence_borough_code == filters.borough)
    if filters.bcu is not None:
        referral_period.append(Referral.offence_borough_code.in_(options.boroughs_of_bcu(filters.bcu)))
    raw = counts_by(Referral.source, {
        "referrals": func.count(Referral.id),
        "routed": func.count(sql_case((Referral.status == "routed", 1))),
        "not_routed": func.count(sql_case((Referral.status == "not-routed", 1))),
        "triage": func.count(sql_case((Referral.status == "triage", 1))),
        "not_proceeding": func.count(sql_case((Referral.status == "not-proceeding", 1))),
    }, referral_period, Referral.__table__)
    return section(
        "referrals-by-source", "Referrals by source", "Source", REFERRAL_SOURCES, raw, [
            count_column("referrals", "Referrals received", "Referrals received in the period, whatever happened next."),
            count_column("routed", "Routed to a service", "Referrals sent to at least one service."),
            count_column("not_routed", "Not routed", "Referrals recorded but sent to no service (for example, no consent)."),
            count_column("triage", "Awaiting triage", "Referrals a caseworker has not yet routed."),
            count_column("not_proceeding", "Closed as not proceeding",
                         "Referrals a caseworker closed at triage (duplicate, spam, withdrawn, outside London or "
                         "other); they open no case, so they are outside the compliance figures."),
        ], total_key="referrals",
        note="Only the period and area filters apply here: a referral that was not routed has no service, and "
             "enhanced rights are decided per case.")


def _not_proceeding(filters: ReportFilters) -> Section:
    """Referrals closed at triage as not proceeding, by their coded reason (the details are never published)."""
    conditions = received_in_period(Referral.received_at, filters) + [Referral.status == "not-proceeding"]
    if filters.borough:
        conditions.append(Referral.offence_borough_code == filters.borough)
    raw = counts_by(Referral.not_proceeding_reason, {"referrals": func.count(Referral.id)}, conditions,
                    Referral.__table__)
    return section(
        "not-proceeding-by-reason", "Referrals closed at triage as not proceeding", "Reason", NOT_PROCEEDING_REASONS,
        raw, [count_column("referrals", "Referrals", "Referrals closed at triage with this reason.")],
        total_key="referrals", note=REASONS_NOTE.split(" Not recorded")[0])


def _declines_and_transfers(conditions: list, options: ReportOptions, today) -> list[Section]:
    flow = {**case_counts(today),
            "declined": func.count(sql_case((Case.status == "declined", 1))),
            "transferred": func.count(sql_case((Case.status == "transferred", 1)))}
    flow_columns = [
        CASES, ACCEPTED_SUPPORT,
        count_column("declined", "Declined by the service", "Cases the service declined."),
        count_column("transferred", "Transferred", "Cases passed to another service."),
    ]
    by_route = counts_by(Case.rule, flow, conditions, Case.__table__)
    by_service = by_service_slug(counts_by(Case.service_id, flow, conditions, Case.__table__), options)
    return [
        section("cases-by-route", "Cases by route", "Route (routing rule)", list(ROUTE_LABELS.items()), by_route,
                flow_columns),
        section("decisions-by-service", "Declines and transfers by service", "Service", options.service_choices,
                by_service, flow_columns),
    ]


def _reasons(conditions: list, options: ReportOptions) -> list[Section]:
    per_service = {slug: func.count(sql_case((Case.service_id == sid, 1)))
                   for sid, slug in ((sv["id"], sv["slug"]) for sv in options.services)}
    service_columns = [count_column(slug, name, f"Cases of {name} with this main reason.")
                       for slug, name in options.service_choices]
    sections = []
    for status, code_column, reasons, section_id, title, total_heading in (
        ("declined", Case.decline_reason_code, DECLINE_REASONS, "declines-by-reason",
         "Why services declined cases", "Cases declined"),
        ("transferred", Case.transfer_reason_code, TRANSFER_REASONS, "transfers-by-reason",
         "Why cases were transferred", "Cases transferred"),
    ):
        raw = counts_by(code_column, {"total": func.count(Case.id), **per_service},
                        [*conditions, Case.status == status], Case.__table__)
        sections.append(section(
            section_id, title, "Main reason", reasons, raw,
            [count_column("total", total_heading, f"Cases received in the period and {status}, by the main reason "
                                                  "chosen from a fixed list."), *service_columns],
            total_key="total", note=REASONS_NOTE))
    return sections


def _overrides(filters: ReportFilters, options: ReportOptions) -> list[Section]:
    override_conditions = [*received_in_period(Referral.received_at, filters),
                           RoutingDecision.kind.in_(("override-add", "override-remove"))]
    if filters.service:
        override_conditions.append(RoutingDecision.service_id == options.service_id(filters.service))
    override_columns = {"total": func.count(RoutingDecision.id),
                        "added": func.count(sql_case((RoutingDecision.kind == "override-add", 1))),
                        "removed": func.count(sql_case((RoutingDecision.kind == "override-remove", 1)))}
    override_headings = [
        count_column("total", "Overrides", "Services added or removed by a caseworker for referrals received in the period."),
        count_column("added", "Service added", "A caseworker sent the referral to a service the rules did not choose."),
        count_column("removed", "Service removed", "A caseworker removed a service the rules chose."),
    ]
    overrides = RoutingDecision.__table__.join(Referral, Referral.id == RoutingDecision.referral_id)
    by_service = by_service_slug(counts_by(RoutingDecision.service_id, override_columns, override_conditions,
                                           overrides), options)
    by_reason = counts_by(RoutingDecision.reason_code, override_columns, override_conditions, overrides)
    return [
        section("overrides", "Caseworker overrides of the routing rules", "Service", options.service_choices,
                by_service, override_headings, total_key="total"),
        section("overrides-by-reason", "Why caseworkers overrode the routing rules", "Main reason", OVERRIDE_REASONS,
                by_reason, override_headings, total_key="total", note=REASONS_NOTE),
    ]


def _take_up(conditions: list, options: ReportOptions, today) -> Section:
    take_up = {**case_counts(today),
               "contacted": func.count(Case.first_contact_working_days),
               "declined_support": func.count(sql_case((Case.closure_reason == "declined-support", 1))),
               "not_contactable": func.count(sql_case((Case.closure_reason == "not-contactable", 1)))}
    raw = by_service_slug(counts_by(Case.service_id, take_up, conditions, Case.__table__), options)
    return section("take-up", "Take-up of support", "Service", options.service_choices, raw, [
        CASES,
        count_column("contacted", "Contacted", "Cases with a successful first contact."),
        ACCEPTED_SUPPORT,
        count_column("declined_support", "Declined support", "Cases closed because the victim declined support."),
        count_column("not_contactable", "Could not be contacted", "Cases closed because no contact could be made."),
        TAKE_UP,
    ])
