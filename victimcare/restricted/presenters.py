"""What the restricted-record notice and pages show, shaped from services/restricted.py."""
from dataclasses import dataclass
from datetime import datetime

from ..domain.access import may_restrict
from ..domain.vocab import RESTRICTION_REASONS, ROLES, label
from ..services import restricted
from ..services.actors import Actor


@dataclass(frozen=True)
class RestrictionNotice:
    restricted: bool
    reason: str | None
    named: bool
    break_glass_until: datetime | None
    manage_url: str | None  # only for those who may restrict records


def notice(actor: Actor, person_id: int | None, manage_url: str) -> RestrictionNotice | None:
    if person_id is None:
        return None
    access = restricted.record_access(actor, person_id)
    current = restricted.restriction_of(person_id) if access.restricted else None
    return RestrictionNotice(
        restricted=access.restricted,
        reason=label(RESTRICTION_REASONS, current.reason) if current else None,
        named=access.named,
        break_glass_until=None if access.named else access.break_glass_until,
        manage_url=manage_url if may_restrict(actor.principal) else None,
    )


def staff_label(user) -> str:
    where = user.service.name if user.service is not None else label(ROLES, user.role)
    return f"{user.name} ({where}{', lead' if user.is_lead else ''})"
