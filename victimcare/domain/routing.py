"""Routing a referral to services, and deciding whether the victim is entitled to enhanced rights.

Routing is a pure function of the facts recorded on the referral and each service's first-contact policy, so a
decision can be recomputed and explained later. Every route carries a stable rule id and a plain-English reason
that names the facts it relied on.

Consent: a victim may opt out of referral, and adults are only routed with their consent. Two lawful bases
allow a referral without it: child safeguarding (a sexual offence against a child goes to the Child House) and
MARAC (a domestic abuse victim who meets a MARAC criterion goes to domestic abuse advocacy).

Signposting is not a route: an acute sexual assault (within the last ``ACUTE_SEXUAL_ASSAULT_DAYS`` days) is first
signposted to the sexual assault referral centre (in London, the Havens) for forensic and medical care, whatever
else the referral is routed to.
"""
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from .clock import london_date
from .dash import QUESTION_COUNT, DashResult
from .deadlines import first_contact_due
from .vocab import HATE_STRAND_LABELS, OFFENCE_CATEGORY_LABELS, SERVICE_LABELS

ADULT_AGE = 18
# The Child House also takes young people up to this age (inclusive) with learning disabilities or additional needs.
YOUNG_ADULT_MAX_AGE = 25
# A sexual assault this many days ago or fewer is acute: forensic evidence and emergency care are still possible.
ACUTE_SEXUAL_ASSAULT_DAYS = 7
SIGNPOST_SARC = "sarc"

# Rule ids are stored with each routing decision: never rename one.
RULE_CHILD_SEXUAL_ABUSE = "child-sexual-abuse"
RULE_YOUNG_ADULT_SEXUAL_ABUSE = "young-adult-sexual-abuse"
RULE_DOMESTIC_ABUSE = "domestic-abuse"
RULE_HATE_CRIME = "hate-crime"
RULE_RESTORATIVE_JUSTICE = "restorative-justice"
RULE_CODE_COMPLAINT = "code-complaint"
RULE_GENERAL_SUPPORT = "general-support"
RULES = (
    RULE_CHILD_SEXUAL_ABUSE,
    RULE_YOUNG_ADULT_SEXUAL_ABUSE,
    RULE_DOMESTIC_ABUSE,
    RULE_HATE_CRIME,
    RULE_RESTORATIVE_JUSTICE,
    RULE_CODE_COMPLAINT,
    RULE_GENERAL_SUPPORT,
)


def is_child_safeguarding(rule: str) -> bool:
    """A case opened by this rule is a child-safeguarding case (flagged in queues, held on a lawful basis)."""
    return rule == RULE_CHILD_SEXUAL_ABUSE


