"""Catalogue search at scale: p50/p95 latency of folded searches and filtered listings.

    python -m bench.catalogue                     # SQLite and PostgreSQL, 50,000 products
    python -m bench.catalogue --db sqlite --products 5000 --queries 50

Builds a fresh database (a temporary SQLite file; a throw-away PostgreSQL database), fills one
week with N approved products from 2,000 businesses — the worst case, every product at the same
week — and times ``catalogue.search.search`` (the function behind the catalogue page and the
API: count, one page of rows, their cover photos) for a mix of queries. Prints one JSON line
per database, then a table of p50/p95 per kind of query and whether the goal is met.
Goal: p95 ≤ 30 ms over all timed queries (PostgreSQL is VACUUM ANALYZEd after the load,
as autovacuum would).
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
import uuid
from datetime import date

from sqlalchemy import create_engine, insert, select, text

BASES = [
    ("Nước mắm cá cơm", 9), ("Nước mắm nhĩ", 9), ("Mắm ruốc", 9), ("Tương ớt", 9),
    ("Cà phê rang xay", 13), ("Cà phê hòa tan", 13), ("Cà phê chồn", 13), ("Bột ca cao", 13),
    ("Socola đen", 13), ("Mật ong rừng", 4), ("Mật ong hoa cà phê", 4), ("Thanh long ruột đỏ", 1),
    ("Thanh long sấy dẻo", 7), ("Xoài sấy", 7), ("Sầu riêng sấy", 7), ("Chuối sấy", 7),
    ("Hạt điều rang muối", 10), ("Tiêu đen", 10), ("Muối ớt", 10), ("Hành phi", 10),
    ("Gạo hữu cơ", 3), ("Gạo lứt", 3), ("Bánh tráng mè", 6), ("Bánh pía", 6), ("Kẹo dừa", 6),
    ("Mực một nắng", 8), ("Cá chỉ vàng", 8), ("Bò một nắng", 8), ("Chả ghẹ", 8), ("Yến sào", 8),
    ("Trà vối", 12), ("Chè shan tuyết", 11), ("Trà atiso", 12), ("Rượu sim", 15),
    ("Rượu cần", 15), ("Nước cốt chanh", 17), ("Khăn thổ cẩm", 22), ("Túi dệt thổ cẩm", 22),
    ("Tinh dầu sả", 20), ("Cao gừng", 18), ("Bưởi da xanh", 1), ("Bơ sáp", 1), ("Măng khô", 8),
    ("Hồng treo gió", 7), ("Mắc ca sấy", 10), ("Đường mía vàng", 7), ("Tinh bột sắn", 7),
]
QUALIFIERS = ["", "đặc biệt", "cao cấp", "truyền thống", "loại 1", "hộp quà", "nguyên chất",
              "hữu cơ", "Phan Thiết", "Buôn Ma Thuột", "Đà Lạt", "Phú Quốc", "Tây Nguyên"]
SIZES = [("chai", "Chai 500 ml"), ("gói", "Gói 250 g"), ("hũ", "Hũ 200 g"), ("hộp", "Hộp 500 g"),
         ("kg", "Túi 1 kg"), ("túi", "Túi 100 g")]
FORMS = ["Hợp tác xã", "Công ty TNHH", "Công ty Cổ phần", "Cơ sở sản xuất", "Hộ kinh doanh"]
WORDS = ["Thành Đạt", "Hưng Phát", "Sông Xanh", "Đồi Cát", "Cao Nguyên", "Biển Bạc", "Nắng Vàng",
         "Phú Mỹ", "An Khang", "Tân Lộc", "Hòa Bình", "Đất Đỏ", "Ea Tu", "Mũi Né", "Krông Pắc"]

GOAL_P95_MS = 30
PAGE_SIZE = 24  # catalogue.search.PER_PAGE

QUERIES = {
    "search": [{"q": q} for q in ("ca phe", "NƯỚC MẮM", "nuoc mam phan thiet", "mat ong rung",
                                  "dak lak", "thanh long say", "tra", "hat dieu rang muoi",
                                  "banh", "khong co san pham nay")],
    "filter": [{"province": "68"}, {"group": "thuc_pham"}, {"stars": "4"},
               {"price_min": "50000", "price_max": "150000"}, {"group": "do_uong", "stars": "3"},
               {"page": "5"}, {"province": "legacy63:60", "page": "2"}, {}],
    "search+filter": [{"q": "ca phe", "stars": "4"}, {"q": "mam", "province": "66"},
                      {"q": "say", "price_max": "100000", "page": "2"}],
}


TOTAL_SPECS = sum(len(specs) for specs in QUERIES.values())


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def build(app, products: int, businesses: int, seed: int = 7):
    """Fill the database: one organiser, one week, businesses, products and their listings."""
    from exhibit.accounts.services import ensure_organizer
    from exhibit.businesses.models import Business
    from exhibit.catalogue import ocop
    from exhibit.catalogue.models import Product, ProductListing
    from exhibit.core.db import write_transaction
    from exhibit.demo.seed import fictional_tax_code
    from exhibit.extensions import db
    from exhibit.vn import provinces
    from exhibit.vn.text import search_document
    from exhibit.weeks.models import ExhibitionWeek

    rng = random.Random(seed)
    codes_2025 = [p.code for p in provinces.provinces(provinces.SCHEME_2025)]
    legacy = provinces.provinces(provinces.SCHEME_LEGACY)
    with write_transaction():
        organizer = ensure_organizer("ITPC (bench)", "ITPC")
        week = ExhibitionWeek(organizer_id=organizer.id, slug="bench-week", name_vi="Tuần lễ đo",
                              host_province_scheme="2025", host_province_code="79",
                              venue_name="ITPC", start_date=date(2025, 3, 10),
                              end_date=date(2025, 3, 16), status="open")
        db.session.add(week)
        db.session.flush()
        week_id, start = week.id, week.start_date
    rows = []
    for n in range(businesses):
        name = f"{rng.choice(FORMS)} {rng.choice(WORDS)} {rng.choice(WORDS)} {n}"
        rows.append({"name": name, "name_search": search_document(name), "legal_form": "hop_tac_xa",
                     "tax_code": fictional_tax_code(500_000 + n), "address": "Bench",
                     "province_scheme": "2025", "province_code": rng.choice(codes_2025),
                     "phone": "+84912345678"})
    with write_transaction():
        db.session.execute(insert(Business), rows)
        business_ids = [i for (i,) in db.session.execute(text("SELECT id FROM businesses ORDER BY id"))]
        names = dict(db.session.execute(text("SELECT id, name FROM businesses")).all())
    product_rows = []
    for _n in range(products):
        base, product_set = rng.choice(BASES)
        qualifier = rng.choice(QUALIFIERS)
        unit, net = rng.choice(SIZES)
        name = " ".join(part for part in (base, qualifier, net.lower()) if part)
        business_id = rng.choice(business_ids)
        if rng.random() < 0.3:
            origin = rng.choice(legacy)
            scheme, code, now = origin.scheme, origin.code, origin.successor_code
        else:
            scheme, code = "2025", rng.choice(codes_2025)
            now = code
        stars = rng.choice((None, 3, 3, 3, 4, 4, 5))
        decided = date(2022 + rng.randrange(3), 1 + rng.randrange(12), 1 + rng.randrange(28)) if stars else None
        decided = min(decided, start) if decided else None
        group = ocop.PRODUCT_SETS[product_set].group
        origin_name = provinces.display_name(scheme, code)
        product_rows.append({
            "business_id": business_id, "name": name, "price_vnd": rng.randrange(20, 500) * 1000,
            "unit": unit, "net_quantity": net, "origin_province_scheme": scheme,
            "origin_province_code": code, "origin_province_now": now, "ocop_scheme": "qd148",
            "ocop_group": group, "ocop_set": product_set, "stars": stars,
            "cert_decision_number": "1/QĐ-UBND" if stars else "", "cert_decision_date": decided,
            "cert_valid_until": ocop.valid_until(decided) if decided else None,
            "cert_issuer_level": "province" if stars else "", "standards": [],
            "name_search": search_document(name),
            "search_text": search_document(name, names[business_id], origin_name,
                                           ocop.group(ocop.QD148, group).name_vi,
                                           ocop.PRODUCT_SETS[product_set].name_vi)})
    with write_transaction():
        for chunk in range(0, len(product_rows), 5000):
            db.session.execute(insert(Product), product_rows[chunk:chunk + 5000])
    # Listings in one statement, with the columns services.sync_listing copies; a sample is
    # checked against sync_listing below.
    with write_transaction():
        db.session.execute(text(
            "INSERT INTO product_listings (week_id, product_id, business_id, status, reason, "
            "created_at, visible, shown_stars, price_vnd, origin_province_now, ocop_group, sort_name, "
            "search_text) "
            "SELECT :week, id, business_id, 'approved', '', created_at, true, "
            "CASE WHEN stars IS NOT NULL AND cert_decision_date <= :start "
            "AND cert_valid_until >= :end THEN stars ELSE 0 END, price_vnd, origin_province_now, "
            "ocop_group, trim(name_search), search_text FROM products"),
            {"week": week_id, "start": start, "end": date(2025, 3, 16)})
    from exhibit.catalogue.services import sync_listing
    for listing in db.session.scalars(select(ProductListing).order_by(ProductListing.id).limit(500)):
        copied = (listing.visible, listing.shown_stars, listing.price_vnd, listing.sort_name,
                  listing.search_text)
        sync_listing(listing)
        assert copied == (listing.visible, listing.shown_stars, listing.price_vnd,
                          listing.sort_name, listing.search_text)
    db.session.rollback()
    # What autovacuum does to a live database after a bulk load: statistics for the planner
    # and, on PostgreSQL, the visibility map that lets a count read an index alone.
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    return week_id


def _server_cpu_ns(connection) -> int | None:
    """CPU time used so far by the PostgreSQL backend serving ``connection`` (Linux, same
    machine: /proc/<pid>/schedstat); None for SQLite, which runs in this process."""
    info = getattr(connection.connection.dbapi_connection, "info", None)
    pid = getattr(info, "backend_pid", None)
    if pid is None:
        return None
    try:
        with open(f"/proc/{pid}/schedstat") as stat:
            return int(stat.read().split()[0])
    except OSError:
        return None


def _summary_of(timings: list[float], cpu: list[float]) -> dict:
    return {"n": len(timings), "p50_ms": round(statistics.median(timings), 2),
            "p95_ms": round(_percentile(timings, 0.95), 2),
            "cpu_p50_ms": round(statistics.median(cpu), 2),
            "cpu_p95_ms": round(_percentile(cpu, 0.95), 2)}


def measure(app, week_id: int, queries: int) -> dict:
    """Wall time of each call (the goal), and the CPU time it cost this process and the
    database server (on a busy machine the wall time also holds the waits for a CPU)."""
    from exhibit.catalogue import search
    from exhibit.extensions import db
    from exhibit.weeks.models import ExhibitionWeek

    week = db.session.get(ExhibitionWeek, week_id)
    results = {}
    every, every_cpu = [], []
    by_spec: dict[str, list[float]] = {}
    for kind, specs in QUERIES.items():
        timings, cpu = [], []
        for spec in specs:
            filters = search.parse_filters(spec)
            search.search(week, filters)  # warm the caches once
            db.session.rollback()
        repeats = max(1, queries // len(specs))
        for _ in range(repeats):
            for spec in specs:
                filters = search.parse_filters(spec)
                connection = db.session.connection()
                server_before = _server_cpu_ns(connection)
                cpu_before = time.process_time_ns()
                begin = time.perf_counter()
                search.search(week, filters)
                elapsed = (time.perf_counter() - begin) * 1000
                used = time.process_time_ns() - cpu_before
                if server_before is not None:
                    used += _server_cpu_ns(connection) - server_before
                timings.append(elapsed)
                cpu.append(used / 1e6)
                by_spec.setdefault(json.dumps(spec, ensure_ascii=False), []).append(elapsed)
                db.session.rollback()
        every += timings
        every_cpu += cpu
        results[kind] = _summary_of(timings, cpu)
    results["all"] = _summary_of(every, every_cpu)
    slowest = sorted(by_spec.items(), key=lambda item: -statistics.median(item[1]))[:3]
    results["slowest_p50_ms"] = {spec: round(statistics.median(times), 2) for spec, times in slowest}
    sample = {spec["q"]: search.search(week, search.parse_filters(spec)).total
              for spec in QUERIES["search"][:5]}
    results["matches"] = sample
    return results


def run(kind: str, products: int, businesses: int, queries: int) -> dict:
    from tests.conftest import PG_ADMIN_URL, make_test_app

    if kind == "sqlite":
        url = f"sqlite:///{tempfile.mkdtemp(prefix='bench-')}/catalogue.sqlite3"
    else:
        name = f"exhibit_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    app = make_test_app(url)
    try:
        with app.app_context():
            begin = time.perf_counter()
            week_id = build(app, products, businesses)
            built = time.perf_counter() - begin
            result = measure(app, week_id, queries)
            from exhibit.extensions import db
            db.engine.dispose()
    finally:
        if kind != "sqlite":
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    return {"bench": "catalogue", "db": kind, "products": products, "businesses": businesses,
            "build_s": round(built, 1), **result, "goal_p95_ms": GOAL_P95_MS,
            "goal_met": result["all"]["p95_ms"] <= GOAL_P95_MS}


def summary(results: list[dict]) -> str:
    """What was measured and whether the goal is met, for people (the JSON lines are for tools)."""
    first = results[0]
    kinds = ("search", "filter", "search+filter", "all")
    lines = [f"catalogue.search.search (count + one page of {PAGE_SIZE} + details and covers), "
             f"in process, {first['products']:,} approved products of {first['businesses']:,} "
             f"businesses in one week; about {first['search']['n']} timed calls per kind of "
             f"query ({TOTAL_SPECS} queries in all, each warmed up once).",
             f"Goal: wall-time p95 <= {GOAL_P95_MS} ms over all calls. CPU = this process + the "
             "PostgreSQL backend per call (what a call costs when the machine is busy).",
             f"{'db':<10}{'':<6}" + "".join(f"{kind + ' p50/p95':>22}" for kind in kinds) + "  goal"]
    for result in results:
        for label, prefix in (("wall", ""), ("CPU", "cpu_")):
            cells = [f"{result[kind][prefix + 'p50_ms']:.1f} / {result[kind][prefix + 'p95_ms']:.1f}"
                     for kind in kinds]
            verdict = ("  met" if result["goal_met"] else "  NOT met") if not prefix else ""
            lines.append(f"{result['db'] if not prefix else '':<10}{label:<6}"
                         + "".join(f"{cell:>22}" for cell in cells) + verdict)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--products", type=int, default=50_000)
    parser.add_argument("--businesses", type=int, default=2_000)
    parser.add_argument("--queries", type=int, default=200, help="timed queries per kind")
    args = parser.parse_args()
    results = []
    for kind in (("sqlite", "postgres") if args.db == "both" else (args.db,)):
        results.append(run(kind, args.products, args.businesses, args.queries))
        print(json.dumps(results[-1], ensure_ascii=False), flush=True)
    print(summary(results), flush=True)


if __name__ == "__main__":
    main()
