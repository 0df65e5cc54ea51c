"""What the scanner app's browser tests share: a phone-sized Chromium context that records every
request it makes (the app must never reach beyond our own server), and camera-like images of
badges made with qrcode and Pillow."""
from __future__ import annotations

import base64
import io
import json
import random
from urllib.parse import urlsplit

import qrcode
from playwright.sync_api import expect
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter

from tests.e2e.conftest import PHONE


class Requests(list):
    """Every address the context asked for (pages, workers, fetches)."""

    def outside(self) -> list[str]:
        return [url for url in self if urlsplit(url).scheme in ("http", "https", "ws", "wss")
                and urlsplit(url).hostname != "127.0.0.1"]


def phone_context(browser, **options):
    """A phone's browser (390 px wide, touch) whose requests are listed in ``context.seen``."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, **options)
    seen = Requests()
    context.on("request", lambda request: seen.append(request.url))
    context.seen = seen
    return context


# -- camera-like images ------------------------------------------------------------------------

def qr_image(text: str, box: int = 8) -> Image.Image:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box, border=4)
    qr.add_data(text)
    qr.make(fit=True)
    return qr.make_image(fill_color="black", back_color="white").convert("RGB")


def badge_card(text: str, name: str = "Nguyễn Thị Thu Hường") -> Image.Image:
    """A printed A6-like badge: a coloured band, the holder's name and the entrance QR."""
    card = Image.new("RGB", (620, 880), "white")
    draw = ImageDraw.Draw(card)
    draw.rectangle((0, 0, 620, 120), fill=(11, 110, 79))
    draw.text((30, 40), "KHACH THAM QUAN", fill="white")
    draw.text((30, 160), name.encode("ascii", "replace").decode(), fill="black")
    draw.text((30, 200), "Cua hang Que Nha", fill=(80, 80, 80))
    code = qr_image(text, box=9)
    card.paste(code, ((620 - code.width) // 2, 300))
    return card


def photographed(card: Image.Image, *, angle: float, blur: float, brightness: float,
                 noise: float, seed: int = 7) -> Image.Image:
    """The card as a phone camera sees it on a table: turned by ``angle`` degrees, slightly out
    of focus, darker or brighter, with sensor noise."""
    table = Image.new("RGB", (card.width + 400, card.height + 300), (120, 105, 90))
    table.paste(card, (200, 150))
    turned = table.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=(120, 105, 90))
    soft = turned.filter(ImageFilter.GaussianBlur(blur))
    lit = ImageEnhance.Brightness(soft).enhance(brightness)
    lit = ImageEnhance.Contrast(lit).enhance(0.85)
    random.seed(seed)
    grain = Image.effect_noise(lit.size, noise).convert("RGB")
    return Image.blend(lit, grain, 0.12)


def jpeg_base64(image: Image.Image, quality: int = 72) -> str:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return base64.b64encode(buffer.getvalue()).decode()


def png_base64(image: Image.Image) -> str:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return base64.b64encode(buffer.getvalue()).decode()


#: runs in the page: the image (base64) as a Blob, or drawn to a canvas and read back as
#: ImageData (what the camera loop hands the decoder), through window.exhibitScanner.decodeImage
DECODE_IN_PAGE = """async ({data, type, asImageData}) => {
  const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
  const blob = new Blob([bytes], {type});
  if (!asImageData) return await window.exhibitScanner.decodeImage(blob);
  const bitmap = await createImageBitmap(blob);
  const canvas = document.createElement("canvas");
  canvas.width = bitmap.width; canvas.height = bitmap.height;
  const context = canvas.getContext("2d");
  context.drawImage(bitmap, 0, 0);
  return await window.exhibitScanner.decodeImage(
    context.getImageData(0, 0, canvas.width, canvas.height));
}"""


# -- the app on a phone -------------------------------------------------------------------------

#: runs in the page: the snapshot the device keeps in IndexedDB (store.js, "meta"/"snapshot")
READ_SNAPSHOT = """() => new Promise((resolve, reject) => {
  const opening = indexedDB.open("exhibit-scanner");
  opening.onerror = () => reject(opening.error);
  opening.onsuccess = () => {
    const read = opening.result.transaction("meta").objectStore("meta").get("snapshot");
    read.onsuccess = () => resolve(read.result);
    read.onerror = () => reject(read.error);
  };
})"""


#: runs in the page: one value of the device's "meta" store (store.js), by name
READ_META = """(name) => new Promise((resolve, reject) => {
  const opening = indexedDB.open("exhibit-scanner");
  opening.onerror = () => reject(opening.error);
  opening.onsuccess = () => {
    const read = opening.result.transaction("meta").objectStore("meta").get(name);
    read.onsuccess = () => resolve(read.result === undefined ? null : read.result);
    read.onerror = () => reject(read.error);
  };
})"""

#: runs in the page: every scan record the device keeps, oldest first
READ_SCANS = """() => new Promise((resolve, reject) => {
  const opening = indexedDB.open("exhibit-scanner");
  opening.onerror = () => reject(opening.error);
  opening.onsuccess = () => {
    const read = opening.result.transaction("scans").objectStore("scans").index("seq").getAll();
    read.onsuccess = () => resolve(read.result);
    read.onerror = () => reject(read.error);
  };
})"""


def messages(page) -> dict:
    """The app's sentences in the page's language (the JSON the server renders into it)."""
    return json.loads(page.locator("#scanner-messages").text_content())


def watched_page(context):
    """A new page whose script errors are collected in ``context.page_errors``."""
    page = context.new_page()
    context.page_errors = getattr(context, "page_errors", [])
    page.on("pageerror", lambda error: context.page_errors.append(str(error)))
    return page


def pair_in_browser(context, live_server: str, code: str, page=None):
    """Opens the pairing QR's address on the phone, as its camera app would: the scanner pairs,
    opens, and downloads its snapshot; returns the page, ready to scan. ``page``: one already
    prepared (a fake clock, routes), else a new one."""
    page = page or watched_page(context)
    page.goto(f"{live_server}/scan/pair#{code}")
    page.wait_for_url(f"{live_server}/scan/")
    page.wait_for_selector("body[data-ready='1'][data-snapshot='loaded']")
    return page


def scan_typed(page, text: str, count_after: int):
    """Types a code into the scanner and waits until the scan is in the device's list."""
    page.fill("#code", text)
    page.press("#code", "Enter")
    # (no wait_for_function: its polling evaluates strings, which the page's CSP forbids)
    expect(page.locator("#scans li")).to_have_count(count_after)
    result = page.locator("#result")
    return {"status": result.get_attribute("data-status"),
            "reason": result.get_attribute("data-reason"), "text": result.inner_text()}
