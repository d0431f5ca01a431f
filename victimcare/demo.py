"""Fictional demo data for `flask seed-demo`: users for every role and a few hundred referrals.

Everything goes through the same service functions the app uses, so the demo has real routing decisions,
deadlines and audit events. Names are made up from common first names and surnames.
"""
import random
from datetime import date, datetime, time, timedelta, timezone

from flask import current_app
from sqlalchemy import func, select

from .domain.clock import london_today, utc_now
from .domain.deadlines import add_working_days
from .domain.vocab import (
    DECLINE_REASONS_OFFERED,
    HATE_STRANDS,
    OUTCOME_ANSWERS,
    OUTCOME_QUESTIONS,
    TRANSFER_REASONS,
    WITHDRAWAL_REASONS,
    slugs,
)
from .extensions import db
from .models import Borough, Case, Referral, Service, User
from .services import account_changes
from .services import cases as case_service
from .services import code_rights
from .services import referrals as referral_service
from .services import users as user_service
from .services.actors import SYSTEM, Actor
from .services.cases import record_contact
from .uow import unit_of_work

DEMO_PASSWORD = "demo-password-2026"  # fictional accounts on a local demo database; seed-demo refuses production
DEMO_DOMAIN = "demo.victimcare.test"

GIVEN = ["Amara", "Ben", "Chloe", "Dev", "Ella", "Femi", "Grace", "Hassan", "Isla", "Jamal", "Kasia", "Liam", "Maya",
         "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sami", "Tara", "Umar", "Vera", "Wes", "Yusuf", "Zara"]
FAMILY = ["Adeyemi", "Brown", "Chowdhury", "Davies", "Evans", "Fernandes", "Green", "Hussain", "Ivanova", "Jones",
          "Khan", "Lewis", "Mensah", "Nowak", "Okafor", "Patel", "Quinn", "Rahman", "Smith", "Taylor", "Uddin",
          "Walker", "Williams", "Yilmaz", "Zielinski"]

STAFF = [
    ("admin", None, False, "Avery Admin"),
    ("caseworker", None, False, "Casey Caseworker"),
    ("commissioner", None, False, "Morgan Commissioner"),
    ("dpo", None, False, "Dana Data-Protection"),
]
SERVICE_SLUGS = ["child-house", "domestic-abuse", "hate-crime", "restorative-justice", "victims-commissioner",
                 "victim-support"]


def _demo_users() -> list[tuple[str, str, str | None, bool, str]]:
    people = [(f"{role}@{DEMO_DOMAIN}", role, service, lead, name) for role, service, lead, name in STAFF]
    for slug in SERVICE_SLUGS:
        people.append((f"{slug}.lead@{DEMO_DOMAIN}", "advocate", slug, True, f"{slug.replace('-', ' ').title()} Lead"))
        people.append((f"{slug}@{DEMO_DOMAIN}", "advocate", slug, False, f"{slug.replace('-', ' ').title()} Advocate"))
    return people


def seed_demo(referral_count: int = 300, today: date | None = None) -> dict | None:
    """Load the demo once, in one transaction (a failure leaves nothing). Returns what was created, or None when
    demo data (or any referral) exists."""
    from .services import events

    with unit_of_work(), events.muted():  # fictional history: nobody is emailed, no partner is told
        return _seed(referral_count, today)


