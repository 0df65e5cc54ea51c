"""A participant's printable B2B schedule: one A4 page (or more) listing each meeting's time,
table and the other side, to carry on the day."""
from __future__ import annotations

import io

from reportlab.platypus import Paragraph, Spacer

from exhibit.pdf import document as nd30
from exhibit.vn.dates import format_date, to_vietnam_time
from exhibit.vn.phones import format_phone


def render_schedule(week, participant_name: str, meetings, *, side: str, lang: str = "vi") -> bytes:
    """``side`` is "buyer" or "supplier": the other column shows the counterpart."""
    vi = lang != "en"
    s = nd30.styles()
    story = [
        Paragraph(nd30.t(week.name(lang)), s.sign_title),
        Paragraph(nd30.t(f"{format_date(week.start_date)} – {format_date(week.end_date)} · "
                         f"{week.venue_name}"), s.subtitle),
        *nd30.title(s, "Lịch gặp B2B" if vi else "B2B meeting schedule", participant_name),
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
        head = (["Ngày", "Giờ", "Bàn", "Đối tác", "Liên hệ"] if vi
                else ["Date", "Time", "Table", "Partner", "Contact"])
        story.append(nd30.grid(s, head, rows, [16, 32, 18, 64, 45]))
    else:
        story.append(nd30.paragraph(s, "Chưa có cuộc gặp nào được xếp lịch." if vi
                                    else "No meeting has been scheduled yet."))
    unscheduled = sum(1 for m in meetings if m.slot is None and m.status in ("requested", "accepted"))
    if unscheduled:
        story += [Spacer(1, 6), nd30.paragraph(
            s, f"{unscheduled} yêu cầu gặp chưa có giờ; Ban tổ chức sẽ xếp lịch." if vi
            else f"{unscheduled} meeting requests have no time yet; the organiser will schedule them.")]
    buffer = io.BytesIO()
    nd30.build(buffer, story, title_text=f"B2B – {participant_name}", author=week.organizer.name)
    return buffer.getvalue()
