"""PUBLIC_BASE_URL follows the port the app is run on: `make run PORT=5100` prints QR codes that
point at port 5100 unless PUBLIC_BASE_URL is given, and the app says once in its log when the
address it is reached at disagrees with PUBLIC_BASE_URL."""
from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from flask import Flask

from config import public_base_url
from exhibit.core import base_url

ROOT = Path(__file__).resolve().parents[2]


def _make_run(*args: str, env: dict | None = None) -> str:
    """The command line `make run` would start the app with (dry run: nothing is run)."""
    if not shutil.which("make"):
        pytest.skip("make is not installed")
    environ = {k: v for k, v in os.environ.items() if k != "PUBLIC_BASE_URL"}
    result = subprocess.run(["make", "-n", "run", *args], cwd=ROOT, env={**environ, **(env or {})},
                            capture_output=True, text=True, check=True, timeout=60)
    return next(line for line in result.stdout.splitlines() if "flask run" in line)


def _given_url(command: str) -> str:
    return re.search(r"PUBLIC_BASE_URL='([^']*)'", command).group(1)


def test_make_run_on_port_5100_prints_codes_for_port_5100(app):
    command = _make_run("PORT=5100")
    assert "--port 5100" in command
    url = _given_url(command)
    assert url == "http://127.0.0.1:5100"
    # the app started with that environment prints QR codes pointing at port 5100
    configured = public_base_url({"PUBLIC_BASE_URL": url})
    from exhibit.badges.services import entry_url
    from exhibit.core.links import public_url
    old = app.config["PUBLIC_BASE_URL"]
    app.config["PUBLIC_BASE_URL"] = configured
    try:
        assert entry_url("k7q29xmd3pla") == "http://127.0.0.1:5100/e/k7q29xmd3pla"
        assert public_url("visitors.scan", token="k7q29xmd3pla").startswith(
            "http://127.0.0.1:5100/")
    finally:
        app.config["PUBLIC_BASE_URL"] = old


def test_a_given_public_base_url_wins_over_the_port():
    assert _given_url(_make_run("PORT=5100", env={"PUBLIC_BASE_URL": "https://hoicho.example.vn"})) \
        == "https://hoicho.example.vn"
    assert _given_url(_make_run("PORT=5100", "PUBLIC_BASE_URL=https://a.example")) == "https://a.example"
    assert _given_url(_make_run()) == "http://127.0.0.1:5000"  # make run as before


def test_the_setting_without_make():
    assert public_base_url({}) == "http://127.0.0.1:5000"
    assert public_base_url({"FLASK_RUN_PORT": "8000"}) == "http://127.0.0.1:8000"
    assert public_base_url({"PUBLIC_BASE_URL": "https://x.example/", "FLASK_RUN_PORT": "8000"}) \
        == "https://x.example"
    assert public_base_url({"PUBLIC_BASE_URL": " "}) == "http://127.0.0.1:5000"


@pytest.mark.parametrize("public, served", [
    ("http://127.0.0.1:5000", "http://127.0.0.1:5000/"),
    ("http://localhost:5000", "http://127.0.0.1:5000/"),  # the same machine either way
    ("https://hoicho.example.vn", "https://hoicho.example.vn/"),
    ("https://hoicho.example.vn", "https://HOICHO.example.vn:443/"),
])
def test_addresses_that_agree(public, served):
    assert base_url.disagreement(public, served) is None


@pytest.mark.parametrize("public, served", [
    ("http://127.0.0.1:5000", "http://127.0.0.1:8000/"),
    ("http://127.0.0.1:5000", "http://192.168.1.20:5000/"),
    ("https://hoicho.example.vn", "http://hoicho.example.vn/"),
])
def test_addresses_that_disagree(public, served):
    message = base_url.disagreement(public, served)
    assert message and public in message and served.rstrip("/") in message


def _tiny_app(public: str) -> Flask:
    app = Flask(__name__)
    app.config["PUBLIC_BASE_URL"] = public
    base_url.init_app(app)
    app.add_url_rule("/", "home", lambda: "ok")
    return app


def test_the_app_warns_once_when_served_elsewhere(caplog):
    app = _tiny_app("http://127.0.0.1:5000")
    client = app.test_client()
    with caplog.at_level(logging.WARNING, logger=app.logger.name):
        for _ in range(3):
            assert client.get("/", base_url="http://127.0.0.1:8000").status_code == 200
    warnings = [r for r in caplog.records if "PUBLIC_BASE_URL" in r.getMessage()]
    assert len(warnings) == 1
    assert "http://127.0.0.1:8000" in warnings[0].getMessage()


def test_the_app_is_quiet_when_the_address_agrees(caplog):
    app = _tiny_app("http://127.0.0.1:5100")
    with caplog.at_level(logging.WARNING, logger=app.logger.name):
        assert app.test_client().get("/", base_url="http://127.0.0.1:5100").status_code == 200
    assert not [r for r in caplog.records if "PUBLIC_BASE_URL" in r.getMessage()]
