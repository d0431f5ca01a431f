"""The DPO's retention report: people due by category and month, and who is held; nobody else sees it."""
import re
from datetime import datetime, timezone

from .factories import make_user
from .helpers_retention import retention_fixture


def _cells(html: str, label: str) -> list[str]:
    row = re.search(rf'<th scope="row" class="govuk-table__header">{label}</th>(.*?)</tr>', html, re.S).group(1)
    return re.findall(r">(\d+)<", row)


def test_the_dpo_sees_who_is_due_by_category_and_month(client, auth, users, time_machine):
    time_machine.move_to(datetime(2026, 3, 1, 12, tzinfo=timezone.utc), tick=False)
    dpo = make_user("dpo")
    made = retention_fixture(placed_by=dpo.id)
    auth.login(dpo)
    html = client.get("/retention/").get_data(as_text=True)
    assert '<a href="/retention/"' in html or 'href="/retention/"' in html  # in the DPO's navigation
    # On 1 March 2026: never contacted (x2, with the triage referral) due 7 July 2026; the held one is listed apart;
    # contacted without support, closed 1 February: due 15 March 2026.
    never = _cells(html, "Referred but never contacted")
    assert never[0] == "0" and never[5] == "2" and sum(map(int, never)) == 2  # Now, Mar ... Jul is the 5th month
    no_service = _cells(html, "Contacted, no service taken up")
    assert no_service[1] == "1"
    assert re.search(r'id="without-date">1<', html)
    assert made["cases"]["held"].referral.reference in html
    for case in made["cases"].values():
        assert case.referral.person.family_name not in html


def test_nobody_else_sees_it(client, auth, users):
    lead = make_user("advocate", service="domestic-abuse", is_lead=True)
    for user in (*users.values(), lead):
        auth.logout()
        auth.login(user)
        assert client.get("/retention/").status_code == 403
        assert 'href="/retention/"' not in client.get("/home").get_data(as_text=True)
