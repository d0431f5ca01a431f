"""The API's request bodies as pydantic 2 models: the types, lengths and closed lists a partner must send.

Each model forbids fields it does not know, takes JSON types strictly (``"yes"`` is not true, ``1`` is not true,
``14.5`` is not a whole number), reads dates as ``YYYY-MM-DD`` and moments only with a time zone, and takes its
closed lists from domain/vocab.py. Rules about what the values mean (a date of birth in the past, a possible
phone number) are the domain's (domain/referral_validation.py, domain/contact_details.py): a validator here only
calls them, so the API and the forms give the same answer in the same words.

``problems(error)`` turns a ValidationError into the problem+json ``errors`` list: ``{"field", "message"}`` with
dotted paths and list positions in brackets (``offence.hate_crime_strands[1]``), in plain English. The OpenAPI
component schemas are generated from these models (api/openapi.py), so the document cannot drift from them.
"""
import re
from datetime import date, datetime, timezone
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    ValidationError,
    ValidationInfo,
)
from pydantic_core import PydanticCustomError

from ..domain.contact_details import (
    EMAIL_MAX_LENGTH,
    PHONE_MAX_LENGTH,
    POSTCODE_MAX_LENGTH,
    InvalidContactDetail,
    parse_email,
    parse_phone,
    parse_postcode,
)
from ..domain.referral_validation import date_of_birth_problem
from ..domain.text import has_control_characters
from ..domain.vocab import (
    CASE_STATUSES,
    CHILDREN_IN_HOUSEHOLD,
    CODE_EVENTS,
    CONTACT_METHODS,
    CONTACT_OUTCOMES,
    DECLINE_REASONS_OFFERED,
    HATE_STRAND_LABELS,
    OFFENCE_CATEGORY_LABELS,
    PARENT_CARER_RELATIONSHIPS,
    PERPETRATOR_RELATIONSHIPS,
    POLICE_DECISIONS,
    SERVICES,
    TRANSFER_REASONS,
    VICTIMS_CODE_RIGHTS,
    slugs,
)

MAX_INCIDENTS = 1000
MAX_LIST_ERRORS = 10
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CRIME_REFERENCE = re.compile(r"[A-Z0-9][A-Z0-9/-]{2,31}")
_MOMENT_MESSAGE = "Must be an ISO 8601 date and time with a time zone, like 2026-12-24T10:30:00Z"

OffenceCategory = Literal[tuple(OFFENCE_CATEGORY_LABELS)]
HateStrand = Literal[tuple(HATE_STRAND_LABELS)]


def _refuse(message: str):
    """An error whose message is shown as it is (pydantic would prefix a ValueError with "Value error, ")."""
    return PydanticCustomError("victimcare", "{message}", {"message": message})


