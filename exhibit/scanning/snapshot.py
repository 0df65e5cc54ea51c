"""What a scanning device decides from while offline: its week's badges as keyed hashes.

A device never holds a badge's code. It holds, per badge, the first 12 characters of
base64url(HMAC-SHA256(key, code)) — 72 bits, so no two of a week's codes share one — and
computes the same of what it scans. The key is derived from the app's SECRET_KEY for one week
and one purpose, so a gate device's list is useless at another week, and a lead device's list
cannot be matched against a gate device's.

* A gate device gets, per badge: the entrance code's hash, the kind's letter, the name and the
  organisation (shown on the screen), whether it is revoked, and the first 8 characters of the
  contact code's hash (to answer "this is the code exhibitors scan").
* A lead device gets, per badge with a contact code: that code's hash, the kind's letter, no
  name and no organisation — a contact's name reaches an exhibitor only for someone it actually
  scanned, after the sync — whether it is revoked (1) or its holder did not agree to share the
  contact with exhibitors (2, NOT_SHARED: refused, as the server refuses it), and 8 characters
  of the entrance code's hash (to answer "this is the entrance code").

The first snapshot is full; later ones (``since`` = the cursor of the last one) hold only the
badges changed since (issued, renamed, revoked: ``Badge.changed_at``). The cursor is the time
the snapshot was read, less an overlap (OVERLAP): a badge's changed_at is set when its change
is flushed, and the transaction may commit a while later (a walk-in printed at the desk, a
batch of badges imported), so a cursor taken in between must not skip it. A badge sent twice
is simply replaced on the device. A device whose week is over gets no snapshot
(devices.DeviceExpired). The rows are read with one query of plain columns
and written as compact JSON: 30,000 badges stay well under a megabyte once gzipped
(bench/scanning.py).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import datetime, timedelta, timezone

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from exhibit.badges.models import Badge, BadgeKind
from exhibit.businesses.models import Business
from exhibit.core.db import utcnow
from exhibit.core.errors import ValidationFailed
from exhibit.core.tokens import normalise_code
from exhibit.extensions import db
from exhibit.scanning.devices import refuse_expired
from exhibit.scanning.models import DevicePurpose, ScanDevice, Zone
from exhibit.vn.dates import vietnam_today

#: the letter of each badge kind in a snapshot row
KIND_LETTERS = {BadgeKind.VISITOR.value: "v", BadgeKind.BUYER.value: "b",
                BadgeKind.STAFF.value: "s", BadgeKind.ORGANISER.value: "o"}
#: a lead device's row in place of "revoked" (1) for a badge whose holder did not agree to share
#: the contact with exhibitors (or withdrew): the scanner refuses it, as the server does
NOT_SHARED = 2
#: characters of a code's keyed hash a row holds: the code scanned, and the badge's other code
HASH_CHARS, OTHER_HASH_CHARS = 12, 8
#: a change committed up to this long after it was written (flushed) still reaches the next
#: snapshot; a minute covers the longest write transaction, at the price of resending the
#: badges changed in the last minute
OVERLAP = timedelta(seconds=60)
_CURSOR = re.compile(r"^([0-9a-f]{1,16})\.([A-Za-z0-9_-]{6})$")


def week_key(week_id: int, purpose: str) -> bytes:
    """The HMAC key of one week's snapshots for one purpose of device."""
    secret = current_app.config["SECRET_KEY"]
    secret = secret.encode() if isinstance(secret, str) else secret
    return hmac.digest(secret, f"scanning-snapshot:{week_id}:{purpose}".encode(), hashlib.sha256)


def code_hash(key: bytes, code: str | None, length: int = HASH_CHARS) -> str:
    """The first ``length`` characters of base64url(HMAC-SHA256(key, normalised code)); ""
    for no code. The scanner app computes the same in JavaScript (crypto.subtle)."""
    normalised = normalise_code(code)
    if not normalised:
        return ""
    mac = hmac.digest(key, normalised.encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac).decode()[:length]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


# -- the cursor ------------------------------------------------------------------------------------

def _fingerprint(key: bytes) -> str:
    """Six characters that change with the key: a cursor made under another SECRET_KEY (or
    for another week or purpose) starts the device over with a full snapshot."""
    return _b64(hmac.digest(key, b"cursor", hashlib.sha256))[:6]


def _cursor(key: bytes, moment: datetime) -> str:
    return f"{int(moment.timestamp() * 1000):x}.{_fingerprint(key)}"


def read_cursor(key: bytes, cursor: str) -> datetime | None:
    """The moment a cursor stands for; None when it was made with another key (start over);
    ValidationFailed on "since" when it is not a cursor at all."""
    match = _CURSOR.match(cursor or "")
    if match is None:
        message = _("Send the cursor of the last snapshot, as it was given.")
        raise ValidationFailed(message, fields={"since": message})
    if match.group(2) != _fingerprint(key):
        return None
    milliseconds = int(match.group(1), 16)
    if milliseconds > 2**48:  # beyond the year 10,000: not a cursor this server made
        return None
    return datetime.fromtimestamp(milliseconds / 1000, tz=timezone.utc)


