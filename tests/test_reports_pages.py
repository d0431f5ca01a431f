"""The report pages a commissioner sees: the index, compliance tables with definitions, the tile map."""
import re

from sqlalchemy import select

from victimcare.extensions import db
from victimcare.models import AuditEvent

from .helpers_reports import PERIOD, hand_count_fixture


def _page(client, auth, users, path, status=200, **params):
    auth.login(users["commissioner"])
    response = client.get(path, query_string=params)
    assert response.status_code == status
    return response.get_data(as_text=True)


def test_navigation_and_index_list_the_reports(client, auth, users):
    html = _page(client, auth, users, "/home")
    assert 'href="/reports/"' in html
    index = _page(client, auth, users, "/reports/")
    assert "Victims&#39; Code compliance" in index and "The postcode lottery" in index
    assert 'href="/reports/code-compliance"' in index and 'href="/reports/postcode-lottery"' in index


def test_compliance_page_shows_each_level_with_definitions_under_the_figures(client, auth, users):
    hand_count_fixture()
    html = _page(client, auth, users, "/reports/code-compliance", group_by="borough", **PERIOD)
    for level in ("enhanced", "standard", "all"):
        assert f'id="compliance-{level}"' in html
    assert "Enhanced rights: by borough" in html
    assert "Median working days to first contact" in html
    assert "The middle number of working days" in html  # the one-line definition
    lambeth = re.search(r'<th scope="row" class="govuk-table__header">Lambeth</th>(.*?)</tr>', html, re.S).group(1)
    cells = re.findall(r'numeric[^"]*">([^<]*)</td>', lambeth)
    # Enhanced table first: received 10, due 9, in time 6, share 66.7%, median 2, overdue hidden
    assert cells[:6] == ["10", "9", "6", "66.7%", "2", "fewer than 5"]
    assert 'href="/reports/code-compliance.csv?' in html and "group_by=borough" in html


def test_headlines_show_the_total_with_its_definition(client, auth, users):
    hand_count_fixture()
    html = _page(client, auth, users, "/reports/code-compliance", service="domestic-abuse", **PERIOD)
    headline = re.search(r'id="headline-received">(.*?)</div>', html, re.S).group(1)
    assert ">16<" in headline and "Cases opened for a service" in headline


def test_bad_filters_are_explained_and_defaults_used(client, auth, users):
    html = _page(client, auth, users, "/reports/code-compliance", 400, **{"from": "2026-02-30", "group_by": "planet"})
    assert "There is a problem with the filters" in html
    assert 'href="#from"' in html and 'href="#group_by"' in html
    assert "<title>Error: " in html


def _tiles(html):
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    return svg, re.findall(r'<g class="vc-tile vc-tile--([a-z-]+)" data-area="(E09\d+)" role="img"\s+aria-label="([^"]*)"',
                           svg)


def test_tile_map_has_33_named_squares_with_values_bands_and_a_legend(client, auth, users):
    hand_count_fixture()
    html = _page(client, auth, users, "/reports/postcode-lottery", measure="share_in_time", **PERIOD)
    svg, tiles = _tiles(html)
    assert 'aria-hidden="true"' not in svg.split(">", 1)[0]  # the map is not hidden from assistive technology
    assert len(tiles) == 33 and len({code for _, code, _ in tiles}) == 33
    by_code = {code: (band, name) for band, code, name in tiles}
    # London: 14 in time of 18 due = 77.8%. Lambeth 66.7% is 11.1 points below: "worse"; Hackney 88.9% is 11.1
    # points above: "better".
    assert by_code["E09000022"] == ("worse", "Lambeth: 66.7%, worse than London")
    assert by_code["E09000012"] == ("better", "Hackney: 88.9%, better than London")
    assert by_code["E09000001"] == ("not-shown", "City of London: not shown, no cases due for first contact")
    assert by_code["E09000013"][1].startswith("Hammersmith and Fulham: not shown")  # full names, not abbreviations
    assert "66.7%" in svg and "88.9%" in svg and ">−<" in svg and ">+<" in svg  # value and marker in the square
    assert "Much worse than London</strong>: more than 15 percentage points below London&#39;s 77.8%" in html


def test_lottery_says_in_words_why_figures_are_not_shown(client, auth, users):
    hand_count_fixture()
    html = _page(client, auth, users, "/reports/postcode-lottery", **PERIOD)
    note = re.search(r'id="lottery-not-shown">(.*?)</div>', html, re.S).group(1)
    assert "Share contacted within due date is not shown for 31 of 33 boroughs: no cases due for first contact in 31." in note
    assert "Median working days to first contact is not shown for 31 of 33 boroughs" in note


