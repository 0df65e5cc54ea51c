"""The privacy page (issue 20, item 2): a signed link, no sign-in, what is held about the person
and by whom, withdrawal in one tap with its effects on the exhibitor's side at once, and a
request to the organiser's desk — on SQLite and PostgreSQL."""
from __future__ import annotations

import csv
import io
import re

from itsdangerous import URLSafeSerializer
from sqlalchemy import func, select

from exhibit.core.audit import AuditEntry
from exhibit.core.privacy_links import privacy_link, read_token
from exhibit.extensions import db, limiter
from exhibit.floorplan.services import get_booth
from exhibit.messaging.models import Message
from exhibit.privacy.models import Consent, ConsentPurpose, DataRequest
from exhibit.visitors import services as visitors
from exhibit.visitors.models import Lead
from tests.conftest import login

PHONE = "+84987654321"


def contact(**overrides):
    data = {"full_name": "Phạm Minh Quân", "phone": "0987 654 321", "email": "",
            "organisation": "Đại lý Minh Châu", "message": "Xin báo giá sỉ", "consent": "y"}
    data.update(overrides)
    return data


def leave_contact(client, week, booth_code: str, **overrides):
    limiter.reset()
    token = visitors.current_token(get_booth(week, booth_code))
    answer = client.post(f"/b/{token}/contact", data=contact(**overrides))
    assert answer.status_code == 302, answer.get_data(as_text=True)[:500]


def path(link: str) -> str:
    return re.sub(r"^https?://[^/]+", "", link)


def contact_consent(business_id: int, phone: str = PHONE) -> Consent:
    return db.session.scalar(select(Consent).where(
        Consent.purpose == ConsentPurpose.LEAVE_CONTACT.value,
        Consent.recipient_business_id == business_id, Consent.subject_phone == phone))


def test_the_link_is_signed_and_a_changed_one_is_404(app, client, organiser):
    limiter.reset()
    link = privacy_link(organiser.organizer_id, phone=PHONE)
    assert link.startswith(app.config["PUBLIC_BASE_URL"] + "/privacy/")
    token = link.rsplit("/", 1)[1]
    found = read_token(token)
    assert (found.organizer_id, found.phone, found.email) == (organiser.organizer_id, PHONE, "")
    assert len(link) < 120  # short enough for an SMS
    assert client.get(path(link)).status_code == 200
    # a changed character, another person's data under the old signature, a token signed
    # with the key but for another purpose, and no token: nothing, the same 404
    body, signature = token.split(".")
    other = URLSafeSerializer(app.config["SECRET_KEY"], salt="exhibit.privacy-page").dumps(
        [organiser.organizer_id, "+84912345678", ""])
    # a changed signature character (not the last: its low bits are padding in base64, so
    # changing it may decode to the same signature)
    forged = [f"{body}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}",
              f"{other.split('.')[0]}.{signature}",
              URLSafeSerializer(app.config["SECRET_KEY"], salt="other").dumps(
                  [organiser.organizer_id, PHONE, ""]),
              "x" * 700, "abc"]
    for bad in forged:
        answer = client.get(f"/privacy/{bad}")
        assert answer.status_code == 404, bad
        assert "+849" not in answer.get_data(as_text=True)
    assert client.post(f"/privacy/{forged[0]}/consents/1/withdraw").status_code == 404
    assert client.post(f"/privacy/{forged[0]}/requests",
                       data={"kind": "access"}).status_code == 404
    assert privacy_link(organiser.organizer_id) == ""  # nobody: no link


def exhibitor_at(make_exhibitor, organiser, week, booth_code: str, name: str):
    from exhibit.booking.services import apply_to_week, assign_booth
    user = make_exhibitor(name)
    apply_to_week(actor=user, week=week, data={"booth_count": 1})
    assign_booth(actor=organiser, week=week, booth=get_booth(week, booth_code),
                 business_id=user.business_id)
    return user


