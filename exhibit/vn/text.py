"""Vietnamese text: NFC on the way in, and a folded key for diacritic-insensitive search."""
from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def nfc(text: str | None) -> str | None:
    """Input may arrive decomposed (macOS, copy-paste); everything is stored composed."""
    if text is None:
        return None
    return unicodedata.normalize("NFC", text)


def clean_text(text: str | None) -> str:
    """NFC, trimmed, inner runs of whitespace collapsed to one space."""
    return _SPACES.sub(" ", nfc(text or "")).strip()


def fold_search_key(text: str | None) -> str:
    """"Cà phê Đắk Lắk" → "ca phe dak lak": no marks, đ→d (it has no decomposition), casefolded."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return _SPACES.sub(" ", stripped.casefold()).strip()
