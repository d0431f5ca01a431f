"""MARAC meetings: a coordinator's meeting for an area, its agenda of cases, the hearing of each case and the
actions agreed there (domain/marac.py holds the rules)."""
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow


class MaracMeeting(db.Model):
    """A meeting of one service's MARAC for an area: a Met BCU or a set of boroughs (their ONS codes)."""

    __tablename__ = "marac_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), index=True)
    bcu: Mapped[int | None] = mapped_column(Integer)  # set when the area is a whole BCU
    borough_codes: Mapped[list] = mapped_column(JSON, default=list)
    held_on: Mapped[date] = mapped_column(Date)
    chair: Mapped[str] = mapped_column(String(120))
    agencies_invited: Mapped[list] = mapped_column(JSON, default=list)  # domain/marac.py MARAC_AGENCIES slugs
    minutes_per_case: Mapped[int] = mapped_column(Integer, default=15)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


Index("ix_marac_meetings_service_held", MaracMeeting.service_id, MaracMeeting.held_on)


class MaracAgendaItem(db.Model):
    """A case on a meeting's agenda: filled from the area's referrals, or added by the coordinator with a reason;
    deferred (with a reason) to a later meeting, or heard. What the partner share carries about the referral
    (risk level, criteria, whether a repeat) is fixed here when the case joins the agenda."""

    __tablename__ = "marac_agenda_items"
    __table_args__ = (UniqueConstraint("meeting_id", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("marac_meetings.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    source: Mapped[str] = mapped_column(String(16))  # domain/marac.py AGENDA_SOURCES
    referred_on: Mapped[date] = mapped_column(Date)
    repeat: Mapped[bool] = mapped_column(Boolean, default=False)
    risk_level: Mapped[str | None] = mapped_column(String(10))
    criteria: Mapped[list] = mapped_column(JSON, default=list)  # domain/marac.py REFERRAL_CRITERIA slugs
    planned_minutes: Mapped[int] = mapped_column(Integer)
    added_reason: Mapped[str | None] = mapped_column(Text)
    deferred_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deferred_reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    case = relationship("Case", lazy="joined")


class MaracHearing(db.Model):
    """A case heard at a meeting: who was there, what risks were discussed, and the victim's views as their IDVA
    put them (the victim does not attend)."""

    __tablename__ = "marac_hearings"

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("marac_agenda_items.id"), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    heard_on: Mapped[date] = mapped_column(Date)
    agencies_present: Mapped[list] = mapped_column(JSON, default=list)
    risks_discussed: Mapped[str] = mapped_column(Text)
    victim_views: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MaracAction(db.Model):
    """An action a hearing agreed: which agency, who owns it, by when; done when the coordinator records it."""

    __tablename__ = "marac_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(ForeignKey("marac_hearings.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    agency: Mapped[str] = mapped_column(String(32))
    owner: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


# The coordinator's home counts their service's overdue actions: open ones by due date.
Index("ix_marac_actions_open_due", MaracAction.done_on, MaracAction.due_on)


class MaracShare(db.Model):
    """The agenda as shared with partner agencies (OFFICIAL-SENSITIVE): made once, downloaded as often as needed,
    each download audited. It holds no copy: a download renders the agenda's share fields at that moment."""

    __tablename__ = "marac_shares"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("marac_meetings.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
