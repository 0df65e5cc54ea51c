"""Numbers as Vietnamese write them: dots group thousands ("1.300.000"), a comma marks the
decimals ("2,5"), and amounts may carry "₫", "đ" or "đồng". Whole amounts grouped with commas
("12,500,000", as an English keyboard types them) are read too. Spreadsheet and JSON numbers pass
through. Empty means None; anything else that is not a number raises ValueError."""
from __future__ import annotations

import re

_CURRENCY = ("đồng", "₫", "đ")
#: commas grouping thousands: "12,500,000" is a whole amount, while "2,5" stays a fraction
_COMMA_GROUPS = re.compile(r"\d{1,3}(?:,\d{3})+")


def _text(value) -> str:
    text = str(value).strip()
    for sign in _CURRENCY:
        text = text.replace(sign, "")
    return text.replace(" ", "").replace("\xa0", "")


def parse_whole(value) -> int | None:
    """"1.300.000", "85.000đ", "1300000 ₫", 85000, 85000.0 → an int. A fraction ("2,5", 2.5)
    or a boolean is refused: a price or a count is never rounded silently."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("a boolean is not a number")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("not a whole number")
        return int(value)
    if isinstance(value, int):
        return value
    text = _text(value)
    if _COMMA_GROUPS.fullmatch(text):
        text = text.replace(",", "")
    text = text.replace(".", "")
    if "," in text:
        raise ValueError("not a whole number")
    return int(text) if text else None


def parse_decimal(value) -> float | None:
    """"2,5" (decimal comma), "2.5", 2 → a float."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("a boolean is not a number")
    if isinstance(value, (int, float)):
        return float(value)
    text = _text(value)
    return float(text.replace(",", ".")) if text else None


def format_number(value) -> str:
    """1300000 → "1.300.000"; 2.5 → "2,5"; 9.0 → "9": figures as a Vietnamese table prints
    them (amounts in đồng without the sign, areas in m²)."""
    from babel.numbers import format_decimal
    return format_decimal(value, locale="vi_VN")