def _seed(referral_count: int = 300, today: date | None = None) -> dict | None:
    """Load the demo once. Returns what was created, or None when demo data (or any referral) exists."""
    if db.session.scalar(select(func.count()).select_from(Referral)) or db.session.scalar(
        select(User.id).where(User.email.like(f"%@{DEMO_DOMAIN}"))
    ):
        return None
    created_users = []
    for email, role, service, lead, name in _demo_users():
        user_service.create_user(SYSTEM, email, name, role, DEMO_PASSWORD, service_slug=service, is_lead=lead)
        created_users.append((email, f"{role}{' – ' + service if service else ''}{' (lead)' if lead else ''}"))
    # The domestic abuse service's MARAC coordinator: runs its meetings (seeded below).
    user_service.create_user(SYSTEM, f"domestic-abuse.marac@{DEMO_DOMAIN}", "Marley Coordinator", "advocate",
                             DEMO_PASSWORD, service_slug="domestic-abuse", is_marac_coordinator=True)
    created_users.append((f"domestic-abuse.marac@{DEMO_DOMAIN}", "advocate – domestic-abuse (MARAC coordinator)"))
    # Someone invited who has not chosen a password yet: the administrator's pages show the invitation state.
    user_service.create_user(SYSTEM, f"invited@{DEMO_DOMAIN}", "Ines Invited", "commissioner", None)
    # A new advocate the administrator asked for, waiting for the domestic abuse lead to approve it.
    admin = Actor.from_user(db.session.scalar(select(User).where(User.email == f"admin@{DEMO_DOMAIN}")))
    account_changes.create_account(admin, f"pending@{DEMO_DOMAIN}", "Pat Pending", "advocate", "domestic-abuse")

    rng = random.Random(2026)
    today = today or london_today()
    # Only active accounts act: the demo also holds an invited and a not-yet-approved account.
    active = User.active.is_(True)
    caseworker = Actor.from_user(db.session.scalar(select(User).where(User.role == "caseworker", active)))
    advocates = {
        u.service.slug: Actor.from_user(u)
        for u in db.session.scalars(select(User).where(User.role == "advocate", User.is_lead.is_(False), active,
                                                       User.is_marac_coordinator.is_(False)))
    }
    boroughs = list(db.session.scalars(select(Borough.ons_code).order_by(Borough.ons_code)))
    strands = slugs(HATE_STRANDS)
    for n in range(referral_count):
        received = datetime.combine(today - timedelta(days=rng.randint(0, 180)), time(rng.randint(8, 18), rng.randint(0, 59)),
                                    tzinfo=timezone.utc)
        kind = rng.choices(["domestic", "hate", "child", "general", "rj", "complaint"], [30, 20, 8, 30, 7, 5])[0]
        age = rng.randint(13, 17) if kind == "child" else rng.randint(18, 80)
        dob = received.date() - timedelta(days=age * 365 + rng.randint(30, 300))
        # The case page's details come from their own generator, so the rest of the demo stays as it was.
        details = random.Random(f"details-{n}")
        by_email = details.random() < 0.4
        language = details.choice(["Polish", "Somali", "Bengali"]) if details.random() < 0.15 else None
        source = rng.choice(["caseworker", "caseworker", "police-api", "partner", "self-referral"])
        crime_reference = f"CAD{details.randint(1000, 9999)}/{received:%d%b}" if details.random() < 0.7 else None
        # Drawn for every referral (so the rest of the demo stays as it was), kept only where someone referred:
        # a self-referral or a caseworker's own referral names no referring officer.
        named = details.choice(["PC Ahmed", "DC Lewis", "Sam at the GP"]) if details.random() < 0.5 else None
        referrer = {"police-api": "DC Lewis" if named == "Sam at the GP" else named,
                    "partner": "Sam at the GP" if named else None}.get(source)
        data = referral_service.ReferralInput(
            source=source,
            offence_category={"domestic": "domestic-abuse", "hate": "hate-crime", "child": "sexual-offence",
                              "complaint": "other"}.get(kind, rng.choice(["robbery", "burglary", "violence-with-injury",
                                                                           "theft-from-the-person", "fraud"])),
            victim=referral_service.VictimDetails(
                given_name=rng.choice(GIVEN), family_name=rng.choice(FAMILY), date_of_birth=dob,
                borough_code=rng.choice(boroughs), phone=f"07700 900{rng.randint(100, 999)}",
                may_phone=True, may_leave_voicemail=rng.random() < 0.6, may_write=(writes := rng.random() < 0.5),
                # Letters only where there is somewhere safe to send them (the form asks for the address then).
                address=f"Flat {n % 40 + 1}, {n % 90 + 2} Example Road\nLondon" if writes else None,
                # Texts agreed for about two in three, decided without drawing from rng so the rest of the demo stays put.
                may_text=dob is None or dob.day % 3 != 0,
                email=f"victim{n}@example.com" if by_email else None, may_email=by_email,
                first_language=language, interpreter_needed=language is not None,
                # Not a time of day: the safe hours are a field of their own, and a note saying "after 6pm" beside
                # "safe to call at any time" would contradict it.
                safe_contact_notes="If someone else answers, say you are calling from the GP surgery" if kind == "domestic" else None,
                **_equality_answers(n, age, kind),
            ),
            crime_reference=crime_reference,
            referrer_name=referrer,
            offence_date=received.date() - timedelta(days=rng.randint(0, 10)),
            domestic_abuse=kind == "domestic",
            sexual_offence=kind == "child",
            hate_strands=rng.sample(strands, rng.choice([1, 1, 2])) if kind == "hate" else [],
            persistently_targeted=rng.random() < 0.1,
            vulnerable_or_intimidated=rng.random() < 0.1,
            consent_referral=rng.random() < 0.93,
            consent_given_by="The victim",
            consent_method="phone",
            rj_requested=kind == "rj",
            rj_consent=kind == "rj",
            code_complaint=kind == "complaint",
            dash=_demo_dash(rng, details) if kind == "domestic" else None,
            received_at=received,
            needs_triage=n % 25 == 0,
        )
        referral = referral_service.create_referral(caseworker, data)
        for case in db.session.scalars(select(Case).where(Case.referral_id == referral.id)):
            advocate = advocates[case.service.slug]
            if rng.random() < 0.75 and received.date() < today:
                delay = timedelta(days=rng.choice([0, 1, 1, 2, 3, 4, 6, 9]), hours=rng.randint(0, 5))
                at = min(received + delay, utc_now() - timedelta(hours=1))
                if rng.random() < 0.3:
                    record_contact(advocate, case.id, at, "phone", "no-answer")
                method = _agreed(rng.choice(["phone", "email", "in-person"]), by_email)
                record_contact(advocate, case.id, at + timedelta(minutes=30), method, "reached")
    _work_some_cases(rng, today, caseworker, advocates)
    _record_complaints(today, advocates["victims-commissioner"])
    _record_code_events(advocates, caseworker)
    _record_withdrawals(today, advocates)
    _restrict_one_record()
    _hold_one_record()
    _self_referrals_waiting(today, caseworker)
    _assign_some_to_the_advocate()
    _data_rights_requests(today)
    _repeat_marac_referrals(today, caseworker, advocates["domestic-abuse"])
    _marac_meetings(today)
    cases = db.session.scalar(select(func.count()).select_from(Case))
    return {"users": created_users, "referrals": referral_count, "cases": cases, "password": DEMO_PASSWORD}


