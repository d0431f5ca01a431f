"""Suppression holds everywhere a figure leaves the system: screen, CSV, XLSX and API show the same cells
hidden with the same marker, never a count from 1 to 4, and never one hidden cell that a visible total would give
away. A count from 1 to 4 reads "fewer than 5"; a cell hidden only to protect one reads "hidden"."""
import re
from html import unescape

import pytest

from .helpers_reports import PERIOD, bearer_for, hand_count_fixture, read_csv, read_xlsx

SUPPRESSED = "fewer than 5"  # a count from 1 to 4
HIDDEN = "hidden"  # hidden only so that a total cannot give a smaller count away
MARKERS = (SUPPRESSED, HIDDEN)
COUNTS = ("received", "due", "in_time", "overdue", "accepted")


def _api_rows(client, user, group_by):
    body = client.get("/api/v1/reports/code-compliance", query_string={**PERIOD, "group_by": group_by},
                      headers=bearer_for(user)).get_json()
    return body["rows"] + [{**body["total"], "label": "Total"}]


def _is_count(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _is_small(value):
    return _is_count(value) and 0 < value < 5


@pytest.mark.parametrize("group_by", ["service", "borough", "month"])
def test_api_never_shows_a_small_count_or_a_lone_hidden_cell(client, users, group_by):
    hand_count_fixture()
    rows = _api_rows(client, users["commissioner"], group_by)
    for measure in COUNTS:
        for row in rows:
            cells = [row[level][measure] for level in ("enhanced", "standard", "all")]
            assert not any(_is_small(c) for c in cells), (row["label"], measure, cells)
            assert all(_is_count(c) or c in MARKERS for c in cells), (row["label"], measure, cells)
            if cells[2] not in MARKERS:  # a visible row total: not exactly one hidden part
                assert sum(c in MARKERS for c in cells[:2]) != 1, (row["label"], measure, cells)
        for level in ("enhanced", "standard", "all"):
            column = [row[level][measure] for row in rows]
            if column[-1] not in MARKERS:
                assert sum(c in MARKERS for c in column[:-1]) != 1, (level, measure, column)


def test_rates_are_withheld_where_their_counts_are_hidden_or_small(client, users):
    hand_count_fixture()
    rows = _api_rows(client, users["commissioner"], "service")
    hate = next(r for r in rows if r["group"] == "hate-crime")
    assert hate["standard"]["received"] == SUPPRESSED
    assert hate["standard"]["share_in_time"] is None and hate["standard"]["take_up"] is None
    assert hate["standard"]["median_days"] is None  # 3 contacted cases: too few for a median
    for row in rows:
        for level in ("enhanced", "standard", "all"):
            if row[level]["in_time"] in MARKERS or row[level]["due"] in MARKERS:
                assert row[level]["share_in_time"] is None
            if row[level]["accepted"] in MARKERS or row[level]["received"] in MARKERS:
                assert row[level]["take_up"] is None


def _hidden_cells_from_api(rows, columns):
    """{(group label, level, measure): marker} for every hidden count."""
    return {(row["label"], level, measure): row[level][measure] for row in rows
            for level in ("enhanced", "standard", "all") for measure in columns if row[level][measure] in MARKERS}


def _hidden_cells_from_table(header, body, group_column, columns_by_heading):
    hidden = {}
    level_names = {"Enhanced rights": "enhanced", "Standard rights": "standard", "All victims": "all"}
    level_index = header.index("Victims")
    for line in body:
        for heading, measure in columns_by_heading.items():
            if line[header.index(heading)] in MARKERS:
                hidden[(line[group_column], level_names[line[level_index]], measure)] = line[header.index(heading)]
    return hidden


HEADINGS = {"Cases received": "received", "Due for first contact": "due", "Contacted within due date": "in_time",
            "Overdue now": "overdue"}


def test_csv_and_xlsx_hide_exactly_what_the_api_hides(client, auth, users):
    hand_count_fixture()
    api_hidden = _hidden_cells_from_api(_api_rows(client, users["commissioner"], "service"), HEADINGS.values())
    assert api_hidden[("Hate crime advocacy", "standard", "received")] == SUPPRESSED
    auth.login(users["commissioner"])
    csv_response = client.get("/reports/code-compliance.csv", query_string={**PERIOD, "group_by": "service"})
    assert csv_response.status_code == 200 and csv_response.mimetype == "text/csv"
    assert "attachment" in csv_response.headers["Content-Disposition"]
    lines = read_csv(csv_response)
    blank = lines.index([])
    header, body = lines[0], lines[1:blank]
    assert _hidden_cells_from_table(header, body, 0, HEADINGS) == api_hidden
    notes = " ".join(" ".join(line) for line in lines[blank:])  # the key to both markers travels with the data
    assert '"fewer than 5" means a count from 1 to 4' in notes and '"hidden" means a number hidden' in notes
    for line in body:
        for heading in HEADINGS:
            value = line[header.index(heading)]
            assert value in MARKERS or int(value) == 0 or int(value) >= 5

    xlsx_response = client.get("/reports/code-compliance.xlsx", query_string={**PERIOD, "group_by": "service"})
    assert xlsx_response.status_code == 200
    sheet = read_xlsx(xlsx_response)
    assert _hidden_cells_from_table(sheet[0], sheet[1:], 0, HEADINGS) == api_hidden
    definitions = read_xlsx(xlsx_response, "Definitions")
    assert any(row[0] == "Median working days to first contact" for row in definitions)
    assert any(row[0] == "Small numbers" and '"hidden" means' in row[1] for row in definitions)


def test_screen_hides_exactly_what_the_api_hides(client, auth, users):
    hand_count_fixture()
    api_hidden = _hidden_cells_from_api(_api_rows(client, users["commissioner"], "service"), HEADINGS.values())
    auth.login(users["commissioner"])
    html = client.get("/reports/code-compliance", query_string={**PERIOD, "group_by": "service"}).get_data(as_text=True)
    screen_hidden = {}
    order = ["received", "due", "in_time", "share_in_time", "median_days", "overdue"]
    for level in ("enhanced", "standard", "all"):
        table = re.search(rf'id="compliance-{level}">(.*?)</table>', html, re.S).group(1)
        for label, cells in re.findall(r'<th scope="row" class="govuk-table__header">([^<]*)</th>(.*?)</tr>', table, re.S):
            values = re.findall(r'numeric[^"]*">([^<]*)</td>', cells)
            for measure, value in zip(order, values):
                if value in MARKERS:
                    screen_hidden[(label.replace("&#39;", "'"), level, measure)] = value
                if measure in HEADINGS.values() and value not in MARKERS:
                    assert not _is_small(int(value.replace(",", "")))
    assert screen_hidden == api_hidden
    key = re.search(r'<h2 class="govuk-heading-m" id="small-numbers">Why some numbers are hidden</h2>\s*<p[^>]*>(.*?)</p>',
                    html, re.S)
    key = unescape(key.group(1))
    assert '"fewer than 5" means a count from 1 to 4' in key
    assert '"hidden" means a number hidden so that a total cannot give away a smaller one' in key


# Standard rights, by service, in the hand count: hate crime received 3 (a small number), domestic abuse 6, total
# 9. Hate crime's 3 reads "fewer than 5"; domestic abuse's 6 is hidden only so that 9 - 6 cannot give the 3 away,
# and reads "hidden", not "fewer than 5", which would be untrue of 6.
HATE_STANDARD_RECEIVED = ("Hate crime advocacy", "standard", "received")
ABUSE_STANDARD_RECEIVED = ("Domestic abuse advocacy", "standard", "received")


def test_each_marker_tells_the_truth_about_its_cell_on_every_channel(client, auth, users):
    hand_count_fixture()
    rows = _api_rows(client, users["commissioner"], "service")
    api = _hidden_cells_from_api(rows, HEADINGS.values())
    assert api[HATE_STANDARD_RECEIVED] == SUPPRESSED
    assert api[ABUSE_STANDARD_RECEIVED] == HIDDEN
    assert next(r for r in rows if r["label"] == "Total")["standard"]["received"] == 9
    body = client.get("/api/v1/reports/code-compliance", query_string={**PERIOD, "group_by": "service"},
                      headers=bearer_for(users["commissioner"])).get_json()
    assert '"hidden" means a number hidden' in body["suppression"]

    auth.login(users["commissioner"])
    query = {**PERIOD, "group_by": "service"}
    lines = read_csv(client.get("/reports/code-compliance.csv", query_string=query))
    blank = lines.index([])
    from_csv = _hidden_cells_from_table(lines[0], lines[1:blank], 0, HEADINGS)
    sheet = read_xlsx(client.get("/reports/code-compliance.xlsx", query_string=query))
    from_xlsx = _hidden_cells_from_table(sheet[0], sheet[1:], 0, HEADINGS)
    html = client.get("/reports/code-compliance", query_string=query).get_data(as_text=True)
    table = re.search(r'id="compliance-standard">(.*?)</table>', html, re.S).group(1)
    on_screen = {unescape(label): re.findall(r'numeric[^"]*">([^<]*)</td>', cells)[0] for label, cells in
                 re.findall(r'<th scope="row" class="govuk-table__header">([^<]*)</th>(.*?)</tr>', table, re.S)}
    for cells in (from_csv, from_xlsx):
        assert cells[HATE_STANDARD_RECEIVED] == SUPPRESSED and cells[ABUSE_STANDARD_RECEIVED] == HIDDEN
        assert cells == api
    assert on_screen["Hate crime advocacy"] == SUPPRESSED and on_screen["Domestic abuse advocacy"] == HIDDEN
    assert on_screen["Total"] == "9"


def test_lottery_exports_keep_suppression(client, auth, users):
    hand_count_fixture()
    auth.login(users["commissioner"])
    lines = read_csv(client.get("/reports/postcode-lottery.csv", query_string=PERIOD))
    header = lines[0]
    hackney = [line for line in lines if len(line) > 2 and line[1] == "Hackney"]
    assert {line[header.index("Victims")] for line in hackney} == {"Enhanced rights", "Standard rights", "All victims"}
    for line in lines[1:]:
        for value in line:
            assert not (value.isdigit() and 0 < int(value) < 5 and line[0] != value), line  # ranks aside
    workbook_rows = read_xlsx(client.get("/reports/postcode-lottery.xlsx", query_string=PERIOD), "BCU roll-up")
    assert workbook_rows[0][0] == "Basic command unit"
