"""Only the Commissioner role runs reports, on screen, in exports and through the API; every run and export
is audited; and the number of queries does not grow with the number of cases."""
import pytest
from sqlalchemy import event, select

from victimcare.extensions import db
from victimcare.models import AuditEvent

from .helpers_reports import (
    HACKNEY,
    LAMBETH,
    PERIOD,
    bearer_for,
    hand_count_fixture,
    make_case,
)

REPORT_ROUTES = [
    "/reports/",
    "/reports/code-compliance",
    "/reports/code-compliance.csv",
    "/reports/code-compliance.xlsx",
    "/reports/postcode-lottery",
    "/reports/postcode-lottery.csv",
    "/reports/postcode-lottery.xlsx",
] + [f"/reports/{slug}{suffix}" for slug in ("routing-and-flow", "service-measures", "outcomes", "equality", "attrition")
     for suffix in ("", ".csv", ".xlsx")]
OTHER_ROLES = ["caseworker", "advocate", "other_advocate", "admin"]


@pytest.mark.parametrize("path", REPORT_ROUTES)
def test_signed_out_people_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_are_refused_every_report_route(client, auth, users, role):
    auth.login(users[role])
    for path in REPORT_ROUTES:
        assert client.get(path).status_code == 403, path
    denied = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "permission-denied")).all()
    assert len(denied) == len(REPORT_ROUTES)


def test_commissioner_reaches_every_report_route(client, auth, users):
    auth.login(users["commissioner"])
    for path in REPORT_ROUTES:
        assert client.get(path).status_code == 200, path


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_api_refuses_other_roles(client, users, role):
    response = client.get("/api/v1/reports/code-compliance", headers=bearer_for(users[role]))
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"


def test_api_needs_a_token(client):
    assert client.get("/api/v1/reports/code-compliance").status_code == 401


@pytest.mark.parametrize("params, field", [
    ({"from": "2026-13-01"}, "from"),
    ({"to": "yesterday"}, "to"),
    ({"from": "2026-03-01", "to": "2026-01-01"}, "from"),
    ({"group_by": "planet"}, "group_by"),
    ({"service": "no-such-service"}, "service"),
    ({"borough": LAMBETH, "bcu": "7"}, "bcu"),
])
def test_api_rejects_bad_parameters_with_problem_json(client, users, params, field):
    response = client.get("/api/v1/reports/code-compliance", query_string=params,
                          headers=bearer_for(users["commissioner"]))
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert field in [error["field"] for error in response.get_json()["errors"]]


def test_bad_filters_on_an_export_are_refused(client, auth, users):
    auth.login(users["commissioner"])
    assert client.get("/reports/code-compliance.csv", query_string={"group_by": "planet"}).status_code == 422


def test_runs_and_exports_are_audited(client, auth, users):
    auth.login(users["commissioner"])
    client.get("/reports/code-compliance", query_string=PERIOD)
    client.get("/reports/code-compliance.csv", query_string=PERIOD)
    client.get("/reports/postcode-lottery.xlsx", query_string=PERIOD)
    client.get("/api/v1/reports/code-compliance", query_string=PERIOD, headers=bearer_for(users["commissioner"]))
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "report")
                                .order_by(AuditEvent.seq)).all()
    assert [(e.action, e.object_id, (e.changes or {}).get("format")) for e in events] == [
        ("report-run", "code-compliance", None),
        ("export", "code-compliance", "csv"),
        ("export", "postcode-lottery", "xlsx"),
        ("report-run", "code-compliance", None),
    ]
    assert events[-1].actor_token_id is not None


def _count_queries(client, path, params):
    statements = []

    def before_cursor_execute(conn, cursor, statement, *args):
        # The report's own statements: not the audit event of the run and its sealing into the chain, which
        # runs in-process after the commit in tests (the same for every request; tests/test_audit_* count it).
        if not any(word in statement for word in ("audit_events", "audit_chain_head", "pg_try_advisory_xact_lock")):
            statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        assert client.get(path, query_string=params).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", before_cursor_execute)
    return len(statements)


@pytest.mark.parametrize("path, params", [
    ("/reports/code-compliance", {"group_by": "borough"}),
    ("/reports/code-compliance", {"group_by": "month"}),
    ("/reports/postcode-lottery", {}),
    ("/reports/code-compliance.xlsx", {"group_by": "service"}),
    ("/reports/routing-and-flow", {}),
    ("/reports/service-measures", {}),
    ("/reports/outcomes", {}),
    ("/reports/equality.csv", {}),
    ("/reports/attrition", {}),
])
def test_query_count_does_not_grow_with_cases(client, auth, users, path, params):
    auth.login(users["commissioner"])
    hand_count_fixture()
    few = _count_queries(client, path, {**PERIOD, **params})
    from datetime import datetime, timezone
    for borough in (LAMBETH, HACKNEY):
        for _ in range(10):
            make_case("victim-support", datetime(2026, 3, 2, 9, tzinfo=timezone.utc), borough=borough, days=1, in_time=True)
    assert _count_queries(client, path, {**PERIOD, **params}) == few
    assert few <= 20
