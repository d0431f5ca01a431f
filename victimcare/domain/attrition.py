"""Attrition: a victim withdrawing from the investigation or prosecution.

An advocate records the stage (before charge, after charge, at trial), the date and the reasons from a fixed list;
"other" needs details, which stay on the case and are never published or audited. Whether the victim was
supported by an advocate is decided once, when the withdrawal is recorded: the case had a successful contact on or
before the day they withdrew (London's attrition work: victims supported by an ISVA or IDVA are much more likely
to stay engaged).
"""
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from .vocab import WITHDRAWAL_REASONS, WITHDRAWAL_STAGES, slugs

OTHER_REASON = "other"
MAX_DETAILS = 2000

# Shown beside the report: what London's own work found, to read the figures against.
LONDON_CONTEXT = ("London's own attrition work found that about 40% of victims withdraw before charge, more in "
                  "domestic abuse and rape cases, and that victims supported by an ISVA or IDVA are much more likely "
                  "to stay engaged.")


@dataclass(frozen=True)
class WithdrawalProblem:
    field: str
    message: str


def withdrawal_problems(stage: str | None, reasons: Sequence[str], other_details: str | None,
                        withdrawn_on: date | None, today: date) -> list[WithdrawalProblem]:
    """Everything wrong with a withdrawal as given, field by field (empty when it can be recorded)."""
    problems = []
    if stage not in slugs(WITHDRAWAL_STAGES):
        problems.append(WithdrawalProblem("stage", "Choose the stage at which the victim withdrew"))
    known = set(slugs(WITHDRAWAL_REASONS))
    if not reasons:
        problems.append(WithdrawalProblem("reasons", "Choose at least one reason"))
    elif any(reason not in known for reason in reasons):
        problems.append(WithdrawalProblem("reasons", "Choose reasons from the list"))
    details = (other_details or "").strip()
    if OTHER_REASON in reasons and not details:
        problems.append(WithdrawalProblem("other_details", "Give the details of the other reason"))
    elif len(details) > MAX_DETAILS:
        problems.append(WithdrawalProblem("other_details", f"Keep the details to {MAX_DETAILS} characters or fewer"))
    if withdrawn_on is None:
        problems.append(WithdrawalProblem("withdrawn_on", "Enter the date the victim withdrew"))
    elif withdrawn_on > today:
        problems.append(WithdrawalProblem("withdrawn_on", "The date cannot be in the future"))
    return problems


def supported_by_advocate(first_contacted_on: date | None, withdrawn_on: date) -> bool:
    """The victim was supported when the case had a successful contact on or before the day they withdrew."""
    return first_contacted_on is not None and first_contacted_on <= withdrawn_on
