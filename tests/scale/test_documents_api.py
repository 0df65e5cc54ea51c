"""The API's list of a week's documents, a page at a time, filtered as the organiser's page is:
every page together is every matching document once, the total is a count the test makes
itself, and a wrong filter is a 422 naming it (SQLite and PostgreSQL)."""
from __future__ import annotations

from sqlalchemy import func, select

from exhibit.accounts.models import User
from exhibit.documents.models import Document
from exhibit.extensions import db
from tests.conftest import bearer
from tests.scale.conftest import ORGANISER
from tests.querycount import queries_of


def _organiser_headers(fairs) -> dict:
    return bearer(fairs.app, db.session.scalar(select(User).where(User.email == ORGANISER)))


def test_pages_cover_every_document_once(fairs):
    with fairs.app.app_context():
        client, headers = fairs.app.test_client(), _organiser_headers(fairs)
        week = fairs.large
        expected = db.session.scalars(select(Document.id).where(
            Document.week_id == week.id, Document.kind == "contract")).all()
        seen, page = [], 1
        while True:
            answer = client.get(f"/api/v1/weeks/{week.slug}/documents?kind=contract&per_page=7"
                                f"&page={page}", headers=headers)
            assert answer.status_code == 200, answer.get_json()
            body = answer.get_json()
            assert body["total"] == len(expected) and body["per_page"] == 7
            assert len(body["items"]) <= 7 and {d["kind"] for d in body["items"]} <= {"contract"}
            seen += [d["id"] for d in body["items"]]
            if len(seen) >= body["total"] or not body["items"]:
                break
            page += 1
        assert sorted(seen) == sorted(expected) and len(seen) == len(set(seen)) > 7


def test_status_filter_and_default_page(fairs):
    with fairs.app.app_context():
        client, headers = fairs.app.test_client(), _organiser_headers(fairs)
        week = fairs.large
        drafts = db.session.scalar(select(func.count()).select_from(Document).where(
            Document.week_id == week.id, Document.status == "draft"))
        body = client.get(f"/api/v1/weeks/{week.slug}/documents?status=draft",
                          headers=headers).get_json()
        assert body["total"] == drafts and body["page"] == 1 and body["per_page"] == 100
        assert {d["status"] for d in body["items"]} <= {"draft"}
        assert len(body["items"]) == min(100, drafts)


def test_wrong_filters_are_named(fairs):
    with fairs.app.app_context():
        client, headers = fairs.app.test_client(), _organiser_headers(fairs)
        answer = client.get(f"/api/v1/weeks/{fairs.large.slug}/documents?kind=invoice&per_page=0",
                            headers=headers)
        assert answer.status_code == 422
        assert set(answer.get_json()["fields"]) == {"kind", "per_page"}


def test_queries_do_not_grow(fairs):
    with fairs.app.app_context():
        client, headers = fairs.app.test_client(), _organiser_headers(fairs)
        client.environ_base["HTTP_AUTHORIZATION"] = headers["Authorization"]
        counts = [len(queries_of(client, f"/api/v1/weeks/{week.slug}/documents")[1])
                  for week in (fairs.small, fairs.large)]
        assert counts[0] == counts[1]
