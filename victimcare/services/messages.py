"""Messages to victims (appointment reminders and updates) through GOV.UK Notify, within their safe-contact rules.

An advocate asks for a message on a case (``request_message``): the rules are checked for the time it will arrive
and a refusal says which rule stops it. The ``victim-message`` job checks them again at send time (a preference
may have changed, a record may have been restricted since), reads the destination from the person's record then
(it is never stored with the message), and sends through Notify's official client with a template held in
Notify. Notify's status callback updates the delivery status; every message is on the case's timeline.

Other areas add "do not contact" rules with ``register_contact_stop`` (a restricted record, consent withdrawn)
and the perpetrator details they record with ``register_perpetrator_details``, so that nothing is sent there.
"""
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from ..domain.access import can_see_service_record
from ..domain.clock import LONDON, utc_now
from ..domain.contact_details import normalise_postcode
from ..domain.consent import CONSENT_WITHDRAWN, NO_CONTACT_MESSAGE
from ..domain.safe_contact import CHANNELS, RULE_LABELS, ContactDecision, ContactFacts, ContactStop, decide_contact, is_uk_mobile
from ..extensions import db
from ..models import Case, Person, Referral, VictimMessage
from . import audit, outbox, restricted
from .actors import SYSTEM, Actor, require
from .errors import NotFound, ValidationFailed

TEMPLATES = {"appointment-reminder": "Appointment reminder", "appointment-update": "Appointment changed"}
CHANNEL_LABELS = {"sms": "Text message", "email": "Email", "letter": "Letter"}
# Notify's statuses (https://docs.notifications.service.gov.uk/python.html#status) and ours, in words.
STATUS_LABELS = {
    "queued": "Waiting to send", "sending": "Sending", "created": "Sending", "pending": "Sending",
    "sent": "Sent", "delivered": "Delivered", "accepted": "Accepted for printing", "received": "Posted",
    "permanent-failure": "Not delivered: the number or address is wrong",
    "temporary-failure": "Not delivered: the phone or inbox was not available",
    "technical-failure": "Not sent: a technical problem", "validation-failed": "Not sent: the address was not valid",
    "cancelled": "Cancelled", "refused": "Not sent: a safe-contact rule stopped it", "failed": "Not sent",
}
FINAL_STATUSES = {"delivered", "received", "permanent-failure", "temporary-failure", "technical-failure",
                  "validation-failed", "cancelled", "refused", "failed"}

_STOPS: list[Callable[[Case, Referral, Person | None], list[ContactStop]]] = []
_PERPETRATOR_DETAILS: list[Callable[[Case], "PerpetratorDetails"]] = []


@dataclass(frozen=True)
class PerpetratorDetails:
    phones: frozenset[str] = frozenset()
    emails: frozenset[str] = frozenset()
    postcodes_and_addresses: frozenset[str] = frozenset()


def register_contact_stop(provider: Callable[[Case, Referral, Person | None], list[ContactStop]]) -> None:
    """``provider(case, referral, person)`` returns the "do not contact" stops that apply (empty if none)."""
    if provider not in _STOPS:
        _STOPS.append(provider)


def register_perpetrator_details(provider: Callable[[Case], PerpetratorDetails]) -> None:
    """``provider(case)`` returns the phone numbers, emails and addresses recorded for the case's perpetrator(s)."""
    if provider not in _PERPETRATOR_DETAILS:
        _PERPETRATOR_DETAILS.append(provider)


def consent_withdrawn_stop(case: Case, referral: Referral, person: Person | None) -> list[ContactStop]:
    """Consent to support withdrawn on a case held on consent (a case held on a lawful basis, such as child
    safeguarding or MARAC, continues: domain/consent.py)."""
    from .consent import contact_stopped

    if contact_stopped(case):
        return [ContactStop(CONSENT_WITHDRAWN, NO_CONTACT_MESSAGE)]
    return []


register_contact_stop(consent_withdrawn_stop)


def _digits(value: str | None) -> str:
    digits = re.sub(r"\D", "", value or "")
    return digits[-10:]


