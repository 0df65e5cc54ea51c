"""Builders for badge, QR and visitor tests: everything through the real services."""
from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest

from tests.catalogue.conftest import product_data


@pytest.fixture
def exhibitor_with_booth(make_exhibitor, open_week, organiser):
    """An exhibitor with booth A01 confirmed at the open week and one approved product."""
    from exhibit.booking.services import apply_to_week, assign_booth
    from exhibit.catalogue import services as catalogue
    from exhibit.floorplan.services import get_booth
    user = make_exhibitor("Hợp tác xã Thanh long Hàm Thuận Nam")
    apply_to_week(actor=user, week=open_week, data={"booth_count": 1})
    assign_booth(actor=organiser, week=open_week, booth=get_booth(open_week, "A01"),
                 business_id=user.business_id)
    product = catalogue.create_product(actor=user, data=product_data(
        name="Thanh long ruột đỏ hộp quà", price_vnd=90000, unit="hộp"))
    catalogue.set_week_products(actor=user, week=open_week, selections={product.id: None})
    listing = catalogue.business_listings(user.business_id, open_week)[product.id]
    catalogue.review_listing(actor=organiser, listing=listing, decision="approved")
    return user


@pytest.fixture
def running_week(open_week):
    """The open week moved so that it runs today (Vietnam time)."""
    from exhibit.core.db import utcnow
    from exhibit.extensions import db
    from exhibit.vn.dates import to_vietnam_time
    today = to_vietnam_time(utcnow()).date()
    open_week.start_date, open_week.end_date = today - timedelta(days=1), today + timedelta(days=3)
    db.session.commit()
    return open_week


@pytest.fixture
def entrance_user(organiser):
    from exhibit.accounts.services import create_entrance_user
    from tests.conftest import PASSWORD
    return create_entrance_user(email="cong@itpc.example", password=PASSWORD,
                                full_name="Nhân viên cổng", organiser=organiser)


def visitor_data(**overrides) -> dict:
    data = {"full_name": "Nguyễn Thị Thu Hường", "phone": "0912 345 678",
            "email": "huong@example.vn", "organisation": "Cửa hàng Quê Nhà", "consent": True}
    data.update(overrides)
    return data


def decode_pdf_qr_codes(pdf: bytes, dpi: int = 150) -> list[list[str]]:
    """Every QR code on every page of a PDF, rasterised by pdftoppm and read by zxing-cpp."""
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "doc.pdf"
        source.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(source), str(Path(folder) / "p")],
                       check=True)
        pages = []
        for png in sorted(Path(folder).glob("p-*.png")):
            with Image.open(png) as image:
                found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
            pages.append(sorted(code.text for code in found))
        return pages


def pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def unembedded_fonts(pdf: bytes) -> set[str]:
    """Fonts a PDF uses without embedding them (it should use none)."""
    from pypdf import PdfReader
    missing = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for ref in fonts.values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                missing.add(str(font.get("/BaseFont")))
    return missing
