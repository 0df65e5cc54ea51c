"""The organiser's badge list on a small week, through its pages: the help desk's search, the
state filter, revoking from a search and issuing a badge, on SQLite and PostgreSQL."""
from __future__ import annotations

import re

from exhibit.badges import services
from exhibit.scanning import checkin
from tests.conftest import login, visitor_data


def shown_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr data-badge="(\d+)"', html)]


def test_the_help_desk_finds_a_visitor_however_it_is_typed(client, organiser, running_week):
    hung = services.register_visitor(week=running_week, data=visitor_data(
        full_name="Nguyễn Văn Hùng", phone="0912 345 678", email="hung@example.vn",
        organisation="Hợp tác xã Đắk Lắk"))
    other = services.register_visitor(week=running_week, data=visitor_data(
        full_name="Trần Thị Hương", phone="0987 654 321", email="", organisation="Co.op Mart"))
    login(client, organiser)
    url = f"/organiser/weeks/{running_week.slug}/badges?kind=visitor&q="
    for typed in ("nguyen hung", "HÙNG", "dak lak", "0912345678", "%2B84 912 345 678",
                  "0912.345.678", "345 678", "HUNG@", hung.entry_code.upper(),
                  f"http://exhibit.test/c/{hung.contact_code}"):
        html = client.get(url + typed).get_data(as_text=True)
        assert shown_ids(html) == [hung.id], typed
    assert shown_ids(client.get(url + "huong").get_data(as_text=True)) == [other.id]
    assert shown_ids(client.get(url + "ung").get_data(as_text=True)) == []  # not a word start
    both = client.get(url).get_data(as_text=True)
    assert shown_ids(both) == [other.id, hung.id]  # newest first
    # the phone card layout: every cell says what it is
    assert len(re.findall(r'<td data-label="[^"]+"', both)) == 4 * 2
    # from the staff tab, a visitor's code leads to the visitors
    staff_tab = client.get(f"/organiser/weeks/{running_week.slug}/badges?kind=staff&q="
                           f"{hung.entry_code}").get_data(as_text=True)
    assert shown_ids(staff_tab) == [hung.id]
    assert '<input type="hidden" name="kind" value="visitor">' in staff_tab


def test_states_and_revoking_from_a_search(client, organiser, running_week):
    badges = [services.register_visitor(week=running_week, data=visitor_data(
        full_name=f"Lê Văn Khách {n}", phone=f"09123456{n:02d}")) for n in range(3)]
    checkin.check_in(actor=organiser, code=badges[0].entry_code, nonce="nonce-list-1")
    login(client, organiser)
    base = f"/organiser/weeks/{running_week.slug}/badges?kind=visitor"
    html = client.get(base + "&state=checked_in_today").get_data(as_text=True)
    assert shown_ids(html) == [badges[0].id] and "data-checked-in" in html
    # revoke from a search: back to the same search, now showing the badge as revoked
    response = client.post(
        f"/organiser/weeks/{running_week.slug}/badges/{badges[1].id}/revoke"
        f"?q=khach&state=active&page=1&junk=1", data={"reason": "Đăng ký trùng"})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "q=khach" in location and "state=active" in location and "junk" not in location
    active = client.get(location).get_data(as_text=True)
    assert shown_ids(active) == [badges[2].id, badges[0].id]
    revoked = client.get(base + "&state=revoked").get_data(as_text=True)
    assert shown_ids(revoked) == [badges[1].id]
    assert re.search(r'<option value="revoked"[^>]*>[^<]*\(1\)</option>', revoked)


def test_issuing_a_badge_with_a_mistake_shows_the_list_again(client, organiser, open_week):
    login(client, organiser)
    url = f"/organiser/weeks/{open_week.slug}/badges/new"
    bad = client.post(url, data={"kind": "buyer", "full_name": "", "phone": "12"})
    assert bad.status_code == 422
    assert "data-badge-search" in bad.get_data(as_text=True)
    good = client.post(url, data={"kind": "buyer", "full_name": "Phạm Thu Mua",
                                  "organisation": "Saigon Co.op", "phone": "0903 123 456"})
    assert good.status_code == 302 and "kind=buyer" in good.headers["Location"]
    html = client.get(good.headers["Location"] + "&q=saigon").get_data(as_text=True)
    assert len(shown_ids(html)) == 1 and "Phạm Thu Mua" in html