# Equality answers, weighted roughly like London at the 2021 Census and like victim services' caseloads (more women,
# more disabled people than London as a whole). (slug, weight) pairs; the weights need not add up to 100.
_ETHNIC_WEIGHTS = (
    ("white-british", 35), ("white-irish", 2), ("white-gypsy-or-irish-traveller", 1), ("white-roma", 1),
    ("white-other", 14), ("mixed-white-and-black-caribbean", 2), ("mixed-white-and-black-african", 1),
    ("mixed-white-and-asian", 1), ("mixed-other", 2), ("asian-indian", 7), ("asian-pakistani", 3),
    ("asian-bangladeshi", 4), ("asian-chinese", 2), ("asian-other", 4), ("black-african", 8), ("black-caribbean", 4),
    ("black-other", 2), ("other-arab", 2), ("other-any", 4), ("prefer-not-to-say", 6),
)
_RELIGION_WEIGHTS = (("christian", 38), ("no-religion", 27), ("muslim", 15), ("hindu", 5), ("jewish", 2), ("sikh", 2),
                     ("buddhist", 1), ("other", 2), ("prefer-not-to-say", 8))
_ORIENTATION_WEIGHTS = (("straight-or-heterosexual", 84), ("gay-or-lesbian", 4), ("bisexual", 4), ("other", 1),
                        ("prefer-not-to-say", 7))


def _equality_answers(n: int, age: int, kind: str) -> dict:
    """The voluntary equality answers for the n-th demo victim, from their own generator (the rest of the demo stays
    as it was). About one in four was never asked (nothing recorded), a few skipped a question, and each question
    has its "prefer not to say"; sexual orientation and gender identity are not asked of a child under 16."""
    from .domain.referral_questions import asks_identity_questions

    rng = random.Random(f"equality-{n}")
    if rng.random() < 0.25:
        return {}

    def pick(weights: tuple[tuple[str, int], ...]) -> str | None:
        if rng.random() < 0.05:  # skipped this question
            return None
        return rng.choices([slug for slug, _ in weights], [weight for _, weight in weights])[0]

    female = 80 if kind == "domestic" else 55
    answers = {
        "sex": pick((("female", female), ("male", 95 - female), ("prefer-not-to-say", 5))),
        "ethnicity": pick(_ETHNIC_WEIGHTS),
        "disability": pick((("yes", 22), ("no", 70), ("prefer-not-to-say", 8))),
        "religion": pick(_RELIGION_WEIGHTS),
    }
    if asks_identity_questions(age):
        answers["gender_identity"] = pick((("yes", 92), ("no", 1), ("prefer-not-to-say", 7)))
        answers["sexual_orientation"] = pick(_ORIENTATION_WEIGHTS)
    return answers


def _data_rights_requests(today: date) -> None:
    """Two open requests for the data protection officer: a subject access request received three weeks ago from
    the victim, and one from a solicitor acting for another victim, its clock paused while identity is checked."""
    from .services import data_rights

    dpo = Actor.from_user(db.session.scalar(select(User).where(User.role == "dpo")))
    routed = list(db.session.scalars(select(Referral.reference).where(Referral.status == "routed")
                                     .order_by(Referral.id).limit(2)))
    if len(routed) < 2:
        return
    data_rights.record_request(dpo, data_rights.NewRequest(
        kind="subject-access", reference=routed[0], requester="victim", identity_check="known-to-service",
        received_on=today - timedelta(days=21), scope="A copy of everything the service holds about me"))
    second = data_rights.record_request(dpo, data_rights.NewRequest(
        kind="subject-access", reference=routed[1], requester="representative",
        requester_name="R. Khan, solicitor (fictional)", authority_seen="Signed letter of authority",
        identity_check="documents", received_on=today - timedelta(days=4), scope="Notes and messages since May"))
    data_rights.pause(dpo, second.id, "identity", today - timedelta(days=2))
    routed = list(db.session.scalars(select(Referral.reference).where(Referral.status == "routed")
                                     .order_by(Referral.id).offset(2).limit(1)))
    if routed:
        data_rights.record_request(dpo, data_rights.NewRequest(
            kind="rectification", reference=routed[0], requester="victim", identity_check="known-to-service",
            received_on=today - timedelta(days=6), scope="My surname is spelt wrongly on my record"))
    _records_request(today)


