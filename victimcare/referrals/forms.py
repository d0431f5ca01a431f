"""Forms for the referral journey, routing overrides, triage and the public self-referral.

Crime references: letters, digits, slashes and hyphens, 6 to 20 characters, stored in capitals. That takes the
Met's CRIS style ("5012345/24"), CAD numbers ("CAD1234/12JAN24") and partners' own "ABC-123456" without
guessing one force's format.
"""
from govuk_frontend_wtf.wtforms_widgets import (
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from ..domain import vocab
from ..domain.clock import london_today
from ..domain.contact_details import InvalidContactDetail, parse_email, parse_phone, parse_postcode
from ..domain.dash import ANSWERS
from ..domain.referral_questions import young_self_referral_problem
from ..domain.referral_validation import date_of_birth_problem, offence_date_problem
from ..web.dates import GovDateField
from ..web.forms import BaseForm
from ..web.widgets import CheckboxesInput, RadioInput

CRIME_REFERENCE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9/\-]{4,18}[A-Za-z0-9]$"

YES_NO = [("yes", "Yes"), ("no", "No")]
DASH_ANSWER_LABELS = {"yes": "Yes", "no": "No", "not-known": "Not known"}

# Offence flags asked as one group of checkboxes: slug -> label.
OFFENCE_FLAGS = (
    ("domestic-abuse", "Domestic abuse"),
    ("sexual-offence", "Sexual offence (including exploitation)"),
    ("child-sexual-exploitation", "Child sexual exploitation"),
    ("trafficking", "Human trafficking or modern slavery"),
    ("weapon", "A weapon was involved"),
    ("persistently-targeted", "Persistently targeted (repeatedly targeted, harassment or stalking)"),
    ("bereaved-relative", "Close relative bereaved by crime"),
    ("vulnerable-or-intimidated", "Vulnerable or intimidated (for example fear or distress about giving evidence)"),
    ("most-serious-crime", "Another of the most serious crimes (attempted murder, trafficking, kidnap, terrorism, "
                           "arson with intent to endanger life, GBH with intent)"),
    ("code-complaint", "Complaint that an agency failed the victim's rights under the Victims' Code"),
    ("additional-needs", "The victim has a learning disability or additional needs (the Child House supports "
                         "young people with these up to age 25)"),
)

CONTACT_PERMISSIONS = (
    ("may-phone", "Phone them"),
    ("may-leave-voicemail", "Leave a voicemail or message"),
    ("may-text", "Send them text messages (appointment reminders and updates)"),
    ("may-write", "Write to them by post"),
    ("may-email", "Email them"),
)



def not_in_future(form, field):
    if field.data and field.data > london_today():
        raise ValidationError(f"{getattr(field, 'error_name', 'The date')} must be today or in the past")


def date_of_birth_rule(form, field):
    """The domain's date-of-birth rule, shown beside the field as it is answered."""
    if (problem := date_of_birth_problem(field.data, london_today())) is not None:
        raise ValidationError(problem)


def contact_rule(parse):
    """A validator that reads a contact detail the domain's way (the service stores it in that form)."""
    def check(form, field):
        try:
            parse(field.data)
        except InvalidContactDetail as error:
            raise ValidationError(error.message) from None
    return check


