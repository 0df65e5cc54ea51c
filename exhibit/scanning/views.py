"""Routes: a week's entrances for its organisers (zones, their live headcount, the scanning
devices) and an exhibitor's lead scanners.

Views only collect input and show answers: which badges a zone lets in, who may create,
re-code or revoke a device, and how many lead scanners a booth gets are rules of
scanning.zones and scanning.devices."""
from __future__ import annotations

import base64
import io

import qrcode
from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from qrcode.constants import ERROR_CORRECT_M
from sqlalchemy import select

from exhibit.badges.models import BadgeKind
from exhibit.businesses.models import Business
from exhibit.core.db import utcnow
from exhibit.core.downloads import PRIVATE
from exhibit.core.errors import AppError, Forbidden, NotFound, ValidationFailed
from exhibit.core.forms import row_id
from exhibit.core.permissions import exhibitor_required, organiser_required
from exhibit.extensions import db
from exhibit.scanning import devices, zones
from exhibit.scanning.flagged import flagged_scans
from exhibit.scanning.forms import GateDeviceForm, LeadDeviceForm, ReasonForm, ZoneForm
from exhibit.scanning.models import DevicePurpose, ZoneMode
from exhibit.vn.dates import format_date, vietnam_today
from exhibit.weeks.services import get_managed_week, get_visible_week

bp = Blueprint("scanning", __name__)

#: the pairing QR's module in pixels at most, and the widest the image may be: it fits a phone
#: held by the organiser (390 px less the page's margins) and reads from arm's length on a laptop
QR_BOX, QR_WIDEST = 8, 320


# -- shared pieces ---------------------------------------------------------------------------

def _scanner_url() -> str:
    return url_for("scanner.shell")