def _records_request(today: date) -> None:
    """A police request for a domestic-abuse victim's counselling notes, waiting for the victim to be told."""
    from .services import records_requests

    advocate = db.session.scalar(select(User).where(User.email == f"domestic-abuse@{DEMO_DOMAIN}"))
    case = db.session.scalar(select(Case).where(Case.service_id == advocate.service_id).order_by(Case.id).limit(1))
    if case is None:
        return
    records_requests.record(Actor.from_user(advocate), case.id, records_requests.RecordsRequestInput(
        requester_kind="police", requester_name="DC Lewis (fictional), CID", records_kind="counselling-therapy",
        records_sought="Notes of counselling sessions since the offence",
        purpose="The officer says the defence may argue the account changed over time",
        received_on=today - timedelta(days=3)))


# Self-referrals waiting at triage, on top of the seeded referrals: (names, offence, age, days ago, DASH yes count).
TRIAGE_EXAMPLES = (
    ("Jordan", "Price", "domestic-abuse", 30, 0, 16), ("Ellie", "Shah", "sexual-offence", 15, 1, None),
    ("Marek", "Nowak", "robbery", 44, 9, None), ("Test", "Test", "other", 30, 2, None),
)


def _self_referrals_waiting(today: date, caseworker: Actor) -> None:
    """Self-referrals held for triage (no case until a caseworker confirms them), one urgent, one a child's, one
    overdue, and one closed as not proceeding, so the triage queue shows its order and badges."""
    received = datetime.combine(today, time(9, 30), tzinfo=timezone.utc)
    held = []
    for given, family, category, age, days_ago, dash_yes in TRIAGE_EXAMPLES:
        data = referral_service.ReferralInput(
            source="self-referral", offence_category=category,
            victim=referral_service.VictimDetails(given_name=given, family_name=family,
                                                  date_of_birth=today - timedelta(days=age * 365 + 40),
                                                  phone="07700 900111", may_phone=True),
            domestic_abuse=category == "domestic-abuse", sexual_offence=category == "sexual-offence",
            consent_referral=True, consent_given_by="The victim, online", consent_method="online",
            dash=referral_service.DashAnswers(yes_count=dash_yes) if dash_yes else None,
            received_at=received - timedelta(days=days_ago), needs_triage=True, hold_for_triage=True,
        )
        held.append(referral_service.create_referral(caseworker, data))
    referral_service.close_not_proceeding(caseworker, held[-1].reference, "spam",
                                          "A test message, not a real referral.")


def _assign_some_to_the_advocate() -> None:
    """The domestic-abuse lead gives the service's advocate three open cases (after the restricted one), so the
    advocate's home shows "Mine today" with something in it."""
    from .domain.vocab import OPEN_CASE_STATUSES

    lead = db.session.scalar(select(User).where(User.email == f"domestic-abuse.lead@{DEMO_DOMAIN}"))
    advocate = db.session.scalar(select(User).where(User.email == f"domestic-abuse@{DEMO_DOMAIN}"))
    if lead is None or advocate is None:
        return
    case_ids = db.session.scalars(
        select(Case.id).join(Case.service).where(Service.slug == "domestic-abuse", Case.status.in_(OPEN_CASE_STATUSES),
                                                 Case.assigned_to_id.is_(None))
        .order_by(Case.first_contact_due, Case.id).offset(1).limit(3))
    case_ids = list(case_ids)
    for case_id in case_ids:
        case_service.assign_case(Actor.from_user(lead), case_id, advocate.id)
    _view_repeatedly(Actor.from_user(advocate), case_ids)


def _view_repeatedly(actor: Actor, case_ids: list[int]) -> None:
    """The advocate opens one case (not a restricted one) four times, so its lead's access log shows
    "Viewed 4 times" on one row."""
    from .services import restricted

    openable = [c for c in case_ids if restricted.may_open(actor, db.session.get(Case, c).referral.person_id)]
    for _ in range(4 if openable else 0):
        case_service.get_case(actor, openable[-1])


