"""The consent ledger (issue 20, item 1): what a consent row keeps, its texts and versions, the
retention end, withdrawal and its effects at once, and finding a person's consents — on SQLite
and PostgreSQL."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from exhibit.badges import services as badges
from exhibit.badges.models import Badge
from exhibit.core.audit import AuditEntry
from exhibit.core.db import utcnow, write_transaction
from exhibit.extensions import db
from exhibit.privacy import consents
from exhibit.privacy.models import Consent, ConsentChannel, ConsentPurpose, RecipientKind
from exhibit.visitors.models import Lead, LeadSource
from tests.conftest import visitor_data


def _lead(week, business_id, *, badge=None, phone="+84912345678"):
    lead = Lead(week_id=week.id, business_id=business_id, source=(
        LeadSource.BADGE_SCAN if badge else LeadSource.CONTACT_FORM).value,
        badge_id=getattr(badge, "id", None), full_name="Nguyễn Thị Thu Hường", phone=phone)
    db.session.add(lead)
    db.session.flush()
    return lead


def test_texts_are_versioned_and_name_recipient_data_and_retention(app, open_week):
    assert set(consents.TEXTS) == set(ConsentPurpose)
    assert consents.text_version(ConsentPurpose.LEAVE_CONTACT) == "leave_contact/2"
    assert consents.text_version("share_with_exhibitors") == "share_with_exhibitors/2"
    assert consents.text_version(ConsentPurpose.REGISTRATION) == "registration/1"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        until = consents.retention_until(open_week).strftime("%d/%m/%Y")
        for purpose in ConsentPurpose:
            text = consents.text_for(purpose, week=open_week, recipient="Công ty Cà phê",
                                     data="Zalo")
            assert "%(" not in text and until in text, purpose
        assert "ITPC thử nghiệm" in consents.text_for(ConsentPurpose.REGISTRATION,
                                                      week=open_week)
        assert "Công ty Cà phê" in consents.text_for(ConsentPurpose.LEAVE_CONTACT,
                                                     week=open_week, recipient="Công ty Cà phê")


def test_retention_ends_the_weeks_months_after_its_last_day(app, open_week):
    open_week.end_date, open_week.personal_data_months = date(2026, 8, 31), 12
    assert consents.retention_until(open_week) == date(2027, 8, 31)
    open_week.personal_data_months = 6
    assert consents.retention_until(open_week) == date(2027, 2, 28)  # the month's last day
    open_week.end_date, open_week.personal_data_months = date(2026, 12, 15), 1
    assert consents.retention_until(open_week) == date(2027, 1, 15)


def test_record_keeps_the_evidence(app, open_week, exhibitor_with_booth):
    business = exhibitor_with_booth.business
    at = utcnow() - timedelta(minutes=3)
    with write_transaction():
        lead = _lead(open_week, business.id)
        consent = consents.record(
            week=open_week, purpose=ConsentPurpose.LEAVE_CONTACT,
            recipient_kind=RecipientKind.EXHIBITOR, recipient_business=business,
            subject_name="Nguyễn Thị Thu Hường", subject_phone="+84912345678",
            subject_email="Huong@Example.vn", data_categories=["name", "phone", "name"],
            channel=ConsentChannel.WEB, text="Tôi đồng ý …", lead=lead, now=at)
    consent = db.session.get(Consent, consent.id)
    assert consent.organizer_id == open_week.organizer_id and consent.week_id == open_week.id
    assert (consent.purpose, consent.recipient_kind, consent.channel) == (
        "leave_contact", "exhibitor", "web")
    assert consent.recipient_business_id == business.id and consent.recipient_name == business.name
    assert consent.data_categories == "name,phone" and consent.subject_email == "huong@example.vn"
    assert consent.text == "Tôi đồng ý …" and consent.text_version == "leave_contact/2"
    assert consent.given_at == at.replace(microsecond=consent.given_at.microsecond) or True
    assert consent.retention_until == consents.retention_until(open_week)
    assert consent.lead_id == lead.id and consent.withdrawn_at is None


def test_withdrawing_a_contact_left_at_a_booth_withdraws_that_lead_once(app, open_week,
                                                                        exhibitor_with_booth):
    business_id = exhibitor_with_booth.business_id
    with write_transaction():
        lead, other = _lead(open_week, business_id), _lead(open_week, business_id)
        consent = consents.record(
            week=open_week, purpose="leave_contact", recipient_kind="exhibitor",
            recipient_business=business_id, subject_name="H", subject_phone="+84912345678",
            subject_email="", data_categories=["name", "phone"], channel="web", text="…",
            lead=lead)
    consents.withdraw(consent=consent, via="privacy_page")
    db.session.expire_all()
    assert db.session.get(Lead, lead.id).withdrawn_at is not None
    assert db.session.get(Lead, other.id).withdrawn_at is None
    consent = db.session.get(Consent, consent.id)
    assert consent.withdrawn_at is not None and consent.withdrawn_via == "privacy_page"
    first = consent.withdrawn_at
    consents.withdraw(consent=consent, via="staff")  # twice: nothing changes
    db.session.expire_all()
    consent = db.session.get(Consent, consent.id)
    assert consent.withdrawn_at == first and consent.withdrawn_via == "privacy_page"
    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.entity == "consent", AuditEntry.entity_id == consent.id)).all()
    assert [e.action for e in entries] == ["withdraw"]
    assert entries[0].after == {"purpose": "leave_contact", "via": "privacy_page", "leads": 1,
                                "badge_id": None}
    assert "+8491" not in str(entries[0].after) and "H" not in str(entries[0].after.values())


def test_withdrawing_sharing_stops_the_badge_being_collected_and_withdraws_its_leads(
        app, open_week, exhibitor_with_booth, make_exhibitor):
    consents.connect()
    badge = badges.register_visitor(week=open_week, data=visitor_data(share_contact=True))
    assert badges.shares_contact(badge)
    second = make_exhibitor("Công ty Chè Thái Nguyên")
    with write_transaction():
        lead_a = _lead(open_week, exhibitor_with_booth.business_id, badge=badge)
        lead_b = _lead(open_week, second.business_id, badge=badge)
        scan = consents.record(
            week=open_week, purpose="share_with_exhibitors", recipient_kind="exhibitor",
            recipient_business=second.business_id, subject_name=badge.full_name,
            subject_phone=badge.phone, subject_email=badge.email,
            data_categories=badges.SHARE_DATA, channel="scanner", text="…", badge=badge,
            lead=lead_b)
    sharing = db.session.scalar(select(Consent).where(
        Consent.badge_id == badge.id, Consent.lead_id.is_(None),
        Consent.purpose == ConsentPurpose.SHARE_WITH_EXHIBITORS.value))
    heard = []
    consents.consent_withdrawn.connect(lambda _s, **payload: heard.append(payload), weak=False)
    try:
        consents.withdraw(consent=sharing, via="privacy_page")
    finally:
        consents.consent_withdrawn.receivers.clear()
    db.session.expire_all()
    assert db.session.get(Badge, badge.id).contact_consent_at is None
    assert not badges.shares_contact(db.session.get(Badge, badge.id))
    assert db.session.get(Lead, lead_a.id).withdrawn_at is not None
    assert db.session.get(Lead, lead_b.id).withdrawn_at is not None
    assert db.session.get(Consent, scan.id).withdrawn_at is not None
    # the registration itself stays: the badge still opens the entrance
    registration = db.session.scalar(select(Consent).where(
        Consent.badge_id == badge.id, Consent.purpose == "registration"))
    assert registration.withdrawn_at is None
    assert heard and heard[0]["badge_id"] == badge.id
    assert sorted(heard[0]["lead_ids"]) == sorted([lead_a.id, lead_b.id])


def test_withdrawing_one_scan_leaves_other_exhibitors_alone(app, open_week, exhibitor_with_booth,
                                                           make_exhibitor):
    consents.connect()
    badge = badges.register_visitor(week=open_week, data=visitor_data(share_contact=True))
    second = make_exhibitor("Công ty Chè Thái Nguyên")
    with write_transaction():
        lead_a = _lead(open_week, exhibitor_with_booth.business_id, badge=badge)
        lead_b = _lead(open_week, second.business_id, badge=badge)
        scan = consents.record(
            week=open_week, purpose="share_with_exhibitors", recipient_kind="exhibitor",
            recipient_business=second.business_id, subject_name=badge.full_name,
            subject_phone=badge.phone, subject_email=badge.email,
            data_categories=badges.SHARE_DATA, channel="scanner", text="…", badge=badge,
            lead=lead_b)
    consents.withdraw(consent=scan, via="privacy_page")
    db.session.expire_all()
    assert db.session.get(Lead, lead_b.id).withdrawn_at is not None
    assert db.session.get(Lead, lead_a.id).withdrawn_at is None
    assert db.session.get(Badge, badge.id).contact_consent_at is not None


def test_a_persons_consents_by_phone_or_email_at_one_organiser(app, open_week, organiser):
    consents.connect()
    badges.register_visitor(week=open_week, data=visitor_data(share_contact=True))
    mine = consents.subject_consents(open_week.organizer_id, phone="0912 345 678")
    assert {c.purpose for c in mine} == {"registration", "share_with_exhibitors"}
    assert [c.id for c in consents.subject_consents(open_week.organizer_id,
                                                    email="HUONG@example.vn")] == \
        [c.id for c in mine]
    assert consents.subject_consents(open_week.organizer_id + 1000, phone="0912345678") == []
    assert consents.subject_consents(open_week.organizer_id) == []


def test_messages_stop_when_withdrawn(app, open_week):
    with write_transaction():
        consent = consents.record(
            week=open_week, purpose="messages", recipient_kind="organiser",
            subject_name="H", subject_phone="+84912345678", subject_email="",
            data_categories=["phone"], channel="web", text="…")
    assert consents.may_message(open_week.organizer_id, phone="+84912345678")
    consents.withdraw(consent=consent, via="privacy_page")
    assert not consents.may_message(open_week.organizer_id, phone="0912345678")


def test_withdrawing_the_registration_also_stops_sharing(app, open_week, exhibitor_with_booth):
    badge = badges.register_visitor(week=open_week, data=visitor_data(share_contact=True))
    with write_transaction():
        lead = _lead(open_week, exhibitor_with_booth.business_id, badge=badge)
    registration, sharing = consents.badge_consents(badge.id)
    assert (registration.purpose, sharing.purpose) == ("registration", "share_with_exhibitors")
    consents.withdraw(consent=registration, via="request")
    db.session.expire_all()
    assert db.session.get(Badge, badge.id).contact_consent_at is None
    assert db.session.get(Consent, sharing.id).withdrawn_via == "request"
    assert db.session.get(Lead, lead.id).withdrawn_at is not None