def _same_postcode(postcode: str | None, recorded: frozenset[str]) -> bool:
    """The victim's postcode is among the perpetrator's, however either was typed ("sw1a1aa" is "SW1A 1AA")."""
    return bool(postcode) and normalise_postcode(postcode) in {normalise_postcode(a) for a in recorded}


def _normalised(value: str | None) -> str:
    return re.sub(r"\s+", " ", (value or "").strip().lower())


def _address_lines(person: Person) -> list[str]:
    lines = [part.strip() for part in re.split(r"[\n,]", person.address or "") if part.strip()]
    return [person.full_name, *lines[:5], person.postcode] if person.postcode and lines else []


def contact_facts(case: Case) -> ContactFacts:
    referral = case.referral or db.session.get(Referral, case.referral_id)
    person = referral.person
    stops = [stop for provider in _STOPS for stop in provider(case, referral, person)]
    if person is None:
        return ContactFacts(False, False, False, False, False, False, stops=tuple(stops))
    known = [provider(case) for provider in _PERPETRATOR_DETAILS]
    perpetrator = set()
    if person.phone and any(_digits(person.phone) in {_digits(p) for p in k.phones} for k in known):
        perpetrator.add("sms")
    if person.email and any(_normalised(person.email) in {_normalised(e) for e in k.emails} for k in known):
        perpetrator.add("email")
    if person.address and any(_normalised(person.address) in {_normalised(a) for a in k.postcodes_and_addresses}
                              or _same_postcode(person.postcode, k.postcodes_and_addresses) for k in known):
        perpetrator.add("letter")
    return ContactFacts(
        may_text=bool(person.may_text), may_email=bool(person.may_email), may_write=bool(person.may_write),
        has_mobile=is_uk_mobile(person.phone), has_email=bool(person.email),
        has_address=bool(_address_lines(person)), safe_from=person.safe_contact_from,
        safe_until=person.safe_contact_until, stops=tuple(stops), perpetrator_channels=frozenset(perpetrator))


def _load_case(actor: Actor, case_id: int, permission: str) -> Case:
    case = db.session.get(Case, case_id) if 0 < case_id < 2**31 else None
    purged = case is not None and case.referral.person is not None and case.referral.person.purged_at is not None
    if case is None or purged or not can_see_service_record(actor.principal, case.service_id):
        raise NotFound("Case not found", object_type="case", object_id=case_id)
    require(actor, permission)
    restricted.check_case(actor, case)
    return case


def notify_configured() -> bool:
    return bool(current_app.config.get("NOTIFY_API_KEY")) or current_app.config["ENV_NAME"] == "development"


def template_id(template: str, channel: str) -> str | None:
    configured = current_app.config["NOTIFY_TEMPLATES"].get((template, channel))
    if configured:
        return configured
    return "development" if current_app.config["ENV_NAME"] == "development" else None


@dataclass
class MessageOptions:
    case: Case
    decisions: dict[str, ContactDecision]
    configured: bool
    messages: list[VictimMessage]


def message_options(actor: Actor, case_id: int) -> MessageOptions:
    """What the case's Messages page shows: whether each channel may be used now, and the messages so far."""
    case = _load_case(actor, case_id, "case.view")
    facts = contact_facts(case)
    now = utc_now().astimezone(LONDON)
    decisions = {channel: decide_contact(channel, facts, now) for channel in CHANNELS}
    messages = list(db.session.scalars(select(VictimMessage).where(VictimMessage.case_id == case.id)
                                       .order_by(VictimMessage.created_at.desc(), VictimMessage.id.desc())))
    audit.record(actor, "view", "victim_messages", case.id, referral_id=case.referral_id, case_id=case.id,
                 service_id=case.service_id)
    return MessageOptions(case, decisions, notify_configured(), messages)


