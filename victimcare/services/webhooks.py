"""Webhooks to partners: endpoints an administrator registers, and signed deliveries of events to them.

Deliveries follow the Standard Webhooks specification: ``webhook-id`` (the same on every retry of a delivery),
``webhook-timestamp`` and ``webhook-signature`` (HMAC-SHA256, signed by the ``standardwebhooks`` package) over a
JSON body ``{"type": EVENT, "timestamp": ISO 8601, "data": {...}}`` fixed when the event happened. Data carry
references, ids, services, statuses and times, never a name or contact detail (``services/events.py`` builds them).

At least once, in order per referral at each endpoint: a delivery waits while an earlier one of the same referral
to the same endpoint is pending. Retries back off by WEBHOOK_RETRY_SECONDS; an endpoint that has failed for
WEBHOOK_DISABLE_AFTER_HOURS is disabled and the administrators are emailed. A 2xx is delivered; anything else,
a timeout or a refused connection is retried.
"""
import base64
import binascii
import json
import secrets
import uuid
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import requests
from flask import current_app
from sqlalchemy import select
from standardwebhooks.webhooks import Webhook

from ..domain.clock import utc_now
from ..extensions import db
from ..models import OutboxJob, WebhookDelivery, WebhookEndpoint
from . import audit, notifications, outbox
from .actors import SYSTEM, Actor, require
from .errors import NotFound, ValidationFailed
from .pagination import paginate

EVENTS = ("referral.received", "referral.routed", "case.accepted", "case.declined", "case.first-contact",
          "case.closed")
EVENT_LABELS = {
    "referral.received": "A referral is received",
    "referral.routed": "A referral is routed to services",
    "case.accepted": "A service accepts a case",
    "case.declined": "A service declines a case",
    "case.first-contact": "First contact is made with the victim",
    "case.closed": "A case is closed",
}


