"""The booth page's front door: a kept page goes out to an anonymous phone before the request
reaches Flask.

A booth page kept for every visitor (visitors/booth_pages.py) costs one string replacement to
serve; what was left of a request's cost was the app around it — opening and saving a session,
choosing the language, asking the rate limiter, the request hooks. Measured with bench/scan.py,
that was most of the time of a kept page. This WSGI layer sits in front of the app (inside
ProxyFix, so the scheme is the client's) and answers a ``GET /b/<token>`` itself when all of
these hold, else it hands the request on untouched:

- no query string, no session cookie and no "remember me" cookie: nobody signed in, nothing
  flashed, the default language (an anonymous phone's session would hold its language);
- the phone is new, or its ``vs`` cookie says whether it has saved products; a phone that
  has is asked for them (one indexed query, the only database work here) and still goes to
  the app when one of them is on this booth's page (its hearts are filled: a page of its own);
- the page is kept, current, and the once-a-second check for changes made by other processes
  is not due (the request that finds it due goes through the app, which makes the check);
- scans are written in batches (a queue to put this one in).

The answer is what the app would have sent: the same HTML with this phone's form token
(visitors/form_tokens.py), the visitor cookies a new phone gets, the page headers of
core/security.py and ``Cache-Control: private, no-store``; the scan is queued as the app
queues it. tests/visitors/test_front_door.py compares the two answers.
"""
from __future__ import annotations

import secrets

from flask import Flask
from werkzeug.http import dump_cookie, parse_cookie

from exhibit.core.db import utcnow
from exhibit.core.downloads import PRIVATE
from exhibit.core.security import page_headers
from exhibit.visitors import booth_pages, scans, services
from exhibit.visitors.form_tokens import (
    SAVED_COOKIE,
    VISITOR_COOKIE,
    VISITOR_COOKIE_SECONDS,
    token_for,
    valid_key,
)

#: the language of a phone without a session (exhibit.select_locale's default)
ANONYMOUS_LANGUAGE = "vi"


class FrontDoor:
    def __init__(self, app: Flask, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app
        self.secret = app.config["SECRET_KEY"]
        self.https_only = bool(app.config.get("HTTPS_ONLY"))
        self.passed_cookies = (app.config.get("SESSION_COOKIE_NAME") or "session",
                               app.config.get("REMEMBER_COOKIE_NAME") or "remember_token")

    def __call__(self, environ, start_response):
        answer = self._kept_answer(environ) if self._may_answer(environ) else None
        if answer is None:
            return self.wsgi_app(environ, start_response)
        headers, body = answer
        start_response("200 OK", headers)
        return [body]

    @staticmethod
    def _may_answer(environ) -> bool:
        path = environ.get("PATH_INFO", "")
        return (environ.get("REQUEST_METHOD") == "GET" and path.startswith("/b/")
                and "/" not in path[3:] and len(path) > 3 and not environ.get("QUERY_STRING"))

    def _kept_answer(self, environ) -> tuple[list[tuple[str, str]], bytes] | None:
        cookies = parse_cookie(environ)
        if any(name in cookies for name in self.passed_cookies):
            return None
        key = cookies.get(VISITOR_COOKIE, "")
        new = not valid_key(key)
        has_saved = cookies.get(SAVED_COOKIE)
        if not new and has_saved not in ("0", "1"):
            return None  # not known yet: the app looks and says
        pages = booth_pages.pages_of(self.app)
        page = pages.peek(environ["PATH_INFO"], ANONYMOUS_LANGUAGE)
        queue = scans.queue_for(self.app)
        if page is None or not queue.batched:
            return None
        link = ""
        if not new and has_saved == "1":
            saved = self._saved_products(key)
            if saved is None or saved & page.listing_ids:
                return None
            if saved:
                link = pages.kept_favourites_link(ANONYMOUS_LANGUAGE, len(saved))
                if link is None:
                    return None
        if new:
            key = secrets.token_urlsafe(16)
        body = page.for_visitor(token_for(key, self.secret), link).encode()
        queue.add(scans.QueuedScan(page.booth_id, page.week_id, key[:32], utcnow()))
        headers = [("Content-Type", "text/html; charset=utf-8"),
                   ("Content-Length", str(len(body))), ("Cache-Control", PRIVATE),
                   ("Vary", "Cookie"),
                   *page_headers(html=True, https_only=self.https_only)]
        if new:
            secure = self.https_only or environ.get("wsgi.url_scheme") == "https"
            for name, value in ((VISITOR_COOKIE, key), (SAVED_COOKIE, "0")):
                headers.append(("Set-Cookie", dump_cookie(
                    name, value, max_age=VISITOR_COOKIE_SECONDS, httponly=True, samesite="Lax",
                    secure=secure)))
        return headers, body

    def _saved_products(self, key: str) -> set[int] | None:
        """The listing ids the phone saved; None when the database cannot say (the app then
        answers, with its own error handling)."""
        try:
            with self.app.app_context():
                return services.saved_listing_ids(key)
        except Exception:  # noqa: BLE001 - the app will meet the same trouble and report it
            return None


def init_app(app: Flask) -> None:
    """Put the front door in front of the app (call it before ProxyFix wraps the app, so that
    ProxyFix runs first)."""
    app.wsgi_app = FrontDoor(app, app.wsgi_app)
