"""Staff notification preferences and messages sent to victims through GOV.UK Notify."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class NotificationOptOut(db.Model):
    """A user turned this (non-essential) kind of email off. No row: the email is sent."""

    __tablename__ = "notification_opt_outs"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class VictimMessage(db.Model):
    """A text message, email or letter to a victim about their case, sent through GOV.UK Notify.

    The destination is never stored here: it is read from the person's record at send time, after the safe-contact
    rules are checked again. ``status`` follows Notify's delivery statuses from its callback, or ``refused`` with
    the rule that stopped it.
    """

    __tablename__ = "victim_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    channel: Mapped[str] = mapped_column(String(8))  # sms | email | letter
    template: Mapped[str] = mapped_column(String(40))  # our template key: appointment-reminder, ...
    notify_template_id: Mapped[str | None] = mapped_column(String(64))
    appointment_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    appointment_place: Mapped[str | None] = mapped_column(String(200))
    send_after: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(24), default="queued")
    refusal: Mapped[str | None] = mapped_column(String(300))
    notify_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


Index("ix_victim_messages_case_created", VictimMessage.case_id, VictimMessage.created_at)
