"""Settings, read from the environment. Every setting has a sane development default except
SECRET_KEY, which must be set whenever the app does not run in development or testing."""
from __future__ import annotations

import json
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _float_or_none(name: str) -> float | None:
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else None


def _bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).lower() in ("1", "true", "yes", "on")


def public_base_url(environ=os.environ) -> str:
    """PUBLIC_BASE_URL when given; otherwise this machine at the port `flask run` was told to
    use (FLASK_RUN_PORT, else 5000). `make run PORT=N` passes http://127.0.0.1:N explicitly."""
    given = (environ.get("PUBLIC_BASE_URL") or "").strip()
    if given:
        return given.rstrip("/")
    return f"http://127.0.0.1:{(environ.get('FLASK_RUN_PORT') or '').strip() or 5000}"


class Config:
    #: development | production | testing
    ENV_NAME = os.environ.get("EXHIBIT_ENV", "development")
    SECRET_KEY = os.environ.get("SECRET_KEY")
    #: SQLAlchemy URL; PostgreSQL as postgresql+psycopg://user@host/db
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'exhibit.sqlite3'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    #: absolute base of every link printed on paper (QR codes, PDFs); the app warns once in
    #: its log when the first request reached it at another address (core/base_url.py)
    PUBLIC_BASE_URL = public_base_url()
    #: optional; enables Redis-backed rate limits (and background jobs in later features)
    REDIS_URL = os.environ.get("REDIS_URL") or None
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
    #: one product photo (JPEG, PNG or WebP) and one certificate scan (PDF or photo) at most;
    #: a phone's full-resolution JPEG (up to 50 MP) fits, and is decoded at a reduced size
    PHOTO_MAX_BYTES = int(os.environ.get("PHOTO_MAX_BYTES", 20 * 1024 * 1024))
    SCAN_MAX_BYTES = int(os.environ.get("SCAN_MAX_BYTES", 20 * 1024 * 1024))
    #: the visitor's booth page (/b/<token>): booth scans are written in batches every this
    #: many seconds (0: each scan after its response, the tests' default)…
    SCAN_FLUSH_SECONDS = _float_or_none("SCAN_FLUSH_SECONDS")  # None: 1, or 0 in tests
    #: …and the page every anonymous phone gets is kept per process this long at most (0: never
    #: kept, the tests' default), up to this many pages; each process looks for changes made by
    #: the others this often (visitors/booth_pages.py)
    SCAN_PAGE_CACHE_SECONDS = _float_or_none("SCAN_PAGE_CACHE_SECONDS")  # None: 300, or 0 in tests
    SCAN_PAGE_CACHE_SIZE = int(os.environ.get("SCAN_PAGE_CACHE_SIZE", 4000))
    SCAN_PAGE_CHECK_SECONDS = float(os.environ.get("SCAN_PAGE_CHECK_SECONDS", 1))
    #: an ended week's report figures are kept this long in a process without Redis (0: never
    #: kept, the tests' default; with Redis they are kept there and dropped by the week's events)
    REPORT_CACHE_SECONDS = _float_or_none("REPORT_CACHE_SECONDS")  # None: 300, or 0 in tests
    #: VAT on booth rent that new contracts start with (10 is the standard rate; 8 applied in
    #: the reduction periods); each contract stores its own rate and the organiser can change it
    CONTRACT_VAT_PERCENT = int(os.environ.get("CONTRACT_VAT_PERCENT", 10))
    #: requests bigger than this answer 413
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", 50 * 1024 * 1024))
    #: JSON API bodies are small; anything larger is refused with 413
    API_MAX_JSON_BYTES = 64 * 1024

    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "exhibit" / "translations")
    LANGUAGES = ("vi", "en")

    WTF_CSRF_TIME_LIMIT = None  # the session lifetime bounds the token; fairs run all day
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_HTTPONLY = True
    #: also forced on (with HSTS) when PUBLIC_BASE_URL is https or EXHIBIT_ENV is production
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)

    #: where every rate-limit counter lives: Redis when REDIS_URL is set, else the database
    #: (shared by all workers); never process memory outside tests. Set from REDIS_URL by
    #: load_config unless given.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI") or None
    RATELIMIT_HEADERS_ENABLED = True
    #: a rate-limit store that cannot be reached never turns a request into an error: route
    #: limits carry on in process memory, sign-in counters in the database (core.limits)
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    #: failed sign-ins (HTML form and POST /api/v1/tokens together) allowed per account and per
    #: client address; one more answers 429 with Retry-After
    LOGIN_FAILURES_PER_ACCOUNT = os.environ.get("LOGIN_FAILURES_PER_ACCOUNT", "10 per 15 minutes")
    LOGIN_FAILURES_PER_ADDRESS = os.environ.get("LOGIN_FAILURES_PER_ADDRESS", "50 per 15 minutes")
    #: new accounts per client address (exhibitor sign-up, API sign-up, new B2B buyers)
    SIGNUP_RATE_LIMIT = os.environ.get("SIGNUP_RATE_LIMIT", "30 per hour")
    #: forgotten-password links asked for, per client address and per email address
    RESET_REQUESTS_PER_ADDRESS = os.environ.get("RESET_REQUESTS_PER_ADDRESS", "30 per hour")
    RESET_REQUESTS_PER_EMAIL = os.environ.get("RESET_REQUESTS_PER_EMAIL", "5 per hour")
    #: email confirmation links asked for again, per account
    VERIFY_RESENDS_PER_USER = os.environ.get("VERIFY_RESENDS_PER_USER", "3 per hour")
    #: team invitations sent (or sent again) per exhibitor
    INVITATIONS_PER_USER = os.environ.get("INVITATIONS_PER_USER", "30 per day")
    #: upload requests (photos, scans, logos, imports) per signed-in user and per address
    UPLOADS_PER_USER = os.environ.get("UPLOADS_PER_USER", "60 per hour")
    UPLOADS_PER_ADDRESS = os.environ.get("UPLOADS_PER_ADDRESS", "300 per hour")
    #: how many proxies (nginx, a load balancer) stand in front of the app and append to
    #: X-Forwarded-For; 0 means the connecting peer is the client and the header is ignored
    TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", 0))

    #: a browser stays signed in this many days from signing in
    SESSION_DAYS = int(os.environ.get("SESSION_DAYS", 14))
    #: an API token works this many days from its creation
    API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", 30))

    # -- messages (see README "Messages") --------------------------------------------------
    #: email by SMTP when MAIL_SERVER is set; otherwise each email is written to OUTBOX_DIR
    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = int(os.environ.get("MAIL_PORT", 587))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    #: STARTTLS after connecting (port 587); MAIL_USE_SSL for TLS from the start (port 465)
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _bool("MAIL_USE_SSL", False)
    MAIL_FROM = os.environ.get("MAIL_FROM", "Exhibit <no-reply@exhibit.local>")
    OUTBOX_DIR = os.environ.get("OUTBOX_DIR", str(INSTANCE_DIR / "outbox"))
    #: Zalo Notification Service: the Official Account's access token, and the id Zalo approved
    #: for each event's template, as JSON: {"booking.hold_placed": "251234", ...}
    ZALO_ZNS_URL = os.environ.get("ZALO_ZNS_URL", "https://business.openapi.zalo.me/message/template")
    ZALO_ZNS_ACCESS_TOKEN = os.environ.get("ZALO_ZNS_ACCESS_TOKEN") or None
    ZALO_ZNS_TEMPLATES: dict = json.loads(os.environ.get("ZALO_ZNS_TEMPLATES") or "{}")
    #: an SMS brandname provider's HTTP API (JSON POST, bearer key)
    SMS_API_URL = os.environ.get("SMS_API_URL") or None
    SMS_API_KEY = os.environ.get("SMS_API_KEY") or None
    SMS_BRANDNAME = os.environ.get("SMS_BRANDNAME", "EXHIBIT")
    #: who sends the outbox: "rq" (REDIS_URL set), "thread" (inside the app), "none" (only
    #: `flask tick`); derived from REDIS_URL by load_config unless given
    MESSAGE_DISPATCH = os.environ.get("MESSAGE_DISPATCH") or None
    #: how often the in-app sender looks for retries that have come due
    MESSAGE_POLL_SECONDS = float(os.environ.get("MESSAGE_POLL_SECONDS", 20))
    #: the app runs `tick` itself every minute (the embedded default of `make run`); in
    #: production cron runs `flask --app exhibit tick` instead
    CLOCK_IN_APP = _bool("CLOCK_IN_APP", os.environ.get("EXHIBIT_ENV", "development") == "development")

    #: SQLite waits this long (seconds) for a competing writer before giving up
    SQLITE_BUSY_TIMEOUT = 30
    #: PostgreSQL waits this long for a booth row lock; a longer wait answers 409 "try again"
    LOCK_TIMEOUT_MS = 5000

    #: Test-only switch: turns the booking guard (row lock) off and widens the race window so
    #: the concurrency control test can show a double booking. Ignored unless TESTING.
    UNSAFE_BOOKING_FOR_TESTS = _bool("EXHIBIT_UNSAFE_BOOKING_FOR_TESTS")
    TESTING = _bool("EXHIBIT_TESTING")


