"""Checking API request bodies in plain Python, and shaping response bodies.

A reader walks the parsed JSON and collects every problem as ``{"field": "victim.date_of_birth", "message": ...}``
(dotted paths, list positions in brackets), so a partner sees all mistakes in one 422 response. Only a body that
passes every check becomes a ``ReferralInput``; nothing is written before that.

Strings are checked for length and for control or unpaired surrogate characters, which PostgreSQL cannot store:
the database must never be the first thing to notice bad input.
"""
import re
import unicodedata
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from ..domain.clock import utc_now
from ..domain.contact_details import (
    EMAIL_MAX_LENGTH,
    PHONE_MAX_LENGTH,
    POSTCODE_MAX_LENGTH,
    InvalidContactDetail,
    parse_email,
    parse_phone,
    parse_postcode,
)
from ..domain.deadlines import covered_years, london_date
from ..domain.referral_validation import date_of_birth_problem, offence_date_problem
from ..domain.vocab import HATE_STRAND_LABELS, OFFENCE_CATEGORY_LABELS
from ..extensions import db
from ..models import Borough
from ..services.errors import ValidationFailed
from ..services.referrals import DashAnswers, ReferralInput, VictimDetails

CLOCK_SKEW = timedelta(minutes=5)  # a partner's clock may run a little ahead of ours
MAX_INCIDENTS = 1000
MAX_LIST_ERRORS = 10
DEFAULT_JUDGEMENT_REASON = "Professional judgement of the referring officer (no reason was sent with the referral)."

REFERRAL_FIELDS = {"victim", "offence", "consent", "restorative_justice_requested", "code_complaint", "dash",
                   "received_at"}
VICTIM_FIELDS = {"given_name", "family_name", "date_of_birth", "borough", "postcode", "phone", "email"}
OFFENCE_FIELDS = {"category", "occurred_on", "crime_reference", "domestic_abuse", "sexual_offence",
                  "hate_crime_strands", "persistently_targeted", "vulnerable_or_intimidated"}
CONSENT_FIELDS = {"referral"}
DASH_FIELDS = {"yes_count", "professional_judgement", "professional_judgement_reason", "incidents_last_12_months"}

_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CRIME_REFERENCE = re.compile(r"[A-Z0-9][A-Z0-9/-]{2,31}")
_IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,255}")


def _describe(value) -> str:
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


def _has_unstorable_characters(text: str) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cs") for ch in text)


class _Reader:
    """Reads typed values out of parsed JSON objects, recording an error for each bad one."""

    def __init__(self):
        self.errors: list[dict] = []

    def error(self, field: str, message: str) -> None:
        self.errors.append({"field": field, "message": message})

    def only(self, data: dict, allowed: set[str], path: str) -> None:
        for name in sorted(set(data) - allowed):
            self.error(f"{path}{name}", "This field is not part of the API: check its spelling")

    def section(self, data: dict, key: str, required: bool = True) -> dict | None:
        value = data.get(key)
        if value is None:
            if required:
                self.error(key, f"Send {key} as an object")
            return None
        if not isinstance(value, dict):
            self.error(key, f"{key} must be an object, not {_describe(value)}")
            return None
        return value

    def text(self, data: dict, key: str, path: str, *, required: bool, max_length: int, what: str) -> str | None:
        value = data.get(key)
        if value is None:
            if required:
                self.error(path, f"Enter {what}")
            return None
        if not isinstance(value, str):
            self.error(path, f"{what.capitalize()} must be text, not {_describe(value)}")
            return None
        value = value.strip()
        if _has_unstorable_characters(value):
            self.error(path, f"{what.capitalize()} contains characters that are not allowed")
            return None
        if not value:
            if required:
                self.error(path, f"Enter {what}")
            return None
        if len(value) > max_length:
            self.error(path, f"{what.capitalize()} must be {max_length} characters or fewer")
            return None
        return value

    def boolean(self, data: dict, key: str, path: str, *, required: bool) -> bool | None:
        value = data.get(key)
        if value is None:
            if required:
                self.error(path, "Send true or false")
            return None
        if not isinstance(value, bool):
            self.error(path, f"Must be true or false, not {_describe(value)}")
            return None
        return value

    def integer(self, data: dict, key: str, path: str, *, required: bool, minimum: int, maximum: int) -> int | None:
        value = data.get(key)
        if value is None:
            if required:
                self.error(path, f"Send a whole number from {minimum} to {maximum}")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(path, f"Must be a whole number, not {_describe(value)}")
            return None
        if not minimum <= value <= maximum:
            self.error(path, f"Must be a whole number from {minimum} to {maximum}")
            return None
        return value

    def day(self, data: dict, key: str, path: str, *, required: bool, what: str) -> date | None:
        value = data.get(key)
        if value is None:
            if required:
                self.error(path, f"Enter {what} as YYYY-MM-DD")
            return None
        if not isinstance(value, str) or not _DAY.fullmatch(value):
            self.error(path, f"{what.capitalize()} must be a date written YYYY-MM-DD")
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.error(path, f"{what.capitalize()} must be a real date")
            return None

    def moment(self, data: dict, key: str, path: str) -> datetime | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or "T" not in value.upper():
            self.error(path, "Must be an ISO 8601 date and time with a time zone, like 2026-12-24T10:30:00Z")
            return None
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            self.error(path, "Must be an ISO 8601 date and time with a time zone, like 2026-12-24T10:30:00Z")
            return None
        if moment.tzinfo is None or moment.utcoffset() is None:
            self.error(path, "Include a time zone (Z or an offset such as +01:00): a time without one is ambiguous")
            return None
        try:
            return moment.astimezone(timezone.utc)
        except (OverflowError, ValueError):
            self.error(path, "Must be a real date and time")
            return None


