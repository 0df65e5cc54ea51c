"""The production topology, started for real: nginx terminates TLS and passes requests
round-robin to two gunicorn servers (2 workers × 8 threads each) on one PostgreSQL database, with
the rate-limit counters in Redis — the deployment README describes, built from
tests/deploy/nginx.conf.template, with EXHIBIT_ENV=production and TRUSTED_PROXY_COUNT=1.

Why: the trust boundary is only right when every hop agrees, and in-process tests cannot show
that. Through the real proxy, this proves that
- failed sign-ins are counted per *real* client: nginx appends the connecting address to
  X-Forwarded-For and the app believes that last entry only, so a forged header changes
  nothing; and both servers count into the one Redis counter;
- links the app builds, its cookies and its headers are those of the public https site;
- a hold nginx answers 201 for is the very allocation PostgreSQL keeps.

Clients stand at different loopback addresses (127.0.0.2, 127.0.0.3, …), which nginx sees as
different machines.
"""
from __future__ import annotations

import shutil
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD
from tests.deploy.conftest import (
    REDIS_URL,
    Client,
    Gunicorn,
    Nginx,
    Processes,
    app_environment,
    flush_redis,
    free_port,
    redis_keys,
    require,
    workdir,
)

pytestmark = pytest.mark.deploy

#: failed sign-ins per client address in this topology (the default is 50 per 15 minutes)
PER_ADDRESS = 5
#: what the sign-in form says to a wrong password (the interface is Vietnamese by default)
WRONG_PASSWORD = "Email hoặc mật khẩu không đúng."


@dataclass
class Site:
    base: str                 # https://127.0.0.1:<nginx port>, also the app's PUBLIC_BASE_URL
    apps: list[Gunicorn]

    def client(self, source: str = "127.0.0.1") -> Client:
        return Client(self.base, source)


@pytest.fixture(scope="module")
def site(world):
    require("nginx", "openssl", "redis")
    flush_redis()
    folder = workdir()
    public_port = free_port()
    env = app_environment(world, folder, REDIS_URL=REDIS_URL, TRUSTED_PROXY_COUNT="1",
                          PUBLIC_BASE_URL=f"https://127.0.0.1:{public_port}",
                          LOGIN_FAILURES_PER_ADDRESS=f"{PER_ADDRESS} per 15 minutes")
    try:
        with Processes() as processes:
            apps = [processes.start(Gunicorn(f"gunicorn-{n}", folder, env, workers=2))
                    for n in (1, 2)]
            nginx = processes.start(
                Nginx(folder, port=public_port, upstream_ports=[app.port for app in apps]))
            for process in (*apps, nginx):
                process.wait_ready()
            yield Site(f"https://127.0.0.1:{public_port}", apps)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        flush_redis()


def unknown_email() -> str:
    return f"khong-co-{uuid.uuid4().hex[:8]}@deploy.example"


def sign_in(client: Client, email: str, password: str = "sai-mat-khau", *,
            forged_for: str | None = None):
    """POST /api/v1/tokens, optionally with an X-Forwarded-For of the client's own making."""
    headers = {"X-Forwarded-For": forged_for} if forged_for else {}
    return client.post_json("/api/v1/tokens", {"email": email, "password": password}, headers)


def test_failed_sign_ins_count_the_real_client_in_one_counter_for_both_servers(site, world):
    guesser, neighbour = site.client("127.0.0.2"), site.client("127.0.0.3")

    # Each guess names a new unknown account, so only the per-address limit can stop them, and
    # each forges a different X-Forwarded-For: were the forged entry believed, every guess
    # would come from a fresh address and none would ever be stopped.
    for n in range(1, PER_ADDRESS):
        assert sign_in(guesser, unknown_email(), forged_for=f"203.0.113.{n}").status == 401
    form = guesser.sign_in_form(unknown_email(), "sai-mat-khau",
                                headers={"X-Forwarded-For": f"203.0.113.{PER_ADDRESS}"})
    assert form.status == 200 and WRONG_PASSWORD in form.text  # the form counts there too

    blocked = sign_in(guesser, unknown_email(), forged_for="203.0.113.9")
    assert blocked.status == 429, blocked.text
    assert blocked.json()["error"] == "rate_limited"
    assert int(blocked.headers["Retry-After"]) > 0
    assert guesser.sign_in_form(unknown_email(), "sai-mat-khau").status == 429
    assert sign_in(guesser, world.browser_email, PASSWORD).status == 429  # even the right one

    # Another machine is not blocked, and cannot borrow or frame 127.0.0.2 with the header.
    assert sign_in(neighbour, unknown_email()).status == 401
    assert sign_in(neighbour, unknown_email(), forged_for="127.0.0.2").status == 401

    # nginx took turns, so both servers answered guesses: one shared counter stopped them.
    for app in site.apps:
        assert app.served("/api/v1/tokens"), f"{app.name} answered no sign-in"
    assert redis_keys("*127.0.0.2*") and redis_keys("*127.0.0.3*")
    assert not redis_keys("*203.0.113.*")


