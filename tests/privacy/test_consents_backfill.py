"""The backfill migration (eef19b17d6a0): leads and shared badges made before the consent
ledger get their consent rows, as given — on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from exhibit.core.db import utcnow
from exhibit.extensions import db
from exhibit.privacy.models import Consent
from exhibit.vn.dates import vietnam_today

OLD_TEXT = "Tôi đồng ý để doanh nghiệp này nhận họ tên, số điện thoại …"


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_old_leads_and_shared_badges_get_their_consents(kind, tmp_path_factory):
    from flask_migrate import downgrade, upgrade

    from exhibit.accounts.services import create_organiser_user, register_exhibitor
    from exhibit.badges import services as badges
    from exhibit.privacy import consents
    from exhibit.visitors.models import Lead
    from exhibit.weeks.services import create_week
    from tests.conftest import PASSWORD, _test_app, business_data, visitor_data

    with _test_app(kind, tmp_path_factory, "consent_backfill") as app, app.app_context():
        organiser = create_organiser_user(email="btc@itpc.example", password=PASSWORD,
                                          organizer_name="ITPC", organizer_short_name="ITPC")
        today = vietnam_today()
        week = create_week(actor=organiser, data={
            "name_vi": "Tuần lễ OCOP", "slug": "tuan-le", "host_province_scheme": "2025",
            "host_province_code": "79", "venue_name": "ITPC",
            "start_date": today + timedelta(days=10), "end_date": today + timedelta(days=14),
            "registration_opens_on": today - timedelta(days=1), "status": "open"})
        exhibitor = register_exhibitor(email="a@example.vn", password=PASSWORD, full_name="A",
                                       business=business_data(name="HTX Cà phê Cầu Đất"),
                                       verified=True)
        shared = badges.register_visitor(week=week, data=visitor_data(share_contact=True))
        private = badges.register_visitor(week=week, data=visitor_data(
            phone="0912 000 111", share_contact=False))
        at = utcnow() - timedelta(days=1)
        left = Lead(week_id=week.id, business_id=exhibitor.business_id, source="contact_form",
                    full_name="Phạm Minh Quân", phone="+84987654321", consent_text=OLD_TEXT,
                    consent_at=at)
        scanned = Lead(week_id=week.id, business_id=exhibitor.business_id, source="badge_scan",
                       badge_id=shared.id, full_name=shared.full_name, phone=shared.phone,
                       consent_text=str(badges.CONTACT_CONSENT),
                       consent_at=shared.contact_consent_at)
        db.session.add_all([left, scanned])
        # as before the ledger: no consent rows at all
        db.session.execute(delete(Consent))
        db.session.commit()
        ids = {"left": left.id, "scanned": scanned.id, "shared": shared.id,
               "private": private.id, "business": exhibitor.business_id, "week": week.id}

        db.session.remove()  # the migration's connection, not this session's, reads and writes
        downgrade(revision="57480abb2099")
        upgrade()
        week = db.session.get(type(week), ids["week"])
        rows = db.session.scalars(select(Consent).order_by(Consent.id)).all()
        by_lead = {row.lead_id: row for row in rows if row.lead_id}
        assert set(by_lead) == {ids["left"], ids["scanned"]}
        one = by_lead[ids["left"]]
        assert (one.purpose, one.recipient_kind, one.recipient_business_id, one.channel) == (
            "leave_contact", "exhibitor", ids["business"], "web")
        assert one.recipient_name == "HTX Cà phê Cầu Đất" and one.text == OLD_TEXT
        assert one.text_version == "leave_contact/1" and one.given_at == at
        assert one.subject_phone == "+84987654321" and one.organizer_id == week.organizer_id
        assert one.retention_until == consents.retention_until(week)
        two = by_lead[ids["scanned"]]
        assert (two.purpose, two.recipient_kind, two.badge_id, two.text_version) == (
            "share_with_exhibitors", "exhibitor", ids["shared"], "share_with_exhibitors/1")
        badge_rows = [row for row in rows if row.lead_id is None]
        assert [(r.badge_id, r.purpose, r.recipient_kind) for r in badge_rows] == [
            (ids["shared"], "share_with_exhibitors", "exhibitors")]  # not the private one
        assert badge_rows[0].text.startswith("Tôi đồng ý") and badge_rows[0].given_at
        # withdrawal works on them as on the ledger's own
        consents.withdraw(consent=badge_rows[0], via="privacy_page")
        db.session.expire_all()
        assert db.session.get(Lead, ids["scanned"]).withdrawn_at is not None
        assert db.session.get(Lead, ids["left"]).withdrawn_at is None

        db.session.remove()
        downgrade(revision="57480abb2099")
        assert db.session.scalars(select(Consent)).all() == []
        db.session.remove()
        upgrade()
