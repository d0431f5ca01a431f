"""Fixed vocabularies: the slugs stored in the database and the plain-English labels shown to people.

Every vocabulary is an ordered tuple of ``(slug, label)`` pairs, so it can be passed straight to a form as its
choices and its order is the order people see. Slugs are stable identifiers: never rename one that has been
stored; add a new one and stop offering the old one instead.
"""
from collections.abc import Iterable

Vocabulary = tuple[tuple[str, str], ...]

PREFER_NOT_TO_SAY = ("prefer-not-to-say", "Prefer not to say")

# Offences. The first seven are the "MOPAC 7" neighbourhood crime categories, kept together and in that order.
OFFENCE_CATEGORIES: Vocabulary = (
    ("violence-with-injury", "Violence with injury"),
    ("robbery", "Robbery"),
    ("burglary", "Burglary"),
    ("criminal-damage", "Criminal damage"),
    ("theft-from-the-person", "Theft from the person"),
    ("theft-of-motor-vehicle", "Theft of a motor vehicle"),
    ("theft-from-motor-vehicle", "Theft from a motor vehicle"),
    ("sexual-offence", "Sexual offence"),
    ("domestic-abuse", "Domestic abuse"),
    ("hate-crime", "Hate crime"),
    ("stalking-harassment", "Stalking or harassment"),
    ("weapon-offence", "Knife or weapon crime"),
    ("fraud", "Fraud"),
    ("other", "Other offence"),
)

# The five monitored hate crime strands; more than one can apply to the same offence.
HATE_STRANDS: Vocabulary = (
    ("race", "Race"),
    ("religion", "Religion or belief"),
    ("sexual-orientation", "Sexual orientation"),
    ("disability", "Disability"),
    ("transgender-identity", "Transgender identity"),
)

SERVICES: Vocabulary = (
    ("child-house", "Child House"),
    ("domestic-abuse", "Domestic abuse advocacy"),
    ("hate-crime", "Hate crime advocacy"),
    ("restorative-justice", "Restorative justice"),
    ("victims-commissioner", "Victims' Commissioner casework"),
    ("victim-support", "Victim support"),
)

ROLES: Vocabulary = (
    ("caseworker", "Caseworker"),
    ("advocate", "Advocate"),
    ("commissioner", "Commissioner"),
    ("admin", "Administrator"),
    ("dpo", "Data protection officer"),
)

CASE_STATUSES: Vocabulary = (
    ("new", "New"),
    ("accepted", "Accepted"),
    ("declined", "Declined"),
    ("transferred", "Transferred"),
    ("in-progress", "In progress"),
    ("closed", "Closed"),
)
# Open cases: still the service's to work (queues, "overdue", caseloads, the partial indexes).
OPEN_CASE_STATUSES = ("new", "accepted", "in-progress")

CONTACT_METHODS: Vocabulary = (
    ("phone", "Phone call"),
    ("text-message", "Text message"),
    ("email", "Email"),
    ("letter", "Letter"),
    ("in-person", "In person"),
    ("video", "Video call"),
)

CONTACT_OUTCOMES: Vocabulary = (
    ("reached", "Spoke to the victim"),
    ("no-answer", "No answer"),
    ("left-message", "Left a message"),
    ("unsafe-to-talk", "Not safe to talk"),
    ("wrong-number", "Wrong number or address"),
)

REFERRAL_SOURCES: Vocabulary = (
    ("caseworker", "Caseworker"),
    ("police-api", "Police (automatic referral)"),
    ("partner", "Partner organisation"),
    ("self-referral", "Self-referral"),
)

CLOSURE_REASONS: Vocabulary = (
    ("support-completed", "Support completed"),
    ("declined-support", "Victim declined support"),
    ("not-contactable", "Could not make contact"),
    ("transferred", "Transferred to another service"),
    ("consent-withdrawn", "Consent withdrawn"),
)
# What an advocate may choose when asking to close a case: "consent withdrawn" is set only by recording the
# victim's withdrawal of consent (services/consent.py), which also stops all further contact.
CLOSURE_REASONS_REQUESTED: Vocabulary = tuple(r for r in CLOSURE_REASONS if r[0] != "consent-withdrawn")

