"""Every export of the larger generated fair, streamed: one line per record (against counts the
test makes itself), phones written as the desk shows them with every leading zero, and the
catalogue's and an exhibitor's own exports too — on SQLite and PostgreSQL."""
from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from exhibit.b2b.models import Meeting
from exhibit.badges.models import Badge
from exhibit.booking.models import Allocation, Application
from exhibit.catalogue.models import ProductListing
from exhibit.demo.accounts import DEMO_PASSWORD
from exhibit.documents.models import Document, Payment
from exhibit.extensions import db
from exhibit.visitors.models import Lead
from exhibit.vn.phones import format_phone

#: each export and the records it has a line for
RECORDS = {
    "exhibitors": (Application, {}), "products": (ProductListing, {}),
    "allocations": (Allocation, {}), "visitors": (Badge, {"kind": "visitor"}),
    "leads": (Lead, {}), "meetings": (Meeting, {}), "documents": (Document, {}),
    "payments": (Payment, {}),
}


def _count(model, week_id: int, **where) -> int:
    query = select(func.count()).select_from(model).where(model.week_id == week_id)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return db.session.scalar(query)


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200 and response.is_streamed
    assert response.headers["Cache-Control"] == "private, no-store"
    content = response.get_data()
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _xlsx(response):
    assert response.status_code == 200 and response.is_streamed
    assert response.headers["Cache-Control"] == "private, no-store"
    content = response.get_data()
    assert int(response.headers["Content-Length"]) == len(content)
    return load_workbook(io.BytesIO(content), read_only=True).active


@pytest.mark.parametrize("name", RECORDS)
def test_every_export_of_a_large_week_has_one_line_per_record(fairs, name):
    model, where = RECORDS[name]
    week = fairs.large
    with fairs.app.app_context():
        expected = _count(model, week.id, **where)
        assert expected > 0
        client = fairs.organiser_client()
        table = _csv(client.get(f"/organiser/weeks/{week.slug}/exports/{name}.csv"))
        assert len(table) == expected + 1
        sheet = _xlsx(client.get(f"/organiser/weeks/{week.slug}/exports/{name}.xlsx"))
        rows = list(sheet.iter_rows(values_only=True))
        assert len(rows) == expected + 1
        assert list(rows[0]) == table[0]


def test_visitor_phones_keep_their_leading_zero(fairs):
    week = fairs.large
    with fairs.app.app_context():
        phones = sorted(format_phone(p) for p in db.session.scalars(
            select(Badge.phone).where(Badge.week_id == week.id, Badge.kind == "visitor")))
        table = _csv(fairs.organiser_client().get(
            f"/organiser/weeks/{week.slug}/exports/visitors.csv"))
    written = sorted(row[1] for row in table[1:])
    assert all(phone.startswith("\t0") for phone in written)
    assert [phone[1:] for phone in written] == phones


def test_catalogue_and_exhibitor_exports_stream_every_row(fairs):
    from exhibit.accounts.models import User
    week = fairs.large
    with fairs.app.app_context():
        listings = _count(ProductListing, week.id)
        client = fairs.organiser_client()
        assert len(_csv(client.get(f"/organiser/weeks/{week.slug}/products.csv"))) == listings + 1
        sheet = _xlsx(client.get(f"/organiser/weeks/{week.slug}/products.xlsx"))
        assert sum(1 for _row in sheet.iter_rows()) == listings + 1

        business_id, leads = db.session.execute(
            select(Lead.business_id, func.count()).where(Lead.week_id == week.id)
            .group_by(Lead.business_id).order_by(func.count().desc()).limit(1)).one()
        email = db.session.scalar(select(User.email).where(User.business_id == business_id)
                                  .order_by(User.id).limit(1))
        exhibitor = fairs.app.test_client()
        assert exhibitor.post("/login", data={"email": email, "password": DEMO_PASSWORD}).status_code == 302
        everyone = db.session.scalar(select(func.count()).select_from(Lead)
                                     .where(Lead.business_id == business_id))
        assert len(_csv(exhibitor.get("/my/leads/export.csv"))) == everyone + 1
        sheet = _xlsx(exhibitor.get(f"/my/leads/export.xlsx?week={week.id}"))
        assert sum(1 for _row in sheet.iter_rows()) == leads + 1
