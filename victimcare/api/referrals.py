"""API v1: referrals. Partners (the police) send referrals here; they are routed at once and queued for triage.

POST /referrals honours an ``Idempotency-Key`` header: the first successful response is stored in the same
transaction as the referral it describes, so a retry either finds both or neither. A twin request racing the
first one waits on the unique (user, key) index, fails it, and replays the stored response.
"""
import hashlib
import json
import re

from flask import abort, current_app, request, url_for
from sqlalchemy.exc import IntegrityError

from .. import uow
from ..domain.deadlines import HolidayDataUnavailable
from ..models import IdempotencyRecord
from ..services import idempotency
from ..services.actors import require
from ..services.errors import ValidationFailed
from ..services.referrals import create_referral, get_referral, routing_decisions_of
from ..web import current_actor
from . import bp, schemas
from .json_body import json_body

_REFERENCE = re.compile(r"[A-Za-z0-9-]{1,20}")


@bp.post("/referrals")
def create_referral_api():
    actor = current_actor()
    require(actor, "referral.create", "Only caseworkers can create referrals")
    key = schemas.idempotency_key(request.headers.get("Idempotency-Key"))
    body = json_body()
    digest = request_hash(body)
    if key is not None:
        earlier = idempotency.find_reply(actor, key)
        if earlier is not None:
            return _replay(earlier, digest)
    data = schemas.parse_referral(body, schemas.borough_index())
    try:
        record = idempotency.claim_key(actor, key, digest) if key is not None else None
    except IntegrityError:
        # A twin request with the same key got there first and has committed: replay its reply.
        uow.rollback()
        earlier = idempotency.find_reply(actor, key)
        if earlier is None:
            raise
        return _replay(earlier, digest)
    try:
        referral = create_referral(actor, data)
    except HolidayDataUnavailable as exc:
        if data.received_at is None:
            raise
        raise ValidationFailed(errors=[{"field": "received_at", "message": str(exc)}]) from exc
    text = json.dumps(schemas.referral_created_body(referral, routing_decisions_of(referral)), ensure_ascii=False)
    location = url_for("api.referral_api", reference=referral.reference)
    if record is not None:
        idempotency.store_reply(record, 201, text, location)
    return _json_response(text, 201, location)


@bp.get("/referrals/<reference>")
def referral_api(reference: str):
    if not _REFERENCE.fullmatch(reference):
        abort(404)  # cannot be a reference: no lookup, nothing to audit
    referral = get_referral(current_actor(), reference.upper())
    return schemas.referral_body(referral)


def request_hash(body) -> str:
    """SHA-256 of the body as canonical JSON (sorted keys, no spaces): key order and layout do not matter."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


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