OUTCOME_ANSWERS: Vocabulary = (
    ("improved", "Improved"),
    ("same", "Stayed the same"),
    ("worse", "Got worse"),
    ("not-asked", "Not asked"),
)

OUTCOME_QUESTIONS: Vocabulary = (
    ("feels-safer", "Feels safer"),
    ("better-able-to-cope", "Better able to cope"),
    ("better-informed", "Better informed about the criminal justice process"),
)

# The 12 rights of the Code of Practice for Victims of Crime (2020 version, in force 1 April 2021), in Code order.
VICTIMS_CODE_RIGHTS: Vocabulary = (
    ("understand-and-be-understood", "Understand and be understood"),
    ("crime-recorded", "Crime recorded without unjustified delay"),
    ("information-when-reporting", "Information when reporting"),
    ("referral-to-support", "Referral to support services"),
    ("information-about-compensation", "Information about compensation"),
    ("information-about-investigation", "Information about the investigation and prosecution"),
    ("victim-personal-statement", "Make a Victim Personal Statement"),
    ("information-about-trial", "Information about the trial"),
    ("outcome-and-appeals", "Outcome and appeals"),
    ("expenses-and-property", "Expenses and property"),
    ("information-about-offender", "Information about the offender after conviction"),
    ("make-a-complaint", "Make a complaint"),
)

# What happened for a victim under the Code: each event belongs to one right (domain/code_rights.py EVENT_RIGHT).
# Police and partner systems post them through the API (POST /api/v1/cases/{id}/code-events); staff on the case page.
CODE_EVENTS: Vocabulary = (
    ("told-about-code", "Told about the Victims' Code"),
    ("needs-assessed", "Needs assessed"),
    ("referred", "Referred to other support"),
    ("compensation-information", "Told about compensation"),
    ("vps-offered", "Offered a Victim Personal Statement"),
    ("vps-made", "Made a Victim Personal Statement"),
    ("decision-communicated", "Told of a police decision"),
    ("trial-dates-communicated", "Told the trial dates"),
    ("outcome-communicated", "Told the outcome"),
    ("complaint-information", "Told how to complain"),
)

# The police decisions a victim must be told of (no further action, arrest, release, bail, charge, court).
POLICE_DECISIONS: Vocabulary = (
    ("no-further-action", "No further action"),
    ("suspect-arrested", "Suspect arrested"),
    ("suspect-released", "Suspect released"),
    ("suspect-bailed", "Suspect bailed"),
    ("suspect-charged", "Suspect charged"),
    ("case-to-court", "Case sent to court"),
)

# Why a service declined a new case. Published in the routing report by code; the free text stays on the case.
DECLINE_REASONS: Vocabulary = (
    ("not-eligible", "Does not meet the service's criteria"),
    ("already-supported", "Already supported by this or another service"),
    ("no-consent", "The victim did not consent, or withdrew consent"),
    ("duplicate", "Duplicate referral"),
    ("outside-area", "Outside the area the service covers"),
    ("no-capacity", "The service has no capacity"),
    ("route-removed", "Route removed by a caseworker"),
    ("other", "Another reason"),
)
# "route-removed" is set by the app when a caseworker takes the route off; advocates are not offered it.
DECLINE_REASONS_OFFERED: Vocabulary = tuple(item for item in DECLINE_REASONS if item[0] != "route-removed")

# Why a case moved to another service.
TRANSFER_REASONS: Vocabulary = (
    ("better-fit", "Another service fits the victim's needs better"),
    ("risk-changed", "Risk or circumstances changed"),
    ("victim-request", "The victim asked to move"),
    ("no-capacity", "This service has no capacity"),
    ("other", "Another reason"),
)