def describe(value) -> str:
    """What a JSON value is, in words: "text", "a number", "a list"..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "an object"


# --- Field types ------------------------------------------------------------------------------------------------

def _text(what: str, *, required: bool, multiline: bool = False, upper: bool = False):
    """Text, trimmed; blank is missing (required) or null (optional); no control characters or lone surrogates."""
    def check(value):
        if value is None:
            if required:
                raise _refuse(f"Enter {what}")
            return None
        if not isinstance(value, str):
            raise _refuse(f"{_capital(what)} must be text, not {describe(value)}")
        value = value.strip()
        if has_control_characters(value, multiline) or any(0xD800 <= ord(ch) <= 0xDFFF for ch in value):
            raise PydanticCustomError("control_characters", "{message}", {"message": (
                f"{_capital(what)} contains characters that are not allowed: remove control characters "
                "(such as a null byte)")})
        if not value:
            if required:
                raise _refuse(f"Enter {what}")
            return None
        return value.upper() if upper else value
    return BeforeValidator(check)


def _capital(what: str) -> str:
    return what[0].upper() + what[1:]


def Text(what: str, max_length: int, *, multiline: bool = False, upper: bool = False):  # noqa: N802
    return Annotated[str, _text(what, required=True, multiline=multiline, upper=upper),
                     Field(min_length=1, max_length=max_length)]


def OptionalText(what: str, max_length: int, *, multiline: bool = False, upper: bool = False):  # noqa: N802
    return Annotated[Annotated[str, Field(max_length=max_length)] | None,
                     _text(what, required=False, multiline=multiline, upper=upper)]


def _day(what: str):
    def check(value):
        if value is None:
            raise _refuse(f"Enter {what} as YYYY-MM-DD")
        if not isinstance(value, str) or not _DAY.fullmatch(value):
            raise _refuse(f"{_capital(what)} must be a date written YYYY-MM-DD")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise _refuse(f"{_capital(what)} must be a real date") from None
    return BeforeValidator(check)


def _moment(value):
    if not isinstance(value, str) or "T" not in value.upper():
        raise _refuse(_MOMENT_MESSAGE)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _refuse(_MOMENT_MESSAGE) from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise _refuse("Include a time zone (Z or an offset such as +01:00): a time without one is ambiguous")
    try:
        return moment.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        raise _refuse("Must be a real date and time") from None


Moment = Annotated[AwareDatetime, BeforeValidator(_moment)]


def _contact(parse):
    def check(value):
        try:
            return parse(value)
        except InvalidContactDetail as error:
            raise _refuse(error.message) from None
    return AfterValidator(check)


def _born(value: date, info: ValidationInfo) -> date:
    if (problem := date_of_birth_problem(value, (info.context or {})["today"])) is not None:
        raise _refuse(problem)
    return value


def _born_if_given(value: date | None, info: ValidationInfo) -> date | None:
    return None if value is None else _born(value, info)


def _borough(value: str, info: ValidationInfo) -> str:
    boroughs = (info.context or {})["boroughs"]
    code = boroughs.get(value.casefold()) or boroughs.get(borough_key(value))
    if code is None:
        raise _refuse("Enter a London borough by its name (such as Hackney) or ONS code (E09000012)")
    return code


def borough_key(text: str) -> str:
    """A borough name as it is matched: any case, "&" or "and", spaces collapsed."""
    return " ".join(text.replace("&", " and ").casefold().split())


def _crime_reference(value: str | None) -> str | None:
    if value is not None and not _CRIME_REFERENCE.fullmatch(value):
        raise _refuse("A crime reference has 3 to 32 letters, numbers, slashes or hyphens, like 1234567/26")
    return value


# --- Request bodies ---------------------------------------------------------------------------------------------

class RequestBody(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Victim(RequestBody):
    given_name: Text("the given name", 100)
    family_name: Text("the family name", 100)
    date_of_birth: Annotated[date, _day("the date of birth"), AfterValidator(_born),
                             Field(description="From 1900-01-01 to today (London date), else 422.")]
    borough: Annotated[Text("the borough", 64), AfterValidator(_borough), Field(description=(
        "A London borough's name or ONS code, matched case-insensitively (\"&\" and \"and\" are the same). "
        "Unknown: 422."))]
    postcode: Annotated[OptionalText("the postcode", POSTCODE_MAX_LENGTH), _contact(parse_postcode), Field(
        description="A UK postcode, in any case and spacing (stored as SW1A 1AA).")] = None
    phone: Annotated[OptionalText("the phone number", PHONE_MAX_LENGTH), _contact(parse_phone), Field(
        description="A possible phone number: UK numbers as dialled in the UK (020 7946 0000), others with "
                    "their country code (+33 1 23 45 67 89). Stored in E.164.")] = None
    email: Annotated[OptionalText("the email address", EMAIL_MAX_LENGTH), _contact(parse_email)] = None


class Offence(RequestBody):
    category: OffenceCategory
    occurred_on: Annotated[date, _day("the date of the offence"), Field(
        description="Not before 1900-01-01, the victim's birth, nor after the referral was received; else 422.")]
    crime_reference: Annotated[OptionalText("the crime reference", 32, upper=True),
                               AfterValidator(_crime_reference),
                               Field(description="3 to 32 letters, digits, / or -, e.g. 1234567/26.")] = None
    domestic_abuse: StrictBool
    sexual_offence: StrictBool
    hate_crime_strands: Annotated[list[HateStrand], Field(
        description="The victim's perception decides; several allowed.")]
    persistently_targeted: StrictBool | None = None
    vulnerable_or_intimidated: StrictBool | None = None
    trafficking: Annotated[StrictBool | None, Field(description=(
        "Human trafficking or modern slavery: enhanced rights; restorative justice needs a specialist risk "
        "assessment."))] = None
    child_sexual_exploitation: Annotated[StrictBool | None, Field(description=(
        "Child sexual exploitation (a sexual offence): restorative justice needs a specialist risk assessment."))] = None
    additional_needs: Annotated[StrictBool | None, Field(description=(
        "The victim has a learning disability or additional needs: with a sexual offence, a young person aged 18 "
        "to 25 at the offence is routed to the Child House."))] = None


class Consent(RequestBody):
    referral: Annotated[StrictBool, Field(description="The victim agreed to be referred.")]


class Dash(RequestBody):
    """Domestic abuse only (offence.domestic_abuse true or category domestic-abuse), else 422."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "description": "Domestic abuse only (offence.domestic_abuse true or category domestic-abuse), else 422."})

    yes_count: Annotated[StrictInt, Field(ge=0, le=24)]
    professional_judgement: StrictBool
    professional_judgement_reason: Annotated[
        OptionalText("the reason for professional judgement", 2000, multiline=True),
        Field(description="Optional addition to the fixed contract; a standard note is stored if absent.")] = None
    incidents_last_12_months: Annotated[StrictInt | None, Field(ge=0, le=MAX_INCIDENTS)] = None


