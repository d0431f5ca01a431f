"""Routing rules, consent, lawful bases, enhanced entitlement and first-contact deadlines."""
from dataclasses import replace
from datetime import date, datetime, timezone

import pytest

from victimcare.domain.dash import assess_dash
from victimcare.domain.routing import (
    DeadlinePolicy,
    MissingDeadlinePolicy,
    ReferralFacts,
    enhanced_entitlement,
    route_referral,
)
from victimcare.domain.vocab import SERVICES, slugs

# Thursday 24 December 2026: enhanced (2 days) -> Wed 30 Dec; standard (5 days) -> Tue 5 Jan 2027.
RECEIVED = datetime(2026, 12, 24, 10, 0, tzinfo=timezone.utc)
ENHANCED_DUE = date(2026, 12, 30)
STANDARD_DUE = date(2027, 1, 5)
POLICIES = {service: DeadlinePolicy(enhanced_days=2, standard_days=5) for service in slugs(SERVICES)}
ASSESSED = date(2026, 12, 24)
HIGH_DASH = assess_dash(15, assessed_on=ASSESSED)
MEDIUM_DASH = assess_dash(11, assessed_on=ASSESSED)
ESCALATION_DASH = assess_dash(11, incidents_last_12_months=3, assessed_on=ASSESSED)
JUDGED_DASH = assess_dash(8, professional_judgement=True, professional_judgement_reason="Threats to kill",
                          assessed_on=ASSESSED)


def facts(**overrides) -> ReferralFacts:
    """An adult burglary victim who consented to referral, with whatever changes a test needs."""
    base = dict(received_at=RECEIVED, age_at_offence=35, offence_category="burglary", referral_consent=True)
    base.update(overrides)
    return ReferralFacts(**base)


def rules(decision):
    return tuple(route.rule for route in decision.routes)


def route_for(decision, rule):
    return next(route for route in decision.routes if route.rule == rule)


# --- Each rule, positive and negative --------------------------------------------------------------------------

@pytest.mark.parametrize(
    "overrides, expected_rules",
    [
        # child-sexual-abuse
        ({"age_at_offence": 15, "offence_category": "sexual-offence"}, ("child-sexual-abuse",)),
        ({"age_at_offence": 17, "sexual_offence": True}, ("child-sexual-abuse",)),
        ({"age_at_offence": 18, "offence_category": "sexual-offence"}, ("general-support",)),
        ({"age_at_offence": None, "offence_category": "sexual-offence"}, ("general-support",)),
        ({"age_at_offence": 12, "offence_category": "robbery"}, ("general-support",)),
        # domestic-abuse
        ({"domestic_abuse": True}, ("domestic-abuse",)),
        ({"offence_category": "domestic-abuse"}, ("domestic-abuse",)),
        ({"offence_category": "violence-with-injury"}, ("general-support",)),
        # hate-crime
        ({"hate_strands": ("race",)}, ("hate-crime",)),
        ({"hate_strands": ("disability", "religion")}, ("hate-crime",)),
        ({"offence_category": "hate-crime"}, ("hate-crime",)),
        ({"hate_strands": ()}, ("general-support",)),
        # restorative-justice
        ({"restorative_justice_requested": True, "restorative_justice_consent": True}, ("restorative-justice",)),
        # Written consent belongs to the RJ process (asked on the RJ case), not to the referral.
        ({"restorative_justice_requested": True}, ("restorative-justice",)),
        ({"restorative_justice_consent": True}, ("general-support",)),  # not requested
        # code-complaint
        ({"code_complaint": True}, ("code-complaint",)),
        # general-support
        ({}, ("general-support",)),
        ({"offence_category": "fraud"}, ("general-support",)),
    ],
)
def test_each_rule(overrides, expected_rules):
    assert rules(route_referral(facts(**overrides), POLICIES)) == expected_rules


@pytest.mark.parametrize(
    "rule, overrides, service, priority",
    [
        ("child-sexual-abuse", {"age_at_offence": 15, "offence_category": "sexual-offence"}, "child-house", "high"),
        ("domestic-abuse", {"domestic_abuse": True, "dash": MEDIUM_DASH}, "domestic-abuse", "normal"),
        ("hate-crime", {"hate_strands": ("race",)}, "hate-crime", "normal"),
        ("restorative-justice", {"restorative_justice_requested": True, "restorative_justice_consent": True},
         "restorative-justice", "normal"),
        ("code-complaint", {"code_complaint": True}, "victims-commissioner", "normal"),
        ("general-support", {}, "victim-support", "normal"),
    ],
)
def test_route_service_and_priority(rule, overrides, service, priority):
    route = route_for(route_referral(facts(**overrides), POLICIES), rule)
    assert (route.service, route.priority, route.lawful_basis) == (service, priority, None)
    assert route.reason.endswith(".")


