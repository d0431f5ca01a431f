"""Roll-ups for the reports, one provider per roll-up table (``registry``): counts of cases by service, London
area, London month received and what each report groups by, kept up to date in the transaction of every change
(``maintain``), checked against and rebuilt from a recount (``recount``); the reports read them
(``services/reports/compliance_sql``, ``code_rights``, ``attrition``).

The providers register themselves when their module is imported below (``cases`` counts every case there is,
which tells ``maintain`` which touched cases were deleted)."""
from . import attrition, cases, code_rights, dimensions  # noqa: F401  (each registers its provider)
from .maintain import cases_inserted, install
from .recount import Difference, check, rebuild
from .registry import PROVIDERS, Provider, Related, by_column, register

__all__ = ["PROVIDERS", "Difference", "Provider", "Related", "by_column", "cases_inserted", "check", "install",
           "rebuild", "register"]
