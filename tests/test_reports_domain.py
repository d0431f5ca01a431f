"""Pure report rules: filters, month keys, bands, publishing with suppression, ranking."""
from datetime import date

import pytest

from victimcare.domain.report_definitions import (
    format_figure,
    month_keys,
    parse_filters,
    parse_group_by,
)
from victimcare.domain.report_suppression import publish_compliance, rank_rows
from victimcare.domain.suppression import SECONDARY_SUPPRESSED, SUPPRESSED

TODAY = date(2026, 11, 20)
KNOWN = dict(service_slugs=frozenset({"hate-crime"}), borough_codes=frozenset({"E09000022"}), bcus=frozenset({7}))


def test_default_period_is_the_last_365_days():
    filters, errors = parse_filters({}, TODAY, **KNOWN)
    assert errors == [] and filters.date_to == TODAY and filters.date_from == date(2025, 11, 21)
    assert filters.levels() == ("enhanced", "standard", "all")


@pytest.mark.parametrize("args, field", [
    ({"from": "2026-02-30"}, "from"), ({"to": "26/11/2026"}, "to"), ({"from": "2026-05-01", "to": "2026-04-01"}, "from"),
    ({"service": "x"}, "service"), ({"borough": "E09000099"}, "borough"), ({"bcu": "13"}, "bcu"),
    ({"bcu": "seven"}, "bcu"), ({"level": "gold"}, "level"), ({"borough": "E09000022", "bcu": "7"}, "bcu"),
])
def test_wrong_filters_give_an_error_and_a_default(args, field):
    filters, errors = parse_filters(args, TODAY, **KNOWN)
    assert [e["field"] for e in errors] == [field]
    assert filters.date_from <= filters.date_to


def test_group_by_must_be_known():
    assert parse_group_by("borough", "service") == ("borough", [])
    assert parse_group_by("planet", "service")[0] == "service"
    assert parse_group_by("", "month") == ("month", [])


def test_month_keys_cross_a_year():
    assert month_keys(date(2025, 11, 30), date(2026, 2, 1)) == ["2025-11", "2025-12", "2026-01", "2026-02"]


def test_format_figure():
    assert format_figure(12345, "count") == "12,345"
    assert format_figure(SUPPRESSED, "count") == "fewer than 5"
    assert format_figure(SECONDARY_SUPPRESSED, "count") == "hidden"
    assert format_figure(2 / 3, "rate") == "66.7%"
    assert format_figure(None, "rate") == "not shown"
    assert format_figure(2.5, "median") == "2.5" and format_figure(None, "median") == "not shown"


def _raw(**figures):
    base = dict(received=0, due=0, in_time=0, overdue=0, accepted=0, contacted=0, median_days=None)
    base.update(figures)
    return base


def test_publish_hides_small_counts_and_their_rates():
    raw = {
        ("a", "all"): _raw(received=20, due=20, in_time=3, contacted=20, median_days=2),
        ("b", "all"): _raw(received=30, due=30, in_time=25, contacted=4, median_days=1),
        (None, "all"): _raw(received=50, due=50, in_time=28, contacted=24, median_days=1.5),
    }
    a, b, total = publish_compliance([("a", "A"), ("b", "B")], raw, ["all"])
    assert a["in_time_all"] == SUPPRESSED and a["share_in_time_all"] is None
    assert b["in_time_all"] == SECONDARY_SUPPRESSED  # 25, hidden: the total 28 would give a's 3 away
    assert b["share_in_time_all"] is None  # never a rate over a hidden count
    assert total["in_time_all"] == 28 and total["share_in_time_all"] == pytest.approx(28 / 50)
    assert a["median_days_all"] == 2.0 and b["median_days_all"] is None  # only 4 contacted
    assert total["is_total"] and total["label"] == "Total"


def test_publish_protects_enhanced_plus_standard_equals_all():
    raw = {
        ("a", "enhanced"): _raw(received=2), ("a", "standard"): _raw(received=30), ("a", "all"): _raw(received=32),
        (None, "enhanced"): _raw(received=2), (None, "standard"): _raw(received=30), (None, "all"): _raw(received=32),
    }
    a, total = publish_compliance([("a", "A")], raw, ["enhanced", "standard", "all"])
    assert a["received_enhanced"] == SUPPRESSED and a["received_standard"] == SECONDARY_SUPPRESSED
    assert a["take_up_enhanced"] is None and a["take_up_standard"] is None


def test_rank_rows_shares_ties_and_puts_withheld_last():
    rows = [{"label": n, "is_total": False, "v": v} for n, v in (("A", 0.5), ("B", 0.9), ("C", None), ("D", 0.9))]
    ranked, gap = rank_rows(rows + [{"label": "Total", "is_total": True, "v": 0.7}], "v")
    assert [(r["label"], r["rank"]) for r in ranked] == [("B", 1), ("D", 1), ("A", 3), ("C", None)]
    assert gap == pytest.approx(0.4)
    assert rank_rows(rows[:1], "v")[1] is None


def test_rank_rows_puts_the_lowest_first_when_lower_is_better():
    rows = [{"label": n, "is_total": False, "v": v} for n, v in (("A", 3.5), ("B", 1.0), ("C", None))]
    ranked, gap = rank_rows(rows, "v", higher_is_better=False)
    assert [(r["label"], r["rank"]) for r in ranked] == [("B", 1), ("A", 2), ("C", None)]
    assert gap == pytest.approx(2.5)


