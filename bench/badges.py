"""Badge printing speed and memory: N badges into one A4 8-up PDF.

    python -m bench.badges                 # 2,000 badges
    python -m bench.badges --count 10000 --kind visitor

Renders N staff (or visitor) badges with the real renderer — Be Vietnam Pro, long Vietnamese
names, a QR code per badge (two on visitor badges) — into one PDF file, then does the same with
a naive reference: for each badge, qrcode's default encoder (automatic mask choice) makes a PNG
that is drawn with ``drawImage``. Every QR code of the fast PDF is then decoded (pdftoppm +
zxing-cpp) and compared with what was encoded. Prints one JSON line.
Goal: ≥ 1,000 badges/s in one process and ≥ 10× the naive reference.
"""
from __future__ import annotations

import argparse
import io
import json
import resource
import subprocess
import tempfile
import time
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader

from exhibit.badges.render import BadgeFace, render_sheet
from exhibit.core.tokens import grouped, new_code
from exhibit.pdf import fonts
from exhibit.pdf.sheets import LAYOUTS, new_canvas, render_cards

NAMES = ["Nguyễn Thị Thu Hường", "Tôn Nữ Hoàng Phương Nguyễn Thị Ngọc Diễm Hạnh",
         "Trần Văn An", "Lê Đức Thắng", "Phạm Ngọc Quyên", "Huỳnh Bảo Châu"]
BASE = "https://hoicho.example.vn"


def faces(count: int, kind: str, urls: list[str] | None = None):
    for n in range(count):
        code = new_code()
        url = f"{BASE}/e/{code}"
        if urls is not None:
            urls.append(url)
        contact = f"{BASE}/c/{new_code()}" if kind == "visitor" else ""
        if contact and urls is not None:
            urls.append(contact)
        yield BadgeFace(
            kind=kind, band="ĐƠN VỊ TRƯNG BÀY" if kind == "staff" else "KHÁCH THAM QUAN",
            week_name="Tuần lễ triển lãm sản phẩm đặc trưng, sản phẩm OCOP tỉnh Bình Thuận "
                      "năm 2024",
            full_name=NAMES[n % len(NAMES)], position="Nhân viên bán hàng",
            organisation="Hợp tác xã Nông nghiệp Dịch vụ Thanh Long Hàm Thuận Nam",
            booths="Gian hàng A01, A02" if kind == "staff" else "", entry_url=url,
            entry_code=grouped(code), entry_label="Lối vào", contact_url=contact,
            contact_label="Đơn vị trưng bày quét mã này để nhận thông tin liên hệ của bạn"
            if contact else "")


def naive_card(canvas, face: BadgeFace, x, y, w, h) -> None:
    """The obvious way: a PNG per code from qrcode's defaults, drawn as an image, every text
    drawn per badge."""
    import qrcode
    canvas.rect(x + 1, y + 1, w - 2, h - 2)
    canvas.setFont(fonts.BOLD, 11)
    canvas.drawString(x + 4 * mm, y + h - 7 * mm, face.band)
    canvas.setFont(fonts.REGULAR, 6.5)
    canvas.drawString(x + 4 * mm, y + h - 14 * mm, face.week_name[:60])
    canvas.setFont(fonts.BOLD, 13)
    canvas.drawString(x + 4 * mm, y + h - 24 * mm, face.full_name[:30])
    canvas.setFont(fonts.REGULAR, 8)
    canvas.drawString(x + 4 * mm, y + h - 29 * mm, face.position)
    canvas.drawString(x + 4 * mm, y + h - 33 * mm, face.organisation[:50])
    for url, size, qx, qy in ((face.entry_url, 29 * mm, x + w - 33 * mm, y + h - 43 * mm),
                              (face.contact_url, 17 * mm, x + 4 * mm, y + 4 * mm)):
        if not url:
            continue
        png = io.BytesIO()
        qrcode.make(url).save(png)
        png.seek(0)
        canvas.drawImage(ImageReader(png), qx, qy, size, size)


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def decode_all(pdf: Path, expected: list[str]) -> dict:
    import zxingcpp
    from PIL import Image
    found = []
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["pdftoppm", "-png", "-r", "150", str(pdf), f"{folder}/p"], check=True)
        for png in sorted(Path(folder).glob("p-*.png")):
            with Image.open(png) as image:
                found += [c.text for c in zxingcpp.read_barcodes(
                    image, formats=zxingcpp.BarcodeFormat.QRCode)]
    return {"qr_expected": len(expected), "qr_decoded": len(found),
            "all_decoded": sorted(found) == sorted(expected)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--kind", choices=("staff", "visitor"), default="staff")
    parser.add_argument("--naive-count", type=int, default=None,
                        help="badges for the naive reference (default: count, at most 500)")
    parser.add_argument("--no-decode", action="store_true", help="skip decoding the QR codes")
    args = parser.parse_args()
    fonts.register()
    with tempfile.TemporaryDirectory() as folder:
        fast_pdf = Path(folder) / "fast.pdf"
        urls: list[str] = []
        start = time.perf_counter()
        render_sheet(fast_pdf, faces(args.count, args.kind, urls), layout_key="a4-8")
        fast_s = time.perf_counter() - start
        fast_rss = peak_rss_mb()
        naive_count = args.naive_count or min(args.count, 500)
        layout = LAYOUTS["a4-8"]
        canvas = new_canvas(str(Path(folder) / "naive.pdf"), layout, title="naive")
        start = time.perf_counter()
        render_cards(canvas, layout, faces(naive_count, args.kind), naive_card)
        canvas.save()
        naive_s = time.perf_counter() - start
        result = {
            "count": args.count, "kind": args.kind, "layout": "a4-8",
            "seconds": round(fast_s, 3), "badges_per_s": round(args.count / fast_s),
            "peak_rss_mb": fast_rss, "pdf_mb": round(fast_pdf.stat().st_size / 2**20, 2),
            "naive_count": naive_count,
            "naive_badges_per_s": round(naive_count / naive_s),
            "naive_peak_rss_mb": peak_rss_mb(),
            "speedup": round((args.count / fast_s) / (naive_count / naive_s), 1),
        }
        if not args.no_decode:
            result.update(decode_all(fast_pdf, urls))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
