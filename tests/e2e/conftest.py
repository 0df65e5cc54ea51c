"""Browser fixtures: the app served on a free port, and Debian's Chromium driven by Playwright."""
from __future__ import annotations

import threading
from contextlib import contextmanager

import pytest
from werkzeug.serving import make_server

from tests.conftest import PASSWORD, chromium_or_skip

PHONE = {"width": 390, "height": 844}


@contextmanager
def serve(app):
    """The app on a free local port, with its real forms (CSRF tokens on); yields the base URL."""
    app.config["WTF_CSRF_ENABLED"] = True
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def live_server(app):
    if app.config["DB_KIND"] != "sqlite":
        pytest.skip("the browser journey runs once, on SQLite; PostgreSQL is covered by the request tests")
    with serve(app) as url:
        yield url


@contextmanager
def chromium():
    """Debian's Chromium under Playwright, headless (skips without it, or fails under
    REQUIRE_BROWSER=1)."""
    executable = chromium_or_skip()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=executable, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield launched
        launched.close()


@pytest.fixture
def browser():
    with chromium() as launched:
        yield launched


def sign_in(context, live_server, user, password=PASSWORD):
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.fill("#email", user.email)
    page.fill("#password", password)
    page.click("form.stack button[type=submit]")
    page.wait_for_load_state()
    return page
