"""MARAC meetings through the service layer: the agenda fills itself, repeats are flagged, cases are added and
deferred with reasons, hearings and actions are recorded, and only a coordinator may do any of it."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from victimcare.domain.clock import london_today
from victimcare.extensions import db
from victimcare.models import AuditEvent, MaracAgendaItem
from victimcare.services import marac
from victimcare.services.actors import Actor
from victimcare.services.errors import Conflict, Forbidden, NotFound, ValidationFailed

from .factories import make_user
from .helpers_cases import count_queries
from .helpers_marac import BARNET, LAMBETH, SOUTH_BCU, SOUTHWARK, make_coordinator, referred_case

TODAY = london_today()


def _meeting(actor, held_on, **kwargs):
    kwargs.setdefault("bcu", SOUTH_BCU)
    meeting = marac.create_meeting(actor, held_on=held_on, chair="DI Chair", agencies=["police", "idva"], **kwargs)
    db.session.commit()
    return meeting


def _case_ids(actor, meeting):
    return [row.item.case_id for row in marac.agenda(actor, meeting.id)[1]]


def test_the_agenda_fills_with_the_areas_cases_referred_since_the_last_meeting(app):
    coordinator = Actor.from_user(make_coordinator())
    old = referred_case(TODAY - timedelta(days=40))
    lambeth = referred_case(TODAY - timedelta(days=10))
    southwark = referred_case(TODAY - timedelta(days=5), SOUTHWARK, as_step=True)
    referred_case(TODAY - timedelta(days=5), BARNET)  # another BCU
    first = _meeting(coordinator, TODAY - timedelta(days=20))
    assert _case_ids(coordinator, first) == [old.id]
    second = _meeting(coordinator, TODAY)
    assert _case_ids(coordinator, second) == [lambeth.id, southwark.id]
    rows = marac.agenda(coordinator, second.id)[1]
    assert [r.item.criteria for r in rows] == [["visible-high-risk"], ["professional-judgement"]]
    assert marac.planned_total(rows) == 30


def test_a_set_of_boroughs_is_an_area_too(app):
    coordinator = Actor.from_user(make_coordinator())
    barnet = referred_case(TODAY - timedelta(days=3), BARNET)
    referred_case(TODAY - timedelta(days=3), LAMBETH)
    meeting = _meeting(coordinator, TODAY, bcu=None, borough_codes=[BARNET])
    assert _case_ids(coordinator, meeting) == [barnet.id]


def test_repeats_are_flagged(app):
    coordinator = Actor.from_user(make_coordinator())
    earlier = referred_case(TODAY - timedelta(days=200))
    repeat = referred_case(TODAY - timedelta(days=4), person_id=db.session.get(
        __import__("victimcare.models", fromlist=["Referral"]).Referral, earlier.referral_id).person_id)
    said_by_dash = referred_case(TODAY - timedelta(days=3), repeat_reason=True)
    first_time = referred_case(TODAY - timedelta(days=2))
    meeting = _meeting(coordinator, TODAY, bcu=None, borough_codes=[LAMBETH])
    repeats = {r.item.case_id: r.item.repeat for r in marac.agenda(coordinator, meeting.id)[1]}
    assert repeats == {earlier.id: False, repeat.id: True, said_by_dash.id: True, first_time.id: False}


def test_add_and_defer_need_reasons_and_a_deferred_case_carries_to_the_next_meeting(app):
    coordinator = Actor.from_user(make_coordinator())
    case = referred_case(TODAY - timedelta(days=30), BARNET)
    first = _meeting(coordinator, TODAY - timedelta(days=14))
    with pytest.raises(ValidationFailed):
        marac.add_case(coordinator, first.id, case.id, " ")
    item = marac.add_case(coordinator, first.id, case.id, "Escalating since the referral")
    with pytest.raises(Conflict):
        marac.add_case(coordinator, first.id, case.id, "Again")
    assert item.source == "added"
    with pytest.raises(ValidationFailed):
        marac.defer_item(coordinator, first.id, item.id, "")
    marac.defer_item(coordinator, first.id, item.id, "Police officer in the case unavailable")
    db.session.commit()
    second = _meeting(coordinator, TODAY, bcu=None, borough_codes=[BARNET])
    rows = marac.agenda(coordinator, second.id)[1]
    assert [(r.item.case_id, r.item.source) for r in rows] == [(case.id, "carried")]
    assert marac.planned_total(marac.agenda(coordinator, first.id)[1]) == 0  # deferred items take no time


def test_a_case_not_referred_to_marac_cannot_be_added(app):
    from .factories import make_referral_with_case

    coordinator = Actor.from_user(make_coordinator())
    meeting = _meeting(coordinator, TODAY)
    plain = make_referral_with_case("domestic-abuse")
    with pytest.raises(ValidationFailed):
        marac.add_case(coordinator, meeting.id, plain.id, "Worried")
    other_service = make_referral_with_case("hate-crime")
    with pytest.raises(NotFound):
        marac.add_case(coordinator, meeting.id, other_service.id, "Worried")


def test_hearing_and_actions_to_completion(app):
    coordinator = Actor.from_user(make_coordinator())
    case = referred_case(TODAY - timedelta(days=3))
    meeting = _meeting(coordinator, TODAY - timedelta(days=1))
    item = marac.agenda(coordinator, meeting.id)[1][0].item
    with pytest.raises(ValidationFailed) as error:
        marac.record_hearing(coordinator, meeting.id, item.id, agencies_present=[], risks_discussed="",
                             victim_views="")
    assert {e["field"] for e in error.value.errors} == {"agencies_present", "risks_discussed", "victim_views"}
    hearing = marac.record_hearing(coordinator, meeting.id, item.id, agencies_present=["police", "housing"],
                                   risks_discussed="Threats to kill", victim_views="Wants to stay at home")
    with pytest.raises(Conflict):
        marac.defer_item(coordinator, meeting.id, item.id, "Too late")
    late = marac.add_action(coordinator, hearing.id, marac.ActionInput("police", "DC Example", "Flag the address",
                                                                      TODAY - timedelta(days=1)))
    soon = marac.add_action(coordinator, hearing.id, marac.ActionInput("housing", "Officer", "Sanctuary scheme",
                                                                      TODAY + timedelta(days=7)))
    db.session.commit()
    assert marac.count_overdue(coordinator) == 1
    assert [row[0].id for row in marac.overdue_actions(coordinator)] == [late.id]
    marac.mark_done(coordinator, late.id)
    marac.mark_done(coordinator, soon.id)
    db.session.commit()
    assert marac.count_overdue(coordinator) == 0
    with pytest.raises(Conflict):
        marac.mark_done(coordinator, soon.id)
    # A heard case does not return to the next meeting's agenda.
    assert _case_ids(coordinator, _meeting(coordinator, TODAY + timedelta(days=14))) == []
    # The audit trail names fields and ids, never what was said.
    changes = " ".join(str(e.changes) for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type.like("marac%"))))
    for said in ("Threats to kill", "Wants to stay at home", "DC Example", "Flag the address", "DI Chair"):
        assert said not in changes
    assert case.id in {e.case_id for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "marac_action"))}


@pytest.mark.parametrize("who", ["advocate", "lead", "other_service", "caseworker", "commissioner", "admin", "dpo"])
def test_only_a_coordinator_runs_meetings(app, who):
    coordinator = Actor.from_user(make_coordinator())
    referred_case(TODAY - timedelta(days=3))
    meeting = _meeting(coordinator, TODAY)
    item = marac.agenda(coordinator, meeting.id)[1][0].item
    user = {"advocate": lambda: make_user("advocate", service="domestic-abuse"),
            "lead": lambda: make_user("advocate", service="domestic-abuse", is_lead=True),
            "other_service": lambda: make_user("advocate", service="hate-crime", is_marac_coordinator=True),
            }.get(who, lambda: make_user(who))()
    actor = Actor.from_user(user)
    for call in (lambda: marac.list_meetings(actor), lambda: marac.agenda(actor, meeting.id),
                 lambda: marac.create_meeting(actor, held_on=TODAY, chair="X", agencies=["police"], bcu=SOUTH_BCU),
                 lambda: marac.defer_item(actor, meeting.id, item.id, "No"),
                 lambda: marac.create_share(actor, meeting.id), lambda: marac.count_overdue(actor)):
        with pytest.raises(Forbidden):
            call()


def test_finding_an_agendas_cases_and_showing_it_take_a_fixed_number_of_queries(app):
    from victimcare.services.marac.agenda import candidates_for

    coordinator = Actor.from_user(make_coordinator())
    meeting = _meeting(coordinator, TODAY + timedelta(days=60), bcu=None, borough_codes=[LAMBETH])

    def counted():
        with count_queries() as counter:
            found = candidates_for(meeting)
            marac.agenda(coordinator, meeting.id)
        return len(found), counter.count

    for days in range(2, 5):
        referred_case(TODAY + timedelta(days=days))
    few, few_queries = counted()
    for days in range(5, 15):
        referred_case(TODAY + timedelta(days=days))
    many, many_queries = counted()
    assert (few, many) == (3, 13)
    assert many_queries == few_queries


def test_the_coordinator_flag_goes_only_on_advocates_of_a_marac_service(app):
    from victimcare.services import account_changes
    from victimcare.services.actors import SYSTEM

    admin = Actor.from_user(make_user("admin"))
    hate = make_user("advocate", service="hate-crime")
    with pytest.raises(ValidationFailed):
        marac.set_coordinator(admin, hate.id, True)
    advocate = make_user("advocate", service="domestic-abuse")
    marac.set_coordinator(admin, advocate.id, True)
    db.session.commit()
    assert advocate.is_marac_coordinator
    # Only the flag changed: it applies at once, no second person needed.
    user, change = account_changes.change_access(admin, advocate.id, "advocate", "domestic-abuse", False, False)
    assert change is None and not user.is_marac_coordinator
    # Moving to a service without MARAC clears it.
    marac.set_coordinator(SYSTEM, advocate.id, True)
    account_changes.change_access(SYSTEM, advocate.id, "advocate", "hate-crime", False)
    assert not advocate.is_marac_coordinator


def test_the_cli_makes_a_coordinator_and_refuses_one_outside_a_marac_service(runner):
    from victimcare.models import User

    base = ["user", "create", "--name", "Coordinator", "--role", "advocate", "--password", "a-long-password-1",
            "--marac-coordinator"]
    result = runner.invoke(args=[*base[:2], "coord@example.org", *base[2:], "--service", "domestic-abuse"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User).where(User.email == "coord@example.org")).is_marac_coordinator
    refused = runner.invoke(args=[*base[:2], "hc@example.org", *base[2:], "--service", "hate-crime"])
    assert refused.exit_code == 2 and "MARAC" in refused.output


def test_an_administrator_sets_the_flag_on_the_access_page_at_once(client, auth):
    from victimcare.models import User

    admin, advocate = make_user("admin"), make_user("advocate", service="domestic-abuse")
    auth.login(admin)
    page = client.get(f"/admin/users/{advocate.id}/access")
    assert b"MARAC coordinator" in page.data
    response = client.post(f"/admin/users/{advocate.id}/access", data={"role": "advocate", "service": "domestic-abuse",
                                                                      "is_marac_coordinator": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, advocate.id).is_marac_coordinator
    assert "MARAC coordinator" in client.get(f"/admin/users/{advocate.id}").get_data(as_text=True)
    hate = make_user("advocate", service="hate-crime")
    refused = client.post(f"/admin/users/{hate.id}/access", data={"role": "advocate", "service": "hate-crime",
                                                                 "is_marac_coordinator": "y"})
    assert refused.status_code == 400 and "domestic abuse" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert not db.session.get(User, hate.id).is_marac_coordinator
