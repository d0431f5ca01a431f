"""The service queue, the advocate's home counts, and query counts that do not grow with the rows shown."""
import re
from datetime import date, datetime, timedelta, timezone

import pytest

from victimcare.extensions import db
from victimcare.models import Task

from .factories import make_user
from .helpers_cases import count_queries, post_case_form, recent_case


def _london_today():
    from victimcare.domain.deadlines import london_date

    return london_date(datetime.now(timezone.utc))


def test_filters_narrow_the_queue_and_badges_carry_text(client, auth, users):
    today = _london_today()
    overdue = recent_case(first_contact_due=today - timedelta(days=2), priority="high")
    due_today = recent_case(first_contact_due=today, status="accepted", assigned_to_id=users["advocate"].id)
    later = recent_case(first_contact_due=today + timedelta(days=5), borough_code="E09000001")
    closed = recent_case(status="closed")
    auth.login(users["advocate"])

    page = client.get("/cases/").get_data(as_text=True)
    refs = {c: c.referral.reference for c in (overdue, due_today, later, closed)}
    assert refs[overdue] in page and refs[due_today] in page and refs[later] in page
    assert refs[closed] not in page  # open cases by default
    assert page.index(refs[overdue]) < page.index(refs[due_today]) < page.index(refs[later])  # due date order
    assert ">Overdue<" in page and ">Due today<" in page and ">High priority<" in page

    def shown(query):
        text = client.get(f"/cases/?{query}").get_data(as_text=True)
        return {c for c, r in refs.items() if r in text}

    assert shown("due=overdue") == {overdue}
    assert shown("due=today") == {due_today}
    assert shown("due=overdue&due=today") == {overdue, due_today}
    assert shown("status=closed") == {closed}
    assert shown("priority=high") == {overdue}
    assert shown("borough=E09000001") == {later}
    assert shown("assigned=me") == {due_today}
    assert shown("assigned=none") == {overdue, later}
    assert shown("status=new&status=accepted") == {overdue, due_today, later}


def test_pagination_keeps_the_filters(client, auth, users):
    for _ in range(27):
        recent_case(status="new")
    auth.login(users["advocate"])
    first = client.get("/cases/?status=new").get_data(as_text=True)
    assert "Page 1 of 2" in first and "status=new" in first.split('rel="next"')[0].rsplit("href=", 1)[1]
    second = client.get("/cases/?status=new&page=2").get_data(as_text=True)
    assert "Showing 26 to 27 of 27" in second


def test_queue_and_case_page_queries_do_not_grow_with_rows(client, auth, users):
    auth.login(users["advocate"])
    case = recent_case(status="accepted")
    # One note first: the case page reads the notes only once its timeline shows one.
    post_case_form(client, f"/cases/{case.id}/notes", case.id, {"body": "First note"})
    client.get("/cases/")
    client.get(f"/cases/{case.id}")  # warm caches (bank holidays, templates) before counting
    with count_queries() as few:
        client.get("/cases/")
    with count_queries() as few_page:
        client.get(f"/cases/{case.id}")
    for n in range(15):
        recent_case(status="accepted", assigned_to_id=users["advocate"].id)
        post_case_form(client, f"/cases/{case.id}/notes", case.id, {"body": f"Note {n}", "sensitive": "y" if n % 2 else ""})
    with count_queries() as many:
        client.get("/cases/")
    with count_queries() as many_page:
        client.get(f"/cases/{case.id}")
    assert many.count == few.count
    assert many_page.count == few_page.count


def test_advocate_home_counts_link_to_filtered_lists(client, auth, users):
    today = _london_today()
    recent_case(status="new", first_contact_due=today)
    overdue = recent_case(status="accepted", first_contact_due=today - timedelta(days=1))
    db.session.add_all([Task(case_id=overdue.id, title="Call back", due_on=today - timedelta(days=1)),
                        Task(case_id=overdue.id, title="Send leaflet", due_on=today)])
    db.session.commit()
    recent_case("hate-crime", status="new")  # another service's: never counted
    auth.login(users["advocate"])
    page = client.get("/home").get_data(as_text=True)

    def count(card_id):
        section = page[page.index(f'id="{card_id}"'):]
        shown = section[section.index('vc-count__number">') + 18:].split("<", 1)[0]
        return 0 if shown == "None" else int(shown)  # zero reads "None", quiet, unlike a number to act on

    assert count("count-new") == 1
    assert count("count-due-today") == 1
    assert count("count-overdue") == 1
    assert count("count-tasks-due") == 1
    assert count("count-tasks-overdue") == 1
    assert count("count-closure") == 0
    assert 'id="count-unassigned"' not in page  # leads only
    assert "/cases/?tasks=overdue" in page and "/cases/?due=today" in page
    assert overdue.referral.reference in client.get("/cases/?tasks=overdue").get_data(as_text=True)


