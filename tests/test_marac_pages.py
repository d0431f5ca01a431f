"""The coordinator's MARAC pages end to end, the case timeline and the home page; and every other role refused on
every route (403 for the pages of the area, 404 for a coordinator of another service's records)."""
import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from victimcare.domain.clock import london_today
from victimcare.extensions import db
from victimcare.models import (
    AuditEvent,
    MaracAction,
    MaracAgendaItem,
    MaracHearing,
    MaracMeeting,
    MaracShare,
    Referral,
)
from victimcare.services import marac
from victimcare.services.actors import Actor

from .factories import make_user
from .helpers_cases import date_parts
from .helpers_marac import BARNET, SOUTH_BCU, make_coordinator, referred_case

TODAY = london_today()


def _make_meeting(client, held_on=TODAY):
    data = {"chair": "DI Example", "bcu": str(SOUTH_BCU), "agencies": ["police", "idva", "housing"]}
    data.update({"held_on": date_parts(held_on)})
    response = client.post("/marac/meetings/new", data=data)
    return response


def test_a_coordinator_runs_a_meeting_from_agenda_to_completed_actions(client, auth):
    coordinator = make_coordinator()
    case = referred_case(TODAY - timedelta(days=3))
    later = referred_case(TODAY - timedelta(days=2))
    auth.login(coordinator)
    assert "No meetings yet" in client.get("/marac/").get_data(as_text=True)
    response = _make_meeting(client)
    assert response.status_code == 302, response.get_data(as_text=True)
    meeting = db.session.scalar(select(MaracMeeting))
    page = client.get(response.location).get_data(as_text=True)
    assert "2 cases were added" in page
    assert "30 minutes" in page and "Visible high risk" in page and "High risk" in page
    items = {i.case_id: i for i in db.session.scalars(select(MaracAgendaItem))}

    # Defer one, with a reason.
    refused = client.post(f"/marac/meetings/{meeting.id}/items/{items[later.id].id}/defer", data={"reason": ""})
    assert refused.status_code == 400 and "Say why the case is deferred" in refused.get_data(as_text=True)
    client.post(f"/marac/meetings/{meeting.id}/items/{items[later.id].id}/defer", data={"reason": "Officer away"})
    page = client.get(f"/marac/meetings/{meeting.id}").get_data(as_text=True)
    assert "Deferred because: Officer away" in page and "15 minutes" in page

    # Hear the other.
    url = f"/marac/meetings/{meeting.id}/items/{items[case.id].id}"
    assert "Record the hearing" in client.get(url).get_data(as_text=True)
    refused = client.post(url, data={"risks_discussed": "x"})
    assert refused.status_code == 400 and "Choose the agencies that were present" in refused.get_data(as_text=True)
    response = client.post(url, data={"agencies_present": ["police", "housing"], "risks_discussed": "Threats made",
                                      "victim_views": "Wants the locks changed"})
    assert response.status_code == 302
    action = {"agency": "housing", "owner": "Officer Example", "description": "Change the locks",
              **{"due_on": date_parts(TODAY - timedelta(days=1))}}
    assert client.post(f"{url}/actions", data=action).status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Change the locks" in page and "Overdue" in page

    # The home page shows the overdue action; the case's timeline shows the hearing and the action.
    home = client.get("/home").get_data(as_text=True)
    assert 'id="count-marac-overdue"' in home and "MARAC actions overdue" in home
    done = db.session.scalar(select(MaracAction))
    timeline = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f"Heard at MARAC on" in timeline and "MARAC action agreed: Housing" in timeline

    assert client.post(f"/marac/actions/{done.id}/done", data={"back": f"{url}#actions"}).status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Done late" in page
    assert "MARAC action done: Housing" in client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "None" in client.get("/home").get_data(as_text=True).split('id="count-marac-overdue"')[1][:300]


