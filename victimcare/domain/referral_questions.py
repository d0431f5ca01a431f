"""Which questions the referral form asks, given what is already known about the victim and the offence.

A child's referral asks for a parent or carer; a domestic abuse referral asks about the person causing harm and the
children in the household; the optional equality questions fit the age (no sexual orientation or gender identity
questions for a child under 16, as the ONS and the 2021 Census do not ask them of under-16s).
"""
from datetime import date

from .people import age_on

ADULT_AGE = 18
# Census 2021 asked sexual orientation and gender identity only of people aged 16 and over.
IDENTITY_QUESTIONS_FROM_AGE = 16


def age_now(date_of_birth: date | None, today: date) -> int | None:
    return age_on(date_of_birth, today)


def is_child(age: int | None) -> bool:
    """Under 18 (an unknown age is not treated as a child: the referrer is asked for the date of birth first)."""
    return age is not None and age < ADULT_AGE


def asks_parent_carer(age: int | None) -> bool:
    return is_child(age)


def asks_about_perpetrator(domestic_abuse: bool) -> bool:
    return domestic_abuse


def asks_household(domestic_abuse: bool, age: int | None) -> bool:
    """The "people around them" page applies to domestic abuse (perpetrator, children) and to a child victim."""
    return asks_about_perpetrator(domestic_abuse) or asks_parent_carer(age)


def asks_identity_questions(age: int | None) -> bool:
    """Sexual orientation and gender identity: not asked of a child under 16 (asked when the age is not known;
    every equality question is optional)."""
    return age is None or age >= IDENTITY_QUESTIONS_FROM_AGE


# The young people's self-referral: the Child House takes self-referrals from 13; from 18 the adult form applies.
YOUNG_SELF_REFERRAL_AGES = (13, 17)


def young_self_referral_problem(date_of_birth: date | None, today: date) -> str | None:
    """Why someone cannot use the young people's form (too young, or an adult), or None when they can."""
    age = age_now(date_of_birth, today)
    if age is None:
        return None
    youngest, oldest = YOUNG_SELF_REFERRAL_AGES
    if age < youngest:
        return ("You need to be 13 or older to use this form. Ask an adult you trust to help you, or call Childline "
                "free on 0800 1111")
    if age > oldest:
        return "You are 18 or over: use the form for adults instead"
    return None
