"""The user list counts right and finds people; deactivation says what the person still holds first."""
from sqlalchemy import select

from victimcare.extensions import db
from victimcare.models import Task, User

from .factories import make_referral_with_case, make_user


def test_the_count_reads_right(client, auth, users):
    auth.login(users["admin"])
    page = client.get("/admin/users").get_data(as_text=True)
    assert "Showing 1 to 5 of 5" in page
    only = client.get("/admin/users?q=commissioner").get_data(as_text=True)
    assert "Showing 1 to 1 of 1" in only and users["commissioner"].name in only


def test_search_by_name_or_email_and_filter_by_role_and_service(client, auth, users):
    priya = make_user("advocate", service="domestic-abuse", email="p.sharma@example.org")
    priya.name = "Priya Sharma"
    db.session.commit()
    auth.login(users["admin"])

    def names(query):
        page = client.get("/admin/users" + query)
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        listed = text.split("</caption>", 1)[1] if "</caption>" in text else ""  # the table, not "Signed in as"
        return {name for (name,) in db.session.execute(select(User.name)) if name in listed}

    assert names("?q=sharma") == {"Priya Sharma"}
    assert names("?q=priya+SHARMA") == {"Priya Sharma"}
    assert names("?q=p.sharma%40example") == {"Priya Sharma"}
    assert names("?role=advocate&service=domestic-abuse") == {"Priya Sharma", users["advocate"].name}
    assert names("?role=advocate&service=hate-crime") == {users["other_advocate"].name}
    assert names("?role=caseworker") == {users["caseworker"].name}
    assert names("?q=%25") == set()  # a wildcard is searched for as itself
    empty = client.get("/admin/users?q=nobody-by-this-name")
    assert b"No users match" in empty.data and b"Clear search and filters" in empty.data


def test_the_filters_survive_paging(client, auth, users):
    for _ in range(51):
        make_user("commissioner")
    auth.login(users["admin"])
    page = client.get("/admin/users?role=commissioner").get_data(as_text=True)
    assert "Showing 1 to 50 of 52" in page
    assert "page=2&amp;role=commissioner" in page or "role=commissioner&amp;page=2" in page


def test_deactivation_asks_first_and_says_what_the_person_holds(client, auth, users):
    advocate = users["advocate"]
    first = make_referral_with_case("domestic-abuse", status="accepted", assigned_to_id=advocate.id)
    make_referral_with_case("domestic-abuse", status="closed", assigned_to_id=advocate.id)
    db.session.add_all([Task(case_id=first.id, title="Call back", assigned_to_id=advocate.id),
                        Task(case_id=first.id, title="Safety plan", assigned_to_id=advocate.id)])
    db.session.commit()
    auth.login(users["admin"])
    user_page = client.get(f"/admin/users/{advocate.id}")
    assert f'href="/admin/users/{advocate.id}/deactivate"'.encode() in user_page.data
    confirm = client.get(f"/admin/users/{advocate.id}/deactivate").get_data(as_text=True)
    assert "holds 1 open case and 2 open tasks" in confirm
    assert f"/cases/?assignee={advocate.id}" in confirm
    assert "needs a second person" in confirm
    assert db.session.get(User, advocate.id).active  # looking at the question changes nothing
    client.post(f"/admin/users/{advocate.id}/active", data={"active": "false"})
    db.session.expire_all()
    assert not db.session.get(User, advocate.id).active


def test_deactivation_of_someone_holding_nothing(client, auth, users):
    auth.login(users["admin"])
    confirm = client.get(f"/admin/users/{users['commissioner'].id}/deactivate").get_data(as_text=True)
    assert "holds no open cases and no open tasks" in confirm and "second person" not in confirm


def test_the_lead_opens_the_reassignment_link(client, auth, users):
    advocate = users["advocate"]
    lead = make_user("advocate", service="domestic-abuse", is_lead=True)
    case = make_referral_with_case("domestic-abuse", status="accepted", assigned_to_id=advocate.id)
    auth.login(lead)
    queue = client.get(f"/cases/?assignee={advocate.id}")
    assert queue.status_code == 200 and case.referral.reference.encode() in queue.data


def test_other_roles_cannot_see_the_deactivation_page(client, auth, users):
    for role in ("caseworker", "advocate", "commissioner"):
        auth.login(users[role])
        assert client.get(f"/admin/users/{users['admin'].id}/deactivate").status_code == 403
        auth.logout()


def test_the_list_and_the_approvals_page_cost_the_same_queries_for_few_or_many(client, auth, users):
    from .helpers_audit import count_queries

    def cost(path):
        with count_queries() as counter:
            assert client.get(path).status_code == 200
        return counter.count

    auth.login(users["admin"])
    few = cost("/admin/users"), cost("/account-changes")
    for n in range(30):
        make_user("advocate", service="hate-crime" if n % 2 else "domestic-abuse", is_lead=n < 4)
    auth.logout()
    auth.login(make_user("admin"))
    for n in range(6):  # six changes waiting, asked for by the other administrator
        client.post("/admin/users/new", data={"name": f"New {n}", "email": f"new{n}@example.org", "role": "caseworker"})
    auth.logout()
    auth.login(users["admin"])
    assert (cost("/admin/users"), cost("/account-changes")) == few