def test_adding_a_case_by_its_referral_reference_needs_a_reason(client, auth):
    coordinator = make_coordinator()
    auth.login(coordinator)
    _make_meeting(client, TODAY - timedelta(days=1))
    meeting = db.session.scalar(select(MaracMeeting))
    case = referred_case(TODAY - timedelta(days=30), BARNET)  # outside the meeting's area: not filled
    reference = db.session.get(Referral, case.referral_id).reference
    refused = client.post(f"/marac/meetings/{meeting.id}/items", data={"case": reference, "reason": ""})
    assert refused.status_code == 400 and "Say why this case is added" in refused.get_data(as_text=True)
    assert client.post(f"/marac/meetings/{meeting.id}/items",
                       data={"case": reference.lower(), "reason": "Escalating"}).status_code == 302
    page = client.get(f"/marac/meetings/{meeting.id}").get_data(as_text=True)
    assert "Added because: Escalating" in page and "Added by the coordinator" in page
    again = client.post(f"/marac/meetings/{meeting.id}/items", data={"case": str(case.id), "reason": "Again"})
    assert again.status_code == 400 and "already on the agenda" in again.get_data(as_text=True)
    missing = client.post(f"/marac/meetings/{meeting.id}/items", data={"case": "VC-NOPE", "reason": "x"})
    assert missing.status_code == 404


def test_the_partner_share_carries_only_what_the_meeting_needs_and_is_audited(client, auth):
    coordinator = make_coordinator()
    case = referred_case(TODAY - timedelta(days=3))
    auth.login(coordinator)
    _make_meeting(client)
    meeting = db.session.scalar(select(MaracMeeting))
    response = client.post(f"/marac/meetings/{meeting.id}/shares")
    share = db.session.scalar(select(MaracShare))
    assert response.status_code == 302 and response.location.endswith(f"/shares/{share.id}")
    page = client.get(response.location).get_data(as_text=True)
    person = db.session.get(Referral, case.referral_id).person
    assert page.count("OFFICIAL-SENSITIVE") >= 2 and person.family_name in page and "17 May 1990" in page
    download = client.get(f"/marac/meetings/{meeting.id}/shares/{share.id}.csv")
    assert download.status_code == 200 and "OFFICIAL-SENSITIVE" in download.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(download.get_data(as_text=True))))
    assert rows[0] == ["OFFICIAL-SENSITIVE"] and rows[-1] == ["OFFICIAL-SENSITIVE"]
    assert rows[2] == ["Name", "Date of birth", "Borough", "Risk level", "Reason for referral", "Repeat"]
    assert rows[3] == [person.full_name, "1990-05-17", "Lambeth", "High", "Visible high risk (DASH)", "No"]
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "marac_share")
                                .order_by(AuditEvent.seq)).all()
    assert [(e.action, (e.changes or {}).get("format")) for e in events] == [
        ("create", None), ("export", "print"), ("export", "csv")]
    assert all(person.family_name not in str(e.changes) for e in events)


ROUTES = [
    ("get", "/marac/"), ("get", "/marac/meetings/new"), ("post", "/marac/meetings/new"),
    ("get", "/marac/meetings/{m}"), ("post", "/marac/meetings/{m}/fill"), ("post", "/marac/meetings/{m}/items"),
    ("get", "/marac/meetings/{m}/items/{i}/defer"), ("post", "/marac/meetings/{m}/items/{i}/defer"),
    ("get", "/marac/meetings/{m}/items/{i}"), ("post", "/marac/meetings/{m}/items/{i}"),
    ("post", "/marac/meetings/{m}/items/{i}/actions"), ("post", "/marac/actions/{a}/done"),
    ("post", "/marac/meetings/{m}/shares"), ("get", "/marac/meetings/{m}/shares/{s}"),
    ("get", "/marac/meetings/{m}/shares/{s}.csv"),
]


@pytest.fixture
def a_meeting(app):
    coordinator = Actor.from_user(make_coordinator())
    referred_case(TODAY - timedelta(days=3))
    meeting = marac.create_meeting(coordinator, held_on=TODAY, chair="Chair", agencies=["police"], bcu=SOUTH_BCU)
    item = marac.agenda(coordinator, meeting.id)[1][0].item
    hearing = marac.record_hearing(coordinator, meeting.id, item.id, agencies_present=["police"],
                                   risks_discussed="r", victim_views="v")
    action = marac.add_action(coordinator, hearing.id, marac.ActionInput("police", "o", "d", TODAY))
    share = marac.create_share(coordinator, meeting.id)
    db.session.commit()
    return {"m": meeting.id, "i": item.id, "a": action.id, "s": share.id}


@pytest.mark.parametrize("who", ["advocate", "lead", "other_service_flagged", "caseworker", "commissioner", "admin",
                                 "dpo"])
