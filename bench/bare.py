"""The bare baseline of bench/scan.py: a Flask app with one Jinja page shaped like the visitor's
booth page (templates/visitors/scan.html inside base.html: a header with links and two small
forms, the booth's title and contacts, a small inline SVG, a list of products each with a
picture, a link and a save form, and a contact form), filled from memory — no database, no
session, no extension. ``BARE_PAGE_BYTES`` (environment) sets how many bytes a page should
weigh: the products listed are as many as it takes, so the baseline weighs what the real page
weighs.

    gunicorn --worker-class gthread --threads 8 --workers 2 'bench.bare:create_app()'
"""
from __future__ import annotations

import os
import zlib

from flask import Flask, render_template
from jinja2 import DictLoader

PAGE = """<!doctype html>
<html lang="vi">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Gian hàng {{ booth.code }} · exhibit</title>
  <link rel="icon" type="image/svg+xml" href="{{ url_for('static', filename='img/favicon.svg') }}">
  <link rel="stylesheet" href="{{ url_for('static', filename='css/app.css') }}">
</head>
<body>
<header class="site">
  <a class="brand" href="{{ url_for('page', token='home') }}">exhibit<span> · Hội chợ &amp; OCOP</span></a>
  <nav>
    <a href="{{ url_for('page', token='login') }}">Đăng nhập</a>
    <a class="button small" href="{{ url_for('page', token='signup') }}">Đăng ký doanh nghiệp</a>
    <form method="post" action="{{ url_for('page', token='language') }}" class="inline lang">
      <input type="hidden" name="csrf_token" value="{{ form_token }}">
      <button class="link" name="locale" value="en" lang="en">English</button>
    </form>
  </nav>
</header>
<main>
<section class="scan" data-booth="{{ booth.code }}">
  <p class="meta">{{ booth.week }}</p>
  <h1><span class="booth-code">Gian hàng {{ booth.code }}</span> · {{ booth.business }}</h1>
  <p class="contacts">
    <a class="button small" href="tel:{{ booth.phone }}">☎ {{ booth.phone }}</a>
    <a class="button small secondary" href="mailto:{{ booth.email }}">{{ booth.email }}</a>
  </p>
  <p class="meta">{{ booth.address }}</p>
  <details class="mini-plan"><summary>Ở đâu? {{ booth.hall }}</summary>{{ booth.plan|safe }}</details>
  <h2>Sản phẩm <small class="meta">({{ products|length }})</small></h2>
  <ul class="scan-products">
  {% for p in products %}
    <li id="p-{{ p.id }}" data-product="{{ p.id }}">
      <img src="{{ url_for('page', token='media-' ~ p.id) }}" alt="" loading="lazy" width="96" height="72">
      <div>
        <a href="{{ url_for('page', token='product-' ~ p.id) }}"><b>{{ p.name }}</b></a>
        <span class="meta">{{ "★" * p.stars }} <b>{{ p.price }}</b> / {{ p.unit }}</span>
      </div>
      <form method="post" action="{{ url_for('page', token='save-' ~ p.id) }}">
        <input type="hidden" name="csrf_token" value="{{ form_token }}">
        <button class="link" title="Lưu vào danh sách yêu thích" data-saved="0">♡ Lưu</button>
      </form>
    </li>
  {% endfor %}
  </ul>
  <h2 id="contact">Để lại liên hệ cho đơn vị trưng bày</h2>
  <form method="post" action="{{ url_for('page', token='contact') }}#contact" class="stack">
    <input type="hidden" name="csrf_token" value="{{ form_token }}">
    {% for name, label in fields %}
    <div class="field"><label for="{{ name }}">{{ label }}</label>
      <input id="{{ name }}" name="{{ name }}" type="text" value=""></div>
    {% endfor %}
    <div class="field"><label><input id="consent" name="consent" type="checkbox" value="y"> {{ consent }}</label></div>
    <button type="submit">Gửi liên hệ của tôi</button>
  </form>
</section>
</main>
<footer class="site">exhibit · Hội chợ thương mại và tuần lễ OCOP Việt Nam</footer>
</body>
</html>
"""

FIELDS = [("full_name", "Họ và tên"), ("phone", "Số điện thoại"),
          ("email", "Email (không bắt buộc)"), ("organisation", "Đơn vị (không bắt buộc)"),
          ("message", "Lời nhắn (không bắt buộc)")]
CONSENT = ("Tôi đồng ý để đơn vị trưng bày này nhận họ tên, số điện thoại, email và lời nhắn của "
           "tôi để liên hệ về sản phẩm. Ban tổ chức chỉ lưu các thông tin này cho tuần lễ này.")
PLAN = ('<svg class="plan near" viewBox="0 0 408 408" role="img" aria-label="Nhà A" '
        'xmlns="http://www.w3.org/2000/svg"><rect class="hall" x="0" y="0" width="1896" '
        'height="720"/>' + "".join(
            f'<g class="booth st-available" data-code="A01-{n:02d}" data-status="available">'
            f'<title>A01-{n:02d}</title><rect x="{n * 72 + 1.5}" y="49.5" width="69" height="69" '
            f'rx="3"/><text x="{n * 72 + 36}" y="84" font-size="16" text-anchor="middle" '
            f'dominant-baseline="central">A01-{n:02d}</text></g>' for n in range(12)) + "</svg>")


def _booths(count: int = 300) -> list[dict]:
    return [{"code": f"A{n // 25 + 1:02d}-{n % 25 + 1:02d}", "hall": "Nhà A",
             "week": "Hội chợ Mùa Thu 2025", "business": f"Hợp tác xã Nông sản Sạch số {n}",
             "phone": "0912 345 678", "email": f"lienhe{n}@htx.example.vn",
             "address": f"Số {n} đường Lê Lợi, phường Bến Thành · Thành phố Hồ Chí Minh",
             "plan": PLAN} for n in range(count)]


def _products(count: int) -> list[dict]:
    return [{"id": 1000 + n, "name": f"Cà phê rang xay Buôn Ma Thuột hộp quà {n}", "stars": 4,
             "price": f"{90 + n:d}.000 ₫", "unit": "hộp"} for n in range(count)]


def create_app() -> Flask:
    app = Flask(__name__, static_folder=None)
    app.jinja_loader = DictLoader({"scan.html": PAGE})  # compiled once, as Flask's templates are
    booths = _booths()
    wanted = int(os.environ.get("BARE_PAGE_BYTES") or 10_000)

    @app.route("/static/<path:filename>", endpoint="static")
    def static_file(filename):
        return ""

    def render(booth: dict, products: list[dict]) -> str:
        return render_template("scan.html", booth=booth, products=products, fields=FIELDS,
                                      consent=CONSENT, form_token="b" * 91)

    @app.route("/b/<token>", endpoint="page")
    def page(token):
        booth = booths[zlib.crc32(token.encode()) % len(booths)]
        return render(booth, app.config["PRODUCTS"])

    @app.route("/login")
    def login():
        return "ok"

    # as many products as make the page weigh what the real one does
    with app.test_request_context():
        products = []
        while len(render(booths[0], products).encode()) < wanted and len(products) < 500:
            products = _products(len(products) + 1)
        app.config["PRODUCTS"] = products
        app.config["PAGE_BYTES"] = len(render(booths[0], products).encode())
    return app
