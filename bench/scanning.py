"""Scanning devices at fair scale, on PostgreSQL, through the real HTTP API under gunicorn.

    python -m bench.scanning                      # creates PostgreSQL database bench_scanning
    python -m bench.scanning --rounds 3 --seconds 8 --admin-url postgresql+psycopg://...

Every run drops and creates the database ``bench_scanning`` on the server of ``--admin-url``,
migrates it, and makes a week running today with 30,000 badges (80 % visitors, 15 % buyers,
5 % organiser staff; Vietnamese names, an organisation for four in ten), 16 entrance staff with
API tokens and 17 paired gate devices, then ANALYZE. It measures three things:

1. **Snapshot size**: the gate device's full snapshot of the 30,000 badges (and a lead
   device's), as the API sends it: compact JSON bytes, gzip bytes, and the time to build it
   (median of three, in the process), then the same GET /api/v1/device/snapshot over HTTP with
   ``Accept-Encoding: gzip``. Goal: under ~1 MB gzipped.
2. **Sync of a queue**: one device uploads 2,000 queued scans (2,000 different badges, their
   own times spread over the last hour) in 4 batches of 500, one after the other, through
   POST /api/v1/device/scans; the time from the first request to the last answer, and the
   check that every scan got its answer and made its check-in. Goal: under ~10 s.
3. **Check-ins per minute online at 16 concurrent devices**, side by side in one run, same
   server (bench/server.py: gunicorn, 2 workers × 8 gthread threads, production settings), same
   week: today's POST /api/v1/checkins with 16 entrance staff tokens against the devices' POST
   /api/v1/device/scans with one scan per request and 16 device tokens. ``wrk`` (16 threads ×
   1 connection: one scanner each) loads each path for ``--seconds``, ``--rounds`` times,
   alternating which path goes first, after a warm-up of each. Every request is the first scan
   of a badge that day (a write: the check-in), never a badge the other path or another round
   scanned: 40,000 more badges of the same kinds are added for these rounds. Counted: the
   answers that were check-ins ("ok"), per minute; p50/p99 in ms. Goal: the new path not slower
   (ratio of the medians new/old ≥ 1.0; the summary's check allows 3 %, less than the rounds
   differ from one another on a shared machine). The check-ins in the database
   after the runs must lie between the "ok" answers received and those plus the requests sent
   that wrk stopped waiting for.

Prints one JSON line per measurement, then a summary line.

On this 2-CPU machine, quiet, PostgreSQL 15, ``--rounds 5 --seconds 8`` (2026-12-05): the
snapshot of 30,000 badges is 2,078 KB of JSON, **750 KB gzipped** (a lead device's 515 KB, no
names), built in 169 ms and served in 431 ms; **2,000 queued scans synced in 1.4 s** (4 × 500,
312–428 ms a batch); online at 16 scanners, medians of five rounds, **10,000 check-ins a minute
through /device/scans against 9,710 through /checkins (ratio 1.03)**, round by round 8,266–10,943
against 8,581–10,637, p99 186–239 ms against 171–257 ms; every check-in accounted for. A device's
scan is 10 statements on PostgreSQL, one fewer than an account's: its row is written only when
its queue or app changed, or every 30 s (scanning.sync). Earlier runs on the same machine shared
with other work (load average 6–13) gave ratios of 0.81–1.00: the rounds differ from one
another by more than the two paths do.
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

from bench.server import Gunicorn

DEFAULT_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
CREATED_NAME = "bench_scanning"
SECRET_KEY = "bench"  # bench/server.py's, so the snapshot built here equals the server's
SNAPSHOT_BADGES = 30_000
LOAD_BADGES = 40_000
DEVICES = 16
SYNC_SCANS, SYNC_BATCH = 2_000, 500
VIETNAM = timezone(timedelta(hours=7))

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
          "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Thanh", "Hữu", "Đức", "Thu", "Quốc", "Gia", "Hoàng",
          "Kim", "Thị Thu", "Văn Minh"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hạnh", "Hùng", "Hương", "Lan", "Linh",
         "Long", "Mai", "Nam", "Nga", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vy",
         "Yến", "Khoa", "Nhung", "Phương", "Thắng"]
PLACES = ["Sài Gòn", "Bến Tre", "Cần Thơ", "Đà Lạt", "Phan Thiết", "Buôn Ma Thuột", "Hội An",
          "Long An", "Tây Ninh", "Đồng Nai", "Vĩnh Long", "Hà Nội", "Huế", "Nha Trang"]
TRADES = ["Thực phẩm", "Nông sản", "Đặc sản", "Cà phê", "Trà", "Thủy sản", "Mật ong",
          "Gia vị", "Bánh kẹo", "Trái cây"]


# -- the database ----------------------------------------------------------------------------------

def create_database(admin_url: str) -> str:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {CREATED_NAME} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {CREATED_NAME}"))
    admin.dispose()
    return admin_url.rsplit("/", 1)[0] + "/" + CREATED_NAME


def bench_app(url: str):
    from exhibit import create_app
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET_KEY,
                       "CLOCK_IN_APP": False, "MESSAGE_DISPATCH": "none",
                       "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})


def person(rng: random.Random) -> tuple[str, str]:
    name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
    if rng.random() < 0.6:
        return name, ""
    kind = rng.random()
    if kind < 0.5:
        organisation = f"Công ty TNHH {rng.choice(TRADES)} {rng.choice(PLACES)}"
    elif kind < 0.8:
        organisation = f"Cửa hàng {rng.choice(TRADES)} {rng.choice(GIVEN)} {rng.choice(PLACES)}"
    else:
        organisation = f"Hợp tác xã {rng.choice(TRADES)} {rng.choice(PLACES)}"
    return name, organisation


def add_badges(week_id: int, count: int, first_phone: int, rng: random.Random) -> None:
    """``count`` badges by bulk insert (as ``flask seed-fair`` does), search words filled."""
    from exhibit.badges.models import Badge, badge_search_text
    from exhibit.core.db import utcnow
    from exhibit.core.tokens import new_code
    from exhibit.extensions import db
    now = utcnow()
    rows = []
    for n in range(count):
        draw = rng.random()
        kind = "visitor" if draw < 0.8 else "buyer" if draw < 0.95 else "organiser"
        name, organisation = person(rng)
        contact = kind != "organiser"
        rows.append({
            "week_id": week_id, "kind": kind, "full_name": name, "organisation": organisation,
            "search_text": badge_search_text(name, organisation),
            "phone": f"+849{first_phone + n:08d}" if kind == "visitor" else "",
            "entry_code": new_code(), "contact_code": new_code() if contact else None,
            "contact_consent_at": now if contact else None, "created_at": now,
            "changed_at": now})
        if len(rows) == 5000:
            db.session.execute(db.insert(Badge), rows)
            rows = []
    if rows:
        db.session.execute(db.insert(Badge), rows)
    db.session.commit()


def seed(url: str) -> dict:
    """The week, its badges, entrance staff with tokens and paired devices."""
    from flask_migrate import upgrade

    from exhibit.accounts.services import (create_entrance_user, create_organiser_user,
                                           issue_api_token)
    from exhibit.extensions import db
    from exhibit.scanning import devices, zones
    from exhibit.vn.dates import vietnam_today
    from exhibit.weeks.models import ExhibitionWeek
    from exhibit.weeks.services import create_week
    app = bench_app(url)
    rng = random.Random(20261205)
    with app.app_context():
        upgrade()
        organiser = create_organiser_user(
            email="btc@bench.example", password="bench-scanning-2026",
            organizer_name="Trung tâm Xúc tiến Thương mại (bench)", organizer_short_name="XTTM")
        today = vietnam_today()
        week = create_week(actor=organiser, data={
            "name_vi": "Hội chợ OCOP đo tải quét", "slug": "hoi-cho-do-tai-quet",
            "host_province_scheme": "2025", "host_province_code": "79", "venue_name": "SECC",
            "start_date": today + timedelta(days=30), "end_date": today + timedelta(days=34),
            "status": "open"})
        db.session.execute(db.update(ExhibitionWeek).where(ExhibitionWeek.id == week.id).values(
            start_date=today - timedelta(days=1), end_date=today + timedelta(days=3)))
        db.session.commit()
        add_badges(week.id, SNAPSHOT_BADGES, 0, rng)
        staff_tokens = []
        for n in range(DEVICES):
            user = create_entrance_user(email=f"cong{n}@bench.example",
                                        password="bench-scanning-2026",
                                        full_name=f"Cổng {n}", organiser=organiser, verified=True)
            staff_tokens.append(issue_api_token(user).value)
        hall = zones.default_zone(week)
        device_tokens = []
        for n in range(DEVICES + 1):
            _device, code = devices.create_device(organiser, week, "gate", f"Máy {n}", zone=hall,
                                                  gate=f"Cổng {n % 4 + 1}")
            device_tokens.append(devices.pair(code, "bench")[1])
        week_id = week.id
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
    engine.dispose()
    return {"app": app, "week_id": week_id, "staff_tokens": staff_tokens,
            "sync_token": device_tokens[0], "device_tokens": device_tokens[1:]}


def entry_codes(url: str, week_id: int, unscanned: bool = True) -> list[str]:
    """The week's live entrance codes not checked in yet, in a fixed shuffled order."""
    engine = create_engine(url)
    with engine.connect() as connection:
        codes = connection.scalars(text(
            "SELECT entry_code FROM badges b WHERE week_id = :w AND revoked_at IS NULL "
            "AND NOT EXISTS (SELECT 1 FROM checkins c WHERE c.badge_id = b.id) ORDER BY id"),
            {"w": week_id}).all()
    engine.dispose()
    random.Random(7).shuffle(codes)
    return codes


