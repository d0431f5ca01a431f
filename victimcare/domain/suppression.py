"""Small-number suppression for published statistics, so that no victim can be picked out of a report.

Primary suppression: a count from 1 to 4 is replaced by ``SUPPRESSED`` ("fewer than 5"). Zero is shown, because
it identifies nobody.

Secondary suppression: where counts add up to a published total, one hidden cell could be recovered by
subtracting the others from the total. So whenever exactly one cell in a group is hidden, the next-smallest
cell of that group is hidden too. Groups are each row's count cells (whose sum is ``total_key``) and, when the
table has a totals row, each column's cells (whose sum is the totals row). Hiding a cell in a row can expose a
column, and the reverse, so both passes repeat until nothing changes.

Two markers, each true of the cell it is in: a hidden count from 1 to 4 reads ``SUPPRESSED`` ("fewer than 5");
any other hidden cell (hidden only so that a total cannot give a smaller count away: 5 or more, or a zero)
reads ``SECONDARY_SUPPRESSED`` ("hidden"). A total hidden because its only part is hidden gets the marker its
own value earns. Before the two markers, the second cell also read "fewer than 5", which was false when it held,
say, 40.

Does the honest marker leak? It tells a reader which hidden cell is the small one, which a reader who knows this
rule could mostly work out anyway (the second cell is never from 1 to 4, and is the group's smallest other cell).
What it does add is certainty that the second cell is 5 or more, and with a known sum that bounds the small
one: a "fewer than 5" beside a "hidden" cell, with 6 left unaccounted for by the total, can only be 1 and 5
(with one marker for both, 2 + 4 and 3 + 3 were also possible). So a group under a visible total must also
leave every "fewer than 5" cell free to be anything from 1 to 4: with P such cells, Q non-zero "hidden" cells
and S the total minus the visible cells, S must be at least 4P + 5Q. Where it is not, the next-smallest
non-zero cell is hidden too, or the total when none is left (see ``_narrows``). Small tables lose more cells.

Limitations, accepted to keep the rule simple and predictable: cells hidden in several groups at once are not
solved together (as a linear program would), and two "fewer than 5" cells with no "hidden" one beside them can
still be narrowed when their known sum is very small (2) or large (8). Counts in oversight reports are rarely
that small once grouped. The output depends only on the input, so the same figures always hide the same cells.
"""
from collections.abc import Sequence
from typing import Any

SUPPRESSED = "fewer than 5"  # a count from 1 to 4 (primary suppression)
SECONDARY_SUPPRESSED = "hidden"  # any other count hidden so that a total cannot give a smaller one away
MARKERS = (SUPPRESSED, SECONDARY_SUPPRESSED)
THRESHOLD = 5  # counts below this (and above zero) are hidden


def is_small(value: Any) -> bool:
    """True for a count that must be hidden: a whole number from 1 to THRESHOLD - 1."""
    return _is_count(value) and 0 < value < THRESHOLD


def is_suppressed(value: Any) -> bool:
    """True for either marker: a count that is not shown."""
    return isinstance(value, str) and value in MARKERS


def suppress_value(value: Any) -> Any:
    """``SUPPRESSED`` for a small count; any other value unchanged (primary suppression of a single figure)."""
    return SUPPRESSED if is_small(value) else value


def suppress_counts(
    rows: Sequence[dict],
    count_keys: Sequence[str],
    total_key: str | None = None,
    total_row_index: int | None = None,
) -> list[dict]:
    """Return copies of ``rows`` with small counts replaced by SUPPRESSED, and any count that would reveal one by
    SECONDARY_SUPPRESSED.

    ``count_keys`` name the count cells. Give ``total_key`` when those cells add up to a total in each row, and
    ``total_row_index`` when one row (for example the last, -1) holds the column totals; each switches on
    secondary suppression in that direction. Non-count values (labels, None) pass through unchanged, and a cell
    that already holds either marker is treated as hidden and keeps its marker. The input rows are not modified.
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
        if is_small(row.get(key)) or is_suppressed(row.get(key))
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
        value = table[i][key]
        if not is_suppressed(value):
            table[i][key] = SUPPRESSED if is_small(value) else SECONDARY_SUPPRESSED
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
    """Hide one more cell if this group's hidden parts could be worked out, or narrowed, from a visible total;
    True if it did."""
    row, key = total_cell
    if total_cell in hidden or not _is_count(table[row].get(key)):
        return False  # no visible total, so nothing can be recovered by subtraction
    present = [cell for cell in parts if _is_count(table[cell[0]].get(cell[1])) or cell in hidden]
    hidden_parts = [cell for cell in present if cell in hidden]
    visible = [cell for cell in present if cell not in hidden]
    if len(hidden_parts) == 1:
        if not visible:
            # The hidden cell is the only part, so the total equals it: hide the total instead.
            hidden.add(total_cell)
            return True
        # Prefer the smallest non-zero cell: a hidden zero next to a hidden small count can be worked out,
        # because the marker means 1 to 4 and the two hidden cells' sum is known.
        nonzero = [cell for cell in visible if table[cell[0]][cell[1]] != 0]
        candidates = nonzero or visible
    elif _narrows(table, total_cell, hidden_parts, visible):
        # Hiding a zero adds nothing to the unaccounted sum, so only a non-zero cell helps; else the total.
        candidates = [cell for cell in visible if table[cell[0]][cell[1]] != 0]
        if not candidates:
            hidden.add(total_cell)
            return True
    else:
        return False
    # min() keeps the first of equal values, so ties go to the earlier column or row: deterministic output.
    choice = min(candidates, key=lambda cell: table[cell[0]][cell[1]])
    hidden.add(choice)
    return True


def _narrows(
    table: list[dict],
    total_cell: tuple[int, str],
    hidden_parts: list[tuple[int, str]],
    visible: list[tuple[int, str]],
) -> bool:
    """True if a reader could tell a "fewer than 5" part more than "1 to 4" from the total and the markers.

    A reader knows the sum S of the hidden parts (the total minus the visible ones), that each of the P parts
    marked "fewer than 5" is 1 to 4, and that each "hidden" part is 0 or at least 5. Every small part can still
    be anything from 1 to 4 when S is at least 4P + 5Q, Q counting the "hidden" parts that are not zero (a
    reader who supposes the zeros are zero is left with exactly that condition; more freedom only widens it).
    Groups with no "hidden" part are left as before (see the module's limitations).
    """
    small = [cell for cell in hidden_parts if _is_primary(table[cell[0]][cell[1]])]
    others = [cell for cell in hidden_parts if cell not in small and table[cell[0]][cell[1]] != 0]
    if not small or not others:
        return False
    unaccounted = table[total_cell[0]][total_cell[1]] - sum(table[cell[0]][cell[1]] for cell in visible)
    return unaccounted < (THRESHOLD - 1) * len(small) + THRESHOLD * len(others)


def _is_primary(value: Any) -> bool:
    """A cell that reads (or will read) "fewer than 5"."""
    return is_small(value) or value == SUPPRESSED
