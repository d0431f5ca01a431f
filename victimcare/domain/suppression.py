"""Small-number suppression for published statistics, so that no victim can be picked out of a report.

Primary suppression: a count from 1 to 4 is replaced by ``SUPPRESSED``. Zero is shown, because it identifies
nobody.

Secondary suppression: where counts add up to a published total, one hidden cell could be recovered by
subtracting the others from the total. So whenever exactly one cell in a group is hidden, the next-smallest
cell of that group is hidden too. Groups are each row's count cells (whose sum is ``total_key``) and, when the
table has a totals row, each column's cells (whose sum is the totals row). Hiding a cell in a row can expose a
column, and the reverse, so both passes repeat until nothing changes.

Limitation, accepted to keep the rule simple and predictable: two hidden cells whose known sum is very small
(2) or large (8) can still be narrowed down. Counts in oversight reports are rarely that small once grouped.
"""
from collections.abc import Sequence
from typing import Any

SUPPRESSED = "fewer than 5"
THRESHOLD = 5  # counts below this (and above zero) are hidden


def is_small(value: Any) -> bool:
    """True for a count that must be hidden: a whole number from 1 to THRESHOLD - 1."""
    return _is_count(value) and 0 < value < THRESHOLD


def suppress_value(value: Any) -> Any:
    """``SUPPRESSED`` for a small count; any other value unchanged (primary suppression of a single figure)."""
    return SUPPRESSED if is_small(value) else value


def suppress_counts(
    rows: Sequence[dict],
    count_keys: Sequence[str],
    total_key: str | None = None,
    total_row_index: int | None = None,
) -> list[dict]:
    """Return copies of ``rows`` with small counts, and any count that would reveal one, replaced by SUPPRESSED.

    ``count_keys`` name the count cells. Give ``total_key`` when those cells add up to a total in each row, and
    ``total_row_index`` when one row (for example the last, -1) holds the column totals; each switches on
    secondary suppression in that direction. Non-count values (labels, None) pass through unchanged, and a cell
    that is already SUPPRESSED is treated as hidden. The input rows are not modified.
    """
    table = [dict(row) for row in rows]
    part_keys = [key for key in count_keys if key != total_key]
    all_keys = part_keys + ([total_key] if total_key is not None else [])
    for row in table:
        for key in all_keys:
            value = row.get(key)
            if _is_count(value) and value < 0:
                raise ValueError(f"A count cannot be negative ({key} = {value}).")

    hidden: set[tuple[int, str]] = {
        (i, key)
        for i, row in enumerate(table)
        for key in all_keys
        if is_small(row.get(key)) or row.get(key) == SUPPRESSED
    }

    # Each group is (total cell, cells that add up to it).
    groups: list[tuple[tuple[int, str], list[tuple[int, str]]]] = []
    if total_key is not None:
        groups += [((i, total_key), [(i, key) for key in part_keys]) for i in range(len(table))]
    if total_row_index is not None and table:
        total_row = total_row_index % len(table)
        others = [i for i in range(len(table)) if i != total_row]
        groups += [((total_row, key), [(i, key) for i in others]) for key in all_keys]

    changed = True
    while changed:
        changed = False
        for total_cell, parts in groups:
            if _protect(table, hidden, total_cell, parts):
                changed = True

    for i, key in hidden:
        table[i][key] = SUPPRESSED
    return table


def rate(numerator: int, denominator: int) -> float | None:
    """``numerator / denominator`` as a fraction (0.25, not 25), or None when the denominator is below 5.

    A rate over fewer than five people is both unstable and close to identifying, so it is not published.
    Note that a rate alongside a published denominator lets a reader work out the numerator; suppress the
    numerator's own table first if that matters for the figure.
    """
    if numerator < 0 or denominator < 0:
        raise ValueError(f"A rate needs non-negative counts (got {numerator} of {denominator}).")
    if denominator < THRESHOLD:
        return None
    return numerator / denominator


def _is_count(value: Any) -> bool:
    # bool is an int subclass, but True is not a count of one person.
    return isinstance(value, int) and not isinstance(value, bool)


def _protect(
    table: list[dict],
    hidden: set[tuple[int, str]],
    total_cell: tuple[int, str],
    parts: list[tuple[int, str]],
) -> bool:
    """Hide one more cell if this group has exactly one hidden part under a visible total; True if it did."""
    row, key = total_cell
    if total_cell in hidden or not _is_count(table[row].get(key)):
        return False  # no visible total, so nothing can be recovered by subtraction
    present = [cell for cell in parts if _is_count(table[cell[0]].get(cell[1])) or cell in hidden]
    hidden_parts = [cell for cell in present if cell in hidden]
    if len(hidden_parts) != 1:
        return False
    visible = [cell for cell in present if cell not in hidden]
    if not visible:
        # The hidden cell is the only part, so the total equals it: hide the total instead.
        hidden.add(total_cell)
        return True
    # Prefer the smallest non-zero cell: a hidden zero next to a hidden small count can be worked out, because
    # the marker means 1 to 4 and the two hidden cells' sum is known.
    nonzero = [cell for cell in visible if table[cell[0]][cell[1]] != 0]
    candidates = nonzero or visible
    # min() keeps the first of equal values, so ties go to the earlier column or row: deterministic output.
    choice = min(candidates, key=lambda cell: table[cell[0]][cell[1]])
    hidden.add(choice)
    return True