def request_message(actor: Actor, case_id: int, *, channel: str, template: str, appointment_at: datetime,
                    place: str | None, send_at: datetime | None = None) -> VictimMessage:
    """Record a message to send at ``send_at`` (now if None), if the safe-contact rules allow it then."""
    case = _load_case(actor, case_id, "case.work")
    errors = []
    if channel not in CHANNELS:
        errors.append({"field": "channel", "message": "Choose how to send the message"})
    if template not in TEMPLATES:
        errors.append({"field": "template", "message": "Choose which message to send"})
    if errors:
        raise ValidationFailed(errors=errors)
    if not notify_configured() or template_id(template, channel) is None:
        raise ValidationFailed(errors=[{"field": "channel", "message":
                                        f"{CHANNEL_LABELS[channel]}s are not set up: GOV.UK Notify needs its key "
                                        "and a template for this message (ask an administrator)"}])
    now = utc_now()
    when = send_at or now
    if send_at is not None and send_at < now:
        raise ValidationFailed(errors=[{"field": "send_at", "message": "Choose a time in the future"}])
    decision = decide_contact(channel, contact_facts(case), when.astimezone(LONDON))
    if not decision.allowed:
        field = "send_at" if decision.rule == "outside-safe-hours" else "channel"
        raise ValidationFailed(errors=[{"field": field, "message": decision.message}])
    message = VictimMessage(case_id=case.id, channel=channel, template=template,
                            notify_template_id=template_id(template, channel), appointment_at=appointment_at,
                            appointment_place=(place or "").strip()[:200] or None, send_after=send_at,
                            status="queued", created_by_id=actor.user_id, created_at=now)
    db.session.add(message)
    db.session.flush()
    audit.record(actor, "create", "victim_message", message.id, referral_id=case.referral_id, case_id=case.id,
                 service_id=case.service_id,
                 changes={"channel": channel, "template": template, "status": {"after": "queued"},
                          **({"send_at": send_at} if send_at else {})})
    outbox.enqueue("victim-message", {"message_id": message.id}, available_at=send_at)
    return message


def _set_status(message: VictimMessage, status: str, **changes) -> None:
    before = message.status
    message.status = status
    message.status_at = utc_now()
    case = db.session.get(Case, message.case_id)
    audit.record(SYSTEM, "update", "victim_message", message.id, referral_id=case.referral_id, case_id=case.id,
                 service_id=case.service_id, changes={"status": {"before": before, "after": status},
                                                      "channel": message.channel, "template": message.template,
                                                      **changes})


def describe_event(action: str, changes: dict) -> tuple[str, str | None]:
    """The case timeline's title and detail for a message's audit event: channel, template and status."""
    channel = CHANNEL_LABELS.get(changes.get("channel"), "Message")
    template = TEMPLATES.get(changes.get("template"), "message").lower()
    if action == "create":
        when = changes.get("send_at")
        try:
            when = datetime.fromisoformat(when).astimezone(LONDON).strftime("%-d %B %Y at %H:%M") if when else None
        except (TypeError, ValueError):
            when = None
        return f"{channel} asked for: {template}", (f"To be sent {when}" if when else None)
    status = (changes.get("status") or {}).get("after")
    rule = changes.get("rule")
    detail = f"The rule: {RULE_LABELS.get(rule, 'a do-not-contact rule on the record')}" if rule else None
    return f"{channel} ({template}): {STATUS_LABELS.get(status, status or 'updated').lower()}", detail


def _personalisation(message: VictimMessage, person: Person) -> dict:
    at = message.appointment_at.astimezone(LONDON) if message.appointment_at else None
    values = {
        "first_name": person.given_name,
        "appointment_date": f"{at:%A} {at.day} {at:%B %Y}" if at else "",
        "appointment_time": (f"{at:%-I:%M%p}".replace(":00", "").lower()) if at else "",
        "appointment_place": message.appointment_place or "",
    }
    if message.channel == "letter":
        for number, line in enumerate(_address_lines(person), start=1):
            values[f"address_line_{number}"] = line
    return values


class NotifyUnavailable(Exception):
    """Notify could not take the message now (a network error, 429 or 5xx): try again later."""


