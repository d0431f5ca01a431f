"""Small-number suppression: primary, secondary by row and by column, the two markers, and rates."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from victimcare.domain.suppression import (
    SECONDARY_SUPPRESSED,
    SUPPRESSED,
    is_small,
    is_suppressed,
    rate,
    suppress_counts,
    suppress_value,
)

S = SUPPRESSED  # "fewer than 5": the cell holds 1 to 4
H = SECONDARY_SUPPRESSED  # "hidden": the cell holds 0 or 5 or more, hidden to protect a small one


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
        # One small cell under a visible total: the next-smallest cell is hidden too, and reads "hidden".
        ({"a": 3, "b": 20, "c": 9, "total": 32}, {"a": S, "b": 20, "c": H, "total": 32}),
        # Two small cells already protect each other.
        ({"a": 3, "b": 2, "c": 9, "total": 14}, {"a": S, "b": S, "c": 9, "total": 14}),
        # Nothing small: nothing hidden.
        ({"a": 5, "b": 6, "c": 7, "total": 18}, {"a": 5, "b": 6, "c": 7, "total": 18}),
        # A zero is not chosen when a non-zero cell can be hidden instead.
        ({"a": 3, "b": 0, "c": 40, "total": 43}, {"a": S, "b": 0, "c": H, "total": 43}),
        # Ties go to the first column.
        ({"a": 3, "b": 8, "c": 8, "total": 19}, {"a": S, "b": H, "c": 8, "total": 19}),
        # A small total is itself hidden, so nothing can be subtracted.
        ({"a": 3, "b": 0, "c": 0, "total": 3}, {"a": S, "b": 0, "c": 0, "total": S}),
        # Only zeros left beside the small cell: a zero is hidden rather than leave the cell recoverable.
        ({"a": 3, "b": 0, "total": 8}, {"a": S, "b": H, "total": 8}),
    ],
)
def test_secondary_suppression_within_a_row(row, expected):
    keys = [k for k in row if k != "total"]
    assert suppress_counts([row], keys, total_key="total") == [expected]


def test_single_part_row_hides_the_total():
    # The total carries the marker its own value earns: 9 is not from 1 to 4.
    assert suppress_counts([{"a": 3, "total": 9}], ["a"], total_key="total") == [{"a": S, "total": H}]


def test_a_total_whose_only_part_is_hidden_reads_what_its_value_earns():
    # b's 40 is hidden to protect a's 3 in the first row; down the b column it is the only part, so the column
    # total (also 40) is hidden too, and reads "hidden". A total equal to a lone small part reads "fewer than 5".
    rows = [{"a": 3, "b": 40, "t": 43}, {"a": 3, "b": 40, "t": 43}]
    assert suppress_counts(rows, ["a", "b"], total_key="t", total_row_index=-1) == [
        {"a": S, "b": H, "t": 43}, {"a": S, "b": H, "t": 43},
    ]
    assert suppress_counts([{"a": 3, "total": 3}], ["a"], total_key="total") == [{"a": S, "total": S}]


def test_total_key_in_count_keys_is_not_a_part():
    row = {"a": 3, "b": 20, "total": 23}
    assert suppress_counts([row], ["a", "b", "total"], total_key="total") == [{"a": S, "b": H, "total": 23}]


def test_secondary_suppression_within_a_column():
    rows = [
        {"area": "Camden", "n": 3},
        {"area": "Islington", "n": 12},
        {"area": "Hackney", "n": 7},
        {"area": "All", "n": 22},
    ]
    assert [r["n"] for r in suppress_counts(rows, ["n"], total_row_index=-1)] == [S, 12, H, 22]


def test_row_and_column_suppression_cascade_until_nothing_is_recoverable():
    rows = [
        {"area": "A", "x": 3, "y": 10, "z": 12, "t": 25},
        {"area": "B", "x": 6, "y": 7, "z": 8, "t": 21},
        {"area": "All", "x": 9, "y": 17, "z": 20, "t": 46},
    ]
    result = suppress_counts(rows, ["x", "y", "z"], total_key="t", total_row_index=2)
    assert [[r[k] for k in ("x", "y", "z", "t")] for r in result] == [
        [S, H, 12, 25],
        [H, H, 8, 21],
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
    assert result[1]["t"] == H  # otherwise 34 - 30 reveals the first row's total; 30 itself is not small
    _assert_no_group_has_a_single_hidden_cell(result, ["x", "y"], "t", 2)


def test_already_suppressed_cells_count_as_hidden():
    assert suppress_counts([{"a": S, "b": 9, "c": 30, "total": 41}], ["a", "b", "c"], total_key="total") == [
        {"a": S, "b": H, "c": 30, "total": 41}
    ]
    # Either marker on input counts as hidden and is kept as it is.
    assert suppress_counts([{"a": H, "b": 9, "c": 30, "total": 60}], ["a", "b", "c"], total_key="total") == [
        {"a": H, "b": H, "c": 30, "total": 60}
    ]
    assert suppress_counts([{"a": H, "b": S, "c": 30, "total": 60}], ["a", "b", "c"], total_key="total") == [
        {"a": H, "b": S, "c": 30, "total": 60}
    ]


def test_missing_and_non_count_cells_are_left_alone():
    rows = [{"a": None, "b": 3, "c": 10, "total": 13, "label": "x"}]
    assert suppress_counts(rows, ["a", "b", "c"], total_key="total") == [
        {"a": None, "b": S, "c": H, "total": 13, "label": "x"}
    ]


def test_negative_counts_rejected():
    with pytest.raises(ValueError, match="negative"):
        suppress_counts([{"a": -1}], ["a"])


def test_empty_table():
    assert suppress_counts([], ["a"], total_key="t", total_row_index=-1) == []


def _assert_no_group_has_a_single_hidden_cell(rows, keys, total_key, total_row):
    for row in rows:
        if not is_suppressed(row[total_key]):
            assert sum(is_suppressed(row[k]) for k in keys) != 1
    for key in keys + [total_key]:
        if not is_suppressed(rows[total_row][key]):
            assert sum(is_suppressed(r[key]) for i, r in enumerate(rows) if i != total_row) != 1


def test_a_hidden_cell_beside_a_small_one_never_pins_the_small_one_down():
    # 1 beside 5 under a total of 6: "fewer than 5" and "hidden" would say 1 and 5 exactly. Hiding the next
    # smallest (6) leaves 12 for one small and two hidden cells, which still pins the 1, so the total goes too.
    result = suppress_counts([{"a": 1, "b": 5, "c": 6, "total": 12}], ["a", "b", "c"], total_key="total")
    assert result == [{"a": S, "b": H, "c": H, "total": H}]
    # 3 beside 6 (a sum of 9) leaves the small cell anything from 1 to 4 (1 + 8 ... 4 + 5): nothing more hidden.
    assert suppress_counts([{"a": 3, "b": 6, "c": 20, "total": 29}], ["a", "b", "c"], total_key="total") == [
        {"a": S, "b": H, "c": 20, "total": 29}
    ]
    # 1 beside 6 (a sum of 7) would narrow the small cell to 1 or 2: the next smallest non-zero cell is hidden.
    assert suppress_counts([{"a": 1, "b": 6, "c": 0, "d": 20, "total": 27}], ["a", "b", "c", "d"],
                           total_key="total") == [{"a": S, "b": H, "c": 0, "d": H, "total": 27}]


def _marker_is_true(original, published):
    if published == S:
        return is_small(original)
    if published == H:
        return not is_small(original)
    return published == original and not is_small(original)


def _small_cells_keep_their_full_range(raw, rows, keys, total_key, total_row):
    """A reader who knows a group's sum learns no more about a "fewer than 5" cell than 1 to 4."""
    groups = [(row[total_key], [(row[k], raw_row[k]) for k in keys]) for row, raw_row in zip(rows, raw)]
    others = [i for i in range(len(rows)) if i != total_row]
    groups += [(rows[total_row][k], [(rows[i][k], raw[i][k]) for i in others]) for k in keys + [total_key]]
    for total, cells in groups:
        if is_suppressed(total):
            continue
        small = sum(published == S for published, _ in cells)
        hidden = sum(published == H and original != 0 for published, original in cells)
        if small and hidden:
            unaccounted = total - sum(published for published, _ in cells if not is_suppressed(published))
            assert unaccounted >= 4 * small + 5 * hidden, cells


@given(st.lists(st.lists(st.integers(0, 12), min_size=3, max_size=3), min_size=1, max_size=6))
@settings(max_examples=300, deadline=None)
def test_random_tables_keep_every_rule(parts):
    raw = [{"x": x, "y": y, "z": z, "t": x + y + z} for x, y, z in parts]
    raw.append({k: sum(r[k] for r in raw) for k in ("x", "y", "z", "t")})
    result = suppress_counts(raw, ["x", "y", "z"], total_key="t", total_row_index=-1)
    assert result == suppress_counts(raw, ["x", "y", "z"], total_key="t", total_row_index=-1)  # deterministic
    for original, published in zip(raw, result):
        for key in ("x", "y", "z", "t"):
            assert _marker_is_true(original[key], published[key]), (original, published)
    _assert_no_group_has_a_single_hidden_cell(result, ["x", "y", "z"], "t", len(result) - 1)
    _small_cells_keep_their_full_range(raw, result, ["x", "y", "z"], "t", len(result) - 1)


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