class NormalisedText(StringField):
    """Text with surrounding spaces removed; empty becomes None."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.data = (self.data or "").strip() or None


# --- 1. The person --------------------------------------------------------------------------------------------


class FindPersonForm(BaseForm):
    given_name = NormalisedText("First name", widget=GovTextInput(),
                                validators=[InputRequired(message="Enter the person's first name"), Length(max=100)])
    family_name = NormalisedText("Last name", widget=GovTextInput(),
                                 validators=[InputRequired(message="Enter the person's last name"), Length(max=100)])
    date_of_birth = GovDateField(
        "Date of birth (if known)", error_name="Date of birth",
        description="For example, 27 3 1990. We use it to spot a person already on record and to know if they "
                    "were under 18 at the time of the offence.",
        validators=[date_of_birth_rule],
    )
    postcode = NormalisedText("Postcode (if known)", widget=GovTextInput(),
                              validators=[Optional(), contact_rule(parse_postcode)])
    submit = SubmitField("Search", widget=GovSubmitInput())


class ChoosePersonForm(BaseForm):
    person = RadioField("Is this the person?", widget=RadioInput(), choices=[],
                        validators=[InputRequired(message="Choose a person, or choose to add a new person")])
    submit = SubmitField("Continue", widget=GovSubmitInput())


# A flag that says the same as an offence category: not asked again when that category is chosen.
FLAGS_SAME_AS_CATEGORY = {"domestic-abuse": "domestic-abuse", "sexual-offence": "sexual-offence"}

# "Not known yet": a hate crime whose strand nobody has asked about yet is recorded as such, not left blank.
STRANDS_NOT_KNOWN = ("not-known", "Not known yet")


def strands_problem(category: str | None, strands) -> None:
    """A hate crime needs at least one strand, or an explicit "not known yet"; never both."""
    chosen = set(strands or [])
    if STRANDS_NOT_KNOWN[0] in chosen and len(chosen) > 1:
        raise ValidationError("Select the strands of hostility, or select 'Not known yet', not both")
    if category == "hate-crime" and not chosen:
        raise ValidationError("Select at least one strand of hostility for a hate crime, or select 'Not known yet'")


def flags_without_repeats(category: str | None, flags) -> list[str]:
    """The flags ticked, less any that only repeat the offence category."""
    return [f for f in flags or [] if FLAGS_SAME_AS_CATEGORY.get(f) != category]


# --- 2. The offence -------------------------------------------------------------------------------------------


class OffenceForm(BaseForm):
    offence_category = SelectField(
        "What kind of offence was it?", widget=GovSelect(),
        choices=[("", "Choose an offence")] + list(vocab.OFFENCE_CATEGORIES),
        validators=[InputRequired(message="Choose the kind of offence")],
    )
    offence_date = GovDateField(
        "When did it happen?", error_name="Date of the offence", required="Enter the date of the offence",
        description="For example, 14 11 2026. If it went on over a period, give the most recent date.",
        validators=[not_in_future],
    )
    offence_borough = SelectField("Where did it happen?", widget=GovSelect(), choices=[],
                                  validators=[InputRequired(message="Choose the London area where it happened")])
    crime_reference = NormalisedText(
        "Crime reference (optional)", widget=GovTextInput(),
        description="6 to 20 letters, numbers, slashes or hyphens, for example 5012345/26",
        validators=[Optional(), Regexp(CRIME_REFERENCE_PATTERN,
                                       message="Enter a crime reference of 6 to 20 letters, numbers, slashes or hyphens")],
    )
    flags = SelectMultipleField("Does any of this apply?", widget=CheckboxesInput(), choices=list(OFFENCE_FLAGS),
                                description="Select all that apply.", validators=[Optional()])
    hate_strands = SelectMultipleField(
        "Does the victim, or anyone else, think it was motivated by hostility towards any of these?",
        widget=CheckboxesInput(), choices=list(vocab.HATE_STRANDS) + [STRANDS_NOT_KNOWN],
        description="The victim's perception decides. Select all that apply.",
    )
    description = TextAreaField("What happened (optional)", widget=GovTextArea(),
                                description="A short summary. Do not include other people's details unless needed.",
                                validators=[Optional(), Length(max=4000)])
    submit = SubmitField("Continue", widget=GovSubmitInput())

    # The victim's date of birth from the person page (set by the route), so an offence dated before it is
    # refused here, with the page's other errors, rather than at submission.
    victim_born = None

    def validate_hate_strands(self, field):
        strands_problem(self.offence_category.data, field.data)

    def validate_offence_date(self, field):
        if field.errors:
            return  # one problem at a time per date: "must be today or in the past" already said
        problem = offence_date_problem(field.data, london_today(), self.victim_born)
        if problem is not None:
            raise ValidationError(problem)


# --- 3. Domestic abuse: DASH ----------------------------------------------------------------------------------


class DashForm(BaseForm):
    """The DASH checklist: one radio question per checklist item is added by ``dash_form_class``."""

    professional_judgement = RadioField(
        "Does your professional judgement put the risk higher than the score shows?", widget=RadioInput(),
        choices=YES_NO, validators=[InputRequired(message="Say whether professional judgement raises the risk")],
    )
    professional_judgement_reason = TextAreaField(
        "If yes, why is the risk higher?", widget=GovTextArea(), validators=[Length(max=2000)],
    )
    incidents_last_12_months = IntegerField(
        "How many incidents have there been in the last 12 months?", widget=GovTextInput(),
        description="Include this one. Leave blank if not known.",
        validators=[Optional(), NumberRange(min=0, max=500, message="Enter a number from 0 to 500")],
    )
    score = SubmitField("Calculate the score", widget=GovSubmitInput())
    submit = SubmitField("Continue", widget=GovSubmitInput())

    def validate_professional_judgement_reason(self, field):
        if self.professional_judgement.data == "yes" and not (field.data or "").strip():
            raise ValidationError("Enter why your professional judgement puts the risk higher")


_dash_classes: dict[tuple, type] = {}


def dash_form_class(questions) -> type:
    """A DashForm with one required yes / no / not known question per checklist item (cached per question set).

    WTForms orders fields by when they were made, so the checklist (made here) would follow the judgement
    questions (made at import) and the error summary would not follow the page. The judgement questions are made
    again after the checklist, in their own order, to put them after it."""
    key = tuple((q.id, q.text) for q in questions)
    if key not in _dash_classes:
        attrs = {
            f"dash_{q.id}": RadioField(
                f"{n}. {q.text}", widget=RadioInput(), choices=[(a, DASH_ANSWER_LABELS[a]) for a in ANSWERS],
                validators=[InputRequired(message=f"Answer question {n}: {q.text}")],
            )
            for n, q in enumerate(questions, start=1)
        }
        for name in ("professional_judgement", "professional_judgement_reason", "incidents_last_12_months"):
            unbound = getattr(DashForm, name)
            attrs[name] = unbound.field_class(*unbound.args, **unbound.kwargs)
        _dash_classes[key] = type("DashChecklistForm", (DashForm,), attrs)
    return _dash_classes[key]


# --- 4. The people around them (domestic abuse; a child victim) ------------------------------------------------


YES_NO_NOT_KNOWN = [("yes", "Yes"), ("no", "No"), ("not-known", "Not known")]


class HouseholdForm(BaseForm):
    """Who caused the harm and who else is at home (domestic abuse), and a child's parent or carer. The route
    removes the questions that do not apply to this referral before validating."""

    perpetrator_name = NormalisedText("Their name (if known)", widget=GovTextInput(),
                                      validators=[Optional(), Length(max=200)])
    perpetrator_relationship = RadioField(
        "Who are they to the victim?", widget=RadioInput(), choices=list(vocab.PERPETRATOR_RELATIONSHIPS),
        validators=[InputRequired(message="Choose who the person causing harm is to the victim")])
    perpetrator_date_of_birth = GovDateField(
        "Their date of birth (if known)", error_name="Their date of birth",
        description="For example, 27 3 1985", validators=[date_of_birth_rule])
    perpetrator_lives_with_victim = RadioField(
        "Do they live with the victim?", widget=RadioInput(), choices=YES_NO_NOT_KNOWN,
        validators=[InputRequired(message="Say whether the person causing harm lives with the victim")])
    children_in_household = RadioField(
        "Are there children in the household?", widget=RadioInput(), choices=list(vocab.CHILDREN_IN_HOUSEHOLD),
        description="Anyone under 18 who lives with the victim, or with the person causing harm",
        validators=[InputRequired(message="Say whether there are children in the household")])
    household_children_details = TextAreaField(
        "How many children, and how old are they?", widget=GovTextArea(),
        description="For example, 2 children aged 4 and 9. Add whether children's services already know them.",
        validators=[Optional(), Length(max=1000)])
    parent_carer_name = NormalisedText("Parent or carer's name", widget=GovTextInput(),
                                       validators=[InputRequired(message="Enter the parent or carer's name"),
                                                   Length(max=200)])
    parent_carer_relationship = RadioField(
        "Who are they to the child?", widget=RadioInput(), choices=list(vocab.PARENT_CARER_RELATIONSHIPS),
        validators=[InputRequired(message="Choose who the parent or carer is to the child")])
    parent_carer_phone = NormalisedText("Their phone number (optional)", widget=GovTextInput(),
                                        validators=[Optional(), contact_rule(parse_phone)])
    parent_carer_safe = RadioField(
        "Is it safe to contact them about the child?", widget=RadioInput(), choices=YES_NO_NOT_KNOWN,
        description="Not safe if, for example, they are the person causing harm or do not know about the referral",
        validators=[InputRequired(message="Say whether it is safe to contact the parent or carer")])
    parent_carer_notes = TextAreaField("Anything the service should know before contacting them (optional)",
                                       widget=GovTextArea(), validators=[Optional(), Length(max=1000)])
    submit = SubmitField("Continue", widget=GovSubmitInput())

    PERPETRATOR_FIELDS = ("perpetrator_name", "perpetrator_relationship", "perpetrator_date_of_birth",
                          "perpetrator_lives_with_victim", "children_in_household", "household_children_details")
    PARENT_CARER_FIELDS = ("parent_carer_name", "parent_carer_relationship", "parent_carer_phone",
                           "parent_carer_safe", "parent_carer_notes")

    def keep_only(self, perpetrator: bool, parent_carer: bool) -> None:
        for name in (() if perpetrator else self.PERPETRATOR_FIELDS) + (() if parent_carer else self.PARENT_CARER_FIELDS):
            del self[name]


# --- 5. About the victim (equality monitoring) -----------------------------------------------------------------


def _optional_radio(label, choices):
    return RadioField(label, widget=RadioInput(), choices=list(choices), validators=[Optional()])


class AboutVictimForm(BaseForm):
    sex = _optional_radio("What is their sex?", vocab.SEX)
    gender_identity = _optional_radio(vocab.EQUALITY_QUESTIONS["gender_identity"].replace("you identify", "they identify")
                                      .replace("your", "their"), vocab.GENDER_IDENTITY)
    ethnicity = SelectField("What is their ethnic group?", widget=GovSelect(),
                            choices=[("", "Not answered")] + list(vocab.ETHNICITY), validators=[Optional()])
    disability = _optional_radio("Do they consider themselves to be disabled?", vocab.DISABILITY)
    religion = SelectField("What is their religion?", widget=GovSelect(),
                           choices=[("", "Not answered")] + list(vocab.RELIGION), validators=[Optional()])
    sexual_orientation = _optional_radio("Which best describes their sexual orientation?", vocab.SEXUAL_ORIENTATION)
    submit = SubmitField("Continue", widget=GovSubmitInput())

    IDENTITY_FIELDS = ("gender_identity", "sexual_orientation")


# --- 6. Consent and safe contact ------------------------------------------------------------------------------


class ContactNeedsChecks:
    """The follow-up answers contact needs require, shared by the referral's consent page and triage."""

    def validate_address(self, field):
        if "may-write" in (self.contact_permissions.data or []) and not (field.data or "").strip():
            raise ValidationError("Enter their postal address, or untick writing to them by post")

    def validate_first_language(self, field):
        if self.interpreter_needed.data == "yes" and not field.data:
            raise ValidationError("Enter the language they need an interpreter for")


