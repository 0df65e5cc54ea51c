"""The week desk's tabs and the actions on their rows: typed booth codes and businesses (tax code
or name) answered with a message naming what is wrong, and every action coming back to the very
tab, filter and page it was made from."""
from __future__ import annotations

import re

import pytest
from flask_babel import force_locale

from exhibit.booking import queries
from exhibit.booking import services as booking
from exhibit.core.errors import ValidationFailed
from exhibit.floorplan.services import get_booth
from tests.conftest import login


def _flashes(page: str) -> list[str]:
    return [re.sub(r"\s+", " ", m).strip()
            for m in re.findall(r'class="flash [^"]*"[^>]*>(.*?)</', page, re.S)]


def test_typed_participant_finds_by_tax_code_name_or_a_part_only_one_has(open_week, make_exhibitor):
    durian = make_exhibitor("Hợp tác xã Sầu riêng Cái Mơn")
    longan = make_exhibitor("Hợp tác xã Nhãn xuồng Cái Mơn")
    outsider = make_exhibitor("Hợp tác xã Sầu riêng Ri6")  # has not applied
    for user in (durian, longan):
        booking.apply_to_week(actor=user, week=open_week, data={})
    tax_code = durian.business.tax_code
    for typed in (tax_code, f" {tax_code[:4]} {tax_code[4:]} ", "hợp tác xã sầu riêng cái mơn",
                  "SAU RIENG", "sầu riêng cái"):
        assert booking.typed_participant(open_week, typed).id == durian.business_id, typed
    for typed, field_message in (("cái mơn", "tax code"), ("Ri6", "Ri6"), ("", "tax code"),
                                 (outsider.business.tax_code, outsider.business.tax_code)):
        with pytest.raises(ValidationFailed) as refused, force_locale("en"):
            booking.typed_participant(open_week, typed)
        assert field_message in refused.value.fields["business"], typed


def test_a_rejected_business_is_not_taking_part(open_week, organiser, make_exhibitor):
    user = make_exhibitor("Hợp tác xã Bị Từ Chối")
    application = booking.apply_to_week(actor=user, week=open_week, data={})
    booking.decide_application(actor=organiser, application=application, decision="reject",
                               reason="Không phù hợp")
    with pytest.raises(ValidationFailed):
        booking.typed_participant(open_week, user.business.tax_code)


def test_typed_booth_ignores_case_and_refuses_an_unknown_code_on_its_field(open_week):
    assert booking.typed_booth(open_week, " a03 ").code == "A03"
    for typed in ("Z99", "", "A0" * 50):
        with pytest.raises(ValidationFailed) as refused:
            booking.typed_booth(open_week, typed)
        assert "booth" in refused.value.fields


def test_assign_by_tax_code_or_name_and_say_what_is_wrong(client, organiser, open_week,
                                                          make_exhibitor):
    first, second = make_exhibitor("Cơ sở Mật ong Bạc Hà"), make_exhibitor("Cơ sở Chè Shan Tuyết")
    for user in (first, second):
        booking.apply_to_week(actor=user, week=open_week, data={})
    login(client, organiser)
    desk = f"/organiser/weeks/{open_week.slug}"
    back = f"{desk}?state=all&page=1"
    response = client.post(f"{desk}/assign", query_string={"next": back},
                           data={"booth": "a02", "business": first.business.tax_code})
    assert response.status_code == 302 and response.headers["Location"].endswith(back)
    assert {a.booth.code: a.business_id for a in queries.week_allocations(open_week)} == \
        {"A02": first.business_id}
    for form, named in (({"booth": "Z99", "business": "chè shan"}, "Z99"),
                        ({"booth": "A04", "business": "không ai"}, "không ai"),
                        ({"booth": "A04", "business": ""}, None)):
        page = client.post(f"{desk}/assign", data=form, follow_redirects=True)
        assert page.status_code == 200  # a message on the desk, not a 404 or 400 page
        flashes = _flashes(page.get_data(as_text=True))
        assert flashes and (named is None or named in flashes[-1]), flashes
    assert "A04" not in {a.booth.code for a in queries.week_allocations(open_week)}
    client.post(f"{desk}/assign", data={"booth": "A04", "business": "chè shan"})
    assert {a.booth.code: a.business_id for a in queries.week_allocations(open_week)}["A04"] \
        == second.business_id


