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
from tests.conftest import login


def scan_rows() -> list[tuple[int, str]]:
    db.session.commit()  # end this test's read: see what another session wrote
    return sorted(db.session.execute(select(BoothScan.booth_id, BoothScan.visitor_key)).all())


def drawn_codes(html: str) -> set[str]:
    plan = html[html.index('class="mini-plan"'):]
    plan = plan[:plan.index("</details>")]
    return set(re.findall(r'data-code="([^"]+)"', plan))


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


def test_favourites_are_looked_up_only_for_a_phone_that_may_have_some(
        client, exhibitor_with_booth, open_week):
    from exhibit.catalogue.services import business_listings
    from tests.querycount import queries_of
    token = services.current_token(get_booth(open_week, "A01"))

    def favourites_queries() -> int:
        _status, statements = queries_of(client, f"/b/{token}")
        return sum("favourite" in q for q in statements)
    client.delete_cookie("vk")
    assert favourites_queries() == 0  # a new phone has saved nothing
    assert client.get_cookie("vs").value == "0"
    assert favourites_queries() == 0  # and says so when it comes back
    client.delete_cookie("vs")
    assert favourites_queries() == 1  # a phone from before the flag: looked up once
    assert favourites_queries() == 0
    [listing] = business_listings(exhibitor_with_booth.business_id, open_week).values()
    client.post(f"/b/{token}/save/{listing.id}")
    assert client.get_cookie("vs").value == "1"
    assert favourites_queries() == 1
    assert len(scan_rows()) == 5  # each written once its page had gone out
    assert 'data-saved="1"' in client.get(f"/b/{token}").text


def page_of(client, url: str) -> str:
    """GET as a request of its own: the tests keep one app context (and its ``g``, where
    Flask-WTF keeps the request's form token) open around many requests."""
    from flask import g
    g.pop("csrf_token", None)
    return client.get(url).text


def form_tokens(html: str) -> set[str]:
    return set(re.findall(r'name="csrf_token" value="([^"]+)"', html))


def test_a_kept_page_serves_the_next_phone_with_its_own_form_token(
        app, exhibitor_with_booth, open_week, kept_pages):
    from tests.querycount import queries_of
    token = services.current_token(get_booth(open_week, "A01"))
    first, second = app.test_client(), app.test_client()
    _status, rendering = queries_of(first, f"/b/{token}")
    status, kept = queries_of(second, f"/b/{token}")
    assert status == 200
    # the kept page reads nothing: what remains is the scan written after it (and, on
    # PostgreSQL, the lock timeout of that write's transaction)
    assert len(rendering) >= 6
    assert [q.split()[0] for q in kept if not q.startswith("SET LOCAL")] == ["INSERT"]
    pages = [page_of(c, f"/b/{token}") for c in (first, second)]
    assert "Thanh long ruột đỏ hộp quà" in pages[1] and "booth_pages" not in pages[1]
    tokens = [form_tokens(page) for page in pages]
    assert all(len(t) == 1 for t in tokens) and tokens[0] != tokens[1]
    assert "form-token-" not in pages[0] + pages[1]
    # the form token given with a kept page is this phone's own: its contact goes through
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        [mine] = tokens[1]
        sent = second.post(f"/b/{token}/contact", data={
            "csrf_token": mine, "full_name": "Phạm Minh Quân", "phone": "0987 654 321",
            "consent": "y"})
        assert sent.status_code == 302
        [theirs] = tokens[0]
        assert second.post(f"/b/{token}/contact", data={
            "csrf_token": theirs, "full_name": "Ai đó", "phone": "0987 654 322",
            "consent": "y"}).status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_saved_products_and_signed_in_people_never_reach_another_phone(
        app, client, organiser, exhibitor_with_booth, open_week, kept_pages):
    from exhibit.catalogue.services import business_listings
    token = services.current_token(get_booth(open_week, "A01"))
    [listing] = business_listings(exhibitor_with_booth.business_id, open_week).values()
    client.post(f"/b/{token}/save/{listing.id}")
    assert 'data-saved="1"' in page_of(client, f"/b/{token}")
    signed_in = app.test_client()
    login(signed_in, organiser)
    logout = 'action="/logout"'
    assert logout in page_of(signed_in, f"/b/{token}")
    for _ in range(2):  # the first stranger's page is kept, the second one's is that copy
        stranger = page_of(app.test_client(), f"/b/{token}")
        assert 'data-saved="0"' in stranger and 'data-saved="1"' not in stranger
        assert logout not in stranger


