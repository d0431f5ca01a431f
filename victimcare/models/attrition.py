"""Attrition: a victim's withdrawal from the investigation or prosecution, recorded on a case."""
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow


class JusticeWithdrawal(db.Model):
    """One per case: the stage, the date, whether an advocate was supporting the victim then, and the reasons.
    ``other_details`` (beside the reason "other") is personal: shown on the case only, never reported or audited."""

    __tablename__ = "justice_withdrawals"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    stage: Mapped[str] = mapped_column(String(16))  # domain/vocab.py WITHDRAWAL_STAGES
    withdrawn_on: Mapped[date] = mapped_column(Date)
    supported_by_advocate: Mapped[bool] = mapped_column(Boolean)
    other_details: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    reasons = relationship("JusticeWithdrawalReason", lazy="selectin", cascade="all, delete-orphan",
                           order_by="JusticeWithdrawalReason.reason")

    @property
    def reason_slugs(self) -> list[str]:
        return [r.reason for r in self.reasons]


class JusticeWithdrawalReason(db.Model):
    """A reason given for a withdrawal (several may apply): a table so reports count them in SQL."""

    __tablename__ = "justice_withdrawal_reasons"

    withdrawal_id: Mapped[int] = mapped_column(ForeignKey("justice_withdrawals.id", ondelete="CASCADE"),
                                               primary_key=True)
    reason: Mapped[str] = mapped_column(String(32), primary_key=True)  # domain/vocab.py WITHDRAWAL_REASONS
