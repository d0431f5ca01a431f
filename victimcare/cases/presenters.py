"""Page view-models for the case pages: the identity bar and the timeline. They shape what services return into
what templates show (text only, no decisions in templates), and never read or change data themselves."""
from dataclasses import dataclass, field
from datetime import datetime

from ..domain.clock import london_date, london_today
from ..domain.consent import ConsentState, consent_state
from ..domain.data_rights import RECORDS_DECISIONS, RECORDS_KINDS, RECORDS_REQUESTERS
from ..domain.marac import MARAC_AGENCIES
from ..domain.people import (
    UNSAFE_CONTACT_RULES,
    ContactRoute,
    age_on,
    contact_routes,
    safe_contact_instructions,
)
from ..domain.contact_details import phone_for_display
from ..domain.referral_questions import is_child
from ..domain.vocab import (
    CASE_STATUSES,
    CODE_EVENTS,
    CHILDREN_IN_HOUSEHOLD,
    CONTACT_TIMES,
    PARENT_CARER_RELATIONSHIPS,
    PERPETRATOR_RELATIONSHIPS,
    CONTACT_METHODS,
    CONTACT_OUTCOMES,
    DECLINE_REASONS,
    HATE_STRANDS,
    OFFENCE_CATEGORIES,
    POLICE_DECISIONS,
    REFERRAL_SOURCES,
    SERVICES,
    TRANSFER_REASONS,
    WITHDRAWAL_REASONS,
    WITHDRAWAL_STAGES,
    label,
)
from ..models import Case
from ..web.template_helpers import format_date, format_datetime
from ..services import cases as case_service
from ..services.retention import schedule as retention


@dataclass(frozen=True)
class ParentCarerLine:
    """A child victim's parent or carer as the reach-safely panel shows them: who, their phone, and the rule."""

    who: str
    phone: str | None
    rule: str
    safe: bool
    notes: str | None


def _parent_carer_line(carer) -> ParentCarerLine:
    relation = label(PARENT_CARER_RELATIONSHIPS, carer.relationship_to_victim) if carer.relationship_to_victim else None
    rule = {True: "Safe to contact about the child", False: "Not safe to contact: do not contact them",
            None: "Not known whether it is safe: check with the referrer first"}[carer.safe_to_contact]
    return ParentCarerLine(who=f"{carer.name} ({relation.lower()})" if relation else carer.name,
                           phone=phone_for_display(carer.phone) or None, rule=rule,
                           safe=carer.safe_to_contact is True, notes=carer.notes)


def _contact_times(person) -> str | None:
    times = (person.preferred_contact_times or []) if person else []
    return ", ".join(label(CONTACT_TIMES, t) for t in times) or None


@dataclass
class CaseIdentity:
    """What the identity bar shows: who the victim is and how (not) to contact them."""

    case: Case
    name: str
    age: int | None
    borough: str | None
    reference: str
    risk_level: str | None
    safe_contact: list[str]
    safe_contact_notes: list[str]
    contact_routes: list[ContactRoute] = field(default_factory=list)
    interpreter: str | None = None
    parent_carers: list[ParentCarerLine] = field(default_factory=list)
    contact_times: str | None = None

    @property
    def is_child(self) -> bool:
        return is_child(self.age)


def _interpreter(person) -> str | None:
    if person is None or not person.interpreter_needed:
        return None
    return f"Needed ({person.first_language})" if person.first_language else "Needed (language not recorded)"


def identity(case: Case) -> CaseIdentity:
    referral = case.referral
    person = referral.person
    notes = [n for n in ((person.safe_contact_notes if person else None), referral.safe_contact_notes) if n]
    age = age_on(person.date_of_birth, london_today()) if person else None
    return CaseIdentity(
        case=case,
        name=person.full_name if person else "Name not recorded",
        age=age,
        borough=case_service.borough_name(case),
        reference=referral.reference,
        risk_level=referral.dash_level,
        safe_contact=safe_contact_instructions(person),
        safe_contact_notes=notes,
        contact_routes=contact_routes(person),
        interpreter=_interpreter(person),
        parent_carers=[_parent_carer_line(c) for c in referral.parent_carers] if is_child(age) else [],
        contact_times=_contact_times(person),
    )


@dataclass(frozen=True)
class SpecialistAssessment:
    reason: str
    recorded: bool


