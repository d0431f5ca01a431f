"""Differencing: two reports whose periods differ by a day must not give away the one case received that day.

The commissioner's periods snap to whole calendar months, at least REPORT_MIN_MONTHS long. The fixture is built
to tempt the attack from the security review: one child's case alone on 4 September, among enough other
children that "4 September to the end" and "5 September to the end" both publish the child cell.
"""
import csv
import io
import itertools
from datetime import date, datetime, timedelta, timezone

import pytest

from victimcare.domain.report_definitions import parse_filters, snap_to_months
from victimcare.extensions import db

from .helpers_reports import LAMBETH, make_case

CHILD_DOB, ADULT_DOB = date(2012, 3, 1), date(1985, 6, 1)


def _case(day: date, dob: date) -> None:
    case = make_case("domestic-abuse", datetime(day.year, day.month, day.day, 10, tzinfo=timezone.utc),
                     borough=LAMBETH, days=1, in_time=True, accepted=True)
    case.referral.person.date_of_birth = dob
    db.session.commit()


@pytest.fixture
def tempting():
    # Children: alone on 4 September; then enough from 5 September on that both periods publish the cell.
    children = [date(2026, 6, d) for d in (3, 10, 17, 24, 26)] + [date(2026, 9, 4)] + [
        date(2026, 9, d) for d in (10, 18, 25)] + [date(2026, 10, d) for d in (2, 9, 16)] + [
        date(2026, 11, d) for d in (6, 13)]
    adults = [date(2026, month, d) for month in (6, 7, 8, 9, 10, 11) for d in (5, 12, 19)]
    for day in children:
        _case(day, CHILD_DOB)
    for day in adults:
        _case(day, ADULT_DOB)


def _cells(response) -> dict:
    """Every published number of a CSV export, keyed by (section, row, column)."""
    assert response.status_code == 200, response.status_code
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    cells, section, header = {}, None, None
    for row in rows:
        if len(row) == 1:
            section, header = row[0], None
        elif row and header is None:
            header = row
        elif row:
            for column, value in zip(header[1:], row[1:]):
                if value.isdigit():
                    cells[(section, row[0], column)] = int(value)
        else:
            header = None
    return cells


@pytest.mark.parametrize("report", ["equality", "service-measures"])
def test_no_two_allowed_periods_differ_by_a_single_case_in_any_published_cell(client, auth, users, tempting, report):
    auth.login(users["commissioner"])
    starts = [date(2026, 8, 28) + timedelta(days=n) for n in range(12)]  # 28 August to 8 September
    ends = [date(2026, 11, 20), date(2026, 11, 21), date(2026, 11, 30)]
    published = {}
    for start, end in itertools.product(starts, ends):
        response = client.get(f"/reports/{report}.csv", query_string={"from": start.isoformat(), "to": end.isoformat()})
        published[(start, end)] = _cells(response)
    assert published[(date(2026, 9, 4), ends[0])], "the report published nothing: the fixture does not tempt"
    for (first, a), (second, b) in itertools.combinations(published.items(), 2):
        for key in a.keys() & b.keys():
            assert abs(a[key] - b[key]) != 1, f"{first} and {second} differ by one case in {key}"


def test_the_review_attack_now_gets_two_identical_reports(client, auth, users, tempting):
    auth.login(users["commissioner"])
    first = client.get("/reports/equality.csv", query_string={"from": "2026-09-04", "to": "2026-11-30"})
    second = client.get("/reports/equality.csv", query_string={"from": "2026-09-05", "to": "2026-11-30"})
    assert _cells(first) == _cells(second)


def test_other_roles_keep_the_days_they_asked_for(app):
    filters, errors = parse_filters({"from": "2026-09-04", "to": "2026-11-20"}, date(2026, 12, 6),
                                    frozenset(), frozenset(), frozenset())
    assert (filters.date_from, filters.date_to, errors) == (date(2026, 9, 4), date(2026, 11, 20), [])


