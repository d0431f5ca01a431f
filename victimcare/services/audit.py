"""The audit trail: append events inside the caller's transaction; the chain itself is in audit_chain.py.

An event is added to the session of the change it describes and committed with it, so there is never a change
without its event, nor an event for a change that rolled back. Appending takes only an id from the database's
sequence, no shared lock: once the transaction commits, the sealer links the new events into the hash chain in
order (``audit_chain.seal_pending``), so requests on every app server record events side by side.
"""
import json
import uuid

from sqlalchemy import insert
from sqlalchemy.orm import make_transient_to_detached

from ..domain.clock import utc_now
from ..extensions import db
from ..models import AuditEvent, AuditVerification
from ..models.people import PERSON_SENSITIVE_FIELDS
from ..models.referrals import REFERRAL_SENSITIVE_FIELDS
from .actors import Actor
from .audit_chain import (  # noqa: F401  (the chain's names, for callers of audit.*)
    CANONICAL_FIELDS,
    GENESIS_HASH,
    UNSEALED_KEY,
    VerificationResult,
    _json_default,
    canonical_content,
    chain_hash,
    seal_in_transaction,
    seal_committed_elsewhere,
    seal_pending,
    unsealed_count,
    verify_chain,
)

ACTIONS = (
    "view", "list", "create", "update", "delete", "transition", "export", "sign-in", "sign-in-failed",
    "locked-out", "sign-out", "permission-denied", "token-created", "token-revoked", "break-glass", "report-run",
    "password-changed", "audit-verified",
    # Sessions and second factors (docs/security.md)
    "sessions-ended", "mfa-enrolled", "mfa-removed", "mfa-failed", "mfa-verified", "recovery-code-used",
    "password-reset-started", "password-reset", "unlocked", "invited", "invitation-accepted",
    "change-requested", "change-approved", "change-rejected",
    # Retention (docs/data-protection.md)
    "purged", "hold-placed", "hold-lifted", "erasure-decided", "consent-withdrawn",
)


# Fields whose values never enter the trail, wherever they appear in an event's changes: a victim's name, date of
# birth, contact details and the identifiers a person could be found by (crime reference, postcode), and free
# text about them. The trail is read by auditors and administrators who must not see case content; an event
# names the field and says it changed. (`record` enforces this for every event, not only describe_changes.)
PERSONAL_FIELDS = frozenset({
    "given_name", "family_name", "date_of_birth", "crime_reference", "postcode",
}) | PERSON_SENSITIVE_FIELDS | REFERRAL_SENSITIVE_FIELDS
CHANGED = {"changed": True}


def describe_changes(before: dict, after: dict, sensitive: frozenset[str] = frozenset()) -> dict:
    """Changed fields with before and after values; for personal and sensitive fields only the fact that they
    changed."""
    changes = {}
    for field in sorted(set(before) | set(after)):
        old, new = before.get(field), after.get(field)
        if old == new:
            continue
        if field in sensitive or field in PERSONAL_FIELDS:
            changes[field] = {"changed": True}
        else:
            changes[field] = {"before": old, "after": new}
    return json.loads(json.dumps(changes, default=_json_default))


def _request_metadata() -> dict:
    from flask import g, has_request_context, request

    if not has_request_context():
        return {"request_id": None, "ip_address": None, "user_agent": None}
    if "request_id" not in g:
        g.request_id = uuid.uuid4().hex
    agent = request.headers.get("User-Agent")
    return {
        "request_id": g.request_id,
        "ip_address": request.remote_addr,
        "user_agent": agent[:255] if agent else None,
    }


def record(
    actor: Actor,
    action: str,
    object_type: str | None = None,
    object_id=None,
    *,
    referral_id: int | None = None,
    case_id: int | None = None,
    service_id: int | None = None,
    changes: dict | None = None,
) -> AuditEvent:
    """Append an event in the current transaction. The caller commits (or rolls back) it; after the commit the
    sealer gives it its ``seq`` and hashes (until then they are None, as on the returned object)."""
    values = event_values(actor, action, object_type, object_id, referral_id=referral_id, case_id=case_id,
                          service_id=service_id, changes=changes)
    # One INSERT through the table rather than the ORM's unit of work (a tenth of an audited page's CPU went on
    # flushing this one object). Nothing else pending in the session is flushed by it, as before. What is
    # returned is the event as inserted, outside the session (so a rollback leaves no trace of it there): its
    # values can be read; its seal, given after the commit, is read with db.session.get(AuditEvent, event.id).
    event = AuditEvent(id=db.session.execute(_INSERT, values).scalar_one(), **values)
    make_transient_to_detached(event)
    db.session.info[UNSEALED_KEY] = True
    return event


_INSERT = insert(AuditEvent.__table__).returning(AuditEvent.__table__.c.id)


def event_values(actor: Actor, action: str, object_type: str | None = None, object_id=None, *,
                 referral_id: int | None = None, case_id: int | None = None, service_id: int | None = None,
                 changes: dict | None = None) -> dict:
    """An unsealed event's column values, as ``record`` appends it (personal values taken out of the changes).
    A caller writing many events in one INSERT (the bulk import) sets ``UNSEALED_KEY`` itself."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    return {
        "seq": None,  # given by the sealer, once this transaction has committed (services/audit_chain.py)
        "occurred_at": utc_now(),
        "actor_user_id": actor.user_id,
        "actor_role": actor.role,
        "actor_token_id": actor.token_id,
        "actor_label": actor.label,
        "action": action,
        "object_type": object_type,
        "object_id": None if object_id is None else str(object_id),
        "referral_id": referral_id,
        "case_id": case_id,
        "service_id": service_id,
        "changes": _without_personal_values(json.loads(json.dumps(changes, default=_json_default)))
        if changes is not None else None,
        **_request_metadata(),
        "prev_hash": None,
        "hash": None,
    }


def _without_personal_values(value):
    """The changes with every personal field's value replaced by {"changed": true}, at any depth."""
    if isinstance(value, dict):
        return {key: CHANGED if key in PERSONAL_FIELDS and value[key] not in (None, CHANGED)
                else _without_personal_values(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_personal_values(item) for item in value]
    return value


def shown(rows, id_of=lambda row: row[0].id) -> list[int]:
    """The ids of the records a list or search showed, for its "list" event: so "who saw this person" is
    answered by the trail, not only "who looked at page 2"."""
    return [id_of(row) for row in rows]


def store_verification(result: VerificationResult) -> AuditVerification:
    row = AuditVerification(
        ok=result.ok,
        events_checked=result.events_checked,
        first_broken_seq=result.first_broken_seq,
        message=result.message,
    )
    db.session.add(row)
    db.session.flush()
    return row
