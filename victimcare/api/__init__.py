"""The JSON API, version 1: bearer-token auth, problem+json errors, the same service layer as the HTML pages."""
from flask import Blueprint, g, request

from ..extensions import csrf
from ..services.actors import Actor
from ..services.users import user_for_token
from ..web.errors import problem

bp = Blueprint("api", __name__)
READ_METHODS = ("GET", "HEAD", "OPTIONS")
csrf.exempt(bp)  # bearer tokens, not cookies: CSRF does not apply


@bp.before_request
def authenticate_token():
    if request.endpoint == "api.openapi_document":
        return None  # the API description is public: partners read it before they hold a token
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    found = user_for_token(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
    if found is None:
        response = problem(401, "Send a valid API token: Authorization: Bearer TOKEN")
        response.headers["WWW-Authenticate"] = 'Bearer realm="victimcare"'
        return response
    user, token_row = found
    if token_row.read_only and request.method not in READ_METHODS:
        return problem(403, "This API token is read-only: make one without --read-only to change records")
    g.api_actor = Actor.from_user(user, token_id=token_row.id)


@bp.route("/me")
def me():
    actor = g.api_actor
    return {"email": actor.label, "role": actor.role, "service_id": actor.service_id}


from . import cases, code_rights, openapi, referrals, reports  # noqa: E402,F401  (register their routes on bp)
