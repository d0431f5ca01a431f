"""Subject access: which items of a person's records may identify someone else, so the data protection officer
reviews them (and may redact them) before the copy is released. UK GDPR article 15(4) and DPA 2018 schedule 2
paragraph 16: a copy must not adversely affect the rights of others.

The check is deliberately cautious: it flags text that names or describes another person (a relationship word, a
title and a name, two capitalised words that are not the person's own names). A flag asks for a human decision;
it never redacts by itself.
"""
import re
from collections.abc import Iterable

RELATIONSHIP_WORDS = frozenset({
    "partner", "ex-partner", "ex", "husband", "wife", "ex-husband", "ex-wife", "boyfriend", "girlfriend",
    "mother", "father", "mum", "dad", "stepfather", "stepmother", "stepdad", "stepmum", "brother", "sister",
    "son", "daughter", "child", "children", "baby", "grandmother", "grandfather", "nan", "uncle", "aunt", "cousin",
    "neighbour", "neighbours", "landlord", "flatmate", "friend", "colleague", "boss", "carer", "perpetrator",
    "suspect", "offender", "abuser", "attacker", "witness", "fiance", "fiancee",
})
TITLES = ("Mr", "Mrs", "Ms", "Miss", "Mx", "Dr")
# Capitalised pairs that are not people: services, agencies and places a note commonly names.
NOT_PEOPLE = frozenset({
    "Victim", "Support", "Police", "Metropolitan", "Met", "Court", "Crown", "Magistrates", "Council", "London",
    "Borough", "Child", "House", "Domestic", "Abuse", "Hate", "Crime", "Restorative", "Justice", "Commissioner",
    "Victims", "Code", "Service", "Services", "Witness", "Care", "NHS", "Hospital", "Housing", "Refuge", "Road",
    "Street", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February",
    "March", "April", "May", "June", "July", "August", "September", "October", "November", "December", "The",
    "MARAC", "IDVA", "ISVA", "CPS", "DASH", "Camden", "Hackney", "Islington", "Lambeth", "Southwark", "Westminster",
})
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_TITLED = re.compile(r"\b(?:%s)\.?\s+[A-Z][a-z]+" % "|".join(TITLES))
_PAIR = re.compile(r"\b([A-Z][a-z]+)\s+([A-Z][a-z]+)\b")

FLAG_SENSITIVE_NOTE = "A note marked sensitive"
FLAG_RELATIONSHIP = "Mentions another person ({word})"
FLAG_NAMED = "May name another person ({name})"


def third_party_reason(text: str | None, own_names: Iterable[str] = ()) -> str | None:
    """Why this text may identify someone other than the person, or None."""
    if not text:
        return None
    own = {name.lower() for name in own_names if name}
    for word in _WORD.findall(text):
        if word.lower() in RELATIONSHIP_WORDS:
            return FLAG_RELATIONSHIP.format(word=word.lower())
    titled = _TITLED.search(text)
    if titled:
        return FLAG_NAMED.format(name=titled.group(0))
    for first, second in _PAIR.findall(text):
        if first.lower() in own or second.lower() in own or first in NOT_PEOPLE or second in NOT_PEOPLE:
            continue
        return FLAG_NAMED.format(name=f"{first} {second}")
    return None


REDACTED = "[Withheld: information about another person]"


def item_key(table: str, row_id, field: str) -> str:
    """The stable name of one field of one row: what a redaction is recorded against."""
    return f"{table}.{row_id}.{field}"
