"""Booth QR tokens, posters, the visitor's scan page, favourites, contacts and leads."""
from __future__ import annotations

import csv
import io

from sqlalchemy import func, select

from exhibit.badges import services as badges
from exhibit.extensions import db, limiter
from exhibit.floorplan.services import get_booth
from exhibit.visitors import services
from exhibit.visitors.models import BoothScan, Favourite, Lead
from tests.conftest import login, visitor_data
from tests.printed import decode_pdf_qr_codes, pdf_text, unembedded_fonts


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def contact(**overrides):
    data = {"full_name": "Phạm Minh Quân", "phone": "0987 654 321", "email": "",
            "organisation": "Đại lý Minh Châu", "message": "Xin báo giá sỉ", "consent": "y"}
    data.update(overrides)
    return data


def test_poster_code_opens_the_booth_and_survives_renumbering(
        app, client, organiser, exhibitor_with_booth, open_week):
    booth = get_booth(open_week, "A01")
    login(client, organiser)
    pdf = client.get(f"/organiser/weeks/{open_week.slug}/posters.pdf?booth={booth.id}&size=a5")
    assert pdf.status_code == 200
    text = pdf_text(pdf.data)
    assert "Quét mã để xem sản phẩm" in text and "Hợp tác xã Thanh long Hàm Thuận Nam" in text
    assert unembedded_fonts(pdf.data) == set()
    [[url]] = decode_pdf_qr_codes(pdf.data)
    token = services.current_token(booth)
    assert url == f"{app.config['PUBLIC_BASE_URL']}/b/{token}"
    booth.code = "B07"  # renumbered after printing
    db.session.commit()
    page = client.get(f"/b/{token}")
    assert page.status_code == 200 and "B07" in page.get_data(as_text=True)
    # A4 poster of every occupied booth
    a4 = client.get(f"/organiser/weeks/{open_week.slug}/posters.pdf?occupied=1")
    assert decode_pdf_qr_codes(a4.data) == [[url]]


def test_reissued_code_says_replaced_and_the_new_one_works(client, organiser, open_week):
    booth = get_booth(open_week, "A02")
    old = services.current_token(booth)
    login(client, organiser)
    client.post(f"/organiser/weeks/{open_week.slug}/booths/{booth.id}/reissue-qr")
    new = services.current_token(booth)
    assert new != old
    replaced = client.get(f"/b/{old}")
    assert replaced.status_code == 410 and 'data-state="replaced"' in replaced.get_data(as_text=True)
    assert client.get(f"/b/{new}").status_code == 200
    assert client.get("/b/doesnotexist").status_code == 404


def test_qr_downloads_png_and_svg_decode(client, organiser, open_week):
    import zxingcpp
    from PIL import Image
    booth = get_booth(open_week, "A03")
    login(client, organiser)
    png = client.get(f"/organiser/weeks/{open_week.slug}/booths/{booth.id}/qr.png")
    assert png.mimetype == "image/png"
    [found] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.data)))
    assert found.text.endswith(f"/b/{services.current_token(booth)}")
    svg = client.get(f"/organiser/weeks/{open_week.slug}/booths/{booth.id}/qr.svg")
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data


def test_scan_page_is_light_shows_products_and_counts_the_scan(
        client, exhibitor_with_booth, open_week):
    token = services.current_token(get_booth(open_week, "A01"))
    page = client.get(f"/b/{token}")
    html = page.get_data(as_text=True)
    with client.get("/static/css/app.css") as stylesheet:  # a file body: closed once read
        css = stylesheet.data
    assert page.status_code == 200
    assert len(page.data) + len(css) < 100_000
    assert "Thanh long ruột đỏ hộp quà" in html and "90.000" in html
    assert "0912" in html  # the exhibitor's phone
    assert "<script" not in html
    assert "vk=" in page.headers.get("Set-Cookie", "")
    assert count(BoothScan) == 0  # counted only once the page has gone out
    db.session.commit()  # end this test's read, so it sees what the callback writes
    page.close()  # what the WSGI server does after sending the body
    assert count(BoothScan) == 1