def _restrict_one_record() -> None:
    """The domestic-abuse lead restricts the victim second in the service's queue (the perpetrator may have
    access), so the service's advocate sees "Restricted record" there and must break the glass to open it. That
    advocate broke the glass on it yesterday (fictional history: written directly, told to nobody), and the access
    waits on the review list for the lead or the data protection officer."""
    from .domain.access import break_glass_expiry
    from .domain.vocab import OPEN_CASE_STATUSES
    from .models import BreakGlassAccess
    from .services import audit, restricted

    lead = db.session.scalar(select(User).where(User.email == f"domestic-abuse.lead@{DEMO_DOMAIN}"))
    if lead is None:
        return
    case = db.session.scalar(
        select(Case).where(Case.service_id == lead.service_id, Case.status.in_(OPEN_CASE_STATUSES))
        .order_by(Case.first_contact_due, Case.id).offset(1).limit(1))
    if case is not None:
        restricted.set_restriction(Actor.from_user(lead), case.referral.person_id, "perpetrator-may-have-access", [])
        advocate = db.session.scalar(select(User).where(User.email == f"domestic-abuse@{DEMO_DOMAIN}"))
        granted = utc_now() - timedelta(days=1)
        access = BreakGlassAccess(person_id=case.referral.person_id, user_id=advocate.id, case_id=case.id,
                                  referral_id=case.referral_id, service_id=case.service_id, granted_at=granted,
                                  expires_at=break_glass_expiry(granted, 60),
                                  reason="Covering the duty phone: the victim rang and asked for their advocate.")
        db.session.add(access)
        db.session.flush()
        audit.record(Actor.from_user(advocate), "break-glass", "case", case.id, referral_id=case.referral_id,
                     case_id=case.id, service_id=case.service_id,
                     changes={"break_glass_access_id": access.id, "minutes": 60})


def _hold_one_record() -> None:
    """The data protection officer puts the oldest referral's person on legal hold (fictional court proceedings),
    so the Retention pages and that person's record show a hold."""
    from .services.retention import holds

    dpo = db.session.scalar(select(User).where(User.role == "dpo", User.active.is_(True)))
    reference = db.session.scalar(select(Referral.reference).where(Referral.person_id.is_not(None))
                                  .order_by(Referral.received_at, Referral.id).limit(1))
    if dpo is not None and reference is not None:
        holds.place_hold(Actor.from_user(dpo), reference, "court-proceedings",
                         "Crown Court trial listed; keep everything until the verdict and any appeal.")


DECLINE_DETAILS = {"not-eligible": "Offence outside the service's remit.", "already-supported": "Already has an advocate.",
                   "no-consent": "Did not want this service when asked.", "duplicate": "Second referral for one incident.",
                   "outside-area": "Has moved outside London.", "no-capacity": "Caseload full this week.",
                   "other": "See the referral notes."}


def _demo_dash(rng: random.Random, details: random.Random):
    """A DASH assessment with its answers: the count and incidents drawn from rng as before, which questions
    were answered yes from the details generator (so the rest of the demo is unchanged)."""
    yes_count, incidents = rng.randint(3, 20), rng.randint(0, 4)
    yes = set(details.sample(range(1, 25), yes_count))
    return referral_service.DashAnswers(yes_count=yes_count, incidents_last_12_months=incidents,
                                        answers={f"q{i}": "yes" if i in yes else "no" for i in range(1, 25)})


def _agreed(method: str, may_email: bool) -> str:
    """An email only to a victim who agreed to emails (a call otherwise)."""
    return "phone" if method == "email" and not may_email else method


def _work_some_cases(rng: random.Random, today: date, caseworker: Actor, advocates: dict[str, Actor]) -> None:
    """Move some demo cases on, through the service layer, so every report has something to show: declines and
    transfers with coded reasons, caseworker overrides, accepted support, and approved closures with outcomes."""
    leads = {u.service.slug: Actor.from_user(u)
             for u in db.session.scalars(select(User).where(User.role == "advocate", User.is_lead.is_(True),
                                                            User.active.is_(True)))}
    case_ids = list(db.session.scalars(select(Case.id).where(Case.status == "new").order_by(Case.id)))
    for case_id in case_ids:
        case = db.session.get(Case, case_id)
        slug, contacted, received = case.service.slug, case.first_contacted_at is not None, case.received_at
        advocate = advocates[slug]
        roll = rng.random()
        if roll < 0.06:
            code = rng.choice(slugs(DECLINE_REASONS_OFFERED))
            case_service.transition(advocate, case_id, "declined", reason=DECLINE_DETAILS[code], reason_code=code)
        elif roll < 0.10 and not case.service.features.general_support:
            case_service.transition(advocate, case_id, "transferred", target_service="victim-support",
                                    reason="Needs general support more than specialist advocacy.",
                                    reason_code=rng.choice(slugs(TRANSFER_REASONS)))
        elif contacted and roll < 0.85:
            case_service.transition(advocate, case_id, "accepted")
            case_service.transition(advocate, case_id, "in-progress")
            if (today - received.date()).days > 30 and rng.random() < 0.5:
                answers = slugs(OUTCOME_ANSWERS)
                case_service.transition(
                    advocate, case_id, "closed", closure_reason=rng.choice(["support-completed"] * 4 + ["declined-support"]),
                    outcomes={q: rng.choice(answers[:2] * 3 + answers[2:]) for q in slugs(OUTCOME_QUESTIONS)})
                case_service.approve_closure(leads[slug], case_id)
    _closure_waiting_with_checklist(today, advocates)
    # A few caseworker overrides: general support added where the rules did not choose it.
    referrals = list(db.session.scalars(select(Referral).where(Referral.status == "routed").order_by(Referral.id)))
    for referral in rng.sample(referrals, min(12, len(referrals))):
        routed = {d.service.slug for d in referral.routing_decisions}
        if "victim-support" not in routed:
            referral_service.add_route(caseworker, referral.reference, "victim-support",
                                       "The victim asked for practical help as well.",
                                       rng.choice(["victim-choice", "need-not-captured", "professional-judgement"]))


