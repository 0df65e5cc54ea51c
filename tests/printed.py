"""Reading what the app printed: the text of a PDF (as poppler and as pypdf read it), the fonts
it leaves unembedded, and every QR code on its pages."""
from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest


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
        out = pdf_text(pdf)
    return " ".join(out.split())


def pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def pdf_pages_text(pdf: bytes) -> list[str]:
    from pypdf import PdfReader
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages]


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