@dataclass
class CaseFacts:
    """What happened and who referred: the referral's facts on the case overview."""

    rows: list[tuple[str, str]]
    dash_yes: list[str] | None  # the questions answered yes (None: no DASH answers recorded)
    dash_summary: str | None


def consent(case: Case) -> ConsentState | None:
    """Once the victim has withdrawn consent: whether this case may still contact them, and why, in words."""
    from ..services.consent import case_lawful_basis

    withdrawn_at = case.referral.consent_withdrawn_at
    if withdrawn_at is None:
        return None
    return consent_state(True, case_lawful_basis(case), format_date(london_date(withdrawn_at)))


def specialist_assessment(case: Case) -> SpecialistAssessment | None:
    """On a case flagged "specialist risk assessment needed" (restorative justice for stalking, harassment,
    trafficking or child sexual exploitation): why, and whether it is recorded yet."""
    step = case.service.features.specialist_assessment_step
    if not case.specialist_risk_reason or step is None:
        return None
    return SpecialistAssessment(case.specialist_risk_reason, case_service.step_recorded(case, step))


def _referred_by(referral) -> str:
    who = ", ".join(part for part in (referral.referrer_name, referral.referrer_organisation) if part)
    how = label(REFERRAL_SOURCES, referral.source)
    return f"{how}: {who}" if who else how


def case_facts(case: Case, dash_questions) -> CaseFacts:
    """The crime reference, the offence and its date, who referred and how, and the DASH questions answered
    yes at the latest assessment that recorded answers (``dash_questions``: the checklist in use)."""
    referral = case.referral
    offence = label(OFFENCE_CATEGORIES, referral.offence_category)
    flags = [text for flag, text in ((referral.domestic_abuse, "domestic abuse"),
                                     (referral.sexual_offence, "sexual offence"),
                                     (referral.child_sexual_exploitation, "child sexual exploitation"),
                                     (referral.trafficking, "trafficking"),
                                     (referral.weapon_involved, "weapon involved"))
             if flag and text != offence.lower()]
    strands = [label(HATE_STRANDS, s) for s in referral.strand_slugs]
    if flags:
        offence += f" ({', '.join(flags)})"
    if strands:
        offence += f"; hostility: {', '.join(strands).lower()}"
    rows = [
        ("Offence", offence),
        ("Date of the offence", format_date(referral.offence_date) if referral.offence_date else "Not known"),
        ("Crime reference", referral.crime_reference or "None given"),
        ("Referred by", _referred_by(referral)),
        ("Referral received", format_datetime(referral.received_at)),
        ("Records kept", retention.describe(referral.person_id) or "No victim recorded"),
    ]
    if referral.additional_needs:
        rows.append(("Additional needs", "A learning disability or additional needs"))
    if referral.description:
        rows.append(("What the referrer said", referral.description))
    rows += _household_rows(referral)
    assessment = case_service.latest_dash_answers(case)
    if assessment is None:
        return CaseFacts(rows, None, None)
    answers = assessment.answers or {}
    known = {q.id for q in dash_questions}
    yes = [q.text for q in dash_questions if answers.get(q.id) == "yes"]
    yes += [qid for qid, answer in answers.items() if answer == "yes" and qid not in known]
    summary = f"{assessment.yes_count} of {len(dash_questions)} answered yes: {assessment.level} risk"
    return CaseFacts(rows, yes, summary)


def _household_rows(referral) -> list[tuple[str, str]]:
    """The person causing harm and the children at home, as the referral recorded them (domestic abuse)."""
    rows = []
    for p in referral.perpetrators:
        parts = [p.name or "Name not known"]
        if p.relationship_to_victim:
            parts.append(label(PERPETRATOR_RELATIONSHIPS, p.relationship_to_victim).lower())
        if p.date_of_birth:
            parts.append(f"born {format_date(p.date_of_birth)}")
        parts.append({True: "lives with the victim", False: "does not live with the victim",
                      None: "not known whether they live with the victim"}[p.lives_with_victim])
        rows.append(("Person causing harm", ", ".join(parts)))
    if referral.children_in_household:
        text = label(CHILDREN_IN_HOUSEHOLD, referral.children_in_household)
        if referral.household_children_details:
            text += f": {referral.household_children_details}"
        rows.append(("Children in the household", text))
    return rows


@dataclass
class TimelineEntry:
    at: datetime
    title: str
    who: str
    detail: str | None = None
    version: int | None = None