def test_page_names_the_exhibitor_and_withdrawal_hides_the_lead_at_once(
        app, client, organiser, open_week, exhibitor_with_booth, make_exhibitor):
    other_exhibitor = exhibitor_at(make_exhibitor, organiser, open_week, "A02",
                                   "Công ty TNHH Cà phê Buôn Ma Thuột")
    leave_contact(client, open_week, "A01")
    leave_contact(client, open_week, "A02")
    someone_else = client.application.test_client()
    leave_contact(someone_else, open_week, "A01", full_name="Lê Thị Hoa", phone="0912 345 678")

    page = client.get(path(privacy_link(organiser.organizer_id, phone=PHONE)))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "private, no-store"
    assert "noindex" in page.headers["X-Robots-Tag"]
    assert "Hợp tác xã Thanh long Hàm Thuận Nam" in html
    assert "Công ty TNHH Cà phê Buôn Ma Thuột" in html
    assert open_week.name("vi") in html
    assert "Lê Thị Hoa" not in html and "0912 345 678" not in html  # only the link's person

    mine = contact_consent(exhibitor_with_booth.business_id)
    kept = contact_consent(other_exhibitor.business_id)
    assert mine is not None and kept is not None, "leaving a contact records its consent"
    assert f'data-consent="{mine.id}" data-state="active"' in html
    assert mine.retention_until is not None

    exhibitor = client.application.test_client()
    login(exhibitor, exhibitor_with_booth)
    before = exhibitor.get("/my/leads").get_data(as_text=True)
    assert "0987 654 321" in before and "Phạm Minh Quân" in before

    link = path(privacy_link(organiser.organizer_id, phone=PHONE))
    answer = client.post(f"{link}/consents/{mine.id}/withdraw")
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"#consent-{mine.id}")
    db.session.expire_all()
    lead = db.session.get(Lead, mine.lead_id)
    assert lead.withdrawn_at is not None and mine.withdrawn_via == "privacy_page"
    shown = client.get(link).get_data(as_text=True)
    assert f'data-consent="{mine.id}" data-state="withdrawn"' in shown
    assert f'data-lead="{lead.id}" data-state="withdrawn"' in shown

    # the exhibitor's list: withdrawn, no name, no phone, no follow-up form
    after = exhibitor.get("/my/leads").get_data(as_text=True)
    card = re.search(rf'<article class="card lead withdrawn" id="lead-{lead.id}".*?</article>',
                     after, re.S).group(0)
    assert 'data-state="withdrawn"' in card
    assert "Phạm Minh Quân" not in card and "0987 654 321" not in card
    assert "Xin báo giá sỉ" not in card and "<form" not in card
    assert "Lê Thị Hoa" in after  # the other visitor's contact stays
    # the exports leave it out, at once
    rows = list(csv.reader(io.StringIO(
        exhibitor.get("/my/leads/export.csv").data.decode("utf-8-sig"))))
    assert [row[4] for row in rows[1:]] == ["Lê Thị Hoa"]
    from openpyxl import load_workbook
    sheet = load_workbook(io.BytesIO(exhibitor.get("/my/leads/export.xlsx").data)).active
    assert [cell.value for cell in sheet["E"][1:]] == ["Lê Thị Hoa"]
    # the other exhibitor's consent and lead are untouched
    db.session.refresh(kept)
    assert kept.withdrawn_at is None
    assert db.session.get(Lead, kept.lead_id).withdrawn_at is None

    # withdrawing again changes nothing (one audit entry, the same time)
    at = mine.withdrawn_at
    again = client.post(f"{link}/consents/{mine.id}/withdraw")
    assert again.status_code == 302
    db.session.expire_all()
    assert db.session.get(Consent, mine.id).withdrawn_at == at
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.entity == "consent", AuditEntry.entity_id == mine.id,
        AuditEntry.action == "withdraw")) == 1


def test_another_persons_consent_is_refused(client, organiser, open_week, exhibitor_with_booth):
    leave_contact(client, open_week, "A01")
    leave_contact(client.application.test_client(), open_week, "A01", full_name="Lê Thị Hoa",
                  phone="0912 345 678")
    hers = contact_consent(exhibitor_with_booth.business_id, phone="+84912345678")
    link = path(privacy_link(organiser.organizer_id, phone=PHONE))
    assert client.post(f"{link}/consents/{hers.id}/withdraw").status_code == 404
    assert client.post(f"{link}/consents/99999999/withdraw").status_code == 404
    assert client.post(f"{link}/consents/{10**12}/withdraw").status_code == 404  # no 500
    # the same phone at another organiser's link: nothing of this organiser's
    elsewhere = path(privacy_link(organiser.organizer_id + 1000, phone=PHONE))
    mine = contact_consent(exhibitor_with_booth.business_id)
    assert client.post(f"{elsewhere}/consents/{mine.id}/withdraw").status_code == 404
    assert "Hợp tác xã Thanh long" not in client.get(elsewhere).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Consent, hers.id).withdrawn_at is None
    assert db.session.get(Consent, mine.id).withdrawn_at is None


def test_a_request_from_the_page_reaches_the_desk(client, organiser, open_week,
                                                  exhibitor_with_booth):
    leave_contact(client, open_week, "A01")
    link = path(privacy_link(organiser.organizer_id, phone=PHONE))
    refused = client.post(f"{link}/requests", data={"kind": "correction", "details": ""})
    assert refused.status_code == 422 and db.session.scalar(
        select(func.count()).select_from(DataRequest)) == 0
    assert client.post(f"{link}/requests", data={"kind": "sell"}).status_code == 422
    sent = client.post(f"{link}/requests", data={"kind": "deletion",
                                                 "details": "Xin xoá số điện thoại của tôi"})
    assert sent.status_code == 302
    request = db.session.scalar(select(DataRequest))
    assert (request.kind, request.subject_phone, request.via) == ("deletion", PHONE,
                                                                  "privacy_page")
    assert request.organizer_id == organiser.organizer_id
    assert request.subject_name == "Phạm Minh Quân"
    assert request.acknowledge_due is not None and request.due_at is not None