# --- Domestic abuse risk -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "dash, priority, marac",
    [
        (None, "normal", False),
        (MEDIUM_DASH, "normal", False),
        (HIGH_DASH, "high", True),
        (ESCALATION_DASH, "high", True),
        (JUDGED_DASH, "high", True),
    ],
)
def test_domestic_abuse_priority_follows_dash(dash, priority, marac):
    route = route_for(route_referral(facts(domestic_abuse=True, dash=dash), POLICIES), "domestic-abuse")
    assert (route.priority, route.marac) == (priority, marac)


def test_domestic_abuse_reason_names_the_score():
    route = route_for(route_referral(facts(domestic_abuse=True, dash=HIGH_DASH), POLICIES), "domestic-abuse")
    assert route.reason == "Domestic abuse with high DASH risk (15 of 24): MARAC referral required."
    judged = route_for(route_referral(facts(domestic_abuse=True, dash=JUDGED_DASH), POLICIES), "domestic-abuse")
    assert "professional judgement" in judged.reason and "8 of 24" in judged.reason


# --- Consent -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("consent", [None, False])
@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"domestic_abuse": True},
        {"domestic_abuse": True, "dash": MEDIUM_DASH},
        {"hate_strands": ("race",)},
        {"restorative_justice_requested": True, "restorative_justice_consent": True},
        {"code_complaint": True},
        {"age_at_offence": 25, "offence_category": "sexual-offence"},
        {"age_at_offence": 16, "offence_category": "robbery"},
    ],
)
def test_no_consent_means_no_consent_based_routes(consent, overrides):
    decision = route_referral(facts(referral_consent=consent, **overrides), POLICIES)
    assert decision.routes == ()
    assert decision.not_routed_reason.endswith("so no referral was made.")
    assert decision.withheld


@pytest.mark.parametrize(
    "consent, start",
    [
        (None, "The victim has not yet been asked whether they agree to be referred"),
        (False, "The victim opted out of referral to support services"),
    ],
)
def test_not_routed_reason_says_why(consent, start):
    assert route_referral(facts(referral_consent=consent), POLICIES).not_routed_reason.startswith(start)


@pytest.mark.parametrize("consent", [None, False])
def test_child_sexual_abuse_routes_without_consent_on_safeguarding_basis(consent):
    decision = route_referral(facts(age_at_offence=9, offence_category="sexual-offence", referral_consent=consent),
                              POLICIES)
    route = route_for(decision, "child-sexual-abuse")
    assert (route.service, route.lawful_basis, route.priority) == ("child-house", "child-safeguarding", "high")
    assert "child safeguarding" in route.reason
    assert decision.not_routed_reason is None  # nothing else was held back


@pytest.mark.parametrize("consent", [None, False])
@pytest.mark.parametrize("dash", [HIGH_DASH, ESCALATION_DASH, JUDGED_DASH])
def test_marac_domestic_abuse_routes_without_consent(consent, dash):
    decision = route_referral(facts(domestic_abuse=True, dash=dash, referral_consent=consent), POLICIES)
    route = route_for(decision, "domestic-abuse")
    assert (route.lawful_basis, route.marac, route.priority) == ("marac", True, "high")
    assert decision.not_routed_reason is None


def test_lawful_basis_routes_only_and_the_rest_held_back():
    decision = route_referral(
        facts(referral_consent=False, age_at_offence=16, offence_category="sexual-offence", domestic_abuse=True,
              hate_strands=("sexual-orientation",), code_complaint=True),
        POLICIES,
    )
    assert rules(decision) == ("child-sexual-abuse",)
    assert decision.not_routed_reason == ("The victim opted out of referral to support services, so only referrals "
                                          "with a lawful basis were made.")
    assert len(decision.withheld) == 3