_CLOSURE_TITLES = {"requested": "Closure requested", "approved": "Closure approved: case closed",
                   "sent-back": "Closure sent back"}


def _status_title(changes: dict) -> str:
    after = changes["status"].get("after")
    title = f"Status changed to {label(CASE_STATUSES, after).lower()}"
    if after == "transferred" and changes.get("to_service"):
        title = f"Transferred to {label(SERVICES, changes['to_service'])}"
    elif after == "in-progress" and changes["status"].get("before") == "closed":
        title = "Reopened"
    code = changes.get("reason_code")
    if code and after in ("declined", "transferred"):
        title += f" ({label(DECLINE_REASONS if after == 'declined' else TRANSFER_REASONS, code).lower()})"
    return title


def _describe_case_change(changes: dict, history: case_service.CaseHistory) -> tuple[str, str | None] | None:
    note = history.notes.get(changes.get("note_id"))
    reason = note.body if note else None
    if "closure" in changes:
        return _CLOSURE_TITLES.get(changes["closure"], "Closure"), reason
    if "status" in changes:
        return _status_title(changes), reason
    if "assigned_to" in changes:
        return f"Assigned to {changes['assigned_to'].get('after_name') or 'nobody'}", None
    if "needs" in changes or "support_plan" in changes:
        return "Needs assessment and support plan updated", None
    if any(name in changes for name in case_service.COMPLAINT_FIELDS):
        return "Complaint and agency response updated", None
    return None


def _describe_contact(changes: dict, attempt=None) -> tuple[str, str | None]:
    title = (f"Contact attempt: {label(CONTACT_METHODS, changes.get('method'))}, "
             f"{label(CONTACT_OUTCOMES, changes.get('outcome')).lower()}")
    details = []
    if "first_contact_in_time" in changes:
        details.append("First contact made, within the due date" if changes["first_contact_in_time"]
                       else "First contact made, after the due date")
    rule = changes.get("against_rule")
    if rule:
        title += " (against the victim's wishes)"
        reason = f" Reason given: {attempt.against_rule_reason}" if attempt and attempt.against_rule_reason else ""
        details.append(f"The victim asked: \u201c{UNSAFE_CONTACT_RULES.get(rule, rule).lower()}\u201d.{reason}")
    return title, " ".join(details) or None


def _describe_marac(action: str, object_type: str, oid: int | None,
                    history: case_service.CaseHistory) -> tuple[str, str | None]:
    """A MARAC agenda change, hearing or action on the case's timeline."""
    if object_type == "marac_agenda_item":
        return ("Put on a MARAC meeting's agenda", None) if action == "create" \
            else ("Deferred to the next MARAC meeting", None)
    if object_type == "marac_hearing":
        hearing = history.marac_hearings.get(oid)
        if hearing is None:
            return "Heard at MARAC", None
        agencies = ", ".join(label(MARAC_AGENCIES, a) for a in hearing.agencies_present or ())
        return (f"Heard at MARAC on {format_date(hearing.heard_on)}",
                f"Agencies present: {agencies}. Risks discussed: {hearing.risks_discussed} "
                f"The victim's views (given by their IDVA): {hearing.victim_views}")
    found = history.marac_actions.get(oid)
    if found is None:
        return ("MARAC action agreed" if action == "create" else "MARAC action done"), None
    agency = label(MARAC_AGENCIES, found.agency)
    if action == "create":
        return (f"MARAC action agreed: {agency}, due {format_date(found.due_on)}",
                f"{found.description} (owner: {found.owner})")
    return f"MARAC action done: {agency}", found.description


def _describe_code_event(changes: dict) -> tuple[str, str | None]:
    """A Victims' Code event, from its audit record (which holds the event and timing, never the note)."""
    title = f"Victims' Code: {label(CODE_EVENTS, changes.get('event') or '')}"
    days = changes.get("working_days")
    if days is None:
        return title, None
    decision = label(POLICE_DECISIONS, changes["decision"]) + ": " if changes.get("decision") else ""
    timing = "in time" if changes.get("in_time") else "late"
    return title, f"{decision}told {days} working day{'' if days == 1 else 's'} after the decision ({timing})"