def count(url: str, sql: str, **params) -> int:
    engine = create_engine(url)
    with engine.connect() as connection:
        found = connection.scalar(text(sql), params)
    engine.dispose()
    return found


# -- 1. the snapshot -------------------------------------------------------------------------------

def measure_snapshot(world: dict, base: str) -> dict:
    from exhibit.scanning import devices, snapshot
    app = world["app"]
    figures = {"measure": "snapshot", "badges": SNAPSHOT_BADGES}
    with app.app_context():
        device = devices.device_for_token(world["sync_token"])
        times, body = [], b""
        for _round in range(3):
            started = time.perf_counter()
            data = snapshot.snapshot(device)
            body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
            times.append(time.perf_counter() - started)
        assert len(data["badges"]) == SNAPSHOT_BADGES, len(data["badges"])
        packed = gzip.compress(body, compresslevel=6)
        figures.update(raw_bytes=len(body), gzip_bytes=len(packed),
                       build_ms=round(statistics.median(times) * 1000, 1))
        lead_rows = snapshot.badge_rows(device.week_id, "leads",
                                        snapshot.week_key(device.week_id, "leads"))
        lead_body = json.dumps(lead_rows, separators=(",", ":")).encode()
        figures.update(lead_raw_bytes=len(lead_body),
                       lead_gzip_bytes=len(gzip.compress(lead_body, compresslevel=6)))
    session = requests.Session()
    started = time.perf_counter()
    answer = session.get(base + "/api/v1/device/snapshot", stream=True, headers={
        "Authorization": f"Bearer {world['sync_token']}", "Accept-Encoding": "gzip"})
    wire = answer.raw.read(decode_content=False)
    figures["http_ms"] = round((time.perf_counter() - started) * 1000, 1)
    assert answer.status_code == 200 and answer.headers["Content-Encoding"] == "gzip"
    figures["http_gzip_bytes"] = len(wire)
    assert len(json.loads(gzip.decompress(wire))["badges"]) == SNAPSHOT_BADGES
    return figures


