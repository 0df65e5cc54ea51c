"""QR codes drawn into PDFs as vector paths, fast enough for thousands of badges.

The qrcode library tries all eight mask patterns and keeps the one with the lowest penalty; in
pure Python that costs about 5 ms a code, which caps a badge run at ~200 a second. Any mask gives
a valid, decodable symbol (the mask is written into the format information), so this module
fixes version and mask ahead of time:

* a :class:`QrPlan` computes once everything that does not depend on the data — the finder,
  timing and alignment patterns, the format bits for the chosen mask, and the order in which
  data bits fill the free modules (ISO/IEC 18004 §7.7.3, the same walk as ``qrcode``);
* per code only the data codewords and their Reed–Solomon error correction are computed —
  the generator polynomials and GF(256) tables are qrcode's; the division runs on integers with
  a precomputed product table, 20× faster than qrcode's polynomial objects — then laid into the
  template and turned into horizontal runs;
* the symbol goes into the page as a 1-bit image mask (``/ImageMask``, 4 bytes a row for a
  version 3 code), which every PDF reader paints as sharp black modules at any scale; the
  vector form (:func:`pdf_path`, one filled path of rectangles) is there for callers that want
  it, at about four times the cost.

The result is bit-for-bit the matrix ``qrcode`` makes for the same version and mask (a test
compares them), drawn sharp at any size. The PNG and SVG downloads keep using ``qrcode`` itself.
"""
from __future__ import annotations

import re
from functools import lru_cache

import qrcode
from qrcode import LUT, base, util
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib.units import mm

#: the mask pattern every fast code uses (any of the eight decodes; this one scans well)
MASK = 2
#: the largest version planned ahead; longer data falls back to qrcode's automatic fit
MAX_PLANNED_VERSION = 10
#: the narrowest a printed code may be: below it, phones fail first under blur and tilt
MIN_PRINTED_WIDTH = 25 * mm
#: the white margin a reader needs around the symbol, in modules (ISO/IEC 18004)
QUIET_MODULES = 4
#: printed codes are drawn at least at this version (29 × 29 modules), so a code always fills
#: at least 29/37 of its box: the same box never prints a smaller code for a shorter text
MIN_PRINTED_VERSION = 3
_RUN = re.compile("1+")