def test_moving_to_an_unknown_booth_is_a_message_not_a_404(client, organiser, open_week,
                                                           make_exhibitor):
    user = make_exhibitor()
    booking.apply_to_week(actor=user, week=open_week, data={})
    held = booking.hold_booth(actor=user, week=open_week, booth=get_booth(open_week, "A01"))
    login(client, organiser)
    response = client.post(f"/organiser/weeks/{open_week.slug}/allocations/{held.id}/move",
                           data={"booth": "Q42"}, follow_redirects=True)
    assert response.status_code == 200
    assert any("Q42" in f for f in _flashes(response.get_data(as_text=True)))
    assert queries.business_allocations(user.business_id)[0].booth.code == "A01"


def test_every_tab_answers_on_an_empty_week_and_on_a_busy_one(client, organiser, open_week,
                                                              make_exhibitor):
    login(client, organiser)
    desk = f"/organiser/weeks/{open_week.slug}"
    for query in ("", "?tab=applications", "?tab=waiting", "?state=held", "?q=x&booth=A&hall=1"):
        assert client.get(desk + query).status_code == 200, query
    users = [make_exhibitor(f"Cơ sở Bánh tráng Số {n}") for n in range(3)]
    applications = [booking.apply_to_week(actor=u, week=open_week, data={}) for u in users]
    for application in applications[1:]:
        booking.decide_application(actor=organiser, application=application, decision="waitlist")
    booking.hold_booth(actor=users[0], week=open_week, booth=get_booth(open_week, "A06"))
    bookings = client.get(desk).get_data(as_text=True)
    assert re.findall(r'<tr class="hold" data-booth="(\w+)"', bookings) == ["A06"]
    assert re.findall(r'<tr class="allocation" data-booth="(\w+)"', bookings) == ["A06"]
    waiting = client.get(desk + "?tab=waiting").get_data(as_text=True)
    assert re.findall(r'<tr class="waiting-entry"[^>]* data-id="(\d+)"', waiting) == \
        [str(a.id) for a in applications[1:]]  # first come first offered
    listed = client.get(desk + "?tab=applications&state=waitlisted").get_data(as_text=True)
    assert re.findall(r'<tr class="application"[^>]* data-id="(\d+)"', listed) == \
        [str(a.id) for a in applications[1:]]
    assert 'class="badge s-waitlisted"' in listed and "s-submitted" not in listed.split("<tbody>")[1]


def test_a_decision_comes_back_to_the_filtered_tab(client, organiser, open_week, make_exhibitor):
    user = make_exhibitor()
    application = booking.apply_to_week(actor=user, week=open_week, data={})
    login(client, organiser)
    desk = f"/organiser/weeks/{open_week.slug}"
    page = client.get(desk + "?tab=applications&state=submitted").get_data(as_text=True)
    action = re.search(r'action="([^"]*/applications/%d/decide[^"]*)"' % application.id, page).group(1)
    response = client.post(action.replace("&amp;", "&"), data={"decision": "approve", "reason": ""})
    assert response.headers["Location"].endswith("?tab=applications&state=submitted")
    assert queries.application_for(open_week.id, user.business_id).status == "approved"


def test_bookings_are_found_by_a_tax_code_typed_in_groups(client, organiser, open_week,
                                                           confirmed_exhibitor):
    found = confirmed_exhibitor("Hợp tác xã Bưởi Tân Triều")
    confirmed_exhibitor("Hợp tác xã Mít Thái")
    code = found.business.tax_code
    login(client, organiser)
    for typed in (f"{code[:4]}-{code[4:7]}-{code[7:]}", f"{code[:4]} {code[4:]}", f"{code}-"):
        html = client.get(f"/organiser/weeks/{open_week.slug}",
                          query_string={"q": typed}).get_data(as_text=True)
        assert "Bưởi Tân Triều" in html and "Mít Thái" not in html, typed
    # a search that finds nothing says so once, not "no bookings yet" (there are two)
    with force_locale("vi"):
        empty = client.get(f"/organiser/weeks/{open_week.slug}",
                           query_string={"q": "9999-999-999"}).get_data(as_text=True)
    assert "Không có lượt đặt gian nào phù hợp." in empty and "Mít Thái" not in empty
