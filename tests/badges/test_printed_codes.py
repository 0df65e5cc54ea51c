"""Every code printed on a badge is one a phone reads (issue 17): at least 25 mm wide, with a
white quiet zone of 4 modules, and still decoded from a 150 dpi raster of the sheet after blur,
a tilt of a few degrees and heavy JPEG compression — on every sheet kind, for staff (one code)
and visitors (an entrance code and a contact code), with long Vietnamese names."""
from __future__ import annotations

import io

import pytest
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import select

from exhibit.badges.models import Badge
from exhibit.badges.render import BadgeFace, render_sheet
from exhibit.extensions import db
from exhibit.pdf import qr
from exhibit.pdf.sheets import LAYOUTS
from tests.conftest import login, visitor_data
from tests.printed import check_printed_codes, pdf_text, printed_codes

LONG_NAME = "Tôn Nữ Hoàng Phương Nguyễn Thị Ngọc Diễm Hạnh Công Huyền Tôn Nữ"
LONG_ORGANISATION = ("Công ty TNHH MTV Xuất nhập khẩu Nông sản Thực phẩm Đồng bằng sông Cửu Long "
                     "và Hợp tác xã Dịch vụ Thanh Long Hàm Thuận Nam")
PEOPLE = [(LONG_NAME, LONG_ORGANISATION), ("Nguyễn Thị Thanh Hương", "Hợp tác xã Ông Sáu"),
          ("Lê Văn Ấn", ""), ("Đặng Thị Mỹ Dung", LONG_ORGANISATION)]


def face(n: int, kind: str, base: str = "http://127.0.0.1:5000") -> BadgeFace:
    name, organisation = PEOPLE[n % len(PEOPLE)]
    visitor = kind == "visitor"
    return BadgeFace(
        kind=kind, band="KHÁCH THAM QUAN" if visitor else "ĐƠN VỊ TRƯNG BÀY",
        week_name="Tuần lễ giới thiệu sản phẩm OCOP và đặc sản vùng miền thành phố Hà Nội 2024",
        full_name=name, position="Trưởng phòng Kinh doanh và Phát triển thị trường",
        organisation=organisation, booths="" if visitor else "Gian hàng A01, A02, A03",
        entry_url=f"{base}/e/k7q21xmd{n:04d}", entry_code=f"K7Q2 1XMD {n:04d}",
        entry_label="Lối vào",
        contact_url=f"{base}/c/c0ntact0{n:04d}" if visitor else "",
        contact_label="Doanh nghiệp quét mã này để nhận thông tin liên hệ của bạn"
        if visitor else "")


def expected_pages(faces: list[BadgeFace], per_page: int) -> list[list[str]]:
    urls = [[f.entry_url] + ([f.contact_url] if f.contact_url else []) for f in faces]
    return [sum(urls[i:i + per_page], []) for i in range(0, len(urls), per_page)]


@pytest.mark.parametrize("kind", ["staff", "visitor"])
@pytest.mark.parametrize("layout", ["a4-8", "a6-4", "a6-1", "single"])
def test_every_code_on_every_sheet_kind_reads_after_blur_tilt_and_jpeg(layout, kind):
    per_page = LAYOUTS[layout].per_page
    faces = [face(n, kind) for n in range(max(2, min(per_page, 4)))]
    out = io.BytesIO()
    render_sheet(out, faces, layout_key=layout)
    codes = check_printed_codes(out.getvalue(), expected_pages(faces, per_page))
    assert len(codes) == len(faces) * (2 if kind == "visitor" else 1)
    # the text is still there, however long: names shrink and wrap rather than hide a code
    text = " ".join(pdf_text(out.getvalue()).split())
    assert "Tôn Nữ Hoàng Phương" in text and "Nguyễn Thị Thanh Hương" in text


def test_the_contact_code_is_as_large_as_the_entrance_code():
    out = io.BytesIO()
    render_sheet(out, [face(1, "visitor")], layout_key="a4-8")
    entrance, contact = sorted(printed_codes(out.getvalue()), key=lambda c: c.x)
    assert contact.width_mm == pytest.approx(entrance.width_mm)
    assert contact.width_mm >= 25  # it was 17 mm beside a 29.5 mm entrance code


def test_a_long_public_address_makes_smaller_modules_not_a_smaller_code():
    base = "https://hoichotrienlam-ocop.socongthuong.hanoi.gov.vn"
    faces = [face(n, "visitor", base) for n in range(2)]
    out = io.BytesIO()
    render_sheet(out, faces, layout_key="a4-8")
    codes = check_printed_codes(out.getvalue(), expected_pages(faces, 8))
    assert min(c.modules for c in codes) > 29  # a larger version than the usual 29 × 29
    assert all(c.width_mm >= 25 for c in codes)


def test_the_check_fails_for_a_small_code_and_for_a_mark_in_the_quiet_zone():
    """The control: the same check refuses what the badges used to print."""
    def sheet(size_mm: float, text_gap_mm: float) -> bytes:
        out = io.BytesIO()
        canvas = Canvas(out, pagesize=LAYOUTS["single"].page)
        qr.draw_qr(canvas, "http://127.0.0.1:5000/c/c0ntact00001", 30 * mm, 30 * mm,
                   size_mm * mm)
        canvas.drawString(30 * mm, 30 * mm - text_gap_mm * mm, "Lối vào K7Q2")
        canvas.save()
        return out.getvalue()

    expected = [["http://127.0.0.1:5000/c/c0ntact00001"]]
    with pytest.raises(AssertionError, match="17.0 mm wide"):
        check_printed_codes(sheet(17, 10), expected)
    with pytest.raises(AssertionError, match="quiet zone"):
        check_printed_codes(sheet(29, 2.5), expected)
    check_printed_codes(sheet(29, 10), expected)


def test_a_visitors_own_badge_and_an_exhibitors_staff_sheet_as_the_site_prints_them(
        client, exhibitor_with_booth, open_week):
    client.post(f"/weeks/{open_week.slug}/visit",
                data=visitor_data(full_name=LONG_NAME, organisation=LONG_ORGANISATION))
    visitor = db.session.scalar(select(Badge).where(Badge.kind == "visitor"))
    entrance = f"http://exhibit.test/e/{visitor.entry_code}"
    contact = f"http://exhibit.test/c/{visitor.contact_code}"
    for layout in ("single", "a6-1"):
        pdf = client.get(f"/e/{visitor.entry_code}/badge.pdf?layout={layout}").data
        check_printed_codes(pdf, [[entrance, contact]])

    login(client, exhibitor_with_booth)
    for name in ("Trần Văn Hùng", "Nguyễn Thị Ngọc Diễm"):
        client.post(f"/my/weeks/{open_week.slug}/staff",
                    data={"full_name": name, "position": "Nhân viên bán hàng"})
    staff = [f"http://exhibit.test/e/{b.entry_code}" for b in db.session.scalars(
        select(Badge).where(Badge.kind == "staff"))]
    assert len(staff) == 2
    for layout in ("a4-8", "a6-4"):
        pdf = client.get(f"/my/weeks/{open_week.slug}/staff/badges.pdf?layout={layout}").data
        check_printed_codes(pdf, [staff])