def new_secret() -> str:
    """A fresh signing secret in the Standard Webhooks form: whsec_ and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def _secret_errors(secret: str) -> list[dict]:
    if not secret.startswith("whsec_"):
        return [{"field": "secret", "message": "The secret must start with whsec_ followed by base64"}]
    try:
        key = base64.b64decode(secret[len("whsec_"):], validate=True)
    except (binascii.Error, ValueError):
        return [{"field": "secret", "message": "The part after whsec_ must be base64"}]
    if not 24 <= len(key) <= 64:
        return [{"field": "secret", "message": "The secret must be between 24 and 64 bytes once decoded"}]
    return []


def _url_errors(url: str) -> list[dict]:
    parts = urlsplit(url)
    allowed = ("https",) if current_app.config["ENV_NAME"] == "production" else ("https", "http")
    if parts.scheme not in allowed or not parts.netloc or any(c.isspace() for c in url) or len(url) > 500:
        need = "an https:// address" if allowed == ("https",) else "an http:// or https:// address"
        return [{"field": "url", "message": f"Enter the endpoint as {need}"}]
    if parts.username or parts.password:
        return [{"field": "url", "message": "Leave credentials out of the address; the signature authenticates us"}]
    return []


def add_endpoint(actor: Actor, url: str, events: list[str], secret: str, description: str | None = None
                 ) -> WebhookEndpoint:
    require(actor, "webhook.manage")
    url, secret = (url or "").strip(), (secret or "").strip()
    events = [e.strip() for e in events if e.strip()]
    errors = _url_errors(url)
    unknown = [e for e in events if e not in EVENTS]
    if not events or unknown:
        errors.append({"field": "events", "message": (f"Unknown event {', '.join(unknown)}: choose from "
                                                      if unknown else "Choose at least one event from ")
                       + ", ".join(EVENTS)})
    errors += _secret_errors(secret)
    if errors:
        raise ValidationFailed("Some answers need correcting", errors=errors)
    endpoint = WebhookEndpoint(url=url, events=[e for e in EVENTS if e in events], secret=secret,
                               description=(description or "").strip() or None, active=True,
                               created_by_id=actor.user_id, created_at=utc_now())
    db.session.add(endpoint)
    db.session.flush()
    audit.record(actor, "create", "webhook_endpoint", endpoint.id,
                 changes={"url": url, "events": endpoint.events, "secret": {"changed": True}})
    return endpoint


def list_endpoints(actor: Actor) -> list[WebhookEndpoint]:
    require(actor, "webhook.manage")
    return list(db.session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)))


def get_endpoint(actor: Actor, endpoint_id: int) -> WebhookEndpoint:
    require(actor, "webhook.manage")
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        raise NotFound("There is no such endpoint", object_type="webhook_endpoint", object_id=endpoint_id)
    return endpoint


def set_active(actor: Actor, endpoint_id: int, active: bool, reason: str | None = None) -> WebhookEndpoint:
    """Disable an endpoint (its deliveries wait), or enable it again (waiting deliveries are sent at once)."""
    endpoint = get_endpoint(actor, endpoint_id) if actor is not SYSTEM else db.session.get(WebhookEndpoint,
                                                                                          endpoint_id)
    if endpoint.active == active:
        return endpoint
    endpoint.active = active
    if active:
        endpoint.disabled_at = endpoint.disabled_reason = endpoint.failing_since = None
        for delivery in db.session.scalars(select(WebhookDelivery).where(
                WebhookDelivery.endpoint_id == endpoint.id, WebhookDelivery.status.in_(("pending", "failed")))):
            _retry(delivery)
    else:
        endpoint.disabled_at = utc_now()
        endpoint.disabled_reason = (reason or f"Disabled by {actor.label}")[:200]
    db.session.flush()
    audit.record(actor, "update", "webhook_endpoint", endpoint.id,
                 changes={"active": {"before": not active, "after": active},
                          **({"reason": endpoint.disabled_reason} if not active else {})})
    return endpoint


def deliveries(actor: Actor, endpoint_id: int, page: int = 1, per_page: int = 25):
    get_endpoint(actor, endpoint_id)
    result = paginate(select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
                      .order_by(WebhookDelivery.id.desc()), page, per_page)
    result.items = [row[0] for row in result.items]
    return result


def _retry(delivery: WebhookDelivery) -> None:
    from ..jobs.runner import retry_now

    delivery.status = "pending"
    delivery.next_attempt_at = utc_now()
    if delivery.job_id is None or not retry_now(delivery.job_id):
        job = outbox.enqueue("webhook-delivery", {"delivery_id": delivery.id})
        delivery.job_id = job.id


def retry_delivery(actor: Actor, endpoint_id: int, delivery_id: int) -> WebhookDelivery:
    """An administrator's "retry now": the delivery is attempted again at once (its webhook-id unchanged)."""
    get_endpoint(actor, endpoint_id)
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.endpoint_id != endpoint_id:
        raise NotFound("There is no such delivery", object_type="webhook_delivery", object_id=delivery_id)
    if delivery.status != "delivered":
        _retry(delivery)
        audit.record(actor, "update", "webhook_delivery", delivery.id, changes={"retry": True})
    return delivery


# --- Publishing and delivering --------------------------------------------------------------------------------

def subscribed(event_types: set[str]) -> bool:
    """Whether any active endpoint takes one of these events (one query; a batch asks once)."""
    return any(set(e.events or []) & event_types
               for e in db.session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.active.is_(True))))


def publish(event_type: str, data: dict, *, ordering_key: str | None, occurred_at: datetime | None = None) -> int:
    """Record one delivery per active endpoint subscribed to ``event_type``, in the caller's transaction."""
    if event_type not in EVENTS:
        raise ValueError(f"unknown webhook event {event_type!r}")
    endpoints = [e for e in db.session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.active.is_(True)))
                 if event_type in (e.events or [])]
    if not endpoints:
        return 0
    at = occurred_at or utc_now()
    body = json.dumps({"type": event_type, "timestamp": at.isoformat().replace("+00:00", "Z"), "data": data},
                      separators=(",", ":"), sort_keys=True)
    for endpoint in endpoints:
        delivery = WebhookDelivery(endpoint_id=endpoint.id, event_type=event_type, body=body,
                                   message_id=f"msg_{uuid.uuid4().hex}", ordering_key=ordering_key,
                                   status="pending", created_at=at, next_attempt_at=at)
        db.session.add(delivery)
        db.session.flush()
        delivery.job_id = outbox.enqueue("webhook-delivery", {"delivery_id": delivery.id}).id
    return len(endpoints)


def signed_headers(endpoint: WebhookEndpoint, delivery: WebhookDelivery, at: datetime) -> dict[str, str]:
    signature = Webhook(endpoint.secret).sign(delivery.message_id, at, delivery.body)
    return {
        "Content-Type": "application/json",
        "User-Agent": "victimcare-webhooks/1",
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature,
    }