class Perpetrator(RequestBody):
    """Domestic abuse only (as dash), else 422: the person causing harm, as the victim describes them."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "description": "Domestic abuse only (offence.domestic_abuse true or category domestic-abuse), else 422."})

    name: OptionalText("the name of the person causing harm", 200) = None
    relationship: Annotated[Literal[tuple(slugs(PERPETRATOR_RELATIONSHIPS))] | None, Field(
        description="Who they are to the victim.")] = None
    date_of_birth: Annotated[date | None, _day("their date of birth"), AfterValidator(_born_if_given)] = None
    lives_with_victim: Annotated[StrictBool | None, Field(description="Absent or null: not known.")] = None


class ParentCarer(RequestBody):
    """A victim under 18 only, else 422: their parent or carer, and whether it is safe to contact them."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "description": "A victim under 18 only, else 422."})

    name: Text("the parent or carer's name", 200)
    relationship: Annotated[Literal[tuple(slugs(PARENT_CARER_RELATIONSHIPS))] | None, Field(
        description="Who they are to the child.")] = None
    phone: Annotated[OptionalText("the parent or carer's phone number", PHONE_MAX_LENGTH), _contact(parse_phone)] = None
    safe_to_contact: Annotated[StrictBool | None, Field(
        description="False when, for example, they are the person causing harm. Absent or null: not known.")] = None


class ReferralCreate(RequestBody):
    victim: Victim
    offence: Offence
    consent: Consent
    restorative_justice_requested: StrictBool | None = None
    code_complaint: StrictBool | None = None
    dash: Dash | None = None
    perpetrator: Perpetrator | None = None
    parent_carer: ParentCarer | None = None
    children_in_household: Annotated[Literal[tuple(slugs(CHILDREN_IN_HOUSEHOLD))] | None, Field(
        description="Domestic abuse: are there children in the household?")] = None
    received_at: Annotated[Moment | None, Field(
        description="ISO 8601 with a time zone (Z or an offset; none: 422), not in the future. Default: now.")] = None


