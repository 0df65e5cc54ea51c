"""Routes: the scanner app itself (/scan/), an installable page that keeps working offline.

The pages here hold no data and need no session: a device's token lives in the device's own
storage (IndexedDB) and every call for data goes to the JSON API with it
(exhibit/api, ``Authorization: Bearer dv_…``). The app shell, its scripts, its stylesheet and
the QR decoder are cached by the service worker (/scan/sw.js, whose scope is /scan/), so the
gate keeps scanning with the network gone; see static/js/scanner/app.js for how.
"""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from exhibit.badges.models import BadgeKind
from exhibit.core.languages import LANGUAGES
from exhibit.core.security import PAGE_POLICY
from exhibit.scanning.snapshot import KIND_LETTERS

bp = Blueprint("scanner", __name__)

#: shown on the app's screen and sent with every sync (the organiser sees which version each
#: device runs); bump it with any change to the app's files or the bundled decoder
APP_VERSION = "1.1.0"

#: the site's policy, plus what the scanner needs: compiling the QR decoder's WebAssembly
#: ('wasm-unsafe-eval' allows WebAssembly only, never JavaScript eval) and calling the API
SCANNER_POLICY = "; ".join(
    part + " 'wasm-unsafe-eval'" if part == "script-src 'self'" else part
    for part in PAGE_POLICY.split("; ")) + "; connect-src 'self'; worker-src 'self'; " \
    "manifest-src 'self'"

#: the files the service worker keeps for offline use (static paths); the shell pages are added
#: by the worker itself
CACHED_STATIC = (
    "css/app.css", "css/scanner.css",
    "js/scanner/codes.js", "js/scanner/store.js", "js/scanner/decide.js",
    "js/scanner/decoder.js", "js/scanner/app.js",
    "vendor/zxing-wasm/index.js", "vendor/zxing-wasm/zxing_reader.wasm",
    "img/favicon.svg", "img/touch-icon.png",
)


@bp.route("/scan/")
def shell():
    """The scanning screen: camera, typed code, the answer, the queue and its sync state."""
    with _page_language():
        return _page(render_template(
            "scanner/app.html", app_version=APP_VERSION, messages=_messages(),
            cache_version=cache_version()))


@bp.route("/scan/pair")
def pair():
    """Where a device's pairing QR leads (/scan/pair#<code>): the page's script reads the
    one-time code from the fragment (never sent to the server in the address, so it stays out
    of logs), exchanges it for the device's token and opens the scanner."""
    with _page_language():
        return _page(render_template("scanner/pair.html", app_version=APP_VERSION,
                                     messages=_messages()))


@bp.route("/scan/sw.js")
def service_worker():
    """The service worker, served from /scan/ so that it controls the scanner's pages. Its
    cache name changes with the app's files, so an update replaces the cached copies."""
    files = [url_for("static", filename=name) for name in CACHED_STATIC]
    body = render_template("scanner/sw.js", cache_version=cache_version(),
                           shell=url_for("scanner.shell"), files=json.dumps(files))
    response = Response(body, mimetype="text/javascript")
    # the browser checks for a new worker at every visit; a stale one would keep stale files
    response.headers["Cache-Control"] = "public, no-cache"
    return response