def test_a_booking_change_here_shows_at_once_on_a_kept_page(
        app, organiser, exhibitor_with_booth, open_week, kept_pages):
    from exhibit.booking import queries
    from exhibit.booking.services import release_allocation
    token = services.current_token(get_booth(open_week, "A01"))
    phone = app.test_client()
    assert "Hợp tác xã Thanh long Hàm Thuận Nam" in phone.get(f"/b/{token}").text
    [allocation] = queries.confirmed_allocations(open_week.id)
    release_allocation(actor=organiser, allocation=allocation, reason="Thử")
    assert "Hợp tác xã Thanh long Hàm Thuận Nam" not in phone.get(f"/b/{token}").text


def test_a_phone_with_favourites_elsewhere_gets_a_kept_page_with_its_own_link(
        app, client, organiser, make_exhibitor, exhibitor_with_booth, open_week, kept_pages):
    from exhibit.booking.services import apply_to_week, assign_booth
    from exhibit.catalogue.services import business_listings
    from tests.querycount import queries_of
    neighbour = make_exhibitor("Cơ sở Nước mắm Phan Thiết")
    apply_to_week(actor=neighbour, week=open_week, data={"booth_count": 1})
    assign_booth(actor=organiser, week=open_week, booth=get_booth(open_week, "A02"),
                 business_id=neighbour.business_id)
    a01 = services.current_token(get_booth(open_week, "A01"))
    a02 = services.current_token(get_booth(open_week, "A02"))
    [listing] = business_listings(exhibitor_with_booth.business_id, open_week).values()
    client.post(f"/b/{a01}/save/{listing.id}")
    assert "♥" in page_of(client, f"/b/{a01}")  # back at the booth (its flash read)
    stranger = page_of(app.test_client(), f"/b/{a02}")  # kept now
    _status, statements = queries_of(client, f"/b/{a02}")
    assert [q.split()[0] for q in statements if not q.startswith("SET LOCAL")] == \
        ["SELECT", "INSERT"]  # its favourites, then its scan: the page itself was kept
    mine = page_of(client, f"/b/{a02}")
    own_link = '<p><a href="/favourites">'  # "My favourites (n)", not the header's link
    assert own_link in mine and own_link not in stranger
    assert "<!--favourites-" not in mine + stranger
    # apart from its form token and that link, the same page as the stranger's
    def rest(page):
        page = page.replace(*form_tokens(page), "")
        return " ".join(re.sub(r'<p><a href="/favourites">[^<]*</a></p>', "", page).split())
    assert rest(mine) == rest(stranger)


def test_a_change_made_by_another_process_drops_the_kept_pages(
        app, exhibitor_with_booth, open_week, kept_pages):
    """Another worker's change announces no event here: its audit entry is what is seen."""
    from exhibit.businesses.models import Business
    from exhibit.core import audit
    from exhibit.core.db import write_transaction
    token = services.current_token(get_booth(open_week, "A01"))
    business_id = exhibitor_with_booth.business_id
    kept_pages.check_seconds = 0  # look at every request

    def rename(name: str, *, audited: bool) -> None:
        with write_transaction():
            db.session.execute(db.update(Business).where(Business.id == business_id)
                               .values(name=name))
            if audited:
                audit.record("business", business_id, "update", business_id=business_id,
                             after={"name": name})
    assert "Hợp tác xã Thanh long Hàm Thuận Nam" in page_of(app.test_client(), f"/b/{token}")
    rename("Hợp tác xã Đổi Tên Lần Một", audited=False)  # a script on the database: unseen
    assert "Hợp tác xã Thanh long Hàm Thuận Nam" in page_of(app.test_client(), f"/b/{token}")
    rename("Hợp tác xã Đổi Tên Lần Hai", audited=True)  # a service elsewhere
    assert "Hợp tác xã Đổi Tên Lần Hai" in page_of(app.test_client(), f"/b/{token}")


def test_a_page_read_before_a_change_is_never_kept_after_it(app, kept_pages):
    generation = kept_pages.generation_now()
    kept_pages.clear()  # a change noticed while the page was being rendered
    kept_pages.keep("/b/x", "vi", "<p>old</p>", 1, 1, frozenset(), generation)
    assert kept_pages.get("/b/x", "vi") is None
    kept_pages.keep("/b/x", "vi", "<p>new</p>", 1, 1, frozenset(), kept_pages.generation)
    assert kept_pages.get("/b/x", "vi").html == "<p>new</p>"


def test_a_reissued_code_says_so_at_once_though_its_page_was_kept(
        app, client, organiser, exhibitor_with_booth, open_week, kept_pages):
    booth = get_booth(open_week, "A01")
    old = services.current_token(booth)
    assert page_of(app.test_client(), f"/b/{old}")  # kept
    login(client, organiser)
    client.post(f"/organiser/weeks/{open_week.slug}/booths/{booth.id}/reissue-qr")
    assert app.test_client().get(f"/b/{old}").status_code == 410
