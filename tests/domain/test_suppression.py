"""Small-number suppression: primary, secondary by row and by column, and rates."""
import pytest

from victimcare.domain.suppression import SUPPRESSED, is_small, rate, suppress_counts, suppress_value

S = SUPPRESSED


@pytest.mark.parametrize(
    "value, expected",
    [(0, 0), (1, S), (2, S), (4, S), (5, 5), (120, 120), (None, None), ("Camden", "Camden"), (True, True), (S, S)],
)
def test_primary_suppression_of_one_value(value, expected):
    assert suppress_value(value) == expected
    assert is_small(value) is (expected == S and value != S)


def test_primary_only_without_totals():
    rows = [{"borough": "Camden", "received": 12, "contacted": 3, "in_time": 0, "overdue": 4}]
    assert suppress_counts(rows, ["received", "contacted", "in_time", "overdue"]) == [
        {"borough": "Camden", "received": 12, "contacted": S, "in_time": 0, "overdue": S}
    ]


def test_input_rows_are_not_modified():
    rows = [{"a": 2, "b": 10, "total": 12}]
    suppress_counts(rows, ["a", "b"], total_key="total")
    assert rows == [{"a": 2, "b": 10, "total": 12}]


@pytest.mark.parametrize(
    "row, expected",
    [
        # One small cell under a visible total: the next-smallest cell is hidden too.
        ({"a": 3, "b": 20, "c": 9, "total": 32}, {"a": S, "b": 20, "c": S, "total": 32}),
        # Two small cells already protect each other.
        ({"a": 3, "b": 2, "c": 9, "total": 14}, {"a": S, "b": S, "c": 9, "total": 14}),
        # Nothing small: nothing hidden.
        ({"a": 5, "b": 6, "c": 7, "total": 18}, {"a": 5, "b": 6, "c": 7, "total": 18}),
        # A zero is not chosen when a non-zero cell can be hidden instead.
        ({"a": 3, "b": 0, "c": 40, "total": 43}, {"a": S, "b": 0, "c": S, "total": 43}),
        # Ties go to the first column.
        ({"a": 3, "b": 8, "c": 8, "total": 19}, {"a": S, "b": S, "c": 8, "total": 19}),
        # A small total is itself hidden, so nothing can be subtracted.
        ({"a": 3, "b": 0, "c": 0, "total": 3}, {"a": S, "b": 0, "c": 0, "total": S}),
        # Only zeros left beside the small cell: a zero is hidden rather than leave the cell recoverable.
        ({"a": 3, "b": 0, "total": 8}, {"a": S, "b": S, "total": 8}),
    ],
)
def test_secondary_suppression_within_a_row(row, expected):
    keys = [k for k in row if k != "total"]
    assert suppress_counts([row], keys, total_key="total") == [expected]


def test_single_part_row_hides_the_total():
    assert suppress_counts([{"a": 3, "total": 9}], ["a"], total_key="total") == [{"a": S, "total": S}]


def test_total_key_in_count_keys_is_not_a_part():
    row = {"a": 3, "b": 20, "total": 23}
    assert suppress_counts([row], ["a", "b", "total"], total_key="total") == [{"a": S, "b": S, "total": 23}]


def test_secondary_suppression_within_a_column():
    rows = [
        {"area": "Camden", "n": 3},
        {"area": "Islington", "n": 12},
        {"area": "Hackney", "n": 7},
        {"area": "All", "n": 22},
    ]
    assert [r["n"] for r in suppress_counts(rows, ["n"], total_row_index=-1)] == [S, 12, S, 22]


def test_row_and_column_suppression_cascade_until_nothing_is_recoverable():
    rows = [
        {"area": "A", "x": 3, "y": 10, "z": 12, "t": 25},
        {"area": "B", "x": 6, "y": 7, "z": 8, "t": 21},
        {"area": "All", "x": 9, "y": 17, "z": 20, "t": 46},
    ]
    result = suppress_counts(rows, ["x", "y", "z"], total_key="t", total_row_index=2)
    assert [[r[k] for k in ("x", "y", "z", "t")] for r in result] == [
        [S, S, 12, 25],
        [S, S, 8, 21],
        [9, 17, 20, 46],
    ]
    _assert_no_group_has_a_single_hidden_cell(result, ["x", "y", "z"], "t", 2)


def test_a_small_row_total_is_protected_in_the_total_column():
    rows = [
        {"x": 2, "y": 2, "t": 4},
        {"x": 10, "y": 20, "t": 30},
        {"x": 12, "y": 22, "t": 34},
    ]
    result = suppress_counts(rows, ["x", "y"], total_key="t", total_row_index=-1)
    assert result[0] == {"x": S, "y": S, "t": S}
    assert result[1]["t"] == S  # otherwise 34 - 30 reveals the first row's total
    _assert_no_group_has_a_single_hidden_cell(result, ["x", "y"], "t", 2)


def test_already_suppressed_cells_count_as_hidden():
    assert suppress_counts([{"a": S, "b": 9, "c": 30, "total": 41}], ["a", "b", "c"], total_key="total") == [
        {"a": S, "b": S, "c": 30, "total": 41}
    ]


def test_missing_and_non_count_cells_are_left_alone():
    rows = [{"a": None, "b": 3, "c": 10, "total": 13, "label": "x"}]
    assert suppress_counts(rows, ["a", "b", "c"], total_key="total") == [
        {"a": None, "b": S, "c": S, "total": 13, "label": "x"}
    ]


def test_negative_counts_rejected():
    with pytest.raises(ValueError, match="negative"):
        suppress_counts([{"a": -1}], ["a"])


def test_empty_table():
    assert suppress_counts([], ["a"], total_key="t", total_row_index=-1) == []


def _assert_no_group_has_a_single_hidden_cell(rows, keys, total_key, total_row):
    for row in rows:
        if row[total_key] != S:
            assert [row[k] for k in keys].count(S) != 1
    for key in keys + [total_key]:
        if rows[total_row][key] != S:
            assert [r[key] for i, r in enumerate(rows) if i != total_row].count(S) != 1


@pytest.mark.parametrize(
    "numerator, denominator, expected",
    [(0, 0, None), (3, 4, None), (0, 5, 0.0), (1, 5, 0.2), (5, 5, 1.0), (30, 120, 0.25)],
)
def test_rate(numerator, denominator, expected):
    assert rate(numerator, denominator) == expected


@pytest.mark.parametrize("numerator, denominator", [(-1, 10), (1, -10)])
def test_rate_rejects_negative(numerator, denominator):
    with pytest.raises(ValueError):
        rate(numerator, denominator)
