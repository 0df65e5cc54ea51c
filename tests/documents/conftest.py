"""Builders for document, payment and B2B tests: everything through the real services."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest


@pytest.fixture
def bank_ready(organiser):
    """The organiser's body with the details a contract prints as Bên A."""
    from exhibit.weeks.services import update_organizer
    from tests.conftest import next_tax_code
    update_organizer(actor=organiser, data={
        "name": "Trung tâm Xúc tiến Thương mại và Đầu tư TP.HCM (ITPC)",
        "representative": "Nguyễn Văn Mạnh", "representative_position": "Phó Giám đốc",
        "bank_account": "0071001234567", "bank_name": "Vietcombank – Chi nhánh TP. Hồ Chí Minh",
        "address": "92–96 Nguyễn Hữu Cảnh, TP. Hồ Chí Minh", "tax_code": next_tax_code()})
    return organiser


@pytest.fixture
def confirmed_exhibitor(make_exhibitor, open_week, organiser):
    """Builds an exhibitor with a confirmed booth (A01, A02…) at the open week."""
    from exhibit.booking.services import apply_to_week, assign_booth
    from exhibit.floorplan.services import get_booth
    booths = iter(["A01", "A02", "A03", "A04", "A05", "A06"])

    def build(name: str | None = None, **business):
        user = make_exhibitor(name, **business)
        apply_to_week(actor=user, week=open_week, data={"booth_count": 1})
        assign_booth(actor=organiser, week=open_week, booth=get_booth(open_week, next(booths)),
                     business_id=user.business_id)
        return user
    return build


def pdftotext(pdf: bytes) -> str:
    """The text of a PDF as pdftotext (poppler) reads it, whitespace collapsed; pypdf where
    poppler is missing."""
    if shutil.which("pdftotext"):
        with tempfile.TemporaryDirectory() as folder:
            source = Path(folder) / "doc.pdf"
            source.write_bytes(pdf)
            out = subprocess.run(["pdftotext", "-layout", str(source), "-"], check=True,
                                 capture_output=True).stdout.decode()
    else:
        from tests.badges.conftest import pdf_text
        out = pdf_text(pdf)
    return " ".join(out.split())


def pdf_pages_text(pdf: bytes) -> list[str]:
    import io

    from pypdf import PdfReader
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages]
