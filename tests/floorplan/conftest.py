"""Fixtures of the floor plan tests."""
from __future__ import annotations

import pytest


@pytest.fixture
def week(open_week):
    """The open week: booths A01–A06 in a row at y = 1 m, 3 × 3 m each, in a 30 × 10 m hall
    (placed in metres by the booth form, as the plan editor reads them)."""
    return open_week
