"""Loading a case for a change, and saving it without losing anyone's update.

Every write to a case, including adding a contact, note, task or step, bumps the case's version: a form carries
the version it was opened at, and a save against an older version is refused with a Conflict (409) instead of
silently overwriting. The version check runs twice: in Python against the form's version (check_version), and
in the database (SQLAlchemy's version_id_col puts ``WHERE version = :old`` on the UPDATE, see save_case), so two
concurrent saves that both passed the first check still cannot both win.
"""
from sqlalchemy.orm import defaultload
from sqlalchemy.orm.exc import StaleDataError

from ...domain.access import can_see_service_record
from ...extensions import db
from ...models import Case, Referral
from ...models.types import utcnow
from .. import audit, restricted
from ..actors import Actor, require
from ..errors import Conflict, NotFound

STALE_MESSAGE = (
    "Someone else changed this case after you opened it. Nothing of yours was saved; "
    "check their change below, then save again if yours is still needed."
)


class StaleCase(Conflict):
    """The case changed since the form was opened: the page shows what changed and keeps the input."""


# How a case is read: with its referral's hostility strands in the same statement (the case pages show them), and
# without the referral's routing decisions, which no case page shows (read when something asks for them).
_CASE_LOADING = (
    defaultload(Case.referral).joinedload(Referral.strands),
    defaultload(Case.referral).lazyload(Referral.routing_decisions),
)


def load_case(actor: Actor, case_id: int, permission: str, *, also=()) -> Case:
    """The case, if the actor's service holds it; otherwise 404, so its existence is not revealed. A restricted
    person's case opens only for the staff named on it, or with break-glass access (services/restricted.py).
    ``also``: loader options for what the caller shows besides (the overview's household, say)."""
    # An id no integer column can hold is simply not found (a driver would otherwise fail on it).
    case = db.session.get(Case, case_id, options=_CASE_LOADING + tuple(also)) if 0 < case_id < 2**31 else None
    purged = case is not None and case.referral.person is not None and case.referral.person.purged_at is not None
    if case is None or purged or not can_see_service_record(actor.principal, case.service_id):
        raise NotFound("Case not found", object_type="case", object_id=case_id)
    require(actor, permission, "You do not have permission to do this")
    restricted.check_case(actor, case)
    return case


def check_version(case: Case, expected_version: int | None) -> None:
    if expected_version is not None and case.version != expected_version:
        raise StaleCase(STALE_MESSAGE, current_version=case.version, your_version=expected_version)


def save_case(case: Case, expected_version: int | None) -> None:
    """Write the case (bumping its version) and everything pending; a concurrent save surfaces as StaleCase."""
    case.updated_at = utcnow()
    try:
        db.session.flush()
    except StaleDataError:
        # The session must be rolled back before it is used again: the boundary that catches this does so.
        raise StaleCase(STALE_MESSAGE, your_version=expected_version) from None


def audit_case(actor: Actor, action: str, object_type: str, object_id, case: Case, changes: dict) -> None:
    """The audit event of a change to the case or something on it, with the version the change made."""
    audit.record(actor, action, object_type, object_id, referral_id=case.referral_id, case_id=case.id,
                 service_id=case.service_id, changes={**changes, "version": case.version})
