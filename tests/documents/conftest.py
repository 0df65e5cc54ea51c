"""Builders for document and payment tests: everything through the real services."""
from __future__ import annotations

import pytest


@pytest.fixture
def bank_ready(organiser):
    """The organiser's body with the details a contract prints as Bên A."""
    from exhibit.weeks.services import update_organizer
    from tests.conftest import next_tax_code
    update_organizer(actor=organiser, data={
        "name": "Trung tâm Xúc tiến Thương mại và Đầu tư TP.HCM (ITPC)",
        "representative": "Nguyễn Văn Mạnh", "representative_position": "Phó Giám đốc",
        "bank_account": "0071001234567", "bank_name": "Vietcombank – Chi nhánh TP. Hồ Chí Minh",
        "address": "92–96 Nguyễn Hữu Cảnh, TP. Hồ Chí Minh", "tax_code": next_tax_code()})
    return organiser
