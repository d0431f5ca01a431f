"""The audit trail: append events to the hash chain inside the caller's transaction, and verify the chain.

An event is added to the session of the change it describes and committed with it, so there is never a change
without its event, nor an event for a change that rolled back. Appending first bumps the single chain-head row:
on PostgreSQL that takes a row lock held to commit, on SQLite the database write lock, so concurrent writers
queue up and the chain stays linear.
"""
import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select, update

from ..domain.clock import utc_now
from ..extensions import db
from ..models import AuditChainHead, AuditEvent, AuditVerification
from ..models.people import PERSON_SENSITIVE_FIELDS
from ..models.referrals import REFERRAL_SENSITIVE_FIELDS
from .actors import Actor

GENESIS_HASH = "0" * 64

ACTIONS = (
    "view", "list", "create", "update", "delete", "transition", "export", "sign-in", "sign-in-failed",
    "locked-out", "sign-out", "permission-denied", "token-created", "token-revoked", "break-glass", "report-run",
    "password-changed", "audit-verified",
    # Sessions and second factors (docs/security.md)
    "sessions-ended", "mfa-enrolled", "mfa-removed", "mfa-failed", "mfa-verified", "recovery-code-used",
    "password-reset-started", "password-reset", "unlocked", "invited", "invitation-accepted",
    "change-requested", "change-approved", "change-rejected",
    # Retention (docs/data-protection.md)
    "purged", "hold-placed", "hold-lifted", "erasure-decided",
)

# Fields of the canonical content, in the order they are hashed. Adding one means a new chain version.
CANONICAL_FIELDS = (
    "seq", "occurred_at", "actor_user_id", "actor_role", "actor_token_id", "actor_label", "action",
    "object_type", "object_id", "referral_id", "case_id", "service_id", "changes", "request_id",
    "ip_address", "user_agent",
)


def _json_default(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def _timestamp(value: datetime) -> str:
    # isoformat is several times faster than strftime and gives the same bytes: 2026-11-27T00:01:02.000003Z
    return value.astimezone(timezone.utc).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


# One encoder for every event: building it per call costs seconds over a million events in `audit verify`.
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_default)


def canonical_content(event: AuditEvent | dict) -> str:
    """A stable JSON encoding of an event's content: sorted keys, no spaces, UTC timestamps with microseconds."""
    get = event.get if isinstance(event, dict) else lambda name: getattr(event, name)
    content = {name: get(name) for name in CANONICAL_FIELDS}
    content["occurred_at"] = _timestamp(content["occurred_at"])
    return _ENCODER.encode(content)


def chain_hash(prev_hash: str, canonical: str) -> str:
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


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
    """Append an event to the chain in the current transaction. The caller commits (or rolls back) it."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    session = db.session
    seq, prev_hash = session.execute(
        update(AuditChainHead)
        .where(AuditChainHead.id == 1)
        .values(seq=AuditChainHead.seq + 1)
        .returning(AuditChainHead.seq, AuditChainHead.last_hash)
    ).one()
    content = {
        "seq": seq,
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
    }
    digest = chain_hash(prev_hash, canonical_content(content))
    event = AuditEvent(**content, prev_hash=prev_hash, hash=digest)
    session.add(event)
    session.execute(update(AuditChainHead).where(AuditChainHead.id == 1).values(last_hash=digest))
    session.flush([event])
    return event


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


@dataclass(frozen=True)
class VerificationResult:
    """A walk of the chain: whole or not, how far it got, the first broken event; ``ran_at`` once stored."""

    ok: bool
    events_checked: int
    first_broken_seq: int | None
    message: str
    ran_at: datetime | None = None


def _clock_skew() -> timedelta:
    from flask import current_app, has_app_context

    seconds = current_app.config.get("AUDIT_CLOCK_SKEW_SECONDS", 1) if has_app_context() else 1
    return timedelta(seconds=seconds)


def verify_chain(batch_size: int = 5000) -> VerificationResult:
    """Walk the whole chain in sequence order, streaming rows, and report the first break.

    A break is: a sequence gap or reordering, a prev_hash that is not the previous event's hash, a hash that
    does not match the event's content (an edited row), a time earlier than an earlier event's (beyond
    AUDIT_CLOCK_SKEW_SECONDS between app servers: a back-dated event), or a chain head that disagrees with the
    last event (the newest events deleted, or one appended behind the app's back). Signed checkpoints
    (services/audit_checkpoints.py) catch a chain rewritten from an edit onwards.
    """
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    latest_at = None
    skew = _clock_skew()
    columns = [getattr(AuditEvent, name) for name in CANONICAL_FIELDS] + [AuditEvent.prev_hash, AuditEvent.hash]
    # Core rows streamed from one query (yield_per on the statement, not the connection, so later writes in
    # this session are not affected): a million events verify in well under a minute on two cores.
    rows = db.session.connection().execute(
        select(*columns).order_by(AuditEvent.seq).execution_options(yield_per=batch_size)
    )
    try:
        for row in rows:
            content = dict(zip(CANONICAL_FIELDS, row[:-2]))
            prev_hash, digest = row[-2], row[-1]
            seq = content["seq"]
            if seq != expected_seq:
                problem = "missing" if seq > expected_seq else "out of order"
                return VerificationResult(
                    False, checked, expected_seq, f"chain broken at event {expected_seq}: event {problem}"
                )
            if prev_hash != expected_prev:
                return VerificationResult(
                    False, checked, seq, f"chain broken at event {seq}: it does not follow event {seq - 1}"
                )
            if chain_hash(prev_hash, canonical_content(content)) != digest:
                return VerificationResult(
                    False, checked, seq, f"chain broken at event {seq}: its content does not match its hash"
                )
            at = content["occurred_at"]
            if latest_at is not None and at < latest_at - skew:
                return VerificationResult(
                    False, checked, seq, f"chain broken at event {seq}: its time is before an earlier event's "
                    "(back-dated, or inserted out of order)"
                )
            latest_at = at if latest_at is None else max(latest_at, at)
            expected_prev = digest
            expected_seq += 1
            checked += 1
    finally:
        rows.close()
    head = db.session.get(AuditChainHead, 1)
    if head is not None and (head.seq != checked or head.last_hash != expected_prev):
        if head.seq > checked:
            broken, why = checked + 1, "the newest events are missing"
        else:
            broken, why = head.seq + 1, "it was appended without updating the chain head"
        return VerificationResult(False, checked, broken, f"chain broken at event {broken}: {why}")
    return VerificationResult(True, checked, None, f"chain whole: {checked} events verified")


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