# -- 2. syncing a queue ----------------------------------------------------------------------------

def measure_sync(world: dict, base: str, codes: list[str], url: str) -> dict:
    now = datetime.now(timezone.utc)
    scans = [{"nonce": f"sync-{n:07d}", "code": code, "direction": "in", "device_answer": "ok",
              "scanned_at": (now - timedelta(seconds=3600 - n * 1.5)).astimezone(VIETNAM)
              .isoformat()}
             for n, code in enumerate(codes[:SYNC_SCANS])]
    session = requests.Session()
    headers = {"Authorization": f"Bearer {world['sync_token']}"}
    before = count(url, "SELECT count(*) FROM checkins")
    batches = []
    started = time.perf_counter()
    answers = []
    for first in range(0, SYNC_SCANS, SYNC_BATCH):
        batch_started = time.perf_counter()
        left = SYNC_SCANS - first - SYNC_BATCH
        answer = session.post(base + "/api/v1/device/scans", headers=headers, json={
            "scans": scans[first:first + SYNC_BATCH], "unsynced": max(0, left),
            "app_version": "bench"})
        assert answer.status_code == 200, answer.text[:500]
        answers += answer.json()["results"]
        batches.append(round((time.perf_counter() - batch_started) * 1000))
    seconds = time.perf_counter() - started
    made = count(url, "SELECT count(*) FROM checkins") - before
    statuses: dict[str, int] = {}
    for result in answers:
        statuses[result["status"]] = statuses.get(result["status"], 0) + 1
    return {"measure": "sync", "scans": SYNC_SCANS, "batch": SYNC_BATCH,
            "seconds": round(seconds, 2), "batch_ms": batches, "answers": len(answers),
            "statuses": statuses, "checkins_made": made}


