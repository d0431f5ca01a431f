"""What the referral operations take: a referral from a form, the API or the demo seeder, and the details a
caseworker completes at triage. Plain data; the operations check it."""
from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass
class ContactDetails:
    """How the victim may be reached safely: the details the referral records and triage may correct."""

    phone: str | None = None
    email: str | None = None
    may_phone: bool = False
    may_leave_voicemail: bool = False
    may_write: bool = False
    may_email: bool = False
    may_text: bool = False
    address: str | None = None
    safe_contact_notes: str | None = None
    interpreter_needed: bool | None = None
    first_language: str | None = None


@dataclass(kw_only=True)
class VictimDetails(ContactDetails):
    given_name: str
    family_name: str
    date_of_birth: date | None = None
    borough_code: str | None = None
    postcode: str | None = None
    preferred_contact_times: list[str] | None = None  # vocab CONTACT_TIMES; None: not asked
    # Equality monitoring (special-category data): None = not asked; "prefer-not-to-say" is an answer.
    sex: str | None = None
    gender_identity: str | None = None
    ethnicity: str | None = None
    disability: str | None = None
    religion: str | None = None
    sexual_orientation: str | None = None


@dataclass
class PerpetratorDetails:
    """The person causing harm, as the victim or referrer describes them (domestic abuse)."""

    name: str | None = None
    relationship_to_victim: str | None = None
    date_of_birth: date | None = None
    lives_with_victim: bool | None = None


@dataclass
class ParentCarerDetails:
    """A child victim's parent or carer, and whether it is safe to contact them."""

    name: str
    relationship_to_victim: str | None = None
    phone: str | None = None
    safe_to_contact: bool | None = None
    notes: str | None = None


@dataclass
class DashAnswers:
    yes_count: int
    professional_judgement: bool = False
    professional_judgement_reason: str | None = None
    incidents_last_12_months: int | None = None
    answers: dict | None = None


@dataclass
class ReferralInput:
    """A validated referral, from a form, the API or the demo seeder."""

    source: str
    offence_category: str
    victim: VictimDetails | None = None
    person_id: int | None = None
    offence_date: date | None = None
    offence_borough_code: str | None = None
    crime_reference: str | None = None
    description: str | None = None
    domestic_abuse: bool = False
    sexual_offence: bool = False
    hate_strands: list[str] = field(default_factory=list)
    weapon_involved: bool = False
    persistently_targeted: bool = False
    bereaved_relative: bool = False
    vulnerable_or_intimidated: bool = False
    most_serious_crime: bool = False
    trafficking: bool = False
    child_sexual_exploitation: bool = False
    additional_needs: bool = False
    consent_referral: bool | None = None
    consent_given_by: str | None = None
    consent_method: str | None = None
    rj_requested: bool = False
    rj_consent: bool = False
    code_complaint: bool = False
    dash: DashAnswers | None = None
    received_at: datetime | None = None
    referrer_name: str | None = None
    referrer_organisation: str | None = None
    needs_triage: bool = False
    # A self-referral waits for a person: no route and no case until a caseworker confirms it at triage.
    hold_for_triage: bool = False
    # Recorded when the victim did not consent (or was not asked) but a lawful basis allows the referral.
    lawful_basis: str | None = None
    perpetrator: PerpetratorDetails | None = None
    parent_carer: ParentCarerDetails | None = None
    children_in_household: str | None = None  # vocab CHILDREN_IN_HOUSEHOLD
    household_children_details: str | None = None


@dataclass
class TriageCompletion:
    """What a caseworker fills in or corrects when confirming a triage referral. None leaves a value unchanged."""

    given_name: str | None = None
    family_name: str | None = None
    date_of_birth: date | None = None
    postcode: str | None = None
    offence_category: str | None = None
    offence_date: date | None = None
    offence_borough_code: str | None = None
    crime_reference: str | None = None
    domestic_abuse: bool = False
    sexual_offence: bool = False
    hate_strands: list[str] = field(default_factory=list)
    persistently_targeted: bool = False
    vulnerable_or_intimidated: bool = False
    bereaved_relative: bool = False
    consent_referral: bool | None = None
    contact: "ContactChanges | None" = None  # the contact details as the caseworker leaves them (None: not shown)
