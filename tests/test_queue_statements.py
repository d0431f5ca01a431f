"""A fast queue (issue 14): what one request costs in SQL with production's settings, the session touched at most
once every SESSION_TOUCH_SECONDS without stretching its timeouts, and the audit chain sealed by the process's
sealer thread after the response rather than inside it."""
import re
import threading
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import event, func, select, update

from victimcare.extensions import db
from victimcare.models import AuditEvent, UserSession
from victimcare.services import audit, audit_sealer

from .helpers_cases import post_case_form, recent_case


@contextmanager
def request_statements():
    """The statements run on this (the request's) thread: a sealer thread's work is not the request's."""
    statements: list[str] = []
    me = threading.get_ident()

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
        if threading.get_ident() == me:
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", before_cursor_execute)


@pytest.fixture
def production_settings(app, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_TOUCH_SECONDS", 120)
    monkeypatch.setitem(app.config, "AUDIT_SEAL_MODE", "background")
    yield
    assert audit_sealer.drain_all(timeout=10)


def _waiting() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.seq.is_(None)))


def _age_sessions(**ago) -> None:
    db.session.execute(update(UserSession).values(last_seen_at=datetime.now(timezone.utc) - timedelta(**ago)))
    db.session.commit()


def test_the_queue_runs_at_most_four_statements_and_the_chain_is_sealed_after_the_response(
        client, auth, users, production_settings):
    for _ in range(30):
        recent_case(status="accepted")
    auth.login(users["advocate"])
    client.get("/cases/")  # the first page of a process reads the London areas once
    with request_statements() as quiet:
        page = client.get("/cases/")
    assert page.status_code == 200 and "More than" not in page.get_data(as_text=True)
    # The session and its user, the page with its count, the audit event: nothing else on the response path.
    assert len(quiet) == 3, "\n".join(s for s in quiet[:2])
    assert not any(word in s for s in quiet for word in ("audit_chain_head", "boroughs", "UPDATE user_sessions"))
    _age_sessions(minutes=3)  # past SESSION_TOUCH_SECONDS: this request records the session's use as well
    with request_statements() as touching:
        assert client.get("/cases/?page=2").status_code == 200
    assert len(touching) == 4 and any("UPDATE user_sessions" in s for s in touching)

    assert audit_sealer.drain_all(timeout=10)
    assert _waiting() == 0
    assert audit.verify_chain().ok


def test_queue_filters_and_pages_keep_to_four_statements(client, auth, users, production_settings):
    advocate = users["advocate"]
    for n in range(30):
        recent_case(status=("new", "accepted")[n % 2], priority=("high", "normal")[n % 3 == 0],
                    assigned_to_id=advocate.id if n % 2 else None)
    auth.login(advocate)
    client.get("/cases/")
    for query in ("?page=2", "?priority=high&status=new", f"?assignee={advocate.id}", "?assigned=none",
                  "?borough=E09000007", "?page=40"):
        with request_statements() as statements:
            response = client.get(f"/cases/{query}")
        assert response.status_code == 200, query
        assert len(statements) <= 4, (query, statements)
    page = client.get(f"/cases/?assignee={advocate.id}").get_data(as_text=True)
    assert f"Showing {advocate.name}" in page  # the chosen advocate is still named
    past_the_end = client.get("/cases/?page=40").get_data(as_text=True)
    assert "There is no page 40: 30 cases match" in past_the_end  # past the end, it still says how many


def test_the_count_rides_on_the_page_and_stops_at_the_cap(users):
    from victimcare.models import Case
    from victimcare.services.pagination import paginate

    for _ in range(27):
        recent_case(status="accepted")
    query = select(Case.id).order_by(Case.id)
    with request_statements() as statements:
        first = paginate(query, 1, 10, count_cap=20, count_in_page=True)
        last = paginate(query, 3, 10, count_cap=30, count_in_page=True)
        beyond = paginate(query, 9, 10, count_cap=30, count_in_page=True)
    assert (first.total, first.total_capped, len(first.items)) == (20, True, 10)
    assert (last.total, last.total_capped, len(last.items)) == (27, False, 7)
    assert first.items[0] == (first.items[0][0],)  # the count column is not part of a row
    assert (beyond.total, beyond.items) == (27, [])
    assert len(statements) == 4  # one for each page, and a count for the page past the end


def test_case_page_and_home_run_a_fixed_small_number_of_statements(client, auth, users, production_settings):
    case = recent_case(status="accepted", assigned_to_id=users["advocate"].id)
    case_id = case.id
    auth.login(users["advocate"])
    client.get(f"/cases/{case_id}")
    client.get("/home")
    with request_statements() as new_case_page:
        assert client.get(f"/cases/{case_id}").status_code == 200
    with request_statements() as home:
        assert client.get("/home").status_code == 200
    post_case_form(client, f"/cases/{case_id}/notes", case_id, {"body": "Note 0"})
    client.get("/home")  # the note's flash is read here
    with request_statements() as case_page:
        assert client.get(f"/cases/{case_id}").status_code == 200
    for n in range(1, 12):
        post_case_form(client, f"/cases/{case_id}/notes", case_id, {"body": f"Note {n}"})
        recent_case(status="new", assigned_to_id=users["advocate"].id)
    client.get("/home")  # the last note's flash is read here
    with request_statements() as case_page_later:
        client.get(f"/cases/{case_id}")
    with request_statements() as home_later:
        client.get("/home")
    # The case page reads each part of the case once (the case, its timeline, and each kind of record the timeline
    # points at: notes here): as many statements for a case with a long history as for one with a short one.
    # A new case, with no notes on its timeline, does not read the notes.
    assert len(new_case_page) <= 8, "\n".join(s[:70] for s in new_case_page)
    assert len(case_page_later) == len(case_page) == len(new_case_page) + 1
    assert sum("FROM case_notes" in s for s in case_page) == 1
    assert len(home_later) == len(home) <= 4, "\n".join(s[:70] for s in home)