# -- 3. check-ins per minute at 16 devices ---------------------------------------------------------

#: wrk's script: thread i is scanner i (its own token), scanning its own list of fresh badges;
#: done() prints the round as one JSON line, with the "ok" answers counted by response()
LUA = r"""
local path = "%(path)s"
local tokens = {%(tokens)s}
local codes = {%(codes)s}
local new_path = %(new_path)s
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  sent, ok, other, ran_out = 0, 0, 0, 0
end

function request()
  sent = sent + 1
  local mine = codes[id]
  local code = mine[sent]
  if code == nil then
    ran_out = ran_out + 1
    code = mine[(sent %% #mine) + 1]
  end
  local nonce = string.format("%(prefix)s%%02d-%%07d", id, sent)
  local body
  if new_path then
    body = '{"scans":[{"nonce":"' .. nonce .. '","code":"' .. code .. '","scanned_at":"' ..
           os.date("!%%Y-%%m-%%dT%%H:%%M:%%S+00:00") .. '","direction":"in"}],"unsynced":0}'
  else
    body = '{"nonce":"' .. nonce .. '","code":"' .. code .. '"}'
  end
  return wrk.format("POST", path, {["Authorization"] = "Bearer " .. tokens[id],
                                   ["Content-Type"] = "application/json"}, body)
end

function response(status, headers, body)
  if status == 200 and string.find(body, '"status":%%s*"ok"') then
    ok = ok + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local t_sent, t_ok, t_other, t_out = 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    t_sent = t_sent + thread:get("sent")
    t_ok = t_ok + thread:get("ok")
    t_other = t_other + thread:get("other")
    t_out = t_out + thread:get("ran_out")
  end
  local e = summary.errors
  io.write(string.format(
    '\nRESULT {"requests": %%d, "sent": %%d, "ok": %%d, "other": %%d, "ran_out": %%d, ' ..
    '"seconds": %%.3f, "errors": %%d, "p50_ms": %%.2f, "p99_ms": %%.2f, "max_ms": %%.2f}\n',
    summary.requests, t_sent, t_ok, t_other, t_out, summary.duration / 1e6,
    e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
"""


def lua_list(values: list[str]) -> str:
    return ", ".join(f'"{value}"' for value in values)


def run_path(base: str, *, new_path: bool, tokens: list[str], codes: list[str], seconds: int,
             prefix: str) -> dict:
    """One wrk run of ``seconds`` on one path, 16 scanners, each with its share of ``codes``."""
    share = len(codes) // DEVICES
    per_thread = [codes[i * share:(i + 1) * share] for i in range(DEVICES)]
    script = LUA % {
        "path": "/api/v1/device/scans" if new_path else "/api/v1/checkins",
        "tokens": lua_list(tokens), "new_path": "true" if new_path else "false",
        "codes": ", ".join("{" + lua_list(mine) + "}" for mine in per_thread),
        "prefix": prefix}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    command = ["wrk", f"-t{DEVICES}", f"-c{DEVICES}", f"-d{seconds}s", "--latency",
               "--timeout", "30s", "-s", handle.name, base]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    Path(handle.name).unlink()
    line = next(x for x in output.splitlines() if x.startswith("RESULT "))
    result = json.loads(line.removeprefix("RESULT "))
    result["checkins_per_minute"] = round(result["ok"] / result["seconds"] * 60)
    return result


