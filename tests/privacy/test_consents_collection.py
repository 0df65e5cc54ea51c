"""Every collection point records its consent in the ledger, with its purpose and named
recipient (issue 20, item 1), and a badge whose holder did not agree to share is refused to
exhibitors everywhere they scan it — on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from exhibit.badges import services as badges
from exhibit.badges.models import Badge
from exhibit.core.errors import ValidationFailed
from exhibit.extensions import db, limiter
from exhibit.floorplan.services import get_booth
from exhibit.privacy import consents
from exhibit.privacy.models import Consent
from exhibit.scanning import snapshot as snapshots
from exhibit.scanning import sync
from exhibit.visitors import services as visitors
from exhibit.visitors.models import Lead
from tests.conftest import login, visitor_data
from tests.scanning.conftest import make_device
from tests.scanning.helpers_devices import keyed
from tests.scanning.test_sync import queued


@pytest.fixture
def lead_scanner(running_week, confirmed_exhibitor):
    """An exhibitor with a confirmed booth at the running week, and its lead scanner."""
    exhibitor = confirmed_exhibitor("Hợp tác xã Trà Thái Nguyên")
    return make_device(running_week, purpose="leads", business_id=exhibitor.business_id,
                       name="Quầy A01 – điện thoại chị Lan", created_by=exhibitor)


def rows(**where) -> list[Consent]:
    query = select(Consent).order_by(Consent.id)
    for name, value in where.items():
        query = query.where(getattr(Consent, name) == value)
    return list(db.session.scalars(query))


# -- registering ---------------------------------------------------------------------------------

def test_online_registration_records_the_registration_and_the_optional_sharing(
        client, open_week):
    limiter.reset()
    form = {"full_name": "Nguyễn Thị Thu Hường", "phone": "0912 345 678", "email": "",
            "organisation": "", "consent": "y"}
    refused = client.post(f"/weeks/{open_week.slug}/visit", data={**form, "consent": "",
                                                                   "share_contact": "y"})
    assert refused.status_code == 422 and db.session.scalar(select(Badge)) is None
    assert rows() == []
    assert client.post(f"/weeks/{open_week.slug}/visit", data=form).status_code in (302, 303)
    badge = db.session.scalar(select(Badge))
    assert badge.contact_consent_at is None and not badges.shares_contact(badge)
    [registration] = rows(badge_id=badge.id)
    assert (registration.purpose, registration.recipient_kind, registration.channel) == (
        "registration", "organiser", "web")
    assert registration.recipient_name == "ITPC thử nghiệm"
    assert registration.subject_phone == "+84912345678"
    assert registration.text_version == "registration/1"
    assert badges.kept_until_text(open_week) in registration.text
    assert "ITPC thử nghiệm" in registration.text
    assert registration.data_categories == "name,phone,email,organisation"

    limiter.reset()
    assert client.post(f"/weeks/{open_week.slug}/visit", data={
        **form, "phone": "0912 000 222", "share_contact": "y"}).status_code in (302, 303)
    sharing = db.session.scalar(select(Badge).where(Badge.phone == "+84912000222"))
    assert badges.shares_contact(sharing)
    assert [(c.purpose, c.recipient_kind, c.recipient_business_id) for c in
            rows(badge_id=sharing.id)] == [("registration", "organiser", None),
                                           ("share_with_exhibitors", "exhibitors", None)]


def test_the_registration_form_says_what_a_scan_is_covered_by(client, open_week):
    page = client.get(f"/weeks/{open_week.slug}/visit").get_data(as_text=True)
    assert 'name="consent"' in page and 'name="share_contact"' in page
    assert badges.kept_until_text(open_week) in page
    with client.application.test_request_context():
        note = str(badges.SHARE_CONSENT_NOTE)
    assert note.replace("'", "&#39;") in page or note in page


def test_walk_ins_and_organiser_badges_record_consents_from_the_desk(
        client, running_week, organiser, entrance_user):
    login(client, entrance_user)
    response = client.post(f"/gate/{running_week.slug}/walk-in", data={
        "kind": "visitor", "full_name": "Trương Thị Ngọc Ánh", "phone": "0903 123 456",
        "consent": "y"})
    assert response.status_code == 303
    walk_in = db.session.scalar(select(Badge).where(Badge.phone == "+84903123456"))
    assert [(c.purpose, c.channel) for c in rows(badge_id=walk_in.id)] == [
        ("registration", "desk")]
    buyer = badges.add_badge(actor=organiser, week=running_week, kind="buyer", data={
        "full_name": "Lê Thu Hà", "organisation": "Saigon Co.op", "phone": "0908 123 456",
        "consent": True, "share_contact": True})
    assert [(c.purpose, c.recipient_kind, c.channel) for c in rows(badge_id=buyer.id)] == [
        ("registration", "organiser", "desk"), ("share_with_exhibitors", "exhibitors", "desk")]
    with pytest.raises(ValidationFailed) as refused:
        badges.add_badge(actor=organiser, week=running_week, kind="buyer", data={
            "full_name": "Ai đó", "phone": "0908 123 457", "share_contact": True})
    assert "consent" in refused.value.fields
    staff = badges.add_badge(actor=organiser, week=running_week, kind="organiser",
                             data={"full_name": "Trần Văn Bảo"})
    assert rows(badge_id=staff.id) == []


def test_a_replaced_badge_keeps_its_holders_consents(running_week, organiser):
    old = badges.register_visitor(week=running_week, data=visitor_data())
    fresh = badges.reissue_badge(actor=organiser, badge=old, reason="Mất thẻ")
    assert [c.purpose for c in rows(badge_id=fresh.id)] == ["registration",
                                                            "share_with_exhibitors"]
    sharing = rows(badge_id=fresh.id)[1]
    consents.withdraw(consent=sharing, via="privacy_page")
    db.session.expire_all()
    assert db.session.get(Badge, fresh.id).contact_consent_at is None


# -- at the booth ----------------------------------------------------------------------------------

def test_a_contact_left_at_a_booth_names_its_exhibitor(client, exhibitor_with_booth, open_week):
    limiter.reset()
    token = visitors.current_token(get_booth(open_week, "A01"))
    page = client.get(f"/b/{token}").get_data(as_text=True)
    assert "Hợp tác xã Thanh long Hàm Thuận Nam" in page and 'name="consent"' in page
    assert client.post(f"/b/{token}/contact", data={
        "full_name": "Phạm Minh Quân", "phone": "0987 654 321", "consent": "y"}
    ).status_code == 302
    lead = db.session.scalar(select(Lead))
    [consent] = rows(lead_id=lead.id)
    assert (consent.purpose, consent.recipient_kind, consent.recipient_business_id) == (
        "leave_contact", "exhibitor", exhibitor_with_booth.business_id)
    assert consent.recipient_name == "Hợp tác xã Thanh long Hàm Thuận Nam"
    assert consent.text == lead.consent_text and consent.text_version == "leave_contact/2"
    assert consent.subject_phone == "+84987654321" and consent.given_at == lead.consent_at
    assert consent.data_categories == "name,phone,email,organisation,message"


# -- scanning badges ---------------------------------------------------------------------------------

def test_an_exhibitors_scan_records_a_consent_naming_it_and_refuses_a_private_badge(
        client, exhibitor_with_booth, open_week):
    shared = badges.register_visitor(week=open_week, data=visitor_data())
    private = badges.register_visitor(week=open_week, data=visitor_data(
        phone="0912 000 111", share_contact=False))
    login(client, exhibitor_with_booth)
    refused = client.post("/my/leads/scan", data={"code": private.contact_code})
    assert refused.status_code == 422 and db.session.scalar(select(Lead)) is None
    with client.application.test_request_context():
        message = visitors._not_shared().message  # in the page's language
    assert message.replace("'", "&#39;") in refused.get_data(as_text=True)
    with pytest.raises(ValidationFailed) as error:
        visitors.capture_badge(actor=exhibitor_with_booth, code=private.contact_code)
    assert error.value.code == "not_shared" and "code" in error.value.fields
    assert client.post("/my/leads/scan", data={"code": shared.contact_code}).status_code == 302
    lead = db.session.scalar(select(Lead))
    [scan] = rows(lead_id=lead.id)
    assert (scan.purpose, scan.recipient_kind, scan.recipient_business_id, scan.channel) == (
        "share_with_exhibitors", "exhibitor", exhibitor_with_booth.business_id, "web")
    assert scan.badge_id == shared.id and scan.given_at == shared.contact_consent_at
    # once the holder withdraws, the code is refused and the lead shows withdrawn
    sharing = [c for c in rows(badge_id=shared.id) if c.lead_id is None and
               c.purpose == "share_with_exhibitors"][0]
    consents.withdraw(consent=sharing, via="privacy_page")
    again = client.post("/my/leads/scan", data={"code": shared.contact_code})
    assert again.status_code == 422
    assert db.session.get(Lead, lead.id).withdrawn_at is not None


def test_lead_scanners_are_refused_a_private_badge_offline_and_online(
        running_week, lead_scanner):
    shared = badges.register_visitor(week=running_week, data=visitor_data())
    private = badges.register_visitor(week=running_week, data=visitor_data(
        phone="0912 000 111", share_contact=False))
    device = db.session.get(type(lead_scanner), lead_scanner.id)
    data = snapshots.snapshot(device)
    key = snapshots.week_key(running_week.id, "leads")
    by_hash = {row[0]: row for row in data["badges"]}
    assert by_hash[keyed(key, shared.contact_code)][4] == 0
    assert by_hash[keyed(key, private.contact_code)][4] == snapshots.NOT_SHARED
    answers = sync.upload(device=device, scans=[queued(private.contact_code, 2),
                                                queued(shared.contact_code, 1)])
    assert [a["status"] for a in answers] == ["invalid", "saved"]
    assert answers[0]["reason"] == "not_shared" and answers[0]["message"]
    lead = db.session.scalar(select(Lead))
    [scan] = rows(lead_id=lead.id)
    assert (scan.recipient_business_id, scan.channel) == (lead_scanner.business_id, "scanner")
    # a withdrawal reaches the scanners with their next snapshot
    cursor = data["cursor"]
    sharing = [c for c in rows(badge_id=shared.id) if c.lead_id is None and
               c.purpose == "share_with_exhibitors"][0]
    consents.withdraw(consent=sharing, via="privacy_page")
    later = snapshots.snapshot(db.session.get(type(lead_scanner), lead_scanner.id), cursor)
    assert [row[4] for row in later["badges"] if row[0] == keyed(key, shared.contact_code)] \
        == [snapshots.NOT_SHARED]


def test_lead_scans_over_the_api_answer_not_shared(app, running_week, lead_scanner):
    private = badges.register_visitor(week=running_week, data=visitor_data(
        phone="0912 000 111", share_contact=False))
    client = app.test_client()
    scan = queued(private.contact_code, 1)
    scan["scanned_at"] = scan["scanned_at"].isoformat()
    response = client.post("/api/v1/device/scans", json={"scans": [scan], "unsynced": 0},
                           headers={"Authorization": f"Bearer {lead_scanner.token}"})
    assert response.status_code == 200, response.get_data(as_text=True)
    [answer] = response.get_json()["results"]
    assert (answer["status"], answer["reason"]) == ("invalid", "not_shared")


# -- B2B -------------------------------------------------------------------------------------------

def test_a_buyers_registration_records_its_b2b_consent(client, open_week):
    from tests.b2b.test_b2b import _register_buyer_page
    limiter.reset()
    refused = _register_buyer_page(client, open_week, consent="")
    assert refused.status_code == 422
    assert _register_buyer_page(client, open_week).status_code == 302
    [consent] = rows(purpose="b2b")
    assert consent.buyer_id and consent.recipient_kind == "exhibitors"
    assert consent.subject_name == "Lê Thu Hà" and consent.subject_phone == "+84908123456"
    assert consent.text_version == "b2b/1" and badges.kept_until_text(open_week) in consent.text


def test_a_refused_registration_names_every_field_at_once(open_week):
    with pytest.raises(ValidationFailed) as refused:
        badges.register_visitor(week=open_week, data={"full_name": "", "phone": "12",
                                                      "share_contact": True})
    assert {"full_name", "phone", "consent"} <= set(refused.value.fields)
    assert rows() == [] and db.session.scalar(select(Badge)) is None


def test_a_private_badges_contact_page_shows_exhibitors_no_name(client, exhibitor_with_booth,
                                                                open_week):
    private = badges.register_visitor(week=open_week, data=visitor_data(
        full_name="Võ Thị Riêng Tư", share_contact=False))
    shared = badges.register_visitor(week=open_week, data=visitor_data(
        full_name="Đặng Văn Chia Sẻ", phone="0912 000 333"))
    login(client, exhibitor_with_booth)
    page = client.get(f"/c/{private.contact_code}").get_data(as_text=True)
    assert "Võ Thị Riêng Tư" not in page and 'data-reason="not_shared"' in page
    assert 'action="/my/leads/scan"' not in page
    page = client.get(f"/c/{shared.contact_code}").get_data(as_text=True)
    assert "Đặng Văn Chia Sẻ" in page and 'action="/my/leads/scan"' in page
