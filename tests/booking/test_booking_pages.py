"""The booking pages: exhibitor hold by HTML, the organiser's desk, audit pages, CLI."""
import re
from datetime import timedelta

from exhibit.booking import queries
from exhibit.booking import services as booking
from exhibit.core.db import utcnow
from exhibit.floorplan.services import get_booth
from tests.conftest import login


def test_exhibitor_applies_holds_and_sees_it_on_dashboard(client, open_week, make_exhibitor):
    user = make_exhibitor()
    login(client, user)
    assert client.post(f"/weeks/{open_week.slug}/apply", data={"booth_count": "1",
                       "intended_products": "nước mắm"}).status_code == 302
    booth_page = client.get(f"/weeks/{open_week.slug}/booths/A03").get_data(as_text=True)
    assert f"/weeks/{open_week.slug}/booths/A03/hold" in booth_page
    assert client.post(f"/weeks/{open_week.slug}/booths/A03/hold").status_code == 302
    dashboard = client.get("/my").get_data(as_text=True)
    assert 'data-booth="A03" data-status="held"' in dashboard


def test_losing_a_booth_by_html_is_a_friendly_409(client, open_week, make_exhibitor):
    winner, loser = make_exhibitor(), make_exhibitor()
    for user in (winner, loser):
        booking.apply_to_week(actor=user, week=open_week, data={})
    booking.hold_booth(actor=winner, week=open_week, booth=get_booth(open_week, "A01"))
    login(client, loser)
    response = client.post(f"/weeks/{open_week.slug}/booths/A01/hold")
    assert response.status_code == 409
    assert "A01" in response.get_data(as_text=True)


def test_organiser_desk_confirm_move_release_and_audit(client, organiser, open_week, make_exhibitor):
    user = make_exhibitor(name="Hợp tác xã Sầu riêng Thử")
    booking.apply_to_week(actor=user, week=open_week, data={})
    hold = booking.hold_booth(actor=user, week=open_week, booth=get_booth(open_week, "A01"))
    login(client, organiser)
    desk = client.get(f"/organiser/weeks/{open_week.slug}").get_data(as_text=True)
    assert "Hợp tác xã Sầu riêng Thử" in desk and 'data-status="held"' in desk
    base = f"/organiser/weeks/{open_week.slug}/allocations/{hold.id}"
    assert client.post(base + "/confirm").status_code == 302
    assert client.post(base + "/move", data={"booth": "a04"}).status_code == 302
    moved = queries.business_allocations(user.business_id)[0]
    assert (moved.booth.code, moved.status) == ("A04", "confirmed")
    assert client.post(f"/organiser/weeks/{open_week.slug}/allocations/{moved.id}/release",
                       data={"reason": "Doanh nghiệp hủy"}).status_code == 302
    assert queries.business_allocations(user.business_id) == []
    audit = client.get(f"/organiser/weeks/{open_week.slug}/audit").get_data(as_text=True)
    for action in ("hold", "confirm", "move", "release"):
        assert f'data-action="{action}"' in audit
    # sentences, not codes
    assert "đã giữ gian A01 cho Hợp tác xã Sầu riêng Thử" in audit
    assert "đã chuyển Hợp tác xã Sầu riêng Thử từ gian A01 sang A04" in audit
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:", audit)  # times shown in Vietnam time
    per_business = client.get(f"/organiser/businesses/{user.business_id}/audit").get_data(as_text=True)
    assert "Doanh nghiệp hủy" in per_business


def test_organiser_decides_and_assigns(client, organiser, open_week, make_exhibitor):
    user = make_exhibitor()
    application = booking.apply_to_week(actor=user, week=open_week, data={})
    login(client, organiser)
    url = f"/organiser/weeks/{open_week.slug}/applications/{application.id}/decide"
    client.post(url, data={"decision": "reject", "reason": ""})
    assert queries.application_for(open_week.id, user.business_id).status == "submitted"
    client.post(url, data={"decision": "waitlist", "reason": "Hết gian hàng"})
    assert queries.application_for(open_week.id, user.business_id).status == "waitlisted"
    client.post(f"/organiser/weeks/{open_week.slug}/assign",
                data={"booth": "A02", "business": user.business.tax_code})
    allocation = queries.business_allocations(user.business_id)[0]
    assert (allocation.booth.code, allocation.status) == ("A02", "confirmed")


def test_waitlist_offer_shows_on_the_exhibitor_dashboard(client, organiser, open_week, make_exhibitor):
    holder, waiting = make_exhibitor(), make_exhibitor()
    booking.apply_to_week(actor=holder, week=open_week, data={})
    app_w = booking.apply_to_week(actor=waiting, week=open_week, data={})
    booking.decide_application(actor=organiser, application=app_w, decision="waitlist")
    booking.hold_booth(actor=holder, week=open_week, booth=get_booth(open_week, "A05"),
                       now=utcnow() - timedelta(minutes=30))
    login(client, waiting)
    assert 'class="flash success offer"' not in client.get("/my").get_data(as_text=True)
    booking.expire_due_holds()  # the clock job; reading a page never ends a hold
    html = client.get("/my").get_data(as_text=True)
    assert 'class="flash success offer"' in html and "A05" in html


def test_expire_holds_command(app, open_week, make_exhibitor):
    user = make_exhibitor()
    booking.apply_to_week(actor=user, week=open_week, data={})
    booking.hold_booth(actor=user, week=open_week, booth=get_booth(open_week, "A01"),
                       now=utcnow() - timedelta(minutes=16))
    result = app.test_cli_runner().invoke(args=["expire-holds"])
    assert result.exit_code == 0 and re.match(r"1 hold", result.output)
