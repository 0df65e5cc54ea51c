"""Building blocks of the production-topology tests: real gunicorn and nginx processes on free
ports, a self-signed certificate, an HTTPS client that can stand at any loopback address (all of
127/8 reaches lo on Linux, so 127.0.0.2 and 127.0.0.3 are two different clients to nginx), and
one PostgreSQL database seeded in-process through the real services, shared by the modules.

Each piece is skipped with a reason when missing; REQUIRE_DEPLOY=1 (set by .ci/run) makes that
a failure.
"""
from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from flask import Flask

from tests.concurrency.test_hold_race import _free_port as free_port
from tests.conftest import (
    PASSWORD,
    business_data,
    create_pg_database,
    drop_pg_database,
    make_test_app,
    postgres_available,
    skip_or_fail,
)

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
NGINX = os.environ.get("NGINX_PATH") or shutil.which("nginx") or "/usr/sbin/nginx"
#: a Redis database of its own (tests/badges uses 15); flushed before the topology starts
REDIS_URL = "redis://127.0.0.1:6379/14"
#: how long a process may take to answer its first request on a busy 2-core machine
START_SECONDS = 60


# -- what the machine must have ------------------------------------------------------------------

def require(*needs: str) -> None:
    """Skip (fail under REQUIRE_DEPLOY=1) unless every named piece is there."""
    checks = {
        "postgres": (postgres_available, "PostgreSQL is not reachable"),
        "redis": (_redis_available, "Redis is not reachable at " + REDIS_URL),
        "nginx": (lambda: Path(NGINX).is_file(), f"nginx is not installed ({NGINX})"),
        "openssl": (lambda: shutil.which("openssl") is not None, "the openssl command is missing"),
    }
    for need in needs:
        available, reason = checks[need]
        if not available():
            skip_or_fail(reason, "REQUIRE_DEPLOY")


def _redis_available() -> bool:
    try:
        import redis
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
        return True
    except Exception:
        return False


def flush_redis() -> None:
    import redis
    redis.Redis.from_url(REDIS_URL).flushdb()


def redis_keys(pattern: str) -> list[str]:
    import redis
    return [key.decode() for key in redis.Redis.from_url(REDIS_URL).keys(pattern)]


# -- the seeded database ---------------------------------------------------------------------------

RACERS = 16


@dataclass
class World:
    """What the database holds before any server starts."""
    url: str
    app: Flask                     # an in-process app on the same database, for looking inside
    slug: str                      # an open week with booths A01 (free) and A02 (confirmed)
    organiser_token: str
    racers: dict[str, int]         # API token -> business id, each business applied to the week
    browser_email: str             # an exhibitor who signs in through the HTML form
    guarded_email: str             # an exhibitor whose password is guessed without Redis
    rushed_email: str              # an exhibitor whose password is guessed 30 times at once


@pytest.fixture(scope="session")
def world():
    require("postgres")
    url = create_pg_database()
    try:
        app = make_test_app(url)
        with app.app_context():
            seeded = _seed(url, app)
        yield seeded
        with app.app_context():
            from exhibit.extensions import db
            db.engine.dispose()
    finally:
        drop_pg_database(url)


def _seed(url: str, app) -> World:
    from exhibit.accounts.services import create_organiser_user, issue_api_token, register_exhibitor
    from exhibit.booking.services import apply_to_week, assign_booth
    from exhibit.documents.services import create_contract
    from exhibit.floorplan.services import get_booth, save_booth, save_hall
    from exhibit.weeks.services import create_week

    organiser = create_organiser_user(email="btc@deploy.example", password=PASSWORD,
                                      organizer_name="ITPC", organizer_short_name="ITPC")
    today = date.today()
    week = create_week(actor=organiser, data={
        "name_vi": "Tuần lễ triển khai thử", "slug": "trien-khai-thu",
        "host_province_scheme": "2025", "host_province_code": "79", "venue_name": "ITPC",
        "start_date": today + timedelta(days=30), "end_date": today + timedelta(days=33),
        "status": "open"})
    hall = save_hall(actor=organiser, week=week,
                     data={"name": "A", "grid_width": 10, "grid_height": 5})
    for n, code in enumerate(("A01", "A02")):
        save_booth(actor=organiser, week=week, hall_id=hall.id,
                   data={"code": code, "price_vnd": 1_300_000, "grid_x": n * 3, "grid_y": 1})

    def exhibitor(name: str, *, applied: bool = True):
        user = register_exhibitor(email=f"{name}@deploy.example", password=PASSWORD,
                                  full_name=name, business=business_data(name=f"Cơ sở {name}"))
        if applied:
            apply_to_week(actor=user, week=week, data={"booth_count": 1})
        return user

    # A02 is confirmed to one business and has a draft contract, so the week lists a document.
    holder = exhibitor("gian-a02")
    assign_booth(actor=organiser, week=week, booth=get_booth(week, "A02"),
                 business_id=holder.business_id)
    create_contract(actor=organiser, week=week, business_id=holder.business_id)

    racers = {}
    for n in range(RACERS):
        user = exhibitor(f"dn{n:02d}")
        racers[issue_api_token(user).value] = user.business_id
    return World(url=url, app=app, slug=week.slug,
                 organiser_token=issue_api_token(organiser).value, racers=racers,
                 browser_email=exhibitor("trinh-duyet", applied=False).email,
                 guarded_email=exhibitor("doan-mat-khau", applied=False).email,
                 rushed_email=exhibitor("doan-cung-luc", applied=False).email)


