"""The life of a case: which status changes are allowed and what each one must record.

Allowed moves:
- new -> accepted; new -> declined (reason); new -> transferred (reason and the service it goes to);
- accepted -> in-progress; accepted or in-progress -> transferred (reason and service);
- accepted or in-progress -> closed (closure reason);
- closed -> in-progress, i.e. reopening (reason).

Declined and transferred are final: the receiving service works a transferred case as its own new case.
Closing needs a lead's approval, which the app enforces; this module only checks the transition itself.
"""
from .vocab import (
    CASE_STATUS_LABELS,
    CLOSURE_REASONS_REQUESTED,
    DECLINE_REASONS_OFFERED,
    OUTCOME_ANSWERS,
    OUTCOME_QUESTIONS,
    SERVICE_LABELS,
    TRANSFER_REASONS,
    Vocabulary,
    slugs,
)

# current status -> statuses it may move to, in the order a person would expect to see them offered.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "new": ("accepted", "declined", "transferred"),
    "accepted": ("in-progress", "transferred", "closed"),
    "in-progress": ("transferred", "closed"),
    "closed": ("in-progress",),
    "declined": (),
    "transferred": (),
}

# What a person is doing when they move a case to each status, for messages.
_VERBS = {
    "new": "moved back to new",
    "accepted": "accepted",
    "declined": "declined",
    "transferred": "transferred",
    "in-progress": "moved to in progress",
    "closed": "closed",
}


# Coded reasons, so reports can say why cases were declined or transferred without publishing free text.
REASON_CODES: dict[str, Vocabulary] = {"declined": DECLINE_REASONS_OFFERED, "transferred": TRANSFER_REASONS}


class IllegalTransition(ValueError):
    """A status change the case lifecycle does not allow; the message says what to do instead."""


class MissingDetail(ValueError):
    """A detail a legal transition needs is missing or unknown; ``field`` names it for forms and API errors."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def reason_codes(target: str) -> Vocabulary:
    """The coded reasons offered for moving a case to ``target`` (empty when the move takes none)."""
    return REASON_CODES.get(target, ())


def _check_status(status: str) -> None:
    if status not in TRANSITIONS:
        raise ValueError(f"Unknown case status {status!r}.")


def _status_name(status: str) -> str:
    return CASE_STATUS_LABELS[status].lower()


def allowed_targets(current: str) -> tuple[str, ...]:
    """The statuses a case may move to from ``current`` (empty for a final status)."""
    _check_status(current)
    return TRANSITIONS[current]


def required_details(current: str, target: str) -> tuple[str, ...]:
    """Which of ``reason``, ``closure_reason`` and ``target_service`` a legal transition needs, for building forms."""
    _check_status(current)
    _check_status(target)
    if target == "declined":
        return ("reason",)
    if target == "transferred":
        return ("reason", "target_service")
    if target == "closed":
        return ("closure_reason",)
    if current == "closed" and target == "in-progress":
        return ("reason",)
    return ()


def _illegal_message(current: str, target: str) -> str:
    if current == target:
        return f"The case is already {_status_name(current)}."
    message = f"A case that is {_status_name(current)} cannot be {_VERBS[target]}."
    if current == "new" and target in ("in-progress", "closed"):
        return f"{message} Accept it first."
    if current == "closed":
        return f"{message} Reopen it first."
    if current in ("declined", "transferred"):
        return f"{message} A {_status_name(current)} case is final."
    if target == "new":
        return f"{message} A case cannot go back to new once it has been triaged."
    if target == "declined":
        return f"{message} Only a new case can be declined; close it instead."
    return message


def check_transition(
    current: str,
    target: str,
    reason: str | None = None,
    closure_reason: str | None = None,
    target_service: str | None = None,
    reason_code: str | None = None,
    reason_code_required: bool = False,
) -> None:
    """Check that a case may move from ``current`` to ``target`` with the details given.

    Raises IllegalTransition when the lifecycle does not allow the move, and MissingDetail (a ValueError) when a
    detail it needs is missing or unknown: a reason to decline, transfer or reopen; a target service to
    transfer; a closure reason to close; a coded reason to decline or transfer when ``reason_code_required``
    (screens ask for one; the API takes it when given, for partners' systems that send free text only).
    A blank reason counts as missing.
    """
    _check_status(current)
    _check_status(target)
    if target not in TRANSITIONS[current]:
        raise IllegalTransition(_illegal_message(current, target))

    needed = required_details(current, target)
    if "reason" in needed and not (reason or "").strip():
        action = "reopening" if current == "closed" else {"declined": "declining", "transferred": "transferring"}[target]
        raise MissingDetail("reason", f"Give a reason for {action} the case.")
    codes = reason_codes(target)
    if codes:
        verb = "declining" if target == "declined" else "transferring"
        if reason_code and reason_code not in slugs(codes):
            raise MissingDetail("reason_code", f"Unknown reason code {reason_code!r}: choose one of "
                                               f"{', '.join(slugs(codes))}.")
        if reason_code_required and not reason_code:
            raise MissingDetail("reason_code", f"Choose the main reason for {verb} the case.")
    elif reason_code:
        raise MissingDetail("reason_code", "A reason code is only taken when declining or transferring a case.")
    if "target_service" in needed:
        if not target_service:
            raise MissingDetail("target_service", "Choose the service the case is being transferred to.")
        if target_service not in SERVICE_LABELS:
            raise MissingDetail("target_service", f"Unknown service {target_service!r}.")
    if "closure_reason" in needed:
        if not closure_reason:
            raise MissingDetail("closure_reason", "Choose a reason for closing the case.")
        if closure_reason not in slugs(CLOSURE_REASONS_REQUESTED):
            raise MissingDetail("closure_reason", f"Unknown closure reason {closure_reason!r}.")


# --- Closing a case: an advocate asks, with the victim's outcomes; a lead approves (domain/access.py says who) ---

# Outcome question (domain/vocab.py OUTCOME_QUESTIONS) -> the field an answer is reported against.
OUTCOME_FIELDS = {
    "feels-safer": "feels_safer",
    "better-able-to-cope": "better_able_to_cope",
    "better-informed": "better_informed",
}
# A closure waits for approval only on a case still being worked; the request time is kept once closed.
CLOSURE_PENDING_STATUSES = ("accepted", "in-progress")


def closure_pending(requested: bool, status: str) -> bool:
    """A closure was asked for and not yet approved or sent back."""
    return requested and status in CLOSURE_PENDING_STATUSES


def closure_outcome_errors(outcomes: dict | None, required: bool) -> list[dict]:
    """What stops a closure request on its outcome answers: each question needs one of OUTCOME_ANSWERS when
    ``required`` (a closure from the page), and any answer given must be one (the API may leave some out)."""
    errors = []
    outcomes = outcomes or {}
    for question, text in OUTCOME_QUESTIONS:
        answer = outcomes.get(question)
        if answer is None and not required:
            continue
        if answer not in slugs(OUTCOME_ANSWERS):
            errors.append({"field": OUTCOME_FIELDS[question],
                           "message": f"Choose an answer for \u2018{text.lower()}\u2019"})
    unknown = set(outcomes) - set(OUTCOME_FIELDS)
    if unknown:
        errors.append({"field": "outcomes", "message": f"Unknown outcome questions: {', '.join(sorted(unknown))}"})
    return errors
