"""Referrals, the routing decisions made for them, and DASH risk assessments."""
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import EncryptedText, UTCDateTime, utcnow


class Referral(db.Model):
    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    # The source system's own id for a referral imported in bulk (`flask referrals import`): a second import of
    # the same row finds it and creates nothing.
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    # triage: awaiting a caseworker; routed: cases exist; not-routed: recorded only (e.g. no consent);
    # not-proceeding: closed at triage by a caseworker (duplicate, spam...), with a coded reason
    status: Mapped[str] = mapped_column(String(20), default="triage")
    source: Mapped[str] = mapped_column(String(20))
    referrer_name: Mapped[str | None] = mapped_column(String(120))
    referrer_organisation: Mapped[str | None] = mapped_column(String(120))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    offence_category: Mapped[str] = mapped_column(String(32))
    offence_date: Mapped[date | None] = mapped_column(Date)
    offence_borough_code: Mapped[str | None] = mapped_column(ForeignKey("boroughs.ons_code"))
    crime_reference: Mapped[str | None] = mapped_column(String(32))
    description: Mapped[str | None] = mapped_column(Text)
    domestic_abuse: Mapped[bool] = mapped_column(Boolean, default=False)
    sexual_offence: Mapped[bool] = mapped_column(Boolean, default=False)
    weapon_involved: Mapped[bool] = mapped_column(Boolean, default=False)
    persistently_targeted: Mapped[bool] = mapped_column(Boolean, default=False)
    bereaved_relative: Mapped[bool] = mapped_column(Boolean, default=False)
    vulnerable_or_intimidated: Mapped[bool] = mapped_column(Boolean, default=False)
    most_serious_crime: Mapped[bool] = mapped_column(Boolean, default=False)
    trafficking: Mapped[bool] = mapped_column(Boolean, default=False)
    child_sexual_exploitation: Mapped[bool] = mapped_column(Boolean, default=False)
    # A learning disability or additional needs: the Child House takes young people up to 25 with them.
    additional_needs: Mapped[bool] = mapped_column(Boolean, default=False)
    age_at_offence: Mapped[int | None] = mapped_column(Integer)

    # Consent to referral, or the lawful basis used where consent is not needed
    consent_referral: Mapped[bool | None] = mapped_column(Boolean)
    consent_given_by: Mapped[str | None] = mapped_column(String(120))
    consent_given_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    consent_method: Mapped[str | None] = mapped_column(String(20))
    consent_withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lawful_basis: Mapped[str | None] = mapped_column(String(32))
    rj_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    rj_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    code_complaint: Mapped[bool] = mapped_column(Boolean, default=False)

    # Derived at routing time and kept, with reasons, so the decision can be explained later
    enhanced: Mapped[bool] = mapped_column(Boolean, default=False)
    enhanced_reasons: Mapped[list] = mapped_column(JSON, default=list)
    dash_level: Mapped[str | None] = mapped_column(String(10))
    marac: Mapped[bool] = mapped_column(Boolean, default=False)
    not_routed_reason: Mapped[str | None] = mapped_column(Text)
    # Where the victim is directed first, outside the routes (an acute sexual assault: the Havens), and why.
    signposted_to: Mapped[str | None] = mapped_column(String(32))
    signposting_reason: Mapped[str | None] = mapped_column(Text)
    # A referral held for triage opens no case, but its first-contact clock runs from receipt: the earliest date
    # the routes its details point to would be due, kept so triage can show what is overdue.
    first_contact_due: Mapped[date | None] = mapped_column(Date)
    # Closed at triage as not proceeding: the coded reason (domain/vocab.py NOT_PROCEEDING_REASONS), the details
    # (never published), when and by whom.
    not_proceeding_reason: Mapped[str | None] = mapped_column(String(32))
    not_proceeding_detail: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    safe_contact_notes: Mapped[str | None] = mapped_column(Text)
    # Domestic abuse: are there children in the household (vocab CHILDREN_IN_HOUSEHOLD), and how many, their ages
    # (free text, personal: never audited by value)
    children_in_household: Mapped[str | None] = mapped_column(String(16))
    household_children_details: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)

    person = relationship("Person", lazy="joined")
    # Loaded when asked for (the case page, the check page), not with every referral a list shows
    perpetrators = relationship("Perpetrator", order_by="Perpetrator.id", cascade="all, delete-orphan")
    parent_carers = relationship("ParentCarer", order_by="ParentCarer.id", cascade="all, delete-orphan")
    strands = relationship("ReferralStrand", lazy="selectin", cascade="all, delete-orphan")
    routing_decisions = relationship(
        "RoutingDecision", lazy="selectin", order_by="RoutingDecision.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def strand_slugs(self) -> list[str]:
        return sorted(s.strand for s in self.strands)


Index("ix_referrals_status_received", Referral.status, Referral.received_at)

REFERRAL_SENSITIVE_FIELDS = frozenset({"description", "safe_contact_notes", "consent_given_by", "not_proceeding_detail",
                                       "household_children_details"})


class Perpetrator(db.Model):
    """The person the victim says caused the harm, as the referral describes them (domestic abuse). Not a Person:
    they are never searched, contacted or shown a case, and their details are the victim's account."""

    __tablename__ = "perpetrators"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"), index=True)
    name: Mapped[str | None] = mapped_column(String(200))
    relationship_to_victim: Mapped[str | None] = mapped_column(String(32))  # vocab PERPETRATOR_RELATIONSHIPS
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    lives_with_victim: Mapped[bool | None] = mapped_column(Boolean)  # None: not known
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ParentCarer(db.Model):
    """A child victim's parent or carer, and whether it is safe to contact them (a parent may be the abuser)."""

    __tablename__ = "parent_carers"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    relationship_to_victim: Mapped[str | None] = mapped_column(String(32))  # vocab PARENT_CARER_RELATIONSHIPS
    phone: Mapped[str | None] = mapped_column(String(32))
    safe_to_contact: Mapped[bool | None] = mapped_column(Boolean)  # None: not known yet
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


# Fields of the people around the victim whose values never enter audit events.
PARTY_SENSITIVE_FIELDS = frozenset({"name", "date_of_birth", "phone", "notes"})


class ReferralStrand(db.Model):
    """A hate-crime strand the victim perceived; several may apply. A table so reports can count by strand."""

    __tablename__ = "referral_strands"

    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"), primary_key=True)
    strand: Mapped[str] = mapped_column(String(32), primary_key=True)


class RoutingDecision(db.Model):
    """One line of a referral's routing: a rule's decision, or a caseworker's override of it. Never edited."""

    __tablename__ = "routing_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    kind: Mapped[str] = mapped_column(String(16))  # rule | override-add | override-remove
    rule: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    reason_code: Mapped[str | None] = mapped_column(String(32))  # overrides: domain/vocab.py OVERRIDE_REASONS
    priority: Mapped[str] = mapped_column(String(10), default="normal")
    first_contact_due: Mapped[date | None] = mapped_column(Date)
    marac: Mapped[bool] = mapped_column(Boolean, default=False)
    lawful_basis: Mapped[str | None] = mapped_column(String(32))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    service = relationship("Service", lazy="joined")


class RiskAssessment(db.Model):
    """A DASH assessment: the first at intake, then reassessments by the domestic-abuse service."""

    __tablename__ = "risk_assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    answers: Mapped[dict | None] = mapped_column(JSON)
    yes_count: Mapped[int] = mapped_column(Integer)
    actuarial_level: Mapped[str] = mapped_column(String(10))
    level: Mapped[str] = mapped_column(String(10))
    professional_judgement: Mapped[bool] = mapped_column(Boolean, default=False)
    professional_judgement_reason: Mapped[str | None] = mapped_column(Text)
    incidents_last_12_months: Mapped[int | None] = mapped_column(Integer)
    marac: Mapped[bool] = mapped_column(Boolean, default=False)
    marac_reasons: Mapped[list] = mapped_column(JSON, default=list)
    assessed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class IdempotencyRecord(db.Model):
    """The first response to an API request sent with an Idempotency-Key, replayed for retries."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response_body: Mapped[str] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ReferralDraft(db.Model):
    """The answers of a referral journey not yet submitted, kept between its pages (``referrals/drafts.py``).

    Owned by the user who started it (``user_id``); it names no person or case of its own, though its encrypted
    answers may hold a victim's details, so it lives only as long as its journey: deleted on submission, "start
    again", the owner's sign-out, or after IDLE_TIMEOUT untouched (the ``referral-drafts`` sweep). A retention
    purge or a subject access request need not look here: nothing in it outlives a signed-in session. Every app
    server reads the same row, so a journey may move between servers page by page.
    """

    __tablename__ = "referral_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    # SHA-256 of the random id the user's session holds: a copy of this table cannot be turned into a session's id.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The answers as JSON, encrypted with DATA_ENCRYPTION_KEYS (criminal-offence, health and equality data).
    answers: Mapped[str] = mapped_column(EncryptedText())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