def test_advocate_home_shows_mine_today_apart_from_the_services(client, auth, users):
    today = _london_today()
    mine = recent_case(status="accepted", first_contact_due=today - timedelta(days=1),
                       assigned_to_id=users["advocate"].id)
    recent_case(status="accepted", first_contact_due=today - timedelta(days=2))  # the service's, nobody's
    recent_case(status="new", first_contact_due=today, assigned_to_id=users["advocate"].id)
    db.session.add(Task(case_id=mine.id, title="Call back", due_on=today, assigned_to_id=users["advocate"].id))
    db.session.commit()
    auth.login(users["advocate"])
    page = client.get("/home").get_data(as_text=True)
    mine_today = page[page.index('id="mine-today"'):page.index("The whole service")]
    assert "2 open cases are assigned to you" in mine_today

    def card(card_id):
        start = mine_today.rindex("<li", 0, mine_today.index(f'id="{card_id}"'))
        return mine_today[start:].split("</li>", 1)[0]

    assert 'vc-count__number">1<' in card("mine-overdue") and "vc-count--alert" in card("mine-overdue")
    assert "Overdue</strong>" in card("mine-overdue")
    assert 'vc-count__number">1<' in card("mine-due-today")
    assert 'vc-count__number">1<' in card("mine-tasks-due")
    assert 'vc-count__number">None<' in card("mine-tasks-overdue") and "vc-count--zero" in card("mine-tasks-overdue")
    assert "assigned=me" in card("mine-overdue")
    service = page[page.index("The whole service"):]
    assert 'vc-count__number">2<' in service[service.index('id="count-overdue"'):].split("</li>", 1)[0]
    assert 'id="header-search"' in page


def test_lead_home_shows_unassigned_and_each_advocates_caseload(client, auth, users):
    lead = make_user("advocate", service="domestic-abuse", is_lead=True)
    recent_case(assigned_to_id=users["advocate"].id)
    recent_case(assigned_to_id=users["advocate"].id)
    recent_case()
    recent_case(status="closed", assigned_to_id=users["advocate"].id)
    auth.login(lead)
    page = client.get("/home").get_data(as_text=True)
    unassigned = page[page.index('id="count-unassigned"'):]
    assert 'vc-count__number">1<' in unassigned
    caseloads = page[page.index('id="caseloads"'):]
    row = caseloads[caseloads.index(users["advocate"].name):]
    assert ">2</td>" in row.split("</tr>")[0]
    assert users["other_advocate"].name not in caseloads  # another service's advocate
    assert f"assignee={users['advocate'].id}" in caseloads


def test_queue_for_roles_without_cases(client, auth, users):
    for role in ("caseworker", "commissioner", "admin"):
        auth.login(users[role])
        assert client.get("/cases/").status_code == 403
        auth.logout()


def _rows_by_reference(page: str, references) -> dict[str, str]:
    rows = page.split("<tr")
    return {ref: next(row for row in rows if ref in row) for ref in references}


@pytest.mark.parametrize("moment", [
    datetime(2026, 7, 15, 23, 30, tzinfo=timezone.utc),  # 00:30 on 16 July in London (BST): UTC says the 15th
    datetime(2026, 1, 16, 0, 30, tzinfo=timezone.utc),   # 00:30 on 16 January in London (GMT)
], ids=["summer", "winter"])
def test_the_overdue_filter_and_the_badges_agree_after_london_midnight(client, auth, users, time_machine, moment):
    """Between midnight and 1 am in summer the UTC date is still yesterday's: a case due "yesterday" in London
    is overdue on the filter, the badge, the case page and the home count alike."""
    time_machine.move_to(moment, tick=True)
    london_today = date(moment.year, moment.month, 16)
    overdue = recent_case(first_contact_due=london_today - timedelta(days=1))
    due_today = recent_case(first_contact_due=london_today)
    later = recent_case(first_contact_due=london_today + timedelta(days=1))
    refs = {overdue.referral.reference: "Overdue", due_today.referral.reference: "Due today",
            later.referral.reference: None}
    auth.login(users["advocate"])

    rows = _rows_by_reference(client.get("/cases/").get_data(as_text=True), refs)
    for ref, badge in refs.items():
        shown = [text for text in ("Overdue", "Due today") if f">{text}<" in rows[ref]]
        assert shown == ([badge] if badge else [])
    filtered = client.get("/cases/?due=overdue").get_data(as_text=True)
    assert [ref for ref in refs if ref in filtered] == [overdue.referral.reference]
    filtered = client.get("/cases/?due=today").get_data(as_text=True)
    assert [ref for ref in refs if ref in filtered] == [due_today.referral.reference]
    assert ">Overdue<" in client.get(f"/cases/{overdue.id}").get_data(as_text=True)
    assert ">Due today<" in client.get(f"/cases/{due_today.id}").get_data(as_text=True)


