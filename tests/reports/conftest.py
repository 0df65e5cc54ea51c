"""Helpers for the report tests: signing in to the demo, and reading the figures a page shows
(every figure cell carries data-value, every row data-key)."""
from __future__ import annotations

from html.parser import HTMLParser

import pytest

DEMO_PASSWORD = "trienlam2024"
ORGANISER = "bantochuc@exhibit.demo"
BINH_THUAN, DAK_LAK = "ocop-binh-thuan-2024", "ket-noi-cung-cau-dak-lak-2024"


@pytest.fixture
def demo(demo_app):
    """The demo app with an application context open for the test."""
    with demo_app.app_context():
        yield demo_app
        from exhibit.extensions import db
        db.session.rollback()
        db.session.remove()


def sign_in(demo_app, email: str = ORGANISER):
    client = demo_app.test_client()
    response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def number(text: str):
    return float(text) if "." in text else int(text)


class FigureReader(HTMLParser):
    """{"kpis": {key: value}, "<table key>": {row key: [values of the figure cells]}}."""

    def __init__(self):
        super().__init__()
        self.figures: dict[str, dict] = {"kpis": {}}
        self.table = self.row = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "li" and "data-key" in a and "data-value" in a:
            self.figures["kpis"][a["data-key"]] = number(a["data-value"])
        elif tag == "table" and "data-table" in a:
            self.table = self.figures.setdefault(a["data-table"], {})
        elif tag == "tr" and self.table is not None and "data-key" in a:
            self.row = self.table.setdefault(a["data-key"], [])
        elif tag == "td" and self.row is not None and a.get("data-value") not in (None, ""):
            self.row.append(number(a["data-value"]))

    def handle_endtag(self, tag):
        if tag == "table":
            self.table = self.row = None
        elif tag == "tr":
            self.row = None


def read_figures(html: str) -> dict[str, dict]:
    reader = FigureReader()
    reader.feed(html)
    return reader.figures
