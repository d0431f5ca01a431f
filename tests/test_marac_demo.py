"""The demo's MARAC meetings carry repeat referrals (a new referral within 12 months of the person's last), so the
agenda's repeat flag and the repeat-rate measure show something in `make run`."""
from sqlalchemy import select

from victimcare.demo import seed_demo
from victimcare.domain.clock import london_today
from victimcare.extensions import db
from victimcare.models import MaracAgendaItem, MaracHearing, MaracMeeting, RiskAssessment


def test_the_demo_has_repeat_marac_cases_heard_and_waiting(app):
    assert seed_demo(referral_count=150) is not None
    today = london_today()
    past, upcoming = db.session.scalars(select(MaracMeeting).order_by(MaracMeeting.held_on)).all()
    assert past.held_on < today < upcoming.held_on
    heard = db.session.execute(select(MaracAgendaItem.repeat).join(
        MaracHearing, MaracHearing.agenda_item_id == MaracAgendaItem.id)
        .where(MaracAgendaItem.meeting_id == past.id)).scalars().all()
    repeats = sum(heard)
    assert repeats >= 2 and 0.2 <= repeats / len(heard) <= 0.5  # near SafeLives' 28-40%, as a real MARAC's
    waiting = db.session.scalars(select(MaracAgendaItem.repeat).where(MaracAgendaItem.meeting_id == upcoming.id))
    assert any(waiting)
    # Routing found each repeat itself from the person's earlier MARAC referral, and says so in words.
    reasons = db.session.scalars(select(RiskAssessment.marac_reasons).where(RiskAssessment.marac.is_(True))).all()
    assert sum(1 for rs in reasons if any(r.startswith("Repeat: last referred to MARAC") for r in rs)) >= 5