def test_consented_routes_have_no_lawful_basis():
    decision = route_referral(facts(domestic_abuse=True, dash=HIGH_DASH, age_at_offence=15, sexual_offence=True),
                              POLICIES)
    assert all(route.lawful_basis is None for route in decision.routes)


# --- Multiple routes ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "overrides, expected_rules",
    [
        ({"domestic_abuse": True, "hate_strands": ("race",)}, ("domestic-abuse", "hate-crime")),
        ({"hate_strands": ("religion",), "restorative_justice_requested": True, "restorative_justice_consent": True,
          "code_complaint": True}, ("hate-crime", "restorative-justice", "code-complaint")),
        ({"age_at_offence": 15, "offence_category": "sexual-offence", "domestic_abuse": True,
          "hate_strands": ("transgender-identity",)}, ("child-sexual-abuse", "domestic-abuse", "hate-crime")),
        ({"restorative_justice_requested": True, "restorative_justice_consent": True, "code_complaint": True},
         ("restorative-justice", "code-complaint")),
    ],
)
def test_multiple_routes_and_no_general_support_alongside(overrides, expected_rules):
    assert rules(route_referral(facts(**overrides), POLICIES)) == expected_rules


# --- Restorative justice exclusions --------------------------------------------------------------------------------

RJ = {"restorative_justice_requested": True, "restorative_justice_consent": True}


@pytest.mark.parametrize(
    "overrides, offered",
    [
        ({"domestic_abuse": True, "dash": HIGH_DASH}, False),
        ({"domestic_abuse": True, "dash": JUDGED_DASH}, False),  # high by professional judgement
        ({"domestic_abuse": True, "dash": MEDIUM_DASH}, True),
        ({"domestic_abuse": True, "dash": ESCALATION_DASH}, True),  # MARAC but not high level
        ({"domestic_abuse": True}, True),
        ({"age_at_offence": 15, "offence_category": "sexual-offence"}, False),
        ({"age_at_offence": 30, "offence_category": "sexual-offence"}, True),
        ({"age_at_offence": 15, "offence_category": "robbery"}, True),
    ],
)
def test_restorative_justice_exclusions(overrides, offered):
    decision = route_referral(facts(**RJ, **overrides), POLICIES)
    assert ("restorative-justice" in rules(decision)) is offered
    if not offered:
        assert any("not offered" in item for item in decision.withheld)


def test_restorative_justice_needs_referral_consent_too():
    decision = route_referral(facts(referral_consent=None, **RJ), POLICIES)
    assert decision.routes == ()
    assert decision.withheld == ("Restorative justice: not referred without the victim's consent.",)


# --- Deadlines ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "overrides, due",
    [
        ({}, STANDARD_DUE),
        ({"bereaved_relative": True}, ENHANCED_DUE),
        ({"domestic_abuse": True}, ENHANCED_DUE),
        ({"age_at_offence": 15, "offence_category": "sexual-offence"}, ENHANCED_DUE),
    ],
)
def test_first_contact_due_uses_enhanced_or_standard_days(overrides, due):
    decision = route_referral(facts(**overrides), POLICIES)
    assert {route.first_contact_due for route in decision.routes} == {due}


def test_each_service_uses_its_own_policy():
    policies = dict(POLICIES, **{"hate-crime": DeadlinePolicy(enhanced_days=1, standard_days=3),
                                 "domestic-abuse": DeadlinePolicy(enhanced_days=0, standard_days=0)})
    decision = route_referral(facts(domestic_abuse=True, hate_strands=("race",)), policies)
    assert route_for(decision, "hate-crime").first_contact_due == date(2026, 12, 29)
    assert route_for(decision, "domestic-abuse").first_contact_due == date(2026, 12, 24)


def test_london_date_decides_the_start_of_counting():
    late = facts(received_at=datetime(2026, 6, 30, 23, 30, tzinfo=timezone.utc), bereaved_relative=True)
    assert route_referral(late, POLICIES).routes[0].first_contact_due == date(2026, 7, 3)


def test_missing_policy_is_a_clear_error():
    with pytest.raises(MissingDeadlinePolicy, match="Victim support"):
        route_referral(facts(), {"hate-crime": DeadlinePolicy(1, 2)})


def test_negative_policy_rejected():
    with pytest.raises(ValueError):
        DeadlinePolicy(enhanced_days=-1, standard_days=5)


