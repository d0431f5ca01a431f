"""Roll-ups for the Victims' Code rights report and the attrition report (issue 17), kept up to date in the
same transaction as each change to a case, its code events or its withdrawal (victimcare/services/rollups). No
victim data: counts only, by coded values. "" stands for none in a text key, -1 in a number, so the primary keys
hold no NULLs (an upsert needs a key NULL never breaks).

Each has a twin by London day received, London-wide (``rollup_code_rights_days``, ``rollup_code_rights_open_days``,
``rollup_attrition_days``, ``rollup_attrition_reasons_days``): the reports read a period's odd days at its ends
from them. They keep every key column of the monthly table but the borough, which only a table by borough or a
period of one borough or BCU reads (those count their odd days from that area's cases): the reports group the odd
days by service or month and the attrition sections by offence, stage, support or reason, and filter them by
service and level; the slowest decision (``days``) gives the median.

The attrition roll-ups also have a London-wide monthly twin (``rollup_attrition_london``,
``rollup_attrition_reasons_london``), month first in the key: the report reads a period's whole months from them
unless it is of one borough or BCU. ``rollup_attrition`` keeps a row for each of 34 areas and begins its key with
the service, so any period read every row of it (611,000 at 10,000,000 cases).
"""
from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

NO_DECISION = -1  # rollup_code_rights.days for a case with no police decision told
# The column each reported right's counts go by (domain/code_rights_report.REPORTED_RIGHTS, in Code order).
RIGHT_COLUMNS = {
    "understand-and-be-understood": "told_about_code",
    "referral-to-support": "referral",
    "information-about-compensation": "compensation",
    "information-about-investigation": "decisions",
    "victim-personal-statement": "vps",
    "information-about-trial": "trial",
    "outcome-and-appeals": "outcome",
    "make-a-complaint": "complaint",
}
CODE_RIGHTS_COUNTS = ("cases", *(f"met_{c}" for c in RIGHT_COLUMNS.values()), "in_time",
                      "closed_without_told_about_code", "open_without_told_about_code",
                      "closed_without_referral", "open_without_referral")
ATTRITION_COUNTS = ("cases",)
ATTRITION_REASON_COUNTS = ("withdrawals",)


def _count() -> Mapped[int]:
    return mapped_column(Integer, default=0, server_default="0")


class _Where:
    # First in the key (sort_order), as in rollup_cases: the reports select by month, service and area.
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), primary_key=True, sort_order=-4)
    borough_code: Mapped[str] = mapped_column(String(9), primary_key=True, sort_order=-3)
    # The first day of the London month the case was received in.
    month: Mapped[date] = mapped_column(Date, primary_key=True, sort_order=-2)
    enhanced: Mapped[bool] = mapped_column(Boolean, primary_key=True, sort_order=-1)


class _Day:
    # The day first, so a period's odd days are one range of the primary key.
    day: Mapped[date] = mapped_column(Date, primary_key=True, sort_order=-3)  # the London day received
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), primary_key=True, sort_order=-2)
    enhanced: Mapped[bool] = mapped_column(Boolean, primary_key=True, sort_order=-1)


class _LondonMonth:
    # The month first, so a period's whole months are one range of the primary key.
    month: Mapped[date] = mapped_column(Date, primary_key=True, sort_order=-3)  # first day of the London month
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), primary_key=True, sort_order=-2)
    enhanced: Mapped[bool] = mapped_column(Boolean, primary_key=True, sort_order=-1)


class _CodeRights:
    # The slowest police decision's working days from decision to telling the victim (-1: none told).
    days: Mapped[int] = mapped_column(Integer, primary_key=True)
    cases: Mapped[int] = _count()
    # Cases with an event of the right recorded ("met", told late included).
    met_told_about_code: Mapped[int] = _count()
    met_referral: Mapped[int] = _count()
    met_compensation: Mapped[int] = _count()
    met_decisions: Mapped[int] = _count()
    met_vps: Mapped[int] = _count()
    met_trial: Mapped[int] = _count()
    met_outcome: Mapped[int] = _count()
    met_complaint: Mapped[int] = _count()
    in_time: Mapped[int] = _count()  # every police decision told within its deadline
    # The two rights expected of every case taken on (not declined or transferred), where no event of it was
    # recorded: closed (it applied, missed), and open (it applies once the first-contact due date has passed;
    # the few open cases not yet due are read from rollup_code_rights_open).
    closed_without_told_about_code: Mapped[int] = _count()
    open_without_told_about_code: Mapped[int] = _count()
    closed_without_referral: Mapped[int] = _count()
    open_without_referral: Mapped[int] = _count()


class _CodeRightsCounts(_CodeRights, _Where):
    pass


