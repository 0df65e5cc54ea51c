"""Vietnamese text: NFC on the way in, and a folded key for diacritic-insensitive search."""
from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def nfc(text: str | None) -> str | None:
    """Input may arrive decomposed (macOS, copy-paste); everything is stored composed. A NUL
    character (which no form means and PostgreSQL's text cannot hold) is dropped."""
    if text is None:
        return None
    return unicodedata.normalize("NFC", text).replace("\x00", "")


def clean_text(text: str | int | float | None) -> str:
    """NFC, trimmed, inner runs of whitespace collapsed to one space. A number sent where text
    is expected (a barcode or a phone number in JSON) is read as its digits."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        text = str(text)
    return _SPACES.sub(" ", nfc(text or "")).strip()


def fold_search_key(text: str | None) -> str:
    """"Cà phê Đắk Lắk" → "ca phe dak lak": no marks, đ→d (it has no decomposition), casefolded."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return _SPACES.sub(" ", stripped.casefold()).strip()


_NON_WORD = re.compile(r"[\W_]+")


def search_words(text: str | None) -> list[str]:
    """The folded words of a text: "Cà phê (rang xay), Đắk Lắk" → ["ca", "phe", "rang", "xay",
    "dak", "lak"]. Punctuation separates words, so a query never carries LIKE wildcards."""
    return [w for w in _NON_WORD.sub(" ", fold_search_key(text)).split() if w]


def search_document(*parts: str | None) -> str:
    """Folded words of all ``parts``, padded with spaces so " word" matches at a word start."""
    words = [w for part in parts for w in search_words(part)]
    return f" {' '.join(words)} " if words else ""
