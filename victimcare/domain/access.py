"""Who may do what: the one permission mechanism, used by the service layer and by routes.

Roles (fixed slugs): caseworker logs and triages referrals; advocate works their own service's cases;
commissioner sees aggregate reports only; admin manages users and services and reads the audit trail,
never case content.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "caseworker": frozenset({"referral.create", "referral.view", "referral.triage", "person.search", "record.search",
                             "code-rights.view", "code-rights.record"}),
    "advocate": frozenset({"case.view", "case.work", "referral.view", "record.search", "code-rights.view",
                           "code-rights.record"}),
    "commissioner": frozenset({"report.view", "audit.summary"}),
    # The data protection officer: reviews break-glass access to restricted records and handles data-rights
    # requests; opens a person's record only within a request they work on (may_open_record_within_request).
    "dpo": frozenset({"break-glass.review", "data-rights.manage", "retention.manage"}),
    "admin": frozenset({"user.manage", "service.manage", "audit.view", "audit.export", "webhook.manage",
                        "jobs.view"}),
}
# Anyone, signed in or not, may refer themselves through the public form.
PUBLIC_PERMISSIONS = frozenset({"referral.self-refer"})
# The system actor (CLI commands, scheduled jobs) is run by whoever runs the server, who holds the database.
ROLE_PERMISSIONS["system"] = frozenset().union(*ROLE_PERMISSIONS.values(), PUBLIC_PERMISSIONS)


@dataclass(frozen=True)
class Principal:
    """The facts about an actor that permissions depend on; built from a User, an API token or the public."""

    role: str | None
    service_id: int | None = None
    is_lead: bool = False
    user_id: int | None = None
    is_marac_coordinator: bool = False


def has_permission(principal: Principal, permission: str) -> bool:
    if principal.role is None:
        return permission in PUBLIC_PERMISSIONS
    return permission in ROLE_PERMISSIONS.get(principal.role, frozenset())


def referral_permission(principal: Principal, source: str) -> str:
    """The permission a referral from this source needs: the public may refer themselves; staff who refer on
    anyone's behalf (a self-referral typed in for a victim included) need referral.create."""
    if source == "self-referral" and principal.role is None:
        return "referral.self-refer"
    return "referral.create"


def may_change_routing(principal: Principal) -> bool:
    """Caseworkers add and remove routes (with a reason); the page offers the forms only to them."""
    return has_permission(principal, "referral.triage")


def can_see_service_record(principal: Principal, service_id: int | None) -> bool:
    """Advocates see only their own service's cases; no other role sees case content."""
    return principal.role == "advocate" and principal.service_id is not None and principal.service_id == service_id


def may_see_code_rights_of(principal: Principal, service_id: int | None) -> bool:
    """A case's Victims' Code events: an advocate on their own service's cases; a caseworker on any case, as
    they see every referral and police decisions reach the victim care unit through them (and their API tokens)."""
    return principal.role == "caseworker" or can_see_service_record(principal, service_id)


def searches_own_service_only(principal: Principal) -> bool:
    """Advocates' searches cover their own service's cases; caseworkers' cover every referral."""
    return principal.role == "advocate"


def can_view_referral(principal: Principal, routed_service_ids: set[int]) -> bool:
    """Caseworkers see every referral; advocates only those routed to their service."""
    if principal.role == "caseworker":
        return True
    return principal.role == "advocate" and principal.service_id in routed_service_ids


def belongs_to_a_service(role: str | None) -> bool:
    """Advocates work inside exactly one service; no other role belongs to one."""
    return role == "advocate"


def is_service_lead(principal: Principal) -> bool:
    """A service lead: an advocate who assigns their service's cases and approves its closures."""
    return principal.role == "advocate" and principal.service_id is not None and principal.is_lead


def is_service_lead_for(principal: Principal, service_id: int | None) -> bool:
    return is_service_lead(principal) and can_see_service_record(principal, service_id)


def is_marac_coordinator(principal: Principal, service_runs_marac: bool) -> bool:
    """A MARAC coordinator: an advocate of a service that refers to MARAC (``service_runs_marac``, its
    ServiceFeatures.marac), with the coordinator flag. The flag opens no case beyond the advocate's own service:
    it adds the meetings, their agendas and the partner share of that service's cases."""
    return (principal.role == "advocate" and principal.service_id is not None and principal.is_marac_coordinator
            and service_runs_marac)


