"""A B2B session end to end through the pages, from a buyer's registration to a signed MoU;
who may ask whom for a meeting; matching buyers' needs with suppliers' products."""
from __future__ import annotations

import pytest

from tests.b2b.conftest import new_buyer
from tests.conftest import business_data, login
from tests.printed import pdftotext


def _register_buyer_page(client, week, **overrides):
    business = business_data(name="Liên hiệp HTX Thương mại TP.HCM (Saigon Co.op) thử", legal_form="hop_tac_xa")
    form = {"email": "thumua@coop.example", "password": "Xk9#mua-Coop-2024",
            "name": business["name"], "legal_form": business["legal_form"],
            "tax_code": business["tax_code"], "address": business["address"],
            "province": "2025:79", "representative": "Nguyễn Văn Khoa",
            "representative_position": "Tổng Giám đốc", "phone": "028 3832 1234",
            "kind": "supermarket", "contact_name": "Lê Thu Hà", "contact_phone": "0908 123 456",
            "product_group": "thuc_pham", "description": "Thanh long, nước mắm", "min_stars": "4",
            "monthly_volume": "2 tấn/tháng", "consent": "y"}
    form.update(overrides)
    return client.post(f"/weeks/{week.slug}/b2b/register", data=form)


def test_b2b_from_registration_to_signed_mou(app, client, organiser, open_week,
                                            exhibitor_with_booth):
    from exhibit.b2b.models import Buyer, Meeting
    from exhibit.documents import services as documents
    from exhibit.documents.models import Document
    from exhibit.extensions import db
    from exhibit.weeks.services import update_organizer
    update_organizer(actor=organiser, data={"representative": "Nguyễn Văn Mạnh",
                                            "representative_position": "Phó Giám đốc"})
    # a bad phone changes nothing and names the field
    bad = _register_buyer_page(client, open_week, contact_phone="12")
    assert bad.status_code == 422 and db.session.query(Buyer).count() == 0
    response = _register_buyer_page(client, open_week)
    assert response.status_code == 302, [line for line in response.get_data(as_text=True).splitlines() if "error" in line]
    buyer = db.session.query(Buyer).one()
    page = client.get(f"/my/weeks/{open_week.slug}/b2b").get_data(as_text=True)
    assert "Hợp tác xã Thanh long Hàm Thuận Nam" in page  # the matching supplier
    client.get("/logout")

    login(client, exhibitor_with_booth)
    page = client.get(f"/my/weeks/{open_week.slug}/b2b").get_data(as_text=True)
    assert "Saigon Co.op" in page
    assert client.post(f"/my/weeks/{open_week.slug}/b2b/request",
                       data={"buyer_id": buyer.id, "message": "Xin gặp"}).status_code == 302
    meeting = db.session.query(Meeting).one()
    assert (meeting.status, meeting.requested_by) == ("requested", "supplier")
    # the asker cannot accept its own request
    client.post(f"/my/weeks/{open_week.slug}/b2b/meetings/{meeting.id}/accept")
    db.session.refresh(meeting)
    assert meeting.status == "requested"
    client.get("/logout")

    client.post("/login", data={"email": "thumua@coop.example", "password": "Xk9#mua-Coop-2024"})
    client.post(f"/my/weeks/{open_week.slug}/b2b/meetings/{meeting.id}/accept")
    db.session.refresh(meeting)
    assert meeting.status == "accepted"
    client.get("/logout")

    login(client, organiser)
    assert client.post(f"/organiser/weeks/{open_week.slug}/b2b/slots", data={
        "day": open_week.start_date.isoformat(), "start": "09:00", "minutes": "20",
        "gap_minutes": "5", "count": "4"}).status_code == 302
    client.post(f"/organiser/weeks/{open_week.slug}/b2b/tables", data={"count": "3", "prefix": "Bàn"})
    client.post(f"/organiser/weeks/{open_week.slug}/b2b/auto-schedule")
    db.session.refresh(meeting)
    assert meeting.slot is not None and meeting.table.label == "Bàn 01"
    schedule = client.get(f"/organiser/weeks/{open_week.slug}/b2b/schedule.pdf?buyer={buyer.id}")
    text = pdftotext(schedule.data)
    assert "09:00–09:20" in text and "Bàn 01" in text and "Hợp tác xã Thanh long Hàm Thuận" in text

    client.post(f"/organiser/weeks/{open_week.slug}/b2b/meetings/{meeting.id}/outcome",
                data={"outcome": "mou", "notes": "Ký tại sân khấu"})
    db.session.refresh(meeting)
    assert meeting.outcome == "mou"
    response = client.post(f"/organiser/weeks/{open_week.slug}/b2b/meetings/{meeting.id}/mou")
    assert response.status_code == 302
    mou = db.session.query(Document).filter_by(kind="mou").one()
    assert mou.meeting_id == meeting.id and [line.label for line in mou.lines] == ["Thanh long ruột đỏ hộp quà"]
    assert mou.party_a["name"].startswith("Liên hiệp HTX") and mou.witness
    documents.update_draft(actor=organiser, document=mou, data={"expected_value_vnd": "1.200.000.000"})
    documents.issue(actor=organiser, document=mou)
    text = pdftotext(documents.pdf_content(mou))
    assert "BIÊN BẢN GHI NHỚ HỢP TÁC" in text and "/BGN-ITPC" in mou.number
    assert "bằng chữ: một tỷ hai trăm triệu đồng" in text
    assert "Ban tổ chức giữ 01 bản" in text and "XÁC NHẬN CỦA BAN TỔ CHỨC" in text
    # the buyer's user reads the issued MoU through the portal
    client.get("/logout")
    client.post("/login", data={"email": "thumua@coop.example", "password": "Xk9#mua-Coop-2024"})
    assert client.get(f"/documents/{mou.id}.pdf").status_code == 200


