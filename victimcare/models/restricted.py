"""Restricted records: who may open a restricted person's records, and every break-glass access to them."""
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class RecordRestriction(db.Model):
    """A person whose records open only for the staff named on it (RecordRestrictionUser). No row: not restricted.

    Kept out of the people table so every list can test it with one indexed lookup by person.
    """

    __tablename__ = "record_restrictions"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    reason: Mapped[str] = mapped_column(String(32))  # domain/vocab.py RESTRICTION_REASONS
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RecordRestrictionUser(db.Model):
    """A member of staff named on a restriction: their records open for them without breaking the glass."""

    __tablename__ = "record_restriction_users"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("record_restrictions.person_id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)


class BreakGlassAccess(db.Model):
    """Someone not named on a restriction opened the record anyway, with a reason, until ``expires_at``.

    Never deleted: a lead of the service or the data protection officer records whether it was justified.
    """

    __tablename__ = "break_glass_accesses"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    # Where the glass was broken: the case (its service's leads are told and review it) or the referral.
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id", ondelete="SET NULL"))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    justified: Mapped[bool | None] = mapped_column(Boolean)
    review_note: Mapped[str | None] = mapped_column(Text)


# "Does this user hold break-glass access to this person now?" on every restricted row of a list.
Index("ix_break_glass_person_user", BreakGlassAccess.person_id, BreakGlassAccess.user_id, BreakGlassAccess.expires_at)
# The review list: waiting reviews first, newest first.
Index("ix_break_glass_review", BreakGlassAccess.reviewed_at, BreakGlassAccess.granted_at)