# Why a caseworker added or removed a route the rules chose (or did not).
# Why a caseworker closed a referral at triage without routing it (counted in the routing-and-flow report).
NOT_PROCEEDING_REASONS: Vocabulary = (
    ("duplicate", "Duplicate of another referral"),
    ("spam", "Spam or not a real referral"),
    ("withdrawn", "The person withdrew it"),
    ("outside-london", "Outside London"),
    ("other", "Other"),
)

OVERRIDE_REASONS: Vocabulary = (
    ("need-not-captured", "A need the routing rules did not capture"),
    ("victim-choice", "The victim's choice"),
    ("already-supported", "Already supported by the service or elsewhere"),
    ("no-consent", "No consent for this service"),
    ("details-wrong", "The referral's details were wrong"),
    ("professional-judgement", "Professional judgement"),
    ("other", "Another reason"),
)

# The agencies a Victims' Code complaint can be about (Victims' Commissioner casework).
COMPLAINT_AGENCIES: Vocabulary = (
    ("met-police", "Metropolitan Police Service"),
    ("city-police", "City of London Police"),
    ("british-transport-police", "British Transport Police"),
    ("cps", "Crown Prosecution Service"),
    ("witness-care", "Witness Care Unit"),
    ("hmcts", "HM Courts and Tribunals Service"),
    ("probation", "Probation Service"),
    ("youth-justice", "Youth justice service"),
    ("cica", "Criminal Injuries Compensation Authority"),
    ("victim-service", "A victim support service"),
    ("other", "Another agency"),
)

VICTIMS_CODE_NEEDS: Vocabulary = (
    ("information", "Information"),
    ("safety", "Safety"),
    ("health", "Health"),
    ("housing", "Housing"),
    ("finance", "Money"),
    ("justice-process", "Criminal justice process"),
    ("emotional-support", "Emotional support"),
)

# --- Equality monitoring -------------------------------------------------------------------------------------
# Every list ends with "prefer not to say": answering is voluntary, and "declined to answer" is itself
# information a service needs to report honestly.

EQUALITY_QUESTIONS: dict[str, str] = {
    "sex": "What is your sex?",
    "gender_identity": "Is the gender you identify with the same as your sex registered at birth?",
    "ethnicity": "What is your ethnic group?",
    "disability": "Do you consider yourself to be disabled?",
    "religion": "What is your religion?",
    "sexual_orientation": "Which of the following best describes your sexual orientation?",
}

SEX: Vocabulary = (
    ("female", "Female"),
    ("male", "Male"),
    PREFER_NOT_TO_SAY,
)

GENDER_IDENTITY: Vocabulary = (
    ("yes", "Yes"),
    ("no", "No"),
    PREFER_NOT_TO_SAY,
)

# The five high-level ethnic group headings of the 2021 Census (England and Wales), in the question's order.
ETHNICITY_HEADINGS: Vocabulary = (
    ("white", "White"),
    ("mixed", "Mixed or Multiple ethnic groups"),
    ("asian", "Asian, Asian British or Asian Welsh"),
    ("black", "Black, Black British, Black Welsh, Caribbean or African"),
    ("other", "Other ethnic group"),
)

# The 19 detailed 2021 Census ethnic groups as (slug, label, heading slug). Kept as triples here and split below,
# so that ETHNICITY itself has the same (slug, label) shape as every other vocabulary.
_ETHNIC_GROUPS: tuple[tuple[str, str, str], ...] = (
    ("white-british", "English, Welsh, Scottish, Northern Irish or British", "white"),
    ("white-irish", "Irish", "white"),
    ("white-gypsy-or-irish-traveller", "Gypsy or Irish Traveller", "white"),
    ("white-roma", "Roma", "white"),
    ("white-other", "Any other White background", "white"),
    ("mixed-white-and-black-caribbean", "White and Black Caribbean", "mixed"),
    ("mixed-white-and-black-african", "White and Black African", "mixed"),
    ("mixed-white-and-asian", "White and Asian", "mixed"),
    ("mixed-other", "Any other Mixed or Multiple ethnic background", "mixed"),
    ("asian-indian", "Indian", "asian"),
    ("asian-pakistani", "Pakistani", "asian"),
    ("asian-bangladeshi", "Bangladeshi", "asian"),
    ("asian-chinese", "Chinese", "asian"),
    ("asian-other", "Any other Asian background", "asian"),
    ("black-african", "African", "black"),
    ("black-caribbean", "Caribbean", "black"),
    ("black-other", "Any other Black, Black British or Caribbean background", "black"),
    ("other-arab", "Arab", "other"),
    ("other-any", "Any other ethnic group", "other"),
)

