"""May we send this victim a message on this channel now? The safe-contact decision, as a pure function.

A wrong text or letter can tell an abuser that their victim is getting help. So a message goes only where the
victim has said it may (texts, emails, letters each agreed separately), only to their own details (never to a
perpetrator's), only inside the hours they gave as safe, and never when their record says "do not contact"
(a restricted record, consent withdrawn: other areas add such stops as ``ContactStop`` facts). Each refusal
names the rule that stops it, in words an advocate can act on.
"""
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

CHANNELS = ("sms", "email", "letter")
CHANNEL_NAMES = {"sms": "text message", "email": "email", "letter": "letter"}
# The rules in words, for the case timeline (other areas' stops add theirs).
RULE_LABELS = {
    "perpetrator-details": "the destination is also the perpetrator's",
    "no-texts": "the victim has not agreed to texts", "no-email": "the victim has not agreed to emails",
    "no-letters": "the victim has not agreed to letters", "no-mobile": "no UK mobile number is recorded",
    "no-email-address": "no email address is recorded", "no-letter-address": "no postal address is recorded",
    "outside-safe-hours": "outside the victim's safe hours", "consent-withdrawn": "the victim withdrew consent",
    "restricted": "the record is restricted",
}
_UK_MOBILE = re.compile(r"^(?:\+44|0044|0)7\d{9}$")


def is_uk_mobile(phone: str | None) -> bool:
    """A UK mobile number (the only kind GOV.UK Notify texts), ignoring spaces, dashes and brackets."""
    return bool(phone) and bool(_UK_MOBILE.match(re.sub(r"[\s()-]", "", phone)))


@dataclass(frozen=True)
class ContactStop:
    """A "do not contact" on the record: ``rule`` is a short slug, ``message`` says why in plain words."""

    rule: str
    message: str


@dataclass(frozen=True)
class ContactFacts:
    may_text: bool
    may_email: bool
    may_write: bool
    has_mobile: bool
    has_email: bool
    has_address: bool
    safe_from: time | None = None  # London wall clock; both None: any time
    safe_until: time | None = None
    stops: tuple[ContactStop, ...] = ()
    # Which channels' destinations are recorded as a perpetrator's (the same phone, email or address).
    perpetrator_channels: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ContactDecision:
    allowed: bool
    rule: str | None = None
    message: str = ""
    next_safe_time: datetime | None = None


ALLOWED = ContactDecision(True)


def within_safe_hours(moment: time, safe_from: time | None, safe_until: time | None) -> bool:
    if safe_from is None or safe_until is None:
        return True
    if safe_from <= safe_until:
        return safe_from <= moment < safe_until
    return moment >= safe_from or moment < safe_until  # a window across midnight, e.g. 20:00 to 07:00


def next_safe_time(at: datetime, safe_from: time, safe_until: time) -> datetime:
    """The next moment inside the safe hours at or after ``at`` (a London-aware datetime)."""
    candidate = at.replace(hour=safe_from.hour, minute=safe_from.minute, second=0, microsecond=0)
    if candidate < at:
        candidate += timedelta(days=1)
    return candidate


def _hours(facts: ContactFacts) -> str:
    return f"{facts.safe_from:%H:%M} and {facts.safe_until:%H:%M}"


def decide_contact(channel: str, facts: ContactFacts, at: datetime) -> ContactDecision:
    """Whether a message on ``channel`` may reach the victim at ``at`` (London time), and if not, which rule
    stops it. The most serious reason comes first."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    name = CHANNEL_NAMES[channel]
    if facts.stops:
        stop = facts.stops[0]
        return ContactDecision(False, stop.rule, stop.message)
    if channel in facts.perpetrator_channels:
        return ContactDecision(False, "perpetrator-details",
                               f"The victim's {'address' if channel == 'letter' else 'contact detail'} for this "
                               f"{name} is also recorded as the perpetrator's: nothing is ever sent there.")
    agreed = {"sms": facts.may_text, "email": facts.may_email, "letter": facts.may_write}[channel]
    if not agreed:
        rule = {"sms": "no-texts", "email": "no-email", "letter": "no-letters"}[channel]
        article = "an" if name[0] in "aeiou" else "a"
        return ContactDecision(False, rule, f"The victim has not agreed to be sent {article} {name}.")
    present = {"sms": facts.has_mobile, "email": facts.has_email, "letter": facts.has_address}[channel]
    if not present:
        missing = {"sms": "UK mobile number", "email": "email address",
                   "letter": "postal address with a postcode"}[channel]
        return ContactDecision(False, f"no-{'mobile' if channel == 'sms' else channel + '-address'}",
                               f"No {missing} is recorded for the victim.")
    # A letter arrives with the post, whenever that is; safe hours are for texts and emails.
    if channel != "letter" and not within_safe_hours(at.timetz().replace(tzinfo=None), facts.safe_from,
                                                      facts.safe_until):
        when = next_safe_time(at, facts.safe_from, facts.safe_until)
        return ContactDecision(False, "outside-safe-hours",
                               f"The victim asked for messages only between {_hours(facts)}. Choose a time "
                               f"then: the next is {when:%-d %B at %H:%M}.", when)
    return ALLOWED