def may_be_marac_coordinator(role: str | None, service_runs_marac: bool) -> bool:
    """Who the coordinator flag may be set on: an advocate of a service that refers to MARAC."""
    return role == "advocate" and service_runs_marac


def may_coordinate_marac_for(principal: Principal, service_id: int | None, service_runs_marac: bool) -> bool:
    """Whether the actor runs MARAC meetings over this service's cases: a coordinator of that very service."""
    return is_marac_coordinator(principal, service_runs_marac) and principal.service_id == service_id


def may_hold_cases_of(principal: Principal, service_id: int | None) -> bool:
    """Who a case may be assigned to (or a task given to): an advocate of the case's own service."""
    return can_see_service_record(principal, service_id)


def may_approve_closure(principal: Principal, requested_by_id: int | None, allow_self_approval: bool) -> bool:
    """A lead approves a closure; their own request needs another lead unless the service allows
    self-approval. (Whether a closure is waiting at all is the case's lifecycle, not a permission.)"""
    if not is_service_lead(principal):
        return False
    return requested_by_id != principal.user_id or bool(allow_self_approval)


def home_page(principal: Principal) -> str:
    """Which home page a signed-in person lands on: caseworker, advocate, commissioner, dpo or admin."""
    if principal.role in ("caseworker", "advocate", "commissioner", "dpo"):
        return principal.role
    return "admin"


# --- restricted records and break-glass --------------------------------------------------------------------------
# A restricted person's records open only for the staff named on the restriction; anyone else who could otherwise
# see them sees "Restricted record" (no name, contact details or notes) and must break the glass: give a reason and
# get access for a limited time, which their service lead is told of and a lead or the data protection officer
# reviews. An API token never breaks the glass: to a token whose user is not named, a restricted case is not found.

RESTRICTED_RECORD_LABEL = "Restricted record"
DEFAULT_BREAK_GLASS_MINUTES = 60


@dataclass(frozen=True)
class RecordAccess:
    """The facts about one actor and one person's record that decide whether it opens."""

    restricted: bool
    named: bool = False
    break_glass_until: datetime | None = None


def reports_in_whole_months(principal: Principal) -> bool:
    """The commissioner's report periods snap to whole calendar months (differencing; docs/security.md). Staff
    who work the cases see them anyway, so their reports keep the days they ask for."""
    return principal.role == "commissioner"


def may_restrict(principal: Principal) -> bool:
    """Caseworkers and service leads mark records restricted and choose who may open them."""
    return principal.role == "caseworker" or (principal.role == "advocate" and principal.is_lead)


def bypasses_restrictions(principal: Principal) -> bool:
    """CLI commands and scheduled jobs (the system actor) are run by whoever runs the server, who holds the
    database: restrictions do not apply to them."""
    return principal.role == "system"


def may_open_record(principal: Principal, access: RecordAccess, now: datetime, *, through_api: bool = False) -> bool:
    """Whether a record the actor's role lets them see also opens for them: it is not restricted, they are named on
    the restriction, or (not through the API) their break-glass access has not yet run out."""
    if bypasses_restrictions(principal) or not access.restricted or access.named:
        return True
    if through_api or access.break_glass_until is None:
        return False
    return now < access.break_glass_until


def break_glass_expiry(granted_at: datetime, minutes: int) -> datetime:
    return granted_at + timedelta(minutes=max(1, minutes))


def may_review_break_glass(principal: Principal, service_ids: set[int], accessed_by: int | None) -> bool:
    """A lead of a service holding the record, or the data protection officer, judges a break-glass access;
    never the person who broke the glass."""
    if principal.user_id is not None and principal.user_id == accessed_by:
        return False
    if reviews_every_break_glass(principal):
        return True
    return is_service_lead(principal) and principal.service_id in service_ids


def may_see_break_glass_reviews(principal: Principal) -> bool:
    return reviews_every_break_glass(principal) or is_service_lead(principal)


def reviews_every_break_glass(principal: Principal) -> bool:
    """The data protection officer reviews break-glass access on every service; a lead, on their own."""
    return principal.role == "dpo"


