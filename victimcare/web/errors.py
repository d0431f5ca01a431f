"""One error handler per status: HTML pages for people, problem+json (RFC 9457) for the API."""
from flask import flash, jsonify, redirect, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .. import uow
from ..services import audit
from ..services.errors import Refusal, ServiceError
from ..services.restricted import RestrictedRecord

TITLES = {
    400: "Bad request",
    401: "Unauthorised",
    403: "You do not have permission to do this",
    404: "Page not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Request too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    429: "Too many requests",
    500: "Sorry, there is a problem with the service",
}


def wants_problem_json() -> bool:
    return request.blueprint == "api" or request.path.startswith("/api/")


def problem(status: int, detail: str = "", errors=None, **extra):
    body = {"type": "about:blank", "title": TITLES.get(status, "Error"), "status": status}
    if detail:
        body["detail"] = detail
    if errors is not None:
        body["errors"] = errors
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def _audit_denial(status: int, refusal: Refusal | None = None) -> None:
    """Denied attempts are part of the trail: who tried to reach what, and was refused.

    The work of the refused request is rolled back and the refusal is committed in a transaction of its own,
    so it survives whatever else the request did.
    """
    from . import current_actor

    actor = current_actor()
    uow.rollback()
    if actor.user_id is None and actor.label == "public":
        return  # anonymous 404s (mistyped URLs, probes) would drown the trail
    object_type = refusal.object_type if refusal else None
    object_id = refusal.object_id if refusal else None
    with uow.transaction_of_its_own():
        audit.record(
            actor,
            "permission-denied",
            object_type or "route",
            object_id or request.path[:64],
            changes={"status": status, "method": request.method,
                     "permission": refusal.permission if refusal else None},
        )


def register(app):
    @app.errorhandler(ServiceError)
    def service_error(error: ServiceError):
        status = error.status_code
        if isinstance(error, RestrictedRecord):
            return _restricted_record(error)
        if isinstance(error, Refusal):
            _audit_denial(status, error)
        else:
            uow.rollback()
        if wants_problem_json():
            return problem(status, error.message, errors=getattr(error, "errors", None))
        return render_template(f"errors/{_template_for(status)}.html", message=error.message, status=status), status

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        uow.rollback()
        if wants_problem_json():
            return problem(400, "CSRF token missing or invalid")
        flash("The form you were using has expired. Please try again.", "error")
        return redirect(request.full_path if request.method == "GET" else request.path)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        if status == 403:
            _audit_denial(status)
        else:
            uow.rollback()
        if wants_problem_json():
            return problem(status, error.description if status != 404 else "Not found")
        return render_template(f"errors/{_template_for(status)}.html", status=status), status

    @app.errorhandler(Exception)
    def unexpected(error):
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        uow.rollback()
        if wants_problem_json():
            return problem(500, "Internal server error")
        return render_template("errors/500.html", status=500), 500


def _restricted_record(error: RestrictedRecord):
    """A restricted record the actor is not named on: audited as refused; the API answers 404 (the record is not
    there for that token), a page says why and how to break the glass."""
    if wants_problem_json():
        _audit_denial(404, error)
        return problem(404, "Not found")
    _audit_denial(403, error)
    from ..restricted.routes import restricted_record_page

    return restricted_record_page(error)


def _template_for(status: int) -> str:
    return str(status) if status in (400, 403, 404, 409, 413, 429, 500) else "generic"
