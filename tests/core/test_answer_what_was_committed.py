"""A success stays a success when the database connection dies right after the commit: the
response is built from the values the unit of work committed, never by reading them back.

The hook makes every statement after the request's first commit fail, as if the server had
gone away (a failover, a restart, a dropped connection)."""
from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from exhibit.booking.models import Allocation
from exhibit.catalogue.models import Product
from exhibit.extensions import db
from tests.conftest import PASSWORD, bearer, business_data, login


@contextmanager
def database_dies_after_commit(app):
    """Until the block ends: once a session commits something it wrote, every later statement
    raises."""
    state = {"wrote": False, "dead": False, "statements_refused": 0}

    def _wrote(_session, _context):
        state["wrote"] = True

    def _died(_session):
        state["dead"] = state["wrote"]

    def _refuse(conn, cursor, statement, parameters, context, executemany):
        if state["dead"]:
            state["statements_refused"] += 1
            raise OperationalError(statement, parameters, Exception("server closed the connection"))

    with app.app_context():
        engine = db.engine
    event.listen(Session, "after_flush", _wrote)
    event.listen(Session, "after_commit", _died)
    event.listen(engine, "before_cursor_execute", _refuse)
    try:
        yield state
    finally:
        event.remove(Session, "after_flush", _wrote)
        event.remove(Session, "after_commit", _died)
        event.remove(engine, "before_cursor_execute", _refuse)


def _count(model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def test_api_hold_answers_201_with_what_was_stored(app, client, open_week, make_exhibitor):
    from exhibit.booking.services import apply_to_week
    user = make_exhibitor()
    apply_to_week(actor=user, week=open_week, data={})
    auth, slug = bearer(app, user), open_week.slug
    db.session.remove()
    with database_dies_after_commit(app) as state:
        response = client.post(f"/api/v1/weeks/{slug}/booths/A03/hold", headers=auth)
    assert state["dead"]
    assert response.status_code == 201, response.get_data(as_text=True)[:300]
    stored = db.session.scalar(select(Allocation))
    assert response.json == {"hold_id": stored.id, "booth": "A03",
                             "expires_at": stored.expires_at.isoformat()}


def test_html_hold_redirects_after_the_commit(app, client, open_week, make_exhibitor):
    from exhibit.booking.services import apply_to_week
    user = make_exhibitor()
    apply_to_week(actor=user, week=open_week, data={})
    login(client, user)
    slug = open_week.slug
    db.session.remove()
    with database_dies_after_commit(app) as state:
        response = client.post(f"/weeks/{slug}/booths/A02/hold")
    assert response.status_code == 302 and response.headers["Location"].endswith("/my")
    assert state["dead"] and _count(Allocation) == 1


def test_api_product_and_account_creation_answer_after_the_commit(app, client, make_exhibitor):
    user = make_exhibitor()
    auth = bearer(app, user)
    db.session.remove()
    with database_dies_after_commit(app):
        created = client.post("/api/v1/products", headers=auth,
                              json={"name": "Nước mắm cá cơm", "price_vnd": 85000, "unit": "chai"})
    assert created.status_code == 201, created.get_data(as_text=True)[:300]
    assert created.json["name"] == "Nước mắm cá cơm" and created.json["photos"] == []
    assert _count(Product) == 1
    db.session.remove()
    with database_dies_after_commit(app):
        account = client.post("/api/v1/accounts", json={
            "email": "moi@example.vn", "password": PASSWORD, "business": business_data()})
    assert account.status_code == 201, account.get_data(as_text=True)[:300]
    db.session.rollback()
    from exhibit.accounts.services import live_token
    assert live_token(account.json["token"]).user.email == "moi@example.vn"


@pytest.fixture(autouse=True)
def _fresh_session(app):
    yield
    db.session.remove()
