"""Turning raw report counts into published tables: small-number suppression, then rates and medians that
respect it. Pure functions over plain dicts; the service layer feeds them SQL aggregates.

Order matters: counts are suppressed first (primary, then secondary across each row's enhanced + standard = all
and down each column to the total row); a rate is then shown only when both its counts are visible and its
base is 5 or more, because a rate beside a visible base would let a reader work out a hidden numerator. A hidden
count reads SUPPRESSED ("fewer than 5") when it is 1 to 4 and SECONDARY_SUPPRESSED ("hidden") otherwise; nothing
is ever worked out from either marker.
"""
from collections.abc import Mapping, Sequence

from .report_definitions import COUNT_KEYS, RATES, TOTAL_LABEL
from .suppression import SECONDARY_SUPPRESSED, SUPPRESSED, THRESHOLD, rate, suppress_counts


def _visible_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def publish_compliance(
    groups: Sequence[tuple[object, str]],
    raw: Mapping[tuple[object, str], Mapping[str, object]],
    levels: Sequence[str],
) -> list[dict]:
    """Build the published rows for a compliance table.

    ``groups`` are (key, label) pairs in display order; the total row is added last with key None.
    ``raw[(key, level)]`` holds the unsuppressed counts (COUNT_KEYS), ``contacted`` and ``median_days`` for a
    group (key None: all groups) and level ("enhanced", "standard" or "all"). Missing entries count as zero.
    Each output row has ``key``, ``label``, ``is_total`` and one ``<measure>_<level>`` entry per measure and
    level: counts (int, SUPPRESSED or SECONDARY_SUPPRESSED), rates (fraction or None), medians (number or None).
    """
    keys = [key for key, _ in groups] + [None]
    table: list[dict] = []
    for key, label in list(groups) + [(None, TOTAL_LABEL)]:
        row = {"key": key, "label": label, "is_total": key is None}
        for level in levels:
            figures = raw.get((key, level), {})
            for measure in COUNT_KEYS:
                row[f"{measure}_{level}"] = int(figures.get(measure) or 0)
        table.append(row)

    table = _suppress_compliance(table, levels)
    while _hide_compliance_parts(table, levels):  # a hidden base hides what is counted out of it, then again
        table = _suppress_compliance(table, levels)

    for row, key in zip(table, keys):
        for level in levels:
            for rate_key, numerator, denominator in RATES:
                top, base = row[f"{numerator}_{level}"], row[f"{denominator}_{level}"]
                row[f"{rate_key}_{level}"] = (
                    rate(top, base) if _visible_count(top) and _visible_count(base) and top <= base else None
                )
            figures = raw.get((key, level), {})
            median = figures.get("median_days")
            contacted = int(figures.get("contacted") or 0)
            row[f"median_days_{level}"] = (
                round(float(median), 1) if median is not None and contacted >= THRESHOLD else None
            )
    return table


# Each compliance count is counted out of the cases received; those contacted within the due date out of those due.
# Where a base is hidden, a visible part beside it would narrow it down (a "hidden" received beside 17 due), so the
# parts are hidden too, as in the breakdowns (publish_breakdown's base_key).
COMPLIANCE_PARTS = (("received", ("due", "in_time", "overdue", "accepted")), ("due", ("in_time",)))


def _suppress_compliance(table: list[dict], levels: Sequence[str]) -> list[dict]:
    both_levels = "all" in levels and len(levels) == 3
    for measure in COUNT_KEYS:
        cells = [f"{measure}_{level}" for level in levels]
        table = suppress_counts(table, cells, total_key=f"{measure}_all" if both_levels else None,
                                total_row_index=-1)
    return table


def _hide_compliance_parts(table: list[dict], levels: Sequence[str]) -> bool:
    changed = False
    for level in levels:
        for base, parts in COMPLIANCE_PARTS:
            changed |= _hide_parts_of_hidden_bases(table, f"{base}_{level}", [f"{part}_{level}" for part in parts])
    return changed


