"""A participant's B2B schedule as a calendar file (iCalendar, RFC 5545): one event per
scheduled meeting, so phones put each one in their calendar with its table and the other side.

Times are written in UTC (the "Z" form) so no calendar needs Vietnam's time zone defined; each
event's UID names the meeting, so importing the file again after a change updates the events
rather than adding copies.
"""
from __future__ import annotations

from datetime import datetime, timezone

from flask_babel import force_locale
from flask_babel import gettext as _


def _escape(text: str) -> str:
    """TEXT values: backslash, semicolon, comma and newlines escaped (RFC 5545 3.3.11)."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> list[str]:
    """Lines longer than 75 octets are folded with a leading space (RFC 5545 3.1), never
    inside a UTF-8 character."""
    out, current = [], ""
    for char in line:
        limit = 75 if not out else 74
        if len((current + char).encode()) > limit:
            out.append(current)
            current = char
        else:
            current += char
    out.append(current)
    return [out[0]] + [" " + part for part in out[1:]]


def _moment(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def render_calendar(week, meetings, *, side: str, host: str, lang: str = "vi",
                    now: datetime | None = None) -> bytes:
    """``side`` is "buyer" or "supplier"; ``host`` makes the UIDs unique to this site."""
    now = now or datetime.now(timezone.utc)
    with force_locale(lang):
        lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//exhibit//B2B schedule//VI",
                 "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
                 f"X-WR-CALNAME:{_escape('B2B · ' + week.name(lang))}"]
        for m in meetings:
            if m.slot is None or m.status != "accepted":
                continue
            other = m.supplier.name if side == "buyer" else m.buyer.business.name
            summary = _("B2B meeting: %(name)s", name=other)
            lines += ["BEGIN:VEVENT", f"UID:b2b-meeting-{m.id}@{host}",
                      f"DTSTAMP:{_moment(now)}", f"DTSTART:{_moment(m.slot.starts_at)}",
                      f"DTEND:{_moment(m.slot.ends_at)}",
                      f"SUMMARY:{_escape(summary)}",
                      f"LOCATION:{_escape(f'{m.table.label} · {week.venue_name}')}",
                      "END:VEVENT"]
        lines.append("END:VCALENDAR")
    folded = [part for line in lines for part in _fold(line)]
    return ("\r\n".join(folded) + "\r\n").encode()