@dataclass(frozen=True, kw_only=True)
class ReferralFacts:
    """What routing needs to know about a referral.

    ``referral_consent`` is None when the victim has not been asked yet, False when they opted out.
    ``sexual_offence`` and ``domestic_abuse`` are flags because either can accompany another offence category
    (a burglary in a domestic abuse context); the matching offence category counts as well.
    ``most_serious_crime`` marks offences in the Code's "most serious crime" group that have no category of
    their own (attempted murder, human trafficking, terrorism, kidnap, false imprisonment, arson with intent to
    endanger life, wounding or GBH with intent). ``trafficking`` (human trafficking or modern slavery) and
    ``child_sexual_exploitation`` are flags of their own because restorative justice for them needs a specialist
    risk assessment; child sexual exploitation is a sexual offence. ``additional_needs``: the victim has a
    learning disability or additional needs (the Child House takes them up to 25). ``offence_date`` (a London
    date) tells an acute sexual assault. A naive ``received_at`` is taken to be UTC.
    """

    received_at: datetime
    age_at_offence: int | None
    offence_category: str
    sexual_offence: bool = False
    domestic_abuse: bool = False
    hate_strands: tuple[str, ...] = ()
    persistently_targeted: bool = False
    vulnerable_or_intimidated: bool = False
    bereaved_relative: bool = False
    weapon_involved: bool = False
    referral_consent: bool | None = None
    restorative_justice_requested: bool = False
    restorative_justice_consent: bool = False
    code_complaint: bool = False
    dash: DashResult | None = None
    most_serious_crime: bool = False
    offence_date: date | None = None
    additional_needs: bool = False
    trafficking: bool = False
    child_sexual_exploitation: bool = False

    def __post_init__(self) -> None:
        if self.offence_category not in OFFENCE_CATEGORY_LABELS:
            raise ValueError(f"Unknown offence category {self.offence_category!r}.")
        # Accept any iterable of strands but store a tuple, so the facts stay hashable and immutable.
        strands = tuple(self.hate_strands)
        unknown = [s for s in strands if s not in HATE_STRAND_LABELS]
        if unknown:
            raise ValueError(f"Unknown hate crime strand(s): {', '.join(unknown)}.")
        object.__setattr__(self, "hate_strands", strands)
        if self.age_at_offence is not None and self.age_at_offence < 0:
            raise ValueError(f"The age at the time of the offence cannot be negative (got {self.age_at_offence}).")

    @property
    def is_child(self) -> bool:
        """Under 18 at the time of the offence. An unknown age is not treated as a child's."""
        return self.age_at_offence is not None and self.age_at_offence < ADULT_AGE

    @property
    def is_young_adult_with_additional_needs(self) -> bool:
        """18 to 25 at the offence, with a learning disability or additional needs."""
        return (self.additional_needs and self.age_at_offence is not None
                and ADULT_AGE <= self.age_at_offence <= YOUNG_ADULT_MAX_AGE)

    @property
    def is_sexual_offence(self) -> bool:
        return self.sexual_offence or self.child_sexual_exploitation or self.offence_category == "sexual-offence"

    @property
    def is_acute_sexual_assault(self) -> bool:
        """A sexual offence within the last ACUTE_SEXUAL_ASSAULT_DAYS days of the referral's receipt (London)."""
        if not self.is_sexual_offence or self.offence_date is None:
            return False
        days = (london_date(self.received_at) - self.offence_date).days
        return 0 <= days <= ACUTE_SEXUAL_ASSAULT_DAYS

    @property
    def is_domestic_abuse(self) -> bool:
        return self.domestic_abuse or self.offence_category == "domestic-abuse"

    @property
    def is_hate_crime(self) -> bool:
        # The victim's perception decides; the category counts even before a strand has been recorded.
        return bool(self.hate_strands) or self.offence_category == "hate-crime"

    @property
    def is_stalking_or_harassment(self) -> bool:
        return self.offence_category == "stalking-harassment"


@dataclass(frozen=True)
class DeadlinePolicy:
    """A service's first-contact deadline in working days; set locally, with separate enhanced and standard values."""

    enhanced_days: int
    standard_days: int

    def __post_init__(self) -> None:
        if self.enhanced_days < 0 or self.standard_days < 0:
            raise ValueError("First-contact deadlines cannot be negative.")

    def days(self, enhanced: bool) -> int:
        """The deadline that applies to an enhanced or a standard victim."""
        return self.enhanced_days if enhanced else self.standard_days


@dataclass(frozen=True)
class Signpost:
    """Somewhere the victim is directed first, outside the services routed to (the Havens), and why."""

    to: str
    reason: str


@dataclass(frozen=True)
class Route:
    """One service a referral goes to, and why. ``lawful_basis`` is set only when routed without consent."""

    service: str
    rule: str
    reason: str
    priority: str
    first_contact_due: date
    marac: bool = False
    lawful_basis: str | None = None


@dataclass(frozen=True)
class RoutingDecision:
    """All routes for a referral, the victim's enhanced entitlement, and what was not routed and why.

    ``not_routed_reason`` is set when a route was held back for lack of consent and says why (not asked yet, or
    opted out); otherwise None. ``withheld`` lists, in plain English, every route a rule would have made but did
    not: for lack of consent, or restorative justice that is excluded.
    """

    routes: tuple[Route, ...]
    enhanced: bool
    enhanced_reasons: tuple[str, ...]
    not_routed_reason: str | None
    withheld: tuple[str, ...] = field(default=())
    # Services a rule chose that are not taking new referrals: a caseworker must route the victim elsewhere.
    closed: tuple[str, ...] = field(default=())
    # Routes asked for but ruled out, each with why (restorative justice at high risk): the confirmation says so.
    excluded: tuple[str, ...] = field(default=())
    signposts: tuple[Signpost, ...] = field(default=())

    @property
    def services(self) -> tuple[str, ...]:
        return tuple(route.service for route in self.routes)