def borough_index() -> dict[str, str]:
    """Every accepted spelling of each borough (ONS code or name, any case, "&" or "and") to its ONS code."""
    index = {}
    for code, name in db.session.execute(select(Borough.ons_code, Borough.name)):
        index[code.casefold()] = code
        index[_borough_key(name)] = code
    return index


def _borough_key(text: str) -> str:
    return " ".join(text.replace("&", " and ").casefold().split())


def parse_referral(body, boroughs: dict[str, str]) -> ReferralInput:
    """Check a POST /referrals body and turn it into a ReferralInput for a police API referral.

    ``received_at`` must carry a time zone (``Z`` or an offset): a referral logged at 00:30 London time in summer
    is on a different day in UTC, and the first-contact deadline counts from the London date, so the API refuses
    to guess. Without ``received_at`` the referral is received now. Raises ValidationFailed with every problem.
    """
    if not isinstance(body, dict):
        raise ValidationFailed(
            "The request body must be a JSON object", errors=[{"field": "body", "message": "Send a JSON object"}]
        )
    r = _Reader()
    now = utc_now()
    r.only(body, REFERRAL_FIELDS, "")

    received_at = r.moment(body, "received_at", "received_at")
    if received_at is not None:
        if received_at > now + CLOCK_SKEW:
            received_at = None
            r.error("received_at", "The time the referral was received must not be in the future")
        elif received_at < datetime(min(covered_years()), 1, 1, tzinfo=timezone.utc):
            received_at = None
            r.error("received_at", f"The time the referral was received must be in {min(covered_years())} or later")
    received_day = london_date(received_at or now)
    today = london_date(now)

    victim = _victim(r, body, today, boroughs)
    offence = _offence(r, body, received_day, victim)
    consent = r.section(body, "consent")
    consent_referral = None
    if consent is not None:
        r.only(consent, CONSENT_FIELDS, "consent.")
        consent_referral = r.boolean(consent, "referral", "consent.referral", required=True)
    rj_requested = r.boolean(body, "restorative_justice_requested", "restorative_justice_requested", required=False)
    code_complaint = r.boolean(body, "code_complaint", "code_complaint", required=False)
    dash = _dash(r, body, offence)

    if r.errors:
        raise ValidationFailed(errors=r.errors)
    return ReferralInput(
        source="police-api",
        offence_category=offence["category"],
        victim=victim["details"],
        offence_date=offence["occurred_on"],
        crime_reference=offence["crime_reference"],
        domestic_abuse=offence["domestic_abuse"],
        sexual_offence=offence["sexual_offence"],
        hate_strands=offence["strands"],
        persistently_targeted=bool(offence["persistently_targeted"]),
        vulnerable_or_intimidated=bool(offence["vulnerable_or_intimidated"]),
        consent_referral=consent_referral,
        rj_requested=bool(rj_requested),
        code_complaint=bool(code_complaint),
        dash=dash,
        received_at=received_at,
        needs_triage=True,
    )