class ConsentForm(ContactNeedsChecks, BaseForm):
    consent_referral = RadioField("Has the victim agreed to be referred to support services?", widget=RadioInput(),
                                  choices=[("yes", "Yes"), ("no", "No, they do not agree"),
                                           ("not-asked", "Not asked yet")],
                                  validators=[InputRequired(message="Say whether the victim agreed to be referred")])
    consent_given_by = NormalisedText("Who gave consent?", widget=GovTextInput(),
                                      description="For example, the victim, or their parent or guardian",
                                      validators=[Length(max=120)])
    # Asked only when consent was given, so checked in validate_consent_method, not by a blanket validator.
    consent_method = RadioField("How was consent given?", widget=RadioInput(), choices=list(vocab.CONSENT_METHODS),
                                validate_choice=False)
    lawful_basis = RadioField("Is there a lawful basis to refer without consent?", widget=RadioInput(),
                              choices=list(vocab.LAWFUL_BASES) + [("none", "No: record the referral only")],
                              validators=[Optional()])
    rj_requested = RadioField("Is the victim interested in restorative justice?", widget=RadioInput(),
                              choices=YES_NO, validators=[InputRequired(message="Say whether the victim is interested in restorative justice")])
    rj_consent = RadioField("Has the victim given written consent to restorative justice?", widget=RadioInput(),
                            choices=YES_NO, validate_choice=False)
    phone = NormalisedText("Phone number (optional)", widget=GovTextInput(),
                           validators=[Optional(), contact_rule(parse_phone)])
    email = NormalisedText("Email address (optional)", widget=GovTextInput(),
                           validators=[Optional(), contact_rule(parse_email)])
    contact_permissions = SelectMultipleField("Is it safe to:", widget=CheckboxesInput(),
                                              choices=list(CONTACT_PERMISSIONS), description="Select all that are safe.",
                                              validators=[Optional()])
    address = TextAreaField("Postal address", widget=GovTextArea(),
                            description="Only an address where a letter is safe. Include the postcode.",
                            validators=[Length(max=500)])
    preferred_contact_times = SelectMultipleField(
        "When would they rather be contacted? (optional)", widget=CheckboxesInput(), choices=list(vocab.CONTACT_TIMES),
        description="Select all that suit them.", validators=[Optional()])
    safe_contact_notes = TextAreaField("Anything else about contacting them safely (optional)", widget=GovTextArea(),
                                       description="For example, safe times to call, or a trusted person's number",
                                       validators=[Optional(), Length(max=2000)])
    interpreter_needed = RadioField("Do they need an interpreter?", widget=RadioInput(), choices=YES_NO,
                                    validators=[InputRequired(message="Say whether they need an interpreter")])
    first_language = NormalisedText("Which language?", widget=GovTextInput(),
                                    description="Include a dialect if it matters, for example Sylheti",
                                    validators=[Length(max=64)])
    submit = SubmitField("Continue", widget=GovSubmitInput())

    def validate_consent_given_by(self, field):
        if self.consent_referral.data == "yes" and not field.data:
            raise ValidationError("Enter who gave consent")

    def validate_consent_method(self, field):
        if self.consent_referral.data == "yes" and field.data not in vocab.slugs(vocab.CONSENT_METHODS):
            raise ValidationError("Choose how consent was given")

    def validate_rj_consent(self, field):
        if self.rj_requested.data == "yes" and field.data not in ("yes", "no"):
            raise ValidationError("Say whether the victim has given written consent to restorative justice")


