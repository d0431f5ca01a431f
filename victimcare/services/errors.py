"""Errors the service layer raises; the web layer turns them into 403, 404, 409 and 422 responses.

A refusal (Forbidden, NotFound) carries what was refused: the kind of record and its id, or the permission the
actor lacked. The error handlers audit the refusal from these, so nothing is passed around on ``g``.
"""


class ServiceError(Exception):
    status_code = 400

    def __init__(self, message: str = "", **details):
        super().__init__(message)
        self.message = message
        self.details = details


class Refusal(ServiceError):
    """The actor may not have what they asked for. Audited as a permission-denied event."""

    def __init__(self, message: str = "", *, object_type: str | None = None, object_id=None,
                 permission: str | None = None, **details):
        super().__init__(message, **details)
        self.object_type = object_type
        self.object_id = None if object_id is None else str(object_id)
        self.permission = permission


class Forbidden(Refusal):
    """The actor is known but may not do this: 403."""

    status_code = 403


class NotFound(Refusal):
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


class ControlCharacters(ServiceError):
    """Text holding a control character (a NUL byte, say) reached the database or a query string: 400. Forms and
    API models reject it first with a field error; this is the last line, so it can never become a 500."""

    status_code = 400

    def __init__(self, field: str | None = None):
        where = f"“{field}”" if field else "The text you sent"
        super().__init__(f"{where} contains a control character (such as a null byte), which cannot be accepted. "
                         "Remove it and try again.")
        self.field = field


class NumberOutOfRange(ServiceError):
    """A number larger than any the database can hold (a 25-digit id, say) reached a query: 400."""

    status_code = 400

    def __init__(self):
        super().__init__("A number you sent is too large to be an id or a count. Check it and try again.")
