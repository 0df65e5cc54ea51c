"""Revoking a badge asks for confirmation (the organiser also for a reason, kept in the audit
log) and refuses without one, changing nothing; a week that is over or archived says that its
visitor registration is closed instead of showing a form it would refuse."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from exhibit.badges import services
from exhibit.extensions import db
from tests.conftest import login as sign_in, visitor_data


def login(client, user):
    user.locale = "en"
    db.session.commit()
    return sign_in(client, user)


def stored(sql: str, **params):
    """Straight from the database, on a connection of its own."""
    with db.engine.connect() as connection:
        return connection.execute(text(sql), params).all()


def test_the_organiser_revokes_only_with_a_reason(client, organiser, running_week):
    badge = services.register_visitor(week=running_week, data=visitor_data())
    login(client, organiser)
    listing = client.get(f"/organiser/weeks/{running_week.slug}/badges?kind=visitor")
    page = listing.get_data(as_text=True)
    assert 'class="confirm-action"' in page and "stops working at once" in page
    url = f"/organiser/weeks/{running_week.slug}/badges/{badge.id}/revoke?kind=visitor"
    refused = client.post(url, data={"reason": "  "})
    assert refused.status_code == 422
    assert "Give the reason for revoking this badge." in refused.get_data(as_text=True)
    assert stored("SELECT revoked_at FROM badges WHERE id = :id", id=badge.id)[0][0] is None
    assert stored("SELECT count(*) FROM audit_entries WHERE entity = 'badge' AND action = 'revoke' AND "
                  "entity_id = :id", id=badge.id)[0][0] == 0
    done = client.post(url, data={"reason": "Khách đăng ký hai lần"}, follow_redirects=True)
    assert "revoked: its codes no longer open the entrance" in done.get_data(as_text=True)
    assert stored("SELECT revoked_at FROM badges WHERE id = :id", id=badge.id)[0][0] is not None
    assert stored("SELECT note FROM audit_entries WHERE entity = 'badge' AND entity_id = :id "
                  "AND action = 'revoke'", id=badge.id)[0][0] == "Khách đăng ký hai lần"


def test_an_exhibitor_revokes_its_staff_badge_with_a_confirmation(client, exhibitor_with_booth,
                                                                 open_week):
    badge = services.add_staff_badge(actor=exhibitor_with_booth, week=open_week,
                                     data={"full_name": "Trần Văn Bán", "position": "Nhân viên"})
    login(client, exhibitor_with_booth)
    page = client.get(f"/my/weeks/{open_week.slug}/staff").get_data(as_text=True)
    assert "The badge of Trần Văn Bán stops working at once" in page
    done = client.post(f"/my/weeks/{open_week.slug}/staff/{badge.id}/revoke", data={},
                       follow_redirects=True)
    assert "Trần Văn Bán revoked" in done.get_data(as_text=True)
    assert stored("SELECT revoked_at FROM badges WHERE id = :id", id=badge.id)[0][0] is not None


def test_the_badge_page_has_no_duplicate_ids(client, organiser, running_week):
    from tests.booking.test_safe_release import duplicate_ids
    for n in range(3):
        services.register_visitor(week=running_week, data=visitor_data(phone=f"09123456{n:02d}"))
    login(client, organiser)
    for kind in ("visitor", "buyer", "staff"):
        page = client.get(f"/organiser/weeks/{running_week.slug}/badges?kind={kind}")
        assert duplicate_ids(page.get_data(as_text=True)) == {}, kind


def test_a_week_that_is_over_says_registration_is_closed(client, open_week):
    open_week.start_date = open_week.start_date.replace(year=2020)
    open_week.end_date = open_week.start_date + timedelta(days=4)
    open_week.status = "archived"
    db.session.commit()
    client.post("/language", data={"locale": "en"})
    page = client.get(f"/weeks/{open_week.slug}/visit")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "so visitor registration is closed" in html and "ended on" in html
    assert 'name="phone"' not in html and "not open" not in html
    refused = client.post(f"/weeks/{open_week.slug}/visit", data=visitor_data())
    assert refused.status_code == 403
    assert stored("SELECT count(*) FROM badges WHERE week_id = :w", w=open_week.id)[0][0] == 0


def test_an_open_week_still_shows_the_form(client, open_week):
    page = client.get(f"/weeks/{open_week.slug}/visit").get_data(as_text=True)
    assert 'name="phone"' in page and "registration-closed" not in page
