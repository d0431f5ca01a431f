"""API v1: referrals. Partners (the police) send referrals here; they are routed at once and queued for triage.

POST /referrals honours an ``Idempotency-Key`` header: the first successful response is stored in the same
transaction as the referral it describes, so a retry either finds both or neither. A twin request racing the
first one waits on the unique (user, key) index, fails it, and replays the stored response.
"""
import hashlib
import json
import re
from datetime import datetime, timedelta, timezone

from flask import abort, current_app, g, request, url_for
from sqlalchemy import delete, event, select
from sqlalchemy.exc import IntegrityError

from ..domain.access import has_permission
from ..domain.deadlines import HolidayDataUnavailable
from ..extensions import db
from ..models import IdempotencyRecord, Referral, RoutingDecision
from ..services.errors import PermissionDenied, ValidationFailed
from ..services.referrals import create_referral, get_referral
from ..web import current_actor
from . import bp, schemas

_REFERENCE = re.compile(r"[A-Za-z0-9-]{1,20}")


@bp.post("/referrals")
def create_referral_api():
    actor = current_actor()
    if not has_permission(actor.principal, "referral.create"):
        g.denied_permission = "referral.create"
        raise PermissionDenied("Only caseworkers can create referrals")
    key = schemas.idempotency_key(request.headers.get("Idempotency-Key"))
    body = _json_body()
    digest = request_hash(body)
    if key is not None:
        earlier = find_idempotency_record(actor.user_id, key)
        if earlier is not None:
            return _replay(earlier, digest)
    data = schemas.parse_referral(body, schemas.borough_index())
    try:
        status, text, location = _create(actor, data, key, digest)
    except IntegrityError:
        db.session.rollback()
        earlier = find_idempotency_record(actor.user_id, key) if key is not None else None
        if earlier is None:
            raise
        return _replay(earlier, digest)
    return _json_response(text, status, location)


@bp.get("/referrals/<reference>")
def referral_api(reference: str):
    if not _REFERENCE.fullmatch(reference):
        abort(404)  # cannot be a reference: no lookup, nothing to audit
    referral = get_referral(current_actor(), reference.upper())
    return schemas.referral_body(referral)


def _json_body():
    """The parsed JSON body, whatever the Content-Type says. Over MAX_CONTENT_LENGTH, Werkzeug raises 413."""
    raw = request.get_data(cache=True)
    try:
        return json.loads(raw, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        abort(400, "The request body is not valid JSON")


def _reject_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


def request_hash(body) -> str:
    """SHA-256 of the body as canonical JSON (sorted keys, no spaces): key order and layout do not matter."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def _idempotency_cutoff() -> datetime:
    """Keys are remembered for IDEMPOTENCY_KEY_HOURS; after that a retry is a new request."""
    return datetime.now(timezone.utc) - timedelta(hours=current_app.config["IDEMPOTENCY_KEY_HOURS"])


def find_idempotency_record(user_id: int, key: str) -> IdempotencyRecord | None:
    return db.session.scalar(
        select(IdempotencyRecord).where(IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key,
                                        IdempotencyRecord.created_at >= _idempotency_cutoff())
    )


def _create(actor, data, key: str | None, digest: str) -> tuple[int, str, str]:
    """Create the referral; the response, and the idempotency record if any, are made inside its commit."""
    session = db.session()
    record = None
    if key is not None:
        # Forget this caller's expired keys in the same transaction, so an old key can be used again.
        session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.user_id == actor.user_id,
                                                        IdempotencyRecord.created_at < _idempotency_cutoff()))
        record = IdempotencyRecord(user_id=actor.user_id, key=key, request_hash=digest, status_code=201,
                                   response_body="")
        session.add(record)
        session.flush()  # claim the key first: a concurrent twin blocks or fails here, before doing any work
    created: list[Referral] = []
    result: dict = {}

    def note_new_referrals(flushing_session, _context):
        created.extend(obj for obj in flushing_session.new if isinstance(obj, Referral))

    def store_response(committing_session):
        if len(created) != 1 or "text" in result:
            return
        referral = created[0]
        decisions = committing_session.scalars(
            select(RoutingDecision).where(RoutingDecision.referral_id == referral.id).order_by(RoutingDecision.id)
        ).all()
        result["text"] = json.dumps(schemas.referral_created_body(referral, decisions), ensure_ascii=False)
        result["location"] = url_for("api.referral_api", reference=referral.reference)
        if record is not None:
            record.response_body = result["text"]
            record.location = result["location"]

    event.listen(session, "after_flush", note_new_referrals)
    event.listen(session, "before_commit", store_response)
    try:
        create_referral(actor, data)
    except HolidayDataUnavailable as exc:
        session.rollback()
        if data.received_at is None:
            raise
        raise ValidationFailed(errors=[{"field": "received_at", "message": str(exc)}]) from exc
    except Exception:
        session.rollback()
        raise
    finally:
        event.remove(session, "after_flush", note_new_referrals)
        event.remove(session, "before_commit", store_response)
    if "text" not in result:  # create_referral always commits one referral; anything else is a bug
        raise RuntimeError("The referral was created without its response")
    return 201, result["text"], result["location"]


def _replay(record: IdempotencyRecord, digest: str):
    if record.request_hash != digest:
        raise ValidationFailed(
            "This Idempotency-Key was used before with a different request body",
            errors=[{"field": "Idempotency-Key",
                     "message": "Use a new key for a new referral; reuse a key only to retry the same request"}],
        )
    response = _json_response(record.response_body, record.status_code, record.location)
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _json_response(text: str, status: int, location: str | None):
    response = current_app.response_class(text, status=status, mimetype="application/json")
    if location:
        response.headers["Location"] = location
    return response
