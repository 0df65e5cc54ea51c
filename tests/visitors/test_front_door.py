"""The booth page's front door (visitors/front_door.py): a kept page goes out to an anonymous
phone before Flask, with the same content, headers and cookies as the app's answer, every scan
counted, and everything else handed to the app."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from exhibit.extensions import db
from exhibit.floorplan.services import get_booth
from exhibit.visitors import scans, services
from exhibit.visitors.form_tokens import token_for
from exhibit.visitors.front_door import FrontDoor
from exhibit.visitors.models import BoothScan
from tests.conftest import login
from tests.querycount import queries_of


@pytest.fixture
def serving(app, kept_pages, batched):
    """Pages kept and scans batched, as in production; counts the requests the app itself got."""
    batched()
    door = app.wsgi_app
    while not isinstance(door, FrontDoor):  # under ProxyFix when proxies are trusted
        door = door.app
    reached = []
    inner = door.wsgi_app

    def counting(environ, start_response):
        reached.append(environ["PATH_INFO"])
        return inner(environ, start_response)
    door.wsgi_app = counting
    yield reached
    door.wsgi_app = inner


def page_token(html: str) -> str:
    [token] = set(re.findall(r'name="csrf_token" value="([^"]+)"', html))
    return token


def scan_count() -> int:
    db.session.commit()  # see what the writer's own session wrote
    return db.session.scalar(select(func.count()).select_from(BoothScan))


def test_a_new_phone_gets_the_kept_page_without_the_app(app, exhibitor_with_booth, open_week,
                                                        serving):
    path = f"/b/{services.current_token(get_booth(open_week, 'A01'))}"
    before = scan_count()
    first = app.test_client().get(path)  # rendered by the app, and kept
    assert serving == [path] and first.status_code == 200
    phone = app.test_client()
    status, statements = queries_of(phone, path)
    assert status == 200 and statements == []  # no database work at all
    assert serving == [path]  # the app was not asked
    again = phone.get(path)
    assert serving == [path]  # nor for the phone's second visit (known to have saved nothing)
    # the same page as the app's, with this phone's own form token
    key = phone.get_cookie("vk").value
    assert phone.get_cookie("vs").value == "0"
    assert page_token(again.text) == token_for(key) != page_token(first.text)
    assert again.text.replace(token_for(key), "") == first.text.replace(page_token(first.text), "")
    assert "Thanh long ruột đỏ hộp quà" in again.text and "form-token-" not in again.text
    # and the headers the app gives a page
    for name in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options",
                 "Referrer-Policy", "Cache-Control", "Content-Type"):
        assert again.headers[name] == first.headers[name], name
    cookie = next(v for v in again.request.environ.get("HTTP_COOKIE", "").split("; ")
                  if v.startswith("vk="))
    assert cookie == f"vk={key}"
    # every opening is counted once the queue is written
    assert scans.flush_scans(app) == 3
    assert scan_count() == before + 3


def test_the_front_door_sets_the_cookies_the_app_sets(app, exhibitor_with_booth, open_week,
                                                      serving):
    path = f"/b/{services.current_token(get_booth(open_week, 'A01'))}"
    by_app = app.test_client().get(path)
    by_door = app.test_client().get(path)
    assert len(serving) == 1

    def cookies(response):
        return sorted(re.sub(r"^(v[ks])=[^;]*", r"\1=…", c)
                      for c in response.headers.getlist("Set-Cookie"))
    assert cookies(by_door) == cookies(by_app)
    assert any("HttpOnly" in c and "SameSite=Lax" in c for c in cookies(by_door))


def test_everything_else_goes_to_the_app(app, client, organiser, exhibitor_with_booth,
                                         open_week, serving):
    from exhibit.catalogue.services import business_listings
    path = f"/b/{services.current_token(get_booth(open_week, 'A01'))}"
    app.test_client().get(path)  # kept
    serving.clear()
    signed_in = app.test_client()
    login(signed_in, organiser)
    serving.clear()
    assert 'action="/logout"' in signed_in.get(path).text  # a session: the app
    phone = app.test_client()
    phone.get(path + "?sent=1")  # arguments: the app
    unknown = app.test_client()
    unknown.set_cookie("vk", "an-older-phone-0001")  # saved products not known: the app
    unknown.get(path)
    assert serving == [path, path, path]
    [listing] = business_listings(exhibitor_with_booth.business_id, open_week).values()
    saver = app.test_client()
    saver.get(path)  # the door
    token = page_token(saver.get(path).text)
    assert saver.post(f"{path}/save/{listing.id}", data={"csrf_token": token}).status_code == 302
    serving.clear()
    assert 'data-saved="1"' in saver.get(path).text  # a phone with saved products: the app
    assert serving == [path]


def test_a_change_drops_the_page_at_the_door_too(app, organiser, exhibitor_with_booth,
                                                 open_week, serving):
    from exhibit.booking import queries
    from exhibit.booking.services import release_allocation
    path = f"/b/{services.current_token(get_booth(open_week, 'A01'))}"
    app.test_client().get(path)
    phone = app.test_client()
    assert "Hợp tác xã Thanh long Hàm Thuận Nam" in phone.get(path).text
    assert len(serving) == 1
    [allocation] = queries.confirmed_allocations(open_week.id)
    release_allocation(actor=organiser, allocation=allocation, reason="Thử")
    assert "Hợp tác xã Thanh long Hàm Thuận Nam" not in phone.get(path).text
    assert len(serving) == 2  # rendered afresh by the app


def test_the_check_for_changes_elsewhere_goes_through_the_app(app, exhibitor_with_booth,
                                                              open_week, serving, kept_pages):
    path = f"/b/{services.current_token(get_booth(open_week, 'A01'))}"
    app.test_client().get(path)
    app.config["SCAN_PAGE_CHECK_SECONDS"] = 0.0  # due at every request now
    kept_pages.check_seconds = 0.0
    app.test_client().get(path)
    assert len(serving) == 2


def test_the_door_pages_forms_work_and_refuse_a_stranger_token(app, exhibitor_with_booth,
                                                               open_week, serving):
    path = f"/b/{services.current_token(get_booth(open_week, 'A01'))}"
    app.test_client().get(path)
    phone, stranger = app.test_client(), app.test_client()
    mine, theirs = page_token(phone.get(path).text), page_token(stranger.get(path).text)
    assert len(serving) == 1 and mine != theirs
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        contact = {"full_name": "Phạm Minh Quân", "phone": "0987 654 321", "consent": "y"}
        assert phone.post(f"{path}/contact", data={"csrf_token": theirs, **contact}
                          ).status_code == 400
        assert phone.post(f"{path}/contact", data=contact).status_code == 400
        assert phone.post(f"{path}/contact", data={"csrf_token": mine, **contact}
                          ).status_code == 302
        # the language switch of the page takes the same token, and the phone's next page is
        # the app's, in English
        assert f'action="{path}/language"' in phone.get(path).text
        assert phone.post(f"{path}/language", data={"csrf_token": theirs, "locale": "en"}
                          ).status_code == 400
        switched = phone.post(f"{path}/language", data={"csrf_token": mine, "locale": "en"})
        assert switched.status_code == 302 and switched.headers["Location"].endswith(path)
        serving.clear()
        assert '<html lang="en">' in phone.get(path).text and serving == [path]
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_a_phone_with_favourites_elsewhere_is_served_at_the_door_with_its_link(
        app, organiser, make_exhibitor, exhibitor_with_booth, open_week, serving):
    from exhibit.booking.services import apply_to_week, assign_booth
    from exhibit.catalogue.services import business_listings
    neighbour = make_exhibitor("Cơ sở Nước mắm Phan Thiết")
    apply_to_week(actor=neighbour, week=open_week, data={"booth_count": 1})
    assign_booth(actor=organiser, week=open_week, booth=get_booth(open_week, "A02"),
                 business_id=neighbour.business_id)
    a01 = f"/b/{services.current_token(get_booth(open_week, 'A01'))}"
    a02 = f"/b/{services.current_token(get_booth(open_week, 'A02'))}"
    [listing] = business_listings(exhibitor_with_booth.business_id, open_week).values()
    phone = app.test_client()
    phone.get(a01)
    saved = phone.post(f"{a01}/save/{listing.id}",
                       data={"csrf_token": page_token(phone.get(a01).text)}, follow_redirects=True)
    # said by the page itself ("Saved to your favourites."): no session for a flash
    assert '<p class="flash success" role="status">' in saved.text and "?favourite=saved" in (
        saved.request.full_path)
    assert phone.get_cookie("vs").value == "1" and phone.get_cookie("session") is None
    stranger = app.test_client().get(a02).text  # A02 kept by the app
    phone.get(a02)  # the app, which also makes the link for a phone with one product
    serving.clear()
    status, statements = queries_of(phone, a02)
    assert status == 200 and serving == []  # the door, with one query: its saved products
    assert len(statements) == 1 and "favourite" in statements[0]
    mine = phone.get(a02).text
    assert '<p><a href="/favourites">' in mine and '<p><a href="/favourites">' not in stranger
    assert "(1)" in mine.split('<p><a href="/favourites">')[1].split("</a>")[0]
    # apart from its form token and that link, the stranger's page
    def rest(page):
        page = page.replace(page_token(page), "")
        return " ".join(re.sub(r'<p><a href="/favourites">[^<]*</a></p>', "", page).split())
    assert rest(mine) == rest(stranger)


def test_a_form_token_that_is_not_ascii_is_refused_not_an_error(app, exhibitor_with_booth,
                                                                 open_week, serving):
    path = f"/b/{services.current_token(get_booth(open_week, 'A01'))}"
    phone = app.test_client()
    phone.get(path)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        for token in ("é", "токен", "\u00a0" * 40):
            assert phone.post(f"{path}/language", data={"csrf_token": token, "locale": "en"}
                              ).status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