def _pairing_qr(url: str) -> tuple[str, int]:
    """The pairing link as a PNG QR code in a data: URI (the code is shown once and never
    stored, so it cannot have an image address of its own), and its width in pixels."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=QR_BOX, border=4)
    code.add_data(url)
    code.make(fit=True)
    code.box_size = max(3, min(QR_BOX, QR_WIDEST // (code.modules_count + 2 * code.border)))
    image = code.make_image()
    buffer = io.BytesIO()
    image.save(buffer)
    return ("data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii"),
            image.pixel_size)


def _pairing_page(week, device, code: str, back: str, *, week_nav: bool, status: int = 200):
    """The one-time code's page, as the answer to the POST that made the code: the code is
    never stored, so no later GET could show it, and no cache may keep this page."""
    url = devices.pairing_url(code)
    qr, size = _pairing_qr(url)
    response = make_response(render_template(
        "scanning/pairing.html", week=week, device=device, url=url, qr=qr, qr_size=size,
        valid_hours=devices.PAIRING_HOURS, back=back, week_nav=week_nav), status)
    response.headers["Cache-Control"] = PRIVATE
    return response


def _device(week, device_id: int):
    return devices.get_device(week, device_id, current_user)


def _reissue(week, device, back: str, *, week_nav: bool):
    """A new pairing code for a device not set up yet or whose phone was lost; its page."""
    if not ReasonForm().validate_on_submit():  # the CSRF token
        return redirect(back, 303)
    try:
        code = devices.new_pairing_code(current_user, device)
    except (Forbidden, NotFound):
        raise
    except AppError as error:  # revoked meanwhile (409)
        flash(error.message, "error")
        return redirect(back, 303)
    return _pairing_page(week, device, code, back, week_nav=week_nav)


def _revoke(device, back: str):
    """Revoke with a reason (the confirm_action panel); without one, the panel again (422)."""
    form = ReasonForm()
    if not form.validate_on_submit():  # the CSRF token
        return redirect(back, 303)
    try:
        devices.revoke_device(current_user, device, form.reason.data or "")
    except ValidationFailed as error:
        return render_template(
            "confirm_action.html", title=_("Revoke “%(name)s”", name=device.name),
            url=request.path, label=_("Revoke"), consequence=revoke_consequence(device),
            reason="required", reason_label=_("Reason (kept in the audit log)"),
            reason_maxlength=300, reason_value=form.reason.data or "",
            error=error.fields.get("reason", error.message), back=back), 422
    flash(_("“%(name)s” revoked: it can no longer scan or send scans.", name=device.name),
          "success")
    return redirect(back, 303)


def revoke_consequence(device) -> str:
    return _("“%(name)s” stops working at once: it can no longer download badges or send "
             "scans, and scans still waiting on it are refused and counted here.",
             name=device.name)


def code_consequence(device) -> str:
    if device.is_paired:
        return _("The phone set up as “%(name)s” stops working; the new code sets up another "
                 "one.", name=device.name)
    return _("The earlier code of “%(name)s” stops working; a new one is shown.",
             name=device.name)


# -- the organiser's entrances ---------------------------------------------------------------

class ZoneCard:
    """A zone as its card shows it: today's figures (a zones.ZoneCount), its rules in words,
    and its edit form."""

    def __init__(self, count: zones.ZoneCount, form: ZoneForm):
        self.zone, self.count, self.form = count.zone, count, form
        #: its id in the page's addresses; 0 for the week's hall not stored yet
        self.key = count.zone.id or 0
        self.counts_exits = self.zone.mode == ZoneMode.ENTRY_EXIT.value
        self.by_hour = count.busiest_hours
        self.busiest = max((n for _hour, n in self.by_hour), default=0)
        self.kinds_text = ", ".join(BadgeKind(kind).title for kind in self.zone.kind_list) \
            or _("Every badge")
        self.days_text = ", ".join(format_date(day) for day in self.zone.day_list) \
            or _("Every day of the week")


def _entrances_page(week, *, zone_form: ZoneForm | None = None, edited: ZoneForm | None = None,
                    edited_id: int | None = None, device_form: GateDeviceForm | None = None,
                    status: int = 200):
    counts = zones.zone_counts(week, vietnam_today())
    cards = [ZoneCard(count, edited if (count.zone.id or 0) == edited_id
                      else ZoneForm.for_zone(count.zone, week)) for count in counts]
    every = devices.week_devices(week)
    businesses = _load_businesses(every)  # kept until the page is rendered
    device_form = device_form or GateDeviceForm(formdata=None, prefix="device")
    device_form.offer_zones([card.zone for card in cards])
    slug = week.slug
    return render_template(
        "scanning/entrances.html", week=week, zones=cards, figures_at=utcnow(),
        zone_form=zone_form or ZoneForm(formdata=None, prefix="zone").offer_days(week),
        device_form=device_form,
        devices=[d for d in every if d.purpose == DevicePurpose.GATE.value],
        lead_devices=[d for d in every if d.purpose == DevicePurpose.LEADS.value],
        refusing=[d for d in every if d.refused_scans],
        flagged=flagged_scans(week), scanner_url=_scanner_url(),
        revoke_url=lambda d: url_for("scanning.revoke_device", slug=slug, device_id=d.id),
        code_url=lambda d: (url_for("scanning.new_code", slug=slug, device_id=d.id)
                            if d.purpose == DevicePurpose.GATE.value else None),
        revoke_consequence=revoke_consequence, code_consequence=code_consequence,
        businesses=businesses), status


def _load_businesses(listed) -> list[Business]:
    """The businesses the lead scanners' rows name, in one query: while the caller holds them
    (the session keeps loaded rows only as long as something refers to them), each row finds
    its own in the session instead of asking the database. Their zones are there already,
    read with the figures."""
    ids = {device.business_id for device in listed if device.business_id}
    if not ids:
        return []
    return list(db.session.scalars(select(Business).where(Business.id.in_(ids))))


@bp.route("/organiser/weeks/<slug>/entrances")
@organiser_required
def entrances(slug):
    """The week's zones with their rules and live headcount, its scanning devices, and the
    scans to look at. Reloaded often at the gate: a fixed handful of queries."""
    return _entrances_page(get_managed_week(slug, current_user))


def _back_to(slug: str, section: str) -> str:
    return url_for("scanning.entrances", slug=slug) + "#" + section


@bp.route("/organiser/weeks/<slug>/entrances/zones", methods=["POST"])
@organiser_required
def add_zone(slug):
    week = get_managed_week(slug, current_user)
    form = ZoneForm(prefix="zone").offer_days(week)
    if form.validate_on_submit():
        try:
            zone = zones.create_zone(actor=current_user, week=week, data=form.zone_data())
            flash(_("Zone “%(name)s” added.", name=zone.name), "success")
            return redirect(_back_to(slug, f"zone-{zone.id}"), 303)
        except ValidationFailed as error:
            form.apply_errors(error)
    return _entrances_page(week, zone_form=form, status=422)


@bp.route("/organiser/weeks/<slug>/entrances/zones/<int:zone_id>", methods=["POST"])
@organiser_required
def edit_zone(slug, zone_id):
    week = get_managed_week(slug, current_user)
    zone = _hall_stand_in(week) if zone_id == 0 else zones.get_week_zone(week, zone_id)
    if zone is None:
        raise NotFound(_("There is no such zone."))
    form = ZoneForm(prefix=ZoneForm.prefix_for(zone_id)).offer_days(week)
    if form.validate_on_submit():
        try:
            zone = zones.update_zone(actor=current_user, zone=zone, data=form.zone_data())
            flash(_("Zone “%(name)s” saved.", name=zone.name), "success")
            return redirect(_back_to(slug, f"zone-{zone.id}"), 303)
        except ValidationFailed as error:
            form.apply_errors(error)
    return _entrances_page(week, edited=form, edited_id=zone_id, status=422)


def _hall_stand_in(week):
    """Zone 0 of the page: the hall of a week from before zones, not stored yet (update_zone
    stores it with the rules it is given), or the hall itself if a scan stored it meanwhile."""
    return zones.week_zones(week)[0]


@bp.route("/organiser/weeks/<slug>/entrances/devices", methods=["POST"])
@organiser_required
def add_device(slug):
    """A new entrance scanner; the answer is its one-time pairing code."""
    week = get_managed_week(slug, current_user)
    form = GateDeviceForm(prefix="device")
    if form.validate_on_submit():
        try:
            device, code = devices.create_device(
                current_user, week, DevicePurpose.GATE.value, form.name.data or "",
                zone=_zone_id(week, form.zone.data), gate=form.gate.data or "")
            return _pairing_page(week, device, code, _back_to(slug, "devices"), week_nav=True,
                                 status=201)
        except ValidationFailed as error:
            form.apply_errors(error)
    return _entrances_page(week, device_form=form, status=422)


def _zone_id(week, value: str | None) -> int | None:
    """The zone picked, as an id (the service checks it is one of the week's); "0", the hall
    of a week from before zones, is stored now that a scanner needs it."""
    if (value or "").strip() == "0":
        return zones.default_zone(week).id
    try:
        return row_id(value)
    except (TypeError, ValueError):
        return None


@bp.route("/organiser/weeks/<slug>/entrances/devices/<int:device_id>/code", methods=["POST"])
@organiser_required
def new_code(slug, device_id):
    """A new pairing code for an entrance scanner."""
    week = get_managed_week(slug, current_user)
    return _reissue(week, _device(week, device_id), _back_to(slug, "devices"), week_nav=True)


@bp.route("/organiser/weeks/<slug>/entrances/devices/<int:device_id>/revoke", methods=["POST"])
@organiser_required
def revoke_device(slug, device_id):
    """Revoke any scanner of the week: an entrance scanner or an exhibitor's lead scanner."""
    week = get_managed_week(slug, current_user)
    return _revoke(_device(week, device_id), _back_to(slug, "devices"))


# -- the exhibitor's lead scanners -----------------------------------------------------------

@bp.route("/my/weeks/<slug>/scanners", methods=["GET", "POST"])
@exhibitor_required
def my_scanners(slug):
    """The business's lead scanners at the week, within its allowance; POST makes one and
    answers its pairing code."""
    week = get_visible_week(slug, current_user)
    form = LeadDeviceForm()
    status = 200
    if form.validate_on_submit():
        try:
            device, code = devices.create_device(current_user, week, DevicePurpose.LEADS.value,
                                                 form.name.data or "")
            return _pairing_page(week, device, code, url_for("scanning.my_scanners", slug=slug),
                                 week_nav=False, status=201)
        except ValidationFailed as error:
            form.apply_errors(error)
            status = 422
        except (Forbidden, NotFound):
            raise
        except AppError as error:  # no confirmed booth, or every scanner in use (409)
            form.extra_errors = [error.message]
            status = error.status
    business_id = current_user.business_id
    used, allowed = devices.lead_device_allowance(week, business_id)
    return render_template(
        "scanning/my_scanners.html", week=week, form=form, used=used, allowed=allowed,
        per_booth=devices.LEADS_PER_BOOTH, devices=devices.business_devices(week, business_id),
        scanner_url=_scanner_url(),
        revoke_url=lambda d: url_for("scanning.revoke_my_scanner", slug=slug, device_id=d.id),
        code_url=lambda d: url_for("scanning.my_scanner_code", slug=slug, device_id=d.id),
        revoke_consequence=revoke_consequence, code_consequence=code_consequence), status


@bp.route("/my/weeks/<slug>/scanners/<int:device_id>/code", methods=["POST"])
@exhibitor_required
def my_scanner_code(slug, device_id):
    week = get_visible_week(slug, current_user)
    return _reissue(week, _device(week, device_id), url_for("scanning.my_scanners", slug=slug),
                    week_nav=False)


@bp.route("/my/weeks/<slug>/scanners/<int:device_id>/revoke", methods=["POST"])
@exhibitor_required
def revoke_my_scanner(slug, device_id):
    week = get_visible_week(slug, current_user)
    return _revoke(_device(week, device_id), url_for("scanning.my_scanners", slug=slug))
