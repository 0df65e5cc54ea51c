"""Demo data: ITPC, the 2024 Bình Thuận and Đắk Lắk weeks, an open 2027 OCOP week, and a live
week running on the day the demo is first seeded (live.py).

Every business here is fictional: names are invented and tax codes use the prefix 99, which
no tax office has, while still passing the check digit. Running the seed twice changes nothing.
"""
from exhibit.demo.seed import seed_demo  # noqa: F401
