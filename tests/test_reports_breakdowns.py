"""Routing and flow, service measures, outcomes and equality: hand-counted figures and suppression."""
import re
from datetime import date, datetime, timezone

from victimcare.extensions import db
from victimcare.models import CaseStep, ReferralStrand

from .helpers_reports import HACKNEY, LAMBETH, PERIOD, make_case, read_csv, read_xlsx

JAN = datetime(2026, 1, 5, 10, 0, tzinfo=timezone.utc)
SUPPRESSED = "fewer than 5"  # a count from 1 to 4
HIDDEN = "hidden"  # hidden only so that a total cannot give a smaller count away


def _table(html, table_id):
    import re

    body = re.search(rf'<table class="govuk-table vc-report-table" id="{table_id}">(.*?)</table>', html, re.S).group(1)
    rows = {}
    for label, cells in re.findall(r'<th scope="row" class="govuk-table__header">([^<]*)</th>(.*?)</tr>', body, re.S):
        rows[label.replace("&#39;", "'")] = re.findall(r'numeric[^"]*">([^<]*)</td>', cells)
    return rows


def _get(client, auth, users, path):
    auth.login(users["commissioner"])
    response = client.get(path, query_string=PERIOD)
    assert response.status_code == 200
    return response


def test_age_band_is_the_age_on_the_day_received(client, auth, users):
    for dob, count in ((date(2008, 1, 6), 5), (date(2008, 1, 5), 6)):  # 17 the day before their birthday; 18 on it
        for _ in range(count):
            case = make_case("victim-support", JAN, borough=LAMBETH, days=1, in_time=True)
            case.referral.person.date_of_birth = dob
            db.session.commit()
    html = _get(client, auth, users, "/reports/equality").get_data(as_text=True)
    table = _table(html, "age-band")
    assert table["0 to 17"][0] == "5" and table["18 to 24"][0] == "6"
    assert table["0 to 17"][3] == "100.0%"
    assert table["Total"][0] == "11"


def test_equality_groups_hide_small_numbers(client, auth, users):
    for sex, count in (("female", 7), ("male", 2)):
        for _ in range(count):
            case = make_case("victim-support", JAN, borough=HACKNEY, days=1, in_time=True)
            case.referral.person.sex = sex
            db.session.commit()
    html = _get(client, auth, users, "/reports/equality").get_data(as_text=True)
    table = _table(html, "sex")
    assert table["Male"][0] == SUPPRESSED  # 2: a small number
    assert table["Female"][0] == HIDDEN  # 7, hidden only because the total 9 would give the 2 away
    assert table["Male"][3] == "not shown"
    assert table["Total"][0] == "9"


def test_routing_and_flow_counts_declines_transfers_and_take_up(client, auth, users):
    for status, accepted, closure in (("declined", False, None),) * 5 + (("transferred", False, None),) * 5 \
            + (("closed", True, "support-completed"),) * 6 + (("closed", False, "declined-support"),) * 5:
        case = make_case("hate-crime", JAN, borough=LAMBETH, status=status, accepted=accepted, days=1, in_time=True)
        case.closure_reason = closure
        db.session.commit()
    html = _get(client, auth, users, "/reports/routing-and-flow").get_data(as_text=True)
    decisions = _table(html, "decisions-by-service")["Hate crime advocacy"]
    assert decisions == ["21", "6", "5", "5"]
    take_up = _table(html, "take-up")["Hate crime advocacy"]
    assert take_up == ["21", "21", "6", "5", "0", "28.6%"]
    sources = _table(html, "referrals-by-source")
    assert sources["Caseworker"][0] == "21"
    assert "never published" in html  # reasons are counted by code; the typed details never shown


def test_service_measures_count_strands_and_restorative_justice_steps(client, auth, users):
    for strands in (["race"],) * 5 + (["race", "religion"],) * 5:
        case = make_case("hate-crime", JAN, borough=LAMBETH)
        db.session.add_all([ReferralStrand(referral_id=case.referral_id, strand=s) for s in strands])
        db.session.commit()
    for i in range(6):
        case = make_case("restorative-justice", JAN, borough=LAMBETH)
        steps = ["rj-victim-consent", "rj-offender-consent", "rj-direct-meeting"] if i < 5 else ["rj-victim-consent"]
        db.session.add_all([CaseStep(case_id=case.id, step=step, occurred_on=date(2026, 1, 20)) for step in steps])
        db.session.commit()
    html = _get(client, auth, users, "/reports/service-measures").get_data(as_text=True)
    strands = _table(html, "hate-crime-strands")
    assert strands["Race"] == ["10"] and strands["Religion or belief"] == ["5"] and strands["Two or more strands"] == ["5"]
    assert strands["Disability"] == ["0"]
    rj = _table(html, "restorative-justice")
    assert rj["Referrals received"] == ["6"] and rj["Both victim and offender consented"] == ["5"]
    assert rj["Victim's written consent"] == ["6"] and rj["Meeting held (direct or indirect)"] == ["5"]


