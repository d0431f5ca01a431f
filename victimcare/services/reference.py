"""Reference data the forms offer as choices: London's areas and the services taking referrals (no victim data,
so no permission is needed to read them)."""
from sqlalchemy import select

from ..extensions import db
from ..models import Borough, Service


def london_areas() -> list[tuple[str, str]]:
    """The 33 London areas as (ONS code, name), by name."""
    return [(b.ons_code, b.name) for b in db.session.scalars(select(Borough).order_by(Borough.name))]


def active_services() -> list[tuple[str, str]]:
    """Services referrals can be routed to, as (slug, name)."""
    return [(s.slug, s.name) for s in db.session.scalars(select(Service).where(Service.active.is_(True)).order_by(Service.id))]
