"""Vocabularies: shapes, required options and the helpers."""
import pytest

from victimcare.domain import vocab

ALL_VOCABULARIES = {
    name: value
    for name, value in vars(vocab).items()
    if name.isupper() and not name.startswith("_") and isinstance(value, tuple) and value and isinstance(value[0], tuple)
}


@pytest.mark.parametrize("name", sorted(ALL_VOCABULARIES))
def test_every_vocabulary_is_unique_slug_label_pairs(name):
    vocabulary = ALL_VOCABULARIES[name]
    assert all(len(pair) == 2 and all(isinstance(part, str) and part for part in pair) for pair in vocabulary)
    assert len(set(vocab.slugs(vocabulary))) == len(vocabulary), f"{name} repeats a slug"


@pytest.mark.parametrize(
    "vocabulary, expected",
    [
        (vocab.OFFENCE_CATEGORIES, ("violence-with-injury", "robbery", "burglary", "criminal-damage",
                                    "theft-from-the-person", "theft-of-motor-vehicle", "theft-from-motor-vehicle",
                                    "sexual-offence", "domestic-abuse", "hate-crime", "stalking-harassment",
                                    "weapon-offence", "fraud", "other")),
        (vocab.HATE_STRANDS, ("race", "religion", "sexual-orientation", "disability", "transgender-identity")),
        (vocab.SERVICES, ("child-house", "domestic-abuse", "hate-crime", "restorative-justice",
                          "victims-commissioner", "victim-support")),
        (vocab.ROLES, ("caseworker", "advocate", "commissioner", "admin", "dpo")),
        (vocab.CASE_STATUSES, ("new", "accepted", "declined", "transferred", "in-progress", "closed")),
        (vocab.CONTACT_METHODS, ("phone", "text-message", "email", "letter", "in-person", "video")),
        (vocab.CONTACT_OUTCOMES, ("reached", "no-answer", "left-message", "unsafe-to-talk", "wrong-number")),
        (vocab.REFERRAL_SOURCES, ("caseworker", "police-api", "partner", "self-referral")),
        (vocab.CLOSURE_REASONS, ("support-completed", "declined-support", "not-contactable", "transferred",
                                   "consent-withdrawn")),
        (vocab.OUTCOME_ANSWERS, ("improved", "same", "worse", "not-asked")),
        (vocab.OUTCOME_QUESTIONS, ("feels-safer", "better-able-to-cope", "better-informed")),
        (vocab.VICTIMS_CODE_NEEDS, ("information", "safety", "health", "housing", "finance", "justice-process",
                                    "emotional-support")),
        (vocab.CONSENT_METHODS, ("in-person", "phone", "written", "online")),
        (vocab.LAWFUL_BASES, ("child-safeguarding", "marac", "vital-interests")),
        (vocab.AGE_BANDS, ("0-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+")),
    ],
)
def test_vocabulary_slugs_in_order(vocabulary, expected):
    assert vocab.slugs(vocabulary) == expected


@pytest.mark.parametrize(
    "vocabulary, slug, expected",
    [
        (vocab.OFFENCE_CATEGORIES, "stalking-harassment", "Stalking or harassment"),
        (vocab.OFFENCE_CATEGORIES, "weapon-offence", "Knife or weapon crime"),
        (vocab.SERVICES, "child-house", "Child House"),
        (vocab.SERVICES, "domestic-abuse", "Domestic abuse advocacy"),
        (vocab.SERVICES, "hate-crime", "Hate crime advocacy"),
        (vocab.SERVICES, "restorative-justice", "Restorative justice"),
        (vocab.SERVICES, "victims-commissioner", "Victims' Commissioner casework"),
        (vocab.SERVICES, "victim-support", "Victim support"),
        (vocab.VICTIMS_CODE_RIGHTS, "make-a-complaint", "Make a complaint"),
        (vocab.SERVICES, "retired-service", "retired-service"),  # unknown slugs display as themselves
    ],
)
def test_label(vocabulary, slug, expected):
    assert vocab.label(vocabulary, slug) == expected


def test_victims_code_has_twelve_rights():
    assert len(vocab.VICTIMS_CODE_RIGHTS) == 12
    assert vocab.VICTIMS_CODE_RIGHTS[3] == ("referral-to-support", "Referral to support services")


@pytest.mark.parametrize(
    "name", ["SEX", "GENDER_IDENTITY", "ETHNICITY", "DISABILITY", "RELIGION", "SEXUAL_ORIENTATION"]
)
def test_equality_lists_offer_prefer_not_to_say(name):
    assert "prefer-not-to-say" in vocab.slugs(getattr(vocab, name))
    assert name.lower() in vocab.EQUALITY_QUESTIONS


def test_ethnicity_has_19_census_groups_under_5_headings():
    groups = [slug for slug in vocab.slugs(vocab.ETHNICITY) if slug != "prefer-not-to-say"]
    assert len(groups) == 19
    assert set(vocab.ETHNICITY_HEADING) == set(groups)
    assert set(vocab.ETHNICITY_HEADING.values()) == set(vocab.slugs(vocab.ETHNICITY_HEADINGS))
    assert len(vocab.ETHNICITY_HEADINGS) == 5
    counts = {h: list(vocab.ETHNICITY_HEADING.values()).count(h) for h in vocab.slugs(vocab.ETHNICITY_HEADINGS)}
    assert counts == {"white": 5, "mixed": 4, "asian": 5, "black": 3, "other": 2}


def test_religion_and_sexual_orientation_census_categories():
    assert vocab.slugs(vocab.RELIGION) == ("no-religion", "christian", "buddhist", "hindu", "jewish", "muslim",
                                           "sikh", "other", "prefer-not-to-say")
    assert vocab.slugs(vocab.SEXUAL_ORIENTATION) == ("straight-or-heterosexual", "gay-or-lesbian", "bisexual",
                                                     "other", "prefer-not-to-say")


@pytest.mark.parametrize(
    "age, band",
    [(0, "0-17"), (17, "0-17"), (18, "18-24"), (24, "18-24"), (25, "25-34"), (34, "25-34"), (35, "35-44"),
     (44, "35-44"), (45, "45-54"), (54, "45-54"), (55, "55-64"), (64, "55-64"), (65, "65+"), (104, "65+")],
)
def test_age_band(age, band):
    assert vocab.age_band(age) == band


def test_age_band_rejects_negative_age():
    with pytest.raises(ValueError, match="negative"):
        vocab.age_band(-1)


def test_vocabularies_work_as_form_choices():
    # Forms pass vocabularies straight to WTForms as choices: (value, label) pairs.
    assert list(vocab.ROLES)[0] == ("caseworker", "Caseworker")
    assert vocab.labels(vocab.ROLES)["admin"] == "Administrator"
