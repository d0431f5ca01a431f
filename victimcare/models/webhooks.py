"""Partner endpoints that receive signed event notifications (Standard Webhooks), and each delivery to them."""
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import EncryptedText, UTCDateTime, utcnow


class WebhookEndpoint(db.Model):
    """A partner's URL and the events it subscribed to. ``secret`` is the agreed ``whsec_...`` signing secret,
    encrypted at rest (the database holds only ciphertext; see ``victimcare/crypto.py``)."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(String(200))
    events: Mapped[list] = mapped_column(JSON, default=list)
    secret: Mapped[str] = mapped_column(EncryptedText())
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Set by the first failed delivery after a success; an endpoint failing for WEBHOOK_DISABLE_AFTER_HOURS is
    # disabled and the administrators are told.
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    disabled_reason: Mapped[str | None] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class WebhookDelivery(db.Model):
    """One event for one endpoint: the body is fixed when the event happens and signed again on each attempt.

    ``message_id`` is the ``webhook-id`` header, the same on every retry. ``ordering_key`` (the referral) keeps a
    referral's events in order at each endpoint: a delivery waits while an earlier one for the same key is pending.
    """

    __tablename__ = "webhook_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id"))
    event_type: Mapped[str] = mapped_column(String(40))
    message_id: Mapped[str] = mapped_column(String(64), unique=True)
    ordering_key: Mapped[str | None] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | delivered | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(300))
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    job_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    endpoint = relationship("WebhookEndpoint", lazy="joined")


Index("ix_webhook_deliveries_endpoint", WebhookDelivery.endpoint_id, WebhookDelivery.id)
Index("ix_webhook_deliveries_order", WebhookDelivery.endpoint_id, WebhookDelivery.ordering_key, WebhookDelivery.status)