# --- data-rights requests ----------------------------------------------------------------------------------------
# The data protection officer records and answers subject access, rectification and erasure requests. They never
# browse case content: a person's whole record opens for them only inside an open request they are working on, and
# each such view is audited with the request's id.


def may_open_record_within_request(principal: Principal, handled_by_id: int | None, request_open: bool) -> bool:
    return (has_permission(principal, "data-rights.manage") and principal.user_id is not None
            and principal.user_id == handled_by_id and request_open)


# --- retention: legal holds and the retention report ------------------------------------------------------------
# The data protection officer sees the retention report (counts and referral references, never names) and holds
# any person's records from the purge; a service lead holds the records of a person their service has a case for.


def may_place_legal_hold(principal: Principal, service_ids: set[int]) -> bool:
    """Who may put a person on legal hold, or lift it: the data protection officer, or a lead of a service holding
    one of the person's cases (``service_ids``)."""
    if has_permission(principal, "retention.manage"):
        return True
    return is_service_lead(principal) and principal.service_id in service_ids


def may_use_legal_holds(principal: Principal) -> bool:
    """Whether the legal-hold pages are for this person at all: the data protection officer and service leads."""
    return has_permission(principal, "retention.manage") or is_service_lead(principal)


def sees_every_legal_hold(principal: Principal) -> bool:
    return has_permission(principal, "retention.manage")


def may_record_records_request(principal: Principal, service_id: int | None) -> bool:
    """Requests for a victim's records: the staff of the case's service (who hold the records asked for) and the
    data protection officer (who oversees disclosure) see and record them."""
    return can_see_service_record(principal, service_id) or has_permission(principal, "data-rights.manage")


# --- separation of duties for accounts ----------------------------------------------------------------------------
# An administrator cannot give an account access to case data alone: creating a caseworker or advocate, changing a
# role or service, setting the lead flag or reactivating such an account waits for a second person. The service's
# lead approves for advocates of that service (another administrator when it has no lead who could); another
# administrator approves the rest. Never the person who asked, nor the account itself.

# Permissions that open victims' records (names, contact details, notes).
CASE_DATA_PERMISSIONS = frozenset({"referral.view", "referral.triage", "person.search", "case.view", "case.work",
                                   "code-rights.view", "code-rights.record"})


@dataclass(frozen=True)
class AccountAccess:
    """What an account may reach: its role, service, lead flag and whether it is active."""

    role: str
    service_id: int | None = None
    is_lead: bool = False
    active: bool = True


def opens_case_data(role: str | None) -> bool:
    return role == "dpo" or bool(ROLE_PERMISSIONS.get(role or "", frozenset()) & CASE_DATA_PERMISSIONS)


def change_needs_approval(principal: Principal, before: AccountAccess | None, after: AccountAccess) -> bool:
    """Whether a change to an account (``before`` None: a new account) must wait for a second person: it leaves
    the account active in a role that opens case data, and it is new, reactivated, or gains a role, a service or
    the lead flag. The system actor (the CLI, run by whoever holds the database) never waits."""
    if principal.role == "system" or not (after.active and opens_case_data(after.role)):
        return False
    if before is None or not before.active:
        return True
    return (before.role != after.role or before.service_id != after.service_id
            or (after.is_lead and not before.is_lead))


def approved_by_service_lead(after: AccountAccess, service_has_other_lead: bool) -> bool:
    """An advocate's change is approved by their service's lead, when the service has one other than the account;
    everything else by another administrator."""
    return after.role == "advocate" and after.service_id is not None and service_has_other_lead


def may_approve_account_change(principal: Principal, *, requested_by: int | None, account_id: int,
                               approver_service_id: int | None) -> bool:
    """Who may decide a waiting change: a lead of ``approver_service_id`` when it is set, otherwise an
    administrator; never the person who asked for it, nor the account it changes."""
    if principal.user_id is None or principal.user_id in (requested_by, account_id):
        return False
    if approver_service_id is not None:
        return is_service_lead_for(principal, approver_service_id)
    return principal.role == "admin"


def may_see_account_changes(principal: Principal) -> bool:
    """Administrators and service leads see the account changes waiting for them."""
    return principal.role == "admin" or is_service_lead(principal)
