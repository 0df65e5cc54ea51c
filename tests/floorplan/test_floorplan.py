"""Booth editing, renumbering, CSV/XLSX import and the SVG plan."""
import io
import re

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from exhibit.booking import queries
from exhibit.booking import services as booking
from exhibit.extensions import db
from exhibit.floorplan.models import Booth, Hall
from exhibit.floorplan.services import get_booth
from tests.conftest import login

CSV = ("Khu,Mã gian hàng,Loại,Rộng (m),Sâu (m),Đơn giá,Cột,Hàng\n"
       "Sảnh B,B01,tiêu chuẩn,3,3,\"1.300.000\",0,0\n"
       "Sảnh B,B02,góc,3,3,1500000,3,0\n"
       "Sảnh B,B03,đất trống,6,4,0,6,0\n")


def upload(client, week, name, content):
    return client.post(f"/organiser/weeks/{week.slug}/booths/import",
                       data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data")


def test_import_csv_with_vietnamese_headers_and_bom(client, organiser, open_week):
    login(client, organiser)
    response = upload(client, open_week, "gian-hang.csv", "\ufeff".encode() + CSV.encode("utf-8"))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    b03 = get_booth(open_week, "B03")
    assert (b03.booth_type, b03.area_m2, b03.price_vnd, b03.hall.name) == ("raw_space", 24.0, 0, "Sảnh B")
    assert get_booth(open_week, "B01").price_vnd == 1_300_000
    assert get_booth(open_week, "B02").booth_type == "corner"


def test_bad_row_rejects_the_whole_file(client, organiser, open_week):
    login(client, organiser)
    before = db.session.scalar(select(func.count(Booth.id)))
    bad = CSV + "Sảnh B,B04,xa xỉ,3,3,-5,9,0\nSảnh B,B01,standard,3,3,1,20,0\n"
    response = upload(client, open_week, "gian-hang.csv", bad.encode())
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    # header is row 1: B04 (row 5) has a bad type and price, row 6 repeats B01
    assert "dòng 5" in html and "dòng 6" in html and "B01" in html
    assert db.session.scalar(select(func.count(Booth.id))) == before
    assert db.session.scalar(select(Hall.id).where(Hall.name == "Sảnh B")) is None


def test_overlapping_booths_in_import_are_refused(app, organiser, open_week):
    from exhibit.core.errors import ValidationFailed
    from exhibit.floorplan.services import import_booths
    content = "hall,code,price_vnd,grid_x,grid_y\nSảnh A,Z01,0,0,1\n".encode()  # A01 is at 0,1
    try:
        import_booths(actor=organiser, week=open_week, filename="x.csv", content=content)
    except ValidationFailed as exc:
        assert "row 2" in exc.fields and "A01" in exc.fields["row 2"]
    else:
        raise AssertionError("overlap accepted")
    assert db.session.scalar(select(Booth.id).where(Booth.code == "Z01")) is None


def test_import_xlsx(client, organiser, open_week):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["hall", "code", "type", "width_m", "depth_m", "price_vnd", "grid_x", "grid_y"])
    for i in range(3):
        sheet.append(["Sảnh C", f"C{i + 1:02d}", "standard", 3, 3, 1300000, i * 3, 0])
    buffer = io.BytesIO()
    workbook.save(buffer)
    login(client, organiser)
    assert upload(client, open_week, "booths.xlsx", buffer.getvalue()).status_code == 302
    assert db.session.scalar(select(func.count(Booth.id)).where(Booth.code.like("C%"))) == 3
    broken = upload(client, open_week, "booths.xlsx", b"not a workbook")
    assert broken.status_code == 422


def test_renumbering_keeps_identity_and_bookings(client, organiser, open_week, make_exhibitor):
    user = make_exhibitor()
    booking.apply_to_week(actor=user, week=open_week, data={})
    booth = get_booth(open_week, "A01")
    booking.assign_booth(actor=organiser, week=open_week, booth=booth, business_id=user.business_id)
    login(client, organiser)
    form = {"hall_id": booth.hall_id, "code": "A1-01", "booth_type": "standard", "width_m": "3",
            "depth_m": "3", "area_m2": "", "price_vnd": "1300000", "grid_x": "0", "grid_y": "1",
            "grid_w": "3", "grid_h": "3", "blocked_reason": ""}
    response = client.post(f"/organiser/weeks/{open_week.slug}/booths/{booth.id}/edit", data=form)
    assert response.status_code == 302
    renamed = get_booth(open_week, "A1-01")
    assert renamed.id == booth.id
    assert queries.business_allocations(user.business_id)[0].booth.code == "A1-01"


def test_booth_form_refuses_duplicate_code_and_overlap(client, organiser, open_week):
    login(client, organiser)
    hall_id = get_booth(open_week, "A01").hall_id
    form = {"hall_id": hall_id, "code": "A02", "booth_type": "standard", "width_m": "3",
            "depth_m": "3", "price_vnd": "0", "grid_x": "0", "grid_y": "5", "grid_w": "3", "grid_h": "3"}
    dup = client.post(f"/organiser/weeks/{open_week.slug}/booths/new", data=form)
    assert dup.status_code == 200 and 'class="error"' in dup.get_data(as_text=True)
    overlap = client.post(f"/organiser/weeks/{open_week.slug}/booths/new",
                          data={**form, "code": "A99", "grid_x": "1", "grid_y": "1"})
    assert 'class="error"' in overlap.get_data(as_text=True)
    assert db.session.scalar(select(Booth.id).where(Booth.code == "A99")) is None


def test_plan_svg_colours_booths_by_status_and_links_them(client, organiser, open_week, make_exhibitor):
    from exhibit.floorplan.services import set_booth_blocked
    user = make_exhibitor()
    booking.apply_to_week(actor=user, week=open_week, data={})
    booking.hold_booth(actor=user, week=open_week, booth=get_booth(open_week, "A02"))
    set_booth_blocked(actor=organiser, week=open_week, booth=get_booth(open_week, "A06"), blocked=True)
    html = client.get(f"/weeks/{open_week.slug}/plan").get_data(as_text=True)
    statuses = dict(re.findall(r'data-code="([^"]+)" data-status="([^"]+)"', html))
    assert statuses == {"A01": "available", "A02": "held", "A03": "available", "A04": "available",
                        "A05": "available", "A06": "blocked"}
    assert f'href="/weeks/{open_week.slug}/booths/A01"' in html
    assert "<svg" in html and 'class="legend"' in html


def test_import_errors_keep_spreadsheet_row_numbers_across_blank_rows(app, organiser, open_week):
    from exhibit.core.errors import ValidationFailed
    from exhibit.floorplan.services import import_booths
    # header row 1, a booth on row 2, two blank rows, a fractional price on row 5
    content = "hall,code,price_vnd,grid_x,grid_y\nSảnh B,C01,0,0,1\n,,,,\n\nSảnh B,C02,\"1300000,5\",4,1\n"
    with pytest.raises(ValidationFailed) as caught:
        import_booths(actor=organiser, week=open_week, filename="x.csv", content=content.encode())
    assert list(caught.value.fields) == ["row 5"]