@bp.route("/scan/manifest.webmanifest")
def manifest():
    """What a phone needs to install the scanner on its home screen."""
    with _page_language():
        body = {
            "name": _("exhibit scanner"), "short_name": _("Scanner"),
            "description": _("Badge and contact scanner for trade fairs, works offline."),
            "start_url": url_for("scanner.shell"), "scope": url_for("scanner.shell"),
            "display": "standalone", "orientation": "portrait",
            "background_color": "#ffffff", "theme_color": "#0b5d3b",
            "lang": _current_language(),
            "icons": [
                {"src": url_for("static", filename="img/touch-icon.png"),
                 "sizes": "180x180", "type": "image/png"},
                {"src": url_for("static", filename="img/favicon.svg"),
                 "sizes": "any", "type": "image/svg+xml"},
            ],
        }
    response = Response(json.dumps(body, ensure_ascii=False),
                        mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "public, no-cache"
    return response


def _page(html: str) -> Response:
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = SCANNER_POLICY
    return response


def _current_language() -> str:
    from flask_babel import get_locale
    return str(get_locale() or "vi")


def _page_language():
    """?lang=en or ?lang=vi chooses the screen's language (a device has no account or session
    to remember it; the app keeps the choice in its own address); otherwise the site's
    choice (Vietnamese unless a session says otherwise)."""
    wanted = request.args.get("lang", "")
    if wanted in LANGUAGES:
        return force_locale(wanted)
    return force_locale(_current_language())


#: what else makes the cached shell: its templates, this module (the app's sentences) and the
#: compiled translations of those sentences (paths from the project's root)
SHELL_SOURCES = (
    "templates/scanner/_layout.html", "templates/scanner/app.html", "templates/scanner/sw.js",
    "exhibit/scanning/app_views.py",
)


@lru_cache(maxsize=4)
def _files_digest(root: str) -> str:
    digest = hashlib.sha256(APP_VERSION.encode())
    base = Path(root)
    for name in CACHED_STATIC:
        digest.update((base / "static" / name).read_bytes())
    for name in SHELL_SOURCES:
        digest.update((base / name).read_bytes())
    for catalog in sorted(base.glob("exhibit/translations/*/LC_MESSAGES/messages.mo")):
        digest.update(catalog.read_bytes())
    return digest.hexdigest()[:10]


def cache_version() -> str:
    """The app version and a digest of the cached files: a new one whenever any of them
    changes, so that installed devices fetch them again (read once per process)."""
    root = str(Path(current_app.root_path).parent)
    return f"{APP_VERSION}-{_files_digest(root)}"


def _messages() -> dict:
    """Every sentence the app's script shows, in the page's language (the script is static and
    untranslated). The answers to scans use the same words as the server's (scanning.results,
    scanning.decide, visitors.services), so an offline answer reads as the later online one."""
    return {
        # gate answers (keys: status, or reason for invalid ones), as scanning.results.ScanResult
        "ok": _("Checked in."),
        "ok_zone": _("Entered %(zone)s."),
        "ok_out": _("Exit recorded."),
        "already_checked_in": _("Already checked in at %(time)s."),
        "already_zone": _("Already entered %(zone)s at %(time)s."),
        "unknown": _("Unknown code."),
        "revoked": _("This badge was revoked."),
        "contact_code": _("This is the code exhibitors scan. Scan the entrance code."),
        "not_running": _("This badge is for a week that is not open today."),
        "wrong_day": _("This zone is closed today."),
        "kind_not_allowed": _("This kind of badge may not enter here."),
        "kind_not_allowed_kind": _("%(kind)s may not enter here."),
        "not_inside": _("This badge has not entered, so it cannot leave."),
        "exits_not_used": _("This zone counts entries only: exits are not scanned here."),
        # lead answers, as scanning.sync and visitors.services.capture_badge
        "saved_offline": _("Contact saved — the name appears after sync."),
        "already_saved": _("This contact was already saved."),
        "entry_code": _("This is the badge's entrance code. Scan the smaller code marked for "
                        "exhibitors."),
        "no_booth": _("This badge belongs to a week where your business has no booth."),
        "not_shared": _("This visitor did not agree to share their contact with exhibitors: "
                        "it cannot be collected. Ask them to leave it on your booth page "
                        "instead."),
        # the screen
        "online": _("Online"),
        "offline": _("Offline — scans are kept on this device"),
        "unsynced": _("Not yet sent: %(count)s"),
        "last_sync": _("Last sync: %(time)s"),
        "never_synced": _("Not synced yet"),
        "syncing": _("Sending…"),
        "sync_failed": _("Could not send the scans; they stay on this device and are sent "
                         "later."),
        "revoked_device": _("This device was revoked by the organiser. Scans are no longer "
                            "sent; the ones not sent stay on this device. Ask the organiser "
                            "for a new pairing code."),
        "unknown_device": _("This device is not recognised any more. Ask the organiser for a "
                            "new pairing code."),
        "expired_device": _("This device's pairing has ended (its week is over or it was "
                            "replaced). Scans are no longer sent; the ones not sent stay on "
                            "this device."),
        "snapshot_removed": _("The list of badges (with their names) was deleted from this "
                              "device when it was stopped. Its scans stay on it."),
        "week_over": _("The week is over: the list of badges was deleted from this device."),
        "not_paired": _("This device is not set up yet. Open the pairing QR code the organiser "
                        "(or your business) shows you."),
        "snapshot_loaded": _("Badges on this device: %(count)s (updated %(time)s)"),
        "no_snapshot": _("The list of badges is not on this device yet: connect once to "
                         "download it."),
        "camera_failed": _("The camera could not start. Type the code instead."),
        "camera_start": _("Start camera"),
        "camera_stop": _("Stop camera"),
        "pairing": _("Setting up this device…"),
        "paired": _("This device is set up. Opening the scanner…"),
        "pair_no_code": _("This address has no pairing code. Open the QR code shown by the "
                          "organiser again."),
        "pair_failed": _("This pairing code is not valid (already used or expired). Ask for a "
                         "new one."),
        "pair_offline": _("No network: the device can be set up once it is online. The code "
                          "is kept on this page: tap “Retry pairing”."),
        "pair_bad_code": _("This pairing address is damaged. Scan the QR code shown by the "
                           "organiser again."),
        "pair_wait_queue": _("This phone still holds %(count)s scans of the device "
                             "“%(device)s” not yet sent. Open the scanner and let it send them "
                             "(it needs the network); then continue from there, or tap “Retry "
                             "pairing” here. The new code is kept on this page until then."),
        "flag_repeat": _("Repeat scan"),
        "flag_other_device": _("Already let in by another device"),
        "flag_disagreed": _("The server's answer differs"),
        "flag_clock": _("The device's clock was wrong"),
        "flag_late": _("Sent late: made before the entry already counted"),
        "pending": _("waiting to be sent"),
        "decoder_failed": _("The QR decoder could not load. Type the code instead."),
        "label_entry_code": _("Entrance code (typed)"),
        "label_contact_code": _("Contact code (typed)"),
        "scan_entry": _("Entry"),
        "scan_exit": _("Exit"),
        "kinds": {"v": _("Visitor"), "b": _("Buyer"), "s": _("Exhibitor staff"),
                  "o": _("Organiser staff")},
        # the kinds as the server's kind_not_allowed answer names them
        "kind_titles": {letter: BadgeKind(kind).title
                        for kind, letter in KIND_LETTERS.items()},
    }
