"""DASH domestic abuse risk identification: scoring, professional judgement and the MARAC referral criteria.

The checklist has 24 yes/no questions. The labels we show are our own short paraphrases of the topics, kept as
data in ``data/dash_questions.json`` so that a service can replace them; the scoring only needs the number of
"yes" answers. Thresholds that are set locally (escalation, repeat window) are a ``DashThresholds`` value, not
constants, so the app can load them per service.
"""
import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from .clock import london_today

QUESTION_COUNT = 24
DEFAULT_QUESTIONS_PATH = Path(__file__).parent / "data" / "dash_questions.json"
ANSWERS = ("yes", "no", "not-known")
LEVELS = ("standard", "medium", "high")


@dataclass(frozen=True)
class DashQuestion:
    """One checklist question: a stable id (stored with answers) and the label shown to the caseworker."""

    id: str
    text: str


@dataclass(frozen=True)
class DashThresholds:
    """Score bands and MARAC criteria. ``high`` and ``medium`` are SafeLives' bands; the other two are set locally."""

    high: int = 14
    medium: int = 10
    escalation_incidents: int = 3
    repeat_window_days: int = 365

    def __post_init__(self) -> None:
        if not 0 < self.medium < self.high <= QUESTION_COUNT:
            raise ValueError(
                f"DASH thresholds must satisfy 0 < medium < high <= {QUESTION_COUNT} "
                f"(got medium {self.medium}, high {self.high})."
            )
        if self.escalation_incidents < 1 or self.repeat_window_days < 1:
            raise ValueError("The escalation incident count and the repeat window must both be at least 1.")


@dataclass(frozen=True)
class DashResult:
    """The outcome of a DASH assessment.

    ``actuarial_level`` comes from the score alone; ``level`` is the level after professional judgement, which
    can only raise it. ``marac_reasons`` lists every MARAC criterion met, in plain English, for the record.
    """

    yes_count: int
    actuarial_level: str
    level: str
    professional_judgement: bool
    professional_judgement_reason: str | None
    marac: bool
    marac_reasons: tuple[str, ...]


def load_dash_questions(path: str | Path | None = None) -> tuple[DashQuestion, ...]:
    """Read the checklist labels from ``path`` (default: the bundled file) and check there are 24 unique ids.

    The file is a JSON list of ``{"id": ..., "text": ...}`` objects. Raises ValueError with a message naming
    the problem, so a service that supplies its own file learns what is wrong with it.
    """
    source = Path(path) if path is not None else DEFAULT_QUESTIONS_PATH
    try:
        raw = json.loads(source.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"The DASH questions file {source} is not valid JSON: {exc}.") from exc
    if not isinstance(raw, list):
        raise ValueError(f"The DASH questions file {source} must contain a list of questions.")
    questions = []
    for position, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            raise ValueError(f"DASH question {position} in {source} must be an object with an id and a text.")
        qid, text = item.get("id"), item.get("text")
        if not isinstance(qid, str) or not qid.strip():
            raise ValueError(f"DASH question {position} in {source} has no id.")
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"DASH question {qid!r} in {source} has no text.")
        questions.append(DashQuestion(id=qid.strip(), text=text.strip()))
    if len(questions) != QUESTION_COUNT:
        raise ValueError(f"The DASH checklist has {QUESTION_COUNT} questions, but {source} has {len(questions)}.")
    ids = [q.id for q in questions]
    duplicates = sorted({qid for qid in ids if ids.count(qid) > 1})
    if duplicates:
        raise ValueError(f"DASH question ids must be unique; {source} repeats {', '.join(duplicates)}.")
    return tuple(questions)


@lru_cache(maxsize=8)
def dash_questions_of(path: str | None) -> tuple[DashQuestion, ...]:
    """load_dash_questions, read once per process for each file (the pages ask on every view; like the rest of the
    configuration, a changed file takes effect when the app restarts)."""
    return load_dash_questions(path)


