"""API v1: the OpenAPI 3.1 description of every fixed API path, served publicly at /api/v1/openapi.json.

The request bodies' component schemas are generated from the pydantic models that read them (api/models.py), and
slugs come from domain/vocab.py, so the document cannot drift from the code; the paths and the response schemas
are written here. Checks the JSON Schema cannot express (a date of birth in the past, a borough that exists) are
described in prose and answered with 422.
"""
from flask import jsonify
from pydantic.json_schema import models_json_schema

from ..domain.code_rights import RightState
from ..domain.people import UNSAFE_CONTACT_RULES
from ..domain.routing import RULES, SIGNPOST_SARC
from ..domain.suppression import MARKERS
from ..domain.vocab import (
    CASE_STATUSES,
    CODE_EVENTS,
    COMPLAINT_AGENCIES,
    CONTACT_METHODS,
    CONTACT_OUTCOMES,
    POLICE_DECISIONS,
    REFERRAL_SOURCES,
    SERVICES,
    VICTIMS_CODE_RIGHTS,
)
from . import bp
from .models import CodeEventCreate, ContactCreate, ReferralCreate, TransitionCreate

REQUEST_MODELS = (ReferralCreate, ContactCreate, TransitionCreate, CodeEventCreate)

PROBLEM = "application/problem+json"


def _slugs(vocabulary) -> list[str]:
    return [slug for slug, _ in vocabulary]


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


def _problem(description: str) -> dict:
    return {"description": description, "content": {PROBLEM: {"schema": _ref("Problem")}}}


def _json(description: str, schema: dict, headers: dict | None = None) -> dict:
    response = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        response["headers"] = headers
    return response


def _errors(*statuses: int) -> dict:
    return {str(status): {"$ref": f"#/components/responses/{_RESPONSE_NAMES[status]}"} for status in statuses}


_RESPONSE_NAMES = {
    400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 409: "Conflict",
    413: "ContentTooLarge", 422: "UnprocessableContent",
}

_EXAMPLE_REFERRAL = {
    "victim": {"given_name": "Sam", "family_name": "Example", "date_of_birth": "1988-03-14", "borough": "Hackney",
               "postcode": "E8 1AB"},
    "offence": {"category": "domestic-abuse", "occurred_on": "2026-10-20", "crime_reference": "1234567/26",
                "domestic_abuse": True, "sexual_offence": False, "hate_crime_strands": []},
    "consent": {"referral": True},
    "dash": {"yes_count": 15, "professional_judgement": False, "incidents_last_12_months": 1},
    "received_at": "2026-10-22T10:30:00Z",
}


def _borough_names() -> list[str]:
    from sqlalchemy import select

    from ..extensions import db
    from ..models import Borough

    rows = db.session.execute(select(Borough.ons_code, Borough.name).order_by(Borough.ons_code)).all()
    return [code for code, _ in rows] + [name for _, name in rows]


def _request_schemas() -> dict:
    """The request bodies' schemas, generated from the pydantic models that read them (api/models.py)."""
    _, document = models_json_schema([(model, "validation") for model in REQUEST_MODELS],
                                     ref_template="#/components/schemas/{model}")
    schemas = _without_titles(document["$defs"])
    borough = schemas["Victim"]["properties"]["borough"]
    # The canonical spellings are listed so a generator (and a reader) finds real ones; any case also matches.
    borough["anyOf"] = [{"enum": _borough_names()}, {"type": "string", "minLength": 1, "maxLength": 64}]
    for key in ("type", "minLength", "maxLength"):
        borough.pop(key, None)
    return schemas


def _without_titles(schema):
    """pydantic titles every property after its name; the names say it already."""
    if isinstance(schema, dict):
        return {key: _without_titles(value) for key, value in schema.items()
                if not (key == "title" and isinstance(value, str))}
    if isinstance(schema, list):
        return [_without_titles(item) for item in schema]
    return schema


def _schemas() -> dict:
    return {**_response_schemas(), **_request_schemas()}


