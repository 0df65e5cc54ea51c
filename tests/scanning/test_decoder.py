"""The bundled QR decoder (static/vendor/zxing-wasm) in Chromium, fed camera-like photos of
badges: turned about 20°, slightly out of focus, dim, grainy, as a JPEG Blob and as the
ImageData the camera loop hands it. It loads its WebAssembly from our own static files (the
page's CSP allows 'wasm-unsafe-eval' and nothing else), and nothing leaves 127.0.0.1."""
from __future__ import annotations

import pytest

from exhibit.core.tokens import new_code, normalise_code
from tests.e2e.conftest import browser, live_server  # noqa: F401  (fixtures)
from tests.scanning.browser_helpers import (
    DECODE_IN_PAGE, badge_card, jpeg_base64, phone_context, photographed, png_base64, qr_image)

pytestmark = pytest.mark.browser

WASM = "/static/vendor/zxing-wasm/zxing_reader.wasm"


@pytest.fixture
def scanner_page(live_server, browser):  # noqa: F811
    # no service worker: every request is the page's own, so the list below is complete
    context = phone_context(browser, service_workers="block")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server}/scan/")
    # the scripts are deferred, the app's last: it marks the page once it has started
    page.wait_for_selector("body[data-ready]")
    yield page
    assert not errors, errors
    context.close()


def decode(page, image, *, as_image_data=False, fmt="jpeg"):
    data = jpeg_base64(image) if fmt == "jpeg" else png_base64(image)
    return page.evaluate(DECODE_IN_PAGE, {"data": data, "type": f"image/{fmt}",
                                          "asImageData": as_image_data})


def test_rotated_blurred_badge_photos_decode_to_their_codes(scanner_page):
    page = scanner_page
    photos = []
    for angle, blur, brightness, noise in ((20, 1.2, 0.8, 30), (-18, 1.6, 0.65, 40),
                                           (23, 1.0, 1.15, 25)):
        code = new_code()
        # a printed badge holds the entrance address; the app reduces it to the code
        text = f"https://hoi-cho.example.vn/e/{code}"
        photos.append((code, text, photographed(badge_card(text), angle=angle, blur=blur,
                                                brightness=brightness, noise=noise)))
    for code, text, photo in photos:
        found = decode(page, photo)
        assert found == [text]
        assert page.evaluate("t => window.exhibitScanner.normalise(t)", found[0]) == code
        # the camera's path: a frame drawn to a canvas, read as ImageData
        assert decode(page, photo, as_image_data=True) == [text]

    # a plain code on a card (a typed-code sticker), PNG this time
    code = new_code()
    assert decode(page, photographed(qr_image(code), angle=-20, blur=0.8, brightness=0.9,
                                     noise=20), fmt="png") == [code]

    # a photo with no code in it finds none (the test can fail: the decoder does not invent)
    blank = photographed(badge_card(new_code()).crop((0, 0, 620, 280)), angle=20, blur=1.2,
                         brightness=0.8, noise=30)
    assert decode(page, blank) == []

    seen = page.context.seen
    assert any(url.endswith(WASM) for url in seen), seen
    assert seen.outside() == []


def test_the_scanner_reduces_codes_exactly_as_the_server_does(scanner_page):
    """The device hashes what it scans after normalising it: one character of difference from
    exhibit.core.tokens.normalise_code and a valid badge would read as unknown offline."""
    tricky = [
        "K7Q2-9XMD-3PLA", "  k7q2 9xmd 3pla  ", "https://hoi-cho.example.vn/e/k7q29xmd3pla",
        "https://x.vn/e/k7q29xmd3pla/", "https://x.vn/e/k7q29xmd3pla?utm=qr&x=/y",
        "https://x.vn/e/k7q29xmd3pla//", "ILO ilo 1lo", "abc/", "/", "", "????", "a?b/c",
        "\u0130stanbul", "\u212a\u212b", "ﬁle", "Ｋ７Ｑ２", "\u00a0k7q2\u00a0", "\x1ck7q2\x1f",
        "\ufeffk7q2", "abc/\x1c", "k7q2\u2028", "x" * 50, "a-b_c.d:e", "Ǆ ß ǅ", "ΣΑΣ",
        "https://x.vn/e/\u00a0ab\u3000", "tab\there", "k7q2\x85", "e\u0301", "০১২",
    ]
    got = scanner_page.evaluate("list => list.map(t => window.exhibitScanner.normalise(t))",
                                tricky)
    assert got == [normalise_code(text) for text in tricky]