def test_the_contact_receipt_carries_the_privacy_link(client, organiser, open_week,
                                                      exhibitor_with_booth):
    """The link in a message names the address the message goes to (here by email, the one
    channel of the tests), and opens the page."""
    leave_contact(client, open_week, "A01", email="Quan@Example.vn")
    message = db.session.scalar(select(Message).where(Message.event == "visitor.contact_receipt"))
    link = privacy_link(organiser.organizer_id, email="quan@example.vn")
    assert message.channel == "email" and message.params["context"]["privacy"] == link
    assert link in message.body_text
    html = client.get(path(link)).get_data(as_text=True)
    assert "Hợp tác xã Thanh long Hàm Thuận Nam" in html


def test_a_link_sent_to_a_phone_shows_nothing_found_by_an_email_typed_with_it(
        app, client, organiser, open_week, exhibitor_with_booth):
    """Someone leaving a contact with their own phone and another person's email gets, at
    their phone, a link keyed by the phone alone: the other person's badge is not on it."""
    from exhibit.badges.services import register_visitor
    from tests.conftest import visitor_data
    register_visitor(week=open_week, data=visitor_data(
        full_name="Trần Thị Bích", phone="0903 111 222", email="bich@example.vn"))
    app.config["SMS_API_URL"] = "http://sms.invalid/send"
    try:
        leave_contact(client, open_week, "A01", email="bich@example.vn")
    finally:
        app.config["SMS_API_URL"] = None
    message = db.session.scalar(select(Message).where(Message.event == "visitor.contact_receipt"))
    assert message.channel == "sms" and message.address == PHONE
    link = message.params["context"]["privacy"]
    assert link == privacy_link(organiser.organizer_id, phone=PHONE)
    assert link.split("/privacy/")[1] in message.body_text  # the SMS text carries it
    html = client.get(path(link)).get_data(as_text=True)
    assert "Hợp tác xã Thanh long Hàm Thuận Nam" in html
    assert "Trần Thị Bích" not in html and "0903 111 222" not in html


def test_withdrawing_sharing_from_the_page_withdraws_the_scanned_leads(
        client, organiser, open_week, exhibitor_with_booth):
    """The page names the exhibitor that scanned the badge; withdrawing the registration's
    sharing takes the scanned contact away from that exhibitor at once and refuses new scans."""
    from exhibit.badges.services import register_visitor
    from tests.conftest import visitor_data
    badge = register_visitor(week=open_week, data=visitor_data())
    exhibitor = client.application.test_client()
    login(exhibitor, exhibitor_with_booth)
    assert exhibitor.post("/my/leads/scan", data={"code": badge.contact_code}).status_code == 302
    assert "0912 345 678" in exhibitor.get("/my/leads").get_data(as_text=True)
    lead = db.session.scalar(select(Lead).where(Lead.badge_id == badge.id))

    link = path(privacy_link(organiser.organizer_id, phone="+84912345678"))
    html = client.get(link).get_data(as_text=True)
    assert f'data-badge="{badge.id}"' in html
    assert f'data-lead="{lead.id}" data-state="held"' in html
    assert "Hợp tác xã Thanh long Hàm Thuận Nam" in html
    sharing = db.session.scalar(select(Consent).where(
        Consent.badge_id == badge.id, Consent.lead_id.is_(None),
        Consent.purpose == ConsentPurpose.SHARE_WITH_EXHIBITORS.value))
    scan = db.session.scalar(select(Consent).where(Consent.lead_id == lead.id))
    assert scan is not None and scan.recipient_business_id == exhibitor_with_booth.business_id
    assert client.post(f"{link}/consents/{sharing.id}/withdraw").status_code == 302

    db.session.expire_all()
    assert db.session.get(Lead, lead.id).withdrawn_at is not None
    assert db.session.get(Consent, scan.id).withdrawn_at is not None
    listed = exhibitor.get("/my/leads").get_data(as_text=True)
    assert "Nguyễn Thị Thu Hường" not in listed and "0912 345 678" not in listed
    assert 'data-state="withdrawn"' in listed
    rows = list(csv.reader(io.StringIO(
        exhibitor.get("/my/leads/export.csv").data.decode("utf-8-sig"))))
    assert rows[1:] == []
    # the contact code can no longer be collected
    assert exhibitor.post("/my/leads/scan", data={"code": badge.contact_code}).status_code in (
        409, 422)
    # the registration itself stays (the organiser runs the week with it), with its button
    page = client.get(link).get_data(as_text=True)
    assert f'data-consent="{sharing.id}" data-state="withdrawn"' in page