# -- processes -------------------------------------------------------------------------------------

def workdir() -> Path:
    """A fresh directory for certificates, configs and logs. Traversable by nginx's workers,
    which run as `nobody` when the test runs as root."""
    path = Path(tempfile.mkdtemp(prefix="exhibit-deploy-"))
    path.chmod(0o755)
    return path


def wait_until(ready, process: "Service") -> None:
    """Poll ``ready()`` until it is true; fail with the process's log if it exits or the
    deadline passes."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.popen.poll() is not None:
            raise RuntimeError(f"{process.name} exited ({process.popen.returncode}):\n"
                               f"{process.log_tail()}")
        try:
            if ready():
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{process.name} did not answer within {START_SECONDS} s:\n"
                       f"{process.log_tail()}")


class Service:
    """A child process with its output in a log file."""
    name = "service"

    def __init__(self, command: list[str], *, log: Path, env: dict | None = None):
        self.log = log
        with open(log, "wb") as out:
            self.popen = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out,
                                          stderr=subprocess.STDOUT)

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


class Processes:
    """The services of one topology. On leaving, all are told to stop at once (each takes a
    second or two to finish gracefully), then awaited; any that ended badly shows its log."""

    def __init__(self):
        self.started: list[Service] = []

    def start(self, service: Service) -> Service:
        self.started.append(service)
        return service

    def __enter__(self) -> "Processes":
        return self

    def __exit__(self, *exc_info) -> None:
        for service in self.started:
            if service.popen.poll() is None:
                service.popen.terminate()
        for service in self.started:
            try:
                service.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                service.popen.kill()
                service.popen.wait()
            if service.popen.returncode not in (0, -signal.SIGTERM):
                print(f"--- {service.name} ended with {service.popen.returncode} ---\n"
                      f"{service.log_tail()}")


def app_environment(world: World, folder: Path, **settings: str) -> dict:
    """The environment of a production app server: nothing inherited from the developer's
    shell but PATH and locale, so a stray REDIS_URL or limit cannot change what is tested."""
    keep = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "LC_ALL") if key in os.environ}
    return {**keep, "EXHIBIT_ENV": "production", "SECRET_KEY": uuid.uuid4().hex,
            "DATABASE_URL": world.url, "UPLOAD_DIR": str(folder / "uploads"), **settings}


class Gunicorn(Service):
    """`gunicorn 'exhibit:create_app()'` as the README deploys it, plus an access log that
    names the worker (pid) behind each request and a hook that notes each worker once it has
    loaded the app, so the test starts only when every worker can answer."""

    def __init__(self, name: str, folder: Path, env: dict, *, workers: int, threads: int = 8):
        self.name, self.workers = name, workers
        self.port = free_port()
        self.access_log = folder / f"{name}-access.log"
        self.booted = folder / f"{name}-booted"
        hooks = folder / f"{name}-hooks.py"
        hooks.write_text("def post_worker_init(worker):\n"
                         f"    with open({str(self.booted)!r}, 'a') as booted:\n"
                         "        booted.write(f'{worker.pid}\\n')\n")
        super().__init__([
            sys.executable, "-m", "gunicorn", "--workers", str(workers),
            "--worker-class", "gthread", "--threads", str(threads),
            "--bind", f"127.0.0.1:{self.port}", "--config", str(hooks),
            "--access-logfile", str(self.access_log), "--access-logformat", '%(p)s "%(r)s" %(s)s',
            "--log-level", "warning", "exhibit:create_app()"],
            log=folder / f"{name}.log", env=env)

    def wait_ready(self) -> None:
        def answers() -> bool:
            if not self.booted.exists() or len(self.booted.read_text().split()) < self.workers:
                return False
            url = f"http://127.0.0.1:{self.port}/api/v1/weeks"
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status == 200
        wait_until(answers, self)

    def served(self, path: str) -> list[tuple[str, int]]:
        """(worker pid, status) of each request this server answered for ``path``."""
        found = []
        for line in self.access_log.read_text().splitlines():
            match = re.match(r'<(\d+)> "\w+ (\S+) [^"]*" (\d+)', line)
            if match and match.group(2).split("?")[0] == path:
                found.append((match.group(1), int(match.group(3))))
        return found


class Nginx(Service):
    """nginx from tests/deploy/nginx.conf.template, terminating TLS with a fresh self-signed
    certificate and passing requests round-robin to the app servers."""
    name = "nginx"

    def __init__(self, folder: Path, *, port: int, upstream_ports: list[int]):
        self.port = port
        subprocess.run(
            ["openssl", "req", "-x509", "-nodes", "-days", "2",
             "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
             "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
             "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")],
            check=True, capture_output=True)
        values = {"dir": str(folder), "listen": f"127.0.0.1:{self.port}",
                  "server_name": "127.0.0.1",
                  **{f"app_port_{n}": str(port) for n, port in enumerate(upstream_ports, 1)}}
        config = (HERE / "nginx.conf.template").read_text()
        for key, value in values.items():
            config = config.replace("{{ %s }}" % key, value)
        assert not re.search(r"{{ \w+ }}", config), "nginx.conf.template has a value left"
        (folder / "nginx.conf").write_text(config)
        super().__init__([NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"),
                          "-e", str(folder / "error.log")], log=folder / "nginx.out")
        self.error_log = folder / "error.log"

    def log_tail(self, lines: int = 40) -> str:
        out = super().log_tail(lines)
        errors = self.error_log.read_text(errors="replace") if self.error_log.exists() else ""
        return out + "\n" + "\n".join(errors.splitlines()[-lines:])

    def wait_ready(self) -> None:
        client = Client(f"https://127.0.0.1:{self.port}")
        wait_until(lambda: client.get("/api/v1/weeks").status == 200, self)


# -- a client at a chosen address -----------------------------------------------------------------

_UNVERIFIED = ssl.create_default_context()
_UNVERIFIED.check_hostname = False
_UNVERIFIED.verify_mode = ssl.CERT_NONE


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()

    def json(self):
        return json.loads(self.body)


@dataclass
class Client:
    """HTTP(S) from one loopback source address, one connection per request, keeping the
    cookies the server sets like a browser does."""
    base: str
    source: str = "127.0.0.1"
    cookies: SimpleCookie = field(default_factory=SimpleCookie)

    def request(self, method: str, path: str, *, body: bytes | None = None,
                headers: dict | None = None) -> Reply:
        scheme, _, hostport = self.base.partition("://")
        host, _, port = hostport.partition(":")
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{m.key}={m.coded_value}" for m in self.cookies.values())
        if scheme == "https":
            conn = http.client.HTTPSConnection(host, int(port), context=_UNVERIFIED, timeout=60,
                                               source_address=(self.source, 0))
        else:
            conn = http.client.HTTPConnection(host, int(port), timeout=60,
                                              source_address=(self.source, 0))
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            reply = Reply(response.status, response.headers, response.read())
        finally:
            conn.close()
        for raw in reply.headers.get_all("Set-Cookie") or []:
            self.cookies.load(raw)
        return reply

    def get(self, path: str, headers: dict | None = None) -> Reply:
        return self.request("GET", path, headers=headers)

    def post_json(self, path: str, data: dict, headers: dict | None = None) -> Reply:
        return self.request("POST", path, body=json.dumps(data).encode(),
                            headers={"Content-Type": "application/json", **(headers or {})})

    def sign_in_form(self, email: str, password: str, headers: dict | None = None) -> Reply:
        """What a browser does: open /login, then post the form with its CSRF token (and the
        Referer Flask-WTF insists on over HTTPS)."""
        page = self.get("/login")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text)
        assert token, page.text[:500]
        form = urlencode({"csrf_token": token.group(1), "email": email, "password": password})
        return self.request("POST", "/login", body=form.encode(), headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"{self.base}/login", **(headers or {})})
