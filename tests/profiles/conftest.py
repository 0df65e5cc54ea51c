"""Builders for profile tests: an exhibitor that applied to the open week, and the bank details
a contract needs (through the real services)."""
from __future__ import annotations

import pytest

from tests.documents.conftest import bank_ready  # noqa: F401 (a fixture)


@pytest.fixture
def applicant(make_exhibitor, open_week):
    """An exhibitor that applied to the open week: the week's organiser is its organiser."""
    from exhibit.booking.services import apply_to_week

    def build(name: str | None = None, **business):
        user = make_exhibitor(name, **business)
        apply_to_week(actor=user, week=open_week, data={"booth_count": 1})
        return user
    return build


@pytest.fixture
def other_organiser(app):
    from exhibit.accounts.services import create_organiser_user
    from tests.conftest import PASSWORD
    return create_organiser_user(email="sct@longan.example", password=PASSWORD,
                                 organizer_name="Sở Công Thương Long An",
                                 organizer_short_name="SCT-LA")
