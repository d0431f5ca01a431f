"""Reading the audit trail: the admins' event search and CSV export, a service lead's per-case access log, and
the Commissioner's monthly counts and chain verification. Reading the trail is itself recorded in the trail.

Pages never show the values inside an event's `changes`, only the names of the fields that changed: admins
must not see case content, and sensitive fields are already stored masked.
"""
import csv
import io
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import NamedTuple

from sqlalchemy import String, and_, func, or_, select

from ..domain.access import can_see_service_record
from ..domain.clock import LONDON, utc_now
from ..domain.spreadsheet import spreadsheet_text
from ..extensions import db
from ..models import AuditEvent, AuditVerification, Case, Referral, Service, User
from . import audit
from .actors import Actor, require
from .errors import NotFound
from .pagination import Page, paginate

EXPORT_BATCH_SIZE = 2000
MAX_PAGE = 1_000_000  # beyond any real trail; keeps a crafted ?page= from overflowing the OFFSET
MAX_ID = 2**31 - 1  # ids are 32-bit integers; a bigger number in a URL is simply not found
SUMMARY_MONTHS = 12

ACTION_LABELS = {
    "view": "Viewed",
    "list": "Listed",
    "create": "Created",
    "update": "Updated",
    "delete": "Deleted",
    "transition": "Status changed",
    "export": "Exported",
    "sign-in": "Signed in",
    "sign-in-failed": "Sign-in failed",
    "locked-out": "Locked out",
    "sign-out": "Signed out",
    "permission-denied": "Access refused",
    "token-created": "API token created",
    "token-revoked": "API token revoked",
    "break-glass": "Break-glass access",
    "report-run": "Report run",
    "password-changed": "Password changed",
    "audit-verified": "Audit chain verified",
    "password-reset-started": "Password reset started",
    "password-reset": "Password reset",
    "unlocked": "Account unlocked",
    "invited": "Invitation sent",
    "invitation-accepted": "Invitation accepted",
    "change-requested": "Account change asked for",
    "change-approved": "Account change approved",
    "change-rejected": "Account change rejected",
    "purged": "Personal data purged",
    "hold-placed": "Legal hold placed",
    "hold-lifted": "Legal hold lifted",
    "erasure-decided": "Erasure request decided",
    "consent-withdrawn": "Consent withdrawn",
    "sessions-ended": "Sessions ended",
    "mfa-enrolled": "Second factor added",
    "mfa-removed": "Second factor removed",
    "mfa-failed": "Second factor code refused",
    "mfa-verified": "Second factor passed",
    "recovery-code-used": "Recovery code used",
}

CSV_COLUMNS = (
    "seq", "occurred_at_utc", "actor", "actor_user_id", "actor_role", "api_token_id", "action", "object_type",
    "object_id", "referral_id", "case_id", "service", "changed_fields", "request_id", "ip_address", "user_agent",
)


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


@dataclass(frozen=True)
class EventFilters:
    """What an admin searched for. Dates are London calendar days, both ends included."""

    user_email: str | None = None
    user: str | None = None  # a user's name (part of it) or email address
    reference: str | None = None  # a referral's reference: its events and its cases' events
    case_id: int | None = None  # a case number: its events
    action: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    def as_query_args(self) -> dict:
        """The filters as URL query arguments (for pagination links and the CSV link), in the search form's shape:
        a date as its day, month and year boxes (a repeated argument); empty ones left out."""
        return {name: [str(value.day), str(value.month), str(value.year)] if isinstance(value, date) else value
                for name, value in self._named().items()}

    def as_audit_detail(self) -> dict:
        """The filters as the audit event records them: dates written yyyy-mm-dd."""
        return {name: value.isoformat() if isinstance(value, date) else value for name, value in self._named().items()}

    def _named(self) -> dict:
        return {"case" if name == "case_id" else name: value for name, value in asdict(self).items() if value}


def _london_midnight_utc(day: date) -> datetime:
    return datetime.combine(day, time.min, LONDON).astimezone(timezone.utc)


class EventRow(NamedTuple):
    """One event as the audit pages show it (the columns of _event_columns, in order)."""

    seq: int
    occurred_at: datetime
    actor_label: str | None
    actor_user_id: int | None
    actor_role: str | None
    actor_token_id: int | None
    actor_name: str | None
    action: str
    object_type: str | None
    object_id: str | None
    referral_id: int | None
    case_id: int | None
    service_id: int | None
    service_name: str | None
    changes: dict | None
    request_id: str | None
    ip_address: str | None
    user_agent: str | None
    referral_reference: str | None
    id: int  # the append order: every event has one from the moment it is written, before it is sealed


