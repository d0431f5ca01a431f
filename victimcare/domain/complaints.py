"""Victims' Commissioner casework: when an agency's response to a complaint is due, and where the response stands.

The Commissioner's office asks the agency a Victims' Code complaint is about to respond. The agency has a set
number of working days (a local setting, VC_RESPONSE_WORKING_DAYS) counted from the day after the request, as
every Code deadline is. A response received on the due date itself is on time.
"""
from datetime import date

from .deadlines import add_working_days
from .vocab import Vocabulary

RESPONSE_STATUSES: Vocabulary = (
    ("not-requested", "No response requested yet"),
    ("awaiting", "Awaiting response"),
    ("overdue", "Overdue"),
    ("on-time", "Answered on time"),
    ("late", "Answered late"),
)


def response_due(requested_on: date, working_days: int) -> date:
    """The date an agency's response is due: ``working_days`` working days after the request was sent."""
    return add_working_days(requested_on, working_days)


def response_status(requested_on: date | None, due_on: date | None, received_on: date | None, today: date) -> str:
    """Where the agency's response stands today (a RESPONSE_STATUSES slug).

    Overdue means the due date has passed with nothing received: on the due date itself a response is still in time.
    """
    if received_on is not None:
        return "late" if due_on is not None and received_on > due_on else "on-time"
    if requested_on is None:
        return "not-requested"
    if due_on is not None and due_on < today:
        return "overdue"
    return "awaiting"
