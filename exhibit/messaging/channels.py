"""How a message leaves: one transport per channel, all with the same ``send(message)``.

- email: SMTP (``MAIL_SERVER`` …) with the standard library's ``smtplib`` and ``email``: a
  multipart text + HTML message, UTF-8 headers, and the files its references name, made as it
  is sent (:mod:`exhibit.messaging.attachments`). Without ``MAIL_SERVER`` it is written to
  ``OUTBOX_DIR`` as an ``.eml`` file instead (the development default; see /dev/outbox).
- zalo: Zalo Notification Service — a pre-approved template (``ZALO_ZNS_TEMPLATES`` maps each
  event to its template id) filled with parameters, sent to the phone as 84xxxxxxxxx.
- sms: a brandname SMS provider's HTTP API (``SMS_API_URL``), unaccented text (see templates).

A transport returns the provider's id for the message, or raises :class:`DeliveryFailed`:
``permanent`` when trying again cannot help (the address does not exist, the recipient has no
Zalo account), otherwise the outbox retries later.
"""
from __future__ import annotations

import json
import smtplib
import socket
import urllib.error
import urllib.request
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app

from exhibit.messaging import attachments
from exhibit.messaging.models import Channel, Message

#: Zalo answers HTTP 200 with an error code in the body; these say the phone cannot receive
#: ZNS at all (invalid number, no Zalo account, messages from OAs refused), so the message
#: goes by the next channel instead of being retried
ZALO_RECIPIENT_REFUSED = {-108, -118, -119}
TIMEOUT_S = 15


class DeliveryFailed(Exception):
    def __init__(self, reason: str, *, permanent: bool = False):
        super().__init__(reason)
        self.reason = reason[:500]
        self.permanent = permanent


def configured_channels() -> tuple[Channel, ...]:
    """The channels this installation can send by, in the order people are reached:
    Zalo, then SMS, then email (always: SMTP, or files in development)."""
    config = current_app.config
    channels = []
    if config.get("ZALO_ZNS_ACCESS_TOKEN"):
        channels.append(Channel.ZALO)
    if config.get("SMS_API_URL"):
        channels.append(Channel.SMS)
    channels.append(Channel.EMAIL)
    return tuple(channels)


def zalo_template_id(event: str) -> str | None:
    """The id Zalo approved for this event's template; an event without one never goes by Zalo."""
    return (current_app.config.get("ZALO_ZNS_TEMPLATES") or {}).get(event)


def send(message: Message) -> str:
    """Send ``message`` by its channel; the provider's id for it."""
    channel = Channel(message.channel)
    if channel is Channel.EMAIL:
        if current_app.config.get("MAIL_SERVER"):
            return _send_smtp(message)
        return _write_file(message)
    if channel is Channel.ZALO:
        return _send_zalo(message)
    return _send_sms(message)


# -- email ---------------------------------------------------------------------------------------

def email_for(message: Message) -> EmailMessage:
    config = current_app.config
    email = EmailMessage()
    email["From"] = config["MAIL_FROM"]
    email["To"] = message.address
    email["Subject"] = message.subject
    email["Date"] = formatdate(usegmt=True)
    domain = config["MAIL_FROM"].rsplit("@", 1)[-1].strip("> ") or "exhibit.local"
    email["Message-ID"] = make_msgid(idstring=f"m{message.id}", domain=domain)
    # transactional: auto-replies and out-of-office answers stay away
    email["Auto-Submitted"] = "auto-generated"
    email["Content-Language"] = message.language
    email.set_content(message.body_text, charset="utf-8")
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html", charset="utf-8")
    for attached in attachments.produce((message.params or {}).get("attachments")):
        email.add_attachment(attached.content, maintype=attached.maintype,
                             subtype=attached.subtype, filename=attached.filename)
    return email


def _send_smtp(message: Message) -> str:
    config = current_app.config
    email = email_for(message)
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    try:
        with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=TIMEOUT_S) as smtp:
            if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            smtp.send_message(email)
    except smtplib.SMTPNotSupportedError as exc:
        # e.g. an address with accents before the @ and a server without SMTPUTF8: trying
        # again cannot help
        raise DeliveryFailed(f"the SMTP server cannot take this message: {exc}",
                             permanent=True) from exc
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _text in exc.recipients.values()]
        raise DeliveryFailed(f"recipient refused: {exc.recipients}",
                             permanent=all(500 <= code < 600 for code in codes)) from exc
    except smtplib.SMTPResponseException as exc:
        raise DeliveryFailed(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}",
                             permanent=500 <= exc.smtp_code < 600 and exc.smtp_code != 554) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryFailed(f"SMTP server unreachable: {exc}") from exc
    return email["Message-ID"]


def _write_file(message: Message) -> str:
    """The development transport: the email as an .eml file in OUTBOX_DIR."""
    folder = Path(current_app.config["OUTBOX_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{message.id:06d}-{message.channel}.eml"
    path.write_bytes(bytes(email_for(message)))
    return f"file:{path.name}"


# -- Zalo ZNS and SMS (HTTP APIs) ---------------------------------------------------------------

def zalo_phone(e164: str) -> str:
    """"+84912345678" → "84912345678", the form Zalo's API takes."""
    return e164.lstrip("+")


def _send_zalo(message: Message) -> str:
    config = current_app.config
    template_id = zalo_template_id(message.event)
    if not template_id:
        raise DeliveryFailed(f"no Zalo template for {message.event}", permanent=True)
    answer = _post_json(config["ZALO_ZNS_URL"], {
        "phone": zalo_phone(message.address),
        "template_id": template_id,
        "template_data": message.params.get("zalo", {}),
        # Zalo keeps it with the message: the same message is recognisable on a retry
        "tracking_id": message.idempotency_key[:48],
    }, headers={"access_token": config["ZALO_ZNS_ACCESS_TOKEN"]})
    error = answer.get("error", -1)
    if error != 0:
        raise DeliveryFailed(f"Zalo error {error}: {answer.get('message', '')}",
                             permanent=error in ZALO_RECIPIENT_REFUSED)
    return str((answer.get("data") or {}).get("msg_id", ""))


def _send_sms(message: Message) -> str:
    config = current_app.config
    answer = _post_json(config["SMS_API_URL"], {
        "to": zalo_phone(message.address),
        "from": config["SMS_BRANDNAME"],
        "text": message.body_text,
        "unicode": False,
        "reference": message.idempotency_key,
    }, headers={"Authorization": f"Bearer {config.get('SMS_API_KEY') or ''}"})
    return str(answer.get("id", ""))


def _post_json(url: str, body: dict, *, headers: dict) -> dict:
    request = urllib.request.Request(
        url, data=json.dumps(body, ensure_ascii=False).encode(), method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", **headers})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # noqa: S310 - configured URL
            raw = response.read()
    except urllib.error.HTTPError as exc:
        # 4xx: the provider refuses this message as it is (bad number, bad template): final;
        # 429 and 5xx: try again later
        permanent = 400 <= exc.code < 500 and exc.code not in (408, 429)
        raise DeliveryFailed(f"HTTP {exc.code} from {url}", permanent=permanent) from exc
    except (urllib.error.URLError, socket.timeout, OSError) as exc:
        raise DeliveryFailed(f"{url} unreachable: {exc}") from exc
    try:
        answer = json.loads(raw or b"{}")
    except ValueError as exc:
        raise DeliveryFailed(f"{url} answered something other than JSON") from exc
    return answer if isinstance(answer, dict) else {}
