"""A published plan of 3,000 booths (six halls of 500, fixed elements, a calibrated drawing
underneath) within the fair-scale page budgets, one hall at a time: the public plan, a hall
chosen, a search, the organiser's booth page and a booth page, each at most 200 KB of HTML
(the public plan, which lists its hall's booths as text too, 280 KB) and answered within the
budget (bench.fair holds the real-server timings: ≤ 300 ms median),
with the same number of queries as a small fair (both databases)."""
from __future__ import annotations

import io
import statistics
import time

import pytest
from PIL import Image
from sqlalchemy import func, select

from exhibit.demo.fair import FairOptions, seed_fair
from exhibit.extensions import db
from exhibit.floorplan import drawing
from exhibit.floorplan.models import Booth, Hall, PlanElement
from exhibit.weeks.models import ExhibitionWeek
from tests.conftest import _test_app
from tests.querycount import queries_of

FAIR = dict(booths=3000, businesses=400, products=400, visitors=50, scans=50, checkins=20)
SMALL = dict(booths=12, businesses=10, products=30, visitors=40, scans=60, checkins=30)
ORGANISER = "hoicho@exhibit.demo"
MAX_HTML = 200 * 1024
#: the public plan also lists its hall's 500 booths as text (for a phone, a screen reader or a
#: keyboard): about 240 KB before the plan moved to metres, kept under this
MAX_PUBLIC_PLAN_HTML = 280 * 1024
#: a test client in one process on a shared machine: generous against the 300 ms goal
MAX_MEDIAN_S = 1.0


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def big_fair(request, tmp_path_factory):
    with _test_app(request.param, tmp_path_factory, "plan_budget") as app:
        with app.app_context():
            seed_fair(FairOptions(**SMALL, slug="hoi-cho-nho", seed=3, tax_offset=400_000))
            seed_fair(FairOptions(**FAIR, slug="hoi-cho-3000", seed=4, tax_offset=410_000))
            week_id = db.session.scalar(select(ExhibitionWeek.id).where(
                ExhibitionWeek.slug == "hoi-cho-3000"))
            hall_ids = db.session.scalars(select(Hall.id).where(Hall.week_id == week_id)
                                          .order_by(Hall.position)).all()
            from exhibit.accounts.models import User
            organiser_id = db.session.scalar(select(User.id).where(User.email == ORGANISER))
            out = io.BytesIO()
            Image.new("RGB", (2000, 1500), (245, 245, 245)).save(out, "PNG")
            db.session.remove()
            drawing.upload_drawing(actor=db.session.get(User, organiser_id),
                                   week=db.session.get(ExhibitionWeek, week_id),
                                   hall=db.session.get(Hall, hall_ids[0]), content=out.getvalue())
            db.session.remove()
            drawing.calibrate(actor=db.session.get(User, organiser_id),
                              week=db.session.get(ExhibitionWeek, week_id),
                              hall=db.session.get(Hall, hall_ids[0]),
                              data={"x1": 0, "y1": 0, "x2": 1000, "y2": 0, "distance_m": 40})
            db.session.remove()
            for hall in db.session.scalars(select(Hall).where(Hall.id.in_(hall_ids))):
                # an exit per hall, a column at the end of every aisle
                db.session.add(PlanElement(hall_id=hall.id, kind="exit", label="Lối ra",
                                           x_m=0, y_m=0.2, w_m=1.5, h_m=1))
                for y in range(8, int(hall.depth_m), 10):
                    db.session.add(PlanElement(hall_id=hall.id, kind="column", label=f"C{y}",
                                               x_m=0.5, y_m=y, w_m=0.6, h_m=0.6))
            db.session.commit()
            db.session.expunge_all()
            yield app, "hoi-cho-3000"
            db.session.remove()


def _client(app):
    from exhibit.demo.accounts import DEMO_PASSWORD
    client = app.test_client()
    assert client.post("/login", data={"email": ORGANISER,
                                       "password": DEMO_PASSWORD}).status_code == 302
    return client


def _timed(client, path) -> tuple[str, float]:
    times, text = [], ""
    for _ in range(3):
        started = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, path
        text = response.get_data(as_text=True)
    return text, statistics.median(times)


def test_a_3000_booth_plan_is_drawn_one_hall_at_a_time_within_budget(big_fair):
    app, slug = big_fair
    with app.app_context():
        hall_ids = db.session.scalars(select(Hall.id).join(ExhibitionWeek).where(
            ExhibitionWeek.slug == slug).order_by(Hall.position)).all()
        assert db.session.scalar(select(func.count(Booth.id)).join(ExhibitionWeek).where(
            ExhibitionWeek.slug == slug)) == 3000 and len(hall_ids) == 6
        client = _client(app)
        pages = [f"/weeks/{slug}/plan", f"/weeks/{slug}/plan?hall={hall_ids[3]}",
                 f"/weeks/{slug}/plan?q=B05-1", f"/weeks/{slug}/plan?q=cong ty",
                 f"/organiser/weeks/{slug}/booths", f"/weeks/{slug}/booths/A01-01"]
        for path in pages:
            html, median = _timed(client, path)
            budget = MAX_PUBLIC_PLAN_HTML if path.startswith(f"/weeks/{slug}/plan") else MAX_HTML
            assert len(html.encode()) <= budget, (path, len(html.encode()))
            assert median <= MAX_MEDIAN_S, (path, median)
            if "/plan" in path:
                assert 480 <= html.count('<g class="booth ') <= 520, path  # one hall
        first = client.get(f"/weeks/{slug}/plan").text
        assert 'class="drawing"' in first and 'data-kind="column"' in first


def test_the_plan_sends_as_many_queries_for_3000_booths_as_for_12(big_fair):
    app, slug = big_fair
    with app.app_context():
        client = _client(app)
        for path in ("/weeks/{slug}/plan", "/weeks/{slug}/plan?q=cong ty",
                     "/weeks/{slug}/plan?booth=A01-02"):
            small = queries_of(client, path.format(slug="hoi-cho-nho"))
            large = queries_of(client, path.format(slug=slug))
            assert small[0] == large[0] == 200 and len(small[1]) == len(large[1]), path
