"""A restricted person's case at MARAC (docs/security.md, "Restricted records"): a coordinator not named on the
restriction sees the case on the agenda, the actions and the partner share as "Restricted record" (no name, no
details) and every route that would show or change it answers 404; the coordinator named on it, or one with
break-glass access in force, runs it as any other case; every other role is refused (403) on every route."""
import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from victimcare.domain.clock import london_today, utc_now
from victimcare.extensions import db
from victimcare.models import (
    AuditEvent,
    BreakGlassAccess,
    MaracAction,
    MaracAgendaItem,
    MaracHearing,
    RecordRestriction,
    RecordRestrictionUser,
    Referral,
)
from victimcare.services import marac
from victimcare.services.actors import Actor

from .factories import make_user
from .helpers_cases import date_parts
from .helpers_marac import BARNET, SOUTH_BCU, make_coordinator, referred_case

TODAY = london_today()
SECRET_RISKS, SECRET_ACTION, SECRET_OWNER = "Threats with a knife", "Move to a refuge", "Officer Quietname"


def _restrict(case, named_user):
    person = db.session.get(Referral, case.referral_id).person
    db.session.add(RecordRestriction(person_id=person.id, reason="works-here"))
    db.session.add(RecordRestrictionUser(person_id=person.id, user_id=named_user.id))
    db.session.commit()
    return person


@pytest.fixture
def restricted_meeting(app):
    """A meeting run by the named coordinator with two restricted cases (one heard, with an overdue action; one to
    be heard) and a third restricted case of the service not on the agenda."""
    named = make_coordinator()
    heard_case = referred_case(TODAY - timedelta(days=4))
    waiting_case = referred_case(TODAY - timedelta(days=3))
    elsewhere = referred_case(TODAY - timedelta(days=30), BARNET)
    people = [_restrict(case, named) for case in (heard_case, waiting_case, elsewhere)]
    actor = Actor.from_user(named)
    meeting = marac.create_meeting(actor, held_on=TODAY - timedelta(days=2), chair="Chair", agencies=["police"],
                                   bcu=SOUTH_BCU)
    items = {row.item.case_id: row.item for row in marac.agenda(actor, meeting.id)[1]}
    hearing = marac.record_hearing(actor, meeting.id, items[heard_case.id].id, agencies_present=["police"],
                                   risks_discussed=SECRET_RISKS, victim_views="Wants to stay")
    action = marac.add_action(actor, hearing.id, marac.ActionInput("police", SECRET_OWNER, SECRET_ACTION,
                                                                   TODAY - timedelta(days=1)))
    share = marac.create_share(actor, meeting.id)
    db.session.commit()
    return {"named": named, "people": people, "elsewhere": elsewhere.id,
            "ids": {"m": meeting.id, "i": items[heard_case.id].id, "j": items[waiting_case.id].id, "a": action.id,
                    "s": share.id, "c": elsewhere.id}}


HEARING = {"agencies_present": ["police"], "risks_discussed": "r", "victim_views": "v"}
ACTION = {"agency": "police", "owner": "o", "description": "d", "due_on": date_parts(TODAY + timedelta(days=7))}
# Every MARAC route that shows or changes one case: 404 for a coordinator the record does not open for.
CASE_ROUTES = [
    ("get", "/marac/meetings/{m}/items/{i}", {}), ("get", "/marac/meetings/{m}/items/{j}", {}),
    ("post", "/marac/meetings/{m}/items/{j}", HEARING),
    ("get", "/marac/meetings/{m}/items/{j}/defer", {}), ("post", "/marac/meetings/{m}/items/{j}/defer", {"reason": "x"}),
    ("post", "/marac/meetings/{m}/items/{i}/actions", ACTION), ("post", "/marac/actions/{a}/done", {}),
    ("post", "/marac/meetings/{m}/items", {"case": "{c}", "reason": "Escalating"}),
]
# The routes of the meeting as a whole: they answer, showing the restricted cases as "Restricted record".
MEETING_ROUTES = [
    ("get", "/marac/", {}), ("get", "/marac/meetings/{m}", {}), ("post", "/marac/meetings/{m}/fill", {}),
    ("post", "/marac/meetings/{m}/shares", {}), ("get", "/marac/meetings/{m}/shares/{s}", {}),
    ("get", "/marac/meetings/{m}/shares/{s}.csv", {}),
]


def _call(client, method, path, data, ids):
    data = {k: v.format(**ids) if isinstance(v, str) else v for k, v in data.items()}
    return getattr(client, method)(path.format(**ids), data=data)


def _nothing_of(people, text: str) -> bool:
    secrets = [p.family_name for p in people] + [p.given_name for p in people] + [
        SECRET_RISKS, SECRET_ACTION, SECRET_OWNER, "Visible high risk", "17 May 1990", "1990-05-17"]
    found = [s for s in secrets if s in text]
    assert not found, found
    return True


