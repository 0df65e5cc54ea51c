"""The catalogue through HTTP: exhibitor pages, the organiser's review, the public catalogue,
photos and permissions — on SQLite and PostgreSQL."""
from __future__ import annotations

import io
from pathlib import Path

from exhibit.catalogue import services
from exhibit.catalogue.models import Product, ProductListing, ProductPhoto
from exhibit.extensions import db
from tests.catalogue.conftest import photo_bytes, product_data
from tests.conftest import login


def _upload(client, product_id, *files):
    data = {"photos": [(io.BytesIO(content), name) for name, content in files]}
    return client.post(f"/my/products/{product_id}/photos", data=data,
                       content_type="multipart/form-data")


def test_exhibitor_adds_a_product_through_the_form(client, exhibitor_in_week):
    login(client, exhibitor_in_week)
    response = client.post("/my/products/new", data={
        "name": "Thanh long ruột đỏ sấy dẻo", "price_vnd": "45.000", "unit": "túi",
        "origin_province": "legacy63:60", "ocop_group": "qd148:thuc_pham", "ocop_set": "7",
        "stars": "3", "cert_decision_number": "120/QĐ-UBND", "cert_decision_date": "2024-05-06",
        "cert_issuer_level": "district", "cert_issuer_name": "UBND huyện Hàm Thuận Nam",
        "standards": "VietGAP"})
    assert response.status_code == 302
    product = db.session.query(Product).one()
    assert (product.price_vnd, product.ocop_set, product.stars) == (45000, 7, 3)
    page = client.get(f"/my/products/{product.id}/edit").get_data(as_text=True)
    assert "Thanh long ruột đỏ sấy dẻo" in page and "06/05/2027" in page  # valid until


