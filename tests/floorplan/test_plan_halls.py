"""The plan one hall at a time: a chooser of halls with their free booths, the first hall drawn
unless another is chosen, on the public plan, the week page and the organiser's booth page."""
from __future__ import annotations

import re

from exhibit.booking import services as booking
from exhibit.floorplan.services import get_booth, save_booth, save_hall
from tests.conftest import login


def drawn(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-code="([^"]+)" data-status="([^"]+)"', html))


def second_hall(organiser, week):
    hall = save_hall(actor=organiser, week=week,
                     data={"name": "Sảnh B", "grid_width": 12, "grid_height": 6})
    for i in range(3):
        save_booth(actor=organiser, week=week, hall_id=hall.id, data={
            "code": f"B{i + 1:02d}", "price_vnd": 900_000, "grid_x": i * 3, "grid_y": 1})
    return hall


def test_each_plan_draws_the_chosen_hall_and_counts_every_hall(
        client, organiser, open_week, make_exhibitor):
    hall_b = second_hall(organiser, open_week)
    user = make_exhibitor()
    booking.apply_to_week(actor=user, week=open_week, data={})
    booking.hold_booth(actor=user, week=open_week, booth=get_booth(open_week, "B02"))
    hall_a = get_booth(open_week, "A01").hall_id
    for path in (f"/weeks/{open_week.slug}/plan", f"/weeks/{open_week.slug}"):
        first = client.get(path).text
        assert set(drawn(first)) == {"A01", "A02", "A03", "A04", "A05", "A06"}
        assert f'data-hall="{hall_a}" aria-current="true"' in first
        # the chooser: 6 of 6 free in A, 2 of 3 in B (B02 is held)
        assert re.search(rf'data-hall="{hall_b.id}">Sảnh B <small class="meta">[^<]*2[^<]*3', first)
        chosen = client.get(f"{path}?hall={hall_b.id}").text
        assert drawn(chosen) == {"B01": "available", "B02": "held", "B03": "available"}
        assert f'data-hall="{hall_b.id}" aria-current="true"' in chosen
        assert client.get(f"{path}?hall=oops").text.count('data-code="A0') == 6  # ignored
    login(client, organiser)
    desk = client.get(f"/organiser/weeks/{open_week.slug}/booths?hall={hall_b.id}").text
    assert set(drawn(desk)) == {"B01", "B02", "B03"}
    table = re.findall(r'<tr class="booth-row" data-booth="([^"]+)" data-status="([^"]+)"', desk)
    assert table == [("B01", "available"), ("B02", "held"), ("B03", "available")]
    held = client.get(f"/organiser/weeks/{open_week.slug}/booths?status=held").text
    assert re.findall(r'<tr class="booth-row" data-booth="([^"]+)"', held) == ["B02"]
    assert f'href="/organiser/weeks/{open_week.slug}/booths/{get_booth(open_week, "B02").id}/edit"' in desk
