"""Reading what the app printed: the text of a PDF (as poppler and as pypdf read it), the fonts
it leaves unembedded, and every QR code on its pages."""
from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
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


# -- printed QR codes: where they are, how big, and whether a phone still reads them ----------

MM = 72 / 25.4  # points in a millimetre
#: white a quiet zone needs: a 4-module margin with no mark in it (ISO/IEC 18004 §6.3.8)
QUIET_MODULES = 4


@dataclass(frozen=True)
class PrintedCode:
    """One QR symbol as the PDF draws it: a 1-bit image mask of ``modules`` × ``modules``
    placed by the transformation in force, measured in points on its page (origin lower
    left), quiet zone not included."""
    page: int
    modules: int
    x: float
    y: float
    size: float

    @property
    def width_mm(self) -> float:
        return self.size / MM

    @property
    def module_mm(self) -> float:
        return self.width_mm / self.modules


def _multiply(m, n):
    """The product of two PDF matrices [a b c d e f] (m applied first, then n)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return [a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
            e * A + f * C + E, e * B + f * D + F]


def printed_codes(pdf: bytes) -> list[PrintedCode]:
    """Every QR symbol of a PDF, found by walking its content streams (forms included) with
    the current transformation matrix. The symbols are the inline image masks exhibit.pdf.qr
    draws; anything else is ignored."""
    from pypdf import PdfReader
    from pypdf.generic import ContentStream
    reader = PdfReader(io.BytesIO(pdf))
    found: list[PrintedCode] = []

    def walk(index, contents, resources, matrix):
        stack = []
        for operands, operator in ContentStream(contents, reader).operations:
            if operator == b"q":
                stack.append(matrix)
            elif operator == b"Q":
                matrix = stack.pop()
            elif operator == b"cm":
                matrix = _multiply([float(v) for v in operands], matrix)
            elif operator == b"INLINE IMAGE" and operands["settings"].get("/IM"):
                a, b, c, d, e, f = matrix
                assert abs(b) < 1e-6 and abs(c) < 1e-6 and abs(a - d) < 1e-3, "a square, upright code"
                found.append(PrintedCode(index, int(operands["settings"]["/W"]), e, f, a))
            elif operator == b"Do":
                xobject = resources["/XObject"][operands[0]].get_object()
                if xobject.get("/Subtype") == "/Form":
                    inner = [float(v) for v in xobject.get("/Matrix", [1, 0, 0, 1, 0, 0])]
                    walk(index, xobject, xobject.get("/Resources") or resources,
                         _multiply(inner, matrix))

    for index, page in enumerate(reader.pages):
        walk(index, page.get_contents(), page.get("/Resources") or {}, [1, 0, 0, 1, 0, 0])
    return found


def rasterise(pdf: bytes, dpi: int = 150) -> list:
    """The pages as greyscale PIL images, as pdftoppm draws them at ``dpi``."""
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    from PIL import Image
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "doc.pdf"
        source.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-gray", "-png", "-r", str(dpi), str(source),
                        str(Path(folder) / "p")], check=True)
        images = []
        for png in sorted(Path(folder).glob("p-*.png")):
            with Image.open(png) as image:
                images.append(image.convert("L"))
        return images


def _pixels(code: PrintedCode, page_height: float, dpi: int, margin_modules: float = 0):
    """The code's box on the raster (left, top, right, bottom), widened by a margin."""
    scale = dpi / 72
    grow = margin_modules * code.size / code.modules
    left, right = (code.x - grow) * scale, (code.x + code.size + grow) * scale
    top = (page_height - code.y - code.size - grow) * scale
    bottom = (page_height - code.y + grow) * scale
    return left, top, right, bottom