# --- Enhanced entitlement ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "overrides, fragment",
    [
        ({"domestic_abuse": True}, "domestic abuse"),
        ({"offence_category": "domestic-abuse"}, "domestic abuse"),
        ({"hate_strands": ("disability",)}, "hate crime (disability)"),
        ({"offence_category": "hate-crime"}, "hate crime"),
        ({"most_serious_crime": True}, "most serious crimes (such as"),
        ({"bereaved_relative": True}, "bereaved"),
        ({"persistently_targeted": True}, "Persistently targeted"),
        ({"offence_category": "stalking-harassment"}, "stalking or harassment"),
        ({"vulnerable_or_intimidated": True}, "Vulnerable or intimidated"),
        ({"age_at_offence": 17}, "Aged 17"),
    ],
)
def test_each_enhanced_rule_alone(overrides, fragment):
    enhanced, reasons = enhanced_entitlement(facts(**overrides))
    assert enhanced
    assert len(reasons) == 1
    assert fragment in reasons[0]


def test_sexual_offence_is_most_serious_and_intimidated():
    enhanced, reasons = enhanced_entitlement(facts(sexual_offence=True))
    assert enhanced and len(reasons) == 2
    assert "most serious" in reasons[0] and "intimidated automatically" in reasons[1]


@pytest.mark.parametrize(
    "overrides",
    [{}, {"age_at_offence": 18}, {"age_at_offence": None}, {"weapon_involved": True}, {"code_complaint": True},
     {"offence_category": "robbery"}],
)
def test_not_enhanced(overrides):
    assert enhanced_entitlement(facts(**overrides)) == (False, ())


def test_enhanced_reasons_are_distinct_and_all_listed():
    decision = route_referral(
        facts(age_at_offence=16, offence_category="stalking-harassment", domestic_abuse=True, sexual_offence=True,
              hate_strands=("race",), most_serious_crime=True, bereaved_relative=True, persistently_targeted=True,
              vulnerable_or_intimidated=True),
        POLICIES,
    )
    assert decision.enhanced
    assert len(decision.enhanced_reasons) == 10
    assert len(set(decision.enhanced_reasons)) == 10


# --- Facts validation ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"offence_category": "arson"}, "Unknown offence category"),
        ({"hate_strands": ("age",)}, "Unknown hate crime strand"),
        ({"age_at_offence": -1}, "negative"),
    ],
)
def test_invalid_facts(overrides, message):
    with pytest.raises(ValueError, match=message):
        facts(**overrides)


def test_facts_are_immutable_and_hashable():
    f = facts(hate_strands=["race"])
    assert f.hate_strands == ("race",)
    assert hash(f) == hash(replace(f))


def test_a_closed_service_is_held_back_and_general_support_still_applies():
    decision = route_referral(facts(hate_strands=("race",)), POLICIES, closed_services={"hate-crime"})
    assert rules(decision) == ("general-support",)
    assert decision.closed == ("hate-crime",)
    assert any("Hate crime advocacy is not taking new referrals" in line for line in decision.withheld)


def test_a_closed_service_beside_an_open_one_routes_only_the_open_one():
    decision = route_referral(facts(domestic_abuse=True, hate_strands=("religion",)), POLICIES,
                              closed_services={"domestic-abuse"})
    assert rules(decision) == ("hate-crime",) and decision.closed == ("domestic-abuse",)


# --- Routing gaps: young adults with additional needs, acute sexual assault, RJ specialist risk -------------------

@pytest.mark.parametrize(
    "overrides, expected_rules",
    [
        ({"age_at_offence": 18, "sexual_offence": True, "additional_needs": True}, ("young-adult-sexual-abuse",)),
        ({"age_at_offence": 25, "sexual_offence": True, "additional_needs": True}, ("young-adult-sexual-abuse",)),
        ({"age_at_offence": 26, "sexual_offence": True, "additional_needs": True}, ("general-support",)),
        ({"age_at_offence": 20, "sexual_offence": True}, ("general-support",)),  # no additional needs
        ({"age_at_offence": 20, "offence_category": "robbery", "additional_needs": True}, ("general-support",)),
        ({"age_at_offence": None, "sexual_offence": True, "additional_needs": True}, ("general-support",)),
        # A child keeps the child rule, additional needs or not; exploitation is a sexual offence.
        ({"age_at_offence": 16, "sexual_offence": True, "additional_needs": True}, ("child-sexual-abuse",)),
        ({"age_at_offence": 15, "child_sexual_exploitation": True}, ("child-sexual-abuse",)),
    ],
)
def test_young_adults_with_additional_needs_go_to_the_child_house(overrides, expected_rules):
    decision = route_referral(facts(**overrides), POLICIES)
    assert rules(decision) == expected_rules
    if expected_rules == ("young-adult-sexual-abuse",):
        route = decision.routes[0]
        assert (route.service, route.priority, route.lawful_basis) == ("child-house", "high", None)
        assert "learning disability or additional needs" in route.reason


