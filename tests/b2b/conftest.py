"""Builders for B2B tests: buyers and a scheduled session, through the real services."""
from __future__ import annotations

import uuid
from datetime import time

import pytest

#: the password of every buyer account new_buyer makes
BUYER_PASSWORD = "Xk9#mua-Coop-2024"


def new_buyer(week, **overrides):
    from exhibit.b2b import services
    from tests.conftest import business_data
    data = {"kind": "supermarket", "contact_name": "Lê Thu Hà", "contact_phone": "0908 123 456",
            "consent": True,
            "need": {"product_group": "thuc_pham", "description": "Thanh long, cà phê",
                     "min_stars": "3", "monthly_volume": "2 tấn/tháng"}}
    data.update(overrides)
    buyer, _user = services.register_buyer(
        week=week, data=data,
        # a fresh address each time: id(data) was reused once a dict was freed, so two buyers
        # of one test could get the same email (the flake seen now and then in tests/documents)
        account={"email": f"thumua-{uuid.uuid4().hex[:10]}@coop.example",
                 "password": BUYER_PASSWORD},
        business=business_data(name="Liên hiệp HTX Thương mại Thử nghiệm", legal_form="hop_tac_xa"))
    return buyer


def add_supplier(confirmed_exhibitor, organiser, week, name, *products):
    """An exhibitor with a confirmed booth and these approved products (product_data overrides)."""
    from exhibit.catalogue import services as catalogue
    from tests.catalogue.conftest import product_data
    user = confirmed_exhibitor(name)
    made = [catalogue.create_product(actor=user, data=product_data(**p)) for p in products]
    catalogue.set_week_products(actor=user, week=week, selections={p.id: None for p in made})
    for listing in catalogue.business_listings(user.business_id, week).values():
        catalogue.review_listing(actor=organiser, listing=listing, decision="approved")
    return user


@pytest.fixture
def b2b_session(app, organiser, open_week, confirmed_exhibitor):
    """One buyer with accepted meetings with six suppliers, one slot and six tables."""
    from exhibit.b2b import services
    users = [confirmed_exhibitor() for _ in range(6)]
    buyer = new_buyer(open_week)
    meetings = [services.request_meeting(actor=organiser, week=open_week, buyer_id=buyer.id,
                                         supplier_id=u.business_id) for u in users]
    [slot] = services.add_slots(actor=organiser, week=open_week, day=open_week.start_date,
                                start=time(9, 0), minutes=20, count=1)
    tables = services.add_tables(actor=organiser, week=open_week, count=6)
    return open_week, buyer, meetings, slot, tables


@pytest.fixture
def fair(organiser, open_week, confirmed_exhibitor):
    """Three buyers, four suppliers, three slots, two tables."""
    from exhibit.b2b import services
    buyers = [new_buyer(open_week) for _ in range(3)]
    suppliers = [confirmed_exhibitor() for _ in range(4)]
    slots = services.add_slots(actor=organiser, week=open_week, day=open_week.start_date,
                               start=time(9, 0), minutes=20, count=3)
    tables = services.add_tables(actor=organiser, week=open_week, count=2)
    return open_week, buyers, suppliers, slots, tables
