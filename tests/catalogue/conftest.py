"""Builders for catalogue tests: products through the real services, photos made by Pillow."""
from __future__ import annotations

import io
import pytest
from PIL import Image


def product_data(**overrides) -> dict:
    data = {"name": "Nước mắm cá cơm Phan Thiết 40 độ đạm", "price_vnd": 85000, "unit": "chai",
            "net_quantity": "Chai 500 ml", "origin_province": "legacy63:60",
            "ocop_group": "thuc_pham", "ocop_set": 9, "stars": 4,
            "cert_decision_number": "4894/QĐ-UBND", "cert_decision_date": "2024-11-12",
            "cert_issuer_level": "province", "cert_issuer_name": "UBND tỉnh Bình Thuận"}
    data.update(overrides)
    return data


def photo_bytes(fmt: str = "JPEG", size=(900, 600), color=(200, 40, 60), **save_args) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt, **save_args)
    return out.getvalue()


@pytest.fixture
def exhibitor_in_week(make_exhibitor, open_week):
    """An exhibitor that has applied to the open week."""
    from exhibit.booking.services import apply_to_week
    user = make_exhibitor("Công ty TNHH Nước mắm Thử nghiệm")
    apply_to_week(actor=user, week=open_week, data={"booth_count": 1})
    return user


@pytest.fixture
def listed_product(exhibitor_in_week, open_week, organiser):
    """An approved product of ``exhibitor_in_week`` at the open week."""
    from exhibit.catalogue import services
    product = services.create_product(actor=exhibitor_in_week, data=product_data())
    services.set_week_products(actor=exhibitor_in_week, week=open_week, selections={product.id: None})
    listing = services.business_listings(exhibitor_in_week.business_id, open_week)[product.id]
    services.review_listing(actor=organiser, listing=listing, decision="approved")
    return product
