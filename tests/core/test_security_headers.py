"""What every response tells the browser: a Content-Security-Policy with no inline script on
pages, nosniff, no framing, a referrer policy; Secure cookies and HSTS on an HTTPS site; no inline
script or handler left in any template."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import login, make_test_app

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.mark.parametrize("path", ["/", "/login", "/signup"])
def test_pages_carry_the_policy(client, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'" and "unsafe-inline" not in policy
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # plain http in tests


def test_json_and_files_are_not_sniffed(client):
    response = client.get("/api/v1/weeks")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" not in response.headers  # a policy is for pages


def test_no_template_has_inline_script_or_handlers():
    # a data block (type="application/json", like the scanner app's sentences) is never run
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*\btype=\"application/json\")[^>]*>",
                               re.I)
    handler = re.compile(r"\son[a-z]+\s*=", re.I)
    found = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        for pattern in (inline_script, handler):
            found += [f"{template.relative_to(TEMPLATES)}: {m.group(0).strip()}"
                      for m in pattern.finditer(text)]
        # the HTML part of an email is never served as a page, and mail clients drop <style>
        # and stylesheets: its styles must be inline (scripts and handlers are refused there too)
        is_email = template.relative_to(TEMPLATES).parts[0] == "messages"
        if "javascript:" in text or ('style="' in text and not is_email):
            found.append(f"{template.relative_to(TEMPLATES)}: javascript: URL or style attribute")
    assert found == []


def test_https_site_gets_secure_cookies_and_hsts(app, make_exhibitor, tmp_path):
    secure = make_test_app(app.config["SQLALCHEMY_DATABASE_URI"],
                           PUBLIC_BASE_URL="https://hoicho.example.vn")
    with secure.app_context():
        client = secure.test_client()
        user = make_exhibitor()
        response = client.post("/login", data={"email": user.email, "password": "thanhlong2024"},
                               base_url="https://hoicho.example.vn")
        assert response.status_code == 302
        cookie = response.headers["Set-Cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
        home = client.get("/", base_url="https://hoicho.example.vn")
        assert home.headers["Strict-Transport-Security"].startswith("max-age=31536000")
        from exhibit.extensions import db
        db.session.remove()
        db.engine.dispose()


def test_production_is_https_only_without_redis_it_warns(app, caplog):
    from config import load_config
    settings = load_config({"ENV_NAME": "production", "SECRET_KEY": "x", "TESTING": False,
                            "PUBLIC_BASE_URL": "http://10.0.0.5"})
    assert settings["SESSION_COOKIE_SECURE"] and settings["HTTPS_ONLY"]
    assert settings["RATELIMIT_STORAGE_URI"] == "exhibit-db://"
    production = make_test_app(app.config["SQLALCHEMY_DATABASE_URI"], ENV_NAME="production",
                               REDIS_URL=None, RATELIMIT_STORAGE_URI=None)
    assert any("REDIS_URL is not set" in r.getMessage() for r in caplog.records)
    from exhibit.extensions import limiter
    limiter.init_app(app)  # Flask-Limiter has one storage per process: give it back to the tests
    with production.app_context():
        from exhibit.extensions import db
        db.engine.dispose()


def test_signed_in_pages_carry_the_policy_too(client, make_exhibitor):
    login(client, make_exhibitor())
    response = client.get("/my")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
