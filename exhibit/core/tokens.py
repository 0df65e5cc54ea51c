"""Short unguessable codes for QR codes and badges.

Codes are 12 characters of Crockford's base32 alphabet (no i, l, o, u): 60 random bits, URL-safe,
easy to read aloud and to type from a badge. A code inside a URL keeps a QR code at version 3
(29 × 29 modules, error correction M) while the base URL stays under 30 characters.
"""
from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
LENGTH = 12
_TYPED = str.maketrans({"i": "1", "l": "1", "o": "0"})
_NOT_CODE = re.compile(r"[^0-9a-z]")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise_code(typed: str | None) -> str:
    """What someone typed or scanned, reduced to a code: the last part of a URL, lower case,
    spaces and dashes dropped, and the letters people confuse with digits read as digits."""
    text = (typed or "").strip().lower()
    text = text.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
    return _NOT_CODE.sub("", text.translate(_TYPED))[:32]


def grouped(code: str) -> str:
    """A code as printed under its QR: "k7q2 9xmd 3pla" reads more easily than one block."""
    return " ".join(code[i:i + 4] for i in range(0, len(code), 4)).upper()