def _closure_waiting_with_checklist(today: date, advocates: dict[str, Actor]) -> None:
    """One domestic abuse closure waiting for the lead, asked for with a task still open (the checklist overridden
    with a reason), so the closure review shows its checklist."""
    case_id = db.session.scalar(select(Case.id).join(Service).where(
        Service.slug == "domestic-abuse", Case.status == "in-progress", Case.closure_requested_at.is_(None))
        .order_by(Case.id).limit(1))
    if case_id is None:
        return
    advocate = advocates["domestic-abuse"]
    case_service.add_task(advocate, case_id, "Send the housing support letter", due_on=today + timedelta(days=3))
    case_service.transition(
        advocate, case_id, "closed", closure_reason="support-completed", checklist_required=True,
        override_reason="The victim has moved out of London; the local service there has the housing letter.",
        outcomes={q: "improved" for q in slugs(OUTCOME_QUESTIONS)})


# What the demo's Victims' Code complaints are about, weighted (made-up proportions).
COMPLAINT_AGENCY_WEIGHTS = {"met-police": 40, "city-police": 3, "british-transport-police": 5, "cps": 15,
                            "witness-care": 10, "hmcts": 8, "probation": 6, "youth-justice": 2, "cica": 5,
                            "victim-service": 4, "other": 2}
COMPLAINT_RIGHT_WEIGHTS = {"information-about-investigation": 30, "information-when-reporting": 10,
                           "crime-recorded": 10, "referral-to-support": 10, "understand-and-be-understood": 5,
                           "information-about-compensation": 5, "victim-personal-statement": 8,
                           "information-about-trial": 8, "outcome-and-appeals": 6, "expenses-and-property": 3,
                           "information-about-offender": 3, "make-a-complaint": 2}


def _record_complaints(today: date, advocate: Actor) -> None:
    """Give the open Victims' Commissioner cases a complaint's agency and Code right, and most an agency response
    request: in turn none yet, answered on time (twice), answered late, and not answered (overdue or awaiting,
    by its date)."""
    rng = random.Random(17)  # its own sequence, so the rest of the demo does not change with this
    today = min(today, london_today())  # the service refuses dates in the future
    working_days = current_app.config["VC_RESPONSE_WORKING_DAYS"]
    case_ids = db.session.scalars(
        select(Case.id).where(Case.service.has(slug="victims-commissioner"),
                              Case.status.not_in(("declined", "transferred"))).order_by(Case.id)
    ).all()
    for n, case_id in enumerate(case_ids):
        case = db.session.get(Case, case_id)
        requested = case.received_at.date() + timedelta(days=rng.randint(1, 7))
        if n % 5 == 0 or requested > today:
            requested = None
        received = None
        if requested and n % 5 in (1, 2):
            received = add_working_days(requested, rng.randint(3, working_days))
        elif requested and n % 5 == 3:
            received = add_working_days(requested, working_days + rng.randint(1, 12))
        case_service.record_complaint(
            advocate, case_id, agency=rng.choices(list(COMPLAINT_AGENCY_WEIGHTS), list(COMPLAINT_AGENCY_WEIGHTS.values()))[0],
            code_right=rng.choices(list(COMPLAINT_RIGHT_WEIGHTS), list(COMPLAINT_RIGHT_WEIGHTS.values()))[0],
            requested_on=requested, received_on=received if received and received <= today else None)


# Police decisions the demo's caseworker passes on, and how many working days it took to tell the victim.
DEMO_DECISIONS = ("suspect-arrested", "suspect-bailed", "suspect-charged", "no-further-action", "case-to-court")


