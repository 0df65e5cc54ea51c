"""The visitor's booth page ``/b/<token>`` against a bare page of the same weight, over HTTP.

    python -m bench.scan --database-url postgresql+psycopg://postgres@127.0.0.1:5432/fair
    python -m bench.scan --create          # (re)creates PostgreSQL database bench_scan, seeds it
    python -m bench.scan --create --rounds 5 --seconds 10 --connections 64

The database must hold a fair-scale week (``flask --app exhibit seed-fair``; ``--slug`` names
it, the default is seed-fair's). ``--create`` drops and creates the database ``bench_scan`` on
the server of ``--admin-url``, seeds the default fair into it (about a minute or two) and runs
ANALYZE: a database just filled by bulk inserts has no statistics yet, and PostgreSQL's plans
without them are far slower (run ``ANALYZE`` yourself on a freshly seeded database).

Two gunicorn servers run with the same settings (bench/server.py: 2 workers × 8 gthread
threads, production settings): this checkout on the database, and bench/bare.py — Flask and one
Jinja page shaped like the booth page, from memory, sized to the real page's average weight.
``wrk`` (``--latency``, ``--connections`` connections, 2 threads) loads each in turn, bare first,
for ``--rounds`` rounds of ``--seconds`` seconds, after a short warm-up of each. Every request
asks for a random booth of the week (all its booths' QR links, or the first ``--booths``: one
hall's 500 booths, say); half come from a phone seen for the first time, 35 % from phones that
came back having saved nothing, 15 % from phones that have saved products elsewhere (looked up).
Each worker renders a booth's page at its first visit and keeps it (visitors/booth_pages.py):
asked for every booth of a 3,000-booth fair, most requests of a short run are first visits;
``--booths 500`` and a longer ``--warmup`` measure a hall that has been open a while.

Prints one JSON line per measurement (requests/s, p50, p99, max, in ms), then a summary: the
median requests/s of each page and their ratio, the scan page's worst p99, and the check that
every scan was recorded: ``booth_scans`` rows of the week are counted before, and again after the
app's server has stopped (its workers write the scans still queued when they exit); the rows
added must lie between the responses wrk received and the requests it sent (a request sent in
the last instant of a round may be served after wrk stopped reading). Goal: ratio ≥ 0.6 and
p99 ≤ 100 ms at 64 connections.
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from sqlalchemy import create_engine, text

from bench.server import Gunicorn

DEFAULT_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
CREATED_NAME = "bench_scan"

#: wrk's script: random booth paths; half of the requests from new phones, 35 % from phones
#: that came back having saved nothing, 15 % from phones that have saved products;
#: done() prints the round as one JSON line, with the requests every thread sent
LUA = r"""
local paths = {%(paths)s}
local threads = {}
local alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  sent = 0
  math.randomseed(os.time() * 1000 + id)
end

