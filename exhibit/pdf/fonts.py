"""Be Vietnam Pro, registered with reportlab once per process.

Every Vietnamese letter (ư, ơ, ấ, ặ, ễ…) is in these fonts, and reportlab embeds the subset a
document uses, so PDFs render the same on any reader.
"""
from __future__ import annotations

import threading
import unicodedata

import fontpkg_be_vietnam_pro
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR = "BeVietnamPro"
BOLD = "BeVietnamPro-Bold"
SEMIBOLD = "BeVietnamPro-SemiBold"
ITALIC = "BeVietnamPro-Italic"
BOLD_ITALIC = "BeVietnamPro-BoldItalic"

_FILES = {REGULAR: "BeVietnamPro-Regular.ttf", BOLD: "BeVietnamPro-Bold.ttf",
          SEMIBOLD: "BeVietnamPro-SemiBold.ttf", ITALIC: "BeVietnamPro-Italic.ttf",
          BOLD_ITALIC: "BeVietnamPro-BoldItalic.ttf"}
_lock = threading.Lock()
_registered = False


def font_path(name: str):
    return fontpkg_be_vietnam_pro.ROOT / "files" / _FILES[name]


def register() -> None:
    """Register the fonts (idempotent, thread-safe) and the bold/italic family mapping."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        for name in _FILES:
            pdfmetrics.registerFont(TTFont(name, str(font_path(name))))
        pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=ITALIC,
                                      boldItalic=BOLD_ITALIC)
        _registered = True


def pdf_text(value) -> str:
    """Text as it goes into a PDF: NFC, so "ế" typed as e + two combining marks is one glyph."""
    return unicodedata.normalize("NFC", str(value or ""))