def _describe_records_request(action: str, changes: dict) -> tuple[str, str | None]:
    """A request for the victim's records on the register (the audit holds coded values, never the text)."""
    who = label(RECORDS_REQUESTERS, changes.get("requester_kind") or "")
    what = label(RECORDS_KINDS, changes.get("records_kind") or "").lower()
    decision = label(RECORDS_DECISIONS, changes.get("decision") or "pending")
    told = "The victim has been told in writing." if changes.get("victim_told") else "The victim has not been told yet."
    title = f"Request for the victim's records from: {who}" if action == "create" else \
        f"Request for the victim's records updated ({who})"
    return title, f"{what[:1].upper() + what[1:]}. {told} Decision: {decision}."


def _describe_event(event, history: case_service.CaseHistory) -> tuple[str, str | None]:
    """The timeline's title and detail for one audit event (a row of case_history's events; a sensitive note's
    text is never shown)."""
    changes = event.changes or {}
    kind = (event.action, event.object_type)
    oid = int(event.object_id) if event.object_id and event.object_id.isdigit() else None
    if kind == ("create", "referral"):
        return "Referral received", None
    if kind == ("create", "case"):
        origin = " (transferred in)" if changes.get("transferred_from_case_id") else ""
        return f"Case opened for {event.service_name or 'a service'}{origin}", None
    if kind == ("create", "contact_attempt"):
        return _describe_contact(changes, history.contacts.get(oid))
    if kind == ("create", "case_note"):
        note = history.notes.get(oid)
        if note is None:
            return "Note added", None
        return ("Sensitive note added", "Text hidden: open the notes to read it") if note.sensitive \
            else ("Note added", note.body)
    if kind in (("create", "task"), ("update", "task")):
        task = history.tasks.get(oid)
        return "Task added" if event.action == "create" else "Task done", task.title if task else None
    if kind in (("create", "case_step"), ("create", "case_milestone")):  # case_milestone: events before the rename
        step = history.steps.get(oid)
        return f"Step recorded: {changes.get('step_label') or changes.get('step')}", step.detail if step else None
    if event.action == "consent-withdrawn":
        return ("The victim withdrew consent to referral and support",
                f"{len(changes.get('closed_case_ids') or [])} open case(s) held on consent closed; "
                f"{len(changes.get('continuing_case_ids') or [])} held on a lawful basis continue.")
    if kind == ("create", "justice_withdrawal"):
        return (f"Victim withdrew from the justice process: {label(WITHDRAWAL_STAGES, changes.get('stage')).lower()}",
                "Reasons: " + ", ".join(label(WITHDRAWAL_REASONS, r).lower() for r in changes.get("reasons") or []))
    if event.object_type in ("marac_agenda_item", "marac_hearing", "marac_action"):
        return _describe_marac(event.action, event.object_type, oid, history)
    if kind == ("create", "code_event"):
        return _describe_code_event(changes)
    if event.object_type == "records_request" and event.action in ("create", "update"):
        return _describe_records_request(event.action, changes)
    if event.object_type == "victim_message":
        from ..services.messages import describe_event

        return describe_event(event.action, changes)
    if event.action == "break-glass":
        return f"Opened with break-glass for {changes.get('minutes', 'a few')} minutes (the lead reviews why)", None
    if event.object_type == "case" and event.action in ("transition", "update"):
        described = _describe_case_change(changes, history)
        if described:
            return described
    readable = (event.object_type or "record").replace("_", " ")
    return f"{event.action.capitalize()} {readable}", None


def timeline(case: Case) -> list[TimelineEntry]:
    """Everything that happened to the case and its referral, newest first (see case_service.case_history)."""
    history = case_service.case_history(case)
    entries = []
    for event in history.events:
        title, detail = _describe_event(event, history)
        who = event.actor_name or ("System" if event.actor_role == "system" else event.actor_label or "Unknown")
        entries.append(TimelineEntry(at=event.occurred_at, title=title, who=who, detail=detail,
                                     version=(event.changes or {}).get("version")))
    return entries


def changes_since(case: Case, version: int) -> list[TimelineEntry]:
    """Timeline entries written after the version a stale form was opened at: what the other person did."""
    return [entry for entry in timeline(case) if entry.version is not None and entry.version > version]


def open_tasks(case: Case) -> list:
    """The case's tasks not yet done, as (task, assignee name) rows, soonest due first."""
    return [row for row in case_service.list_tasks(case) if row[0].done_at is None]


def time_open(case: Case) -> str:
    """How long the case has been open, in words: "34 days (since 2 November 2026)"."""
    days = (london_today() - london_date(case.received_at)).days
    return f"{days} day{'' if days == 1 else 's'} (since {format_date(case.received_at)})"
