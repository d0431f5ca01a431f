"""The breakdown roll-up: the cases counted by one answer about them (a ``dimension`` such as the victim's age band,
sex, ethnic group, disability, the DASH risk level, a hate crime strand, an outcome answer, a step reached, a
complaint's agency or Code right) and
its ``value``, by service, London area, London month received and enhanced, kept up to date in the same
transaction as each change (victimcare/services/rollups/dimensions.py). The equality, service-measures and
outcomes reports are sums of its rows. Counts only, by coded values: no victim data.

``value`` and ``borough_code`` are "" where there is no answer or no borough, so the primary key holds no NULLs;
each case also counts under ``borough_code`` "*" (ALL_BOROUGHS), so London-wide figures read 34 times fewer rows.
A case counts once under each value it has of a dimension (a hate crime with two strands counts under both).

``rollup_case_dimension_days`` holds the same counts by London day, London-wide only: the odd days at the ends of
a report period are read from it.
"""
from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

NO_VALUE = ""
# Every case counts twice: under its borough and under ALL_BOROUGHS, the rows a report without a borough or BCU
# filter sums (34 times fewer).
ALL_BOROUGHS = "*"
DIMENSION_COUNTS = ("received", "contacted", "pending", "in_time", "accepted", "marac", "requested", "responded",
                    "responded_on_time", "awaiting")


class _Counted:
    """The counts (DIMENSION_COUNTS) of each breakdown roll-up row."""

    received: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # First contact made (due for contact whatever today is).
    contacted: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Not contacted, not declined or transferred: due once the due date has passed (the few not yet due are
    # read from ix_cases_not_yet_due, as the compliance report does).
    pending: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    in_time: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # first contact in time
    accepted: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # accepted support
    marac: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # referred to MARAC at routing
    # A complaint's agency response (Victims' Commissioner): requested, received, received by its due date, and
    # requested but not received (overdue once its due date has passed; the few not yet due are read from
    # ix_cases_response_awaited).
    requested: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    responded: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    responded_on_time: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    awaiting: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class _DimensionCounts(_Counted):
    dimension: Mapped[str] = mapped_column(String(32), primary_key=True)
    # The primary key in this order, so a report's rows (one dimension, London-wide or one borough, a range of
    # months) are one range of the index.
    borough_code: Mapped[str] = mapped_column(String(9), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)  # the first day of the London month received
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), primary_key=True)
    value: Mapped[str] = mapped_column(String(64), primary_key=True)
    enhanced: Mapped[bool] = mapped_column(Boolean, primary_key=True)


class RollupCaseDimensions(_DimensionCounts, db.Model):
    """What the breakdown reports sum (equality, service measures, outcomes)."""

    __tablename__ = "rollup_case_dimensions"


# A table by borough reads every area's rows of one dimension for a range of months: the primary key (area second)
# serves London-wide reads, and PostgreSQL scanned the whole table for these instead (outcomes by borough, 12 months
# at 10,000,000 cases: 84-121 ms, 10 ms with this index).
Index("ix_rollup_case_dimensions_month", RollupCaseDimensions.dimension, RollupCaseDimensions.month)


class RollupPurgedCaseDimensions(_DimensionCounts, db.Model):
    """What deleted cases contributed to ``rollup_case_dimensions`` when they were deleted (which keeps them, so
    published figures for past months stay as they were); ``rollups check`` adds it to the recount."""

    __tablename__ = "rollup_purged_case_dimensions"


class _DimensionDayCounts(_Counted):
    """The same counts by London day received, for London as a whole (no borough): what a report period's odd days
    at its ends are read from, so a period from the 16th of one month to the 15th of another reads a few thousand
    roll-up rows instead of every case of a month. About as many rows as the monthly table's (which keeps one
    row a borough); a report by borough, or of one borough or BCU, counts its odd days from that borough's cases."""

    dimension: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)  # the London day received
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), primary_key=True)
    value: Mapped[str] = mapped_column(String(64), primary_key=True)
    enhanced: Mapped[bool] = mapped_column(Boolean, primary_key=True)


class RollupCaseDimensionDays(_DimensionDayCounts, db.Model):
    """The breakdown roll-up by London day, London-wide (see _DimensionDayCounts)."""

    __tablename__ = "rollup_case_dimension_days"


class RollupPurgedCaseDimensionDays(_DimensionDayCounts, db.Model):
    """What deleted cases contributed to ``rollup_case_dimension_days``. The reports take it off the days they
    read, so an odd day counts the cases there are now, as counting them from the cases would."""

    __tablename__ = "rollup_purged_case_dimension_days"