def measure_online(world: dict, base: str, codes: list[str], *, rounds: int, seconds: int,
                   warmup: int) -> list[dict]:
    """Alternating rounds of both paths, each on badges of its own never scanned before."""
    paths = {"checkins": (False, world["staff_tokens"]),
             "device_scans": (True, world["device_tokens"])}
    slices = iter(range(0, len(codes), len(codes) // (2 * rounds + 2)))
    size = len(codes) // (2 * rounds + 2)

    def fresh() -> list[str]:
        start = next(slices)
        return codes[start:start + size]

    results = []
    for name, (new_path, tokens) in paths.items():  # warm-up: both paths, the same short load
        result = run_path(base, new_path=new_path, tokens=tokens, codes=fresh(), seconds=warmup,
                          prefix=f"w{name[:3]}")
        result.update(measure="warmup", path=name)
        results.append(result)
    for round_number in range(rounds):
        order = list(paths) if round_number % 2 == 0 else list(reversed(paths))
        for name in order:
            new_path, tokens = paths[name]
            result = run_path(base, new_path=new_path, tokens=tokens, codes=fresh(),
                              seconds=seconds, prefix=f"r{round_number}{name[:3]}")
            result.update(measure="online", path=name, round=round_number + 1)
            print(json.dumps(result), flush=True)
            results.append(result)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--admin-url", default=DEFAULT_ADMIN)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8, help="gunicorn's threads per worker")
    args = parser.parse_args(argv)

    url = create_database(args.admin_url)
    print(f"seeding {CREATED_NAME}: {SNAPSHOT_BADGES} badges…", file=sys.stderr, flush=True)
    world = seed(url)
    with Gunicorn(url, workers=args.workers, threads=args.threads) as server:
        snapshot_figures = measure_snapshot(world, server.base)
        print(json.dumps(snapshot_figures), flush=True)
        codes = entry_codes(url, world["week_id"])
        sync_figures = measure_sync(world, server.base, codes, url)
        print(json.dumps(sync_figures), flush=True)

        print(f"adding {LOAD_BADGES} badges for the online rounds…", file=sys.stderr, flush=True)
        with world["app"].app_context():
            add_badges(world["week_id"], LOAD_BADGES, SNAPSHOT_BADGES + 1, random.Random(11))
        codes = entry_codes(url, world["week_id"])
        online = measure_online(world, server.base, codes, rounds=args.rounds,
                                seconds=args.seconds, warmup=args.warmup)
    made = count(url, "SELECT count(*) FROM checkins")
    answered_ok = sync_figures["statuses"].get("ok", 0) + sum(r["ok"] for r in online)
    # a request sent in the last instant of a run may be served after wrk stopped reading
    unanswered = sum(r["sent"] - r["requests"] for r in online)
    online = [r for r in online if r["measure"] == "online"]
    old = statistics.median(r["checkins_per_minute"] for r in online if r["path"] == "checkins")
    new = statistics.median(r["checkins_per_minute"] for r in online
                            if r["path"] == "device_scans")
    summary = {
        "measure": "summary", "snapshot_badges": SNAPSHOT_BADGES,
        "snapshot_gzip_kb": round(snapshot_figures["gzip_bytes"] / 1024),
        "snapshot_raw_kb": round(snapshot_figures["raw_bytes"] / 1024),
        "snapshot_build_ms": snapshot_figures["build_ms"],
        "sync_2000_seconds": sync_figures["seconds"],
        "checkins_per_minute_old": old, "checkins_per_minute_new": new,
        "ratio_new_to_old": round(new / old, 2) if old else None,
        "p99_ms_old": max(r["p99_ms"] for r in online if r["path"] == "checkins"),
        "p99_ms_new": max(r["p99_ms"] for r in online if r["path"] == "device_scans"),
        "ran_out": sum(r["ran_out"] for r in online),
        "checkins_in_database": made, "checkins_answered_ok": answered_ok,
        "unanswered_requests": unanswered,
        "goals": {"every_checkin_accounted_for": answered_ok <= made <= answered_ok + unanswered,
                  "snapshot_under_1mb": snapshot_figures["gzip_bytes"] < 1_000_000,
                  "sync_under_10s": sync_figures["seconds"] < 10,
                  "new_not_slower": bool(old) and new >= old * 0.97},
    }
    print(json.dumps(summary), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