class RollupCodeRights(_CodeRightsCounts, db.Model):
    """Cases by service, area, London month received, enhanced and slowest decision: the code-rights report."""

    __tablename__ = "rollup_code_rights"


class RollupCodeRightsPurged(_CodeRightsCounts, db.Model):
    """What deleted cases contributed to ``rollup_code_rights`` (kept there; ``rollups check`` adds these)."""

    __tablename__ = "rollup_code_rights_purged"


class _Attrition:
    offence: Mapped[str] = mapped_column(String(32), primary_key=True)  # the referral's offence category
    stage: Mapped[str] = mapped_column(String(16), primary_key=True)  # the withdrawal's stage, "" none
    supported: Mapped[bool] = mapped_column(Boolean, primary_key=True)  # by an advocate (False: no withdrawal)
    cases: Mapped[int] = _count()


class _AttritionCounts(_Attrition, _Where):
    pass


class RollupAttrition(_AttritionCounts, db.Model):
    """Cases by service, area, London month received, enhanced, offence, withdrawal stage and support."""

    __tablename__ = "rollup_attrition"


class RollupAttritionPurged(_AttritionCounts, db.Model):
    __tablename__ = "rollup_attrition_purged"


class _Reasons:
    reason: Mapped[str] = mapped_column(String(32), primary_key=True)
    withdrawals: Mapped[int] = _count()  # withdrawals giving the reason (several may be given)


class _ReasonCounts(_Reasons, _Where):
    pass


class RollupAttritionReasons(_ReasonCounts, db.Model):
    """Withdrawals by service, area, London month the case was received, enhanced and reason given."""

    __tablename__ = "rollup_attrition_reasons"


class RollupAttritionReasonsPurged(_ReasonCounts, db.Model):
    __tablename__ = "rollup_attrition_reasons_purged"


class _OpenWithout:
    due: Mapped[date] = mapped_column(Date, primary_key=True)  # the case's first-contact due date
    without_told_about_code: Mapped[int] = _count()
    without_referral: Mapped[int] = _count()


class _OpenWithoutCounts(_OpenWithout, _Where):
    pass


class RollupCodeRightsOpen(_OpenWithoutCounts, db.Model):
    """The open cases without an event of each right expected of every case taken on, by first-contact due
    date: the code-rights report takes off "applied" those not yet due (due today or later) reading only the
    rows due today or later (``ix_rollup_code_rights_open_due``), however many cases there are."""

    __tablename__ = "rollup_code_rights_open"


class RollupCodeRightsOpenPurged(_OpenWithoutCounts, db.Model):
    __tablename__ = "rollup_code_rights_open_purged"


OPEN_WITHOUT_COUNTS = ("without_told_about_code", "without_referral")
Index("ix_rollup_code_rights_open_due", RollupCodeRightsOpen.due)


# By London day, London-wide (see the module's docstring). Each purged twin holds what deleted cases left in its
# table: the reports take it off, so an odd day counts the cases there are now, as counting them would.

class RollupCodeRightsDays(_CodeRights, _Day, db.Model):
    __tablename__ = "rollup_code_rights_days"


class RollupCodeRightsDaysPurged(_CodeRights, _Day, db.Model):
    __tablename__ = "rollup_code_rights_days_purged"


class RollupCodeRightsOpenDays(_OpenWithout, _Day, db.Model):
    __tablename__ = "rollup_code_rights_open_days"


class RollupCodeRightsOpenDaysPurged(_OpenWithout, _Day, db.Model):
    __tablename__ = "rollup_code_rights_open_days_purged"


class RollupAttritionDays(_Attrition, _Day, db.Model):
    __tablename__ = "rollup_attrition_days"


class RollupAttritionDaysPurged(_Attrition, _Day, db.Model):
    __tablename__ = "rollup_attrition_days_purged"


class RollupAttritionReasonsDays(_Reasons, _Day, db.Model):
    __tablename__ = "rollup_attrition_reasons_days"


class RollupAttritionReasonsDaysPurged(_Reasons, _Day, db.Model):
    __tablename__ = "rollup_attrition_reasons_days_purged"


Index("ix_rollup_code_rights_open_days_due", RollupCodeRightsOpenDays.due)


class RollupAttritionLondon(_Attrition, _LondonMonth, db.Model):
    __tablename__ = "rollup_attrition_london"


class RollupAttritionLondonPurged(_Attrition, _LondonMonth, db.Model):
    __tablename__ = "rollup_attrition_london_purged"


class RollupAttritionReasonsLondon(_Reasons, _LondonMonth, db.Model):
    __tablename__ = "rollup_attrition_reasons_london"


class RollupAttritionReasonsLondonPurged(_Reasons, _LondonMonth, db.Model):
    __tablename__ = "rollup_attrition_reasons_london_purged"