class SubmitReferralForm(BaseForm):
    submit = SubmitField("Submit referral", widget=GovSubmitInput())


# --- Overrides and triage -----------------------------------------------------------------------------------------


class AddRouteForm(BaseForm):
    service = SelectField("Service to add", widget=GovSelect(), choices=[],
                          validators=[InputRequired(message="Choose a service to add")])
    reason_code = SelectField("Main reason", widget=GovSelect(), choices=[("", "Choose a reason")] + list(vocab.OVERRIDE_REASONS),
                              validators=[InputRequired(message="Choose the main reason for adding this service")])
    reason = TextAreaField("Why are you adding this service?", widget=GovTextArea(),
                           validators=[InputRequired(message="Enter why you are adding this service"), Length(max=2000)])
    submit = SubmitField("Add service", widget=GovSubmitInput())


class RemoveRouteForm(BaseForm):
    service = SelectField("Service to remove", widget=GovSelect(), choices=[],
                          validators=[InputRequired(message="Choose a service to remove")])
    reason_code = SelectField("Main reason", widget=GovSelect(), choices=[("", "Choose a reason")] + list(vocab.OVERRIDE_REASONS),
                              validators=[InputRequired(message="Choose the main reason for removing this service")])
    reason = TextAreaField("Why are you removing this service?", widget=GovTextArea(),
                           validators=[InputRequired(message="Enter why you are removing this service"), Length(max=2000)])
    submit = SubmitField("Remove service", widget=GovSubmitInput())


