"""Setting the MARAC coordinator flag on an account.

The flag takes effect at once, without the two-person approval that the lead flag needs: it opens no case beyond
the advocate's own service (whose cases they already see); it adds that service's meetings and their partner
share. Setting or clearing it is audited like any change of access.
"""
from ...domain.access import may_be_marac_coordinator
from ...extensions import db
from ...models import Service, User
from .. import audit
from ..actors import Actor
from ..errors import ValidationFailed

NOT_ALLOWED = "Only an advocate of a service that refers to MARAC (domestic abuse) can coordinate MARAC meetings"


def check_coordinator_flag(role: str, service: Service | None, flag: bool) -> None:
    if flag and not may_be_marac_coordinator(role, bool(service and service.features.marac)):
        raise ValidationFailed(errors=[{"field": "is_marac_coordinator", "message": NOT_ALLOWED}])


def set_coordinator(actor: Actor, user_id: int, flag: bool) -> User:
    """Give or take away the coordinator flag (an administrator, or the CLI as the system actor)."""
    from .. import users

    user = users.get_user(actor, user_id)
    apply_coordinator_flag(actor, user, flag, user.role, db.session.get(Service, user.service_id) if user.service_id else None)
    return user


def apply_coordinator_flag(actor: Actor, user: User, flag: bool, role: str, service: Service | None) -> None:
    """Set the flag on an account whose role and service are (or, once approved, will be) these."""
    flag = bool(flag)
    if bool(user.is_marac_coordinator) == flag:
        return
    check_coordinator_flag(role, service, flag)
    before, user.is_marac_coordinator = bool(user.is_marac_coordinator), flag
    audit.record(actor, "update", "user", user.id, service_id=user.service_id,
                 changes={"is_marac_coordinator": {"before": before, "after": flag}})
    db.session.flush()
