"""Who is acting: a signed-in user, a user through an API token, the public, or the system (CLI)."""
from dataclasses import dataclass

from ..domain.access import Principal, has_permission


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    role: str | None
    label: str
    service_id: int | None = None
    is_lead: bool = False
    token_id: int | None = None
    is_marac_coordinator: bool = False

    @property
    def principal(self) -> Principal:
        return Principal(role=self.role, service_id=self.service_id, is_lead=self.is_lead, user_id=self.user_id,
                         is_marac_coordinator=self.is_marac_coordinator)

    @classmethod
    def from_user(cls, user, token_id: int | None = None) -> "Actor":
        return cls(
            user_id=user.id,
            role=user.role,
            label=user.email,
            service_id=user.service_id,
            is_lead=bool(user.is_lead),
            token_id=token_id,
            is_marac_coordinator=bool(getattr(user, "is_marac_coordinator", False)),
        )


PUBLIC = Actor(user_id=None, role=None, label="public")
SYSTEM = Actor(user_id=None, role="system", label="system")


def require(actor: Actor, permission: str, message: str = "You do not have permission to do this") -> None:
    """Refuse (403, audited with the permission's name) unless the actor's role holds the permission."""
    from .errors import Forbidden

    if not has_permission(actor.principal, permission):
        raise Forbidden(message, permission=permission)