def Slug(vocabulary, what: str, description: str | None = None, *, required: bool = True):  # noqa: N802
    """A slug from a closed list, documented as an enum. The list is checked by the service (which knows, for
    example, which reasons fit which move), so a wrong slug and a wrong move are reported alike."""
    extra = {"enum": sorted(slugs(vocabulary)) if isinstance(vocabulary, set) else list(slugs(vocabulary))}
    if required:
        return Annotated[str, _text(what, required=True), Field(min_length=1, max_length=64, description=description,
                                                                  json_schema_extra=extra)]
    return Annotated[Annotated[str, Field(max_length=64, json_schema_extra=extra)] | None,
                     _text(what, required=False), Field(description=description)]


class ContactCreate(RequestBody):
    """POST /cases/{id}/contacts."""

    at: Moment
    method: Slug(CONTACT_METHODS, "the method")
    outcome: Slug(CONTACT_OUTCOMES, "the outcome")
    note: OptionalText("the note", 10000, multiline=True) = None
    against_wishes_confirmed: Annotated[StrictBool, Field(description=(
        "Required (true) when the method goes against the victim's wishes (a call when they said do not phone, a "
        "voicemail, a letter, email or text they did not agree to); otherwise 422."))] = False
    against_wishes_reason: Annotated[OptionalText("the reason", 2000, multiline=True), Field(
        description="Why it was needed; required with the above.")] = None


class CodeEventCreate(RequestBody):
    """POST /cases/{id}/code-events: what happened under one of the Victims' Code rights."""

    right: Slug(VICTIMS_CODE_RIGHTS, "the right", "One of the twelve rights; the event must be one of its own.")
    event: Slug(CODE_EVENTS, "the event", "decision-communicated needs decision_at.")
    at: Annotated[Moment, Field(description="When it happened: ISO 8601 with a time zone, not in the future.")]
    decision_at: Annotated[Moment | None, Field(description=(
        "When the police decision was made (required for decision-communicated): not after at. The victim must "
        "be told within 1 working day of it if enhanced, 5 otherwise."))] = None
    decision: Slug(POLICE_DECISIONS, "the police decision", (
        "Which police decision the victim was told of (no further action, arrest, release, bail, charge, case to "
        "court): only with decision-communicated, and optional there."), required=False) = None
    note: OptionalText("the note", 4000, multiline=True) = None


_REASON_CODES = [(slug, slug) for slug in sorted(set(slugs(DECLINE_REASONS_OFFERED) + slugs(TRANSFER_REASONS)))]


class TransitionCreate(RequestBody):
    """POST /cases/{id}/transitions."""

    to: Slug(CASE_STATUSES, "the status")
    reason: Annotated[OptionalText("the reason", 4000, multiline=True), Field(
        description="Why; for \"closed\", the closure reason.")] = None
    reason_code: Slug(_REASON_CODES, "the reason code", "Optional, for \"declined\" (DECLINE_REASONS) or "
                      "\"transferred\" (TRANSFER_REASONS): the main reason, which reports publish by code.",
                      required=False) = None
    service: Slug(SERVICES, "the service", "For \"transferred\": the receiving service.", required=False) = None
    outcomes: Annotated[dict[str, Any] | None, Field(
        description="Outcome answers at closure, by question.")] = None


# --- Turning errors into the problem+json list -------------------------------------------------------------------

