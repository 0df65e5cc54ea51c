"""What every response carries to keep browsers safe, where the client address comes from, and
the warnings a production start needs.

- Content-Security-Policy on every HTML page: scripts and styles only from this site's
  static files (no inline script, no inline style), no plugins, no framing, forms only to us.
- ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY`` and
  ``Referrer-Policy: same-origin`` on every response; HSTS when the site is HTTPS-only
  (``PUBLIC_BASE_URL`` is https or ``EXHIBIT_ENV=production``; config.load_config).
- Behind ``TRUSTED_PROXY_COUNT`` proxies, the client address and scheme come from the
  X-Forwarded-For / X-Forwarded-Proto values those proxies appended, and only from those.
"""
from __future__ import annotations

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

PAGE_POLICY = "; ".join((
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data: blob:",
    "media-src 'self' blob: mediastream:", "object-src 'none'", "base-uri 'none'",
    "form-action 'self'", "frame-ancestors 'none'"))

#: for files people uploaded (a certificate or signed-contract PDF): opened on their own, with
#: no script, no plugins and no access to this site, should a browser render one anyway
UPLOAD_POLICY = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def init_app(app: Flask) -> None:
    proxies = int(app.config.get("TRUSTED_PROXY_COUNT") or 0)
    if proxies > 0:
        # X-Forwarded-Host is not trusted: links that leave the page are built from
        # PUBLIC_BASE_URL (core.links), never from a host a request claims.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    https_only = bool(app.config.get("HTTPS_ONLY"))

    @app.after_request
    def _security_headers(response: Response) -> Response:
        for name, value in page_headers(html=response.mimetype == "text/html",
                                        https_only=https_only):
            response.headers.setdefault(name, value)
        return response

    if proxies == 0:
        warned = []

        @app.before_request
        def _warn_about_an_unexpected_proxy():
            if not warned and request.headers.get("X-Forwarded-For"):
                warned.append(True)
                app.logger.warning(
                    "a request came through a proxy (X-Forwarded-For) but TRUSTED_PROXY_COUNT "
                    "is 0: every client behind it counts as the proxy's address for the rate "
                    "limits; set TRUSTED_PROXY_COUNT to the number of proxies.")

    _warn_about_production_settings(app)


def page_headers(*, html: bool, https_only: bool) -> list[tuple[str, str]]:
    """The headers every response carries (a view may have set its own instead)."""
    headers = [("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY"),
               ("Referrer-Policy", "same-origin")]
    if html:
        headers.append(("Content-Security-Policy", PAGE_POLICY))
    if https_only:
        headers.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
    return headers


def _warn_about_production_settings(app: Flask) -> None:
    if app.config.get("ENV_NAME") != "production":
        return
    if app.config["RATELIMIT_STORAGE_URI"].startswith("exhibit-db"):
        app.logger.warning(
            "REDIS_URL is not set: rate-limit counters live in the database, shared by the "
            "workers of this machine and of any machine on the same database, at the cost of a "
            "write per counted request; set REDIS_URL for cheaper counters shared by every "
            "app server.")
    if not app.config["PUBLIC_BASE_URL"].startswith("https://"):
        app.logger.warning(
            "EXHIBIT_ENV is production but PUBLIC_BASE_URL (%s) is not https: cookies are sent "
            "over HTTPS only, so nobody can stay signed in over plain http, and printed QR "
            "codes would point at an insecure address.", app.config["PUBLIC_BASE_URL"])
