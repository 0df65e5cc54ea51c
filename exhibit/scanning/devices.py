"""Scanning devices: created by the people they scan for, paired by a one-time QR, revoked.

Rules:
* a gate device is created by the week's organisers, for one of the week's zones, at a named
  entrance ("Cổng A");
* a lead device is created by an exhibitor for its own business, only with a confirmed booth at
  the week, and at most ``LEADS_PER_BOOTH`` live ones per confirmed booth;
* the pairing code is shown once (a QR of ``PUBLIC_BASE_URL/scan/pair#<code>``: in the fragment,
  so it never reaches a server's log), works once and for ``PAIRING_HOURS``; only its SHA-256 is
  stored, and so is only the SHA-256 of the device token it is exchanged for;
* a new pairing code for a device ends the token it had (a lost phone stops working);
* the week's organisers may revoke any of its devices, an exhibitor its own lead devices; a
  revoked device is refused from then on, and the scans it still sends are counted, never
  decided;
* a device belongs to its week: its token works until the end of the ``DAYS_AFTER_WEEK``-th day
  after the week's last day (Vietnam time), long enough for late queues to sync, and is refused
  after that (401 device_expired), as is pairing one.

Another organisation's device, or another business's, is "not found", never "forbidden".
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from exhibit.booking import queries as booking
from exhibit.core import audit
from exhibit.core.db import lock_row, utcnow, write_transaction
from exhibit.core.errors import AppError, Conflict, Forbidden, NotFound, ValidationFailed
from exhibit.core.links import absolute_url
from exhibit.extensions import db
from exhibit.scanning.models import DevicePurpose, ScanDevice, Zone
from exhibit.vn.dates import VIETNAM_TZ
from exhibit.vn.text import clean_text
from exhibit.weeks.services import is_week_organiser

#: live lead devices an exhibitor may have per confirmed booth at a week
LEADS_PER_BOOTH = 3
#: how long a pairing code works
PAIRING_HOURS = 24
#: device tokens start with this, so a device's token is never mistaken for a user's
TOKEN_PREFIX = "dv_"
#: how often a device's "last seen" is written: a busy gate sends a scan every few seconds
SEEN_EVERY = timedelta(seconds=30)
#: a device's token works this many whole days after its week's last day (Vietnam time)
DAYS_AFTER_WEEK = 2
#: the largest count of queued scans kept (the column is a 32-bit integer)
UNSYNCED_MAX = 2**31 - 1
_NAME_MAX, _GATE_MAX, _REASON_MAX, _VERSION_MAX = 80, 80, 300, 40


class DeviceRevoked(AppError):
    """The device was revoked: nothing it sends is decided any more."""
    status = 403
    code = "device_revoked"


class DeviceExpired(AppError):
    """The device's week is over (DAYS_AFTER_WEEK days after its last day): its token no longer
    works."""
    status = 401
    code = "device_expired"


class PairingGone(AppError):
    """A pairing code that was already used, or has expired: ask the organiser for a new QR."""
    status = 410


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def pairing_url(code: str) -> str:
    """The address the pairing QR holds; the code rides in the fragment, which browsers never
    send, so no server or proxy log ever holds it."""
    return absolute_url("/scan/pair#" + code)


def revoked_message() -> str:
    return _("This scanner was revoked by the organiser: its scans are no longer accepted. "
             "Ask the organiser for a new pairing QR.")


def token_expires_at(week) -> datetime:
    """When the devices of a week stop working: midnight, Vietnam time, after the
    DAYS_AFTER_WEEK-th day after its last day."""
    return datetime.combine(week.end_date + timedelta(days=DAYS_AFTER_WEEK + 1), time(0),
                            tzinfo=VIETNAM_TZ)


def is_expired(device: ScanDevice, now: datetime | None = None) -> bool:
    return (now or utcnow()) >= token_expires_at(device.week)


def expired_message(week) -> str:
    last = token_expires_at(week) - timedelta(days=1)
    return _("This scanner's week is over: scanners could be used until the end of %(day)s.",
             day=last.strftime("%d/%m/%Y"))


def refuse_expired(device: ScanDevice, now: datetime | None = None) -> None:
    """Refuse a device whose week is over (DeviceExpired, 401 device_expired)."""
    if is_expired(device, now):
        raise DeviceExpired(expired_message(device.week))


# -- reading -----------------------------------------------------------------------------------

def week_devices(week) -> list[ScanDevice]:
    """Every device of the week, gate devices first, live before revoked, by name; each with
    its zone and business (one query, whatever their number)."""
    return list(db.session.scalars(
        select(ScanDevice).where(ScanDevice.week_id == week.id)
        .options(joinedload(ScanDevice.zone), joinedload(ScanDevice.business))
        .order_by(ScanDevice.purpose, ScanDevice.revoked_at.isnot(None), ScanDevice.name,
                  ScanDevice.id)))


def business_devices(week, business_id: int) -> list[ScanDevice]:
    """A business's lead devices at the week, live before revoked, by name (with their
    business, one query)."""
    return list(db.session.scalars(
        select(ScanDevice).where(ScanDevice.week_id == week.id,
                                 ScanDevice.purpose == DevicePurpose.LEADS.value,
                                 ScanDevice.business_id == business_id)
        .options(joinedload(ScanDevice.zone), joinedload(ScanDevice.business))
        .order_by(ScanDevice.revoked_at.isnot(None), ScanDevice.name, ScanDevice.id)))


def lead_device_allowance(week, business_id: int) -> tuple[int, int]:
    """(live lead devices the business has at the week, how many it may have)."""
    used = db.session.scalar(select(func.count()).select_from(ScanDevice).where(
        ScanDevice.week_id == week.id, ScanDevice.purpose == DevicePurpose.LEADS.value,
        ScanDevice.business_id == business_id, ScanDevice.revoked_at.is_(None))) or 0
    booths = len(booking.confirmed_allocations(week.id, business_id))
    return used, booths * LEADS_PER_BOOTH


def get_device(week, device_id: int, actor) -> ScanDevice:
    """A device of the week that ``actor`` may manage; NotFound for any other."""
    device = db.session.get(ScanDevice, device_id) if 0 < device_id < 2**31 else None
    if device is None or device.week_id != week.id or not may_see(actor, device):
        raise NotFound(_("There is no such scanner."))
    return device


def may_see(actor, device: ScanDevice) -> bool:
    """The week's organisers see every device of it; an exhibitor its business's lead
    devices."""
    return may_manage(actor, device) or bool(
        actor is not None and is_week_organiser(actor, device.week))


def may_manage(actor, device: ScanDevice) -> bool:
    """Who sets a device up (creates it, gives it a new pairing code): the week's organisers
    for a gate device, the business's exhibitor users for a lead device."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if device.purpose == DevicePurpose.GATE.value:
        return is_week_organiser(actor, device.week)
    return bool(actor.is_exhibitor and actor.business_id == device.business_id)


