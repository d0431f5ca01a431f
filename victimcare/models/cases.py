"""Cases (one per service a referral is routed to) and the work recorded on them."""
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from ..domain.vocab import OPEN_CASE_STATUSES
from ..extensions import db
from .types import UTCDateTime, utcnow


class Case(db.Model):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    status: Mapped[str] = mapped_column(String(16), default="new")
    priority: Mapped[str] = mapped_column(String(10), default="normal")
    rule: Mapped[str] = mapped_column(String(40))
    route_reason: Mapped[str] = mapped_column(Text)
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Copied from the referral when the case is made; they never change and reports filter on them.
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    borough_code: Mapped[str | None] = mapped_column(ForeignKey("boroughs.ons_code"))
    enhanced: Mapped[bool] = mapped_column(Boolean, default=False)
    # The victim's age band (domain/vocab.py AGE_BANDS) on the London day the case was received, kept so the
    # equality report gives the same figures once the date of birth is purged (NULL: no date of birth known).
    age_band: Mapped[str | None] = mapped_column(String(8))
    marac: Mapped[bool] = mapped_column(Boolean, default=False)
    child_safeguarding: Mapped[bool] = mapped_column(Boolean, default=False)
    first_contact_due: Mapped[date] = mapped_column(Date)
    # Set by the first successful contact: stops the first-contact clock. Working days are computed once,
    # in Python (bank holidays), so reports can aggregate them in SQL.
    first_contacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_contact_working_days: Mapped[int | None] = mapped_column(Integer)
    first_contact_in_time: Mapped[bool | None] = mapped_column(Boolean)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decline_reason: Mapped[str | None] = mapped_column(Text)
    # Coded reasons (domain/vocab.py DECLINE_REASONS, TRANSFER_REASONS) so reports can publish them; the free
    # text beside them never leaves the case.
    decline_reason_code: Mapped[str | None] = mapped_column(String(32))
    transfer_reason_code: Mapped[str | None] = mapped_column(String(32))
    transferred_to_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    closure_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closure_requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closure_reason: Mapped[str | None] = mapped_column(String(32))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome_feels_safer: Mapped[str | None] = mapped_column(String(12))
    outcome_better_able_to_cope: Mapped[str | None] = mapped_column(String(12))
    outcome_better_informed: Mapped[str | None] = mapped_column(String(12))
    needs: Mapped[dict | None] = mapped_column(JSON)
    support_plan: Mapped[str | None] = mapped_column(Text)
    safeguarding_lead: Mapped[str | None] = mapped_column(String(120))
    # Restorative justice for stalking, harassment, trafficking or child sexual exploitation: why a specialist risk
    # assessment is needed before any meeting stage (domain/routing.py specialist_risk_reason); None otherwise.
    specialist_risk_reason: Mapped[str | None] = mapped_column(Text)
    # Victims' Commissioner casework: the complaint's agency and Code right (vocab slugs), and the agency's
    # response. The due date is worked out once, in working days, when the request date is recorded.
    complaint_agency: Mapped[str | None] = mapped_column(String(32))
    complaint_code_right: Mapped[str | None] = mapped_column(String(40))
    response_requested_on: Mapped[date | None] = mapped_column(Date)
    response_due_on: Mapped[date | None] = mapped_column(Date)
    response_received_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    referral = relationship("Referral", lazy="joined", backref=backref("cases", order_by="Case.id"))  # in the order opened
    service = relationship("Service", lazy="joined")
    assigned_to = relationship("User", foreign_keys=[assigned_to_id], lazy="joined")

    __mapper_args__ = {"version_id_col": version}



