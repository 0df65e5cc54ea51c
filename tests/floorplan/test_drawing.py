"""The venue's drawing under a hall: SVG made harmless, a PDF's first page rendered, PNG and
JPEG re-encoded, checked by content; calibrated by two points and a distance; served to the
plan's <image> with the uploads' sandboxing policy."""
from __future__ import annotations

import io

import pytest
from PIL import Image
from reportlab.lib.pagesizes import A3, landscape
from reportlab.pdfgen import canvas

from exhibit.core.errors import ValidationFailed
from exhibit.extensions import db
from exhibit.floorplan import drawing
from exhibit.floorplan.models import Hall
from exhibit.floorplan.services import save_booth
from tests.conftest import PASSWORD, login

EVIL_SVG = b"""<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     viewBox="0 0 1200 800" onload="alert(1)">
  <script>alert(document.cookie)</script>
  <rect x="10" y="10" width="100" height="50" fill="#eee" onclick="steal()"/>
  <a xlink:href="javascript:alert(2)"><text x="5" y="20">Hall B</text></a>
  <image href="https://tracker.example/x.png" width="10" height="10"/>
  <foreignObject width="100" height="100"><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>
  <rect style="fill: url(https://tracker.example/y)" width="1" height="1"/>
  <use href="#keep"/>
</svg>"""


def _png(width=1600, height=900) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (250, 250, 250)).save(out, "PNG")
    return out.getvalue()


def _pdf() -> bytes:
    out = io.BytesIO()
    sheet = canvas.Canvas(out, pagesize=landscape(A3))
    sheet.rect(50, 50, 1000, 700)
    sheet.drawString(60, 60, "SECC Hall B")
    sheet.showPage()
    sheet.drawString(60, 60, "page two")
    sheet.save()
    return out.getvalue()


def _hall(open_week) -> Hall:
    return open_week.halls[0]


