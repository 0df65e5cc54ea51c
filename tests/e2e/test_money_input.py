"""static/js/money-input.js in Chromium: an <input data-money> groups thousands while typing
("12.500.000" in Vietnamese, "12,500,000" in English) and the form sends the plain number;
what is not a whole amount is left as typed, for the server to explain."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "static" / "js" / "money-input.js"
PAGE = """<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>t</title>
<script src="/money-input.js" defer></script></head><body>
<form method="post" action="/save"><label>Giá <input id="price" name="price_vnd" data-money></label>
<input id="note" name="note"><button id="send">Lưu</button></form></body></html>"""


@pytest.fixture
def form_page(browser):
    """Open the form in ``lang``; returns (page, sent), ``sent`` the posted fields."""
    pages, sent = [], []

    def open_page(lang="vi"):
        page = browser.new_page()
        pages.append(page)

        def answer(route):
            request = route.request
            if request.url.endswith("/money-input.js"):
                route.fulfill(body=SCRIPT.read_text(), content_type="text/javascript")
            elif request.url.endswith("/save"):
                sent.append({k: v[0] for k, v in parse_qs(request.post_data or "").items()})
                route.fulfill(body="<!doctype html><title>ok</title>saved",
                              content_type="text/html")
            else:
                route.fulfill(body=PAGE.format(lang=lang), content_type="text/html")

        page.route("http://money.test/**", answer)
        page.goto("http://money.test/form")
        return page, sent

    yield open_page
    for page in pages:
        page.close()


def test_vietnamese_dots_while_typing_and_a_plain_number_sent(form_page):
    page, sent = form_page("vi")
    page.click("#price")
    page.keyboard.type("12500000")
    assert page.input_value("#price") == "12.500.000"
    with page.expect_navigation():
        page.click("#send")
    assert sent == [{"price_vnd": "12500000"}]


def test_english_commas_and_editing_in_the_middle_keeps_the_caret(form_page):
    page, sent = form_page("en")
    page.click("#price")
    page.keyboard.type("1250000")
    assert page.input_value("#price") == "1,250,000"
    for _ in range(5):  # the caret after "1,25"
        page.keyboard.press("ArrowLeft")
    page.keyboard.type("9")
    assert page.input_value("#price") == "12,590,000"
    page.keyboard.type("9")
    assert page.input_value("#price") == "125,990,000"
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")
    assert page.input_value("#price") == "1,250,000"
    with page.expect_navigation():
        page.click("#send")
    assert sent == [{"price_vnd": "1250000"}]


def test_what_is_not_a_whole_amount_is_sent_as_typed(form_page):
    page, sent = form_page("vi")
    page.click("#price")
    page.keyboard.type("2,5")
    assert page.input_value("#price") == "2,5"
    with page.expect_navigation():
        page.click("#send")
    assert sent == [{"price_vnd": "2,5"}]