def rank_rows(rows: Sequence[dict], value_key: str, higher_is_better: bool = True) -> tuple[list[dict], float | None]:
    """Rows (not the total) ranked by ``value_key`` best first (highest, or lowest when ``higher_is_better`` is
    false), ties sharing a rank; rows whose value is not shown come last without a rank. Also returns the gap
    between the best and worst shown values (never negative), or None when fewer than two values are shown."""
    sign = -1 if higher_is_better else 1
    shown = sorted((r for r in rows if not r["is_total"] and r.get(value_key) is not None),
                   key=lambda r: (sign * r[value_key], r["label"]))
    hidden = sorted((r for r in rows if not r["is_total"] and r.get(value_key) is None), key=lambda r: r["label"])
    ranked, previous, rank = [], None, 0
    for position, row in enumerate(shown, start=1):
        if row[value_key] != previous:
            rank, previous = position, row[value_key]
        ranked.append({**row, "rank": rank})
    ranked += [{**row, "rank": None} for row in hidden]
    gap = abs(shown[0][value_key] - shown[-1][value_key]) if len(shown) >= 2 else None
    return ranked, gap


def _hide_parts_of_hidden_bases(table: list[dict], base_key: str, count_keys: Sequence[str]) -> bool:
    """Hide every visible part in rows whose base is hidden; True if any was hidden."""
    changed = False
    for row in table:
        if _visible_count(row[base_key]):
            continue
        for key in count_keys:
            if key != base_key and _visible_count(row[key]):
                row[key] = SUPPRESSED if 0 < row[key] < THRESHOLD else SECONDARY_SUPPRESSED
                changed = True
    return changed


def unlisted_label(key) -> str:
    """A readable label for a category missing from its list (a slug is never shown as it is stored)."""
    text = str(key).replace("-", " ").replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text else "Not recorded"


def publish_breakdown(
    categories: Sequence[tuple[object, str]],
    raw: Mapping[object, Mapping[str, int]],
    count_keys: Sequence[str],
    total_key: str | None = None,
    rates: Sequence[tuple[str, str, str]] = (),
    total_label: str = TOTAL_LABEL,
    base_key: str | None = None,
    hide: frozenset = frozenset(),
    hide_totals: frozenset = frozenset(),
) -> list[dict]:
    """A one-level table: a row per category (in the order given, zero rows included), then any category found
    in ``raw`` but not listed (labelled by unlisted_label), then a total row summed from the rows. Counts are
    suppressed down each column (the total row) and, with ``total_key``, across each row; rates (key,
    numerator, denominator) are shown only over visible counts with a base of 5 or more. ``hide`` names cells
    (category, count) and ``hide_totals`` total-row counts to hide whatever their size (the differencing guard);
    the usual secondary suppression then protects them like any small count."""
    listed = [key for key, _ in categories]
    extra = [(key, unlisted_label(key)) for key in raw if key not in listed]
    table = []
    for key, label in list(categories) + extra:
        figures = raw.get(key, {})
        table.append({"key": key, "label": label, "is_total": False,
                      **{name: int(figures.get(name) or 0) for name in count_keys}})
    table.append({"key": None, "label": total_label, "is_total": True,
                  **{name: sum(row[name] for row in table) for name in count_keys}})
    for row in table:
        for name in count_keys:
            if (name in hide_totals if row["is_total"] else (row["key"], name) in hide) and row[name]:
                row[name] = SUPPRESSED if row[name] < THRESHOLD else SECONDARY_SUPPRESSED
    table = suppress_counts(table, list(count_keys), total_key=total_key, total_row_index=-1)
    while base_key is not None and _hide_parts_of_hidden_bases(table, base_key, count_keys):
        table = suppress_counts(table, list(count_keys), total_key=total_key, total_row_index=-1)
    for row in table:
        for rate_key, numerator, denominator in rates:
            top, base = row[numerator], row[denominator]
            row[rate_key] = rate(top, base) if _visible_count(top) and _visible_count(base) and top <= base else None
    return table


def differs_by_a_few_from_a_shorter_period(months: Sequence[int], min_months: int) -> bool:
    """True when a cell's count, given month by month over a period of whole months, differs by 1 to 4 from the
    same cell of an allowed shorter period sharing its start or its end: the first or last k months (leaving at
    least ``min_months``) hold 1 to THRESHOLD - 1 cases between them.

    Why: the commissioner's periods are whole months, at least ``min_months`` long, but June-September and
    June-August still differ by September's cases; where September held one child, the child cell would give
    them away. Hiding such a cell in the longer period closes that: any allowed period inside another differs
    from it by a head and a tail, each of which is then 0 or at least THRESHOLD, so two periods whose cell is
    published in both never differ by 1 to 4 in it."""
    n = len(months)
    for k in range(1, n - min_months + 1):
        if 0 < sum(months[:k]) < THRESHOLD or 0 < sum(months[n - k:]) < THRESHOLD:
            return True
    return False
