"""What one photo upload costs a real worker: time to answer and the worker's peak memory.

    python -m bench.uploads                      # this checkout
    python -m bench.uploads --baseline 47f24ca   # and an older commit, side by side

For each case — a 49-megapixel PNG "bomb" (7000 × 7000, one colour, ~0.2 MB on the wire), the
largest PNG (RGBA) and lossless WebP accepted (3000 × 3000), a progressive JPEG at its limit
(24 MP), and photo-like phone JPEGs of 12, 24 and 50 megapixels (a gradient with grain, about
2.5 bits a pixel, the size phones write) — a fresh gunicorn (1 worker, gthread) is started on
a new SQLite database with the default settings, an exhibitor signs up and creates a product
through the JSON API, signs in through the HTML form, and uploads the file to the product's
photo form. Printed per case: the
HTTP status, the seconds until the answer, and the worker's peak resident memory (VmHWM) before
and after. With --baseline, the same runs are made against that commit, checked out into a
temporary git worktree. Prints one JSON line per run and a table.
Goal (issue "trust boundary"): the PNG answered within ~1 s with the worker under ~300 MB; the
phone JPEGs accepted.
"""
from __future__ import annotations

import argparse
import http.cookiejar
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

from PIL import Image

from bench.server import free_port, memory_kb

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "thanhlong2024"


def _png_bomb() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (7000, 7000), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def _photo(megapixels: float, mode: str = "RGB") -> Image.Image:
    """A photo-like picture at 4:3: gradients with grain, which compresses like a photo."""
    width = int((megapixels * 1_000_000 * 4 / 3) ** 0.5)
    height = width * 3 // 4
    base = Image.merge("RGB", [Image.linear_gradient("L").resize((width, height)),
                               Image.linear_gradient("L").rotate(90).resize((width, height)),
                               Image.new("L", (width, height), 128)])
    grain = Image.effect_noise((width, height), 30).convert("RGB")
    return Image.blend(base, grain, 0.25).convert(mode)