def _again(unbound):
    """A field like another form's, made now: WTForms orders fields (and the error summary) by when they were made,
    so a field borrowed as it is would jump to the top of the page's errors."""
    return unbound.field_class(*unbound.args, **unbound.kwargs)


class TriageForm(ContactNeedsChecks, BaseForm):
    given_name = NormalisedText("First name", widget=GovTextInput(), validators=[Optional(), Length(max=100)])
    family_name = NormalisedText("Last name", widget=GovTextInput(), validators=[Optional(), Length(max=100)])
    date_of_birth = GovDateField("Date of birth (if known)", error_name="Date of birth",
                                 description="For example, 27 3 1990", validators=[date_of_birth_rule])
    postcode = NormalisedText("Postcode (if known)", widget=GovTextInput(),
                              validators=[Optional(), contact_rule(parse_postcode)])
    offence_category = SelectField("Kind of offence", widget=GovSelect(), choices=list(vocab.OFFENCE_CATEGORIES),
                                   validators=[InputRequired(message="Choose the kind of offence")])
    offence_date = GovDateField("Date of the offence (if known)", error_name="Date of the offence",
                                validators=[not_in_future])
    offence_borough = SelectField("Where it happened", widget=GovSelect(), choices=[], validators=[Optional()])
    crime_reference = _again(OffenceForm.crime_reference)
    flags = SelectMultipleField("Does any of this apply?", widget=CheckboxesInput(),
                                choices=[f for f in OFFENCE_FLAGS if f[0] in (
                                    "domestic-abuse", "sexual-offence", "persistently-targeted", "bereaved-relative",
                                    "vulnerable-or-intimidated")],
                                validators=[Optional()])
    hate_strands = SelectMultipleField("Hate crime strands", widget=CheckboxesInput(),
                                       choices=list(vocab.HATE_STRANDS) + [STRANDS_NOT_KNOWN])
    consent_referral = RadioField("Has the victim agreed to be referred?", widget=RadioInput(),
                                  choices=[("yes", "Yes"), ("no", "No"), ("not-asked", "Not asked yet")],
                                  validators=[InputRequired(message="Say whether the victim agreed to be referred")])
    # Contact details: shown as recorded, so what the caseworker leaves is what is kept
    phone = _again(ConsentForm.phone)
    email = _again(ConsentForm.email)
    contact_permissions = _again(ConsentForm.contact_permissions)
    address = _again(ConsentForm.address)
    safe_contact_notes = _again(ConsentForm.safe_contact_notes)
    interpreter_needed = RadioField("Do they need an interpreter?", widget=RadioInput(), choices=YES_NO,
                                    validators=[Optional()])
    first_language = _again(ConsentForm.first_language)
    submit = SubmitField("Confirm routing", widget=GovSubmitInput())

    def validate_hate_strands(self, field):
        strands_problem(self.offence_category.data, field.data)