def _response_schemas() -> dict:
    date = {"type": "string", "format": "date"}
    return {
        "Problem": {
            "type": "object",
            "description": "An RFC 9457 problem. `errors` lists every field that needs correcting.",
            "required": ["type", "title", "status"],
            "properties": {
                "type": {"type": "string"},
                "title": {"type": "string"},
                "status": {"type": "integer"},
                "detail": {"type": "string"},
                "errors": {"type": "array", "items": _ref("FieldError")},
            },
        },
        "FieldError": {
            "type": "object",
            "required": ["field", "message"],
            "properties": {
                "field": {"type": "string", "examples": ["victim.date_of_birth", "offence.hate_crime_strands[1]"],
                          "description": "A dotted path to the field; list positions in brackets."},
                "message": {"type": "string"},
            },
        },
        "Route": {
            "type": "object",
            "required": ["service", "rule", "reason", "priority", "first_contact_due"],
            "properties": {
                "service": {"type": "string", "enum": _slugs(SERVICES)},
                "rule": {"type": "string", "description": "A routing rule id (" + ", ".join(RULES) + ") or an "
                                                          "override made by a caseworker."},
                "reason": {"type": "string"},
                "priority": {"type": "string", "enum": ["normal", "high"]},
                "first_contact_due": _nullable(date),
            },
        },
        "Risk": _nullable({
            "type": "object",
            "required": ["dash_level", "marac"],
            "properties": {"dash_level": {"type": "string", "enum": ["standard", "medium", "high"]},
                           "marac": {"type": "boolean"}},
        }),
        "Signposting": _nullable({
            "type": "object",
            "required": ["to", "reason"],
            "description": "Where the victim is directed first, outside the routes: an acute sexual assault "
                           "(within the last 7 days) goes first to the Havens, London's sexual assault referral "
                           "centres.",
            "properties": {"to": {"type": "string", "enum": [SIGNPOST_SARC]}, "reason": {"type": "string"}},
        }),
        "ReferralCreated": {
            "type": "object",
            "required": ["reference", "enhanced", "enhanced_reasons", "risk", "routes"],
            "properties": {
                "reference": {"type": "string", "examples": ["VC-ABCD-2345"]},
                "enhanced": {"type": "boolean"},
                "enhanced_reasons": {"type": "array", "items": {"type": "string"}},
                "risk": _ref("Risk"),
                "signposting": _ref("Signposting"),
                "routes": {"type": "array", "items": _ref("Route")},
            },
        },
        "Referral": {
            "type": "object",
            "required": ["reference", "status", "source", "received_at", "offence", "enhanced", "enhanced_reasons",
                         "risk", "routes"],
            "properties": {
                "reference": {"type": "string"},
                "status": {"type": "string", "enum": ["triage", "routed", "not-routed", "not-proceeding"],
                           "description": "API referrals stay in triage until a caseworker reviews them; they are "
                                          "routed (cases opened) at once all the same."},
                "source": {"type": "string", "enum": _slugs(REFERRAL_SOURCES)},
                "received_at": {"type": "string", "format": "date-time"},
                "victim": _nullable({
                    "type": "object",
                    "required": ["given_name", "family_name", "date_of_birth"],
                    "properties": {"given_name": {"type": "string"}, "family_name": {"type": "string"},
                                   "date_of_birth": _nullable(date)},
                }),
                "offence": {
                    "type": "object",
                    "properties": {
                        "category": {"type": "string"},
                        "occurred_on": _nullable(date),
                        "borough": _nullable({"type": "string", "description": "ONS code"}),
                        "crime_reference": _nullable({"type": "string"}),
                        "domestic_abuse": {"type": "boolean"},
                        "sexual_offence": {"type": "boolean"},
                        "hate_crime_strands": {"type": "array", "items": {"type": "string"}},
                        "trafficking": {"type": "boolean"},
                        "child_sexual_exploitation": {"type": "boolean"},
                        "additional_needs": {"type": "boolean"},
                    },
                },
                "consent": {"type": "object", "properties": {"referral": _nullable({"type": "boolean"})}},
                "enhanced": {"type": "boolean"},
                "enhanced_reasons": {"type": "array", "items": {"type": "string"}},
                "risk": _ref("Risk"),
                "not_routed_reason": _nullable({"type": "string"}),
                "signposting": _ref("Signposting"),
                "routes": {"type": "array", "items": _ref("Route"),
                           "description": "The routes in force: rule decisions and caseworker additions, less "
                                          "removals."},
            },
        },
        "CaseSummary": {
            "type": "object",
            "required": ["id", "reference", "service", "status", "first_contact_due", "version"],
            "properties": {
                "id": {"type": "integer"},
                "reference": {"type": "string", "description": "The reference of the case's referral."},
                "service": {"type": "string", "enum": _slugs(SERVICES)},
                "status": {"type": "string", "enum": _slugs(CASE_STATUSES)},
                "priority": {"type": "string", "enum": ["normal", "high"]},
                "first_contact_due": date,
                "first_contacted_at": _nullable({"type": "string", "format": "date-time"}),
                "assigned_to": _nullable({"type": "integer", "description": "A user id."}),
                "version": {"type": "integer", "description": "Send as If-Match to guard against lost updates."},
            },
        },
        "Case": {
            "allOf": [_ref("CaseSummary")],
            "type": "object",
            "description": "A case summary with its lifecycle details.",
            "properties": {
                "received_at": {"type": "string", "format": "date-time"},
                "first_contact_in_time": _nullable({"type": "boolean"}),
                "closure_requested": {"type": "boolean"},
                "closure_reason": _nullable({"type": "string"}),
                "closed_at": _nullable({"type": "string", "format": "date-time"}),
                "outcomes": {"type": "object", "additionalProperties": _nullable({"type": "string"})},
                "transferred_to_case_id": _nullable({"type": "integer"}),
                "decline_reason_code": _nullable({"type": "string"}),
                "transfer_reason_code": _nullable({"type": "string"}),
                "enhanced": {"type": "boolean"},
                "marac": {"type": "boolean"},
                "child_safeguarding": {"type": "boolean"},
                "complaint": _nullable(_ref("Complaint")),
            },
        },
        "Complaint": {
            "type": "object",
            "description": "A Victims' Code complaint on a Victims' Commissioner case (null on other services' "
                           "cases). The response is due a set number of working days after it was requested; one "
                           "received on the due date is on time.",
            "required": ["agency", "code_right", "response_requested_on", "response_due_on", "response_received_on"],
            "properties": {
                "agency": _nullable({"type": "string", "enum": _slugs(COMPLAINT_AGENCIES)}),
                "code_right": _nullable({"type": "string", "enum": _slugs(VICTIMS_CODE_RIGHTS)}),
                "response_requested_on": _nullable(date),
                "response_due_on": _nullable(date),
                "response_received_on": _nullable(date),
            },
        },
        "CaseList": {
            "type": "object",
            "required": ["items", "page", "per_page", "total"],
            "properties": {
                "items": {"type": "array", "items": _ref("CaseSummary")},
                "page": {"type": "integer"},
                "per_page": {"type": "integer"},
                "total": {"type": "integer"},
            },
        },
        "Contact": {
            "type": "object",
            "required": ["id", "case_id", "at", "method", "outcome", "case_version"],
            "properties": {
                "id": {"type": "integer"},
                "case_id": {"type": "integer"},
                "at": {"type": "string", "format": "date-time"},
                "method": {"type": "string", "enum": _slugs(CONTACT_METHODS)},
                "outcome": {"type": "string", "enum": _slugs(CONTACT_OUTCOMES)},
                "against_rule": _nullable({"type": "string", "enum": list(UNSAFE_CONTACT_RULES),
                                           "description": "The victim's rule this contact went against."}),
                "against_wishes_reason": _nullable({"type": "string"}),
                "first_contact_in_time": _nullable({"type": "boolean"}),
                "case_version": {"type": "integer"},
            },
        },
        "CodeEvent": {
            "type": "object",
            "required": ["id", "right", "event", "at", "decision_at", "decision", "working_days", "in_time", "note"],
            "properties": {
                "id": {"type": "integer"},
                "right": {"type": "string", "enum": _slugs(VICTIMS_CODE_RIGHTS)},
                "event": {"type": "string", "enum": _slugs(CODE_EVENTS)},
                "at": {"type": "string", "format": "date-time"},
                "decision_at": _nullable({"type": "string", "format": "date-time"}),
                "decision": _nullable({"type": "string", "enum": _slugs(POLICE_DECISIONS)}),
                "working_days": _nullable({"type": "integer", "description": (
                    "For a decision: working days (London, bank holidays excluded) from the decision to telling "
                    "the victim.")}),
                "in_time": _nullable({"type": "boolean", "description": (
                    "For a decision: told within 1 working day (enhanced victims) or 5 (others).")}),
                "note": _nullable({"type": "string"}),
                "case_id": {"type": "integer", "description": "In the answer to a POST."},
                "case_version": {"type": "integer", "description": "In the answer to a POST."},
            },
        },
        "CodeRightsRow": {
            "type": "object",
            "required": ["group", "label", "cases", "rights"],
            "properties": {
                "group": _nullable({"type": "string"}),
                "label": {"type": "string"},
                "cases": _ref("Figure"),
                "rights": {"type": "object", "description": (
                    "Keyed by right: applied, met, share_met; for information-about-investigation also in_time, "
                    "share_in_time and median_days."),
                    "additionalProperties": {"type": "object", "additionalProperties": _ref("Figure")}},
            },
        },
        "CodeRightsReport": {
            "type": "object",
            "required": ["report", "group_by", "filters", "as_of", "definitions", "rights", "not_recorded",
                         "suppression", "rows", "total"],
            "properties": {
                "report": {"const": "code-rights"},
                "group_by": {"type": "string", "enum": ["service", "borough", "month"]},
                "filters": {"type": "object"},
                "as_of": {"type": "string", "format": "date"},
                "definitions": {"type": "object", "additionalProperties": {"type": "string"}},
                "rights": {"type": "object", "description": "The rights reported, slug: name.",
                           "additionalProperties": {"type": "string"}},
                "not_recorded": {"type": "object", "description": (
                    "The rights owed by other agencies (police, Witness Care and CPS, probation), which nothing "
                    "here records."),
                    "additionalProperties": {"type": "string"}},
                "suppression": {"type": "string"},
                "rows": {"type": "array", "items": _ref("CodeRightsRow")},
                "total": _ref("CodeRightsRow"),
            },
        },
        "CodeRights": {
            "type": "object",
            "required": ["case_id", "enhanced", "rights"],
            "properties": {
                "case_id": {"type": "integer"},
                "enhanced": {"type": "boolean"},
                "rights": {"type": "array", "description": "The twelve rights, in the Code's order.", "items": {
                    "type": "object",
                    "required": ["right", "label", "status", "due_on", "events"],
                    "properties": {
                        "right": {"type": "string", "enum": _slugs(VICTIMS_CODE_RIGHTS)},
                        "label": {"type": "string"},
                        "status": {"type": "string", "enum": [state.value for state in RightState],
                                   "description": (
                                       "met-late: applied, but a decision was told after its deadline. "
                                       "not-recorded: owed by another agency (the crime recorded and information "
                                       "when reporting by the police, expenses and property, information about the "
                                       "offender); no event belongs to it, so nothing here says whether it was "
                                       "met.")},
                        "due_on": _nullable({"type": "string", "format": "date"}),
                        "events": {"type": "array", "items": _ref("CodeEvent")},
                    },
                }},
            },
        },
        "Figure": {
            "description": "A count, rate or median. A count from 1 to 4 is \"fewer than 5\"; any other count "
                           "hidden so that a total cannot give a smaller one away is \"hidden\". null where a "
                           "rate or median is withheld.",
            "anyOf": [{"type": "number"}, {"type": "string", "enum": list(MARKERS)}, {"type": "null"}],
        },
        "ComplianceRow": {
            "type": "object",
            "description": "One group's figures for each level (enhanced, standard, all), keyed by measure.",
            "required": ["group", "label"],
            "properties": {
                "group": _nullable({"type": "string", "description": "Service slug, borough ONS code, BCU "
                                                                     "number or month (YYYY-MM)."}),
                "label": {"type": "string"},
            },
            "additionalProperties": {"type": "object", "additionalProperties": _ref("Figure")},
        },
        "ComplianceReport": {
            "type": "object",
            "required": ["report", "group_by", "rows", "total"],
            "properties": {
                "report": {"const": "code-compliance"},
                "group_by": {"type": "string", "enum": ["service", "borough", "bcu", "month"]},
                "filters": {"type": "object"},
                "overdue_as_of": date,
                "levels": {"type": "object", "additionalProperties": {"type": "string"}},
                "definitions": {"type": "object", "additionalProperties": {"type": "string"}},
                "suppression": {"type": "string"},
                "rows": {"type": "array", "items": _ref("ComplianceRow")},
                "total": _ref("ComplianceRow"),
            },
        },
    }


