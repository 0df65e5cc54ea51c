"""Vietnamese phone numbers: parse any common spelling, store E.164, show "0912 345 678"."""
from __future__ import annotations

import phonenumbers


class InvalidPhone(ValueError):
    """The text is not a usable Vietnamese phone number."""


def normalize_phone(raw: str) -> str:
    """Return the number in E.164 ("+84912345678") or raise InvalidPhone.

    Only the shape is checked (length, no 01x short codes): new mobile prefixes appear from time
    to time and must not be refused because a metadata table has not caught up.
    """
    try:
        number = phonenumbers.parse(raw or "", "VN")
    except phonenumbers.NumberParseException:
        raise InvalidPhone("Số điện thoại không hợp lệ.") from None
    national = str(number.national_number)
    if (
        number.country_code != 84
        or not phonenumbers.is_possible_number(number)
        or national.startswith("1")
        or len(national) not in (9, 10)
    ):
        raise InvalidPhone("Số điện thoại không hợp lệ (ví dụ: 0912 345 678 hoặc 028 3823 4567).")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_mobile(raw: str) -> str:
    """A mobile number (for Zalo and SMS) in E.164, or InvalidPhone — a landline ("028 3823
    4567") cannot receive either. A mobile's national number has 9 digits and does not start
    with 2 (landlines have 10: 2, the area code, the subscriber); any other first digit is
    accepted, as new mobile prefixes appear."""
    e164 = normalize_phone(raw)
    national = e164.removeprefix("+84")
    if len(national) != 9 or national.startswith("2"):
        raise InvalidPhone("Cần số điện thoại di động (ví dụ: 0912 345 678).")
    return e164


def format_phone(e164: str | None) -> str:
    """Show a stored number the Vietnamese way: "0912 345 678", "028 3823 4567"."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, "VN")
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