def test_everyone_but_the_coordinator_is_refused_on_every_route(client, auth, a_meeting, who):
    user = {"advocate": lambda: make_user("advocate", service="domestic-abuse"),
            "lead": lambda: make_user("advocate", service="domestic-abuse", is_lead=True),
            "other_service_flagged": lambda: make_user("advocate", service="hate-crime", is_marac_coordinator=True),
            }.get(who, lambda: make_user(who))()
    auth.login(user)
    for method, path in ROUTES:
        response = getattr(client, method)(path.format(**a_meeting), data={})
        assert response.status_code == 403, (who, method, path, response.status_code)
    assert b"MARAC" not in client.get("/home").data.split(b"<main")[0]  # no MARAC item in the navigation
    denied = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "permission-denied")).all()
    assert len(denied) >= len(ROUTES)


def test_signed_out_people_are_sent_to_sign_in(client, a_meeting):
    for method, path in ROUTES:
        response = getattr(client, method)(path.format(**a_meeting), data={})
        assert response.status_code in (302, 400), path  # 400: the CSRF check of a POST comes first
        if response.status_code == 302:
            assert "/sign-in" in response.location


def test_a_coordinator_of_the_same_service_sees_the_meeting_and_unknown_ids_are_404(client, auth, a_meeting):
    auth.login(make_coordinator())
    assert client.get("/marac/meetings/{m}".format(**a_meeting)).status_code == 200
    for path in ("/marac/meetings/999999", "/marac/meetings/{m}/items/999999", "/marac/meetings/{m}/shares/999999",
                 "/marac/meetings/99999999999999999999"):
        assert client.get(path.format(**a_meeting)).status_code == 404, path
    assert client.post("/marac/actions/999999/done").status_code == 404


def test_a_restricted_persons_name_is_hidden_from_a_coordinator_not_named_on_it(client, auth):
    from victimcare.models import RecordRestriction, RecordRestrictionUser

    coordinator = make_coordinator()
    named = make_coordinator()
    case = referred_case(TODAY - timedelta(days=3))
    person = db.session.get(Referral, case.referral_id).person
    db.session.add(RecordRestriction(person_id=person.id, reason="works-here"))
    db.session.add(RecordRestrictionUser(person_id=person.id, user_id=named.id))
    db.session.commit()
    auth.login(coordinator)
    _make_meeting(client)
    meeting = db.session.scalar(select(MaracMeeting))
    page = client.get(f"/marac/meetings/{meeting.id}").get_data(as_text=True)
    assert "Restricted record" in page and person.family_name not in page
    client.post(f"/marac/meetings/{meeting.id}/shares")
    share = db.session.scalar(select(MaracShare))
    shared = client.get(f"/marac/meetings/{meeting.id}/shares/{share.id}.csv").get_data(as_text=True)
    assert "Restricted record" in shared and person.family_name not in shared and "1990-05-17" not in shared
    auth.logout()
    auth.login(named)
    assert person.family_name in client.get(f"/marac/meetings/{meeting.id}").get_data(as_text=True)


def test_a_meeting_needs_an_area(client, auth):
    auth.login(make_coordinator())
    response = client.post("/marac/meetings/new", data={"chair": "DI Example", "agencies": ["police"],
                                                        "held_on": date_parts(TODAY)})
    assert response.status_code == 400 and "Choose a BCU or at least one borough" in response.get_data(as_text=True)
    response = client.post("/marac/meetings/new", data={"chair": "DI Example", "agencies": ["police"],
                                                        "held_on": date_parts(TODAY), "boroughs": [BARNET]})
    assert response.status_code == 302
    assert db.session.scalar(select(MaracMeeting)).borough_codes == [BARNET]


def test_a_meeting_not_yet_held_cannot_record_a_hearing(client, auth):
    auth.login(make_coordinator())
    referred_case(TODAY - timedelta(days=3))
    _make_meeting(client, TODAY + timedelta(days=7))
    item = db.session.scalar(select(MaracAgendaItem))
    url = f"/marac/meetings/{item.meeting_id}/items/{item.id}"
    page = client.get(url).get_data(as_text=True)
    assert "hearing and the actions agreed on that day or after." in page
    assert 'name="risks_discussed"' not in page
    refused = client.post(url, data={"agencies_present": ["police"], "risks_discussed": "r", "victim_views": "v"})
    assert refused.status_code == 409 and db.session.scalar(select(MaracHearing.id)) is None
    assert client.get(f"/marac/meetings/{item.meeting_id}/items/{item.id}/defer").status_code == 200  # may defer
