"""The audit log pages filter in the database before they limit, and page their entries."""
from __future__ import annotations

from exhibit.core import audit
from exhibit.core.db import write_transaction
from tests.conftest import login


def test_the_week_log_pages_a_hundred_entries_at_a_time(client, organiser, open_week):
    with write_transaction():
        for n in range(130):
            audit.record("booth", n, "update", actor=organiser, week_id=open_week.id,
                         after={"n": n})
    login(client, organiser)
    first = client.get(f"/organiser/weeks/{open_week.slug}/audit").get_data(as_text=True)
    assert first.count('data-action="update"') == 100 and 'rel="next"' in first
    assert "n: 129" in first and "n: 29<" not in first  # newest first
    second = client.get(f"/organiser/weeks/{open_week.slug}/audit?page=2").get_data(as_text=True)
    # the booths and hall of the open_week fixture were logged too, before these
    assert second.count('data-action="update"') == 30 and 'rel="prev"' in second
    assert "n: 0<" in second


def test_another_bodys_entries_never_push_ours_off_the_business_log(client, organiser,
                                                                     open_week, make_exhibitor):
    """Filtering happens in SQL before the limit: 600 newer entries of the same business at
    another organising body's week do not hide this body's entries."""
    from exhibit.accounts.services import create_organiser_user
    from exhibit.booking.services import apply_to_week
    from exhibit.weeks.services import create_week
    from tests.conftest import PASSWORD
    stranger = create_organiser_user(email="btc@longan.example", password=PASSWORD,
                                     organizer_name="Sở Công Thương Long An",
                                     organizer_short_name="SCT-LA")
    theirs = create_week(actor=stranger, data={
        "name_vi": "Tuần Long An", "slug": "tuan-long-an", "host_province_scheme": "2025",
        "host_province_code": "80", "venue_name": "Tân An", "start_date": open_week.start_date,
        "end_date": open_week.end_date})
    business = make_exhibitor()
    apply_to_week(actor=business, week=open_week, data={})
    with write_transaction():
        for n in range(600):
            audit.record("application", n, "update", actor=stranger, week_id=theirs.id,
                         business_id=business.business_id, after={"n": n})
    login(client, organiser)
    page = client.get(f"/organiser/businesses/{business.business_id}/audit").get_data(as_text=True)
    assert 'data-action="submit"' in page  # our week's application
    assert 'data-action="update"' not in page  # nothing of theirs
