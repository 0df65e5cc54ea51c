"""The demo and the generated fair hold the consents their badges and leads were given: every
buyer's and visitor's registration and sharing, every lead's consent naming its exhibitor — on
SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from exhibit.badges.models import Badge
from exhibit.extensions import db
from exhibit.privacy.models import Consent
from exhibit.visitors.models import Lead
from exhibit.weeks.models import ExhibitionWeek


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _consents_match(week_id: int) -> None:
    registered = _count(Badge, Badge.week_id == week_id, Badge.contact_code.isnot(None))
    assert registered > 0
    assert _count(Consent, Consent.week_id == week_id, Consent.purpose == "registration") \
        == registered
    assert _count(Consent, Consent.week_id == week_id, Consent.lead_id.is_(None),
                  Consent.purpose == "share_with_exhibitors") == registered
    leads = db.session.scalars(select(Lead).where(Lead.week_id == week_id)).all()
    by_lead = {c.lead_id: c for c in db.session.scalars(select(Consent).where(
        Consent.week_id == week_id, Consent.lead_id.isnot(None)))}
    assert set(by_lead) == {lead.id for lead in leads}
    for lead in leads:
        consent = by_lead[lead.id]
        assert consent.recipient_business_id == lead.business_id and consent.recipient_name
        assert consent.purpose == ("share_with_exhibitors" if lead.badge_id else "leave_contact")
        assert consent.text == lead.consent_text and "%(" not in consent.text
        assert consent.subject_phone == lead.phone


def test_the_generated_fair_has_its_consents(app):
    from exhibit.demo.fair import FairOptions, seed_fair
    seed_fair(FairOptions(booths=30, businesses=20, products=40, visitors=120, scans=600,
                          checkins=100, slug="hoi-cho-dong-y"))
    week = db.session.scalar(select(ExhibitionWeek).where(ExhibitionWeek.slug == "hoi-cho-dong-y"))
    _consents_match(week.id)


@pytest.fixture
def demo(demo_app):
    with demo_app.app_context():
        yield demo_app
        db.session.rollback()
        db.session.remove()


def test_the_demo_weeks_have_their_consents(demo):
    weeks = db.session.scalars(select(ExhibitionWeek.id).where(ExhibitionWeek.id.in_(
        select(Badge.week_id).where(Badge.contact_code.isnot(None))))).all()
    assert weeks
    for week_id in weeks:
        _consents_match(week_id)
