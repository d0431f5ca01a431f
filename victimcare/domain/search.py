"""Reading what a caseworker typed into the search box, and how alike two names are.

One box takes a name (misspelt, or given and family name swapped), a date of birth, a referral reference, a crime
reference or a postcode, or a name with a date of birth. Names are matched by sound (metaphone keys, stored on the
person and indexed) and then scored by Jaro-Winkler similarity, so "Jon Smyth" finds "John Smith" and
"Smith John".
"""
import re
from dataclasses import dataclass, field
from datetime import date

import jellyfish

from .contact_details import InvalidContactDetail, parse_postcode

# How alike (0 to 1) a typed name must be to a person's to be shown. 0.85 keeps one or two slips, not strangers.
NAME_MATCH_THRESHOLD = 0.85
_REFERENCE = re.compile(r"^VC-?([A-Z0-9]{4})-?([A-Z0-9]{4})$")
_DATE = re.compile(r"\b(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{4})\b|\b(\d{4})-(\d{2})-(\d{2})\b")
_NAME_TOKEN = re.compile(r"[^\W\d_][^\W\d_'’-]*", re.UNICODE)
KEY_LENGTH = 20


@dataclass(frozen=True)
class SearchQuery:
    """What the search text asks for: each part present or None."""

    reference: str | None = None
    date_of_birth: date | None = None
    postcode: str | None = None
    crime_reference: str | None = None
    names: tuple[str, ...] = field(default_factory=tuple)
    problem: str | None = None  # the text could not be read: what to type instead

    @property
    def criteria(self) -> list[str]:
        """The kinds of criteria used (for the audit: never the values)."""
        return [name for name, value in (("reference", self.reference), ("date_of_birth", self.date_of_birth),
                                         ("postcode", self.postcode), ("crime_reference", self.crime_reference),
                                         ("name", self.names)) if value]


def phonetic_key(name: str | None) -> str | None:
    """The sound of a name (metaphone), for the indexed first pass of a name search; None for a blank name."""
    letters = " ".join(_NAME_TOKEN.findall(name or ""))
    if not letters:
        return None
    return jellyfish.metaphone(letters).replace(" ", "")[:KEY_LENGTH] or None


def _find_date(text: str) -> tuple[date | None, str, str | None]:
    match = _DATE.search(text)
    if not match:
        return None, text, None
    day, month, year = (match.group(1), match.group(2), match.group(3)) if match.group(1) else (
        match.group(6), match.group(5), match.group(4))
    rest = (text[:match.start()] + " " + text[match.end():]).strip()
    try:
        return date(int(year), int(month), int(day)), rest, None
    except ValueError:
        return None, rest, "The date of birth must be a real date, like 27/3/1990"


def parse_query(text: str) -> SearchQuery:
    """Read the search box: a reference, a crime reference, a postcode, a date of birth and/or a name."""
    text = " ".join((text or "").split())
    if not text:
        return SearchQuery(problem="Enter a name, date of birth, reference, crime reference or postcode")
    compact = text.upper().replace(" ", "")
    reference = _REFERENCE.match(compact)
    if reference:
        return SearchQuery(reference=f"VC-{reference.group(1)}-{reference.group(2)}")
    if re.fullmatch(r"VC-?[A-Z0-9-]{4,12}", compact):
        return SearchQuery(reference=compact)  # an older or mistyped form: compared without its dashes
    day_of_birth, rest, problem = _find_date(text)
    if problem:
        return SearchQuery(problem=problem)
    if rest and any(ch.isdigit() for ch in rest):
        try:
            postcode = parse_postcode(rest)
        except InvalidContactDetail:
            postcode = None
        if postcode:
            return SearchQuery(postcode=postcode, date_of_birth=day_of_birth)
        return SearchQuery(crime_reference=rest.upper().replace(" ", ""), date_of_birth=day_of_birth)
    names = tuple(token.lower() for token in _NAME_TOKEN.findall(rest))
    return SearchQuery(date_of_birth=day_of_birth, names=names)


def name_score(names: tuple[str, ...], given_name: str, family_name: str) -> float:
    """How alike the typed names are to a person's, 0 to 1, either way round ("Smith John" is John Smith)."""
    given, family = (given_name or "").lower(), (family_name or "").lower()
    if not names:
        return 0.0
    if len(names) == 1:
        return max(jellyfish.jaro_winkler_similarity(names[0], given),
                   jellyfish.jaro_winkler_similarity(names[0], family))
    first, last = names[0], " ".join(names[1:])
    straight = (jellyfish.jaro_winkler_similarity(first, given) + jellyfish.jaro_winkler_similarity(last, family))
    swapped = (jellyfish.jaro_winkler_similarity(last, given) + jellyfish.jaro_winkler_similarity(first, family))
    return max(straight, swapped) / 2


def name_keys(names: tuple[str, ...]) -> set[str]:
    """The phonetic keys a name search looks up (each word, and a two-word family name joined)."""
    keys = {phonetic_key(n) for n in names} | ({phonetic_key(" ".join(names[1:]))} if len(names) > 2 else set())
    return {k for k in keys if k}
