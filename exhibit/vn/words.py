"""Amounts in words, as a contract writes them after "Bằng chữ:" (DOMAIN.md §6).

Digits are read in groups of three. A group that follows a higher non-zero group is read in
full ("không trăm", "lẻ"); a group that is entirely zero is skipped. Above a billion the reading
recurses on the number of tỷ, so 10^12 is "một nghìn tỷ".
"""
from __future__ import annotations

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
SCALES = ("", "nghìn", "triệu")  # tỷ is handled by recursion
BILLION = 1_000_000_000


def _units(digit: int, tens: int) -> str:
    """The last digit after a tens digit: mốt, tư and lăm where the rules call for them."""
    if digit == 1 and tens >= 2:
        return "mốt"
    if digit == 4 and tens >= 2:
        return "tư"
    if digit == 5 and tens >= 1:
        return "lăm"
    return DIGITS[digit]


def _group(n: int, *, full: bool) -> list[str]:
    """Words for 0 < n < 1000; ``full`` reads a zero hundreds digit ("không trăm", "lẻ")."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words: list[str] = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            if words:
                words.append("lẻ")
            words.append(DIGITS[units])
    else:
        words.append("mười" if tens == 1 else DIGITS[tens] + " mươi")
        if units:
            words.append(_units(units, tens))
    return words


def _below_billion(n: int, *, full: bool) -> list[str]:
    groups = []
    while n:
        groups.append(n % 1000)
        n //= 1000
    words: list[str] = []
    for scale in reversed(range(len(groups))):
        value = groups[scale]
        if value == 0:
            continue
        words += _group(value, full=full or bool(words))
        if SCALES[scale]:
            words.append(SCALES[scale])
    return words


def _words(n: int, *, full: bool = False) -> list[str]:
    if n >= BILLION:
        words = _words(n // BILLION, full=full) + ["tỷ"]
        rest = n % BILLION
        return words + _below_billion(rest, full=True) if rest else words
    return _below_billion(n, full=full)


def number_in_words(n: int) -> str:
    """2024 → "hai nghìn không trăm hai mươi tư"; 0 → "không"."""
    n = int(n)
    if n < 0:
        return "âm " + number_in_words(-n)
    return " ".join(_words(n)) if n else DIGITS[0]


def amount_in_words(amount: int) -> str:
    """1404000 → "Một triệu bốn trăm lẻ bốn nghìn đồng", for "Bằng chữ: …"."""
    text = number_in_words(amount)
    return text[0].upper() + text[1:] + " đồng"


# -- English, for the reference translation of a contract or MoU ------------------------------

_EN_SMALL = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
             "fourteen fifteen sixteen seventeen eighteen nineteen").split()
_EN_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_EN_SCALES = ((10 ** 12, "trillion"), (10 ** 9, "billion"), (10 ** 6, "million"),
              (1000, "thousand"))


def _en_below_thousand(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    parts = [f"{_EN_SMALL[hundreds]} hundred"] if hundreds else []
    if rest:
        tens, unit = divmod(rest, 10)
        words = _EN_SMALL[rest] if rest < 20 else _EN_TENS[tens] + (f"-{_EN_SMALL[unit]}" if unit else "")
        parts.append(("and " if hundreds else "") + words)
    return " ".join(parts)


def number_in_words_en(n: int) -> str:
    """1404000 → "one million four hundred and four thousand" (British usage)."""
    n = int(n)
    if n < 0:
        return "minus " + number_in_words_en(-n)
    if n == 0:
        return _EN_SMALL[0]
    parts = []
    for scale, name in _EN_SCALES:
        if n >= scale:
            parts.append(f"{number_in_words_en(n // scale)} {name}")
            n %= scale
    if n:
        parts.append(("and " if parts and n < 100 else "") + _en_below_thousand(n))
    return " ".join(parts)


def amount_in_words_en(amount: int) -> str:
    """1404000 → "One million four hundred and four thousand dong"."""
    text = number_in_words_en(amount)
    return text[0].upper() + text[1:] + " dong"
