"""Booth posters as the organiser prints them — one booth, the occupied booths, every booth; A4
and A5 — carry codes a phone reads (issue 17): at least 25 mm wide, a white quiet zone of 4
modules, and decoded from a 150 dpi raster after blur, a tilt and heavy JPEG compression."""
from __future__ import annotations

import pytest

from exhibit.floorplan.services import get_booth
from exhibit.visitors import services
from tests.conftest import login
from tests.printed import check_printed_codes, pdf_text


def url_of(week, code: str) -> str:
    return services.booth_url(services.current_token(get_booth(week, code)))


@pytest.mark.parametrize("size", ["a4", "a5"])
def test_one_booths_poster(client, organiser, exhibitor_with_booth, open_week, size):
    login(client, organiser)
    booth = get_booth(open_week, "A01")
    pdf = client.get(f"/organiser/weeks/{open_week.slug}/posters.pdf?booth={booth.id}&size={size}")
    assert pdf.status_code == 200
    [code] = check_printed_codes(pdf.data, [[url_of(open_week, "A01")]])
    assert code.width_mm >= (70 if size == "a4" else 50)  # a poster's code is read from afar
    assert "Hợp tác xã Thanh long Hàm Thuận Nam" in " ".join(pdf_text(pdf.data).split())


@pytest.mark.parametrize("size", ["a4", "a5"])
def test_the_posters_of_all_booths_and_of_the_occupied_ones(
        client, organiser, confirmed_exhibitor, open_week, size):
    confirmed_exhibitor("Công ty TNHH MTV Xuất nhập khẩu Nông sản Thực phẩm Đồng bằng sông "
                        "Cửu Long chi nhánh Cần Thơ")
    confirmed_exhibitor("Cơ sở sản xuất nước mắm truyền thống Ông Sáu")
    login(client, organiser)
    every = client.get(f"/organiser/weeks/{open_week.slug}/posters.pdf?size={size}")
    codes = [f"A{i:02d}" for i in range(1, 7)]
    check_printed_codes(every.data, [[url_of(open_week, code)] for code in codes])
    occupied = client.get(f"/organiser/weeks/{open_week.slug}/posters.pdf?occupied=1&size={size}")
    check_printed_codes(occupied.data, [[url_of(open_week, "A01")], [url_of(open_week, "A02")]])
