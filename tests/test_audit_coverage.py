"""Every page and API endpoint that shows victim data leaves an audit event; every refusal is recorded too.

The test walks the app's URL map, so a new route cannot be added without either being audited or being listed
here, with a reason, as showing no victim data.
"""
import re

import pytest
from sqlalchemy import select

from victimcare.demo import DEMO_PASSWORD, seed_demo
from victimcare.extensions import db
from victimcare.models import AuditEvent, Case, Referral, Service, User

from .factories import make_token
from .route_values import ROLES, route_values

# Endpoints that show no victim data (forms, account pages, reference documents).
NO_VICTIM_DATA = {
    "static": "assets",
    "main.index": "redirect only",
    "auth.sign_in": "sign-in form",
    "auth.change_password": "own password form",
    "admin.users": "staff accounts, no case content",
    "admin.new_user": "staff account form",
    "admin.user": "a staff account, no case content",
    "admin.change_access": "a staff account's role and service form",
    "admin.confirm_deactivation": "how many open cases and tasks a member of staff holds (counts only)",
    "account.account_changes": "account changes waiting for approval: staff names, roles, services",
    "auth.reset_password": "a one-time link's new-password form (404 for the made-up token here)",
    "auth.accept_invitation": "a one-time link's first-password form (404 for the made-up token here)",
    "api.me": "the token's own identity",
    "api.openapi": "the API description",
    "api.openapi_document": "the API description",
    "reports.index": "the list of report names",
    "account.notifications": "own email choices",
    "account.sessions": "own signed-in sessions (times, addresses, browsers)",
    "account.security": "own second factors",
    "account.authenticator": "own authenticator set-up",
    "auth.second_factor": "the code form of sign-in",
    "account.dev_mail": "development only (404 here); emails hold no victim data",
    "account.dev_mail_message": "development only (404 here); emails hold no victim data",
    "admin.webhooks": "partner endpoints, no case content",
    "admin.new_webhook": "partner endpoint form",
    "admin.webhook": "an endpoint's deliveries: event names, ids and statuses, never the bodies",
    "admin.sweeps": "sweep runs and job counts",
    "exports.show": "an export's progress (the requester's own; the download is audited)",
    "exports.status": "an export's progress as JSON",
    "marac.new_meeting": "the empty form for a new MARAC meeting (date, chair, agencies, area)",
    "retention.place_hold": "the empty legal-hold form (the reference typed, nothing read)",
    "data_rights.new": "the empty form for a new data-rights request",
    "main.search_records": "the empty search form (a search with text is audited: tests/test_search.py)",
}
# Pages that show victim data to some roles but not to these (the admin's home lists staff accounts).
NO_VICTIM_DATA_FOR_ROLE = {("main.home", "admin"): "staff accounts only"}
# Form pages and public pages that show nothing from the database until submitted.
EMPTY_FORM_PATTERN = re.compile(r"^referrals\.(new|self_referral|self_referral_done|journey_|step_|start|offence|dash|about|consent|check|confirmation|find_person)")



@pytest.fixture
def world():
    seed_demo(referral_count=15)
    users = {name: db.session.scalar(select(User).where(User.email == f"{name}@demo.victimcare.test")) for name in ROLES}
    da = db.session.scalar(select(Service).where(Service.slug == "domestic-abuse"))
    case = db.session.scalar(select(Case).where(Case.service_id == da.id).order_by(Case.id))
    referral = db.session.get(Referral, case.referral_id)
    other_case = db.session.scalar(select(Case).where(Case.service_id != da.id).order_by(Case.id))
    tokens = {name: make_token(user.email) for name, user in users.items()}
    return {
        "users": users,
        "tokens": tokens,
        "values": route_values(case, referral, users, "not-a-real-link-token"),
        "other_case_id": other_case.id,
    }


def _get_rules(app):
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and rule.endpoint != "static":
            yield rule


def _build(rule, values):
    missing = [arg for arg in rule.arguments if arg not in values]
    if missing:
        pytest.fail(f"add a value for {missing} so {rule.endpoint} ({rule.rule}) is walked")
    path = rule.rule
    for arg in rule.arguments:
        path = re.sub(r"<(?:[^:<>]+:)?" + arg + r">", str(values[arg]), path)
    return path


def _events_for(request_id):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.request_id == request_id)).all()


def test_every_get_route_with_victim_data_is_audited_for_every_role(app, world):
    checked = 0
    clients = {}
    for role in ROLES:
        clients[role] = app.test_client()
        clients[role].post("/sign-in", data={"email": world["users"][role].email, "password": DEMO_PASSWORD})
    for rule in _get_rules(app):
        path = _build(rule, world["values"])
        for role in ROLES:
            client = clients[role]
            headers = {}
            if rule.endpoint.startswith("api."):
                headers["Authorization"] = f"Bearer {world['tokens'][role]}"
            response = client.get(path, headers=headers)
            request_id = response.headers.get("X-Request-ID")
            events = _events_for(request_id)
            exempt = (
                rule.endpoint in NO_VICTIM_DATA
                or (rule.endpoint, role) in NO_VICTIM_DATA_FOR_ROLE
                or EMPTY_FORM_PATTERN.match(rule.endpoint)
            )
            if response.status_code == 200 and not exempt:
                assert events, f"{role} read {rule.endpoint} ({path}) and no audit event was written"
                checked += 1
            if response.status_code in (403, 404) and not exempt:
                assert any(e.action == "permission-denied" for e in events), (
                    f"{role} was refused {rule.endpoint} ({path}) with {response.status_code} and it was not recorded"
                )
    assert checked > 0


def test_an_advocate_reaching_for_another_services_case_is_refused_and_recorded(app, world):
    client = app.test_client()
    client.post("/sign-in", data={"email": world["users"]["domestic-abuse"].email, "password": DEMO_PASSWORD})
    for rule in _get_rules(app):
        if "case_id" not in rule.arguments or rule.endpoint.startswith("api."):
            continue
        path = _build(rule, {**world["values"], "case_id": world["other_case_id"]})
        response = client.get(path)
        assert response.status_code == 404, (rule.endpoint, response.status_code)
        events = _events_for(response.headers["X-Request-ID"])
        assert [e.action for e in events] == ["permission-denied"], rule.endpoint