def load_config(overrides: dict | None = None) -> dict:
    """The settings as a dict, with overrides applied and production requirements checked."""
    settings = {k: getattr(Config, k) for k in dir(Config) if k.isupper()}
    settings.update(overrides or {})
    relaxed = settings["ENV_NAME"] in ("development", "testing") or settings.get("TESTING")
    if not settings["SECRET_KEY"]:
        if not relaxed:
            raise RuntimeError("SECRET_KEY must be set outside development (export SECRET_KEY=...).")
        settings["SECRET_KEY"] = "dev-only-not-secret"
    if not settings.get("TESTING"):
        settings["UNSAFE_BOOKING_FOR_TESTS"] = False
    # Behind HTTPS, or in production (where TLS ends at the proxy), cookies never travel in clear.
    settings["HTTPS_ONLY"] = (settings["PUBLIC_BASE_URL"].startswith("https://")
                              or settings["ENV_NAME"] == "production")
    if settings["HTTPS_ONLY"]:
        settings["SESSION_COOKIE_SECURE"] = True
    if not settings["MESSAGE_DISPATCH"]:
        settings["MESSAGE_DISPATCH"] = "rq" if settings["REDIS_URL"] else "thread"
    if not settings["RATELIMIT_STORAGE_URI"]:
        settings["RATELIMIT_STORAGE_URI"] = settings["REDIS_URL"] or "exhibit-db://"
    if settings["RATELIMIT_STORAGE_URI"].startswith("exhibit-db://"):
        settings.setdefault("RATELIMIT_STORAGE_OPTIONS", {})
        settings["RATELIMIT_STORAGE_OPTIONS"] = {
            **settings["RATELIMIT_STORAGE_OPTIONS"],
            "database_url": settings["SQLALCHEMY_DATABASE_URI"]}
    return settings
