"""Retention: legal holds that stop the retention schedule purging a person's records, and erasure decisions."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
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


class ErasureDecision(db.Model):
    """The decision on an erasure request (a data-rights request of kind "erasure"): the article 17 grounds and the
    exemptions found, with reasons in words; an accepted one purged the person at ``decided_at`` (``records``)."""

    __tablename__ = "erasure_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("data_rights_requests.id"), unique=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    decision: Mapped[str] = mapped_column(String(16))  # domain/erasure.py DECISIONS
    grounds: Mapped[list] = mapped_column(JSON, default=list)  # domain/erasure.py GROUNDS slugs
    exemptions: Mapped[list] = mapped_column(JSON, default=list)  # domain/erasure.py EXEMPTIONS slugs
    reasons: Mapped[str] = mapped_column(Text)
    records: Mapped[int | None] = mapped_column(Integer)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    decided_by = relationship("User", foreign_keys=[decided_by_id], lazy="joined")
