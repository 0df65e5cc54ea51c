"""A participant's printable B2B schedule: one A4 page (or more) listing each meeting's time,
table and the other side, to carry on the day."""
from __future__ import annotations

import io

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import ngettext
from reportlab.platypus import Paragraph, Spacer

from exhibit.pdf import document as nd30
from exhibit.vn.dates import format_date, to_vietnam_time
from exhibit.vn.phones import format_phone


def render_schedule(week, participant_name: str, meetings, *, side: str, lang: str = "vi") -> bytes:
    """``side`` is "buyer" or "supplier": the other column names the other side (the supplier
    on a buyer's schedule, the buyer on a supplier's)."""
    with force_locale(lang):
        return _render(week, participant_name, meetings, side=side, lang=lang)


def _render(week, participant_name: str, meetings, *, side: str, lang: str) -> bytes:
    s = nd30.styles()
    story = [
        Paragraph(nd30.t(week.name(lang)), s.sign_title),
        Paragraph(nd30.t(f"{format_date(week.start_date)} – {format_date(week.end_date)} · "
                         f"{week.venue_name}"), s.subtitle),
        *nd30.title(s, _("B2B meeting schedule"), participant_name),
    ]
    rows = []
    for m in meetings:
        if m.slot is None:
            continue
        start, end = to_vietnam_time(m.slot.starts_at), to_vietnam_time(m.slot.ends_at)
        if side == "buyer":
            other, contact = m.supplier.name, format_phone(m.supplier.phone)
        else:
            other = m.buyer.business.name
            contact = " · ".join(x for x in (m.buyer.contact_name, format_phone(m.buyer.contact_phone)
                                             if m.buyer.contact_phone else "") if x)
        rows.append([start.strftime("%d/%m"), f"{start:%H:%M}–{end:%H:%M}", m.table.label, other,
                     contact])
    if rows:
        head = [_("Date"), _("Time"), _("Table"), _("Supplier") if side == "buyer" else _("Buyer"),
                _("Contact")]
        story.append(nd30.grid(s, head, rows, [16, 32, 18, 64, 45]))
    else:
        story.append(nd30.paragraph(s, _("No meeting has been scheduled yet.")))
    unscheduled = sum(1 for m in meetings if m.slot is None and m.status in ("requested", "accepted"))
    if unscheduled:
        story += [Spacer(1, 6), nd30.paragraph(s, ngettext(
            "%(num)s meeting request has no time yet; the organiser will schedule it.",
            "%(num)s meeting requests have no time yet; the organiser will schedule them.",
            unscheduled))]
    buffer = io.BytesIO()
    nd30.build(buffer, story, title_text=f"B2B – {participant_name}", author=week.organizer.name)
    return buffer.getvalue()
