"""The postcode lottery's rules: which figure the map shows by default, the bands its squares are shaded in
(distance from the London figure, worst darkest), and, in words, why a borough's figure is not shown.
Pure rules over published (already suppressed) rows; no Flask or SQLAlchemy.

Bands are measured from London's own figure rather than fixed at 70/80/90%, so they fit whatever the figures
are: a borough "much worse than London" stands out whether London is at 50% or at 95%.
"""
from collections.abc import Sequence
from dataclasses import dataclass

from .suppression import SECONDARY_SUPPRESSED, SUPPRESSED, THRESHOLD


@dataclass(frozen=True)
class LotteryMeasure:
    key: str
    heading: str
    kind: str  # rate | median
    higher_is_better: bool
    numerator: str | None = None  # rates: the count over ...
    denominator: str | None = None  # ... this count
    close: float = 0.05  # within this of London reads "close to London"
    far: float = 0.15  # beyond this, "much better" or "much worse"

    def distance_text(self, amount: float) -> str:
        if self.kind == "rate":
            return f"{amount * 100:g} percentage points"
        return f"{amount:g} working day{'' if amount == 1 else 's'}"


# In order of preference for the default view: the first that can be shown for most boroughs.
LOTTERY_MEASURES: tuple[LotteryMeasure, ...] = (
    LotteryMeasure("share_in_time", "Share contacted within due date", "rate", True, "in_time", "due"),
    LotteryMeasure("take_up", "Take-up", "rate", True, "accepted", "received"),
    LotteryMeasure("median_days", "Median working days to first contact", "median", False, close=0.5, far=1.5),
)
LOTTERY_MEASURES_BY_KEY = {m.key: m for m in LOTTERY_MEASURES}

# What a reader is told each count is, in "fewer than 5 <...>" sentences.
COUNT_WORDS = {"due": "cases due for first contact", "in_time": "cases contacted within the due date",
               "received": "cases received", "accepted": "cases that accepted support"}


@dataclass(frozen=True)
class Band:
    slug: str
    label: str
    marker: str  # printed in the square beside the value, so the band never rests on colour alone
    rank: int  # 1 = worst

    @property
    def description(self) -> str:
        """The label inside a sentence: "worse than London"."""
        return self.label[:1].lower() + self.label[1:]


# Worst first: the darkest fill is the worst band.
BANDS: tuple[Band, ...] = (
    Band("much-worse", "Much worse than London", "−−", 1),
    Band("worse", "Worse than London", "−", 2),
    Band("close", "Close to London", "=", 3),
    Band("better", "Better than London", "+", 4),
    Band("much-better", "Much better than London", "++", 5),
)
NOT_SHOWN = Band("not-shown", "Not shown", "", 0)


def band_for(value: float | None, london: float | None, measure: LotteryMeasure) -> Band:
    """The band of a borough's figure: its distance from London's, turned so that positive is better."""
    if value is None or london is None:
        return NOT_SHOWN
    better_by = (value - london) if measure.higher_is_better else (london - value)
    better_by = round(better_by, 9)  # 0.6 - 0.55 must count as 0.05, not 0.0499999
    if better_by < -measure.far:
        return BANDS[0]
    if better_by < -measure.close:
        return BANDS[1]
    if better_by <= measure.close:
        return BANDS[2]
    if better_by <= measure.far:
        return BANDS[3]
    return BANDS[4]


def band_definitions(measure: LotteryMeasure, london_text: str) -> list[tuple[Band, str]]:
    """Each band with what it means for this figure, e.g. "more than 15 percentage points below London's 52.5%"."""
    close, far = measure.distance_text(measure.close), measure.distance_text(measure.far)
    if measure.kind == "rate":
        worse, better = "below", "above"
    else:
        worse, better = "slower than", "quicker than"
    return [
        (BANDS[0], f"more than {far} {worse} London's {london_text}"),
        (BANDS[1], f"{close} to {far} {worse} London's {london_text}"),
        (BANDS[2], f"within {close} of London's {london_text}"),
        (BANDS[3], f"{close} to {far} {better} London's {london_text}"),
        (BANDS[4], f"more than {far} {better} London's {london_text}"),
    ]


def not_shown_reason(row: dict, measure: LotteryMeasure, level: str) -> str | None:
    """Why a borough's figure is not shown, in words (None when it is shown)."""
    if row.get(f"{measure.key}_{level}") is not None:
        return None
    if measure.kind == "median":
        return "fewer than 5 cases contacted"
    top, base = row.get(f"{measure.numerator}_{level}"), row.get(f"{measure.denominator}_{level}")
    if base == 0:
        return f"no {COUNT_WORDS[measure.denominator]}"
    if base == SUPPRESSED or (isinstance(base, int) and base < THRESHOLD):
        return f"fewer than 5 {COUNT_WORDS[measure.denominator]}"
    if top == SUPPRESSED:
        return f"fewer than 5 {COUNT_WORDS[measure.numerator]}"
    if SECONDARY_SUPPRESSED in (top, base):
        return "a count hidden so that a total cannot give a smaller one away"
    return "not enough cases"


def shown_count(rows: Sequence[dict], measure_key: str, level: str) -> int:
    return sum(1 for row in rows if row.get(f"{measure_key}_{level}") is not None)


def why_not_shown(rows: Sequence[dict], measure: LotteryMeasure, level: str) -> str | None:
    """One sentence on the boroughs whose figure is not shown and why, e.g. "Not shown for 29 of 33 boroughs:
    fewer than 5 cases contacted within the due date in 25, no cases due for first contact in 4." None when
    every borough's figure is shown."""
    reasons: dict[str, int] = {}
    for row in rows:
        reason = not_shown_reason(row, measure, level)
        if reason:
            reasons[reason] = reasons.get(reason, 0) + 1
    if not reasons:
        return None
    missing = sum(reasons.values())
    parts = [f"{reason} in {count}" for reason, count in sorted(reasons.items(), key=lambda item: -item[1])]
    noun = "borough" if len(rows) == 1 else "boroughs"
    return f"{measure.heading} is not shown for {missing} of {len(rows)} {noun}: {', '.join(parts)}."


def default_measure(rows: Sequence[dict], level: str) -> LotteryMeasure:
    """The first figure (in LOTTERY_MEASURES order) shown for at least half the boroughs; failing that, the one
    shown for the most (the earlier on a tie). So the default map shows data wherever there is enough of it."""
    half = len(rows) / 2
    for measure in LOTTERY_MEASURES:
        if rows and shown_count(rows, measure.key, level) >= half:
            return measure
    return max(LOTTERY_MEASURES, key=lambda m: (shown_count(rows, m.key, level), -LOTTERY_MEASURES.index(m)))