def _earlier_pending(delivery: WebhookDelivery) -> WebhookDelivery | None:
    if delivery.ordering_key is None:
        return None
    return db.session.scalar(select(WebhookDelivery).where(
        WebhookDelivery.endpoint_id == delivery.endpoint_id, WebhookDelivery.ordering_key == delivery.ordering_key,
        WebhookDelivery.status == "pending", WebhookDelivery.id < delivery.id).order_by(WebhookDelivery.id).limit(1))


def _wake_next(delivery: WebhookDelivery) -> None:
    """The referral's next delivery to this endpoint, if it was waiting for this one, goes now."""
    if delivery.ordering_key is None:
        return
    following = db.session.scalar(select(WebhookDelivery).where(
        WebhookDelivery.endpoint_id == delivery.endpoint_id, WebhookDelivery.ordering_key == delivery.ordering_key,
        WebhookDelivery.status == "pending", WebhookDelivery.id > delivery.id).order_by(WebhookDelivery.id).limit(1))
    if following is not None and following.job_id is not None:
        job = db.session.get(OutboxJob, following.job_id)
        if job is not None and job.done_at is None and job.available_at > utc_now():
            from ..jobs.runner import retry_now

            retry_now(following.job_id)


def deliver(delivery_id: int) -> tuple[str, str | None]:
    """One attempt (the ``webhook-delivery`` job): ("delivered", None), ("skipped", None), or ("failed", why) with
    the failed attempt recorded and flushed (the job commits it before reporting the failure, so the log keeps
    it). Raises Postpone while the endpoint is disabled or an earlier delivery of the referral is pending."""
    from ..jobs.registry import Postpone

    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.status == "delivered":
        return "skipped", None
    endpoint = delivery.endpoint
    now = utc_now()
    if not endpoint.active:
        raise Postpone(now + timedelta(days=1))  # re-enabling the endpoint sends it at once
    earlier = _earlier_pending(delivery)
    if earlier is not None:
        raise Postpone(max(earlier.next_attempt_at or now, now) + timedelta(seconds=1))
    timeout = current_app.config["WEBHOOK_TIMEOUT_SECONDS"]
    delivery.attempts += 1
    delivery.last_attempt_at = now
    try:
        response = requests.post(endpoint.url, data=delivery.body.encode("utf-8"),
                                 headers=signed_headers(endpoint, delivery, now), timeout=(timeout, timeout),
                                 allow_redirects=False)
        status, error = response.status_code, None if 200 <= response.status_code < 300 \
            else f"HTTP {response.status_code}"
    except requests.Timeout:
        status, error = None, f"No answer within {timeout} seconds"
    except requests.RequestException as exc:
        status, error = None, f"Could not connect ({type(exc).__name__})"
    delivery.last_status_code = status
    if error is None:
        delivery.status = "delivered"
        delivery.delivered_at = utc_now()
        delivery.last_error = None
        delivery.next_attempt_at = None
        endpoint.failing_since = None
        _wake_next(delivery)
        db.session.flush()
        return "delivered", None
    delivery.last_error = error
    if endpoint.failing_since is None:
        endpoint.failing_since = now
    limit = timedelta(hours=current_app.config["WEBHOOK_DISABLE_AFTER_HOURS"])
    if now - endpoint.failing_since >= limit:
        _disable_failing(endpoint)
    db.session.flush()
    return "failed", error


def _disable_failing(endpoint: WebhookEndpoint) -> None:
    hours = current_app.config["WEBHOOK_DISABLE_AFTER_HOURS"]
    set_active(SYSTEM, endpoint.id, False, reason=f"Every delivery failed for {hours} hours")
    notifications.email_users("system-alert", "webhook_disabled", notifications.users_with_role("admin"),
                              {"endpoint_id": endpoint.id, "host": urlsplit(endpoint.url).netloc, "hours": hours},
                              dedupe_key=f"webhook-disabled:{endpoint.id}:{endpoint.disabled_at.isoformat()}")


def record_gave_up(delivery_id: int, next_attempt_at: datetime | None, gave_up: bool) -> None:
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.status == "delivered":
        return
    if gave_up:
        delivery.status = "failed"
        delivery.next_attempt_at = None
        _wake_next(delivery)
    else:
        delivery.next_attempt_at = next_attempt_at
