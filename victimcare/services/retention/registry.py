"""What the purge does to each table that holds something about a person: the registry.

Every table with a ``person_id``, ``referral_id`` or ``case_id`` column (and ``people`` itself) is listed here,
and every text column of it (String, Text, JSON) is either scrubbed (written over with the value given) or kept,
with the reason it may stay: a coded value the reports count, or no personal value at all. A test
(tests/test_retention_registry.py) fails when a model gains such a table or column without an entry, so adding
one means deciding here what its purge does.

A table's rows of a person are found by its first column of: ``person_id`` (the person), ``referral_id`` (their
referrals), ``case_id`` (their cases); ``people`` by its id and ``cases`` by ``referral_id``.
"""
from dataclasses import dataclass, field


@dataclass(frozen=True)
class TableRule:
    scrub: dict[str, object] = field(default_factory=dict)
    keep: frozenset[str] = frozenset()
    delete_rows: bool = False
    keep_all: bool = False  # nothing personal in it at all (say why in ``note``)
    note: str = ""


# Coded values the reports count (domain/vocab.py slugs), kept in anonymous rows.
_CODED = "coded values (vocabulary slugs) the reports count"

REGISTRY: dict[str, TableRule] = {
    "people": TableRule(
        scrub={"given_name": "", "family_name": "", "given_name_key": None, "family_name_key": None,
               "date_of_birth": None, "postcode": None, "borough_code": None, "phone": None, "email": None,
               "address": None, "safe_contact_notes": None, "safe_contact_from": None, "safe_contact_until": None,
               "preferred_contact_times": None,
               "gender_identity": None, "religion": None, "sexual_orientation": None, "first_language": None,
               "interpreter_needed": None},
        keep=frozenset({"sex", "ethnicity", "disability"}),
        note="The equality answers the equality report counts stay, in their bands; the age band is kept on each "
             "case before the date of birth goes.",
    ),
    "referrals": TableRule(
        scrub={"referrer_name": None, "referrer_organisation": None, "description": None, "crime_reference": None,
               "external_id": None, "consent_given_by": None, "not_routed_reason": None,
               "not_proceeding_detail": None, "safe_contact_notes": None, "offence_date": None,
               "age_at_offence": None, "signposting_reason": None, "household_children_details": None},
        keep=frozenset({"reference", "status", "source", "offence_category", "offence_borough_code",
                        "consent_method", "lawful_basis", "enhanced_reasons", "dash_level", "not_proceeding_reason",
                        "signposted_to", "children_in_household"}),
        note="The reference stays so the row is one record, but the API and every page answer 404 for it.",
    ),
    "perpetrators": TableRule(delete_rows=True, note="Perpetrator details are deleted."),
    "parent_carers": TableRule(delete_rows=True, note="A child's parents' and carers' details are deleted."),
    "referral_strands": TableRule(keep=frozenset({"strand"}), note=_CODED),
    "routing_decisions": TableRule(scrub={"reason": ""}, keep=frozenset({"kind", "rule", "reason_code", "priority",
                                                                         "lawful_basis"}), note=_CODED),
    "risk_assessments": TableRule(
        scrub={"answers": None, "professional_judgement_reason": None, "incidents_last_12_months": None},
        keep=frozenset({"actuarial_level", "level", "marac_reasons"}), note="DASH answers go; the levels stay."),
    "cases": TableRule(
        scrub={"route_reason": "", "decline_reason": None, "support_plan": None, "safeguarding_lead": None,
               "needs": None, "specialist_risk_reason": None},
        keep=frozenset({"status", "priority", "rule", "age_band", "borough_code", "decline_reason_code",
                        "transfer_reason_code", "closure_reason", "outcome_feels_safer",
                        "outcome_better_able_to_cope", "outcome_better_informed", "complaint_agency",
                        "complaint_code_right"}),
        note="The report columns (dates, status, coded reasons, outcomes, age band) stay.",
    ),
    "contact_attempts": TableRule(scrub={"note": None, "against_rule_reason": None},
                                  keep=frozenset({"method", "outcome", "against_rule"}), note=_CODED),
    "case_notes": TableRule(delete_rows=True, note="Notes are deleted."),
    "tasks": TableRule(scrub={"title": ""}, note="Tasks' text goes; their dates stay."),
    "case_steps": TableRule(scrub={"detail": None}, keep=frozenset({"step"}), note=_CODED),
    "victim_messages": TableRule(
        scrub={"appointment_place": None, "refusal": None, "notify_id": None},
        keep=frozenset({"channel", "template", "notify_template_id", "status"}),
        note="The destination was never stored; the place, the refusal and Notify's id (which finds the "
             "recipient in Notify) go."),
    "break_glass_accesses": TableRule(scrub={"reason": "", "review_note": None},
                                      note="The staff member's reasons may describe the victim."),
    "record_restrictions": TableRule(keep=frozenset({"reason"}), note=_CODED),
    "record_restriction_users": TableRule(keep_all=True, note="Staff ids only."),
    "legal_holds": TableRule(scrub={"detail": None, "lift_reason": None}, keep=frozenset({"reason"}),
                             note="A held person is never purged; a lifted hold's words go with the person."),
    "justice_withdrawals": TableRule(scrub={"other_details": None}, keep=frozenset({"stage"}),
                                     note="The stage and the coded reasons the attrition report counts stay; the "
                                          "details of an other reason go."),
    "code_events": TableRule(scrub={"note": None}, keep=frozenset({"right", "event", "decision"}), note=_CODED),
    "data_rights_requests": TableRule(
        scrub={"requester_name": None, "authority_seen": None, "identity_check_note": None, "scope": None,
               "correction_reason": None},
        keep=frozenset({"kind", "requester", "identity_check", "status", "corrected_fields", "extension_reason",
                        "outcome_note", "redactions"}),
        note="The request stays as the record that it was answered: its kind, dates, status, the corrected field "
             "names and the DPO's reasons for an extension and the outcome (written without personal details), the "
             "names of the fields withheld from a released copy (table.row.field, no values); who asked, what they "
             "asked in their words and how identity was checked go."),
    "records_requests": TableRule(
        scrub={"requester_name": "", "records_sought": "", "purpose": "", "victim_response": None,
               "decision_reason": None, "disclosed_what": None},
        keep=frozenset({"requester_kind", "records_kind", "decision"}),
        note="Who asked (by kind), which kind of records and the decision stay, with their dates; the words go."),
    "marac_agenda_items": TableRule(scrub={"added_reason": None, "deferred_reason": None},
                                    keep=frozenset({"source", "risk_level", "criteria"}), note=_CODED),
    "marac_hearings": TableRule(scrub={"risks_discussed": "", "victim_views": ""},
                                keep=frozenset({"agencies_present"}), note=_CODED),
    "marac_actions": TableRule(scrub={"owner": "", "description": ""}, keep=frozenset({"agency"}), note=_CODED),
    "erasure_decisions": TableRule(keep=frozenset({"decision", "grounds", "exemptions", "reasons"}),
                                   note="The decision stays as the record of how the request was answered: coded "
                                        "grounds and exemptions and the DPO's reasons (written without personal "
                                        "details)."),
    "audit_events": TableRule(keep_all=True, note="Audit events hold ids and field names, never personal values "
                                                  "(docs/security.md); they stay so the chain still verifies."),
}

# Order of the work for one person: rows that point at others first.
ORDER = list(REGISTRY)