def _victim(r: _Reader, body: dict, today: date, boroughs: dict[str, str]) -> dict:
    data = r.section(body, "victim")
    if data is None:
        return {"details": None, "date_of_birth": None}
    r.only(data, VICTIM_FIELDS, "victim.")
    given = r.text(data, "given_name", "victim.given_name", required=True, max_length=100, what="the given name")
    family = r.text(data, "family_name", "victim.family_name", required=True, max_length=100,
                    what="the family name")
    born = r.day(data, "date_of_birth", "victim.date_of_birth", required=True, what="the date of birth")
    if (problem := date_of_birth_problem(born, today)) is not None:
        r.error("victim.date_of_birth", problem)
        born = None

    borough_code = None
    borough = r.text(data, "borough", "victim.borough", required=True, max_length=64, what="the borough")
    if borough is not None:
        borough_code = boroughs.get(borough.casefold()) or boroughs.get(_borough_key(borough))
        if borough_code is None:
            r.error("victim.borough", "Enter a London borough by its name (such as Hackney) or ONS code (E09000012)")

    contact = {}
    for name, what, max_length, parse in (("postcode", "the postcode", POSTCODE_MAX_LENGTH, parse_postcode),
                                          ("phone", "the phone number", PHONE_MAX_LENGTH, parse_phone),
                                          ("email", "the email address", EMAIL_MAX_LENGTH, parse_email)):
        text = r.text(data, name, f"victim.{name}", required=False, max_length=max_length, what=what)
        try:
            contact[name] = parse(text)
        except InvalidContactDetail as error:
            r.error(f"victim.{name}", error.message)
            contact[name] = None

    details = None
    if given and family:
        details = VictimDetails(given_name=given, family_name=family, date_of_birth=born, borough_code=borough_code,
                                **contact)
    return {"details": details, "date_of_birth": born}


def _offence(r: _Reader, body: dict, received_day: date, victim: dict) -> dict:
    result = {"category": None, "occurred_on": None, "crime_reference": None, "domestic_abuse": False,
              "sexual_offence": False, "strands": [], "persistently_targeted": False,
              "vulnerable_or_intimidated": False}
    data = r.section(body, "offence")
    if data is None:
        return result
    r.only(data, OFFENCE_FIELDS, "offence.")
    category = data.get("category")
    if not isinstance(category, str) or category not in OFFENCE_CATEGORY_LABELS:
        r.error("offence.category", "Choose an offence category from the list: " + ", ".join(OFFENCE_CATEGORY_LABELS))
    else:
        result["category"] = category

    occurred = r.day(data, "occurred_on", "offence.occurred_on", required=True, what="the date of the offence")
    born = victim["date_of_birth"]
    if (problem := offence_date_problem(occurred, received_day, born)) is not None:
        r.error("offence.occurred_on", problem)
    else:
        result["occurred_on"] = occurred

    reference = r.text(data, "crime_reference", "offence.crime_reference", required=False, max_length=32,
                       what="the crime reference")
    if reference is not None:
        reference = reference.upper()
        if _CRIME_REFERENCE.fullmatch(reference):
            result["crime_reference"] = reference
        else:
            r.error("offence.crime_reference",
                    "A crime reference has 3 to 32 letters, numbers, slashes or hyphens, like 1234567/26")

    for key in ("domestic_abuse", "sexual_offence"):
        result[key] = r.boolean(data, key, f"offence.{key}", required=True)
    for key in ("persistently_targeted", "vulnerable_or_intimidated"):
        result[key] = r.boolean(data, key, f"offence.{key}", required=False)

    strands = data.get("hate_crime_strands")
    if not isinstance(strands, list):
        r.error("offence.hate_crime_strands",
                "Send a list of hate crime strands, empty if none: " + ", ".join(HATE_STRAND_LABELS))
    else:
        bad = [i for i, s in enumerate(strands) if not isinstance(s, str) or s not in HATE_STRAND_LABELS]
        for i in bad[:MAX_LIST_ERRORS]:
            r.error(f"offence.hate_crime_strands[{i}]",
                    "Unknown hate crime strand: choose from " + ", ".join(HATE_STRAND_LABELS))
        if not bad:
            result["strands"] = sorted(set(strands))
    return result


