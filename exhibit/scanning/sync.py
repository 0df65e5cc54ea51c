"""A scanning device's queued scans, uploaded when the network returns.

A device decides offline from its snapshot and queues each scan with its nonce and its own time;
it uploads the queue in batches of at most BATCH_LIMIT. The server is the judge: each scan is
decided again, in the order it was made (by its scan time, not its place in the queue), by the
same rules as an online scan — scanning.decide for a gate device, visitors.capture_badge for an
exhibitor's lead scanner. A batch sent again (the answer was lost) gets the same answers and
counts nothing twice.

A gate batch is decided in one transaction: its badges are read and locked with one query, so
2,000 queued scans sync in a few seconds, not one round trip per scan. A revoked device's
scans are refused whole, and counted on the device for the organiser to see.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from exhibit.core.db import is_unique_violation, lock_row, utcnow, write_transaction
from exhibit.core.errors import AppError, Forbidden, ValidationFailed
from exhibit.scanning import decide
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
    nonce, an impossible time) is answered ``invalid`` with the field as its reason and is not
    recorded. The device's last seen and last sync times, its app version and its count of
    scans still queued are kept. A revoked device raises DeviceRevoked, after counting the
    refused scans on it."""
    now = now or utcnow()
    if device.is_revoked:
        refused = len(scans) if isinstance(scans, list) else 0
        record_refused(device, refused)  # committed, although the request is refused
        raise DeviceRevoked(_("This scanner was revoked by the organiser, so its %(count)d "
                              "queued scans were not accepted. Ask the organiser for a new "
                              "pairing QR.", count=refused))
    if not isinstance(scans, list) or not 1 <= len(scans) <= BATCH_LIMIT:
        message = _("Send 1 to %(count)d scans at a time.", count=BATCH_LIMIT)
        raise ValidationFailed(message, fields={"scans": message})
    try:
        unsynced = max(0, int(unsynced or 0))
    except (TypeError, ValueError):
        raise ValidationFailed(_("The count of queued scans is a whole number."),
                               fields={"unsynced": _("A whole number.")}) from None
    app_version = str(app_version or "")[:APP_VERSION_LIMIT]
    order = sorted(range(len(scans)), key=lambda i: _sort_key(scans[i]))
    if device.purpose == DevicePurpose.GATE.value:
        answers = _gate(device, scans, order, now, unsynced, app_version)
    else:
        answers = _leads(device, scans, order, now)
        with write_transaction():
            _seen(device, now, unsynced, app_version)
    return [answers[i] for i in range(len(scans))]


def _sort_key(scan) -> tuple:
    moment = scan.get("scanned_at") if isinstance(scan, dict) else None
    if isinstance(moment, str):
        try:
            moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
        except ValueError:
            moment = None
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        return (1, 0.0)
    return (0, moment.timestamp())


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


def _gate(device: ScanDevice, scans: list, order: list[int], now: datetime, unsynced: int,
          app_version: str) -> dict[int, dict]:
    zone = decide.authorised_zone(device, None)
    answers: dict[int, dict] = {}
    asked: list[tuple[int, decide.Asked]] = []
    for i in order:
        scan = scans[i]
        try:
            if not isinstance(scan, dict):
                raise ValidationFailed(_("Each scan is an object."), fields={"scans": ""})
            asked.append((i, decide.checked(
                device, zone, code=str(scan.get("code") or ""), nonce=str(scan.get("nonce") or ""),
                direction=scan.get("direction") or decide.IN,
                scanned_at=_scanned_at(scan.get("scanned_at")),
                device_answer=scan.get("device_answer") or "", now=now)))
        except ValidationFailed as error:
            answers[i] = _refused_answer(scan, error)
    for attempt in range(2):
        try:
            with write_transaction():
                results = decide.decide_all(device, zone, [one for _, one in asked], now) \
                    if asked else []
                _seen(device, now, unsynced, app_version)
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


def _leads(device: ScanDevice, scans: list, order: list[int], now: datetime) -> dict[int, dict]:
    from exhibit.visitors.services import capture_badge
    answers: dict[int, dict] = {}
    for i in order:
        scan = scans[i]
        try:
            if not isinstance(scan, dict):
                raise ValidationFailed(_("Each scan is an object."), fields={"scans": ""})
            nonce = str(scan.get("nonce") or "")
            asked = decide.checked(device, None, code=str(scan.get("code") or ""), nonce=nonce,
                                   scanned_at=_scanned_at(scan.get("scanned_at")), now=now)
        except ValidationFailed as error:
            answers[i] = _refused_answer(scan, error)
            continue
        scanned_at = asked.scanned_at or now
        try:
            lead, created = capture_badge(device=device, code=asked.code, scanned_at=scanned_at)
        except ValidationFailed as error:
            reason = {"unknown_code": "unknown"}.get(error.code, error.code)
            answers[i] = {"nonce": nonce, "status": decide.INVALID, "reason": reason,
                          "message": error.message, "flag": ""}
            continue
        except Forbidden as error:  # the business no longer has a booth at the week
            answers[i] = {"nonce": nonce, "status": decide.INVALID, "reason": "no_booth",
                          "message": error.message, "flag": ""}
            continue
        # the same scan sent again (its answer was lost) made this lead: its first answer
        replay = (not created and lead.captured_by_device_id == device.id
                  and lead.created_at == scanned_at)
        saved = created or replay
        answers[i] = {
            "nonce": nonce, "status": SAVED if saved else ALREADY_SAVED, "reason": None,
            "message": _("Contact saved.") if saved else _("This contact was already saved."),
            "flag": "", "badge": {"name": lead.full_name, "kind": lead.badge.kind
                                  if lead.badge is not None else ""}}
    return answers


def _seen(device: ScanDevice, now: datetime, unsynced: int, app_version: str) -> None:
    row = lock_row(ScanDevice, device.id)
    row.last_seen_at = row.last_sync_at = now
    row.unsynced = unsynced
    if app_version:
        row.app_version = app_version
