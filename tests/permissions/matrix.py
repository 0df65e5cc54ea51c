"""The machinery of the permission matrix: personas, outcomes, and one request per cell inside a
database transaction that is rolled back afterwards.

A *cell* is one route (with its URL filled from the world) asked by one persona about the
objects of one organisation. Personas are relative to that organisation X: ``exhibitor`` is
X's exhibitor, ``other_exhibitor`` the other organisation's, and so on.

Isolation: every cell runs on one connection with an outer transaction that is rolled back when
the cell ends. Flask-SQLAlchemy's sessions find their bind in ``db.engines``, so the cell puts
its connection there in place of the engine, and sessions join it with
``join_transaction_mode="create_savepoint"``: a service's commit (``write_transaction``) only
releases a savepoint, its rollback returns to one, and the outer rollback undoes everything.
SQLite's explicit BEGIN (``core.db.configure_engine``) runs once, for the outer transaction; the
services' BEGIN IMMEDIATE becomes a savepoint there, which is fine: nothing else writes while a
cell runs. Files a cell writes under UPLOAD_DIR stay (nothing else reads them); files it would
delete (a photo removed) are kept, since the rows pointing at them come back with the rollback.

No GET handler may write to the database (tests.conftest.reads_only): a GET cell that writes
fails as a 500.

Browsers sign in once, after the world is built and outside any cell, so their server-side
sessions are committed; each cell gets a fresh test client carrying a copy of that session
cookie (a cell that signs out or revokes its session changes neither the cookie nor, after the
rollback, the row). API personas send the bearer token the world gave them.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from unittest import mock
from urllib.parse import urlsplit

from flask import Flask
from sqlalchemy import select

from exhibit.extensions import db
from tests.conftest import reads_only
from tests.permissions.world import Account, OrgWorld, World

PERSONAS = ("anonymous", "exhibitor", "other_exhibitor", "buyer", "other_buyer",
            "entrance", "other_entrance", "organiser", "other_organiser")

#: passed the access check: 2xx/3xx other than a redirect to sign in, or 400/409/422 (input or
#: state refused); anonymous sent to sign in (HTML redirect, API 401); 403 or 404 (hidden)
OK, LOGIN, DENY = "ok", "login", "deny"
OUTCOMES = (OK, LOGIN, DENY)


def expected_outcomes(row: str) -> dict[str, str]:
    """A table row ("login ok deny …", one word per persona in PERSONAS order) as a dict."""
    words = row.split()
    assert len(words) == len(PERSONAS) and set(words) <= set(OUTCOMES), row
    return dict(zip(PERSONAS, words))


def account_for(world: World, persona: str, org: OrgWorld) -> Account | None:
    """The account playing ``persona`` for organisation ``org``'s objects (None: anonymous)."""
    if persona == "anonymous":
        return None
    owner = world.other(org) if persona.startswith("other_") else org
    return getattr(owner, persona.removeprefix("other_"))


def classify(response) -> str:
    """The outcome of a response; anything else (5xx, 405, 429…) is returned as "HTTP <status>",
    which matches no table entry."""
    status = response.status_code
    if 300 <= status < 400:
        return LOGIN if urlsplit(response.headers.get("Location", "")).path == "/login" else OK
    if status == 401:
        return LOGIN
    if status in (403, 404):
        return DENY
    if status < 300 or status in (400, 409, 422):
        return OK
    return f"HTTP {status}"


@dataclass(frozen=True)
class Target:
    """What a cell sends: the URL (with its query string) and, for writes, a form or JSON."""
    url: str
    form: dict | None = None
    json: dict | None = None

    @property
    def is_api(self) -> bool:
        return self.url.startswith("/api/")

    @property
    def path(self) -> str:
        return urlsplit(self.url).path


# -- isolation -------------------------------------------------------------------------------------

def _engines(app: Flask) -> dict:
    """The app's {bind key: engine} mapping that Flask-SQLAlchemy's sessions read their bind from."""
    with app.app_context():
        return db.engines


