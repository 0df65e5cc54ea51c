"""How long the week report takes: the figures (every count of the dashboard), the PDF and the
XLSX, in one warm process; and the figures of a past week when kept (reports/cache.py).

    python -m bench.reports [--runs 20]
    python -m bench.reports --url postgresql+psycopg://…/fair --slug hoi-cho-mua-thu-2025 --runs 5

Without ``--url``, seeds the demo (`flask seed-demo`) into a throw-away SQLite database and
times the Đắk Lắk week (21 exhibitors, 84 products, 160 visitors, 286 scans, 28 meetings,
10 MoUs, 32 payments). With ``--url``, reads an existing database (e.g. one filled by
`flask seed-fair`) and times ``--slug``. Prints the median and 95th percentile in
milliseconds. "figures" always computes (a report as of now); "figures_kept" is a past week's
report read back from the in-process cache, as the dashboard of an ended week gets it.
"""
from __future__ import annotations

import argparse
import json

from bench import throwaway_app
from bench.documents import _timings

SLUG = "ket-noi-cung-cau-dak-lak-2024"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--url", help="an existing database (default: the demo on SQLite)")
    parser.add_argument("--slug", default=SLUG)
    args = parser.parse_args()

    if args.url:
        from exhibit import create_app
        app = create_app({"SQLALCHEMY_DATABASE_URI": args.url, "SECRET_KEY": "bench",
                          "REDIS_URL": None, "RATELIMIT_STORAGE_URI": "memory://"})
    else:
        app = throwaway_app("bench-reports-")
        with app.app_context():
            from exhibit.demo.seed import seed_demo
            for _line in seed_demo():
                pass
    app.config["REPORT_CACHE_SECONDS"] = 300  # as in production (a test app keeps nothing)
    app.extensions.pop("exhibit-report-cache", None)  # made while seeding, with the old setting
    with app.test_request_context():
        from exhibit.core.db import utcnow
        from exhibit.reports import cache, files, figures
        from exhibit.vn.dates import vietnam_today
        from exhibit.weeks.services import get_week
        week = get_week(args.slug)
        report = figures.week_report(week, now=utcnow())
        results = {
            "figures": _timings(lambda: figures.week_report(week, now=utcnow()), args.runs),
            "pdf": _timings(lambda: files.pdf_bytes(report), args.runs),
            "xlsx": _timings(lambda: files.workbook(report), args.runs),
        }
        if cache.is_history(week, vietnam_today()):
            figures.week_report(week)  # computed once, then kept
            results["figures_kept"] = _timings(lambda: figures.week_report(week), args.runs)
        results["pdf_bytes"] = len(files.pdf_bytes(report))
        results["xlsx_bytes"] = len(files.workbook(report))
    print(json.dumps({"week": args.slug, "runs": args.runs, **results}, indent=2))


if __name__ == "__main__":
    main()