def test_links_the_app_builds_point_at_the_public_https_site(site, world):
    client = site.client()
    bearer = {"Authorization": f"Bearer {world.organiser_token}"}
    listing = client.get(f"/api/v1/weeks/{world.slug}/documents", headers=bearer)
    assert listing.status == 200, listing.text
    urls = [item["url"] for item in listing.json()["items"]]
    assert urls and all(url.startswith(site.base + "/api/v1/documents/") for url in urls), urls

    # the link works through the proxy
    pdf = client.get(urlsplit(urls[0]).path, headers=bearer)
    assert pdf.status == 200 and pdf.body.startswith(b"%PDF")

    # links come from PUBLIC_BASE_URL, so a client cannot point them elsewhere, whatever
    # host it claims (the Host header nginx passes on, or an X-Forwarded-Host of its own)
    forged = client.get(f"/api/v1/weeks/{world.slug}/documents",
                        headers={**bearer, "Host": "evil.example", "X-Forwarded-Host": "evil.example",
                                 "X-Forwarded-Proto": "http"})
    assert [item["url"] for item in forged.json()["items"]] == urls


def test_pages_are_https_only_and_the_form_sign_in_keeps_the_browser_signed_in(site, world):
    browser = site.client("127.0.0.4")
    page = browser.get("/login")
    assert page.status == 200
    policy = page.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")

    # Over HTTPS, Flask-WTF also wants the Referer to match https://<Host>/: the form goes
    # through only when nginx forwards the scheme and the public host with its port.
    signed_in = browser.sign_in_form(world.browser_email, PASSWORD)
    assert signed_in.status == 302, signed_in.text[:500]
    cookies = SimpleCookie()
    for raw in signed_in.headers.get_all("Set-Cookie"):
        cookies.load(raw)
    assert "session" in cookies
    assert cookies["session"]["secure"] and cookies["session"]["httponly"]

    location = signed_in.headers["Location"]
    assert location.startswith("/") or location.startswith(site.base + "/"), location
    home = browser.get(urlsplit(location).path)
    assert home.status == 200
    assert 'action="/logout"' in home.text  # signed in: the page offers to sign out
    assert site.client("127.0.0.4").get(urlsplit(location).path).status == 302  # not without it


def test_the_hold_answered_201_through_the_proxy_is_the_one_stored(site, world):
    from exhibit.booking.models import ACTIVE_STATUSES, Allocation
    from exhibit.extensions import db
    from exhibit.floorplan.models import Booth

    tokens = list(world.racers)
    barrier = threading.Barrier(len(tokens))

    def hold(token: str):
        client = site.client()
        barrier.wait()
        return token, client.request("POST", f"/api/v1/weeks/{world.slug}/booths/A01/hold",
                                     headers={"Authorization": f"Bearer {token}"})

    with ThreadPoolExecutor(max_workers=len(tokens)) as pool:
        replies = dict(pool.map(hold, tokens))

    codes = sorted(reply.status for reply in replies.values())
    assert codes == [201] + [409] * (len(tokens) - 1), codes
    [(winner, won)] = [(token, reply.json()) for token, reply in replies.items()
                       if reply.status == 201]
    assert won["booth"] == "A01"
    with world.app.app_context():
        active = db.session.scalars(
            select(Allocation).join(Booth, Booth.id == Allocation.booth_id)
            .where(Booth.code == "A01", Allocation.status.in_(ACTIVE_STATUSES))).all()
        stored = [(allocation.id, allocation.business_id) for allocation in active]
        db.session.remove()
    assert stored == [(won["hold_id"], world.racers[winner])]
    for app in site.apps:
        assert app.served(f"/api/v1/weeks/{world.slug}/booths/A01/hold"), f"{app.name} held nothing"