def test_lottery_default_is_a_figure_most_boroughs_can_show(client, auth, users):
    """Eight boroughs each with 6 cases contacted after 1 to 3 days, 2 of them in time and 2 accepting
    support: the share in time and take-up are hidden everywhere (fewer than 5), the median is not, so the map
    shows the median and says why."""
    from datetime import datetime, timezone

    from .helpers_reports import make_case
    codes = [f"E0900000{n}" for n in range(2, 10)]
    for code in codes:
        for i, days in enumerate((1, 1, 2, 2, 3, 3)):
            make_case("domestic-abuse", datetime(2026, 2, 2, 10, tzinfo=timezone.utc), borough=code, days=days,
                      in_time=i < 2, accepted=i < 2)
    html = _page(client, auth, users, "/reports/postcode-lottery", **PERIOD)
    assert '<option value="median_days" selected>' in html
    assert "The map shows median working days to first contact because it can be shown for more boroughs" in html
    _, tiles = _tiles(html)
    assert sum(band != "not-shown" for band, _, _ in tiles) == 8
    assert "Barking and Dagenham: 2 working days, close to London" in {name for _, _, name in tiles}


def test_lottery_ranks_boroughs_and_states_the_gap(client, auth, users):
    hand_count_fixture()
    html = _page(client, auth, users, "/reports/postcode-lottery", measure="share_in_time", **PERIOD)
    ranked = re.search(r'<table class="govuk-table vc-report-table" id="ranked">(.*?)</table>', html, re.S).group(1)
    rows = re.findall(r'<td class="govuk-table__cell govuk-table__cell--numeric">([^<]*)</td>\s*'
                      r'<th scope="row" class="govuk-table__header">([^<]*)</th>', ranked)
    assert rows[:2] == [("1", "Hackney"), ("2", "Lambeth")]
    assert rows[2][0] == "not ranked" and len(rows) == 33
    assert "22.2 percentage points" in html
    assert 'id="bcu-rollup"' in html and "Central South BCU (Lambeth, Southwark)" in html and "City of London Police" in html


def test_every_run_is_audited_with_its_filters(client, auth, users):
    _page(client, auth, users, "/reports/code-compliance", group_by="month", **PERIOD)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "report-run")
                               .order_by(AuditEvent.seq.desc())).first()
    assert event.object_id == "code-compliance"
    assert event.changes["group_by"] == "month" and event.changes["from"] == "2026-01-01"


def test_commissioner_home_shows_headlines_and_links(client, auth, users):
    html = _page(client, auth, users, "/home")
    assert 'id="headline-share_in_time"' in html
    assert 'href="/reports/postcode-lottery"' in html


def test_compliance_page_charts_the_months_beside_their_table(client, auth, users):
    hand_count_fixture()
    html = _page(client, auth, users, "/reports/code-compliance", **PERIOD)
    chart = re.search(r'<section class="vc-chart".*?</section>', html, re.S).group(0)
    svg = re.search(r"<svg.*?</svg>", chart, re.S).group(0)
    assert 'aria-hidden="true"' in svg.split(">", 1)[0]
    assert svg.count('class="vc-chart__bar"') == 2  # January (6 of 9) and February (8 of 9); March has no cases
    assert ">67%<" in svg and ">89%<" in svg and "Target 90%" in svg
    table = re.search(r'<table class="govuk-table vc-report-table" id="compliance-by-month">(.*?)</table>', chart, re.S).group(1)
    assert "Share contacted within due date by month (all victims)" in table
    rows = re.findall(r'<th scope="row" class="govuk-table__header">([^<]*)</th>(.*?)</tr>', table, re.S)
    assert [label for label, _ in rows] == ["January 2026", "February 2026", "March 2026"]
    assert re.findall(r'numeric">([^<]*)</td>', rows[0][1]) == ["9", "6", "66.7%"]


def test_dates_are_chosen_as_months_and_years_not_typed(client, auth, users):
    hand_count_fixture()
    html = _page(client, auth, users, "/reports/code-compliance",
                 from_month="1", from_year="2026", to_month="3", to_year="2026")  # the commissioner's shortest: 3
    assert "YYYY-MM-DD" not in html and 'name="from" type="text"' not in html
    assert '<option value="1" selected>January</option>' in html and '<option value="3" selected>March</option>' in html
    assert "Cases received 1 January 2026 to 31 March 2026" in html
    assert re.search(r'href="/reports/code-compliance.csv\?[^"]*from=2026-01-01&amp;to=2026-03-31', html)
