"""Money is an integer number of đồng; these functions only show it."""
from __future__ import annotations

from babel.numbers import format_currency, format_decimal


def format_vnd(amount: int, locale: str = "vi_VN") -> str:
    """1404000 → "1.404.000 ₫" (non-breaking space, so the sign never wraps away)."""
    return format_currency(int(amount), "VND", locale=locale)


def format_dong(amount: int) -> str:
    """1404000 → "1.404.000 đồng", the way contracts write an amount in figures."""
    return f"{format_decimal(int(amount), locale='vi_VN')}\u00a0đồng"