def test_bcus_have_the_met_names_and_boroughs_of_the_reference_data(app):
    """Each BCU's name comes with its boroughs, and those are the boroughs the areas table puts in it."""
    from sqlalchemy import select

    from victimcare.domain.report_definitions import BCU_NAMES, bcu_label
    from victimcare.extensions import db
    from victimcare.models import Borough

    assert bcu_label(1) == "Central West BCU (Hammersmith and Fulham, Kensington and Chelsea, Westminster)"
    assert bcu_label(0) == "City of London Police"
    assert sorted(name for name, _ in BCU_NAMES.values())[:3] == ["Central East", "Central North", "Central South"]
    with app.app_context():
        for bcu, (_, boroughs) in BCU_NAMES.items():
            names = db.session.scalars(select(Borough.name).where(Borough.met_bcu == bcu).order_by(Borough.name))
            assert ", ".join(names) == boroughs


@pytest.mark.parametrize("args, expected", [
    ({"from_month": "3", "from_year": "2026", "to_month": "2", "to_year": "2024"}, None),
    ({"from_month": "3", "from_year": "2026", "to_month": "11", "to_year": "2026"}, (date(2026, 3, 1), date(2026, 11, 30))),
    ({"from_month": "12", "from_year": "2025", "to_month": "12", "to_year": "2025"}, (date(2025, 12, 1), date(2025, 12, 31))),
    ({"from_month": "2", "from_year": "2024", "to_month": "2", "to_year": "2024"}, (date(2024, 2, 1), date(2024, 2, 29))),
    ({"from": "2026-01-15", "from_month": "3", "from_year": "2026", "to": "2026-02-10"}, (date(2026, 1, 15), date(2026, 2, 10))),
])
def test_month_and_year_selects_give_whole_months(args, expected):
    filters, errors = parse_filters(args, TODAY, **KNOWN)
    if expected is None:
        assert errors and errors[0]["field"] == "from"  # the start after the end
    else:
        assert not errors and (filters.date_from, filters.date_to) == expected


def test_a_month_without_its_year_is_an_error():
    filters, errors = parse_filters({"from_month": "3"}, TODAY, **KNOWN)
    assert errors == [{"field": "from_month", "message": "Choose the month and the year of the start of the report"}]
    assert filters.date_to == TODAY


def test_a_hidden_base_hides_its_parts_so_they_cannot_bound_it():
    """0-17 had "hidden" cases beside a visible 17 due: the parts of a hidden base are hidden too."""
    from victimcare.domain.report_suppression import publish_breakdown

    raw = {"0-17": {"cases": 3, "due": 0}, "18-24": {"cases": 20, "due": 17}, "25-34": {"cases": 30, "due": 25}}
    categories = [("0-17", "0-17"), ("18-24", "18-24"), ("25-34", "25-34")]
    plain = publish_breakdown(categories, raw, ["cases", "due"])
    assert plain[1]["cases"] == SECONDARY_SUPPRESSED and plain[1]["due"] == 17  # the old leak
    rows = publish_breakdown(categories, raw, ["cases", "due"], base_key="cases")
    assert [(r["cases"], r["due"]) for r in rows] == [
        (SUPPRESSED, SECONDARY_SUPPRESSED), (SECONDARY_SUPPRESSED, SECONDARY_SUPPRESSED), (30, 25), (53, 42)]


def test_publish_compliance_hides_the_counts_made_from_a_hidden_count_of_cases():
    # a's 3 cases are "fewer than 5"; b's 12 are hidden so the total cannot give a's away. Before, b's 9 due and
    # 8 within the due date stayed visible beside its hidden 12, and the due column let a reader narrow a down.
    raw = {
        ("a", "all"): _raw(received=3, due=3, in_time=2, accepted=1),
        ("b", "all"): _raw(received=12, due=9, in_time=8, overdue=1, accepted=7),
        ("c", "all"): _raw(received=40, due=30, in_time=25, overdue=2, accepted=20),
        (None, "all"): _raw(received=55, due=42, in_time=35, overdue=3, accepted=28),
    }
    a, b, c, total = publish_compliance([("a", "A"), ("b", "B"), ("c", "C")], raw, ["all"])
    assert a["received_all"] == SUPPRESSED and b["received_all"] == SECONDARY_SUPPRESSED
    for row in (a, b):
        for measure in ("due", "in_time", "overdue", "accepted"):
            assert row[f"{measure}_all"] in (SUPPRESSED, SECONDARY_SUPPRESSED), (row["label"], measure)
        assert row["share_in_time_all"] is None and row["take_up_all"] is None
    assert a["due_all"] == SUPPRESSED and b["due_all"] == SECONDARY_SUPPRESSED
    # suppressed again down each column: with a and b's parts hidden, c's and the total's stay readable
    assert (c["received_all"], c["due_all"], c["in_time_all"]) == (40, 30, 25)
    assert (total["received_all"], total["due_all"], total["in_time_all"]) == (55, 42, 35)
    assert c["share_in_time_all"] == pytest.approx(25 / 30)


def test_publish_compliance_hides_within_due_date_where_only_due_is_hidden():
    raw = {
        ("a", "all"): _raw(received=10, due=3, in_time=3),
        ("b", "all"): _raw(received=20, due=12, in_time=10),
        (None, "all"): _raw(received=30, due=15, in_time=13),
    }
    a, b, total = publish_compliance([("a", "A"), ("b", "B")], raw, ["all"])
    assert a["received_all"] == 10 and a["due_all"] == SUPPRESSED and a["in_time_all"] == SUPPRESSED
    assert b["due_all"] == SECONDARY_SUPPRESSED and b["in_time_all"] == SECONDARY_SUPPRESSED
    assert total["due_all"] == 15 and total["in_time_all"] == 13