class NotProceedingForm(BaseForm):
    reason_code = RadioField("Why is this referral not going ahead?", widget=RadioInput(),
                             choices=list(vocab.NOT_PROCEEDING_REASONS),
                             validators=[InputRequired(message="Choose why the referral is not going ahead")])
    detail = TextAreaField("Details", widget=GovTextArea(),
                           description="For a duplicate, the reference it duplicates. Kept on the referral, never "
                                       "published.",
                           validators=[InputRequired(message="Give the details, for example the reference it "
                                                             "duplicates"), Length(max=2000)])
    submit = SubmitField("Close as not proceeding", widget=GovSubmitInput())


# --- Public self-referral ---------------------------------------------------------------------------------------


SELF_REFERRAL_KINDS = (
    ("hate-crime", "Someone targeted me because of who I am (hate crime)"),
    ("domestic-abuse", "Someone close to me, a partner or family member, hurt or controlled me"),
    ("sexual-offence", "Sexual assault or abuse"),
    ("stalking-harassment", "Stalking or harassment"),
    ("violence-with-injury", "I was attacked or hurt"),
    ("robbery", "I was robbed"),
    ("burglary", "My home was broken into"),
    ("fraud", "Fraud or a scam"),
    ("other", "Something else"),
)

# The same choices, about another person (the slugs are the same offences).
SOMEONE_ELSE_KINDS = (
    ("hate-crime", "Someone targeted them because of who they are (hate crime)"),
    ("domestic-abuse", "Someone close to them, a partner or family member, hurt or controlled them"),
    ("sexual-offence", "Sexual assault or abuse"),
    ("stalking-harassment", "Stalking or harassment"),
    ("violence-with-injury", "They were attacked or hurt"),
    ("robbery", "They were robbed"),
    ("burglary", "Their home was broken into"),
    ("fraud", "Fraud or a scam"),
    ("other", "Something else"),
)

