"""Right after registering, the visitor's badge page shows their privacy link once — kept in
their session, never in an address someone holding the badge's code could open."""
from __future__ import annotations

from exhibit.core.privacy_links import privacy_link
from exhibit.extensions import db
from exhibit.badges.models import Badge
from sqlalchemy import select


def test_the_badge_page_shows_the_privacy_link_once(client, open_week):
    registered = client.post(f"/weeks/{open_week.slug}/visit", data={
        "full_name": "Lâm Thị Riêng Tư", "phone": "0913 222 444", "consent": "y",
        "share_contact": "y"})
    assert registered.status_code == 302, registered.get_data(as_text=True)[:500]
    badge = db.session.scalar(select(Badge).where(Badge.full_name == "Lâm Thị Riêng Tư"))
    link = privacy_link(open_week.organizer_id, phone=badge.phone)
    first = client.get(registered.headers["Location"]).get_data(as_text=True)
    assert link in first and link not in registered.headers["Location"]
    again = client.get(registered.headers["Location"]).get_data(as_text=True)
    assert link not in again and "data-privacy-link" not in again
    # someone else holding the badge's code sees no link either
    other = client.application.test_client().get(f"/e/{badge.entry_code}?new=1")
    assert "data-privacy-link" not in other.get_data(as_text=True)
