"""No lost updates: a save made on an out-of-date case is refused, shows what changed, and keeps the input."""
import os
import threading

import pytest
from sqlalchemy import func, select

from victimcare.extensions import db
from victimcare.models import Case, CaseNote, User
from victimcare.services import cases as case_service
from victimcare.services.actors import Actor
from victimcare.services.cases import locking as case_locking
from victimcare.uow import unit_of_work

from .factories import make_user
from .helpers_cases import fresh, post_case_form, recent_case


def test_second_session_saving_a_stale_form_gets_a_conflict_page_and_keeps_its_text(app, users):
    case = recent_case(status="new")
    opened_at = fresh(case.id).version
    first, second = app.test_client(), app.test_client()
    first.post("/sign-in", data={"email": users["advocate"].email, "password": "correct-horse-battery"})
    colleague = make_user("advocate", service="domestic-abuse")
    second.post("/sign-in", data={"email": colleague.email, "password": "correct-horse-battery"})

    # Both open the case; the first accepts it.
    assert post_case_form(first, f"/cases/{case.id}/status/accept", case.id, version=opened_at).status_code == 302
    # The second, still on the old version, adds a note.
    response = post_case_form(second, f"/cases/{case.id}/notes", case.id,
                              {"body": "Victim asked for a female advocate"}, version=opened_at)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "This case was changed by someone else" in page
    assert "Status changed to accepted" in page  # what changed
    assert "Accepted" in page  # the current value
    assert "Victim asked for a female advocate" in page  # their text, kept in the form
    assert f'name="version" value="{fresh(case.id).version}"' in page  # resubmitting now applies on top
    assert db.session.scalar(select(func.count()).select_from(CaseNote)) == 0

    # Resubmitting from the conflict page saves it.
    response = post_case_form(second, f"/cases/{case.id}/notes", case.id, {"body": "Victim asked for a female advocate"})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(CaseNote)) == 1


def test_stale_status_change_is_refused_and_not_applied(client, auth, users):
    case = recent_case(status="new")
    stale = fresh(case.id).version
    auth.login(users["advocate"])
    post_case_form(client, f"/cases/{case.id}/notes", case.id, {"body": "First"})
    response = post_case_form(client, f"/cases/{case.id}/status/decline", case.id, {"reason_code": "outside-area", "reason": "Out of area"},
                              version=stale)
    assert response.status_code == 409
    assert "Out of area" in response.get_data(as_text=True)
    assert fresh(case.id).status == "new"


def test_every_save_moves_the_version_on(client, auth, users):
    case = recent_case(status="accepted")
    auth.login(users["advocate"])
    versions = [fresh(case.id).version]
    post_case_form(client, f"/cases/{case.id}/notes", case.id, {"body": "One"})
    versions.append(fresh(case.id).version)
    post_case_form(client, f"/cases/{case.id}/status/start", case.id)
    versions.append(fresh(case.id).version)
    assert versions == sorted(set(versions))


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
                    reason="concurrent writers need PostgreSQL")
def test_concurrent_saves_on_postgres_let_exactly_one_win(app, users):
    case = recent_case(status="in-progress")
    version = fresh(case.id).version
    advocates = [users["advocate"]] + [make_user("advocate", service="domestic-abuse") for _ in range(5)]
    actors = [Actor.from_user(db.session.get(User, a.id)) for a in advocates]
    case_id = case.id
    barrier = threading.Barrier(len(actors))
    results = []

    def save(actor, n):
        with app.app_context():
            barrier.wait()
            try:
                with unit_of_work():
                    case_service.add_note(actor, case_id, f"Note {n}", expected_version=version)
                results.append("saved")
            except case_service.StaleCase:
                results.append("conflict")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=save, args=(actor, n)) for n, actor in enumerate(actors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["conflict"] * (len(actors) - 1) + ["saved"]
    assert db.session.scalar(select(func.count()).select_from(CaseNote)) == 1
    assert fresh(case_id).version == version + 1


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
                    reason="concurrent writers need PostgreSQL")
def test_concurrent_saves_without_the_python_check_still_cannot_both_win(app, users, monkeypatch):
    """With the form's version check out of the way, the database's WHERE version = :old still catches it."""
    case = recent_case(status="new")
    case_id = case.id
    actor_one = Actor.from_user(users["advocate"])
    actor_two = Actor.from_user(make_user("advocate", service="domestic-abuse"))
    monkeypatch.setattr(case_locking, "check_version", lambda case, expected: None)
    barrier = threading.Barrier(2)
    results = []
    original_save = case_locking.save_case

    def slow_save(case, expected):
        barrier.wait()  # both have read the same version before either writes
        original_save(case, expected)

    monkeypatch.setattr(case_locking, "save_case", slow_save)

    def accept(actor, target):
        with app.app_context():
            try:
                with unit_of_work():
                    case_service.transition(actor, case_id, target, reason="Not for us", expected_version=1)
                results.append(target)
            except case_service.StaleCase:
                results.append("conflict")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=accept, args=(actor_one, "accepted")),
               threading.Thread(target=accept, args=(actor_two, "declined"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count("conflict") == 1
    winner = next(r for r in results if r != "conflict")
    assert db.session.get(Case, case_id).status == winner