def _responses() -> dict:
    unauthorized = _problem("No token, or a token that is unknown or revoked.")
    unauthorized["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"}}}
    return {
        "BadRequest": _problem("The body is not valid JSON (or nests too deeply), or a query parameter holds a "
                                 "control character."),
        "Unauthorized": unauthorized,
        "Forbidden": _problem("The token's role may not do this."),
        "NotFound": _problem("No such record, or one the caller may not know exists."),
        "Conflict": _problem("An illegal transition, or If-Match names a stale version."),
        "ContentTooLarge": _problem("The body is over 1 MB."),
        "UnprocessableContent": _problem("Some fields need correcting: see `errors`."),
    }


def _case_id() -> dict:
    return {"name": "id", "in": "path", "required": True,
            "schema": {"type": "integer", "format": "int32", "minimum": 1, "maximum": 2**31 - 1}}


def _if_match() -> dict:
    return {"name": "If-Match", "in": "header", "required": False, "schema": {"type": "string"},
            "description": "The case version (its ETag). Without it the write is accepted; with a stale one, 409."}


def _paths() -> dict:
    case_headers = {"ETag": {"schema": {"type": "string"}, "description": "The case version."}}
    return {
        "/referrals": {
            "post": {
                "operationId": "createReferral",
                "summary": "Record a referral from a partner and route it",
                "description": "Caseworker tokens only. The referral is routed at once (cases opened, routes "
                               "returned) and queued for caseworker triage, with source police-api. Nothing is "
                               "written unless the whole request succeeds.",
                "tags": ["referrals"],
                "parameters": [{
                    "name": "Idempotency-Key", "in": "header", "required": False,
                    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
                    "description": "Retry safely: the same key (per user) with the same body replays the first "
                                   "201 response and creates nothing; with a different body, 422.",
                }],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("ReferralCreate"),
                                                     "example": _EXAMPLE_REFERRAL}},
                },
                "responses": {
                    "201": _json("Recorded and routed (or an idempotent replay of that response).",
                                 _ref("ReferralCreated"),
                                 {"Location": {"schema": {"type": "string"}, "required": True,
                                               "description": "/api/v1/referrals/{reference}"}}),
                    **_errors(400, 401, 403, 413, 422),
                },
            },
        },
        "/referrals/{reference}": {
            "get": {
                "operationId": "getReferral",
                "summary": "A referral with its routes",
                "description": "Caseworkers, and advocates of a service it was routed to. Anyone else gets 404, "
                               "as for a reference that does not exist. Every view is audited.",
                "tags": ["referrals"],
                "parameters": [{"name": "reference", "in": "path", "required": True,
                                "schema": {"type": "string"}, "example": "VC-ABCD-2345"}],
                "responses": {"200": _json("The referral.", _ref("Referral")), **_errors(401, 404)},
            },
        },
        "/cases": {
            "get": {
                "operationId": "listCases",
                "summary": "Cases, filtered; advocates see their own service's only",
                "description": "Advocates only (others 403). Naming another service gives an empty list.",
                "tags": ["cases"],
                "parameters": [
                    {"name": "service", "in": "query", "required": False, "schema": {"type": "string"}},
                    {"name": "status", "in": "query", "required": False,
                     "schema": {"type": "string", "enum": _slugs(CASE_STATUSES)}},
                    {"name": "overdue", "in": "query", "required": False, "schema": {"type": "boolean"}},
                    {"name": "page", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1}},
                    {"name": "per_page", "in": "query", "required": False,
                     "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
                ],
                "responses": {"200": _json("One page of cases.", _ref("CaseList")), **_errors(400, 401, 403, 422)},
            },
        },
        "/cases/{id}": {
            "get": {
                "operationId": "getCase",
                "summary": "One case; its ETag header holds the version",
                "description": "404 for a case outside the advocate's service.",
                "tags": ["cases"],
                "parameters": [_case_id()],
                "responses": {"200": _json("The case.", _ref("Case"), case_headers), **_errors(401, 403, 404)},
            },
        },
        "/cases/{id}/contacts": {
            "post": {
                "operationId": "recordContact",
                "summary": "Record a contact attempt (the first one reached stops the first-contact clock)",
                "tags": ["cases"],
                "parameters": [_case_id(), _if_match()],
                "requestBody": {"required": True,
                                "content": {"application/json": {"schema": _ref("ContactCreate")}}},
                "responses": {
                    "201": _json("Recorded.", _ref("Contact"), {
                        **case_headers, "Location": {"schema": {"type": "string"}, "description": "The case."},
                    }),
                    **_errors(400, 401, 403, 404, 409, 413, 422),
                },
            },
        },
        "/cases/{id}/transitions": {
            "post": {
                "operationId": "transitionCase",
                "summary": "Move a case to another status",
                "description": "To \"closed\": a closure request, or its approval when sent by a lead who may "
                               "approve it.",
                "tags": ["cases"],
                "parameters": [_case_id(), _if_match()],
                "requestBody": {"required": True,
                                "content": {"application/json": {"schema": _ref("TransitionCreate")}}},
                "responses": {"200": _json("The case after the change.", _ref("Case"), case_headers),
                              **_errors(400, 401, 403, 404, 409, 413, 422)},
            },
        },
        "/cases/{id}/code-events": {
            "post": {
                "operationId": "recordCodeEvent",
                "summary": "Record what happened under one of the Victims' Code rights",
                "description": "Caseworker tokens on any case, advocate tokens on their own service's cases "
                               "(404 otherwise). 422 for an unknown right or event, an event of another right, "
                               "decision-communicated without decision_at, decision_at after at, or a time in "
                               "the future.",
                "tags": ["cases"],
                "parameters": [_case_id(), _if_match()],
                "requestBody": {"required": True,
                                "content": {"application/json": {"schema": _ref("CodeEventCreate")}}},
                "responses": {
                    "201": _json("Recorded.", _ref("CodeEvent"), {
                        **case_headers,
                        "Location": {"schema": {"type": "string"}, "description": "The case's Code rights."},
                    }),
                    **_errors(400, 401, 403, 404, 409, 413, 422),
                },
            },
        },
        "/cases/{id}/code-rights": {
            "get": {
                "operationId": "caseCodeRights",
                "summary": "Each Victims' Code right of a case: met, met late, due (with the date), missed or "
                           "not applicable, with its events",
                "tags": ["cases"],
                "parameters": [_case_id()],
                "responses": {"200": _json("The case's rights.", _ref("CodeRights")), **_errors(401, 403, 404)},
            },
        },
        "/reports/code-compliance": {
            "get": {
                "operationId": "codeCompliance",
                "summary": "Victims' Code compliance, with small-number suppression (commissioner role only)",
                "tags": ["reports"],
                "parameters": [
                    {"name": "from", "in": "query", "required": False, "schema": {"type": "string", "format": "date"},
                     "description": "Default: 365 days before `to`."},
                    {"name": "to", "in": "query", "required": False, "schema": {"type": "string", "format": "date"},
                     "description": "Default: today."},
                    {"name": "group_by", "in": "query", "required": False,
                     "schema": {"type": "string", "enum": ["service", "borough", "bcu", "month"],
                                "default": "service"}},
                    {"name": "service", "in": "query", "required": False, "schema": {"type": "string"}},
                    {"name": "borough", "in": "query", "required": False, "schema": {"type": "string"},
                     "description": "An ONS code."},
                    {"name": "bcu", "in": "query", "required": False, "schema": {"type": "integer"}},
                    {"name": "level", "in": "query", "required": False,
                     "schema": {"type": "string", "enum": ["enhanced", "standard"]}},
                ],
                "responses": {"200": _json("Rows of figures, and the total.", _ref("ComplianceReport")),
                              **_errors(400, 401, 403, 422)},
            },
        },
        "/reports/code-rights": {
            "get": {
                "operationId": "codeRights",
                "summary": "Each Victims' Code right: cases where it applied, share met, and for the deadline-bound "
                           "right the share met on time and the median working days (commissioner role only)",
                "description": "Cases counted by the date they were received; the commissioner's periods snap to "
                               "whole months; the same suppression as the compliance report. The table is worked "
                               "out from the cases and their code events (no roll-up table yet).",
                "tags": ["reports"],
                "parameters": [
                    {"name": "from", "in": "query", "required": False, "schema": {"type": "string", "format": "date"},
                     "description": "Default: 365 days before `to`."},
                    {"name": "to", "in": "query", "required": False, "schema": {"type": "string", "format": "date"},
                     "description": "Default: today."},
                    {"name": "group_by", "in": "query", "required": False,
                     "schema": {"type": "string", "enum": ["service", "borough", "month"], "default": "service"}},
                    {"name": "service", "in": "query", "required": False, "schema": {"type": "string"}},
                    {"name": "borough", "in": "query", "required": False, "schema": {"type": "string"},
                     "description": "An ONS code."},
                    {"name": "bcu", "in": "query", "required": False, "schema": {"type": "integer"}},
                    {"name": "level", "in": "query", "required": False,
                     "schema": {"type": "string", "enum": ["enhanced", "standard"]}},
                ],
                "responses": {"200": _json("Rows of figures per right, and the total.", _ref("CodeRightsReport")),
                              **_errors(400, 401, 403, 422)},
            },
        },
        "/me": {
            "get": {
                "operationId": "whoAmI",
                "summary": "The token's user and role",
                "tags": ["auth"],
                "responses": {
                    "200": _json("The user behind the token.", {
                        "type": "object", "required": ["email", "role", "service_id"],
                        "properties": {"email": {"type": "string"}, "role": {"type": "string"},
                                       "service_id": _nullable({"type": "integer"})},
                    }),
                    **_errors(401),
                },
            },
        },
        "/openapi.json": {
            "get": {
                "operationId": "openapiDocument",
                "summary": "This document (no token needed)",
                "tags": ["meta"],
                "security": [],
                "responses": {"200": _json("OpenAPI 3.1.", {"type": "object"})},
            },
        },
    }


def openapi_document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "victimcare API",
            "version": "1.0.0",
            "description": "Referrals from partners, case work and oversight reports for London victim services. "
                           "Send `Authorization: Bearer TOKEN` (`flask --app wsgi token create EMAIL`); the token "
                           "acts with its user's role. Errors are application/problem+json (RFC 9457).",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerAuth": []}],
        "tags": [{"name": name} for name in ("referrals", "cases", "reports", "auth", "meta")],
        "paths": _paths(),
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                               "description": "An API token; only its hash is stored."}},
            "schemas": _schemas(),
            "responses": _responses(),
        },
    }


@bp.get("/openapi.json", endpoint="openapi_document")
def openapi_document_view():
    return jsonify(openapi_document())