def active_routes(decisions) -> dict:
    """service id -> the recorded decision that routes the referral there now: the decisions replayed in the
    order they were made (by id), a caseworker's removal taking away what came before it. ``decisions`` are
    anything with ``id``, ``kind`` ("rule", "override-add" or "override-remove") and ``service_id``."""
    active: dict = {}
    for decision in sorted(decisions, key=lambda d: d.id):
        if decision.kind == "override-remove":
            active.pop(decision.service_id, None)
        else:
            active[decision.service_id] = decision
    return active


class MissingDeadlinePolicy(LookupError):
    """Routing needs a first-contact policy for a service that has none configured."""


def enhanced_entitlement(facts: ReferralFacts) -> tuple[bool, tuple[str, ...]]:
    """Whether the victim is entitled to enhanced rights under the Victims' Code, and every reason why.

    The three groups are victims of the most serious crime (including bereaved close relatives), persistently
    targeted victims, and vulnerable or intimidated victims; one reason is given per fact that qualifies.
    """
    reasons: list[str] = []
    # Most serious crime.
    if facts.is_domestic_abuse:
        reasons.append("Victim of domestic abuse, one of the most serious crimes.")
    if facts.is_hate_crime:
        reasons.append(f"Victim of hate crime{_strand_phrase(facts)}, one of the most serious crimes.")
    if facts.is_sexual_offence:
        reasons.append("Victim of a sexual offence, one of the most serious crimes.")
    if facts.trafficking:
        reasons.append("Victim of human trafficking, one of the most serious crimes.")
    if facts.most_serious_crime:
        reasons.append("Victim of one of the most serious crimes (such as attempted murder, trafficking or kidnap).")
    if facts.bereaved_relative:
        reasons.append("Close relative bereaved by crime.")
    # Persistently targeted.
    if facts.is_stalking_or_harassment:
        reasons.append("Victim of stalking or harassment, so persistently targeted.")
    if facts.persistently_targeted:
        reasons.append("Persistently targeted: repeatedly targeted by the offender.")
    # Vulnerable or intimidated.
    if facts.is_child:
        reasons.append(f"Aged {facts.age_at_offence} at the time of the offence: under-18s are vulnerable automatically.")
    if facts.is_sexual_offence:
        reasons.append("Victims of sexual offences count as intimidated automatically.")
    if facts.trafficking:
        reasons.append("Victims of trafficking count as intimidated automatically.")
    if facts.vulnerable_or_intimidated:
        reasons.append("Vulnerable or intimidated victim, as recorded by the referrer.")
    return bool(reasons), tuple(reasons)


def closed_service_message(service: str) -> str:
    return (f"{SERVICE_LABELS.get(service, service)} is not taking new referrals: "
            "a caseworker must route the victim elsewhere.")