def test_favourites_without_an_account_and_a_shareable_link(
        client, exhibitor_with_booth, open_week):
    token = services.current_token(get_booth(open_week, "A01"))
    client.get(f"/b/{token}")
    from exhibit.catalogue.services import business_listings
    [listing] = business_listings(exhibitor_with_booth.business_id, open_week).values()
    listing_id = listing.id
    client.post(f"/b/{token}/save/{listing_id}")
    assert count(Favourite) == 1
    mine = client.get("/favourites").get_data(as_text=True)
    assert "Thanh long ruột đỏ hộp quà" in mine
    share = services.favourite_list(client.get_cookie("vk").value).share_token
    other = client.application.test_client()
    assert "Thanh long ruột đỏ hộp quà" in other.get(f"/f/{share}").get_data(as_text=True)
    client.post(f"/b/{token}/save/{listing_id}")  # tapping again removes it
    assert count(Favourite) == 0


def test_leaving_a_contact_needs_consent_and_is_rate_limited(
        client, exhibitor_with_booth, open_week):
    limiter.reset()
    token = services.current_token(get_booth(open_week, "A01"))
    refused = client.post(f"/b/{token}/contact", data=contact(consent=""))
    assert refused.status_code == 422 and count(Lead) == 0
    assert client.post(f"/b/{token}/contact", data=contact()).status_code == 302
    lead = db.session.scalar(select(Lead))
    assert lead.business_id == exhibitor_with_booth.business_id and lead.phone == "+84987654321"
    assert lead.consent_at and "Hợp tác xã Thanh long Hàm Thuận Nam" in lead.consent_text
    assert badges.kept_until_text(open_week) in lead.consent_text
    statuses = [client.post(f"/b/{token}/contact", data=contact()).status_code
                for _ in range(6)]
    assert 429 in statuses
    limiter.reset()


def test_exhibitor_scans_a_badge_into_leads_and_exports_them_safely(
        client, exhibitor_with_booth, open_week):
    visitor = badges.register_visitor(week=open_week, data=visitor_data(
        full_name="=HYPERLINK(\"http://x\")", organisation="@SUM(A1)"))
    login(client, exhibitor_with_booth)
    wrong = client.post("/my/leads/scan", data={"code": visitor.entry_code})
    assert wrong.status_code == 422 and count(Lead) == 0
    ok = client.post("/my/leads/scan", data={"code": f"http://exhibit.test/c/{visitor.contact_code}"})
    assert ok.status_code == 302
    client.post("/my/leads/scan", data={"code": visitor.contact_code})
    assert count(Lead) == 1
    lead = db.session.scalar(select(Lead))
    assert lead.source == "badge_scan" and lead.booth.code == "A01"
    assert lead.consent_at == visitor.contact_consent_at
    assert lead.consent_text == badges.consent_sentence(badges.SHARE_CONSENT, open_week)
    client.post(f"/my/leads/{lead.id}", data={f"l{lead.id}-rating": "4",
                                              f"l{lead.id}-tags": "đại lý, đại lý, xuất khẩu",
                                              f"l{lead.id}-notes": "Gọi lại thứ Hai"})
    db.session.refresh(lead)
    assert (lead.rating, lead.tags) == (4, "đại lý, xuất khẩu")
    client.post(f"/my/leads/{lead.id}", data={f"l{lead.id}-rating": "9"})
    db.session.refresh(lead)
    assert lead.rating == 4
    raw = client.get("/my/leads/export.csv").data
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[1][4].startswith("'=") and rows[1][7].startswith("'@")
    from openpyxl import load_workbook
    sheet = load_workbook(io.BytesIO(client.get("/my/leads/export.xlsx").data)).active
    assert sheet.cell(row=2, column=5).data_type == "s"
    assert sheet.cell(row=2, column=5).value.startswith("=HYPERLINK")  # kept as text
    other = client.application.test_client()
    assert other.get("/my/leads").status_code == 302  # sign-in needed


def test_contact_code_page_offers_exhibitors_to_save(client, exhibitor_with_booth, open_week):
    visitor = badges.register_visitor(week=open_week, data=visitor_data())
    anonymous = client.get(f"/c/{visitor.contact_code}").get_data(as_text=True)
    assert "Nguyễn Thị Thu Hường" not in anonymous
    login(client, exhibitor_with_booth)
    assert "Nguyễn Thị Thu Hường" in client.get(f"/c/{visitor.contact_code}").get_data(as_text=True)
