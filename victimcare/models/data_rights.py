"""Data-rights requests a data protection officer handles (subject access, rectification, erasure), and the pauses
of their clock. The retention helper's erasure decisions hang off a request of kind "erasure"."""
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow


class DataRightsRequest(db.Model):
    """One request by (or for) a person to exercise a data-protection right. Slugs: domain/data_rights.py."""

    __tablename__ = "data_rights_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # subject-access | rectification | erasure
    # The request outlives a purge of the person's details (the record that it was answered must remain).
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    # The referral the person was found by (the reference the DPO typed), for the page's heading and the export.
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id", ondelete="SET NULL"))
    requester: Mapped[str] = mapped_column(String(20))  # victim | representative
    requester_name: Mapped[str | None] = mapped_column(String(120))  # a representative's name and capacity
    authority_seen: Mapped[str | None] = mapped_column(Text)  # what shows a representative may act for them
    identity_check: Mapped[str] = mapped_column(String(32))
    identity_check_note: Mapped[str | None] = mapped_column(Text)
    scope: Mapped[str | None] = mapped_column(Text)  # what was asked for, in the requester's words
    received_on: Mapped[date] = mapped_column(Date)
    # Up to two further months for a complex request, with the reason and the day the requester was told.
    extension_months: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    extension_reason: Mapped[str | None] = mapped_column(Text)
    extension_told_on: Mapped[date | None] = mapped_column(Date)
    # The deadline as of the last change (domain/data_rights.py response_deadline), so the DPO's list sorts in SQL;
    # while the clock is paused the page adds the days paused so far.
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open", server_default="open")
    outcome_note: Mapped[str | None] = mapped_column(Text)
    closed_on: Mapped[date | None] = mapped_column(Date)
    # Rectification: which of the person's fields were corrected (names only, never the values) and why.
    corrected_fields: Mapped[list | None] = mapped_column(JSON)
    correction_reason: Mapped[str | None] = mapped_column(Text)
    # Subject access: the fields withheld from the released copy (domain/subject_access.py item keys), marked by
    # the DPO on the review of the person's record.
    redactions: Mapped[list | None] = mapped_column(JSON)
    # The DPO working on the request: the only one who may open the person's whole record within it.
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    person = relationship("Person", lazy="joined")
    referral = relationship("Referral", lazy="joined")
    handled_by = relationship("User", foreign_keys=[handled_by_id], lazy="joined")
    pauses = relationship("DataRightsPause", lazy="selectin", order_by="DataRightsPause.id",
                          cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}


Index("ix_data_rights_requests_status_due", DataRightsRequest.status, DataRightsRequest.due_on)


class DataRightsPause(db.Model):
    """The clock stopped while identity or scope was confirmed (Data (Use and Access) Act 2025)."""

    __tablename__ = "data_rights_pauses"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("data_rights_requests.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(16))  # identity | scope
    paused_on: Mapped[date] = mapped_column(Date)
    resumed_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class RecordsRequest(db.Model):
    """A request by the police or others for a victim's records held by a service (the register). Slugs:
    domain/data_rights.py RECORDS_*. The free text stays here, never in the audit trail."""

    __tablename__ = "records_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    requester_kind: Mapped[str] = mapped_column(String(16))
    requester_name: Mapped[str] = mapped_column(String(200))  # the officer or body, e.g. "DC Lewis, Camden CID"
    records_kind: Mapped[str] = mapped_column(String(24))
    records_sought: Mapped[str] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(Text)
    received_on: Mapped[date] = mapped_column(Date)
    victim_told_on: Mapped[date | None] = mapped_column(Date)  # told in writing
    victim_response: Mapped[str | None] = mapped_column(Text)
    decision: Mapped[str] = mapped_column(String(20), default="pending", server_default="pending")
    decision_reason: Mapped[str | None] = mapped_column(Text)
    disclosed_what: Mapped[str | None] = mapped_column(Text)
    disclosed_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    case = relationship("Case", lazy="joined")

    __mapper_args__ = {"version_id_col": version}