class QrPlan:
    """The data-independent part of a QR symbol of one version, error level and mask."""

    def __init__(self, version: int, level: int = ERROR_CORRECT_M, mask: int = MASK):
        self.version, self.level, self.mask = version, level, mask
        self.size = version * 4 + 17
        blank = qrcode.QRCode(version=version, error_correction=level, border=0,
                              mask_pattern=mask)
        blank.modules_count = self.size
        blank.modules = [[None] * self.size for _ in range(self.size)]
        blank.setup_position_probe_pattern(0, 0)
        blank.setup_position_probe_pattern(self.size - 7, 0)
        blank.setup_position_probe_pattern(0, self.size - 7)
        blank.setup_position_adjust_pattern()
        blank.setup_timing_pattern()
        blank.setup_type_info(False, mask)
        if version >= 7:
            blank.setup_type_number(False)
        template = blank.modules
        self._template = ["1" if cell else "0" for row in template for cell in row]
        self._positions = list(self._walk(template))
        is_masked = util.mask_func(mask)
        self._mask_bits = int("".join("1" if is_masked(r, c) else "0"
                                      for r, c in self._positions), 2)
        self._flat = [r * self.size + c for r, c in self._positions]
        self._bit_count = len(self._positions)
        self._blocks = [(block.data_count, block.total_count - block.data_count)
                        for block in base.rs_blocks(version, level)]
        self._data_count = sum(data for data, _ in self._blocks)
        self._count_bits = util.length_in_bits(util.MODE_8BIT_BYTE, version)
        # byte mode: 4 bits of mode, the byte count, the data, then a 4-bit terminator
        self.capacity = (self._data_count * 8 - 8 - self._count_bits) // 8

    def _walk(self, template):
        """Free modules in the order data bits fill them: two-column strips, right to left,
        alternately upwards and downwards, skipping the vertical timing column."""
        size, row, step = self.size, self.size - 1, -1
        for col in range(size - 1, 0, -2):
            if col <= 6:
                col -= 1
            while True:
                for c in (col, col - 1):
                    if template[row][c] is None:
                        yield row, c
                row += step
                if row < 0 or row >= size:
                    row -= step
                    step = -step
                    break

    def codewords(self, data: bytes) -> bytes:
        """Data and error-correction codewords in transmission order (blocks interleaved)."""
        length = len(data)
        if not length:
            raise ValueError("a QR code needs at least one byte of data")
        if length > self.capacity:
            raise ValueError(f"{length} bytes do not fit QR version {self.version}")
        # mode 0100, the count, the data, terminator 0000: a whole number of bytes
        header = (0b0100 << self._count_bits) | length
        stream = ((header << (8 * length)) | int.from_bytes(data, "big")) << 4
        payload = stream.to_bytes((self._count_bits + 8 * length + 8) // 8, "big")
        padding = self._data_count - len(payload)
        payload += (b"\xec\x11" * (padding // 2 + 1))[:padding]
        data_blocks, ec_blocks, offset = [], [], 0
        for data_count, ec_count in self._blocks:
            block = payload[offset:offset + data_count]
            offset += data_count
            data_blocks.append(block)
            ec_blocks.append(_remainder(block, ec_count))
        return _interleave(data_blocks) + _interleave(ec_blocks)

    def rows(self, data: bytes) -> list[str]:
        """The symbol as rows of "0"/"1" (1 is dark), without the quiet zone."""
        codewords = self.codewords(data)
        value = int.from_bytes(codewords, "big")
        # remainder modules past the last codeword carry 0 before masking
        value <<= self._bit_count - len(codewords) * 8
        bits = format(value ^ self._mask_bits, f"0{self._bit_count}b")
        cells = self._template.copy()
        for index, bit in zip(self._flat, bits):
            cells[index] = bit
        flat, size = "".join(cells), self.size
        return [flat[i:i + size] for i in range(0, size * size, size)]


@lru_cache(maxsize=None)
def _product_table(ec_count: int) -> tuple[int, ...]:
    """For each byte f, f × the generator polynomial (without its leading 1) as one integer."""
    generator = LUT.rsPoly_LUT.get(ec_count)
    if generator is None:
        poly = base.Polynomial([1], 0)
        for i in range(ec_count):
            poly = poly * base.Polynomial([1, base.gexp(i)], 0)
        generator = [poly[i] for i in range(len(poly))]
    tail = generator[1:]
    table = [0]
    for factor in range(1, 256):
        log = base.glog(factor)
        table.append(int.from_bytes(bytes(base.gexp(log + base.glog(g)) if g else 0
                                          for g in tail), "big"))
    return tuple(table)


def _remainder(block: bytes, ec_count: int) -> bytes:
    """Reed–Solomon error correction of one block: the block × x^ec mod the generator."""
    table, shift, keep = _product_table(ec_count), 8 * (ec_count - 1), (1 << 8 * ec_count) - 1
    remainder = 0
    for byte in block:
        factor = byte ^ (remainder >> shift)
        remainder = ((remainder << 8) & keep) ^ table[factor]
    return remainder.to_bytes(ec_count, "big")


def _interleave(blocks: list[bytes]) -> bytes:
    longest = max(len(block) for block in blocks)
    return bytes(block[i] for i in range(longest) for block in blocks if i < len(block))


@lru_cache(maxsize=None)
def plan(version: int) -> QrPlan:
    return QrPlan(version)


def smallest_version(length: int, at_least: int = 1) -> int | None:
    """The smallest planned version (from ``at_least``) holding ``length`` bytes, or None if
    none does."""
    for version in range(at_least, MAX_PLANNED_VERSION + 1):
        if plan(version).capacity >= length:
            return version
    return None


def qr_rows(text: str, at_least: int = 1) -> list[str]:
    """Rows of the QR symbol for ``text`` (UTF-8, error correction M), at version ``at_least``
    or the smallest above it that holds the text."""
    data = text.encode("utf-8")
    version = smallest_version(len(data), at_least)
    if version is not None:
        return plan(version).rows(data)
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(data, optimize=0)
    code.make(fit=True)
    return ["".join("1" if cell else "0" for cell in row) for row in code.modules]


def version_for(text: str) -> int:
    """The QR version ``text`` is drawn at (1 is 21×21 modules, 3 is 29×29)."""
    return (len(qr_rows(text)) - 17) // 4


def pdf_path(rows: list[str]) -> str:
    """PDF path operators drawing the dark modules as rectangles, in module units, row 0 on
    top (the caller's transformation flips y)."""
    parts = []
    for r, row in enumerate(rows):
        for run in _RUN.finditer(row):
            start = run.start()
            parts.append(f"{start} {r} {run.end() - start} 1 re")
    return "\n".join(parts)


def image_mask(rows: list[str]) -> str:
    """An inline 1-bit image mask painting the dark modules, in PDF content-stream syntax.

    Image space maps onto the unit square with row 0 at the top, so the caller scales it to
    the code's size with ``cm``. ``/D [1 0]`` makes 1 bits paint in the current fill colour;
    the hex filter keeps the content stream plain text."""
    size = len(rows)
    pad = "0" * (-size % 8)
    width_bytes = (size + 7) // 8
    data = "".join(int(row + pad, 2).to_bytes(width_bytes, "big").hex() for row in rows)
    return (f"BI /W {size} /H {size} /IM true /D [1 0] /F /AHx ID\n{data}>\nEI")


def draw_qr(canvas, text: str, x: float, y: float, size: float) -> None:
    """Draw the QR code for ``text`` with its lower-left corner at (x, y), ``size`` points wide
    (quiet zone not included: leave 4 modules of white around it). Printed sheets use
    :func:`draw_code_box`, which keeps that margin for them."""
    _draw_rows(canvas, qr_rows(text), x, y, size)


def _draw_rows(canvas, rows: list[str], x: float, y: float, size: float) -> None:
    mask = image_mask(rows)
    canvas.addLiteral(f"q 0 g {size:.3f} 0 0 {size:.3f} {x:.3f} {y:.3f} cm\n{mask}\nQ")


def box_for(width: float = MIN_PRINTED_WIDTH) -> float:
    """The side of the smallest code box whose code is at least ``width`` wide."""
    modules = MIN_PRINTED_VERSION * 4 + 17
    return width * (modules + 2 * QUIET_MODULES) / modules


def draw_code_box(canvas, text: str, x: float, y: float, box: float) -> float:
    """Draw the code for ``text`` in the square whose lower-left corner is (x, y) and side
    ``box`` points: the symbol in the middle, 4 modules of quiet zone around it, all inside
    the square. A layout reserves the whole square and prints nothing else in it, so the quiet
    zone is white by construction. Returns the symbol's width.

    A printed code is at least version 3, so a box of :func:`box_for` (31.9 mm) or more
    always holds a code of at least 25 mm; a longer text makes smaller modules, never a
    smaller code."""
    rows = qr_rows(text, at_least=MIN_PRINTED_VERSION)
    size = box * len(rows) / (len(rows) + 2 * QUIET_MODULES)
    margin = (box - size) / 2
    _draw_rows(canvas, rows, x + margin, y + margin, size)
    return size