def test_outcomes_by_service_and_exports_keep_suppression(client, auth, users):
    for answer, count in (("improved", 6), ("worse", 2), ("same", 5)):
        for _ in range(count):
            case = make_case("victim-support", JAN, borough=LAMBETH, status="closed")
            case.outcome_feels_safer = answer
            db.session.commit()
    response = _get(client, auth, users, "/reports/outcomes")
    row = _table(response.get_data(as_text=True), "feels-safer-by-service")["Victim support"]
    # Cases closed, improved (6), same (5), worse (2). Worse is a small number; same is hidden too, or 13 - 6
    # would give worse away. But 13 - 6 = 7 with same marked "hidden" (so 5 or more) would still say worse is 1
    # or 2, so improved is hidden as well; and 13 with two "hidden" cells (10 or more) would say worse is 1 to 3,
    # so the total goes too. Each marker is true of its cell: only worse is from 1 to 4.
    assert row[:4] == [HIDDEN, HIDDEN, HIDDEN, SUPPRESSED]
    lines = read_csv(client.get("/reports/outcomes.csv", query_string=PERIOD))
    csv_row = next(line for line in lines if line and line[0] == "Victim support")
    assert csv_row[:5] == ["Victim support", HIDDEN, HIDDEN, HIDDEN, SUPPRESSED]
    sheet = read_xlsx(client.get("/reports/outcomes.xlsx", query_string=PERIOD))
    xlsx_row = next(line for line in sheet if line[0] == "Victim support")
    assert xlsx_row[:5] == ["Victim support", HIDDEN, HIDDEN, HIDDEN, SUPPRESSED]


def test_child_house_time_to_abe_interview_is_banded_by_days_from_referral(client, auth, users):
    # JAN is Monday 5 January 2026: interviews 3, 6, 7, 7, 7 days later (within 7), 8 and 14 days (8-14, six in
    # all), and one at 40 days.
    offsets = [3, 6, 7, 7, 7] + [8, 14, 14, 14, 14, 14] + [40]
    for days in offsets:
        case = make_case("child-house", JAN, borough=LAMBETH)
        db.session.add(CaseStep(case_id=case.id, step="abe-interview",
                                     occurred_on=JAN.date() + __import__("datetime").timedelta(days=days)))
        db.session.commit()
    html = _get(client, auth, users, "/reports/service-measures").get_data(as_text=True)
    abe = _table(html, "abe-interview-timing")
    assert abe["15 to 28 days"] == ["0"]
    # The single case over 28 days is a small number; with the total shown, the next smallest cell (5) is hidden
    # too, so the single case cannot be recovered by subtraction. But 12 - 6 leaves 6 for a "fewer than 5" and a
    # "hidden" (5 or more) cell, which could only be 1 and 5, so the 6 is hidden, and then the total (a hidden 5
    # and 6 would still leave the small one as 1).
    assert abe["More than 28 days"] == [SUPPRESSED]
    assert abe["Within 7 days"] == [HIDDEN]
    assert abe["8 to 14 days"] == [HIDDEN]
    assert abe["Total"] == [HIDDEN]


def test_cases_by_route_names_overrides_and_transfers_in_words(client, auth, users):
    """Cases opened by a caseworker's override or a transfer are labelled in words, never by the stored rule id."""
    for rule in ("caseworker-override",) * 5 + ("transfer",) * 6 + ("some-future-rule",) * 5:
        case = make_case("victim-support", JAN, borough=LAMBETH, days=1, in_time=True)
        case.rule = rule
    db.session.commit()
    html = _get(client, auth, users, "/reports/routing-and-flow").get_data(as_text=True)
    routes = _table(html, "cases-by-route")
    assert routes["Added by a caseworker, overriding the rules"][0] == "5"
    assert routes["Transferred from another service"][0] == "6"
    assert routes["Some future rule"][0] == "5"
    for slug in ("caseworker-override", ">transfer<", "some-future-rule"):
        assert slug not in html


def test_equality_says_where_recording_is_poor_and_hides_the_parts_of_a_hidden_row(client, auth, users):
    for sex, count in (("female", 7), ("male", 2), (None, 20)):
        for _ in range(count):
            case = make_case("victim-support", JAN, borough=HACKNEY, days=1, in_time=True)
            case.referral.person.sex = sex
            db.session.commit()
    html = _get(client, auth, users, "/reports/equality").get_data(as_text=True)
    assert "Sex was not recorded for 20 of 29 cases." in html
    table = _table(html, "sex")
    assert table["Female"][:3] == [HIDDEN, HIDDEN, HIDDEN]  # 7 cases hidden: its 7 due and 7 in time with them
    section = re.search(r'<table class="govuk-table vc-report-table" id="sex">.*?</section>', html, re.S).group(0)
    assert '<a class="govuk-link" href="#small-numbers">Why some numbers in this table are hidden</a>' in section
    assert 'id="small-numbers">Why some numbers are hidden</h2>' in html
    contents = re.search(r'<nav class="vc-contents.*?</nav>', html, re.S).group(0)
    assert '<a class="govuk-link" href="#sex">Sex</a>' in contents and 'href="#age-band"' in contents


def test_every_report_opens_with_a_contents_list_of_its_tables(client, auth, users):
    for path in ("/reports/code-compliance", "/reports/postcode-lottery", "/reports/routing-and-flow",
                 "/reports/service-measures", "/reports/outcomes"):
        html = _get(client, auth, users, path).get_data(as_text=True)
        contents = re.search(r'<nav class="vc-contents.*?</nav>', html, re.S)
        assert contents and html.index("vc-contents") < html.index("<table"), path
        for anchor in re.findall(r'href="#([^"]+)"', contents.group(0)):
            assert f'id="{anchor}"' in html, f"{path}: contents link #{anchor} goes nowhere"
