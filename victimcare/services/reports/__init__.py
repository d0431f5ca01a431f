"""Oversight reports for the Commissioner: aggregates computed in SQL, never victim-level rows.

What comes back is already suppressed (victimcare.domain.report_suppression), so no caller can publish a raw
small count by mistake. Every run is audited as "report-run", every export as "export".

The package's public API is what this module names below (``from victimcare.services import reports`` and
``reports.code_compliance(...)``); the modules inside are split by job:

- ``options``: who may run reports, the filters' reference data, the cases a filter selects, the audit of a run;
- ``compliance_sql``: the one-scan SQL behind the compliance tables and their medians;
- ``compliance``: the Victims' Code compliance report and the postcode lottery;
- ``code_rights``: the Victims' Code rights report (each right applied, met, met on time), by service, borough
  or month;
- ``sections``: how a breakdown section is counted and published;
- ``flow``, ``service_measures``, ``outcomes_equality``: the breakdown reports' sections;
- ``breakdowns``: the breakdown reports by slug;
- ``shortfalls``: where London falls short of the headline targets, and the biggest changes.
"""
from .breakdowns import BreakdownReport, breakdown_report
from .code_rights import CODE_RIGHTS_GROUP_BYS, CodeRightsReport, code_rights_report
from .compliance import LOTTERY_MEASURES, ComplianceReport, LotteryReport, code_compliance, postcode_lottery
from .options import ReportOptions, read_filters, report_options
from .sections import Section
from .shortfalls import PERIOD_MONTHS, Shortfalls, where_london_falls_short

__all__ = [
    "CODE_RIGHTS_GROUP_BYS", "CodeRightsReport", "code_rights_report",
    "LOTTERY_MEASURES", "BreakdownReport", "ComplianceReport", "LotteryReport", "ReportOptions", "Section",
    "breakdown_report", "code_compliance", "postcode_lottery", "read_filters", "report_options",
    "PERIOD_MONTHS", "Shortfalls", "where_london_falls_short",
]
