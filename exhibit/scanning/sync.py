"""A scanning device's queued scans, uploaded when the network returns.

A device decides offline from its snapshot and queues each scan with its nonce and its own time;
it uploads the queue in batches of at most BATCH_LIMIT. The server is the judge: each scan is
decided again, in the order it was made (by its scan time, not its place in the queue; a scan
from a device with a wrong clock at its arrival time, see scanning.decide), by the same rules as
an online scan — scanning.decide for a gate device, visitors.capture_badge for an
exhibitor's lead scanner. A batch sent again (the answer was lost) gets the same answers and
counts nothing twice.

A gate batch is decided in one transaction: its badges are read and locked with one query, so
2,000 queued scans sync in a few seconds, not one round trip per scan. A revoked device's
scans are refused whole, and counted on the device for the organiser to see.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from exhibit.core.db import is_unique_violation, utcnow, write_transaction
from exhibit.core.errors import AppError, Forbidden, ValidationFailed
from exhibit.extensions import db
from exhibit.scanning import decide, devices
from exhibit.scanning.devices import DeviceRevoked, record_refused
from exhibit.scanning.models import DevicePurpose, ScanDevice

#: scans in one upload
BATCH_LIMIT = 500
SAVED, ALREADY_SAVED = "saved", "already_saved"
APP_VERSION_LIMIT = 40


def upload(*, device: ScanDevice, scans: list[dict], unsynced: int = 0, app_version: str = "",
           now: datetime | None = None) -> list[dict]:
    """Decide and record a batch of a device's queued scans; one answer per scan, in the order
    sent: ``{"nonce", "status", "reason", "message", "flag", "badge"?}``.

    Each scan is ``{"nonce", "code", "scanned_at" (an aware datetime or ISO text),
    "direction" ("in"/"out"), "device_answer"}``. A scan that cannot be judged (a malformed
    nonce or code, a time without its zone) is answered ``invalid`` with the field as its reason
    and is not recorded; one whose time cannot be right (the device's clock) is decided at its
    arrival, flagged "clock". The device's last seen and last sync times, its app version and its count of
    scans still queued are kept. A revoked device raises DeviceRevoked, after counting the
    refused scans on it; a device of a week long over, DeviceExpired."""
    now = now or utcnow()
    if device.is_revoked:
        refused = len(scans) if isinstance(scans, list) else 0
        record_refused(device, refused)  # committed, although the request is refused
        raise DeviceRevoked(_("This scanner was revoked by the organiser, so its %(count)d "
                              "queued scans were not accepted. Ask the organiser for a new "
                              "pairing QR.", count=refused))
    devices.refuse_expired(device, now)
    if not isinstance(scans, list) or not 1 <= len(scans) <= BATCH_LIMIT:
        message = _("Send 1 to %(count)d scans at a time.", count=BATCH_LIMIT)
        raise ValidationFailed(message, fields={"scans": message})
    try:
        # the column is a 32-bit integer: a device's count beyond it is beyond belief anyway
        unsynced = min(max(0, int(unsynced or 0)), devices.UNSYNCED_MAX)
    except (TypeError, ValueError):
        raise ValidationFailed(_("The count of queued scans is a whole number."),
                               fields={"unsynced": _("A whole number.")}) from None
    app_version = str(app_version or "")[:APP_VERSION_LIMIT]
    # decided on the device as authentication loaded it: a unit of work forgets what was read
    # before it, and asking afterwards would read the row again
    tell = _news(device, now, unsynced, app_version)
    if device.purpose == DevicePurpose.GATE.value:
        answers = _gate(device, scans, now, tell)
    else:
        answers = _leads(device, scans, now)
        if tell:
            with write_transaction():
                _seen(device.id, device, tell)
    return [answers[i] for i in range(len(scans))]


def _scanned_at(value):
    """The scan's time as sent: an aware datetime, or ISO text read as one (None: not sent)."""
    if value is None or value == "" or isinstance(value, datetime):
        return value or None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        message = _("Give the scan's time as ISO 8601 with its zone.")
        raise ValidationFailed(message, fields={"scanned_at": message}) from None


def _refused_answer(scan, error: AppError) -> dict:
    field = next(iter(error.fields), "") if error.fields else ""
    return {"nonce": str(scan.get("nonce") or "") if isinstance(scan, dict) else "",
            "status": decide.INVALID, "reason": field or error.code, "message": error.message,
            "flag": ""}


def _in_scan_order(asked: list[tuple[int, decide.Asked]], now: datetime) -> None:
    """Sort checked scans by when they were made (one decided at its arrival: now)."""
    asked.sort(key=lambda pair: (pair[1].scanned_at or now, pair[0]))


def _read(device: ScanDevice, zone, scans: list, now: datetime, *, gate: bool
          ) -> tuple[dict[int, dict], list[tuple[int, decide.Asked]]]:
    """The batch's scans checked one by one (decide.checked), in the order they were made:
    (answers already given to the ones that cannot be judged, by position; (position, scan)
    of the others). A lead scanner's scans are entries and carry no offline answer."""
    answers: dict[int, dict] = {}
    asked: list[tuple[int, decide.Asked]] = []
    for i, scan in enumerate(scans):
        try:
            if not isinstance(scan, dict):
                raise ValidationFailed(_("Each scan is an object."), fields={"scans": ""})
            extra = {"direction": scan.get("direction") or decide.IN,
                     "device_answer": scan.get("device_answer") or ""} if gate else {}
            asked.append((i, decide.checked(
                device, zone, code=str(scan.get("code") or ""), nonce=str(scan.get("nonce") or ""),
                scanned_at=_scanned_at(scan.get("scanned_at")), now=now, **extra)))
        except ValidationFailed as error:
            answers[i] = _refused_answer(scan, error)
    _in_scan_order(asked, now)
    return answers, asked


def _gate(device: ScanDevice, scans: list, now: datetime, tell: dict) -> dict[int, dict]:
    zone = decide.authorised_zone(device, None)
    who, rules = decide.Scanner.of(device), decide.ZoneRules.of(zone)
    answers, asked = _read(device, zone, scans, now, gate=True)
    for attempt in range(2):
        try:
            with write_transaction():
                results = decide.decide_all(who, rules, [one for _, one in asked], now) \
                    if asked else []
                if tell:
                    _seen(who.id, device, tell)
            break
        except IntegrityError as error:
            # the same batch sent twice at once (a retry before the first answer came): the
            # second waited for the first's locks, then lost on the nonce; answer it again,
            # now from the first's answers
            if attempt or not is_unique_violation(error):
                raise
    for (i, _one), result in zip(asked, results):
        answers[i] = gate_answer(result)
    return answers


def gate_answer(result) -> dict:
    """A gate decision as the device reads it."""
    answer = {"nonce": result.nonce, "status": result.status, "reason": result.reason or None,
              "message": result.message, "flag": result.flag}
    if result.badge is not None and result.status != decide.INVALID:
        answer["badge"] = {"name": result.badge.full_name, "kind": result.badge.kind}
    return answer


def _leads(device: ScanDevice, scans: list, now: datetime) -> dict[int, dict]:
    from exhibit.visitors.services import capture_badges
    answers, asked = _read(device, None, scans, now, gate=False)
    business_id = devices.lead_business(device)
    decided = capture_badges(business_id=business_id, device_id=device.id,
                             week_id=device.week_id,
                             scans=[(one.code, one.scanned_at or now) for _i, one in asked]
                             ) if asked else []
    for (i, one), (status, lead, error) in zip(asked, decided):
        if error is not None:
            # the business no longer has a booth there (403), or the code is not a contact
            reason = "no_booth" if isinstance(error, Forbidden) else \
                {"unknown_code": "unknown"}.get(error.code, error.code)
            answers[i] = {"nonce": one.nonce, "status": decide.INVALID, "reason": reason,
                          "message": error.message, "flag": ""}
            continue
        if lead.withdrawn_at is not None:
            # the holder withdrew this contact from the business: said without their name
            answers[i] = {"nonce": one.nonce, "status": decide.INVALID, "reason": "withdrawn",
                          "message": _("This visitor withdrew their consent: their contact is "
                                       "no longer yours to use."), "flag": ""}
            continue
        answers[i] = {
            "nonce": one.nonce, "status": status, "reason": None,
            "message": _("Contact saved.") if status == SAVED
            else _("This contact was already saved."),
            "flag": "", "badge": {"name": lead.full_name, "kind": lead.badge.kind}}
    return answers


def _news(device: ScanDevice, now: datetime, unsynced: int, app_version: str) -> dict:
    """What the organiser should now see of the device — when it last synced, its app and its
    queue — or {} when that says nothing new. A device uploading scan after scan at a busy gate
    has its row written again only when its queue or app changed, or every SEEN_EVERY (the
    organiser's "last sync" is at most that old), not once per scan."""
    if (unsynced == device.unsynced and app_version in ("", device.app_version)
            and device.last_sync_at is not None
            and now - device.last_sync_at < devices.SEEN_EVERY):
        return {}
    values = {"last_seen_at": now, "last_sync_at": now, "unsynced": unsynced}
    if app_version:
        values["app_version"] = app_version
    return values


def _seen(device_id: int, device: ScanDevice, values: dict) -> None:
    """Write ``_news`` on the device's row (inside the caller's unit of work)."""
    db.session.execute(update(ScanDevice).where(ScanDevice.id == device_id).values(**values)
                       .execution_options(synchronize_session=False))
    for name, value in values.items():  # the caller's copy says the same, without a read
        set_committed_value(device, name, value)
