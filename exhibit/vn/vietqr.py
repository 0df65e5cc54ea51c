"""VietQR: the text of a bank-transfer QR code as NAPAS profiles the EMVCo merchant-presented QR
(DOMAIN.md §9), and the reading of such a text back, CRC checked.

The text is a run of data objects, each an ID of two digits, a length of two digits and the
value. For a transfer to an account:

    00 "01"                       payload format
    01 "12" / "11"                point of initiation: dynamic (with an amount) / static
    38 { 00 "A000000727"          NAPAS's GUID for VietQR
         01 { 00 BIN (6 digits)   the beneficiary's bank
              01 account number }
         02 "QRIBFTTA" }          service: inter-bank fast transfer to an account
    53 "704"                      currency: đồng
    54 amount                     whole đồng, no decimals (dynamic codes only)
    58 "VN"                       country
    62 { 08 purpose }             purpose of transaction: where the order code goes
    63 CRC                        CRC-16/CCITT-FALSE over everything before it, "6304" included

Anyone with an account can be paid by such a code without a merchant contract; the bill and
terminal fields of 62 are ignored without one, so the purpose (62/08) carries the order code.
Limits follow the NAPAS table: account number up to 19 characters, purpose up to 25; the
purpose is printable ASCII, since banks' apps and notification services strip or mangle the
rest. Nothing here imports Flask or the database.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

#: NAPAS's application identifier for VietQR (38/00)
GUID = "A000000727"
#: the service code of a transfer to an account (38/02); QRIBFTTC is to a card
SERVICE_TO_ACCOUNT = "QRIBFTTA"
CURRENCY_VND = "704"
COUNTRY = "VN"
DYNAMIC, STATIC = "12", "11"
#: the longest account number and purpose NAPAS's table allows
MAX_ACCOUNT = 19
MAX_PURPOSE = 25
#: EMVCo's transaction amount is at most 13 characters
MAX_AMOUNT = 10 ** 13 - 1

_BIN = re.compile(r"[0-9]{6}")
_ACCOUNT = re.compile(r"[0-9A-Za-z]{1,%d}" % MAX_ACCOUNT)
_PRINTABLE_ASCII = re.compile(r"[\x20-\x7e]*")


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection, no final
    XOR ("123456789" gives 0x29B1)."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def data_object(tag: str, value: str) -> str:
    """One data object: ID, two-digit length, value (1 to 99 characters)."""
    if not 1 <= len(value) <= 99:
        raise ValueError(f"field {tag}: a value has 1 to 99 characters, not {len(value)}")
    return f"{tag}{len(value):02d}{value}"


def with_crc(body: str) -> str:
    """The text with its field 63 appended: the CRC covers ``body`` and "6304" itself."""
    head = body + "6304"
    return head + format(crc16_ccitt_false(head.encode("ascii")), "04X")


def payload(*, bank_bin: str, account: str, amount: int | None = None, purpose: str = "") -> str:
    """The VietQR text of a transfer of ``amount`` đồng (None: the payer types it, a static
    code) to ``account`` at the bank ``bank_bin``, with ``purpose`` as the transfer's
    description. Raises ValueError naming what is wrong."""
    bank_bin, account = str(bank_bin or "").strip(), str(account or "").replace(" ", "")
    if not _BIN.fullmatch(bank_bin):
        raise ValueError("the bank's BIN has 6 digits, e.g. 970436")
    if not _ACCOUNT.fullmatch(account):
        raise ValueError(f"the account number has 1 to {MAX_ACCOUNT} letters or digits")
    if amount is not None:
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise ValueError("the amount is a whole number of đồng")
        if not 1 <= amount <= MAX_AMOUNT:
            raise ValueError("the amount is from 1 đồng to 13 digits")
    check_purpose(purpose)
    beneficiary = data_object("00", bank_bin) + data_object("01", account)
    merchant = (data_object("00", GUID) + data_object("01", beneficiary)
                + data_object("02", SERVICE_TO_ACCOUNT))
    body = (data_object("00", "01") + data_object("01", STATIC if amount is None else DYNAMIC)
            + data_object("38", merchant) + data_object("53", CURRENCY_VND))
    if amount is not None:
        body += data_object("54", str(amount))
    body += data_object("58", COUNTRY)
    if purpose:
        body += data_object("62", data_object("08", purpose))
    return with_crc(body)


def check_purpose(purpose: str) -> None:
    """A purpose of transaction is at most 25 printable ASCII characters (no diacritics)."""
    if len(purpose) > MAX_PURPOSE:
        raise ValueError(f"the purpose has at most {MAX_PURPOSE} characters, not {len(purpose)}")
    if not _PRINTABLE_ASCII.fullmatch(purpose):
        raise ValueError("the purpose is plain ASCII: letters without diacritics, digits, spaces")


# -- reading ----------------------------------------------------------------------------------

def data_objects(text: str) -> list[tuple[str, str]]:
    """The data objects of a text (or of a template's value), in order, as (ID, value).
    Raises ValueError when a length runs past the end or is not two digits."""
    found, at = [], 0
    while at < len(text):
        tag, length = text[at:at + 2], text[at + 2:at + 4]
        if len(tag) < 2 or not tag.isdigit() or len(length) < 2 or not length.isdigit():
            raise ValueError(f"no data object at position {at}")
        end = at + 4 + int(length)
        if end > len(text):
            raise ValueError(f"field {tag} at position {at} runs past the end")
        found.append((tag, text[at + 4:end]))
        at = end
    return found


@dataclass(frozen=True)
class Transfer:
    """What a VietQR text asks for, as read back."""
    bank_bin: str
    account: str
    #: None for a static code (the payer types the amount)
    amount: int | None
    purpose: str
    service: str
    dynamic: bool


def read(text: str) -> Transfer:
    """Read a VietQR transfer text; ValueError when its CRC does not check out, when it is not
    a NAPAS transfer, or a field is missing."""
    if len(text) < 8 or text[-8:-4] != "6304":
        raise ValueError("the text does not end with its CRC (field 63)")
    expected = format(crc16_ccitt_false(text[:-4].encode("ascii")), "04X")
    if text[-4:].upper() != expected:
        raise ValueError(f"CRC {text[-4:]} does not match the content ({expected})")
    root = dict(data_objects(text))
    if root.get("00") != "01":
        raise ValueError("not an EMVCo payload (field 00 is not 01)")
    merchant = dict(data_objects(root.get("38", "")))
    if merchant.get("00") != GUID:
        raise ValueError("not a VietQR code (no NAPAS GUID in field 38)")
    beneficiary = dict(data_objects(merchant.get("01", "")))
    if "00" not in beneficiary or "01" not in beneficiary:
        raise ValueError("field 38 names no bank and account")
    additional = dict(data_objects(root.get("62", "")))
    return Transfer(bank_bin=beneficiary["00"], account=beneficiary["01"],
                    amount=int(root["54"]) if "54" in root else None,
                    purpose=additional.get("08", ""), service=merchant.get("02", ""),
                    dynamic=root.get("01") == DYNAMIC)