def test_a_coordinator_not_named_gets_404_on_every_route_of_the_case_and_nothing_changes(client, auth,
                                                                                          restricted_meeting):
    ids = restricted_meeting["ids"]
    auth.login(make_coordinator())
    for method, path, data in CASE_ROUTES:
        response = _call(client, method, path, data, ids)
        assert response.status_code == 404, (method, path, response.status_code)
        assert _nothing_of(restricted_meeting["people"], response.get_data(as_text=True)), path
    assert db.session.scalar(select(func.count(MaracHearing.id))) == 1  # the waiting case's hearing: not recorded
    assert db.session.scalar(select(func.count(MaracAction.id))) == 1
    assert db.session.scalar(select(MaracAction.done_on)) is None
    assert db.session.get(MaracAgendaItem, ids["j"]).deferred_at is None
    assert db.session.scalar(select(func.count(MaracAgendaItem.id))) == 2  # the case elsewhere was not added
    denied = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "permission-denied")).all()
    assert len(denied) == len(CASE_ROUTES)


def test_the_agenda_actions_and_share_show_restricted_record_and_nothing_else(client, auth, restricted_meeting):
    ids, people = restricted_meeting["ids"], restricted_meeting["people"]
    auth.login(make_coordinator())
    for method, path, data in MEETING_ROUTES:
        response = _call(client, method, path, data, ids)
        assert response.status_code in (200, 302), (method, path, response.status_code)
        assert _nothing_of(people, response.get_data(as_text=True)), path
    agenda = client.get("/marac/meetings/{m}".format(**ids)).get_data(as_text=True)
    assert agenda.count("Restricted record") >= 3  # two agenda lines and the action's victim
    assert "Open the case to ask for access" in agenda and "Repeat</strong>" not in agenda
    assert "/items/{i}\"".format(**ids) not in agenda and "/defer" not in agenda and "Mark done" not in agenda
    assert "/cases/" in agenda  # the name links to the case, where the glass can be broken
    assert "Borough not recorded" not in agenda and ">Lambeth<" not in agenda.split("<h2")[1]
    overdue = client.get("/marac/").get_data(as_text=True).split('id="overdue-actions"')[1]
    assert "Restricted record" in overdue and "/items/" not in overdue
    share = db.session.scalar(select(func.max(AuditEvent.object_id)).where(AuditEvent.object_type == "marac_share"))
    printable = client.get(f"/marac/meetings/{ids['m']}/shares/{share}").get_data(as_text=True)
    assert printable.count("Not shared") == 2
    rows = list(csv.reader(io.StringIO(client.get(f"/marac/meetings/{ids['m']}/shares/{share}.csv")
                                       .get_data(as_text=True))))
    assert rows[3:5] == [["Restricted record", "", "", "", "", ""]] * 2


def test_the_named_coordinator_runs_the_restricted_case_as_any_other(client, auth, restricted_meeting):
    ids, people = restricted_meeting["ids"], restricted_meeting["people"]
    auth.login(restricted_meeting["named"])
    agenda = client.get("/marac/meetings/{m}".format(**ids)).get_data(as_text=True)
    assert people[0].family_name in agenda and SECRET_ACTION in agenda and "Restricted record" not in agenda
    for method, path, data in CASE_ROUTES:
        response = _call(client, method, path, data, ids)
        expected = (409,) if path.endswith("/defer") and method == "post" else (200, 302)  # heard just before
        assert response.status_code in expected, (method, path, response.status_code)
    assert db.session.scalar(select(func.count(MaracHearing.id))) == 2
    assert db.session.scalar(select(MaracAction.done_on).where(MaracAction.id == ids["a"])) == TODAY


def test_break_glass_opens_the_case_at_marac_until_it_runs_out(client, auth, restricted_meeting):
    ids, people = restricted_meeting["ids"], restricted_meeting["people"]
    coordinator = make_coordinator()
    db.session.add(BreakGlassAccess(person_id=people[1].id, user_id=coordinator.id, reason="Hearing today",
                                    expires_at=utc_now() + timedelta(minutes=60)))
    db.session.commit()
    auth.login(coordinator)
    assert client.get("/marac/meetings/{m}/items/{j}".format(**ids)).status_code == 200
    assert client.post("/marac/meetings/{m}/items/{j}".format(**ids), data=HEARING).status_code == 302
    assert client.get("/marac/meetings/{m}/items/{i}".format(**ids)).status_code == 404  # another person's record


@pytest.mark.parametrize("who", ["advocate", "lead", "other_service_flagged", "caseworker", "commissioner", "admin",
                                 "dpo"])
def test_every_other_role_is_refused_on_every_route_of_a_restricted_case(client, auth, restricted_meeting, who):
    user = {"advocate": lambda: make_user("advocate", service="domestic-abuse"),
            "lead": lambda: make_user("advocate", service="domestic-abuse", is_lead=True),
            "other_service_flagged": lambda: make_user("advocate", service="hate-crime", is_marac_coordinator=True),
            }.get(who, lambda: make_user(who))()
    auth.login(user)
    for method, path, data in CASE_ROUTES + MEETING_ROUTES:
        response = _call(client, method, path, data, restricted_meeting["ids"])
        assert response.status_code == 403, (who, method, path, response.status_code)
        assert _nothing_of(restricted_meeting["people"], response.get_data(as_text=True))