SELF_CONTACT_WAYS = (
    ("may-phone", "Phone call"),
    ("may-leave-voicemail", "It is OK to leave a voicemail"),
    ("may-text", "Text message"),
    ("may-email", "Email"),
    ("may-write", "Letter"),
)


class SelfReferralForm(BaseForm):
    what_happened = RadioField("What happened?", widget=RadioInput(), choices=list(SELF_REFERRAL_KINDS),
                               validators=[InputRequired(message="Choose what happened")])
    hate_strands = SelectMultipleField(
        "Do you think it happened because of any of these?", widget=CheckboxesInput(), choices=list(vocab.HATE_STRANDS),
        description="Select all that apply. It is what you think that matters.", validators=[Optional()],
    )
    description = TextAreaField("Tell us a little about it (optional)", widget=GovTextArea(),
                                description="Only what you are comfortable sharing.",
                                validators=[Optional(), Length(max=2000)])
    borough = SelectField("Which London area did it happen in?", widget=GovSelect(), choices=[],
                          validators=[InputRequired(message="Choose the London area, or choose that you are not sure")])
    given_name = NormalisedText("First name", widget=GovTextInput(),
                                validators=[InputRequired(message="Enter your first name"), Length(max=100)])
    family_name = NormalisedText("Last name (optional)", widget=GovTextInput(), validators=[Optional(), Length(max=100)])
    phone = NormalisedText("Phone number (optional)", widget=GovTextInput(),
                           validators=[Optional(), contact_rule(parse_phone)])
    email = NormalisedText("Email address (optional)", widget=GovTextInput(),
                           validators=[Optional(), contact_rule(parse_email)])
    contact_ways = SelectMultipleField("How is it safe for us to contact you?", widget=CheckboxesInput(),
                                       choices=list(SELF_CONTACT_WAYS), description="Select all that are safe.")
    safe_times = TextAreaField("When is it safe to contact you? (optional)", widget=GovTextArea(),
                               description="For example, weekdays after 6pm, or never at weekends",
                               validators=[Optional(), Length(max=500)])
    consent = RadioField("Do you agree to us passing your details to a support service?", widget=RadioInput(),
                         choices=YES_NO, validators=[InputRequired(message="Say whether you agree to us passing on your details")])
    submit = SubmitField("Send", widget=GovSubmitInput())

    def validate_consent(self, field):
        if field.data == "no":
            raise ValidationError("We can only pass on your details if you agree. You can still contact a "
                                  "support service yourself.")

    def validate_contact_ways(self, field):
        if not self.phone.data and not self.email.data:
            raise ValidationError("Give a phone number or an email address so we can contact you")
        if not field.data:
            raise ValidationError("Choose at least one way that is safe to contact you")