ETHNICITY: Vocabulary = tuple((slug, text) for slug, text, _ in _ETHNIC_GROUPS) + (PREFER_NOT_TO_SAY,)

# Detailed group slug -> heading slug; "prefer-not-to-say" has no heading.
ETHNICITY_HEADING: dict[str, str] = {slug: heading for slug, _, heading in _ETHNIC_GROUPS}

DISABILITY: Vocabulary = (
    ("yes", "Yes"),
    ("no", "No"),
    PREFER_NOT_TO_SAY,
)

RELIGION: Vocabulary = (
    ("no-religion", "No religion"),
    ("christian", "Christian"),
    ("buddhist", "Buddhist"),
    ("hindu", "Hindu"),
    ("jewish", "Jewish"),
    ("muslim", "Muslim"),
    ("sikh", "Sikh"),
    ("other", "Any other religion"),
    PREFER_NOT_TO_SAY,
)

SEXUAL_ORIENTATION: Vocabulary = (
    ("straight-or-heterosexual", "Straight or heterosexual"),
    ("gay-or-lesbian", "Gay or lesbian"),
    ("bisexual", "Bisexual"),
    ("other", "Other sexual orientation"),
    PREFER_NOT_TO_SAY,
)

# --- Consent and lawful basis ---------------------------------------------------------------------------------

CONSENT_METHODS: Vocabulary = (
    ("in-person", "In person"),
    ("phone", "By phone"),
    ("written", "In writing"),
    ("online", "Online"),
)

# Grounds for referring without the victim's consent; recorded instead of a consent.
# Attrition: the stage at which a victim withdrew from the investigation or prosecution, and why (several reasons
# may apply). The details typed beside "other" stay on the case: never in reports, exports or the audit trail.
WITHDRAWAL_STAGES: Vocabulary = (
    ("before-charge", "Before charge"),
    ("after-charge", "After charge"),
    ("at-trial", "At trial"),
)
WITHDRAWAL_REASONS: Vocabulary = (
    ("fear-of-suspect", "Fear of the suspect"),
    ("lack-of-confidence", "Lack of confidence in the process"),
    ("delay", "Delay"),
    ("pressure-from-others", "Pressure from others"),
    ("reconciled", "Reconciled with the suspect"),
    ("practical-barriers", "Practical barriers (for example childcare, travel or work)"),
    ("other", "Other"),
)

# Where a victim is directed first, outside the services routed to (domain/routing.py signposts).
SIGNPOSTS: Vocabulary = (
    ("sarc", "The Havens (sexual assault referral centre)"),
)

LAWFUL_BASES: Vocabulary = (
    ("child-safeguarding", "Child safeguarding referral"),
    ("marac", "MARAC referral for a high-risk domestic abuse victim"),
    ("vital-interests", "Vital interests: a risk to someone's life"),
)

# --- The people around the victim (asked on the referral form) -------------------------------------------------

# Who the person causing harm is to the victim (domestic abuse: a partner, ex-partner or family member).
PERPETRATOR_RELATIONSHIPS: Vocabulary = (
    ("partner", "Partner"),
    ("ex-partner", "Ex-partner"),
    ("parent", "Parent or step-parent"),
    ("child", "Son or daughter (including adult children)"),
    ("sibling", "Brother or sister"),
    ("other-family", "Other family member"),
    ("carer", "Carer"),
    ("other", "Someone else"),
)

# Who a child victim's parent or carer is.
PARENT_CARER_RELATIONSHIPS: Vocabulary = (
    ("mother", "Mother"),
    ("father", "Father"),
    ("step-parent", "Step-parent"),
    ("grandparent", "Grandparent"),
    ("foster-carer", "Foster carer"),
    ("social-worker", "Social worker (child in care)"),
    ("other", "Other relative or guardian"),
)