def _event_page(query, page: int, per_page: int) -> Page:
    result = paginate(query, min(max(1, page or 1), MAX_PAGE), per_page)
    result.items = [EventRow(*row) for row in result.items]
    return result


def _event_columns():
    return (
        AuditEvent.seq,
        AuditEvent.occurred_at,
        AuditEvent.actor_label,
        AuditEvent.actor_user_id,
        AuditEvent.actor_role,
        AuditEvent.actor_token_id,
        User.name.label("actor_name"),
        AuditEvent.action,
        AuditEvent.object_type,
        AuditEvent.object_id,
        AuditEvent.referral_id,
        AuditEvent.case_id,
        AuditEvent.service_id,
        Service.name.label("service_name"),
        AuditEvent.changes,
        AuditEvent.request_id,
        AuditEvent.ip_address,
        AuditEvent.user_agent,
        Referral.reference.label("referral_reference"),
        AuditEvent.id,
    )


def _user_condition(user: str):
    """An email address matches the event's actor exactly (any case); anything else is part of a user's name."""
    text = user.strip().lower()
    if "@" in text:
        return func.lower(AuditEvent.actor_label) == text
    names = select(User.id).where(func.lower(User.name).contains(text, autoescape=True))
    return AuditEvent.actor_user_id.in_(names)


def _referral_condition(reference: str):
    """Events about the referral with this reference: its own, and those of its cases."""
    referral_id = select(Referral.id).where(Referral.reference == reference.strip().upper()).scalar_subquery()
    return or_(AuditEvent.referral_id == referral_id,
               and_(AuditEvent.object_type == "referral", AuditEvent.object_id == func.cast(referral_id, String)))


def _case_condition(case_id: int):
    return or_(AuditEvent.case_id == case_id,
               and_(AuditEvent.object_type == "case", AuditEvent.object_id == str(case_id)))


def _events_query(filters: EventFilters):
    """One SELECT: events with the actor's current name, the service's name and the referral's reference (never
    a victim's name), newest first."""
    query = (
        select(*_event_columns())
        .outerjoin(User, User.id == AuditEvent.actor_user_id)
        .outerjoin(Service, Service.id == AuditEvent.service_id)
        .outerjoin(Referral, Referral.id == AuditEvent.referral_id)
    )
    if filters.user_email:
        query = query.where(func.lower(AuditEvent.actor_label) == filters.user_email.strip().lower())
    if filters.user:
        query = query.where(_user_condition(filters.user))
    if filters.reference:
        query = query.where(_referral_condition(filters.reference))
    if filters.case_id:
        query = query.where(_case_condition(filters.case_id))
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.object_type:
        query = query.where(AuditEvent.object_type == filters.object_type.strip())
    if filters.object_id:
        query = query.where(AuditEvent.object_id == filters.object_id.strip())
    if filters.date_from:
        query = query.where(AuditEvent.occurred_at >= _london_midnight_utc(filters.date_from))
    if filters.date_to:
        query = query.where(AuditEvent.occurred_at < _london_midnight_utc(filters.date_to + timedelta(days=1)))
    return query.order_by(AuditEvent.id.desc())


def changed_field_names(changes) -> list[str]:
    """The names of the fields an event describes; never their values."""
    if isinstance(changes, dict):
        return sorted(str(name) for name in changes)
    return []


def referral_exists(actor: Actor, reference: str) -> bool:
    """Whether a referral has this reference (so a search for a mistyped one says so rather than "no events")."""
    require(actor, "audit.view", "You do not have permission to read the audit trail")
    return db.session.scalar(select(Referral.id).where(Referral.reference == reference.strip().upper())) is not None


def search_events(actor: Actor, filters: EventFilters, page: int = 1, per_page: int = 50) -> Page:
    """A page of events matching the filters, newest first. Records one "list" event for the page."""
    require(actor, "audit.view", "You do not have permission to read the audit trail")
    result = _event_page(_events_query(filters), page, per_page)
    audit.record(actor, "list", "audit_events", None,
                 changes={"filters": filters.as_audit_detail(), "page": result.page, "rows": len(result.items),
                          "ids": audit.shown(result.items, lambda row: row.seq)})
    return result


