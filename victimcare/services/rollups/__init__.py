"""Roll-ups for the reports: counts of cases by service, London area, London month received, enhanced and
working days to first contact (``rollup_cases``), kept up to date in the transaction of every change to a case
(``maintain``), checked against and rebuilt from a recount (``recount``); the reports read them
(``services/reports/compliance_sql``)."""
from .maintain import cases_inserted, install
from .recount import Difference, check, rebuild

__all__ = ["Difference", "cases_inserted", "check", "install", "rebuild"]
