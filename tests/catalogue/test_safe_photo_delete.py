"""Deleting a product photo and archiving a product go through a confirmation that names what
happens; the product page has no duplicate element ids."""
from __future__ import annotations

import io

from exhibit.catalogue import services
from exhibit.catalogue.models import ProductPhoto
from exhibit.extensions import db
from tests.booking.test_safe_release import duplicate_ids
from tests.catalogue.conftest import photo_bytes, product_data
from tests.conftest import login as sign_in


def login(client, user):
    user.locale = "en"
    db.session.commit()
    return sign_in(client, user)


def test_deleting_a_photo_is_confirmed_and_says_what_happened(client, exhibitor_in_week):
    product = services.create_product(actor=exhibitor_in_week,
                                      data=product_data(name="Nước mắm cá cơm 40 độ đạm"))
    login(client, exhibitor_in_week)
    client.post(f"/my/products/{product.id}/photos", data={"photos": [
        (io.BytesIO(photo_bytes()), "a.jpg"),
        (io.BytesIO(photo_bytes(color=(0, 90, 0))), "b.jpg")]},
        content_type="multipart/form-data")
    page = client.get(f"/my/products/{product.id}/edit").get_data(as_text=True)
    assert page.count('class="confirm-action"') == 2
    assert "Photo 2 of Nước mắm cá cơm 40 độ đạm is deleted for good" in page
    assert duplicate_ids(page) == {}
    first = db.session.query(ProductPhoto).order_by(ProductPhoto.position).first()
    done = client.post(f"/my/photos/{first.id}/delete", follow_redirects=True)
    assert "Photo deleted from Nước mắm cá cơm 40 độ đạm." in done.get_data(as_text=True)
    assert db.session.query(ProductPhoto).count() == 1


def test_archiving_is_confirmed(client, exhibitor_in_week):
    services.create_product(actor=exhibitor_in_week, data=product_data(name="Mắm tôm chua Huế"))
    login(client, exhibitor_in_week)
    page = client.get("/my/products").get_data(as_text=True)
    assert "Mắm tôm chua Huế leaves every catalogue and booth page" in page
    assert "data-confirm=" not in page  # no script dialog: the panel says it