def start_export(actor: Actor, filters: EventFilters) -> int:
    """Record and commit the export before any row leaves; returns the id of the export's own event, the newest
    the export includes (events are numbered in the chain only once sealed, after the commit)."""
    require(actor, "audit.export", "You do not have permission to export the audit trail")
    event = audit.record(actor, "export", "audit_events", None,
                         changes={"filters": filters.as_audit_detail(), "format": "csv"})
    return event.id


def export_rows(filters: EventFilters, up_to_id: int):
    """CSV text, a header then one line per event, newest first, read in keyset batches so memory stays flat."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(CSV_COLUMNS)
    yield flush()
    below = up_to_id + 1
    while True:
        rows = db.session.execute(
            _events_query(filters).where(AuditEvent.id < below).limit(EXPORT_BATCH_SIZE)
        ).all()
        if not rows:
            break
        for row in rows:
            writer.writerow([
                row.seq,
                row.occurred_at.astimezone(timezone.utc).isoformat(),
                spreadsheet_text(row.actor_label),
                row.actor_user_id or "",
                spreadsheet_text(row.actor_role),
                row.actor_token_id or "",
                row.action,
                spreadsheet_text(row.object_type),
                spreadsheet_text(row.object_id),
                row.referral_id or "",
                row.case_id or "",
                spreadsheet_text(row.service_name),
                spreadsheet_text(" ".join(changed_field_names(row.changes))),
                spreadsheet_text(row.request_id),
                spreadsheet_text(row.ip_address),
                spreadsheet_text(row.user_agent),
            ])
        below = rows[-1].id
        yield flush()


# The Commissioner's summary -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class MonthlyCount:
    month: str  # "2026-11"
    key: str  # an action slug or a service name
    events: int


@dataclass(frozen=True)
class AuditSummary:
    since: date
    by_action: list[MonthlyCount]
    by_service: list[MonthlyCount]
    latest_verification: "audit.VerificationResult | None"


def _month_of(column):
    """The UTC calendar month of a timestamp as "YYYY-MM", in SQL the database can GROUP BY."""
    if db.engine.dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM")
    return func.strftime("%Y-%m", column)  # SQLite stores UTC timestamps as ISO text


def _months_ago_start(months: int, today: date) -> date:
    year, month = today.year, today.month - (months - 1)
    while month < 1:
        month += 12
        year -= 1
    return date(year, month, 1)


def audit_summary(actor: Actor, months: int = SUMMARY_MONTHS, today: date | None = None) -> AuditSummary:
    """Counts of events per month by action and by service, and the latest chain verification. Aggregates
    only: no names, no object ids, no free text. Recorded as a report run."""
    require(actor, "audit.summary", "You do not have permission to see the audit summary")
    since = _months_ago_start(months, today or utc_now().date())
    start = datetime.combine(since, time.min, timezone.utc)
    month = _month_of(AuditEvent.occurred_at).label("month")
    by_action = db.session.execute(
        select(month, AuditEvent.action, func.count())
        .where(AuditEvent.occurred_at >= start)
        .group_by(month, AuditEvent.action)
        .order_by(month.desc(), AuditEvent.action)
    ).all()
    service_name = func.coalesce(Service.name, "No service").label("service_name")
    by_service = db.session.execute(
        select(month, service_name, func.count())
        .select_from(AuditEvent)
        .outerjoin(Service, Service.id == AuditEvent.service_id)
        .where(AuditEvent.occurred_at >= start)
        .group_by(month, service_name)
        .order_by(month.desc(), service_name)
    ).all()
    latest = db.session.execute(
        select(AuditVerification.ok, AuditVerification.events_checked, AuditVerification.first_broken_seq,
               AuditVerification.message, AuditVerification.ran_at)
        .order_by(AuditVerification.ran_at.desc(), AuditVerification.id.desc())
        .limit(1)
    ).first()
    audit.record(actor, "report-run", "audit_summary", None, changes={"since": since.isoformat()})
    return AuditSummary(
        since=since,
        by_action=[MonthlyCount(m, action, count) for m, action, count in by_action],
        by_service=[MonthlyCount(m, name, count) for m, name, count in by_service],
        latest_verification=audit.VerificationResult(*latest) if latest else None,
    )


def verify_now(actor: Actor) -> audit.VerificationResult:
    """Walk the chain now, keep the result for the summary page, and record who asked for it."""
    require(actor, "audit.summary", "You do not have permission to verify the audit trail")
    result = audit.verify_chain()
    audit.store_verification(result)
    audit.record(actor, "audit-verified", "audit_chain", None, changes={
        "ok": result.ok, "events_checked": result.events_checked, "first_broken_seq": result.first_broken_seq,
    })
    return result
