"""Retention: legal holds that stop the retention schedule purging a person's records."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow


class LegalHold(db.Model):
    """A person whose records the retention schedule must not purge (court proceedings, an open complaint or
    subject access request), from ``placed_at`` until the hold is lifted, each with a reason. Never deleted."""

    __tablename__ = "legal_holds"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    reason: Mapped[str] = mapped_column(String(32))  # domain/vocab.py LEGAL_HOLD_REASONS
    detail: Mapped[str | None] = mapped_column(Text)
    placed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lift_reason: Mapped[str | None] = mapped_column(Text)

    placed_by = relationship("User", foreign_keys=[placed_by_id], lazy="joined")
    lifted_by = relationship("User", foreign_keys=[lifted_by_id], lazy="joined")


# "Is this person held now?": one indexed lookup per person in the run.
Index("ix_legal_holds_current", LegalHold.person_id, LegalHold.lifted_at)