def test_requests_are_checked(app, organiser, open_week, exhibitor_with_booth, make_exhibitor):
    from exhibit.b2b import services
    from exhibit.core.errors import Conflict, Forbidden, ValidationFailed
    buyer = new_buyer(open_week)
    stranger = make_exhibitor()
    with pytest.raises(Forbidden):  # not the supplier it names
        services.request_meeting(actor=stranger, week=open_week, buyer_id=buyer.id,
                                 supplier_id=exhibitor_with_booth.business_id)
    with pytest.raises(ValidationFailed):  # no confirmed booth: not a supplier
        services.request_meeting(actor=organiser, week=open_week, buyer_id=buyer.id,
                                 supplier_id=stranger.business_id)
    services.request_meeting(actor=exhibitor_with_booth, week=open_week, buyer_id=buyer.id,
                             supplier_id=exhibitor_with_booth.business_id)
    with pytest.raises(Conflict):  # one open request per pair
        services.request_meeting(actor=exhibitor_with_booth, week=open_week, buyer_id=buyer.id,
                                 supplier_id=exhibitor_with_booth.business_id)


def test_matching_respects_stars_and_certifications(app, organiser, open_week, exhibitor_with_booth):
    from exhibit.b2b import services
    four = new_buyer(open_week)
    assert [m.supplier.id for m in services.matches(open_week, buyer=four)] == [exhibitor_with_booth.business_id]
    five = new_buyer(open_week, need={"product_group": "thuc_pham", "min_stars": "5"})
    assert services.matches(open_week, buyer=five) == []
    gap = new_buyer(open_week, need={"product_group": "thuc_pham", "certifications": ["VietGAP"]})
    assert services.matches(open_week, buyer=gap) == []
    drinks = new_buyer(open_week, need={"product_group": "do_uong"})
    assert services.matches(open_week, buyer=drinks) == []


def test_matching_reads_certifications_in_any_case_and_with_diacritics(app, organiser, open_week,
                                                                       exhibitor_with_booth):
    """The SQL narrowing of candidate products never drops one that meets a need: a
    certification written with diacritics ("Hữu cơ") is checked in Python only."""
    from exhibit.b2b import services
    from exhibit.catalogue.models import Product
    from exhibit.extensions import db
    product = db.session.query(Product).filter_by(business_id=exhibitor_with_booth.business_id).one()
    product.standards = ["Hữu cơ", "HACCP"]
    db.session.commit()
    organic = new_buyer(open_week, need={"product_group": "thuc_pham", "certifications": ["Hữu cơ", "HACCP"]})
    [match] = services.matches(open_week, buyer=organic)
    assert [p.id for p in match.products] == [product.id] and match.supplier.name.startswith("Hợp tác xã")
    vietgap = new_buyer(open_week, need={"product_group": "thuc_pham", "certifications": ["Hữu cơ", "VietGAP"]})
    assert services.matches(open_week, buyer=vietgap) == []


def test_organiser_meetings_are_filtered_and_scheduled_from_the_page(app, client, organiser, b2b_session):
    from exhibit.extensions import db
    week, _buyer, meetings, slot, tables = b2b_session
    login(client, organiser)
    base = f"/organiser/weeks/{week.slug}/b2b"
    response = client.post(f"{base}/meetings/{meetings[0].id}/schedule",
                           data={"slot_id": str(slot.id), "table_id": str(tables[2].id)})
    assert response.status_code == 302
    db.session.refresh(meetings[0])
    assert (meetings[0].slot_id, meetings[0].table_id) == (slot.id, tables[2].id)
    by_table = client.get(f"{base}?table={tables[2].id}").get_data(as_text=True)
    assert by_table.count('<tr id="m') == 1 and f'id="m{meetings[0].id}"' in by_table
    unscheduled = client.get(f"{base}?slot=none").get_data(as_text=True)
    assert unscheduled.count('<tr id="m') == len(meetings) - 1
    assert client.get(f"{base}?slot={slot.id}&day={week.start_date.isoformat()}").get_data(
        as_text=True).count('<tr id="m') == 1
    # the day before the session has no slot: the filter is ignored rather than emptying the list
    assert client.get(f"{base}?day=1999-01-01").get_data(as_text=True).count('<tr id="m') == len(meetings)
