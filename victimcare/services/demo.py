"""Fictional demo data for `flask seed-demo`: users for every role and a few hundred referrals.

Everything goes through the same service functions the app uses, so the demo has real routing decisions,
deadlines and audit events. Names are made up from common first names and surnames.
"""
import random
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select

from ..domain.vocab import HATE_STRANDS, slugs
from ..extensions import db
from ..models import Borough, Case, Referral, User
from . import referrals as referral_service
from . import users as user_service
from .actors import SYSTEM, Actor
from .cases import record_contact

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
    """Load the demo once. Returns what was created, or None when demo data (or any referral) exists."""
    if db.session.scalar(select(func.count()).select_from(Referral)) or db.session.scalar(
        select(User.id).where(User.email.like(f"%@{DEMO_DOMAIN}"))
    ):
        return None
    created_users = []
    for email, role, service, lead, name in _demo_users():
        user_service.create_user(SYSTEM, email, name, role, DEMO_PASSWORD, service_slug=service, is_lead=lead)
        created_users.append((email, f"{role}{' – ' + service if service else ''}{' (lead)' if lead else ''}"))

    rng = random.Random(2026)
    today = today or date.today()
    caseworker = Actor.from_user(db.session.scalar(select(User).where(User.role == "caseworker")))
    advocates = {
        u.service.slug: Actor.from_user(u)
        for u in db.session.scalars(select(User).where(User.role == "advocate", User.is_lead.is_(False)))
    }
    boroughs = list(db.session.scalars(select(Borough.ons_code).order_by(Borough.ons_code)))
    strands = slugs(HATE_STRANDS)
    for n in range(referral_count):
        received = datetime.combine(today - timedelta(days=rng.randint(0, 180)), time(rng.randint(8, 18), rng.randint(0, 59)),
                                    tzinfo=timezone.utc)
        kind = rng.choices(["domestic", "hate", "child", "general", "rj", "complaint"], [30, 20, 8, 30, 7, 5])[0]
        age = rng.randint(13, 17) if kind == "child" else rng.randint(18, 80)
        dob = received.date() - timedelta(days=age * 365 + rng.randint(30, 300))
        data = referral_service.ReferralInput(
            source=rng.choice(["caseworker", "caseworker", "police-api", "partner", "self-referral"]),
            offence_category={"domestic": "domestic-abuse", "hate": "hate-crime", "child": "sexual-offence",
                              "complaint": "other"}.get(kind, rng.choice(["robbery", "burglary", "violence-with-injury",
                                                                           "theft-from-the-person", "fraud"])),
            victim=referral_service.VictimDetails(
                given_name=rng.choice(GIVEN), family_name=rng.choice(FAMILY), date_of_birth=dob,
                borough_code=rng.choice(boroughs), phone=f"07700 900{rng.randint(100, 999)}",
                may_phone=True, may_leave_voicemail=rng.random() < 0.6, may_write=rng.random() < 0.5,
            ),
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
            dash=referral_service.DashAnswers(
                yes_count=rng.randint(3, 20), incidents_last_12_months=rng.randint(0, 4)
            ) if kind == "domestic" else None,
            received_at=received,
            needs_triage=n % 25 == 0,
        )
        referral = referral_service.create_referral(caseworker, data)
        for case in db.session.scalars(select(Case).where(Case.referral_id == referral.id)):
            advocate = advocates[case.service.slug]
            if rng.random() < 0.75 and received.date() < today:
                delay = timedelta(days=rng.choice([0, 1, 1, 2, 3, 4, 6, 9]), hours=rng.randint(0, 5))
                at = min(received + delay, datetime.now(timezone.utc) - timedelta(hours=1))
                if rng.random() < 0.3:
                    record_contact(advocate, case.id, at, "phone", "no-answer")
                record_contact(advocate, case.id, at + timedelta(minutes=30), rng.choice(["phone", "email", "in-person"]),
                               "reached")
    cases = db.session.scalar(select(func.count()).select_from(Case))
    return {"users": created_users, "referrals": referral_count, "cases": cases, "password": DEMO_PASSWORD}