def test_a_quiet_request_writes_no_session_row_but_a_changed_session_is_written(client, auth, users,
                                                                                production_settings):
    auth.login(users["advocate"])
    client.get("/home")
    db.session.expire_all()
    seen = db.session.scalar(select(UserSession.last_seen_at))
    _age_sessions(seconds=30)
    with request_statements() as statements:
        client.get("/account/sessions")
    assert not any("UPDATE user_sessions" in s for s in statements)
    db.session.expire_all()
    assert db.session.scalar(select(UserSession.last_seen_at)) < seen  # left as it was
    client.post("/account/sessions/end-others")  # flashes a message: the session's contents change
    with request_statements() as flashed:
        assert "You were not signed in anywhere else" in client.get("/account/sessions").get_data(as_text=True)
    assert any("UPDATE user_sessions" in s for s in flashed)


def test_idle_timeout_still_holds_with_the_touch_interval(app, client, auth, users, production_settings):
    auth.login(users["advocate"])
    assert client.get("/home").status_code == 200
    # Used every few minutes for longer than the idle timeout: each use past the interval is recorded.
    for minutes in (25, 25):
        _age_sessions(minutes=minutes)
        assert client.get("/home").status_code == 200
    _age_sessions(minutes=1)
    assert client.get("/home").status_code == 200  # within the interval: not written, still alive
    # Recorded use older than the idle timeout: signed out, however recently the cookie was replayed.
    _age_sessions(seconds=app.config["IDLE_TIMEOUT"].total_seconds() + 1)
    response = client.get("/home")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0


def test_absolute_timeout_still_holds_with_the_touch_interval(app, client, auth, users, production_settings):
    auth.login(users["advocate"])
    assert client.get("/home").status_code == 200
    hours = app.config["SESSION_ABSOLUTE_HOURS"]
    db.session.execute(update(UserSession).values(
        created_at=datetime.now(timezone.utc) - timedelta(hours=hours, seconds=1),
        last_seen_at=datetime.now(timezone.utc) - timedelta(seconds=5)))
    db.session.commit()
    response = client.get("/home")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_the_sealer_thread_seals_many_requests_in_order(client, auth, users, production_settings):
    for _ in range(3):
        recent_case(status="accepted")
    auth.login(users["advocate"])
    for _ in range(8):
        assert client.get("/cases/").status_code == 200
    assert audit_sealer.drain_all(timeout=10)
    assert _waiting() == 0
    rows = db.session.execute(select(AuditEvent.id, AuditEvent.seq).order_by(AuditEvent.id)).all()
    assert [seq for _, seq in rows] == list(range(1, len(rows) + 1))  # appended order is chain order
    assert audit.verify_chain().ok


def test_with_sealing_off_verify_counts_the_waiting_events_and_the_sweep_seals_them(
        app, client, auth, users, runner, monkeypatch):
    monkeypatch.setitem(app.config, "AUDIT_SEAL_MODE", "off")
    recent_case(status="accepted")
    auth.login(users["advocate"])
    client.get("/cases/")
    client.get("/cases/")
    waiting = _waiting()
    assert waiting >= 2
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and f"{waiting} events waiting to be sealed" in result.output
    sealed = runner.invoke(args=["audit", "seal"])
    assert sealed.exit_code == 0 and _waiting() == 0


def test_london_areas_are_read_once_per_process(client, auth, users, production_settings):
    auth.login(users["advocate"])
    client.get("/cases/")
    with request_statements() as statements:
        page = client.get("/cases/").get_data(as_text=True)
    assert "Westminster" in page
    assert not any("boroughs" in s for s in statements)


def _case_statements(statements: list[str]) -> list[str]:
    return [s for s in statements if "FROM cases" in s]


@pytest.mark.parametrize("path", ["/home", "/cases/", "/cases/?borough=E09000001", "/cases/?page=2"])
def test_the_queue_and_home_name_their_statuses_and_limits_so_postgresql_can_keep_one_plan(
        client, auth, users, path):
    """PostgreSQL keeps one plan for a prepared statement only when it is no worse than planning afresh. With the
    open statuses or the page's LIMIT bound as parameters the plan it could keep uses none of the partial indexes,
    so every request paid 2-3 ms of planning (issue 14). The statements must write them in."""
    for _ in range(3):
        recent_case(status="new")
    auth.login(users["advocate"])
    client.get(path)
    with request_statements() as statements:
        assert client.get(path).status_code == 200
    counted = _case_statements(statements)
    assert counted, statements
    for statement in counted:
        assert "'new'" in statement and "'in-progress'" in statement, statement
        assert "LIMIT 1001" in statement, statement
        # (SQLite's own dialect adds "OFFSET ?" to a bare LIMIT; SQLite keeps no plans, PostgreSQL's statements
        # are the ones that matter.)
        limits = "LIMIT|OFFSET" if db.engine.dialect.name == "postgresql" else "LIMIT"
        bound = re.findall(rf"status (?:IN \(|= )(?:\?|%\(\w+\)s)|(?:{limits}) (?:\?|%\(\w+\)s)", statement)
        assert bound == [], bound
