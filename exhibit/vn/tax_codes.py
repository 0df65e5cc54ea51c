"""Vietnamese tax codes (mã số thuế / mã số doanh nghiệp).

Enterprises have 10 digits with a check digit, branches add "-001".."-999"; since 01/7/2025
household businesses and individuals use their 12-digit citizen ID, which has no check digit.
The checksum rules come from python-stdnum.
"""
from __future__ import annotations

import re

from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.vn import mst


class InvalidTaxCode(ValueError):
    """The text is not a valid tax code; ``reason`` says why, the message says it in Vietnamese.

    Reasons: "empty", "format", "checksum", "branch", "personal_id_not_allowed".
    """

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


_PERSONAL_ID = re.compile(r"^\d{12}$")


def normalize_tax_code(raw: str, *, allow_personal_id: bool = True) -> str:
    """Return the canonical form ("0100233488" or "0100233488-001") or raise InvalidTaxCode."""
    compact = re.sub(r"[\s.]", "", raw or "")
    if not compact:
        raise InvalidTaxCode("empty", "Chưa nhập mã số thuế.")
    if _PERSONAL_ID.match(compact):
        if not allow_personal_id:
            raise InvalidTaxCode(
                "personal_id_not_allowed",
                "Mã 12 số (số định danh cá nhân) chỉ dùng cho hộ kinh doanh và cơ sở sản xuất."
            )
        return compact
    try:
        mst.validate(compact)
    except InvalidChecksum:
        raise InvalidTaxCode("checksum", "Mã số thuế sai chữ số kiểm tra.") from None
    except InvalidComponent:
        if len(compact.replace("-", "")) == 10:
            raise InvalidTaxCode("format", "Mã số thuế không hợp lệ.") from None
        raise InvalidTaxCode("branch", "Mã số thuế không hợp lệ (mã đơn vị phụ thuộc phải từ 001 đến 999).") from None
    except (InvalidLength, InvalidFormat):
        raise InvalidTaxCode(
            "format",
            "Mã số thuế phải có 10 chữ số, 10 chữ số kèm -NNN (chi nhánh), hoặc 12 chữ số."
        ) from None
    return mst.format(compact)


def is_valid_tax_code(raw: str, *, allow_personal_id: bool = True) -> bool:
    try:
        normalize_tax_code(raw, allow_personal_id=allow_personal_id)
    except InvalidTaxCode:
        return False
    return True