@pytest.mark.parametrize("asked, snapped", [
    ((date(2026, 9, 4), date(2026, 11, 20)), (date(2026, 9, 1), date(2026, 11, 30))),
    ((date(2026, 11, 3), date(2026, 11, 20)), (date(2026, 9, 1), date(2026, 11, 30))),   # at least 3 months
    ((date(2026, 1, 31), date(2026, 2, 1)), (date(2025, 12, 1), date(2026, 2, 28))),
    ((date(2012, 1, 5), date(2012, 1, 9)), (date(2012, 1, 1), date(2012, 3, 31))),       # never before 2012
    ((date(2024, 2, 29), date(2024, 12, 31)), (date(2024, 2, 1), date(2024, 12, 31))),
])
def test_periods_snap_to_whole_months_and_the_shortest_is_three(asked, snapped):
    assert snap_to_months(*asked, 3) == snapped


def test_the_commissioner_sees_the_snapped_dates_in_the_filters(client, auth, users):
    auth.login(users["commissioner"])
    page = client.get("/reports/equality", query_string={"from": "2026-09-04", "to": "2026-11-20"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<option value="9" selected>September</option>' in html  # the "from" month
    assert '<option value="11" selected>November</option>' in html  # the "to" month
    assert "Reports cover whole calendar months, at least 3." in html
    short = client.get("/reports/equality", query_string={"from_month": "11", "from_year": "2026",
                                                          "to_month": "11", "to_year": "2026"})
    assert '<option value="9" selected>September</option>' in short.get_data(as_text=True)


# Whole months are not enough: June-September and July-September differ by June's cases. A fixture with months
# that each hold a single case in some cell (a child, a high-risk DASH level), among busier months.
SINGLE_CASE_MONTHS = {  # month: (children, adults, high-risk DASH)
    4: (6, 6, 0), 5: (1, 6, 5), 6: (0, 7, 1), 7: (6, 6, 0), 8: (1, 6, 6), 9: (5, 6, 1), 10: (1, 7, 0), 11: (6, 6, 5),
}


@pytest.fixture
def single_case_months():
    for month, (children, adults, high) in SINGLE_CASE_MONTHS.items():
        for i in range(children + adults):
            case = make_case("domestic-abuse", datetime(2026, month, 3 + i, 10, tzinfo=timezone.utc),
                             borough=LAMBETH, days=1 + i % 3, in_time=True, accepted=i % 2 == 0)
            case.referral.person.date_of_birth = CHILD_DOB if i < children else ADULT_DOB
            case.referral.dash_level = "high" if i < high else "standard"
            db.session.commit()


def _month_end(month: int) -> date:
    return date(2026, month + 1, 1) - timedelta(days=1)


@pytest.mark.parametrize("report", ["equality", "service-measures"])
def test_no_allowed_period_inside_another_differs_from_it_by_one_to_four_cases(client, auth, users,
                                                                               single_case_months, report):
    auth.login(users["commissioner"])
    periods = [(a, b) for a in range(4, 12) for b in range(a + 2, 12)]  # whole months, at least 3
    published = {}
    for a, b in periods:
        response = client.get(f"/reports/{report}.csv",
                              query_string={"from": date(2026, a, 1).isoformat(), "to": _month_end(b).isoformat()})
        published[(a, b)] = _cells(response)
    assert len(published[(4, 11)]) > 10, "the report published too little: the fixture does not tempt"
    compared = 0
    for (a, b), (c, d) in itertools.permutations(periods, 2):
        if a <= c and d <= b:  # the second period lies inside the first
            outer, inner = published[(a, b)], published[(c, d)]
            for key in outer.keys() & inner.keys():
                compared += 1
                assert outer[key] - inner[key] not in range(1, 5), (
                    f"{a}-{b} and {c}-{d} differ by {outer[key] - inner[key]} in {key}")
    assert compared > 100


def test_the_guard_hides_the_cell_a_single_case_month_would_give_away(client, auth, users, single_case_months):
    """May to August holds 8 children, June to August 7: the difference would be May's one child."""
    auth.login(users["commissioner"])
    june_on = _cells(client.get("/reports/equality.csv", query_string={"from": "2026-06-01", "to": "2026-08-31"}))
    may_on = _cells(client.get("/reports/equality.csv", query_string={"from": "2026-05-01", "to": "2026-08-31"}))
    children = ("Age band at referral", "0 to 17", "Cases")
    assert june_on[children] == 7
    assert children not in may_on
    page = client.get("/reports/equality", query_string={"from": "2026-05-01", "to": "2026-08-31"})
    assert "hidden" in page.get_data(as_text=True)
