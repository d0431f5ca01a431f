"""A fixture spanning every retention category, a legal hold and a child (as of 1 September 2026, defaults):

  never     referred 5 January 2026, never contacted (case still new): due 7 July 2026         -> purged
  declined  contacted, closed without support 1 February 2026: due 15 March 2026               -> purged
  supported supported, closed 1 February 2026: kept until 1 February 2032                      -> kept
  child     14 at the offence, never contacted: kept until their 25th birthday (2036)          -> kept
  marac     heard at MARAC, contacted, closed without support 1 February 2026: kept until 2032 -> kept
  held      never contacted, received 5 January 2026, but on a legal hold                      -> skipped, listed
  triage    a referral held at triage since 5 January 2026 (no case)                           -> purged
  open      contacted, no support yet, case still open: no date                                -> kept
"""
from datetime import date, datetime, timezone

from victimcare.extensions import db
from victimcare.models import (
    CaseNote, CaseStep, ContactAttempt, LegalHold, ParentCarer, Perpetrator, Referral, RiskAssessment, Task,
)

from .factories import make_person, make_referral_with_case

JAN = datetime(2026, 1, 5, 10, 0, tzinfo=timezone.utc)
FEB = datetime(2026, 2, 1, 10, 0, tzinfo=timezone.utc)
AS_OF = date(2026, 9, 1)


def _work(case, *, contacted: bool) -> None:
    """A note, a task, a step and (when contacted) a contact attempt with a note: the text the purge removes."""
    db.session.add(CaseNote(case_id=case.id, body="Victim said her sister at 12 Acacia Road can help"))
    db.session.add(Task(case_id=case.id, title="Call Ms Example about the court date"))
    db.session.add(CaseStep(case_id=case.id, step="marac-referral", detail="Discussed with DS Example"))
    if contacted:
        db.session.add(ContactAttempt(case_id=case.id, at=JAN, method="phone", outcome="reached",
                                      note="Spoke to her at work"))
        case.first_contacted_at = JAN
        case.first_contact_working_days, case.first_contact_in_time = 0, True
    db.session.add(Perpetrator(referral_id=case.referral_id, name="Sam Example", date_of_birth=date(1985, 1, 1)))
    db.session.add(ParentCarer(referral_id=case.referral_id, name="Jo Example", phone="+447700900456"))
    db.session.add(RiskAssessment(referral_id=case.referral_id, case_id=case.id, answers={"q1": "yes"}, yes_count=1,
                                  actuarial_level="standard", level="standard",
                                  professional_judgement_reason="Partner has a knife"))
    db.session.commit()


def _case(status="new", *, contacted=False, accepted=False, closed=False, marac=False, dob=date(1990, 5, 17),
          description="He followed me home from the station"):
    case = make_referral_with_case("domestic-abuse", status, received_at=JAN, marac=marac,
                                   accepted_at=JAN if accepted else None, closed_at=FEB if closed else None)
    person = case.referral.person
    person.date_of_birth, person.phone, person.address = dob, "+447700900123", "12 Acacia Road"
    case.referral.description = description
    case.referral.crime_reference = "CR-EXAMPLE-1"
    db.session.commit()
    _work(case, contacted=contacted)
    return case


def retention_fixture(placed_by=None) -> dict:
    cases = {
        "never": _case(),
        "declined": _case("closed", contacted=True, closed=True),
        "supported": _case("closed", contacted=True, accepted=True, closed=True),
        "child": _case(dob=date(2011, 8, 3)),
        "marac": _case("closed", contacted=True, closed=True, marac=True),
        "held": _case(),
        "open": _case("in-progress", contacted=True),
    }
    person = make_person()
    triage = Referral(reference="VC-TRIAGE01", person_id=person.id, status="triage", source="caseworker",
                      received_at=JAN, offence_category="other", description="Neighbour threatens me")
    db.session.add(triage)
    db.session.add(LegalHold(person_id=cases["held"].referral.person_id, reason="court-proceedings",
                             detail="Trial listed at Snaresbrook", placed_by_id=placed_by))
    db.session.commit()
    return {"cases": cases, "triage": triage}
