"""Two generated fairs of different sizes in one database (``flask seed-fair`` at test size),
owned by the same organiser, on SQLite and PostgreSQL: a page whose query count differs between
the two has an N+1; a paged list must show the same rows and counts a test computes itself."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from exhibit.demo.accounts import DEMO_PASSWORD
from exhibit.demo.fair import FairOptions, seed_fair
from exhibit.extensions import db
from exhibit.weeks.models import ExhibitionWeek
from tests.conftest import _test_app

SMALL = dict(booths=12, businesses=10, products=30, visitors=40, scans=60, checkins=30)
LARGE = dict(booths=240, businesses=200, products=600, visitors=900, scans=1500, checkins=700)
ORGANISER = "hoicho@exhibit.demo"


@dataclass
class Fairs:
    app: object
    small: ExhibitionWeek
    large: ExhibitionWeek

    def organiser_client(self):
        client = self.app.test_client()
        response = client.post("/login", data={"email": ORGANISER, "password": DEMO_PASSWORD})
        assert response.status_code == 302
        return client


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def fairs(request, tmp_path_factory):
    with _test_app(request.param, tmp_path_factory, "fairs") as app:
        with app.app_context():
            seed_fair(FairOptions(**SMALL, slug="hoi-cho-nho", seed=7, tax_offset=300_000))
            seed_fair(FairOptions(**LARGE, slug="hoi-cho-lon", seed=8, tax_offset=310_000))
            weeks = {w.slug: w for w in db.session.scalars(select(ExhibitionWeek))}
            db.session.expunge_all()
            yield Fairs(app=app, small=weeks["hoi-cho-nho"], large=weeks["hoi-cho-lon"])
            db.session.remove()