def route_referral(
    facts: ReferralFacts,
    policies: Mapping[str, DeadlinePolicy],
    holidays: Collection[date] | None = None,
    closed_services: Collection[str] = (),
) -> RoutingDecision:
    """Apply every routing rule to a referral.

    ``policies`` maps service slug to its first-contact policy (loaded per service by the app); each route's
    due date counts the enhanced or standard working days from the London date the referral was received.
    ``holidays`` overrides the bundled bank holidays (for tests). A route to one of ``closed_services`` (not taking
    new referrals) is not made: it is listed in ``withheld`` and ``closed`` so the referral can wait for a
    caseworker, and general support still applies when nothing else was routed. Rules, in order:

    - child-sexual-abuse: under 18 at the offence and a sexual offence (exploitation included) -> Child House,
      high priority, with or without consent (lawful basis child safeguarding);
    - young-adult-sexual-abuse: 18 to 25 at the offence with a learning disability or additional needs, and a
      sexual offence -> Child House, high priority, with consent (an adult);
    - domestic-abuse -> domestic abuse advocacy; a DASH MARAC criterion makes it high priority, flags MARAC and
      lets it proceed without consent (lawful basis MARAC);
    - hate-crime: any strand -> hate crime advocacy (consent);
    - restorative-justice: requested (with referral consent), unless domestic abuse at high DASH risk or a sexual
      offence against a child other than exploitation. Written consent of both parties belongs to the RJ
      process: the RJ case asks for it before any meeting (domain/service_features.py), and either party may
      withdraw it at any time. Stalking, harassment, trafficking and child sexual exploitation are allowed but
      need a specialist risk assessment first (``specialist_risk_reason``: the RJ case is flagged);
    - code-complaint -> Victims' Commissioner casework (consent);
    - general-support -> victim support, only when no other route was made (consent).

    An acute sexual assault is also signposted to the Havens (``signposts``), with or without consent: it is
    advice to the victim, not a referral of their details.
    """
    enhanced, enhanced_reasons = enhanced_entitlement(facts)
    consented = facts.referral_consent is True
    routes: list[Route] = []
    withheld: list[str] = []
    held_for_consent: list[str] = []  # the subset of ``withheld`` held back only for lack of consent
    excluded: list[str] = []  # the subset of ``withheld`` ruled out by a rule
    closed: list[str] = []

    def add(service: str, rule: str, reason: str, priority: str = "normal", marac: bool = False,
            lawful_basis: str | None = None) -> None:
        if service in closed_services:
            closed.append(service)
            withheld.append(closed_service_message(service))
            return
        policy = policies.get(service)
        if policy is None:
            raise MissingDeadlinePolicy(
                f"No first-contact deadline is set for {SERVICE_LABELS.get(service, service)}; "
                f"set one before routing referrals to it."
            )
        due = first_contact_due(facts.received_at, policy.days(enhanced), holidays)
        routes.append(Route(service, rule, reason, priority, due, marac, lawful_basis))

    def needs_consent(what: str) -> None:
        message = f"{what}: not referred without the victim's consent."
        withheld.append(message)
        held_for_consent.append(message)

    # Child sexual abuse: safeguarding does not wait for consent.
    if facts.is_child and facts.is_sexual_offence:
        reason = f"Sexual offence against a child (aged {facts.age_at_offence} at the time): Child House."
        if not consented:
            reason += " Referred without consent as a child safeguarding referral."
        add("child-house", RULE_CHILD_SEXUAL_ABUSE, reason, priority="high",
            lawful_basis=None if consented else "child-safeguarding")
    elif facts.is_young_adult_with_additional_needs and facts.is_sexual_offence:
        if consented:
            add("child-house", RULE_YOUNG_ADULT_SEXUAL_ABUSE,
                f"Sexual offence against a young person (aged {facts.age_at_offence} at the time) with a learning "
                "disability or additional needs: Child House, which supports them up to 25.", priority="high")
        else:
            needs_consent("Child House (a young adult with additional needs)")

    # Domestic abuse.
    if facts.is_domestic_abuse:
        dash = facts.dash
        marac = dash is not None and (dash.marac or dash.level == "high")
        reason = _domestic_abuse_reason(dash, marac)
        if consented:
            add("domestic-abuse", RULE_DOMESTIC_ABUSE, reason, priority="high" if marac else "normal", marac=marac)
        elif marac:
            add("domestic-abuse", RULE_DOMESTIC_ABUSE, reason + " Referred without consent on the MARAC lawful basis.",
                priority="high", marac=True, lawful_basis="marac")
        else:
            needs_consent("Domestic abuse advocacy")

    # Hate crime.
    if facts.is_hate_crime:
        if consented:
            add("hate-crime", RULE_HATE_CRIME, f"Hate crime{_strand_phrase(facts)}: hate crime advocacy.")
        else:
            needs_consent("Hate crime advocacy")

    # Restorative justice: only on request, and never where the risk rules it out. Written consent is the RJ
    # service's first stage, not a condition of the referral.
    if facts.restorative_justice_requested:
        exclusion = _restorative_justice_exclusion(facts)
        if exclusion:
            withheld.append(f"Restorative justice was requested but is not offered: {exclusion}")
            excluded.append(withheld[-1])
        elif not consented:
            needs_consent("Restorative justice")
        else:
            specialist = specialist_risk_reason(
                offence_category=facts.offence_category, persistently_targeted=facts.persistently_targeted,
                trafficking=facts.trafficking, child_sexual_exploitation=facts.child_sexual_exploitation)
            add("restorative-justice", RULE_RESTORATIVE_JUSTICE,
                "Restorative justice requested by the victim: the service asks both parties for written consent "
                "before any meeting." + (f" {specialist}" if specialist else ""))

    # Complaint about Victims' Code rights.
    if facts.code_complaint:
        if consented:
            add("victims-commissioner", RULE_CODE_COMPLAINT,
                "Complaint that the victim's rights under the Victims' Code were not met: Victims' Commissioner casework.")
        else:
            needs_consent("Victims' Commissioner casework for a Victims' Code complaint")

    # General support is the fallback: only when no other route was made.
    if not routes:
        offence = OFFENCE_CATEGORY_LABELS[facts.offence_category]
        if consented:
            add("victim-support", RULE_GENERAL_SUPPORT, f"{offence}: no specialist service applies, so victim support.")
        elif not held_for_consent:
            # Only say so when no specialist route was already held back: that message covers it.
            needs_consent("Victim support")

    return RoutingDecision(
        routes=tuple(routes),
        enhanced=enhanced,
        enhanced_reasons=enhanced_reasons,
        not_routed_reason=_not_routed_reason(facts, bool(routes)) if held_for_consent else None,
        withheld=tuple(withheld),
        closed=tuple(closed),
        excluded=tuple(excluded),
        signposts=_signposts(facts),
    )