# When the victim would rather be contacted (their preference, not a safety rule: the safe hours are that).
CONTACT_TIMES: Vocabulary = (
    ("weekday-mornings", "Weekday mornings"),
    ("weekday-afternoons", "Weekday afternoons"),
    ("weekday-evenings", "Weekday evenings"),
    ("weekends", "Weekends"),
)

# Are there children in the household?
CHILDREN_IN_HOUSEHOLD: Vocabulary = (
    ("yes", "Yes"),
    ("no", "No"),
    ("not-known", "Not known"),
)

# --- Reporting ----------------------------------------------------------------------------------------------

AGE_BANDS: Vocabulary = (
    ("0-17", "0 to 17"),
    ("18-24", "18 to 24"),
    ("25-34", "25 to 34"),
    ("35-44", "35 to 44"),
    ("45-54", "45 to 54"),
    ("55-64", "55 to 64"),
    ("65+", "65 and over"),
)

# Lowest age in each band, highest first, so the first bound not above the age gives the band.
_AGE_BAND_FLOORS: tuple[tuple[int, str], ...] = (
    (65, "65+"),
    (55, "55-64"),
    (45, "45-54"),
    (35, "35-44"),
    (25, "25-34"),
    (18, "18-24"),
    (0, "0-17"),
)


def age_band(age: int) -> str:
    """The AGE_BANDS slug for an age in whole years; raises ValueError for a negative age."""
    if age < 0:
        raise ValueError(f"An age cannot be negative (got {age}).")
    for floor, slug in _AGE_BAND_FLOORS:
        if age >= floor:
            return slug
    raise AssertionError("unreachable: the lowest band starts at 0")


def age_band_on(date_of_birth, day) -> str | None:
    """The AGE_BANDS slug for someone born on ``date_of_birth`` on ``day`` (whole years); None when the date of
    birth is unknown or after ``day``."""
    if date_of_birth is None:
        return None
    age = day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))
    return age_band(age) if age >= 0 else None


# --- Helpers ------------------------------------------------------------------------------------------------


def slugs(vocabulary: Iterable[tuple[str, str]]) -> tuple[str, ...]:
    """The slugs of a vocabulary, in order."""
    return tuple(slug for slug, _ in vocabulary)


def labels(vocabulary: Iterable[tuple[str, str]]) -> dict[str, str]:
    """A slug -> label dictionary for a vocabulary (insertion order follows the vocabulary)."""
    return dict(vocabulary)


def label(vocabulary: Iterable[tuple[str, str]], slug: str) -> str:
    """The label for a slug; an unknown slug is returned unchanged.

    Returning the slug rather than raising keeps a page readable if a stored value has since been retired
    from the vocabulary; validation of new input belongs in the forms (use ``slug in slugs(...)``).
    """
    for known, text in vocabulary:
        if known == slug:
            return text
    return slug


OFFENCE_CATEGORY_LABELS = labels(OFFENCE_CATEGORIES)
HATE_STRAND_LABELS = labels(HATE_STRANDS)
SERVICE_LABELS = labels(SERVICES)
CASE_STATUS_LABELS = labels(CASE_STATUSES)

# Why a person's record is restricted to the staff named on it (everyone else must break the glass to open it).
RESTRICTION_REASONS: Vocabulary = (
    ("works-here", "The victim works here or with us"),
    ("public-figure", "The victim is a public figure"),
    ("perpetrator-may-have-access", "The perpetrator may have access to this system"),
    ("other-risk", "Another risk to the victim if the record is seen"),
)

# Why a person's records are held from the retention schedule's purge (the hold is lifted with a reason).
LEGAL_HOLD_REASONS: Vocabulary = (
    ("court-proceedings", "Court proceedings"),
    ("complaint", "An open complaint"),
    ("subject-access", "An open subject access request"),
    ("inquiry", "A review, inquiry or investigation"),
    ("other", "Another legal reason"),
)