def count_yes(answers: dict[str, str], question_ids: tuple[str, ...] | None = None) -> int:
    """The number of "yes" answers. Each answer must be "yes", "no" or "not-known".

    Pass ``question_ids`` to also reject answers to questions that are not on the checklist.
    """
    for qid, answer in answers.items():
        if answer not in ANSWERS:
            raise ValueError(f"The answer to DASH question {qid!r} must be yes, no or not-known (got {answer!r}).")
        if question_ids is not None and qid not in question_ids:
            raise ValueError(f"{qid!r} is not a question on the DASH checklist.")
    return sum(1 for answer in answers.values() if answer == "yes")


def actuarial_level(yes_count: int, thresholds: DashThresholds = DashThresholds()) -> str:
    """The risk level from the score alone: "high" at ``thresholds.high`` or more, "medium" from ``medium``."""
    if yes_count >= thresholds.high:
        return "high"
    if yes_count >= thresholds.medium:
        return "medium"
    return "standard"


def assess_dash(
    yes_count: int,
    professional_judgement: bool = False,
    professional_judgement_reason: str | None = None,
    incidents_last_12_months: int | None = None,
    last_marac_referral_on: date | None = None,
    assessed_on: date | None = None,
    thresholds: DashThresholds = DashThresholds(),
) -> DashResult:
    """Score a DASH checklist and decide whether a MARAC referral is needed.

    Professional judgement sets the level to "high" (it can raise the actuarial level, never lower it) and must
    come with a reason. MARAC criteria: visible high risk, professional judgement, potential escalation
    (``escalation_incidents`` or more incidents in the last 12 months) and repeat (assessed within
    ``repeat_window_days`` of the last MARAC referral). ``assessed_on`` defaults to today's London date.
    """
    if isinstance(yes_count, bool) or not isinstance(yes_count, int) or not 0 <= yes_count <= QUESTION_COUNT:
        raise ValueError(f"The number of yes answers must be a whole number from 0 to {QUESTION_COUNT} (got {yes_count!r}).")
    reason = (professional_judgement_reason or "").strip() or None
    if professional_judgement and reason is None:
        raise ValueError("Professional judgement needs a reason: say why the risk is higher than the score shows.")
    if incidents_last_12_months is not None and incidents_last_12_months < 0:
        raise ValueError(f"The number of incidents cannot be negative (got {incidents_last_12_months}).")
    if assessed_on is None:
        assessed_on = london_today()

    scored = actuarial_level(yes_count, thresholds)
    level = "high" if professional_judgement else scored

    reasons: list[str] = []
    if yes_count >= thresholds.high:
        reasons.append(
            f"Visible high risk: {yes_count} of {QUESTION_COUNT} answers were yes ({thresholds.high} or more)."
        )
    if professional_judgement:
        reasons.append(f"Professional judgement: {reason}")
    if incidents_last_12_months is not None and incidents_last_12_months >= thresholds.escalation_incidents:
        reasons.append(
            f"Potential escalation: {incidents_last_12_months} incidents in the last 12 months "
            f"({thresholds.escalation_incidents} or more)."
        )
    if last_marac_referral_on is not None:
        if last_marac_referral_on > assessed_on:
            raise ValueError(
                f"The last MARAC referral ({last_marac_referral_on.isoformat()}) cannot be after the assessment "
                f"({assessed_on.isoformat()})."
            )
        days = (assessed_on - last_marac_referral_on).days
        if days <= thresholds.repeat_window_days:
            reasons.append(
                f"Repeat: last referred to MARAC on {last_marac_referral_on.isoformat()}, {days} days ago "
                f"(within {thresholds.repeat_window_days} days)."
            )

    return DashResult(
        yes_count=yes_count,
        actuarial_level=scored,
        level=level,
        professional_judgement=professional_judgement,
        professional_judgement_reason=reason if professional_judgement else None,
        marac=bool(reasons),
        marac_reasons=tuple(reasons),
    )
