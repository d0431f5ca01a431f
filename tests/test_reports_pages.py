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


def test_tile_map_has_33_squares_with_values_and_a_legend(client, auth, users):
    hand_count_fixture()
    html = _page(client, auth, users, "/reports/postcode-lottery", **PERIOD)
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert 'aria-hidden="true"' in svg
    tiles = re.findall(r'<g class="vc-tile vc-tile--([a-z0-9-]+)" data-area="(E09\d+)">', svg)
    assert len(tiles) == 33 and len({code for _, code in tiles}) == 33
    bands = dict((code, band) for band, code in tiles)
    assert bands["E09000022"] == "band-4"  # Lambeth 66.7%: below 70%
    assert bands["E09000012"] == "band-2"  # Hackney 8 of 9 = 88.9%
    assert bands["E09000001"] == "not-shown"
    assert "66.7%" in svg and "88.9%" in svg  # values printed in the squares, not colour alone
    assert "90% or more" in html and "Not shown" in html  # legend


def test_lottery_ranks_boroughs_and_states_the_gap(client, auth, users):
    hand_count_fixture()
    html = _page(client, auth, users, "/reports/postcode-lottery", **PERIOD)
    ranked = re.search(r'<table class="govuk-table vc-report-table" id="ranked">(.*?)</table>', html, re.S).group(1)
    rows = re.findall(r'<td class="govuk-table__cell govuk-table__cell--numeric">([^<]*)</td>\s*'
                      r'<th scope="row" class="govuk-table__header">([^<]*)</th>', ranked)
    assert rows[:2] == [("1", "Hackney"), ("2", "Lambeth")]
    assert rows[2][0] == "not ranked" and len(rows) == 33
    assert "22.2 percentage points" in html
    assert 'id="bcu-rollup"' in html and "BCU 7" in html and "City of London Police" in html


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