def may_revoke(actor, device: ScanDevice) -> bool:
    """Who may revoke it: whoever manages it, and the week's organisers any device of it."""
    return may_manage(actor, device) or is_week_organiser(actor, device.week)


def device_for_token(token: str | None) -> ScanDevice | None:
    """The device a token was issued to, revoked or not (the caller refuses a revoked one with
    its own answer); None for anything else."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    # its zone and week come with it: every request of a device reads them (one round trip)
    return db.session.scalar(select(ScanDevice).where(ScanDevice.token_hash == digest(token))
                             .options(joinedload(ScanDevice.zone), joinedload(ScanDevice.week)))


# -- creating and pairing ----------------------------------------------------------------------

def create_device(actor, week, purpose: str, name: str, zone: Zone | int | None = None,
                  gate: str = "", business=None) -> tuple[ScanDevice, str]:
    """A new device and its pairing code (shown once; see the module docstring for who may
    create which). ``zone`` is a Zone of the week or its id; ``business`` a Business or its
    id (an exhibitor's own when not given)."""
    name, gate = clean_text(name or ""), clean_text(gate or "")
    fields = {}
    if not name:
        fields["name"] = _("Give the scanner a name people recognise, e.g. \"Gate A – phone 2\".")
    elif len(name) > _NAME_MAX:
        fields["name"] = _("At most %(count)d characters.", count=_NAME_MAX)
    if len(gate) > _GATE_MAX:
        fields["gate"] = _("At most %(count)d characters.", count=_GATE_MAX)
    if purpose == DevicePurpose.GATE.value:
        if not is_week_organiser(actor, week):
            raise Forbidden(_("Only the week's organisers set up entrance scanners."))
        zone_id = zone.id if isinstance(zone, Zone) else zone
        if isinstance(zone_id, str) and zone_id.strip().isdigit():
            zone_id = int(zone_id)  # as a form posts it
        found = db.session.get(Zone, zone_id) if isinstance(zone_id, int) \
            and 0 < zone_id < 2**31 else None
        if found is None or found.week_id != week.id:
            fields["zone"] = _("Choose one of the week's zones.")
        if fields:
            raise ValidationFailed(_("Please correct the marked fields."), fields=fields)
        values = {"zone_id": found.id, "gate": gate}
    elif purpose == DevicePurpose.LEADS.value:
        business_id = getattr(business, "id", business) if business is not None \
            else getattr(actor, "business_id", None)
        if not (actor is not None and actor.is_exhibitor and business_id is not None
                and actor.business_id == business_id):
            raise Forbidden(_("An exhibitor sets up lead scanners for its own booth."))
        if fields:
            raise ValidationFailed(_("Please correct the marked fields."), fields=fields)
        values = {"business_id": business_id}
    else:
        raise ValidationFailed(_("Please correct the marked fields."),
                               fields={"purpose": _("Choose gate or leads.")})
    code = secrets.token_urlsafe(24)
    now = utcnow()
    with write_transaction():
        if purpose == DevicePurpose.LEADS.value:
            # inside the transaction (SQLite: the write lock; PostgreSQL: the business's row
            # lock below), so two devices created at once cannot both take the last place
            _lock_business(values["business_id"])
            used, allowed = lead_device_allowance(week, values["business_id"])
            if allowed == 0:
                raise Conflict(_("Lead scanners come with a confirmed booth at this week."),
                               code="no_confirmed_booth")
            if used >= allowed:
                raise Conflict(_("Your booths allow %(count)d lead scanners, all in use. Revoke "
                                 "one you no longer use first.", count=allowed),
                               code="device_allowance_used")
        device = ScanDevice(week_id=week.id, purpose=purpose, name=name, created_by_id=actor.id,
                            pairing_hash=digest(code),
                            pairing_expires_at=now + timedelta(hours=PAIRING_HOURS), **values)
        db.session.add(device)
        db.session.flush()
        audit.record("scan_device", device.id, "create", actor=actor, week_id=week.id,
                     business_id=device.business_id,
                     after={"name": name, "purpose": purpose, "zone_id": device.zone_id,
                            "gate": device.gate})
    return device, code


def _lock_business(business_id: int) -> None:
    from exhibit.businesses.models import Business
    lock_row(Business, business_id)


def new_pairing_code(actor, device: ScanDevice) -> str:
    """A fresh pairing code for a device not yet set up, or a lost one: the old code and the
    device's token stop working at once."""
    if not may_manage(actor, device):
        raise NotFound(_("There is no such scanner."))
    code = secrets.token_urlsafe(24)
    with write_transaction():
        device = lock_row(ScanDevice, device.id)
        if device.revoked_at is not None:
            raise Conflict(_("This scanner was revoked; set up a new one instead."),
                           code="device_revoked")
        device.pairing_hash = digest(code)
        device.pairing_expires_at = utcnow() + timedelta(hours=PAIRING_HOURS)
        device.token_hash = None
        device.paired_at = None
        audit.record("scan_device", device.id, "reissue_qr", actor=actor,
                     week_id=device.week_id, business_id=device.business_id,
                     after={"name": device.name})
    return code


def pair(code: str | None, app_version: str | None = "") -> tuple[ScanDevice, str]:
    """Exchange a pairing code for the device's token (once). NotFound for a code never
    issued, PairingGone (410) for one used or expired, DeviceRevoked for a revoked device,
    DeviceExpired once its week is over."""
    code = (code or "").strip()
    if not code or len(code) > 100:
        raise NotFound(_("This pairing code is not valid. Scan the QR again."),
                       code="pairing_unknown")
    hashed = digest(code)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with write_transaction():
        found = db.session.scalar(select(ScanDevice.id).where(ScanDevice.pairing_hash == hashed))
        if found is None:
            raise NotFound(_("This pairing code is not valid. Scan the QR again."),
                           code="pairing_unknown")
        device = lock_row(ScanDevice, found)  # two phones opening one QR: one wins
        now = utcnow()
        if device.revoked_at is not None:
            raise DeviceRevoked(revoked_message())
        refuse_expired(device, now)
        if device.paired_at is not None:
            raise PairingGone(_("This pairing QR was already used. Ask for a new one."),
                              code="pairing_used")
        if device.pairing_expires_at is None or device.pairing_expires_at <= now:
            raise PairingGone(_("This pairing QR has expired. Ask for a new one."),
                              code="pairing_expired")
        device.token_hash = digest(token)
        device.paired_at = device.last_seen_at = now
        device.app_version = clean_text(app_version or "")[:_VERSION_MAX]
    return device, token


def seen(device: ScanDevice, *, app_version: str | None = None, unsynced: int | None = None,
         synced: bool = False) -> None:
    """Note that the device was heard from (at most every SEEN_EVERY unless it synced or says
    something new), in its own short transaction."""
    now = utcnow()
    values = {}
    if app_version is not None and clean_text(app_version)[:_VERSION_MAX] != device.app_version:
        values["app_version"] = clean_text(app_version)[:_VERSION_MAX]
    if unsynced is not None and unsynced != device.unsynced:
        values["unsynced"] = max(0, min(unsynced, UNSYNCED_MAX))
    if synced:
        values["last_sync_at"] = now
    if values or device.last_seen_at is None or now - device.last_seen_at >= SEEN_EVERY:
        values["last_seen_at"] = now
        with write_transaction():
            db.session.execute(update(ScanDevice).where(ScanDevice.id == device.id)
                               .values(**values))
        for key, value in values.items():
            setattr(device, key, value)


# -- revoking ----------------------------------------------------------------------------------

def revoke_device(actor, device: ScanDevice, reason: str) -> ScanDevice:
    """Revoke a device: its token is refused from now on (403 device_revoked, so the phone can
    say why), and what it still uploads is counted on it and never decided. The reason is kept
    in the audit log; revoking a revoked device changes nothing."""
    if not may_revoke(actor, device):
        raise NotFound(_("There is no such scanner."))
    reason = clean_text(reason or "")[:_REASON_MAX]
    if not reason and device.revoked_at is None:
        message = _("Give the reason for revoking this scanner.")
        raise ValidationFailed(message, fields={"reason": message})
    with write_transaction():
        device = lock_row(ScanDevice, device.id)
        if device.revoked_at is None:
            device.revoked_at = utcnow()
            device.revoked_by_id = actor.id
            audit.record("scan_device", device.id, "revoke", actor=actor, week_id=device.week_id,
                         business_id=device.business_id,
                         after={"name": device.name, "reason": reason}, note=reason)
    return device


def lead_business(device: ScanDevice) -> int:
    """The business a lead scanner collects contacts for; a revoked device (DeviceRevoked) or an
    entrance scanner (Forbidden) collects none."""
    if device.is_revoked:
        raise DeviceRevoked(revoked_message())
    if device.purpose != DevicePurpose.LEADS.value or device.business_id is None:
        raise Forbidden(_("This scanner checks badges in; it does not collect contacts."))
    return device.business_id


def record_refused(device: ScanDevice, count: int) -> None:
    """A revoked device tried to upload ``count`` scans: counted on it for the organiser,
    never decided."""
    if count <= 0:
        return
    now = utcnow()
    with write_transaction():
        db.session.execute(update(ScanDevice).where(ScanDevice.id == device.id).values(
            refused_scans=ScanDevice.refused_scans + count, last_refused_at=now,
            last_seen_at=now))
    db.session.refresh(device)


def pairing_expires(device: ScanDevice) -> datetime | None:
    """When the device's current pairing code stops working (None once paired or revoked)."""
    if device.paired_at is not None or device.revoked_at is not None:
        return None
    return device.pairing_expires_at