# --- The public routes for a young person (13 to 17) and for someone referring another person -----------------------


def _young_age_rule(form, field):
    if field.data is not None and (problem := young_self_referral_problem(field.data, london_today())) is not None:
        raise ValidationError(problem)


class YoungPersonReferralForm(SelfReferralForm):
    """The self-referral in words for 13 to 17 year olds, who give their date of birth (the Child House takes
    self-referrals from 13)."""

    date_of_birth = GovDateField("What is your date of birth?", error_name="Your date of birth",
                                 required="Enter your date of birth", description="For example, 27 3 2011",
                                 validators=[date_of_birth_rule, _young_age_rule])
    # Made again after the date of birth so the error summary follows the page
    phone = _again(SelfReferralForm.phone)
    email = _again(SelfReferralForm.email)
    contact_ways = _again(SelfReferralForm.contact_ways)
    safe_times = _again(SelfReferralForm.safe_times)
    consent = RadioField("Is it OK for us to pass your details to a support worker?", widget=RadioInput(),
                         choices=YES_NO,
                         validators=[InputRequired(message="Say whether it is OK to pass on your details")])

    def validate_consent(self, field):
        if field.data == "no":
            raise ValidationError("We can only pass on your details if you say it is OK. You can still call "
                                  "Childline free on 0800 1111 to talk to someone.")


class SomeoneElseReferralForm(SelfReferralForm):
    """Referring another person, who knows and agrees. The questions are about them; the referrer gives only their
    name and who they are to the person (we contact the person, never the referrer)."""

    what_happened = RadioField("What happened to them?", widget=RadioInput(), choices=list(SOMEONE_ELSE_KINDS),
                               validators=[InputRequired(message="Choose what happened to them")])
    hate_strands = SelectMultipleField(
        "Do they think it happened because of any of these?", widget=CheckboxesInput(),
        choices=list(vocab.HATE_STRANDS), description="Select all that apply. It is what they think that matters.",
        validators=[Optional()])
    description = _again(SelfReferralForm.description)
    borough = _again(SelfReferralForm.borough)
    given_name = NormalisedText("Their first name", widget=GovTextInput(),
                                validators=[InputRequired(message="Enter their first name"), Length(max=100)])
    family_name = NormalisedText("Their last name (optional)", widget=GovTextInput(),
                                 validators=[Optional(), Length(max=100)])
    phone = _again(SelfReferralForm.phone)
    email = _again(SelfReferralForm.email)
    contact_ways = SelectMultipleField("How is it safe for us to contact them?", widget=CheckboxesInput(),
                                       choices=list(SELF_CONTACT_WAYS), description="Select all that are safe.")
    safe_times = TextAreaField("When is it safe to contact them? (optional)", widget=GovTextArea(),
                               description="For example, weekdays after 6pm, or never at weekends",
                               validators=[Optional(), Length(max=500)])
    referrer_name = NormalisedText("Your name", widget=GovTextInput(),
                                   validators=[InputRequired(message="Enter your name"), Length(max=120)])
    referrer_relationship = NormalisedText(
        "Who are you to them?", widget=GovTextInput(), description="For example, their friend, sister or teacher",
        validators=[InputRequired(message="Say who you are to them"), Length(max=60)])
    consent = RadioField("Do they know you are asking for support for them, and agree?", widget=RadioInput(),
                         choices=YES_NO,
                         validators=[InputRequired(message="Say whether they know and agree")])

    def validate_consent(self, field):
        if field.data == "no":
            raise ValidationError("We can only take their details if they know and agree. You can share the "
                                  "helplines on this page with them, or they can contact us themselves.")

    def validate_contact_ways(self, field):
        if not self.phone.data and not self.email.data:
            raise ValidationError("Give their phone number or email address so we can contact them")
        if not field.data:
            raise ValidationError("Choose at least one way that is safe to contact them")