def _upload(client, week, hall, content, name):
    return client.post(f"/organiser/weeks/{week.slug}/halls/{hall.id}/drawing",
                       data={"drawing": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def test_an_svg_is_stripped_of_anything_that_runs_and_served_sandboxed(client, organiser,
                                                                       open_week):
    login(client, organiser)
    hall = _hall(open_week)
    response = _upload(client, open_week, hall, EVIL_SVG, "hall-b.png")  # the name is ignored
    assert response.status_code == 302
    hall = db.session.get(Hall, hall.id)
    assert (hall.drawing_kind, hall.drawing_width_px, hall.drawing_height_px) == ("svg", 1200, 800)
    assert hall.drawing_px_per_m is None and hall.drawing_key.endswith(".svg")
    stored = drawing.path_for(hall.drawing_key).read_bytes()
    for bad in (b"<script", b"onload", b"onclick", b"javascript:", b"tracker.example",
                b"foreignObject"):
        assert bad not in stored, bad
    assert b'href="#keep"' in stored and b"Hall B" in stored
    name = hall.drawing_key.rsplit("/", 1)[-1]
    served = client.get(f"/weeks/{open_week.slug}/halls/{hall.id}/drawing/{name}")
    assert served.status_code == 200 and served.mimetype == "image/svg+xml"
    assert served.headers["Content-Security-Policy"].startswith("sandbox")
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    served.close()
    assert client.get(f"/weeks/{open_week.slug}/halls/{hall.id}/drawing/x{name}").status_code == 404


def test_a_pdf_first_page_becomes_a_png_and_a_jpeg_is_kept_as_jpeg(client, organiser, open_week):
    login(client, organiser)
    hall = _hall(open_week)
    assert _upload(client, open_week, hall, _pdf(), "plan.pdf").status_code == 302
    hall = db.session.get(Hall, hall.id)
    assert hall.drawing_kind == "pdf" and hall.drawing_key.endswith(".png")
    assert hall.drawing_width_px == drawing.MAX_SIDE and 2800 < hall.drawing_height_px < 2850
    first = hall.drawing_key
    out = io.BytesIO()
    Image.new("RGB", (1200, 800), (200, 200, 200)).save(out, "JPEG")
    assert _upload(client, open_week, hall, out.getvalue(), "plan.jpg").status_code == 302
    hall = db.session.get(Hall, hall.id)
    assert hall.drawing_kind == "jpeg" and (hall.drawing_width_px, hall.drawing_height_px) == (1200, 800)
    assert not drawing.path_for(first).exists()  # the drawing it replaced is gone


@pytest.mark.parametrize("content, words", [
    (b"", "empty"),
    (b"%PDF-1.7\nnot really\n%%EOF", "cannot be read"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'><rect/></svg>", "size"),
    (b"<?xml version='1.0'?><!DOCTYPE svg [<!ENTITY a 'aaaa'>]><svg/>", "entities"),
    (b"GIF89a....", "photo"),
])
def test_what_is_not_a_drawing_is_refused_by_its_content(app, organiser, open_week, content, words):
    from flask_babel import force_locale
    with force_locale("en"), pytest.raises(ValidationFailed) as refused:
        drawing.upload_drawing(actor=organiser, week=open_week, hall=_hall(open_week),
                               content=content, filename="x.svg")
    assert "drawing" in refused.value.fields and words in refused.value.fields["drawing"]
    assert db.session.get(Hall, _hall(open_week).id).drawing_key == ""


def test_calibration_sets_the_scale_and_the_hall_takes_the_drawing_size(client, organiser,
                                                                         open_week):
    hall = _hall(open_week)
    drawing.upload_drawing(actor=organiser, week=open_week, hall=hall, content=_png(1600, 900))
    login(client, organiser)
    page = client.get(f"/organiser/weeks/{open_week.slug}/halls/{hall.id}/drawing").text
    assert "plan-drawing.js" in page and 'viewBox="0 0 1600 900"' in page
    plan = client.get(f"/weeks/{open_week.slug}/plan").text
    assert 'class="drawing"' not in plan  # not under the booths until calibrated
    # 500 pixels are 20 m: 25 px a metre, so the drawing is 64 × 36 m
    response = client.post(f"/organiser/weeks/{open_week.slug}/halls/{hall.id}/drawing/calibrate",
                           data={"x1": "100", "y1": "100", "x2": "600", "y2": "100",
                                 "distance_m": "20", "size_from_drawing": "y"})
    assert response.status_code == 302
    hall = db.session.get(Hall, hall.id)
    assert hall.drawing_px_per_m == 25 and (hall.width_m, hall.depth_m) == (64, 36)
    plan = client.get(f"/weeks/{open_week.slug}/plan").text
    assert 'class="drawing"' in plan and 'width="1536" height="864"' in plan  # 24 units a metre
    # too small for the booths: refused, nothing changed
    save_booth(actor=organiser, week=open_week, hall_id=hall.id,
               data={"code": "Z01", "price_vnd": 0, "x_m": "60", "y_m": "30"})
    response = client.post(f"/organiser/weeks/{open_week.slug}/halls/{hall.id}/drawing/calibrate",
                           data={"x1": "0", "y1": "0", "x2": "1000", "y2": "0",
                                 "distance_m": "10", "size_from_drawing": "y"})
    assert response.status_code == 422 and "Z01" in response.text
    assert db.session.get(Hall, hall.id).drawing_px_per_m == 25
    # points too close, no distance: field errors
    response = client.post(f"/organiser/weeks/{open_week.slug}/halls/{hall.id}/drawing/calibrate",
                           data={"x1": "1", "y1": "1", "x2": "2", "y2": "2", "distance_m": ""})
    assert response.status_code == 422


def test_only_the_week_organisers_upload_and_drafts_stay_private(client, app, organiser, open_week):
    from exhibit.accounts.services import create_organiser_user
    other = create_organiser_user(email="khac@btc.example", password=PASSWORD,
                                  organizer_name="Sở Công Thương khác",
                                  organizer_short_name="SCT")
    hall = _hall(open_week)
    login(client, other)
    assert _upload(client, open_week, hall, _png(), "x.png").status_code == 403
    assert client.post(f"/organiser/weeks/{open_week.slug}/halls/{hall.id}/drawing/calibrate",
                       data={"x1": "0", "y1": "0", "x2": "100", "y2": "0",
                             "distance_m": "5"}).status_code == 403
    assert db.session.get(Hall, hall.id).drawing_key == ""