def send(message_id: int) -> str:
    """The ``victim-message`` job: check the rules again, then send through Notify. Returns the new status."""
    message = db.session.get(VictimMessage, message_id)
    if message is None or message.status != "queued":
        return "skipped"
    case = db.session.get(Case, message.case_id)
    decision = decide_contact(message.channel, contact_facts(case), utc_now().astimezone(LONDON))
    if not decision.allowed:
        message.refusal = decision.message[:300]
        _set_status(message, "refused", rule=decision.rule)
        return "refused"
    person = case.referral.person
    personalisation = _personalisation(message, person)
    reference = f"victimcare-message-{message.id}"
    if not current_app.config.get("NOTIFY_API_KEY"):
        notify_id = _write_locally(message, personalisation)
        message.notify_id, message.sent_at = notify_id, utc_now()
        _set_status(message, "delivered", development=True)
        return "delivered"
    from notifications_python_client.errors import HTTPError
    from notifications_python_client.notifications import NotificationsAPIClient

    client = NotificationsAPIClient(current_app.config["NOTIFY_API_KEY"],
                                    base_url=current_app.config["NOTIFY_BASE_URL"], timeout=10)
    try:
        if message.channel == "sms":
            reply = client.send_sms_notification(person.phone, message.notify_template_id, personalisation,
                                                 reference=reference)
        elif message.channel == "email":
            reply = client.send_email_notification(person.email, message.notify_template_id, personalisation,
                                                   reference=reference)
        else:
            reply = client.send_letter_notification(message.notify_template_id, personalisation,
                                                    reference=reference)
    except HTTPError as error:
        code = getattr(error, "status_code", None)
        if code in (429, 500, 502, 503, 504, None) or (isinstance(code, int) and code >= 500):
            raise NotifyUnavailable(f"GOV.UK Notify did not take the message (HTTP {code})") from None
        message.refusal = f"GOV.UK Notify refused the message (HTTP {code})"
        _set_status(message, "failed", http_status=code)
        return "failed"
    except Exception as error:  # network errors from requests
        raise NotifyUnavailable(f"GOV.UK Notify could not be reached ({type(error).__name__})") from None
    message.notify_id = reply["id"]
    message.sent_at = utc_now()
    _set_status(message, "sending")
    return "sending"


def give_up(message_id: int, reason: str) -> None:
    message = db.session.get(VictimMessage, message_id)
    if message is not None and message.status == "queued":
        message.refusal = reason[:300]
        _set_status(message, "technical-failure")


def _write_locally(message: VictimMessage, personalisation: dict) -> str:
    """Development without a Notify key: the message is written under NOTIFY_DIR instead of being sent."""
    folder = Path(current_app.config["NOTIFY_DIR"])
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    notify_id = str(uuid.uuid4())
    path = folder / f"{notify_id}.json"
    path.write_text(json.dumps({"channel": message.channel, "template": message.template,
                                "personalisation": personalisation}, indent=2))
    path.chmod(0o600)
    return notify_id


def record_status(notify_id: str, status: str, at: datetime | None = None) -> bool:
    """Notify's callback: record the delivery status of the message it sent (False if we sent no such message)."""
    message = db.session.scalar(select(VictimMessage).where(VictimMessage.notify_id == notify_id))
    if message is None or status not in STATUS_LABELS:
        return False
    if message.status != status:
        _set_status(message, status)
    return True


def update_contact_rules(actor: Actor, case_id: int, *, may_text: bool, may_email: bool, may_write: bool,
                         safe_from, safe_until) -> Person:
    """Record what the victim has agreed to be sent and the hours that are safe (both or neither)."""
    case = _load_case(actor, case_id, "case.work")
    person = case.referral.person
    if person is None:
        raise ValidationFailed(errors=[{"field": "channels", "message": "The victim's details are not recorded yet"}])
    if (safe_from is None) != (safe_until is None) or (safe_from is not None and safe_from == safe_until):
        raise ValidationFailed(errors=[{"field": "safe_from", "message":
                                        "Give both times of the safe hours, and different ones, or neither"}])
    values = {"may_text": may_text, "may_email": may_email, "may_write": may_write,
              "safe_contact_from": safe_from, "safe_contact_until": safe_until}
    changes = {}
    for field, value in values.items():
        if getattr(person, field) != value:
            # A victim's safe hours describe their routine: the trail records that they changed, not what to.
            changes[field] = {"changed": True} if field.startswith("safe_") else {
                "before": getattr(person, field), "after": value}
            setattr(person, field, value)
    db.session.flush()
    if changes:
        audit.record(actor, "update", "person", person.id, referral_id=case.referral_id, case_id=case.id,
                     service_id=case.service_id, changes=changes)
    return person