def test_form_errors_show_on_their_fields(client, exhibitor_in_week):
    login(client, exhibitor_in_week)
    response = client.post("/my/products/new", data={"name": "", "price_vnd": "abc", "unit": "",
                                                     "stars": "4", "barcode": "123"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.count('class="error"') >= 5
    assert db.session.query(Product).count() == 0


def test_photos_are_checked_resized_stripped_and_served(client, app, exhibitor_in_week):
    product = services.create_product(actor=exhibitor_in_week, data=product_data())
    login(client, exhibitor_in_week)
    exif = b"Exif\x00\x00II*\x00\x08\x00\x00\x00\x01\x00\x0f\x01\x02\x00\x06\x00\x00\x00\x1a\x00\x00\x00\x00\x00\x00\x00Canon\x00"
    big = photo_bytes("JPEG", size=(3000, 2000), exif=exif)
    response = _upload(client, product.id, ("mam.jpg", big), ("mam.png", photo_bytes("PNG")))
    assert response.status_code == 302
    photos = db.session.query(ProductPhoto).order_by(ProductPhoto.position).all()
    assert len(photos) == 2 and (photos[0].width, photos[0].height) == (1600, 1067)
    with client.get(f"/media/{photos[0].key}") as served:  # a file body: closed once read
        assert served.status_code == 200 and served.mimetype == "image/jpeg"
        assert "immutable" in served.headers["Cache-Control"] and "max-age=31536000" in served.headers["Cache-Control"]
        assert b"Exif" not in served.data and b"Canon" not in served.data
    with client.get(f"/media/{photos[0].thumb_key}") as thumb:
        assert thumb.status_code == 200
    assert client.get("/media/scans/ab/abcdefghijklmnopqrstuv.pdf").status_code == 404
    assert client.get("/media/../config.py").status_code == 404


def _stored_files(app) -> list[Path]:
    root = Path(app.config["UPLOAD_DIR"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_bad_uploads_are_refused_and_leave_nothing(client, app, exhibitor_in_week, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))
    product = services.create_product(actor=exhibitor_in_week, data=product_data())
    login(client, exhibitor_in_week)
    good = photo_bytes()
    bomb = photo_bytes("PNG", size=(12000, 12000), color=(0, 0, 0))  # 144 megapixels, tiny file
    cases = [("notes.jpg", b"this is not a picture"), ("anh.gif", _gif()), ("bomb.png", bomb),
             ("cut.jpg", good[: len(good) // 2])]
    for name, content in cases:
        response = _upload(client, product.id, ("ok.jpg", good), (name, content))
        assert response.status_code == 302
        follow = client.get(response.headers["Location"]).get_data(as_text=True)
        assert name in follow, name  # the message names the bad file
    assert db.session.query(ProductPhoto).count() == 0
    assert _stored_files(app) == []
    monkeypatch.setitem(app.config, "PHOTO_MAX_BYTES", 1000)
    follow = client.get(_upload(client, product.id, ("big.jpg", good)).headers["Location"])
    assert "big.jpg" in follow.get_data(as_text=True)
    assert db.session.query(ProductPhoto).count() == 0 and _stored_files(app) == []


def _gif() -> bytes:
    from PIL import Image
    out = io.BytesIO()
    Image.new("P", (10, 10)).save(out, "GIF")
    return out.getvalue()


def test_at_most_six_photos(client, exhibitor_in_week):
    product = services.create_product(actor=exhibitor_in_week, data=product_data())
    login(client, exhibitor_in_week)
    _upload(client, product.id, *[(f"{i}.jpg", photo_bytes(color=(i * 30, 0, 0))) for i in range(5)])
    _upload(client, product.id, ("a.jpg", photo_bytes()), ("b.jpg", photo_bytes()))
    assert db.session.query(ProductPhoto).count() == 5
    _upload(client, product.id, ("a.jpg", photo_bytes()))
    assert db.session.query(ProductPhoto).count() == 6


def test_photo_cover_and_delete(client, app, exhibitor_in_week, make_exhibitor):
    product = services.create_product(actor=exhibitor_in_week, data=product_data())
    login(client, exhibitor_in_week)
    _upload(client, product.id, ("a.jpg", photo_bytes()), ("b.jpg", photo_bytes(color=(0, 90, 0))))
    first, second = db.session.query(ProductPhoto).order_by(ProductPhoto.position).all()
    client.post(f"/my/photos/{second.id}/cover")
    db.session.expire_all()
    assert db.session.get(ProductPhoto, second.id).position == 0
    # another business cannot touch the photo
    other = make_exhibitor("Cơ sở Khác")
    client.post("/logout")
    login(client, other)
    assert client.post(f"/my/photos/{first.id}/delete").status_code == 404
    client.post("/logout")
    login(client, exhibitor_in_week)
    path = Path(app.config["UPLOAD_DIR"]) / first.key
    assert path.exists()
    client.post(f"/my/photos/{first.id}/delete")
    assert db.session.query(ProductPhoto).count() == 1 and not path.exists()


def test_certificate_scan_is_private(client, exhibitor_in_week, make_exhibitor, organiser, open_week):
    product = services.create_product(actor=exhibitor_in_week, data=product_data())
    login(client, exhibitor_in_week)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    client.post(f"/my/products/{product.id}/scan", data={"cert_scan": (io.BytesIO(pdf), "qd.pdf")},
                content_type="multipart/form-data")
    db.session.expire_all()
    assert db.session.get(Product, product.id).cert_scan_key.endswith(".pdf")
    assert client.get(f"/products/{product.id}/certificate-scan").data == pdf
    client.post("/logout")
    assert client.get(f"/products/{product.id}/certificate-scan").status_code == 404
    login(client, make_exhibitor("Cơ sở Khác"))
    assert client.get(f"/products/{product.id}/certificate-scan").status_code == 404
    client.post("/logout")
    services.set_week_products(actor=exhibitor_in_week, week=open_week, selections={product.id: None})
    login(client, organiser)
    assert client.get(f"/products/{product.id}/certificate-scan").status_code == 200


def test_no_exhibitor_reads_or_changes_another_business_products(client, exhibitor_in_week, make_exhibitor, open_week):
    product = services.create_product(actor=exhibitor_in_week, data=product_data())
    services.set_week_products(actor=exhibitor_in_week, week=open_week, selections={product.id: None})
    other = make_exhibitor("Cơ sở Khác")
    login(client, other)
    assert client.get(f"/my/products/{product.id}/edit").status_code == 404
    assert client.post(f"/my/products/{product.id}/edit", data=product_data(price_vnd="1")).status_code == 404
    assert client.post(f"/my/products/{product.id}/archive").status_code == 404
    assert client.post(f"/my/products/{product.id}/photos", data={}).status_code == 404
    assert product_data()["name"] not in client.get("/my/products").get_data(as_text=True)
    # pending at the week: not public, not visible to other exhibitors
    assert client.get(f"/weeks/{open_week.slug}/products/{product.id}").status_code == 404
    assert client.get(f"/weeks/{open_week.slug}/products?q=nuoc+mam").get_data(as_text=True).count("data-product=") == 0
    client.post("/logout")
    assert client.get(f"/weeks/{open_week.slug}/products/{product.id}").status_code == 404
    db.session.expire_all()
    assert db.session.get(Product, product.id).price_vnd == 85000
    # its owner sees it, marked as not public
    login(client, exhibitor_in_week)
    page = client.get(f"/weeks/{open_week.slug}/products/{product.id}")
    assert page.status_code == 200 and "flash warning" in page.get_data(as_text=True)


def test_choosing_products_for_a_week_and_organiser_review(client, exhibitor_in_week, organiser, open_week):
    from exhibit.booking.services import confirm_allocation, hold_booth
    from exhibit.floorplan.services import get_booth
    product = services.create_product(actor=exhibitor_in_week, data=product_data())
    allocation = hold_booth(actor=exhibitor_in_week, week=open_week, booth=get_booth(open_week, "A03"))
    login(client, exhibitor_in_week)
    refused = client.post(f"/my/weeks/{open_week.slug}/products",  # a mere hold names no booth
                          data={"product": [str(product.id)], f"booth_{product.id}": str(allocation.booth_id)})
    assert refused.status_code == 200 and db.session.query(ProductListing).count() == 0
    confirm_allocation(actor=organiser, allocation=allocation)
    response = client.post(f"/my/weeks/{open_week.slug}/products",
                           data={"product": [str(product.id)], f"booth_{product.id}": str(allocation.booth_id)})
    assert response.status_code == 302
    listing = db.session.query(ProductListing).one()
    assert (listing.status, listing.booth_id) == ("pending", allocation.booth_id)
    client.post("/logout")
    login(client, organiser)
    review = client.get(f"/organiser/weeks/{open_week.slug}/products").get_data(as_text=True)
    assert f'data-listing="{listing.id}" data-status="pending" data-cert="valid"' in review
    client.post(f"/organiser/weeks/{open_week.slug}/listings/{listing.id}/review",
                data={"decision": "rejected", "reason": ""})
    db.session.expire_all()
    assert db.session.get(ProductListing, listing.id).status == "pending"  # a reason is required
    client.post(f"/organiser/weeks/{open_week.slug}/listings/{listing.id}/review", data={"decision": "approved"})
    db.session.expire_all()
    assert db.session.get(ProductListing, listing.id).status == "approved"
    client.post("/logout")
    catalogue = client.get(f"/weeks/{open_week.slug}/products?q=NUOC+MAM").get_data(as_text=True)
    assert f'data-product="{product.id}"' in catalogue and "A03" in catalogue
    assert client.get(f"/weeks/{open_week.slug}/products/{product.id}").status_code == 200
    exhibitor_page = client.get(f"/weeks/{open_week.slug}/exhibitors/{exhibitor_in_week.business_id}")
    assert f'data-product="{product.id}"' in exhibitor_page.get_data(as_text=True)


def test_another_organiser_cannot_review(client, listed_product, open_week):
    from exhibit.accounts.services import create_organiser_user
    stranger = create_organiser_user(email="khac@so.example", password="thanhlong2024",
                                     organizer_name="Sở Công Thương khác", organizer_short_name="SCT")
    login(client, stranger)
    assert client.get(f"/organiser/weeks/{open_week.slug}/products").status_code == 403
    listing = db.session.query(ProductListing).one()
    assert client.post(f"/organiser/weeks/{open_week.slug}/listings/{listing.id}/review",
                       data={"decision": "rejected", "reason": "x"}).status_code == 403


def test_catalogue_pages_paginate_and_filter(client, exhibitor_in_week, organiser, open_week):
    ids = [services.create_product(actor=exhibitor_in_week, data=product_data(
        name=f"Hạt điều rang muối số {i:02d}", price_vnd=100000 + i, stars=None,
        cert_decision_number="", cert_decision_date="", cert_issuer_level="", cert_issuer_name="")).id
        for i in range(30)]
    services.set_week_products(actor=exhibitor_in_week, week=open_week, selections={i: None for i in ids})
    services.approve_pending(actor=organiser, week=open_week, business_id=exhibitor_in_week.business_id)
    first = client.get(f"/weeks/{open_week.slug}/products?q=hat+dieu").get_data(as_text=True)
    second = client.get(f"/weeks/{open_week.slug}/products?q=hat+dieu&page=2").get_data(as_text=True)
    assert first.count("data-product=") == 24 and second.count("data-product=") == 6
    assert 'rel="next"' in first and "q=hat+dieu" in first
    bad = client.get(f"/weeks/{open_week.slug}/products?stars=9")
    assert bad.status_code == 200 and "flash error" in bad.get_data(as_text=True)
    assert client.get(f"/weeks/{open_week.slug}/products?price_max=100004").get_data(as_text=True).count("data-product=") == 5


def test_the_review_pages_through_businesses(client, monkeypatch, organiser, open_week,
                                             confirmed_exhibitor):
    """At fair size (2,500 exhibitors) one page of every listing was 14 MB: the review shows a
    page of businesses at a time, every listing of each one, with its filter kept."""
    from exhibit.catalogue import views
    monkeypatch.setattr(views, "REVIEW_PAGE_SIZE", 2)
    listings = []
    for n in range(5):
        user = confirmed_exhibitor(f"Cơ sở Thử số {n}")
        product = services.create_product(actor=user, data=product_data(name=f"Sản phẩm {n}"))
        services.set_week_products(actor=user, week=open_week, selections={product.id: None})
        listings.append(services.business_listings(user.business_id, open_week)[product.id].id)
    login(client, organiser)
    seen, page, pages = [], 1, []
    while True:
        html = client.get(f"/organiser/weeks/{open_week.slug}/products?status=pending&page={page}") \
            .get_data(as_text=True)
        found = [i for i in listings if f'data-listing="{i}"' in html]
        pages.append(len(found))
        seen += found
        if 'rel="next"' not in html:
            break
        assert "status=pending" in html.split('rel="next"')[1].split(">")[0]
        page += 1
    assert pages == [2, 2, 1] and sorted(seen) == sorted(listings)