def _record_code_events(advocates: dict[str, Actor], caseworker: Actor) -> None:
    """Victims' Code events on the contacted cases, so the case's "Victims' Code" tab and the code-rights report
    show something: most told about the Code and assessed at first contact, some referred on, police decisions
    told (mostly in time, some late), statements offered, trial dates and outcomes told."""
    rng = random.Random(12)  # its own sequence, so the rest of the demo does not change with this
    latest = utc_now() - timedelta(hours=1)
    rows = db.session.execute(
        select(Case.id, Case.first_contacted_at, Case.enhanced, Service.slug).join(Service)
        .where(Case.first_contacted_at.is_not(None), Case.status.not_in(("declined", "transferred")))
        .order_by(Case.id)
    ).all()
    for case_id, contacted, enhanced, slug in rows:
        advocate = advocates[slug]

        def record(right, event, at, actor=advocate, **extra):
            code_rights.record_code_event(actor, case_id, right, event, min(at, latest), **extra)

        if rng.random() < 0.7:
            record("understand-and-be-understood", "told-about-code", contacted)
        if rng.random() < 0.6:
            record("referral-to-support", "needs-assessed", contacted + timedelta(minutes=20))
            if rng.random() < 0.3:
                record("referral-to-support", "referred", contacted + timedelta(days=rng.randint(1, 5)))
        if rng.random() < 0.3:
            record("information-about-compensation", "compensation-information", contacted + timedelta(minutes=30))
        if rng.random() < 0.25:
            record("make-a-complaint", "complaint-information", contacted + timedelta(minutes=40))
        if rng.random() < (0.5 if enhanced else 0.2):
            decided = contacted + timedelta(days=rng.randint(1, 10), hours=rng.randint(0, 6))
            if decided < latest:
                told = add_working_days(decided.date(), rng.choice([0, 0, 1, 1, 1, 2, 3, 4, 6]))
                told_at = datetime.combine(told, time(11, 0), tzinfo=timezone.utc)
                decision = rng.choice(DEMO_DECISIONS)
                record("information-about-investigation", "decision-communicated", max(told_at, decided),
                       actor=caseworker, decision_at=decided, decision=decision)
                if decision in ("suspect-charged", "case-to-court") and told_at < latest:
                    record("victim-personal-statement", "vps-offered", told_at + timedelta(days=2))
                    if rng.random() < 0.5:
                        record("information-about-trial", "trial-dates-communicated", told_at + timedelta(days=20))


# What the demo's MARAC hearings record: fictional, and the same for every case.
MARAC_RISKS = ("Threats to kill made by text last week; her former partner knows the new address.",
               "Escalating stalking at the workplace; children present at the last incident.")
MARAC_VIEWS = ("Wants to stay in the home with the locks changed; does not want a police visit at work.",
               "Wants support to move to a refuge outside the borough.")
MARAC_ACTIONS = (("police", "DC Patel", "Flag the address for an urgent response", 7),
                 ("housing", "Housing officer J. Evans", "Sanctuary scheme: change the locks", 14),
                 ("idva", "The IDVA", "Safety plan reviewed with the victim", 3))


def _marac_bcu(service_id: int) -> int:
    """The BCU whose MARAC the demo runs: the one with the most domestic-abuse cases referred to MARAC."""
    from .domain.report_definitions import BCU_NAMES

    counts = dict(db.session.execute(
        select(Borough.met_bcu, func.count(Case.id)).join(Case, Case.borough_code == Borough.ons_code)
        .where(Case.marac.is_(True), Case.service_id == service_id).group_by(Borough.met_bcu)).all())
    return max((b for b in counts if b in BCU_NAMES), key=lambda b: counts[b], default=min(BCU_NAMES))


# Days before today of the demo's repeat MARAC referrals: five before the last meeting (28 days ago), heard there,
# and two since, on next week's agenda. Each is a new incident for someone referred to MARAC earlier.
REPEAT_REFERRAL_DAYS = (70, 62, 54, 47, 40, 12, 5)


