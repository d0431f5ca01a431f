"""Helpers shared by the HTML blueprints: the current actor, permission checks, errors, template globals."""
from functools import wraps

from flask import g
from flask_login import current_user, login_required

from ..domain.access import has_permission
from ..services.actors import PUBLIC, Actor
from ..services.errors import Forbidden


def current_actor() -> Actor:
    """The actor for the service layer: the API token's user, the signed-in user, or the public."""
    if g.get("api_actor") is not None:
        return g.api_actor
    if current_user.is_authenticated:
        return Actor.from_user(current_user)
    return PUBLIC


def permission_required(permission: str):
    """Route decorator: signed in, and the role holds the permission (403 otherwise, and it is audited)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not has_permission(current_actor().principal, permission):
                raise Forbidden("You do not have permission to do this", permission=permission)
            return view(*args, **kwargs)

        return wrapped

    return decorator