def specialist_risk_reason(*, offence_category: str, persistently_targeted: bool, trafficking: bool,
                           child_sexual_exploitation: bool) -> str | None:
    """Why restorative justice needs a specialist risk assessment before any meeting (RJC standards), or None.

    The RJ case is flagged with this reason and its meeting stages wait for the assessment
    (domain/service_features.py)."""
    stalking_or_harassment = offence_category == "stalking-harassment" or persistently_targeted
    what = [name for flag, name in ((stalking_or_harassment, "stalking or harassment"),
                                    (trafficking, "trafficking"),
                                    (child_sexual_exploitation, "child sexual exploitation")) if flag]
    if not what:
        return None
    listed = what[0] if len(what) == 1 else f"{', '.join(what[:-1])} and {what[-1]}"
    return (f"Specialist risk assessment needed: {listed}. No meeting stage can be recorded until it is.")


def _signposts(facts: ReferralFacts) -> tuple[Signpost, ...]:
    if not facts.is_acute_sexual_assault:
        return ()
    days = (london_date(facts.received_at) - facts.offence_date).days
    when = "today" if days == 0 else ("1 day before the referral" if days == 1 else f"{days} days before the referral")
    return (Signpost(SIGNPOST_SARC,
                     f"Acute sexual assault ({when}, within {ACUTE_SEXUAL_ASSAULT_DAYS} days): first signpost the "
                     "victim to the Havens, London's sexual assault referral centres, for forensic and medical care."),)



def _strand_phrase(facts: ReferralFacts) -> str:
    if not facts.hate_strands:
        return ""
    names = [HATE_STRAND_LABELS[s].lower() for s in facts.hate_strands]
    return f" ({', '.join(names)})"


def _domestic_abuse_reason(dash: DashResult | None, marac: bool) -> str:
    if dash is None:
        return "Domestic abuse (no DASH assessment recorded yet): domestic abuse advocacy."
    score = f"{dash.yes_count} of {QUESTION_COUNT}"
    if dash.level != dash.actuarial_level:
        risk = f"high DASH risk by professional judgement ({score}, {dash.actuarial_level} on score alone)"
    else:
        risk = f"{dash.level} DASH risk ({score})"
    if marac:
        return f"Domestic abuse with {risk}: MARAC referral required."
    return f"Domestic abuse with {risk}: domestic abuse advocacy."


def _restorative_justice_exclusion(facts: ReferralFacts) -> str | None:
    if facts.is_domestic_abuse and facts.dash is not None and facts.dash.level == "high":
        return "domestic abuse at high DASH risk."
    # Child sexual exploitation is allowed, flagged for a specialist risk assessment (RJC standards).
    if facts.is_child and facts.is_sexual_offence and not facts.child_sexual_exploitation:
        return "sexual offence against a child."
    return None


def _not_routed_reason(facts: ReferralFacts, any_routes: bool) -> str:
    if facts.referral_consent is False:
        why = "The victim opted out of referral to support services"
    else:
        why = "The victim has not yet been asked whether they agree to be referred"
    if any_routes:
        return f"{why}, so only referrals with a lawful basis were made."
    return f"{why}, so no referral was made."
