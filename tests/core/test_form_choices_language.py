"""Choices a form lists at import time stay lazy, so they are put into words in the page's
language (Vietnamese by default), not frozen in whatever language the module was loaded in."""
from __future__ import annotations

from tests.conftest import login


def test_the_payment_kinds_and_buyer_kinds_read_in_vietnamese(client, organiser, open_week,
                                                             exhibitor_with_booth):
    register = client.get(f"/weeks/{open_week.slug}/b2b/register").get_data(as_text=True)
    assert 'value="supermarket">Chuỗi siêu thị' in register
    login(client, organiser)
    ledger = client.get(f"/organiser/weeks/{open_week.slug}/payments").get_data(as_text=True)
    assert 'value="deposit">Đặt cọc' in ledger