# The queue: a service's cases by status, in due-date order. Reports: by received date and borough.
Index("ix_cases_queue", Case.service_id, Case.status, Case.first_contact_due)
# The default queue (open cases, soonest due first) reads this partial index in order and stops after a page.
# The indexes the queue's and home's capped counts read include the referral (and here the status), so that the
# check that the case's person was not purged (services/queues._not_purged) leaves them index-only scans: without
# referral_id every counted case was fetched from the table (issue 14: 22 ms of counts became 6 ms).
Index(
    "ix_cases_open_queue", Case.service_id, Case.first_contact_due, Case.id,
    postgresql_where=Case.status.in_(OPEN_CASE_STATUSES), sqlite_where=Case.status.in_(OPEN_CASE_STATUSES),
    postgresql_include=["referral_id", "status"],
)
# The queue filtered by one London area (the postcode-lottery view of a service's own cases): its page and capped
# count read this index in order. Without it the count visited every open case of the service to find those of
# one area, fetching each from the table (issue 14: 397 ms at 10,000,000 cases).
Index(
    "ix_cases_open_borough", Case.service_id, Case.borough_code, Case.first_contact_due, Case.id,
    postgresql_where=Case.status.in_(OPEN_CASE_STATUSES), sqlite_where=Case.status.in_(OPEN_CASE_STATUSES),
    postgresql_include=["referral_id", "status"],
)
# The home page's count of new cases (and the queue filtered to new ones): new cases are a small part of the open
# ones, and counting them from ix_cases_open_queue read and discarded every accepted and in-progress case first
# (25,000 index entries for 1,001 new ones at 1,000,000 cases: 2 of the count statement's 3 ms).
Index(
    "ix_cases_new", Case.service_id, Case.id,
    postgresql_where=Case.status == "new", sqlite_where=Case.status == "new",
    postgresql_include=["referral_id"],
)
# "Overdue" and "due today" read only open cases still awaiting their first contact.
Index(
    "ix_cases_awaiting_contact", Case.service_id, Case.first_contact_due,
    postgresql_where=Case.status.in_(OPEN_CASE_STATUSES) & Case.first_contacted_at.is_(None),
    sqlite_where=Case.status.in_(OPEN_CASE_STATUSES) & Case.first_contacted_at.is_(None),
    postgresql_include=["referral_id"],
)
# Reports: cases not yet due for first contact (due today or later, not contacted, not declined or transferred),
# the one figure besides "overdue" that depends on today and so cannot live in the roll-ups.
# Both report indexes include what the report filters and groups by, so PostgreSQL answers from the index alone.
REPORT_INCLUDE = ["received_at", "service_id", "borough_code", "enhanced"]
Index(
    "ix_cases_not_yet_due", Case.first_contact_due,
    postgresql_where=Case.first_contact_working_days.is_(None) & Case.status.not_in(("declined", "transferred")),
    sqlite_where=Case.first_contact_working_days.is_(None) & Case.status.not_in(("declined", "transferred")),
    postgresql_include=REPORT_INCLUDE,
)
# Reports: the open cases past their due date without a first contact ("overdue" now).
Index(
    "ix_cases_overdue_report", Case.first_contact_due,
    postgresql_where=Case.status.in_(OPEN_CASE_STATUSES) & Case.first_contacted_at.is_(None),
    sqlite_where=Case.status.in_(OPEN_CASE_STATUSES) & Case.first_contacted_at.is_(None),
    postgresql_include=REPORT_INCLUDE,
)
# Reports: complaints whose agency response was requested and has not come (the Victims' Commissioner's
# "overdue now" is those past their due date: the breakdown roll-up counts them all, and the few not yet due are
# read here).
Index(
    "ix_cases_response_awaited", Case.response_due_on,
    postgresql_where=Case.response_requested_on.is_not(None) & Case.response_received_on.is_(None),
    sqlite_where=Case.response_requested_on.is_not(None) & Case.response_received_on.is_(None),
)
# The case page looks for the cases a case was transferred from.
Index("ix_cases_transferred_to", Case.transferred_to_case_id)
# Compliance reports over a period read only this index on PostgreSQL (the figures they need are included).
Index(
    "ix_cases_report_cover", Case.received_at,
    postgresql_include=["service_id", "borough_code", "enhanced", "first_contact_working_days",
                        "first_contact_in_time", "first_contact_due", "status", "first_contacted_at", "accepted_at"],
)
Index("ix_cases_assignee", Case.assigned_to_id, Case.status)
# The advocate's home counts (services/queues.action_counts), each capped, each from a small partial index:
# open cases nobody is assigned, and open cases whose closure waits for the lead.
Index(
    "ix_cases_open_unassigned", Case.service_id, Case.id,
    postgresql_where=Case.status.in_(OPEN_CASE_STATUSES) & Case.assigned_to_id.is_(None),
    sqlite_where=Case.status.in_(OPEN_CASE_STATUSES) & Case.assigned_to_id.is_(None),
    postgresql_include=["referral_id"],
)
Index(
    "ix_cases_closure_requested", Case.service_id,
    postgresql_where=Case.status.in_(OPEN_CASE_STATUSES) & Case.closure_requested_at.is_not(None),
    sqlite_where=Case.status.in_(OPEN_CASE_STATUSES) & Case.closure_requested_at.is_not(None),
)
Index("ix_cases_received", Case.received_at, Case.service_id)
Index("ix_cases_borough_received", Case.borough_code, Case.received_at)


class ContactAttempt(db.Model):
    __tablename__ = "contact_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    method: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    # A contact against the victim's stated wishes (domain/people.py UNSAFE_CONTACT_RULES) and why it was needed.
    against_rule: Mapped[str | None] = mapped_column(String(16))
    against_rule_reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CaseNote(db.Model):
    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Task(db.Model):
    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date | None] = mapped_column(Date)
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


# Tasks not done, by due date: the home page's "tasks due today" and "overdue" counts and the queue's task filters.
Index("ix_tasks_open_due", Task.due_on, Task.case_id, postgresql_where=Task.done_at.is_(None),
      sqlite_where=Task.done_at.is_(None))


class CaseStep(db.Model):
    """A service-specific step (MARAC referral, ABE interview, RJ consent, agency response...) with its date.

    One table for every service so reports can count steps in SQL; the domain layer defines each service's steps.
    """

    __tablename__ = "case_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    step: Mapped[str] = mapped_column(String(40))
    occurred_on: Mapped[date | None] = mapped_column(Date)
    detail: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


Index("ix_case_steps_step", CaseStep.step, CaseStep.case_id)