def _repeat_marac_referrals(today: date, caseworker: Actor, advocate: Actor) -> int:
    """A few repeat MARAC referrals, so the agenda's repeat flag and the repeat-rate measure show something: a new
    domestic-abuse referral (through the service, as police would post it) for people of the MARAC BCU referred
    to MARAC more than a fortnight before it and within 12 months. The DASH is medium risk, so the referral meets
    only the repeat criterion, which routing finds itself from the earlier referral. The advocate reaches each
    victim by phone the next working morning, as an IDVA would before the meeting."""
    domestic = db.session.scalar(select(Service.id).where(Service.slug == "domestic-abuse"))
    bcu = _marac_bcu(domestic)
    earlier = db.session.execute(
        select(Referral.person_id, func.min(Case.received_at)).join(Case, Case.referral_id == Referral.id)
        .join(Borough, Borough.ons_code == Case.borough_code)
        .where(Case.marac.is_(True), Case.service_id == domestic, Borough.met_bcu == bcu,
               Referral.person_id.is_not(None))
        .group_by(Referral.person_id).order_by(func.min(Case.received_at), Referral.person_id)).all()
    made, used = 0, set()
    for days in REPEAT_REFERRAL_DAYS:
        received = datetime.combine(today - timedelta(days=days), time(10, 15), tzinfo=timezone.utc)
        person_id = next((p for p, first in earlier if p not in used and first < received - timedelta(days=14)
                          and first >= received - timedelta(days=330)), None)
        if person_id is None:
            continue
        used.add(person_id)
        referral = referral_service.create_referral(caseworker, referral_service.ReferralInput(
            source="police-api", person_id=person_id, offence_category="domestic-abuse", domestic_abuse=True,
            crime_reference=f"CAD{4100 + made}/{received:%d%b}", referrer_name="DC Lewis",
            offence_date=received.date() - timedelta(days=1), consent_referral=True, consent_given_by="The victim",
            consent_method="phone", received_at=received,
            dash=referral_service.DashAnswers(yes_count=11, incidents_last_12_months=1, answers={
                f"q{i}": "yes" if i <= 11 else "no" for i in range(1, 25)})))
        for case_id in db.session.scalars(select(Case.id).where(Case.referral_id == referral.id)):
            reached = min(datetime.combine(add_working_days(received.date(), 1), time(9, 30), tzinfo=timezone.utc),
                          utc_now() - timedelta(hours=1))
            record_contact(advocate, case_id, reached, "phone", "reached")
        made += 1
    return made


def _marac_meetings(today: date) -> None:
    """Two MARAC meetings for the BCU with the most referrals: four weeks ago (heard, actions agreed, one overdue)
    and next week (its agenda filled with the referrals since)."""
    from .services import marac

    coordinator = Actor.from_user(db.session.scalar(select(User).where(User.is_marac_coordinator.is_(True))))
    bcu = _marac_bcu(coordinator.service_id)
    agencies = ["police", "idva", "childrens-social-care", "health", "housing", "probation"]
    past = marac.create_meeting(coordinator, held_on=today - timedelta(days=28), chair="DI Rivera (Met Police)",
                                agencies=agencies, bcu=bcu)
    _, rows = marac.agenda(coordinator, past.id)
    for n, row in enumerate(rows):
        if row.restricted:  # a restricted record the coordinator is not named on: its hearing is not theirs to record
            continue
        if n == len(rows) - 1 and n > 0:
            marac.defer_item(coordinator, past.id, row.item.id, "The police officer in the case could not attend")
            continue
        hearing = marac.record_hearing(coordinator, past.id, row.item.id, agencies_present=agencies[: 4 + n % 3],
                                       risks_discussed=MARAC_RISKS[n % 2], victim_views=MARAC_VIEWS[n % 2])
        for k, (agency, owner, what, days) in enumerate(MARAC_ACTIONS[: 1 + n % 3]):
            action = marac.add_action(coordinator, hearing.id, marac.ActionInput(agency, owner, what,
                                                                                past.held_on + timedelta(days=days)))
            if (n + k) % 4 != 3:  # most done, a few on time and late; some left open, and so overdue
                marac.mark_done(coordinator, action.id, min(today, action.due_on + timedelta(days=(n + k) % 3 - 1)))
    marac.create_meeting(coordinator, held_on=today + timedelta(days=7), chair="DI Rivera (Met Police)",
                         agencies=agencies, bcu=bcu)


def _record_withdrawals(today: date, advocates: dict[str, Actor]) -> None:
    """Victims withdrawing from the justice process, so the attrition report has figures: about a third of
    domestic-abuse cases and one in seven others (some never contacted, so not supported), mostly before charge, through the service (its own random
    generator, so the rest of the demo stays as it was)."""
    from .services import attrition

    rng = random.Random("withdrawals")
    reasons = [slug for slug in slugs(WITHDRAWAL_REASONS) if slug != "other"]
    cases = db.session.scalars(select(Case).where(Case.status.in_(("new", "accepted", "in-progress", "closed")))
                               .order_by(Case.id))
    for case in list(cases):
        share = 0.35 if case.service.features.dash_reassessment else 0.15
        if rng.random() >= share or case.service.slug not in advocates:
            continue
        stage = rng.choices(["before-charge", "after-charge", "at-trial"], [60, 25, 15])[0]
        given = rng.sample(reasons, rng.choice([1, 1, 2]))
        details = None
        if rng.random() < 0.08:
            given.append("other")
            details = "Moving out of London and does not want to travel back for court."
        withdrawn_on = min(today, case.received_at.date() + timedelta(days=rng.randint(3, 60)))
        attrition.record_withdrawal(advocates[case.service.slug], case.id, stage=stage, reasons=given,
                                    withdrawn_on=withdrawn_on, other_details=details)