def test_the_queue_keeps_its_statement_but_judges_each_request_at_its_own_time(client, auth, users, time_machine):
    """The queue's built statement is kept between requests (services/queues.py); London's date and the clock
    are given to it on every run, so the same filter a day later finds what became overdue overnight."""
    from victimcare.services import queues

    time_machine.move_to(datetime(2026, 3, 10, 23, 55, tzinfo=timezone.utc), tick=False)  # GMT: London time
    case = recent_case(first_contact_due=date(2026, 3, 10))
    auth.login(users["advocate"])
    assert case.referral.reference not in client.get("/cases/?due=overdue").get_data(as_text=True)
    kept = queues._queue_page.cache_info()

    time_machine.move_to(datetime(2026, 3, 11, 0, 5, tzinfo=timezone.utc), tick=False)  # ten minutes on, past midnight
    assert case.referral.reference in client.get("/cases/?due=overdue").get_data(as_text=True)
    now_kept = queues._queue_page.cache_info()
    assert (now_kept.misses, now_kept.hits) == (kept.misses, kept.hits + 1)  # the same statement, run with the new day


def test_the_home_counts_keep_their_statement_but_count_on_each_days_date(client, auth, users, time_machine):
    """The home page's statement of counts is kept between requests (services/queues.py) and London's date written
    into it on every run: past midnight a first contact due yesterday counts as overdue."""
    from victimcare.services import queues

    time_machine.move_to(datetime(2026, 3, 10, 23, 55, tzinfo=timezone.utc), tick=False)  # GMT: London time
    recent_case(status="new", first_contact_due=date(2026, 3, 10))
    auth.login(users["advocate"])

    def overdue():
        section = client.get("/home").get_data(as_text=True).split('id="count-overdue"', 1)[1]
        return section[section.index('vc-count__number">') + 18:].split("<", 1)[0]

    assert overdue() == "None"  # zero reads "None"
    kept = queues._action_counts_statement.cache_info()
    time_machine.move_to(datetime(2026, 3, 11, 0, 5, tzinfo=timezone.utc), tick=False)  # ten minutes on
    assert overdue() == "1"
    now_kept = queues._action_counts_statement.cache_info()
    assert (now_kept.misses, now_kept.hits) == (kept.misses, kept.hits + 1)  # the same statement, run with the new day


def test_task_badges_follow_london_today(client, auth, users, time_machine):
    time_machine.move_to(datetime(2026, 7, 15, 23, 30, tzinfo=timezone.utc), tick=True)  # 16 July in London
    case = recent_case(status="in-progress")
    db.session.add_all([Task(case_id=case.id, title="Call back", due_on=date(2026, 7, 15)),
                        Task(case_id=case.id, title="Send leaflet", due_on=date(2026, 7, 16)),
                        Task(case_id=case.id, title="Book room", due_on=date(2026, 7, 17))])
    db.session.commit()
    auth.login(users["advocate"])
    rows = _rows_by_reference(client.get(f"/cases/{case.id}/tasks").get_data(as_text=True),
                              ("Call back", "Send leaflet", "Book room"))
    assert ">Overdue<" in rows["Call back"] and ">Due today<" not in rows["Call back"]
    assert ">Due today<" in rows["Send leaflet"] and ">Overdue<" not in rows["Send leaflet"]
    assert ">Overdue<" not in rows["Book room"] and ">Due today<" not in rows["Book room"]


def test_home_counts_stop_at_the_cap_and_say_more_than(client, auth, users, monkeypatch):
    from victimcare.services import queues

    monkeypatch.setattr(queues, "COUNT_CAP", 2)
    today = _london_today()
    for _ in range(3):
        recent_case(status="new", first_contact_due=today - timedelta(days=1), assigned_to_id=users["advocate"].id)
    recent_case(status="new", first_contact_due=today)
    auth.login(users["advocate"])
    page = client.get("/home").get_data(as_text=True)
    def shown(card_id):
        card = page[page.index(f'id="{card_id}">') + len(card_id) + 6:].split("</li>", 1)[0]
        return " ".join(re.sub(r"<[^>]+>", " ", card).split())

    assert shown("count-new").startswith("More than 2 new referrals")  # 4 new: past the cap, said so
    assert "More than 2 open cases are assigned to you" in page
    assert shown("count-overdue").startswith("More than 2 first contacts overdue") and "Overdue" in shown("count-overdue")
    due_today = page[page.index('id="count-due-today"'):].split("</li>", 1)[0]
    assert 'vc-count__number">1<' in due_today  # under the cap: the exact figure


def test_home_statement_count_does_not_grow_with_cases_or_tasks(client, auth, users):
    today = _london_today()
    lead = make_user("advocate", service="domestic-abuse", is_lead=True)
    auth.login(lead)
    client.get("/home")  # warm caches
    with count_queries() as few:
        assert client.get("/home").status_code == 200
    for n in range(12):
        case = recent_case(status=("new", "accepted")[n % 2], first_contact_due=today - timedelta(days=n % 3),
                           assigned_to_id=(users["advocate"].id, lead.id, None)[n % 3])
        db.session.add(Task(case_id=case.id, title="Call back", due_on=today - timedelta(days=n % 2),
                            assigned_to_id=lead.id))
    db.session.commit()
    with count_queries() as many:
        page = client.get("/home").get_data(as_text=True)
    assert many.count == few.count
    assert 'vc-count__number">4<' in page[page.index('id="count-unassigned"'):]
