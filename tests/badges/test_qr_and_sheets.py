"""The fast QR path and the sheet renderer, checked against qrcode itself and a real decoder."""
from __future__ import annotations

import io
import random
import unicodedata

import pytest
import qrcode
from qrcode import util
from qrcode.constants import ERROR_CORRECT_M

from exhibit.badges.render import BadgeFace, render_sheet
from exhibit.core.tokens import ALPHABET, LENGTH, grouped, new_code, normalise_code
from exhibit.pdf import qr
from tests.printed import decode_pdf_qr_codes, pdf_text, unembedded_fonts


def reference_rows(data: bytes, version: int) -> list[str]:
    code = qrcode.QRCode(version=version, error_correction=ERROR_CORRECT_M, border=0,
                         mask_pattern=qr.MASK)
    # byte mode, as the fast path always uses (qrcode would pick numeric mode for b"42")
    code.add_data(util.QRData(data, mode=util.MODE_8BIT_BYTE))
    code.make(fit=False)
    return ["".join("1" if cell else "0" for cell in row) for row in code.modules]


@pytest.mark.parametrize("version", range(1, qr.MAX_PLANNED_VERSION + 1))
def test_fast_matrix_equals_qrcode_for_every_planned_version(version):
    rng = random.Random(version)
    capacity = qr.plan(version).capacity
    for length in {1, 2, capacity // 2, capacity - 1, capacity}:
        data = bytes(rng.randrange(256) for _ in range(length))
        assert qr.plan(version).rows(data) == reference_rows(data, version)


def test_too_long_for_a_plan_is_refused_and_long_text_falls_back_to_qrcode():
    with pytest.raises(ValueError):
        qr.plan(1).rows(b"x" * (qr.plan(1).capacity + 1))
    with pytest.raises(ValueError):
        qr.plan(1).rows(b"")
    rows = qr.qr_rows("https://example.vn/" + "a" * 400)
    assert len(rows) > qr.plan(qr.MAX_PLANNED_VERSION).size


def test_badge_urls_stay_at_version_3_with_the_default_base_url():
    for _ in range(50):
        assert qr.version_for(f"http://127.0.0.1:5000/e/{new_code()}") <= 3
    # a production-like base URL of 26 characters too
    assert qr.version_for(f"https://hoicho.itpc.gov.vn/b/{new_code()}") <= 3


def test_codes_are_random_and_typed_codes_normalise():
    codes = {new_code() for _ in range(1000)}
    assert len(codes) == 1000
    assert all(len(c) == LENGTH and set(c) <= set(ALPHABET) for c in codes)
    code = "k7q21xmd3pa0"
    assert normalise_code(grouped(code)) == code
    assert normalise_code("K7Q2-IXMD-3PAO") == code  # I → 1, O → 0
    assert normalise_code(f"https://hoicho.example/e/{code}?x=1") == code
    assert normalise_code("") == ""


def face(n: int, kind: str = "staff", name: str = "Nguyễn Thị Thu Hường") -> BadgeFace:
    return BadgeFace(
        kind=kind, band="ĐƠN VỊ TRƯNG BÀY", week_name="Tuần lễ sản phẩm OCOP tỉnh Bình Thuận",
        full_name=name, position="Nhân viên bán hàng",
        organisation="Hợp tác xã Nông nghiệp Dịch vụ Thanh Long Hàm Thuận Nam",
        booths="Gian hàng A01", entry_url=f"https://hoicho.example/e/code{n:08d}",
        entry_code=f"CODE {n:04d}", entry_label="Lối vào",
        contact_url=f"https://hoicho.example/c/cont{n:08d}" if kind == "visitor" else "",
        contact_label="Đơn vị trưng bày quét mã này" if kind == "visitor" else "")


@pytest.mark.parametrize("layout,per_page", [("a4-8", 8), ("a6-4", 4)])
def test_every_code_on_a_sheet_decodes(layout, per_page):
    faces = [face(n) for n in range(per_page + 3)]  # one full page and part of the next
    out = io.BytesIO()
    assert render_sheet(out, faces, layout_key=layout) == len(faces)
    pages = decode_pdf_qr_codes(out.getvalue())
    assert [len(p) for p in pages] == [per_page, 3]
    assert sorted(sum(pages, [])) == sorted(f.entry_url for f in faces)


def test_visitor_badges_carry_two_separate_codes_that_both_decode():
    faces = [face(n, "visitor") for n in range(4)]
    out = io.BytesIO()
    render_sheet(out, faces, layout_key="a6-4")
    found = sum(decode_pdf_qr_codes(out.getvalue()), [])
    assert sorted(found) == sorted([f.entry_url for f in faces] + [f.contact_url for f in faces])


def test_long_names_shrink_and_wrap_and_nfd_input_prints_as_nfc():
    long_name = "Tôn Nữ Hoàng Phương Nguyễn Thị Ngọc Diễm Hạnh Công Huyền Tôn Nữ"
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Thu Hường")
    out = io.BytesIO()
    render_sheet(out, [face(1, name=long_name), face(2, name=nfd)], layout_key="a4-8")
    pdf = out.getvalue()
    text = unicodedata.normalize("NFC", pdf_text(pdf))
    assert "Nguyễn Thị Thu Hường" in pdf_text(pdf)  # NFC in the file, not only after normalising
    assert "Tôn Nữ Hoàng Phương" in text
    assert "ĐƠN VỊ TRƯNG BÀY" in text
    assert unembedded_fonts(pdf) == set()  # Be Vietnam Pro embedded, no stray Helvetica
    assert len(sum(decode_pdf_qr_codes(pdf), [])) == 2


def test_fitted_text_never_exceeds_its_width():
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from exhibit.pdf import fonts
    from exhibit.pdf.text import fit_lines
    fonts.register()
    size, lines = fit_lines("Nguyễn Văn An", fonts.BOLD, 150, max_size=15, min_size=9)
    assert size == 15 and lines == ["Nguyễn Văn An"]
    size, lines = fit_lines("Hợp tác xã " * 12, fonts.BOLD, 150, max_size=15, min_size=9,
                            max_lines=2)
    assert size == 9 and len(lines) == 2 and lines[-1].endswith("…")
    assert all(stringWidth(line, fonts.BOLD, size) <= 150 for line in lines)