local function visitor_key()
  local chars = {}
  for i = 1, 22 do
    local n = math.random(#alphabet)
    chars[i] = alphabet:sub(n, n)
  end
  return table.concat(chars)
end

function request()
  sent = sent + 1
  local path = paths[math.random(#paths)]
  local kind = math.random()
  if kind < 0.35 then  -- came back, saved nothing
    return wrk.format("GET", path, {["Cookie"] = "vk=" .. visitor_key() .. "; vs=0"})
  elseif kind < 0.5 then  -- came back, has saved products (looked up)
    return wrk.format("GET", path, {["Cookie"] = "vk=" .. visitor_key() .. "; vs=1"})
  end
  return wrk.format("GET", path)  -- a phone seen for the first time
end

function done(summary, latency, requests)
  local total_sent = 0
  for _, thread in ipairs(threads) do
    total_sent = total_sent + thread:get("sent")
  end
  local e = summary.errors
  io.write(string.format(
    '\nRESULT {"requests": %%d, "sent": %%d, "seconds": %%.3f, "bytes": %%d, ' ..
    '"errors": {"connect": %%d, "read": %%d, "write": %%d, "status": %%d, "timeout": %%d}, ' ..
    '"p50_ms": %%.2f, "p90_ms": %%.2f, "p99_ms": %%.2f, "max_ms": %%.2f}\n',
    summary.requests, total_sent, summary.duration / 1e6, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
"""


def create_database(admin_url: str) -> str:
    """Drop and create ``bench_scan`` beside ``admin_url``'s database, migrate it and seed the
    default fair; its URL."""
    from flask_migrate import upgrade

    from exhibit import create_app
    from exhibit.demo.fair import FairOptions, seed_fair
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {CREATED_NAME} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {CREATED_NAME}"))
    admin.dispose()
    url = admin_url.rsplit("/", 1)[0] + "/" + CREATED_NAME
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "CLOCK_IN_APP": False,
                      "MESSAGE_DISPATCH": "none"})
    with app.app_context():
        upgrade()
        seed_fair(FairOptions(), echo=lambda line: print(line, file=sys.stderr))
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
    engine.dispose()
    return url


def week_facts(url: str, slug: str) -> tuple[int, list[str]]:
    """The week's id and the current QR tokens of its booths."""
    engine = create_engine(url)
    with engine.connect() as connection:
        week_id = connection.scalar(text("SELECT id FROM exhibition_weeks WHERE slug = :slug"),
                                    {"slug": slug})
        if week_id is None:
            raise SystemExit(f"no week {slug!r} in this database: seed one with "
                             "`flask --app exhibit seed-fair` or pass --create")
        tokens = connection.scalars(text(
            "SELECT t.token FROM booth_tokens t JOIN booths b ON b.id = t.booth_id "
            "WHERE b.week_id = :week AND t.replaced_at IS NULL ORDER BY t.token"),
            {"week": week_id}).all()
    engine.dispose()
    return week_id, tokens


def scan_rows(url: str, week_id: int) -> int:
    engine = create_engine(url)
    with engine.connect() as connection:
        count = connection.scalar(text("SELECT count(*) FROM booth_scans WHERE week_id = :w"),
                                  {"w": week_id})
    engine.dispose()
    return count


def average_size(base: str, paths: list[str]) -> int:
    """Mean bytes of the real pages (each fetch is a scan, counted like wrk's)."""
    sizes = []
    for path in paths:
        with urllib.request.urlopen(base + path, timeout=30) as response:
            assert response.status == 200, (path, response.status)
            sizes.append(len(response.read()))
    return round(statistics.mean(sizes))


def run_wrk(base: str, script: Path, *, seconds: int, connections: int, threads: int) -> dict:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency",
               "--timeout", "30s", "-s", str(script), base]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(x for x in output.splitlines() if x.startswith("RESULT "))
    result = json.loads(line.removeprefix("RESULT "))
    result["rps"] = round(result["requests"] / result["seconds"], 1)
    result["failed"] = sum(result["errors"].values())
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL (or SQLite) URL of a seeded fair")
    parser.add_argument("--create", action="store_true",
                        help=f"(re)create database {CREATED_NAME} and seed a fair in it")
    parser.add_argument("--admin-url", default=DEFAULT_ADMIN)
    parser.add_argument("--slug", default="hoi-cho-mua-thu-2025")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2, help="wrk's threads")
    parser.add_argument("--booths", type=int, default=0,
                        help="ask for the first N booths only (default: every booth)")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    if args.create:
        url = create_database(args.admin_url)
    elif args.database_url:
        url = args.database_url
    else:
        parser.error("pass --database-url of a seeded fair, or --create")

    week_id, tokens = week_facts(url, args.slug)
    paths = [f"/b/{token}" for token in tokens][:args.booths or None]
    folder = Path(tempfile.mkdtemp(prefix="bench-scan-"))
    script = folder / "scan.lua"
    script.write_text(LUA % {"paths": ", ".join(json.dumps(p) for p in paths)})
    before = scan_rows(url, week_id)
    received = sent = 0
    results: dict[str, list[dict]] = {"bare": [], "scan": []}

    def measure(server, page: str, seconds: int, round_number: int | None) -> None:
        nonlocal received, sent
        result = run_wrk(server.base, script, seconds=seconds, connections=args.connections,
                         threads=args.threads)
        if page == "scan":
            received += result["requests"]
            sent += result["sent"]
        if round_number is None:
            return
        results[page].append(result)
        print(json.dumps({"page": page, "round": round_number, "rps": result["rps"],
                          "p50_ms": result["p50_ms"], "p90_ms": result["p90_ms"],
                          "p99_ms": result["p99_ms"], "max_ms": result["max_ms"],
                          "requests": result["requests"], "failed": result["failed"],
                          "bytes_per_response": round(result["bytes"] / max(1, result["requests"])),
                          "connections": args.connections}), flush=True)

    with Gunicorn(url) as app:
        sample = paths[:: max(1, len(paths) // 40)][:40]
        size = average_size(app.base, sample)
        received += len(sample)
        sent += len(sample)
        with Gunicorn(url, app="bench.bare:create_app()",
                      env={"BARE_PAGE_BYTES": str(size)}) as bare:
            servers = {"bare": bare, "scan": app}
            for page in ("bare", "scan"):
                measure(servers[page], page, args.warmup, None)
            for round_number in range(1, args.rounds + 1):
                for page in ("bare", "scan"):
                    measure(servers[page], page, args.seconds, round_number)
    # the app's workers have exited: what they had queued is written
    added = scan_rows(url, week_id) - before

    bare_rps = statistics.median(r["rps"] for r in results["bare"])
    scan_rps = statistics.median(r["rps"] for r in results["scan"])
    worst_p99 = max(r["p99_ms"] for r in results["scan"])
    failed = sum(r["failed"] for rs in results.values() for r in rs)
    ratio = round(scan_rps / bare_rps, 3) if bare_rps else 0.0
    summary = {
        "summary": "scan page vs bare page", "rounds": args.rounds, "seconds": args.seconds,
        "connections": args.connections, "page_bytes": size, "booths": len(paths),
        "bare_rps": bare_rps, "scan_rps": scan_rps, "ratio": ratio,
        "scan_p50_ms": statistics.median(r["p50_ms"] for r in results["scan"]),
        "scan_p99_ms": statistics.median(r["p99_ms"] for r in results["scan"]),
        "scan_worst_p99_ms": worst_p99,
        "bare_p99_ms": statistics.median(r["p99_ms"] for r in results["bare"]),
        "failed_requests": failed,
        "scans": {"responses": received, "sent": sent, "rows_added": added,
                  "all_recorded": received <= added <= sent},
        "goal": {"ratio>=0.6": ratio >= 0.6, "p99<=100ms": worst_p99 <= 100},
    }
    print(json.dumps(summary), flush=True)
    ok = summary["scans"]["all_recorded"] and failed == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