@contextmanager
def rolled_back(app: Flask) -> Iterator[None]:
    """Everything the requests inside write is undone when the block ends."""
    engines = _engines(app)
    engine = engines[None]
    factory = db.session.session_factory
    connection = engine.connect()
    outer = connection.begin()
    engines[None] = connection
    factory.kw["join_transaction_mode"] = "create_savepoint"
    try:
        with mock.patch("exhibit.media.storage.delete"):  # the rows come back: keep their files
            yield
    finally:
        factory.kw.pop("join_transaction_mode", None)
        engines[None] = engine
        outer.rollback()
        connection.close()


# -- the runner ------------------------------------------------------------------------------------

class Matrix:
    """One app and its world, with every account signed in; asks cells."""

    def __init__(self, app: Flask, world: World):
        self.app, self.world = app, world
        self.cookie_name = app.config["SESSION_COOKIE_NAME"]
        self.cookies: dict[int, str] = {}

    def sign_in_everyone(self) -> None:
        """A browser session for every account, and the exhibitors' session ids (the account
        page's "revoke" buttons name them)."""
        for account in self.world.accounts():
            client = self.app.test_client()
            response = client.post("/login", data={"email": account.email,
                                                   "password": account.password})
            assert response.status_code == 302, (account.email, response.status_code)
            self.cookies[account.id] = client.get_cookie(self.cookie_name).value
        with self.app.app_context():
            for org in self.world.orgs.values():
                org.exhibitor_session_id = _latest_session_id(org.exhibitor.id)

    def target(self, build, org: OrgWorld) -> Target:
        with self.app.app_context():
            return build(org)

    def browser(self, account: Account | None):
        """A fresh test client, signed in as the account (None: a guest)."""
        client = self.app.test_client()
        if account is not None:
            client.set_cookie(self.cookie_name, self.cookies[account.id])
        return client

    def ask(self, persona: str, org: OrgWorld, method: str, target: Target) -> tuple[str, str]:
        """One cell: the response's outcome and its status (or the exception the app raised,
        as the test app propagates them), the database left as it was."""
        account = account_for(self.world, persona, org)
        headers = {}
        if target.is_api and account is not None:
            headers["Authorization"] = f"Bearer {account.token}"
        client = self.browser(None if target.is_api else account)
        with rolled_back(self.app), reads_only():  # and a GET that writes answers 500
            try:
                response = client.open(target.url, method=method, headers=headers,
                                       data=target.form if method != "GET" else None,
                                       json=target.json if method != "GET" else None)
                response.get_data()  # a streamed body fails here, not after the rollback
                response.close()  # runs call_on_close work (the booth-scan count) in the cell
            except Exception as exc:  # noqa: BLE001 - a 500: reported with the other cells
                return "HTTP 500", f"{type(exc).__name__}: {exc}"[:200]
        if account is not None and response.status_code == 200 and _is_file(response) \
                and "no-store" not in response.headers.get("Cache-Control", ""):
            return "cacheable", f"a file for {persona} without Cache-Control: no-store"
        return classify(response), str(response.status_code)


def _is_file(response) -> bool:
    """Someone's file (contract, badge sheet, export…), which no shared cache may keep. Product
    photos under /media are public and cached on purpose."""
    kind = response.mimetype or ""
    if response.cache_control.public:  # the media route says so, and its matrix rows are PUBLIC
        return False
    return not kind.startswith(("text/html", "application/json", "image/")) or \
        "Content-Disposition" in response.headers


def _latest_session_id(user_id: int) -> int:
    """The newest server-side session of the user (0 before sessions were stored)."""
    table = db.metadata.tables.get("user_sessions")
    if table is None:
        return 0
    return db.session.scalar(select(table.c.id).where(table.c.user_id == user_id)
                             .order_by(table.c.id.desc())) or 0
