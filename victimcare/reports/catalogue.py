"""The reports page's list: each report's slug, page endpoint, title and summary."""
from ..domain.report_definitions import BREAKDOWN_REPORTS

REPORTS = (
    ("code-compliance", "reports.code_compliance", "Victims' Code compliance",
     "Referrals received, first contact within the due date, median working days to first contact and cases "
     "now overdue, by service, borough, BCU or month, for enhanced and standard victims separately."),
    ("code-rights", "reports.code_rights", "Victims' Code rights",
     "Each of the Code's rights side by side by service and borough: the share of cases where it was met, "
     "police decisions told on time, and the share told about the Code and offered a referral against targets."),
    ("postcode-lottery", "reports.postcode_lottery", "The postcode lottery",
     "First contact within the due date and take-up for each London borough on a tile map, ranked, with the gap "
     "between the best and worst boroughs and a roll-up by police basic command unit."),
    *[(slug, "reports." + slug.replace("-", "_"), title, summary) for slug, (title, summary) in BREAKDOWN_REPORTS.items()],
)