def _saved(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def _square(side: int, mode: str) -> Image.Image:
    return _photo(side * side / 1_000_000, mode).resize((side, side))


CASES = {
    "png-49mp-bomb": _png_bomb,
    "png-rgba-3000": lambda: _saved(_square(3000, "RGBA"), "PNG"),
    "webp-lossless-3000": lambda: _saved(_square(3000, "RGBA"), "WEBP", lossless=True),
    "jpeg-progressive-24mp": lambda: _saved(_photo(24), "JPEG", quality=90, progressive=True),
    "jpeg-12mp": lambda: _saved(_photo(12), "JPEG", quality=90),
    "jpeg-24mp": lambda: _saved(_photo(24), "JPEG", quality=90),
    "jpeg-50mp": lambda: _saved(_photo(50), "JPEG", quality=90),
}


class Worker:
    """gunicorn with one gthread worker on a new SQLite database, from checkout ``root``."""

    def __init__(self, root: Path, python: str):
        self.folder = Path(tempfile.mkdtemp(prefix="bench-uploads-"))
        self.env = {**os.environ, "DATABASE_URL": f"sqlite:///{self.folder / 'db.sqlite3'}",
                    "UPLOAD_DIR": str(self.folder / "uploads"), "SECRET_KEY": "bench",
                    "EXHIBIT_ENV": "development", "PYTHONPATH": str(root)}
        self.env.pop("REDIS_URL", None)
        subprocess.run([python, "-m", "flask", "--app", "exhibit", "db", "upgrade"], cwd=root,
                       env=self.env, check=True, capture_output=True)
        self.port = free_port()
        self.process = subprocess.Popen(
            [python, "-m", "gunicorn", "--workers", "1", "--worker-class", "gthread",
             "--threads", "4", "--timeout", "120", "--bind", f"127.0.0.1:{self.port}",
             "exhibit:create_app()"], cwd=root, env=self.env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(self.base + "/login", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)

    @property
    def worker_pid(self) -> int:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        return int(children.split()[0])

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def _multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                     f"{value}\r\n".encode())
    for name, (filename, content) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                     f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
                     .encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def upload_once(worker: Worker, filename: str, content: bytes) -> dict:
    """Sign up, create a product, sign in, upload ``content`` as its photo; time the upload."""
    email = f"bench-{uuid.uuid4().hex[:8]}@example.vn"
    tax = subprocess.run([sys.executable, "-c", "from exhibit.demo.accounts import fictional_tax_code;"
                          f"print(fictional_tax_code({int(time.time()) % 100000}))"],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    body = json.dumps({"email": email, "password": PASSWORD, "business": {
        "name": "Hợp tác xã Đo tải", "legal_form": "hop_tac_xa", "tax_code": tax,
        "province_code": "68", "phone": "0912345678", "address": "Lâm Đồng",
        "representative": "Nguyễn Văn A", "representative_position": "Chủ nhiệm"}}).encode()
    request = urllib.request.Request(worker.base + "/api/v1/accounts", data=body,
                                     headers={"Content-Type": "application/json"})
    token = json.load(urllib.request.urlopen(request))["token"]
    request = urllib.request.Request(
        worker.base + "/api/v1/products", headers={"Content-Type": "application/json",
                                                    "Authorization": f"Bearer {token}"},
        data=json.dumps({"name": "Mật ong", "price_vnd": 100000, "unit": "hũ"}).encode())
    product_id = json.load(urllib.request.urlopen(request))["id"]

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login_page = opener.open(worker.base + "/login").read().decode()
    opener.open(worker.base + "/login", data=urllib.parse.urlencode(
        {"csrf_token": _csrf(login_page), "email": email, "password": PASSWORD}).encode()).read()
    edit = opener.open(f"{worker.base}/my/products/{product_id}/edit").read().decode()
    data, content_type = _multipart({"csrf_token": _csrf(edit)}, {"photos": (filename, content)})

    pid = worker.worker_pid
    before = memory_kb(pid, "VmHWM")
    request = urllib.request.Request(f"{worker.base}/my/products/{product_id}/photos", data=data,
                                     headers={"Content-Type": content_type})
    started = time.perf_counter()
    with opener.open(request) as response:
        response.read()
        final_url = response.geturl()
    seconds = time.perf_counter() - started
    page = opener.open(f"{worker.base}/my/products/{product_id}/edit").read().decode()
    accepted = "/media/photos/" in page
    return {"seconds": round(seconds, 3), "accepted": accepted, "landed": final_url[-20:],
            "worker_peak_mb_before": round(before / 1024), "worker_peak_mb_after":
            round(memory_kb(pid, "VmHWM") / 1024)}


def run(root: Path, label: str, python: str) -> list[dict]:
    rows = []
    for case, make in CASES.items():
        content = make()
        worker = Worker(root, python)
        try:
            result = upload_once(worker, f"{case}.{'png' if 'png' in case else 'jpg'}", content)
        finally:
            worker.stop()
        row = {"code": label, "case": case, "upload_kb": len(content) // 1024, **result}
        print(json.dumps(row), flush=True)
        rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", help="a commit to measure beside this checkout")
    args = parser.parse_args()
    rows = run(ROOT, "this checkout", sys.executable)
    if args.baseline:
        worktree = Path(tempfile.mkdtemp(prefix="bench-baseline-")) / "tree"
        subprocess.run(["git", "worktree", "add", "--detach", str(worktree), args.baseline],
                       cwd=ROOT, check=True, capture_output=True)
        try:
            subprocess.run([sys.executable, "-m", "babel.messages.frontend", "compile", "-d",
                            str(worktree / "exhibit/translations")], capture_output=True)
            rows += run(worktree, args.baseline, sys.executable)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=ROOT,
                           capture_output=True)
    print()
    print(f"{'code':<15} {'case':<22} {'KB':>7} {'accepted':>8} {'seconds':>8} {'peak MB':>8}")
    for r in rows:
        print(f"{r['code']:<15} {r['case']:<22} {r['upload_kb']:>7} {str(r['accepted']):>8} "
              f"{r['seconds']:>8} {r['worker_peak_mb_after']:>8}")


if __name__ == "__main__":
    main()
