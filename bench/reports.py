"""How long the week report takes on the demo data: the figures (every count of the
dashboard), the PDF and the XLSX, in one warm process.

    python -m bench.reports [--runs 20]

Seeds the demo (`flask seed-demo`) into a throw-away SQLite database, then times each step
``--runs`` times for the Đắk Lắk week (21 exhibitors, 84 products, 160 visitors, 286 scans,
28 meetings, 10 MoUs, 32 payments) and prints the median and 95th percentile in milliseconds.
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
    args = parser.parse_args()

    app = throwaway_app("bench-reports-")
    with app.app_context():
        from exhibit.demo.seed import seed_demo
        for _line in seed_demo():
            pass
    with app.test_request_context():
        from exhibit.reports import files, figures
        from exhibit.weeks.services import get_week
        week = get_week(SLUG)
        report = figures.week_report(week)
        results = {
            "figures": _timings(lambda: figures.week_report(week), args.runs),
            "pdf": _timings(lambda: files.pdf_bytes(report), args.runs),
            "xlsx": _timings(lambda: files.workbook(report), args.runs),
        }
        results["pdf_bytes"] = len(files.pdf_bytes(report))
        results["xlsx_bytes"] = len(files.workbook(report))
    print(json.dumps({"week": SLUG, "runs": args.runs, **results}, indent=2))


if __name__ == "__main__":
    main()
