"""Bearer tokens: who is calling the API."""
from __future__ import annotations

from flask import g, request
from flask_babel import gettext as _

from exhibit.accounts.services import live_token
from exhibit.core.errors import Forbidden, Unauthorized


def authenticate(roles: tuple[str, ...]) -> None:
    """The request's ``Authorization: Bearer <token>`` names a live token of a user with one of
    ``roles`` (any user when empty): it becomes ``g.api_user``; else 401, or 403 for another
    role."""
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    row = live_token(token.strip()) if scheme.lower() == "bearer" and token else None
    if row is None:
        raise Unauthorized(_("Send a valid token: Authorization: Bearer <token>. "
                             "Tokens expire, and end when revoked."))
    if roles and row.user.role not in roles:
        raise Forbidden(_("This token's account cannot do this."))
    g.api_user, g.api_token_id = row.user, row.id


def authenticate_device(*, allow_revoked: bool = False) -> None:
    """The request's ``Authorization: Bearer dv_…`` names a scanning device: it becomes
    ``g.api_device``; else 401. A revoked device is refused with 403 device_revoked (so the
    phone can say why) unless ``allow_revoked`` (the view then refuses it itself); a device
    whose week is over with 401 device_expired."""
    from exhibit.scanning import devices
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    device = devices.device_for_token(token.strip()) if scheme.lower() == "bearer" else None
    if device is None:
        raise Unauthorized(_("Send this scanner's token: Authorization: Bearer dv_…. Pair the "
                             "scanner again if it was given a new QR."))
    if device.revoked_at is not None and not allow_revoked:
        raise devices.DeviceRevoked(devices.revoked_message())
    if device.revoked_at is None:
        devices.refuse_expired(device)
    g.api_device = device