# What a missing required field asks for, by path (list positions removed).
_MISSING = {
    "victim": "Send victim as an object", "offence": "Send offence as an object",
    "consent": "Send consent as an object",
    "victim.given_name": "Enter the given name", "victim.family_name": "Enter the family name",
    "victim.date_of_birth": "Enter the date of birth as YYYY-MM-DD", "victim.borough": "Enter the borough",
    "offence.category": "Choose an offence category from the list: " + ", ".join(OFFENCE_CATEGORY_LABELS),
    "offence.occurred_on": "Enter the date of the offence as YYYY-MM-DD",
    "offence.hate_crime_strands": "Send a list of hate crime strands, empty if none: " + ", ".join(HATE_STRAND_LABELS),
    "dash.yes_count": "Send a whole number from 0 to 24",
}
_CHOICES = {
    "offence.category": "Choose an offence category from the list: " + ", ".join(OFFENCE_CATEGORY_LABELS),
    "offence.hate_crime_strands": "Unknown hate crime strand: choose from " + ", ".join(HATE_STRAND_LABELS),
}
_LISTS = {
    "offence.hate_crime_strands": "Send a list of hate crime strands, empty if none: " + ", ".join(HATE_STRAND_LABELS),
}
_WHAT = {
    "victim.given_name": "the given name", "victim.family_name": "the family name", "victim.borough": "the borough",
    "victim.postcode": "the postcode", "victim.phone": "the phone number", "victim.email": "the email address",
    "offence.crime_reference": "the crime reference",
    "dash.professional_judgement_reason": "the reason for professional judgement",
}


def field_path(loc: tuple) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += ("." if path else "") + str(part)
    return path


def _message(error: dict, path: str, name: str) -> str:
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    what = _WHAT.get(name, name.rsplit(".", 1)[-1].replace("_", " "))
    if kind in ("victimcare", "control_characters"):
        return ctx["message"]
    if kind == "missing":
        return _MISSING.get(name, f"Send {name.rsplit('.', 1)[-1]}")
    if kind == "extra_forbidden":
        return "This field is not part of the API: check its spelling"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"{name} must be an object, not {describe(value)}" if "." not in name else \
            f"{_capital(what)} must be an object, not {describe(value)}"
    if kind == "bool_type":
        return "Send true or false" if value is None else f"Must be true or false, not {describe(value)}"
    if kind in ("int_type", "int_from_float"):
        return f"Must be a whole number, not {describe(value)}"
    if kind in ("greater_than_equal", "less_than_equal"):
        low, high = _bounds(name)
        return f"Must be a whole number from {low} to {high}"
    if kind in ("string_too_long", "too_long"):
        return f"{_capital(what)} must be {ctx['max_length']} characters or fewer"
    if kind == "string_too_short":
        return f"Enter {what}"
    if kind == "string_type":
        return f"{_capital(what)} must be text, not {describe(value)}"
    if kind == "literal_error":
        return _CHOICES.get(name, f"Choose one of: {ctx.get('expected', '')}")
    if kind == "list_type":
        return _LISTS.get(name, f"Send a list, not {describe(value)}")
    return error.get("msg") or "This value cannot be accepted"


_BOUNDS = {"dash.yes_count": (0, 24), "dash.incidents_last_12_months": (0, MAX_INCIDENTS)}


def _bounds(name: str) -> tuple[int, int]:
    return _BOUNDS.get(name, (0, 0))


def problems(error: ValidationError, messages: dict[str, str] | None = None) -> list[dict]:
    """Every problem in a ValidationError as ``{"field", "message"}``, one per field, at most MAX_LIST_ERRORS per
    list; in the order the fields are declared. ``messages`` gives a field one message for any type problem (an
    endpoint whose words partners already know); a rule's own message (a control character...) is kept."""
    messages = messages or {}
    found, per_list = [], {}
    seen = set()
    for item in error.errors(include_url=False):
        loc = tuple(part for part in item["loc"] if not (isinstance(part, str) and part.startswith("function-")))
        path = field_path(loc) or "body"
        name = field_path(tuple(p for p in loc if not isinstance(p, int))) or "body"
        if path in seen:
            continue
        if path != name:
            per_list[name] = per_list.get(name, 0) + 1
            if per_list[name] > MAX_LIST_ERRORS:
                continue
        seen.add(path)
        message = _message(item, path, name)
        if name in messages and item["type"] != "control_characters":
            message = messages[name]
        found.append({"field": path, "message": message})
    return found


