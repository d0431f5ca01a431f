"""Every table that holds something about a person, and where its rows sit in the subject access copy.

A source is read by the column that ties it to its parent: a person's own rows by ``person_id``, a referral's by
``referral_id``, a case's by ``case_id``. tests/test_subject_access.py fails when a model table with a
``person_id``, ``referral_id`` or ``case_id`` column is neither here nor in ``NOT_COPIED`` (with the reason): add a new table to
one or the other in the same change that creates it.
"""
from dataclasses import dataclass, field

from ...models import (
    BreakGlassAccess,
    Case,
    CaseNote,
    CaseStep,
    CodeEvent,
    ContactAttempt,
    DataRightsRequest,
    ErasureDecision,
    JusticeWithdrawal,
    JusticeWithdrawalReason,
    LegalHold,
    MaracAction,
    MaracAgendaItem,
    MaracHearing,
    ParentCarer,
    Perpetrator,
    Person,
    RecordRestriction,
    RecordsRequest,
    Referral,
    ReferralStrand,
    RiskAssessment,
    RoutingDecision,
    Task,
    VictimMessage,
)


@dataclass(frozen=True)
class Source:
    """One table in the copy: its section title, its parent section and the column linking them, and which of its
    text fields are checked for other people (``review_fields``); ``review_all`` flags those fields on every row
    (what they hold is about someone else by nature, like a DASH checklist about the perpetrator)."""

    key: str
    model: type
    title: str
    parent: str | None  # None: the person's own rows
    link: str  # the column holding the parent's id (or "id" for the person themselves)
    review_fields: tuple[str, ...] = ()
    review_all: str | None = None
    sensitive_flag: str | None = None  # a boolean column that, when true, flags the row's review fields
    leave_out: tuple[str, ...] = field(default_factory=tuple)  # internal columns nobody needs in a copy


SOURCES: tuple[Source, ...] = (
    Source("people", Person, "Your details", None, "id", review_fields=("safe_contact_notes",),
           leave_out=("given_name_key", "family_name_key")),
    Source("referrals", Referral, "Referrals", None, "person_id",
           review_fields=("description", "referrer_name", "consent_given_by", "safe_contact_notes",
                          "not_proceeding_detail", "not_routed_reason")),
    Source("referral_strands", ReferralStrand, "Hate crime strands", "referrals", "referral_id"),
    Source("perpetrators", Perpetrator, "The person who harmed you, as the referral describes them", "referrals",
           "referral_id", review_fields=("name", "date_of_birth", "relationship_to_victim", "lives_with_victim"),
           review_all="Details of the perpetrator"),
    Source("parent_carers", ParentCarer, "Parents and carers", "referrals", "referral_id",
           review_fields=("name", "phone", "notes", "relationship_to_victim"),
           review_all="Details of a parent or carer (household)"),
    Source("routing_decisions", RoutingDecision, "Routing decisions and their reasons", "referrals", "referral_id"),
    Source("risk_assessments", RiskAssessment, "Risk assessments (DASH)", "referrals", "referral_id",
           review_fields=("answers", "professional_judgement_reason"),
           review_all="Describes the perpetrator's behaviour (DASH answers)"),
    Source("cases", Case, "Cases", "referrals", "referral_id",
           review_fields=("decline_reason", "support_plan", "safeguarding_lead")),
    Source("contact_attempts", ContactAttempt, "Contacts", "cases", "case_id",
           review_fields=("note", "against_rule_reason")),
    Source("case_notes", CaseNote, "Notes", "cases", "case_id", review_fields=("body",),
           sensitive_flag="sensitive"),
    Source("tasks", Task, "Tasks", "cases", "case_id", review_fields=("title",)),
    Source("case_steps", CaseStep, "Steps", "cases", "case_id", review_fields=("detail",)),
    Source("victim_messages", VictimMessage, "Messages sent to you", "cases", "case_id",
           leave_out=("notify_id", "notify_template_id")),
    Source("code_events", CodeEvent, "Victims' Code rights", "cases", "case_id", review_fields=("note",)),
    Source("justice_withdrawals", JusticeWithdrawal, "Withdrawing from the justice process", "cases", "case_id",
           review_fields=("other_details",)),
    Source("justice_withdrawal_reasons", JusticeWithdrawalReason, "Reasons given", "justice_withdrawals",
           "withdrawal_id"),
    Source("marac_agenda_items", MaracAgendaItem, "MARAC: on a meeting's agenda", "cases", "case_id",
           review_fields=("added_reason", "deferred_reason")),
    Source("marac_hearings", MaracHearing, "MARAC: what was discussed", "cases", "case_id",
           review_fields=("risks_discussed", "victim_views"),
           review_all="MARAC discussions describe the perpetrator and other people at risk"),
    Source("marac_actions", MaracAction, "MARAC: actions agreed", "cases", "case_id",
           review_fields=("owner", "description"),
           review_all="MARAC actions name agencies' staff and may describe other people"),
    Source("records_requests", RecordsRequest, "Requests for your records from the police or others", "cases",
           "case_id", review_fields=("requester_name", "records_sought", "purpose", "victim_response",
                                     "decision_reason", "disclosed_what")),
    Source("record_restrictions", RecordRestriction, "Restriction of your record", None, "person_id",
           review_fields=("reason",)),
    Source("break_glass_accesses", BreakGlassAccess, "Emergency openings of your restricted record", None,
           "person_id", review_fields=("reason", "review_note")),
    Source("legal_holds", LegalHold, "Holds on deleting your records", None, "person_id",
           review_fields=("detail", "lift_reason")),
    Source("erasure_decisions", ErasureDecision, "Decisions on your requests to erase your records", None,
           "person_id", review_fields=("reasons",)),
    Source("data_rights_requests", DataRightsRequest, "Your data-protection requests", None, "person_id",
           review_fields=("requester_name", "authority_seen", "identity_check_note"),
           leave_out=("due_on",)),
)
BY_KEY = {source.key: source for source in SOURCES}

# Tables with a person_id or case_id column that the copy covers another way, or leaves out, and why.
NOT_COPIED: dict[str, str] = {
    "audit_events": "summarised as the access log: who looked at or changed the record, by role and service",
    "record_restriction_users": "which members of staff may open a restricted record: staff identities, not "
                                "information about the person",
}

# Columns never copied from any table: staff identities (a copy names roles and services, not staff), and the
# optimistic-locking counter.
STAFF_AND_INTERNAL = frozenset({"version", "password_hash"})


def copied_columns(source: Source) -> list[str]:
    return [column.key for column in source.model.__table__.columns
            if column.key not in STAFF_AND_INTERNAL and column.key not in source.leave_out
            and not column.key.endswith("_by_id") and column.key not in ("assigned_to_id", "user_id",
                                                                         "handled_by_id")]