def quiet_zone_marks(image, code: PrintedCode, page_height: float, dpi: int) -> int:
    """How many pixels of the code's 4-module quiet zone are not white. The pixel next to the
    symbol and the pixel at the zone's outer edge are left out: the rasteriser's anti-aliasing
    greys them for a mark that is exactly on the line."""
    inner = [round(v) for v in _pixels(code, page_height, dpi)]
    outer = [round(v) for v in _pixels(code, page_height, dpi, QUIET_MODULES)]
    width, height = image.size
    if outer[0] < 0 or outer[1] < 0 or outer[2] > width or outer[3] > height:
        return -1  # the zone runs off the page
    pixels = image.load()
    marks = 0
    for py in range(outer[1] + 1, outer[3] - 1):
        for px in range(outer[0] + 1, outer[2] - 1):
            if inner[0] - 1 <= px <= inner[2] and inner[1] - 1 <= py <= inner[3]:
                continue  # the symbol and its anti-aliased edge
            if pixels[px, py] < 235:
                marks += 1
    return marks


def crop_around(image, code: PrintedCode, page_height: float, dpi: int, margin_mm: float = 6):
    """The code with its quiet zone and some of what is printed around it, as a phone's
    camera frames it."""
    scale = dpi / 72
    grow = margin_mm * MM * scale
    left, top, right, bottom = _pixels(code, page_height, dpi, QUIET_MODULES)
    width, height = image.size
    return image.crop((max(0, round(left - grow)), max(0, round(top - grow)),
                       min(width, round(right + grow)), min(height, round(bottom + grow))))


def blurred(image, radius: float = 1.5):
    from PIL import ImageFilter
    return image.filter(ImageFilter.GaussianBlur(radius))


def rotated(image, degrees: float = 5):
    from PIL import Image
    return image.rotate(degrees, resample=Image.BICUBIC, expand=True, fillcolor=255)


def jpeg(image, quality: int = 15):
    from PIL import Image
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    buffer.seek(0)
    with Image.open(buffer) as decoded:
        return decoded.convert("L")


#: the ways a phone's photo of a printed code is worse than the PDF
DEGRADATIONS = {
    "blur": blurred,
    "rotation": rotated,
    "jpeg": jpeg,
    "all three": lambda image: jpeg(blurred(rotated(image, -4), 1.2), 20),
}


def decode_image(image) -> list[str]:
    zxingcpp = pytest.importorskip("zxingcpp")
    return sorted(code.text for code in zxingcpp.read_barcodes(
        image, formats=zxingcpp.BarcodeFormat.QRCode))


def check_printed_codes(pdf: bytes, expected: list[list[str]], *, dpi: int = 150,
                        min_width_mm: float = 25) -> list[PrintedCode]:
    """Assert what issue 17 asks of every printed code, page by page: at least
    ``min_width_mm`` wide, a clear 4-module quiet zone, and read by the decoder from a
    ``dpi`` raster after each of :data:`DEGRADATIONS`, to the text ``expected`` lists for
    that page (in any order). Returns the codes found."""
    from pypdf import PdfReader
    codes = printed_codes(pdf)
    pages = rasterise(pdf, dpi)
    heights = [float(page.mediabox.height) for page in PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) == len(expected), f"{len(pages)} pages, expected {len(expected)}"
    for index, (image, wanted) in enumerate(zip(pages, expected)):
        on_page = [c for c in codes if c.page == index]
        assert len(on_page) == len(wanted), f"page {index + 1}: {len(on_page)} codes drawn"
        read = []
        for code in on_page:
            where = f"page {index + 1}, code at ({code.x / MM:.1f}, {code.y / MM:.1f}) mm"
            assert code.width_mm >= min_width_mm, f"{where} is {code.width_mm:.1f} mm wide"
            marks = quiet_zone_marks(image, code, heights[index], dpi)
            assert marks == 0, f"{where}: {marks} marked pixels in its quiet zone"
            crop = crop_around(image, code, heights[index], dpi)
            clean = decode_image(crop)
            assert len(clean) == 1, f"{where} reads as {clean}"
            read.append(clean[0])
            for name, degrade in DEGRADATIONS.items():
                assert decode_image(degrade(crop)) == clean, f"{where} fails after {name}"
        assert sorted(read) == sorted(wanted), f"page {index + 1}"
    return codes
