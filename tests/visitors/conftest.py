"""Fixtures of the visitor's booth page tests: the page and its scans as when serving."""
from __future__ import annotations

import pytest

from exhibit.visitors import scans


@pytest.fixture
def batched(app):
    """Scans queued and written by the writer thread every ``seconds`` (an hour: only when a
    test flushes), as when serving; the queue is written and forgotten afterwards."""
    def turn_on(seconds: float = 3600.0):
        scans.stop_scans(app)
        app.config["SCAN_FLUSH_SECONDS"] = seconds
        return scans.queue_for(app)
    yield turn_on
    scans.stop_scans(app)
    app.config.pop("SCAN_FLUSH_SECONDS", None)


@pytest.fixture
def kept_pages(app):
    """Booth pages kept a minute, as when serving (the tests' default keeps none)."""
    from exhibit.visitors import booth_pages
    app.extensions.pop("exhibit.booth_pages", None)
    app.config["SCAN_PAGE_CACHE_SECONDS"] = 60
    app.config["SCAN_PAGE_CHECK_SECONDS"] = 3600  # changes elsewhere: looked for once
    yield booth_pages.pages_of(app)
    app.extensions.pop("exhibit.booth_pages", None)
    app.config.pop("SCAN_PAGE_CACHE_SECONDS")
    app.config.pop("SCAN_PAGE_CHECK_SECONDS")
