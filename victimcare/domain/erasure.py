"""Erasure requests (UK GDPR article 17): the grounds a person may rely on, the exemptions that let the services
keep their records anyway, and what a decision must say. Pure rules; services/retention/erasure.py applies them,
and an accepted request runs the retention purge for that person at once."""
from collections.abc import Iterable

# Article 17(1): the grounds for erasure.
GROUNDS: tuple[tuple[str, str], ...] = (
    ("no-longer-necessary", "The records are no longer needed for the purpose they were collected for (17(1)(a))"),
    ("consent-withdrawn", "Consent was withdrawn and there is no other lawful basis (17(1)(b))"),
    ("objection", "They object and there is no overriding reason to carry on (17(1)(c))"),
    ("unlawful", "The records were processed unlawfully (17(1)(d))"),
    ("legal-duty-to-erase", "The law requires the records to be erased (17(1)(e))"),
)
# Article 17(3), and the DPA 2018 schedule 1 conditions the services rely on: reasons to keep the records.
EXEMPTIONS: tuple[tuple[str, str], ...] = (
    ("legal-obligation", "A legal obligation to keep the records (17(3)(b))"),
    ("safeguarding", "Safeguarding a child or an adult at risk (DPA 2018 schedule 1, paragraph 18)"),
    ("legal-claims", "The establishment, exercise or defence of legal claims, including court proceedings "
                     "(17(3)(e))"),
)
DECISIONS: tuple[tuple[str, str], ...] = (
    ("accepted", "Accept: erase their personal data now"),
    ("refused", "Refuse: keep the records"),
)


def decision_problems(decision: str | None, grounds: Iterable[str], exemptions: Iterable[str],
                      reasons: str | None, *, on_hold: bool = False) -> list[tuple[str, str]]:
    """What is wrong with a decision, as (field, message) pairs; empty when it may be recorded.

    Accepting needs at least one ground, no exemption and no legal hold (a hold is itself a reason to keep the
    records). Refusing needs no ground or an exemption that outweighs it. Both need reasons in words."""
    grounds, exemptions = set(grounds), set(exemptions)
    problems: list[tuple[str, str]] = []
    if decision not in dict(DECISIONS):
        problems.append(("decision", "Choose whether to accept or refuse the request"))
    if grounds - set(dict(GROUNDS)):
        problems.append(("grounds", "Choose grounds from the list"))
    if exemptions - set(dict(EXEMPTIONS)):
        problems.append(("exemptions", "Choose exemptions from the list"))
    if not (reasons or "").strip():
        problems.append(("reasons", "Give the reasons for the decision"))
    if decision == "accepted":
        if not grounds:
            problems.append(("grounds", "Choose the ground the erasure rests on"))
        if exemptions:
            problems.append(("exemptions", "An exemption applies: the request cannot be accepted while it does"))
        if on_hold:
            problems.append(("decision", "These records are on legal hold: lift the hold before erasing them"))
    if decision == "refused" and grounds and not exemptions:
        problems.append(("exemptions", "A ground applies: choose the exemption that lets the records be kept"))
    return problems
