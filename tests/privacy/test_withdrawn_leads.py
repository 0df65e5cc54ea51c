"""A contact withdrawn from one exhibitor (the scan's own consent, the badge still shared with
others) stays out of that exhibitor's reach: a search by what it held does not find it, its
follow-up cannot be changed, and scanning the badge again says it was withdrawn without the
person's name — on the page and on the exhibitor's lead scanner. SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from exhibit.badges import services as badges
from exhibit.core.errors import Conflict
from exhibit.extensions import db
from exhibit.privacy import consents
from exhibit.privacy.models import Consent
from exhibit.scanning import sync
from exhibit.visitors import services as visitors
from exhibit.visitors.models import Lead
from tests.conftest import login, visitor_data
from tests.scanning.conftest import make_device
from tests.scanning.test_sync import queued

NAME = "Phan Thị Rút Lại"


def _withdrawn_lead(exhibitor, week) -> tuple[Lead, object]:
    badge = badges.register_visitor(week=week, data=visitor_data(full_name=NAME,
                                                                 phone="0912 345 678"))
    lead, created = visitors.capture_badge(actor=exhibitor, code=badge.contact_code)
    assert created
    scan = db.session.scalar(select(Consent).where(Consent.lead_id == lead.id))
    consents.withdraw(consent=scan, via="privacy_page")
    db.session.expire_all()
    lead = db.session.get(Lead, lead.id)
    assert lead.withdrawn_at is not None and badge.contact_consent_at is not None
    return lead, badge


def test_a_withdrawn_contact_is_not_found_not_edited_and_not_named_again(
        client, exhibitor_with_booth, open_week):
    lead, badge = _withdrawn_lead(exhibitor_with_booth, open_week)
    for q in ("Rút Lại", "912345"):
        page = visitors.leads_page(exhibitor_with_booth.business_id, week_id=None, q=q,
                                   number=1)
        assert page.total == 0, q
    assert visitors.leads_page(exhibitor_with_booth.business_id, week_id=None, q="",
                               number=1).total == 1  # still listed, as withdrawn
    with pytest.raises(Conflict):
        visitors.update_lead(actor=exhibitor_with_booth, lead=lead, data={"rating": "5"})
    login(client, exhibitor_with_booth)
    again = client.post("/my/leads/scan", data={"code": badge.contact_code},
                        follow_redirects=True)
    text = again.get_data(as_text=True)
    assert NAME not in text
    with client.application.test_request_context():
        from exhibit.visitors.views import WITHDRAWN_NOTE
        assert str(WITHDRAWN_NOTE).replace("'", "&#39;") in text


def test_the_lead_scanner_is_told_withdrawn_without_the_name(running_week, confirmed_exhibitor):
    exhibitor = confirmed_exhibitor("Hợp tác xã Rút Lại")
    device = make_device(running_week, purpose="leads", business_id=exhibitor.business_id,
                         name="Máy gian hàng")
    lead, badge = _withdrawn_lead(exhibitor, running_week)
    [answer] = sync.upload(device=device, scans=[queued(badge.contact_code, 1)])
    assert (answer["status"], answer["reason"]) == ("invalid", "withdrawn")
    assert "badge" not in answer and NAME not in answer["message"]
