"""Roll-ups for the reports: the cases counted by service, London area, London month received, enhanced and
working days to first contact, kept up to date in the same transaction as each change to a case
(victimcare/services/rollups). No victim data: counts only, by coded values.

``borough_code`` is "" where the case has no borough and ``days`` is -1 where there has been no first contact,
so the primary key holds no NULLs (an upsert needs a key NULL never breaks).
"""
from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

NO_BOROUGH = ""
NOT_CONTACTED = -1
ROLLUP_COUNTS = ("received", "in_time", "accepted", "pending", "waiting")


class _CaseCounts:
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), primary_key=True)
    borough_code: Mapped[str] = mapped_column(String(9), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)  # the first day of the London month received
    enhanced: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    days: Mapped[int] = mapped_column(Integer, primary_key=True)  # working days to first contact, or -1
    received: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    in_time: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # first contact in time
    accepted: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # accepted support
    # Not contacted, and not declined or transferred: due for contact once the due date has passed.
    pending: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Open and not contacted: overdue once the due date has passed (the few not yet due are read from an index).
    waiting: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class RollupCases(_CaseCounts, db.Model):
    """The counts every compliance figure is summed from (with the medians from its ``days`` histogram)."""

    __tablename__ = "rollup_cases"


class RollupPurgedCases(_CaseCounts, db.Model):
    """What deleted cases (retention purges, erasure) contributed to ``rollup_cases`` when they were deleted.
    The roll-ups keep those counts, so published figures for past months do not change when records go;
    ``rollups check`` compares ``rollup_cases`` with a recount of the cases plus this table."""

    __tablename__ = "rollup_purged_cases"