# -- the snapshot ----------------------------------------------------------------------------------

def zone_values(zone: Zone) -> dict:
    """A zone's rules as a device applies them."""
    return {"id": zone.id, "name": zone.name, "badge_kinds": zone.kind_list,
            "days": [day.isoformat() for day in zone.day_list], "mode": zone.mode,
            "multiple_entries": zone.multiple_entries, "is_default": zone.is_default}


def device_values(device: ScanDevice) -> dict:
    """What a device shows of itself."""
    return {"id": device.id, "name": device.name, "purpose": device.purpose,
            "gate": device.gate,
            "zone": zone_values(device.zone) if device.zone is not None else None,
            "business": device.business.name if device.business is not None else None}


def week_values(week) -> dict:
    return {"slug": week.slug, "name": week.name_vi, "start_date": week.start_date.isoformat(),
            "end_date": week.end_date.isoformat()}


def snapshot(device: ScanDevice, since: str | None = None) -> dict:
    """The device's snapshot (see the module docstring): every badge of its week, or, with the
    cursor of an earlier one, the badges changed since. DeviceExpired once its week is over."""
    refuse_expired(device)
    week = device.week
    key = week_key(week.id, device.purpose)
    now = utcnow()
    changed_after = read_cursor(key, since) if since else None
    zones = db.session.scalars(select(Zone).where(Zone.week_id == week.id)
                               .order_by(Zone.is_default.desc(), Zone.position, Zone.name,
                                         Zone.id)).all()
    return {
        "cursor": _cursor(key, now - OVERLAP),
        "full": changed_after is None,
        "server_time": now.isoformat(),
        "today": vietnam_today(now).isoformat(),
        "week": week_values(week),
        "device": device_values(device),
        "zones": [zone_values(zone) for zone in zones],
        "key": _b64(key),
        "badges": badge_rows(week.id, device.purpose, key, changed_after),
    }


def badge_rows(week_id: int, purpose: str, key: bytes,
               changed_after: datetime | None = None) -> list[list]:
    """The week's badge rows for a device of ``purpose`` (one query of plain columns)."""
    leads = purpose == DevicePurpose.LEADS.value
    if leads:
        query = select(Badge.contact_code, Badge.entry_code, Badge.kind,
                       Badge.revoked_at.isnot(None), Badge.contact_consent_at.isnot(None)
                       ).where(Badge.contact_code.isnot(None))
    else:
        query = (select(Badge.entry_code, Badge.contact_code, Badge.kind,
                        Badge.revoked_at.isnot(None), Badge.full_name, Badge.organisation,
                        Business.name)
                 .outerjoin(Business, Business.id == Badge.business_id))
    query = query.where(Badge.week_id == week_id)
    if changed_after is not None:
        query = query.where(Badge.changed_at > changed_after)
    query = query.order_by(Badge.id).execution_options(yield_per=5000)
    keyed = _keyed_digest(key)
    encode = base64.urlsafe_b64encode
    letters = KIND_LETTERS
    # base64 turns each 3 bytes into 4 characters: 12 characters are the first 9 bytes, 8 the
    # first 6, so only those are encoded (codes are stored normalised: hashed as they are)
    whole, other = HASH_CHARS * 3 // 4, OTHER_HASH_CHARS * 3 // 4

    def hashed(code: str | None, length: int) -> str:
        return encode(keyed(code.encode())[:length]).decode() if code else ""

    rows = []
    # Core, not the ORM: plain tuples, without an ORM result's bookkeeping per row
    for row in db.session.connection().execute(query):
        if leads:
            contact, entry, kind, revoked, shared = row
            rows.append([hashed(contact, whole), letters.get(kind, "v"), "", "",
                         1 if revoked else 0 if shared else NOT_SHARED, hashed(entry, other)])
        else:
            entry, contact, kind, revoked, name, organisation, business = row
            rows.append([hashed(entry, whole), letters.get(kind, "v"), name,
                         business or organisation or "", 1 if revoked else 0,
                         hashed(contact, other)])
    return rows


def _keyed_digest(key: bytes):
    """HMAC-SHA256 under ``key`` as a function of the message, with the key's inner and outer
    blocks hashed once (RFC 2104) instead of once per code: a third of the time of
    ``hmac.digest`` on 60,000 codes. tests/scanning/test_snapshot.py checks it against hmac."""
    block = key.ljust(64, b"\0") if len(key) <= 64 else hashlib.sha256(key).digest().ljust(64, b"\0")
    inner = hashlib.sha256(bytes(byte ^ 0x36 for byte in block))
    outer = hashlib.sha256(bytes(byte ^ 0x5C for byte in block))

    def digest(message: bytes) -> bytes:
        first = inner.copy()
        first.update(message)
        second = outer.copy()
        second.update(first.digest())
        return second.digest()
    return digest
