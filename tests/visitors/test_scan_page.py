"""The visitor's booth page at fair scale: scans written in batches (every one of them), the
booth drawn among its neighbours instead of its whole hall, and a drawing that follows a move."""
from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import select

from exhibit.extensions import db
from exhibit.floorplan.services import booths_near, get_booth, save_booth
from exhibit.floorplan.svg import render_neighbourhood
from exhibit.visitors import scans, services
from exhibit.visitors.models import BoothScan


def scan_rows() -> list[tuple[int, str]]:
    db.session.commit()  # end this test's read: see what another session wrote
    return sorted(db.session.execute(select(BoothScan.booth_id, BoothScan.visitor_key)).all())


def drawn_codes(html: str) -> set[str]:
    plan = html[html.index('class="mini-plan"'):]
    plan = plan[:plan.index("</details>")]
    return set(re.findall(r'data-code="([^"]+)"', plan))


@pytest.fixture
def batched(app):
    """Scans queued and written by the writer thread every ``seconds`` (an hour: only when a
    test flushes), as when serving; the queue is written and forgotten afterwards."""
    def turn_on(seconds: float = 3600.0):
        scans.stop_scans(app)
        app.config["SCAN_FLUSH_SECONDS"] = seconds
        return scans.queue_for(app)
    yield turn_on
    scans.stop_scans(app)
    app.config.pop("SCAN_FLUSH_SECONDS", None)


def test_every_scan_is_written_by_the_batch(app, client, open_week, batched):
    queue = batched()
    tokens = {code: services.current_token(get_booth(open_week, code))
              for code in ("A01", "A02", "A03")}
    expected = []
    for n in range(30):
        code = ("A01", "A02", "A03")[n % 3]
        visitor = f"visitor-{n:02d}-abcdefghijk"
        client.set_cookie("vk", visitor)
        page = client.get(f"/b/{tokens[code]}")
        assert page.status_code == 200
        page.close()
        expected.append((get_booth(open_week, code).id, visitor))
    assert len(queue) == 30 and scan_rows() == []  # nothing written on the request thread
    assert scans.flush_scans(app) == 30
    assert scan_rows() == sorted(expected)
    assert scans.flush_scans(app) == 0  # written once


def test_the_writer_thread_writes_on_its_own_and_at_stop(app, client, open_week, batched):
    batched(0.05)
    token = services.current_token(get_booth(open_week, "A01"))
    for _ in range(5):
        client.get(f"/b/{token}").close()
    deadline = time.monotonic() + 20
    while len(scan_rows()) < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(scan_rows()) == 5
    queue = batched()  # a new queue that waits an hour: only stopping writes its scans
    for _ in range(4):
        client.get(f"/b/{token}").close()
    assert len(queue) == 4
    scans.stop_scans(app)  # what a worker does when it exits
    assert len(scan_rows()) == 9


def test_a_refused_batch_stays_queued(app, open_week, batched, monkeypatch):
    queue = batched()
    booth = get_booth(open_week, "A01")
    for n in range(3):
        scans.queue_scan(app, booth_id=booth.id, week_id=open_week.id, visitor_key=f"k{n}")

    def refuse(_batch):
        raise RuntimeError("database away")
    monkeypatch.setattr(queue, "write", refuse)
    with pytest.raises(RuntimeError):
        queue.flush()
    monkeypatch.undo()
    assert len(queue) == 3
    assert queue.flush() == 3 and len(scan_rows()) == 3


def test_the_page_draws_the_booth_among_its_neighbours_not_the_hall(
        client, organiser, open_week):
    hall_id = get_booth(open_week, "A01").hall_id
    save_booth(actor=organiser, week=open_week, hall_id=hall_id,
               data={"code": "Z01", "price_vnd": 0, "grid_x": 27, "grid_y": 6})
    html = client.get(f"/b/{services.current_token(get_booth(open_week, 'A01'))}").text
    # A01 at x 0–3, neighbours within 7 m: A02 (x 3), A03 (x 6), A04 (x 9); A05 (x 12) is not
    assert drawn_codes(html) == {"A01", "A02", "A03", "A04"}
    assert 'class="booth st-available mine" data-code="A01"' in html
    far = client.get(f"/b/{services.current_token(get_booth(open_week, 'Z01'))}").text
    assert drawn_codes(far) == {"Z01"}


def test_the_drawing_follows_a_booth_that_moves(client, organiser, open_week):
    a01, a06 = get_booth(open_week, "A01"), get_booth(open_week, "A06")
    token = services.current_token(a01)
    before = render_neighbourhood(a01.hall, a01, booths_near(a01.hall, a01))
    assert "A06" not in before and "A06" not in drawn_codes(client.get(f"/b/{token}").text)
    save_booth(actor=organiser, week=open_week, hall_id=a06.hall_id, booth=a06, data={
        "code": "A06", "price_vnd": 1_300_000, "grid_x": 0, "grid_y": 5})  # beside A01 now
    a01 = get_booth(open_week, "A01")
    after = render_neighbourhood(a01.hall, a01, booths_near(a01.hall, a01))
    assert after != before and 'data-code="A06"' in after
    assert "A06" in drawn_codes(client.get(f"/b/{token}").text)


def test_a_first_time_phone_costs_no_favourites_query(client, exhibitor_with_booth, open_week):
    from tests.querycount import queries_of
    token = services.current_token(get_booth(open_week, "A01"))
    client.delete_cookie("vk")
    _status, first = queries_of(client, f"/b/{token}")
    _status, returning = queries_of(client, f"/b/{token}")  # the vk cookie came back
    assert not any("favourite" in q for q in first)
    assert sum("favourite" in q for q in returning) == 1
    assert len(scan_rows()) == 2  # each written once its page had gone out