def _dash(r: _Reader, body: dict, offence: dict) -> DashAnswers | None:
    data = r.section(body, "dash", required=False)
    if data is None:
        return None
    r.only(data, DASH_FIELDS, "dash.")
    if offence["domestic_abuse"] is False and offence["category"] not in (None, "domestic-abuse"):
        r.error("dash", "A DASH assessment applies to domestic abuse only: set offence.domestic_abuse to true")
    yes_count = r.integer(data, "yes_count", "dash.yes_count", required=True, minimum=0, maximum=24)
    judgement = r.boolean(data, "professional_judgement", "dash.professional_judgement", required=True)
    reason = r.text(data, "professional_judgement_reason", "dash.professional_judgement_reason", required=False,
                    max_length=2000, what="the reason for professional judgement")
    incidents = r.integer(data, "incidents_last_12_months", "dash.incidents_last_12_months", required=False,
                          minimum=0, maximum=MAX_INCIDENTS)
    if yes_count is None or judgement is None:
        return None
    if judgement and reason is None:
        reason = DEFAULT_JUDGEMENT_REASON
    return DashAnswers(yes_count=yes_count, professional_judgement=judgement,
                       professional_judgement_reason=reason if judgement else None,
                       incidents_last_12_months=incidents)


def idempotency_key(value: str | None) -> str | None:
    """The Idempotency-Key header, if sent: 1 to 255 visible ASCII characters."""
    if value is None:
        return None
    if not _IDEMPOTENCY_KEY.fullmatch(value):
        raise ValidationFailed(
            "The Idempotency-Key header is not valid",
            errors=[{"field": "Idempotency-Key", "message": "Use 1 to 255 visible ASCII characters, such as a UUID"}],
        )
    return value


# --- Responses -------------------------------------------------------------------------------------------------

def route_body(decision) -> dict:
    return {
        "service": decision.service.slug,
        "rule": decision.rule,
        "reason": decision.reason,
        "priority": decision.priority,
        "first_contact_due": decision.first_contact_due.isoformat() if decision.first_contact_due else None,
    }


def current_routes(decisions) -> list:
    """The routes in force: each rule or added route, less any a caseworker removed later (decisions in order)."""
    routes: dict[int, object] = {}
    for decision in decisions:
        if decision.kind == "override-remove":
            routes.pop(decision.service_id, None)
        else:
            routes[decision.service_id] = decision
    return list(routes.values())


def risk_body(referral) -> dict | None:
    if referral.dash_level is None:
        return None
    return {"dash_level": referral.dash_level, "marac": bool(referral.marac)}


def referral_created_body(referral, decisions) -> dict:
    """The 201 body for POST /referrals."""
    return {
        "reference": referral.reference,
        "enhanced": bool(referral.enhanced),
        "enhanced_reasons": list(referral.enhanced_reasons or []),
        "risk": risk_body(referral),
        "routes": [route_body(d) for d in current_routes(decisions)],
    }


def referral_body(referral) -> dict:
    """GET /referrals/{reference}: the referral, its routes, and who it is about (no contact details)."""
    person = referral.person
    return {
        "reference": referral.reference,
        "status": referral.status,
        "source": referral.source,
        "received_at": _utc_text(referral.received_at),
        "victim": None if person is None else {
            "given_name": person.given_name,
            "family_name": person.family_name,
            "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
        },
        "offence": {
            "category": referral.offence_category,
            "occurred_on": referral.offence_date.isoformat() if referral.offence_date else None,
            "borough": referral.offence_borough_code,
            "crime_reference": referral.crime_reference,
            "domestic_abuse": bool(referral.domestic_abuse),
            "sexual_offence": bool(referral.sexual_offence),
            "hate_crime_strands": referral.strand_slugs,
        },
        "consent": {"referral": referral.consent_referral},
        "enhanced": bool(referral.enhanced),
        "enhanced_reasons": list(referral.enhanced_reasons or []),
        "risk": risk_body(referral),
        "not_routed_reason": referral.not_routed_reason,
        "routes": [route_body(d) for d in current_routes(referral.routing_decisions)],
    }


def _utc_text(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