def test_a_young_adult_is_an_adult_so_goes_to_the_child_house_only_with_consent():
    decision = route_referral(facts(age_at_offence=21, sexual_offence=True, additional_needs=True,
                                    referral_consent=None), POLICIES)
    assert decision.routes == ()
    assert any("Child House" in line for line in decision.withheld)


@pytest.mark.parametrize(
    "offence_date, sexual, acute",
    [
        (date(2026, 12, 24), True, True),    # the same day
        (date(2026, 12, 17), True, True),    # 7 days before: still acute
        (date(2026, 12, 16), True, False),   # 8 days before
        (date(2026, 12, 20), False, False),  # not a sexual offence
        (None, True, False),                 # date not known
    ],
)
def test_an_acute_sexual_assault_is_signposted_to_the_havens_first(offence_date, sexual, acute):
    decision = route_referral(facts(offence_date=offence_date, sexual_offence=sexual), POLICIES)
    if acute:
        (signpost,) = decision.signposts
        assert signpost.to == "sarc"
        assert "Havens" in signpost.reason and "within 7 days" in signpost.reason
    else:
        assert decision.signposts == ()
    assert decision.routes  # signposting is as well as the routes, not instead of them


def test_signposting_needs_no_consent_and_goes_with_the_child_house_route():
    decision = route_referral(facts(age_at_offence=14, offence_category="sexual-offence", referral_consent=None,
                                    offence_date=date(2026, 12, 22)), POLICIES)
    assert rules(decision) == ("child-sexual-abuse",)
    assert "2 days before the referral" in decision.signposts[0].reason


def test_acute_is_counted_on_london_dates():
    # 23:30 UTC on 24 June is 00:30 on 25 June in London: an offence on 17 June is then 8 days before.
    late = datetime(2026, 6, 24, 23, 30, tzinfo=timezone.utc)
    decision = route_referral(facts(received_at=late, sexual_offence=True, offence_date=date(2026, 6, 17)), POLICIES)
    assert decision.signposts == ()


@pytest.mark.parametrize(
    "overrides, flagged_for",
    [
        ({"offence_category": "stalking-harassment"}, "stalking or harassment"),
        ({"persistently_targeted": True}, "stalking or harassment"),
        ({"trafficking": True}, "trafficking"),
        ({"child_sexual_exploitation": True, "age_at_offence": 30}, "child sexual exploitation"),
        ({"trafficking": True, "offence_category": "stalking-harassment"}, "stalking or harassment and trafficking"),
        ({}, None),
        ({"offence_category": "robbery"}, None),
    ],
)
def test_restorative_justice_for_specialist_risk_offences_is_allowed_but_flagged(overrides, flagged_for):
    decision = route_referral(facts(restorative_justice_requested=True, **overrides), POLICIES)
    rj = route_for(decision, "restorative-justice")
    if flagged_for:
        assert f"Specialist risk assessment needed: {flagged_for}." in rj.reason
    else:
        assert "Specialist" not in rj.reason


def test_child_sexual_exploitation_allows_rj_where_other_child_sexual_abuse_does_not():
    exploited = route_referral(facts(age_at_offence=16, child_sexual_exploitation=True,
                                     restorative_justice_requested=True), POLICIES)
    assert rules(exploited) == ("child-sexual-abuse", "restorative-justice")
    abused = route_referral(facts(age_at_offence=16, sexual_offence=True, restorative_justice_requested=True),
                            POLICIES)
    assert rules(abused) == ("child-sexual-abuse",)


def test_trafficking_gives_enhanced_rights_twice_over():
    enhanced, reasons = enhanced_entitlement(facts(trafficking=True))
    assert enhanced
    assert "Victim of human trafficking, one of the most serious crimes." in reasons
    assert "Victims of trafficking count as intimidated automatically." in reasons
