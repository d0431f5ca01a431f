"""Errors the service layer raises; the web layer turns them into 403, 404, 409 and 422 responses."""


class ServiceError(Exception):
    status_code = 400

    def __init__(self, message: str = "", **details):
        super().__init__(message)
        self.message = message
        self.details = details


class PermissionDenied(ServiceError):
    """The actor is known but may not do this: 403."""

    status_code = 403


class NotFound(ServiceError):
    """The record does not exist, or the actor may not know that it does: 404."""

    status_code = 404


class Conflict(ServiceError):
    """A stale version or an illegal transition: 409."""

    status_code = 409


class ValidationFailed(ServiceError):
    """Input that cannot be accepted: 422. `errors` is a list of {"field", "message"}."""

    status_code = 422

    def __init__(self, message: str = "Some answers need correcting", errors=None):
        super().__init__(message)
        self.errors = errors or []
