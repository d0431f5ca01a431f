"""Reference data the forms offer as choices: London's areas and the services taking referrals (no victim data,
so no permission is needed to read them)."""
from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import Borough, Service

_CACHE = "victimcare.reference"


def london_areas() -> list[tuple[str, str]]:
    """The 33 London areas as (ONS code, name), by name. Read once per app process: the areas come with the
    migrations and nothing in the app changes them, so every later page (the queue's filter, forms) costs no
    statement for them."""
    cache = current_app.extensions.setdefault(_CACHE, {})
    if not (areas := cache.get("london_areas")):
        areas = [(b.ons_code, b.name) for b in db.session.scalars(select(Borough).order_by(Borough.name))]
        if areas:  # an empty table (a database being set up) is not remembered
            cache["london_areas"] = areas
    return list(areas)


def active_services() -> list[tuple[str, str]]:
    """Services referrals can be routed to, as (slug, name)."""
    return [(s.slug, s.name) for s in db.session.scalars(select(Service).where(Service.active.is_(True)).order_by(Service.id))]
