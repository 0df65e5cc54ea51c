"""Uploads are bounded before they cost anything: PNG bombs refused from their header, phone
JPEGs decoded at a reduced size, oversized bodies answered 413, uploaded PDFs never opened inside
the site, spreadsheets parsed without entity expansion. (bench/uploads.py measures the time and
memory a real worker spends.)"""
from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from exhibit.catalogue import services
from exhibit.media import images
from tests.catalogue.conftest import photo_bytes, product_data
from tests.conftest import bearer, login


def _jpeg(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (180, 120, 40)).save(out, "JPEG", quality=80)
    return out.getvalue()


def test_a_49_megapixel_png_is_refused_from_its_header(app):
    bomb = photo_bytes("PNG", size=(7000, 7000), color=(200, 30, 30))
    assert len(bomb) < 500_000  # small on the wire, 196 MB once decoded as RGBA
    with app.test_request_context():
        with pytest.raises(images.ValidationFailed) as refused:
            images.process_photo(bomb, max_bytes=10 * 1024 * 1024)
    assert "3000" in refused.value.fields["photo"]


def test_a_24_megapixel_phone_jpeg_is_decoded_small_and_accepted(app):
    photo = _jpeg(6000, 4000)
    with app.test_request_context():
        decoded = images.open_image(photo, field="photo", max_bytes=20 * 1024 * 1024,
                                    longest_side=images.DISPLAY_SIZE)
        assert decoded.size == (3000, 2000)  # libjpeg decoded a quarter of the pixels (draft mode)
        assert max(decoded.size) >= images.DISPLAY_SIZE
        processed = images.process_photo(photo, max_bytes=20 * 1024 * 1024)
    assert (processed.width, processed.height) == (1600, 1067)


def test_an_oversized_body_answers_413_on_pages_and_api(app, client, make_exhibitor):
    user = make_exhibitor()
    product = services.create_product(actor=user, data=product_data())
    login(client, user)
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    try:
        # encoded here, in memory: the test client would spool a body this size to a
        # temporary file that it never closes
        boundary, body = encode_multipart(MultiDict({"photos": FileStorage(
            io.BytesIO(b"\xff\xd8" + b"0" * (2 * 1024 * 1024)), "big.jpg")}))
        page = client.post(f"/my/products/{product.id}/photos", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
        assert page.status_code == 413 and "text/html" in page.content_type
        api = client.post("/api/v1/products", headers=bearer(app, user),
                          data=b"{" + b" " * (2 * 1024 * 1024) + b"}",
                          content_type="application/json")
        assert api.status_code == 413 and api.json["error"] == "payload_too_large"
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 50 * 1024 * 1024
    assert services.get_own_product(user, product.id).photos == []


def test_uploaded_pdfs_are_saved_never_shown_in_the_site(client, make_exhibitor):
    user = make_exhibitor()
    product = services.create_product(actor=user, data=product_data())
    login(client, user)
    pdf = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj\n"
           b"trailer<</Root 1 0 R>>\n%%EOF\n")
    client.post(f"/my/products/{product.id}/scan", content_type="multipart/form-data",
                data={"cert_scan": (io.BytesIO(pdf), "qd.pdf")})
    response = client.get(f"/products/{product.id}/certificate-scan")
    assert response.data == pdf
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Content-Security-Policy"].startswith("sandbox")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    client.post(f"/my/products/{product.id}/scan", content_type="multipart/form-data",
                data={"cert_scan": (io.BytesIO(photo_bytes()), "qd.jpg")})
    photo = client.get(f"/products/{product.id}/certificate-scan")
    assert photo.mimetype == "image/jpeg" and photo.headers["Content-Disposition"].startswith("inline;")
    assert photo.headers["Content-Security-Policy"].startswith("sandbox")


def _xlsx_with_entities() -> bytes:
    """A workbook whose sheet declares entities and uses one in cell A1 — the shape of the
    "billion laughs" attack, kept small enough that Python's own XML parser would expand it
    (it refuses the full-size attack by itself), so only defusedxml can refuse it here."""
    from openpyxl import Workbook
    plain = io.BytesIO()
    workbook = Workbook()
    workbook.active["A1"] = "PLACEHOLDER"
    workbook.save(plain)
    laughs = "".join(f'<!ENTITY l{n} "{"&l%d;" % (n - 1) * 10}">' for n in range(1, 4))
    doctype = f'<!DOCTYPE worksheet [<!ENTITY l0 "ha">{laughs}]>'
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain.getvalue())) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = doctype + data.decode().replace("PLACEHOLDER", "&l3;")
                data = text.encode()
            target.writestr(item, data)
    return out.getvalue()


def test_spreadsheets_are_parsed_without_entity_expansion(app):
    import openpyxl.xml

    from exhibit.core.errors import ValidationFailed
    from exhibit.core.spreadsheets import read_table
    assert openpyxl.xml.DEFUSEDXML  # defusedxml is installed, so openpyxl uses it
    with app.test_request_context():
        with pytest.raises(ValidationFailed):
            read_table("laughs.xlsx", _xlsx_with_entities())


def test_a_108_megapixel_phone_jpeg_is_accepted(app):
    """Full-resolution photos of 108 and 200 MP phones are JPEGs decoded at an eighth of their
    size; Pillow's own bomb warning (89 MP by default) must not refuse them."""
    out = io.BytesIO()
    Image.new("L", (12000, 9000), 128).save(out, "JPEG", quality=80)
    with app.test_request_context():
        processed = images.process_photo(out.getvalue(), max_bytes=20 * 1024 * 1024)
    assert (processed.width, processed.height) == (1600, 1200)


def test_a_large_progressive_jpeg_is_refused_from_its_header(app):
    """A progressive JPEG keeps every coefficient in memory while decoding, draft or not."""
    out = io.BytesIO()
    Image.new("RGB", (6000, 4500), (90, 120, 30)).save(out, "JPEG", progressive=True)
    with app.test_request_context():
        with pytest.raises(images.ValidationFailed) as refused:
            images.process_photo(out.getvalue(), max_bytes=20 * 1024 * 1024)
    assert "progressive" in refused.value.fields["photo"].lower() \
        or "lũy tiến" in refused.value.fields["photo"].lower()


def test_a_sideways_phone_photo_comes_out_upright_without_its_exif(app):
    photo = Image.new("RGB", (4000, 3000), (200, 30, 30))
    photo.paste((20, 20, 200), (0, 0, 4000, 500))  # a blue band along the top of the sensor
    exif = Image.Exif()
    exif[0x0112] = 6  # the phone was held upright: turn 90° clockwise to view
    out = io.BytesIO()
    photo.save(out, "JPEG", exif=exif.tobytes())
    with app.test_request_context():
        processed = images.process_photo(out.getvalue(), max_bytes=20 * 1024 * 1024)
    shown = Image.open(io.BytesIO(processed.display))
    assert shown.size == (1200, 1600)
    assert shown.getpixel((shown.width - 5, 5))[2] > 150  # the band is now on the right
    assert dict(shown.getexif()) == {}
