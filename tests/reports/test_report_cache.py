"""A past week's figures are computed once and kept (reports/cache.py) until a domain event about
that week is committed; a week that has not ended is kept for one short window at most."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from exhibit.booking.models import Allocation
from exhibit.core import audit, events
from exhibit.core.db import write_transaction
from exhibit.extensions import db
from exhibit.floorplan.models import Booth
from exhibit.vn.dates import vietnam_today
from tests.conftest import login
from tests.reports.conftest import read_figures


@pytest.fixture
def kept_reports(app):
    """The app with the report cache on, as in production without Redis."""
    app.config["REPORT_CACHE_SECONDS"] = 300
    app.extensions.pop("exhibit-report-cache", None)
    yield app
    app.config.pop("REPORT_CACHE_SECONDS")
    app.extensions.pop("exhibit-report-cache", None)


def _move_week(week, start_offset: int) -> None:
    """The week's dates moved to start ``start_offset`` days from today (Vietnam), directly:
    no event is announced."""
    with write_transaction():
        start = vietnam_today() + timedelta(days=start_offset)
        week = db.session.merge(week)
        week.start_date, week.end_date = start, start + timedelta(days=6)


def _block_booth_quietly(week, code: str) -> None:
    """A change written behind the services' back: no event announces it."""
    with write_transaction():
        db.session.scalar(select(Booth).where(Booth.week_id == week.id, Booth.code == code)).blocked = True


def _headlines(client, week) -> dict:
    return read_figures(client.get(f"/organiser/weeks/{week.slug}/dashboard").get_data(as_text=True))["kpis"]


def _blocked(client, week) -> int:
    html = client.get(f"/organiser/weeks/{week.slug}/dashboard").get_data(as_text=True)
    return read_figures(html)["booths"]["blocked"][0]


def _summary(client, week) -> dict:
    content = client.get(f"/organiser/weeks/{week.slug}/report.xlsx").data
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}


def test_past_week_figures_are_kept_until_an_event_about_the_week(
        kept_reports, client, organiser, open_week, exhibitor_with_booth):
    from exhibit.booking.services import release_allocation
    _move_week(open_week, -20)
    login(client, organiser)
    before = _headlines(client, open_week)
    assert before["booths_confirmed"] == 1
    assert _blocked(client, open_week) == 0
    workbook_before = _summary(client, open_week)

    _block_booth_quietly(open_week, "A02")  # not announced: the kept figures stay
    assert _blocked(client, open_week) == 0
    assert _headlines(client, open_week) == before
    assert _summary(client, open_week) == workbook_before

    with write_transaction():  # another week's change leaves this week's figures kept
        events.announce(events.week_changed, week_id=open_week.id + 1000, changed=["name_vi"])
    assert _blocked(client, open_week) == 0

    with write_transaction():  # audited in another process, whose event this one never hears
        audit.record("booth", None, "block", week_id=open_week.id)
    assert _blocked(client, open_week) == 1
    with write_transaction():
        db.session.scalar(select(Booth).where(Booth.week_id == open_week.id,
                                              Booth.code == "A02")).blocked = False
    assert _blocked(client, open_week) == 1  # kept again

    allocation = db.session.scalar(select(Allocation).where(Allocation.week_id == open_week.id))
    release_allocation(actor=organiser, allocation=allocation, reason="Sửa sai sau tuần lễ")
    after = _headlines(client, open_week)  # booking_changed dropped them: both changes show
    assert after["booths_confirmed"] == 0
    assert _blocked(client, open_week) == 0
    assert _summary(client, open_week) != workbook_before


def test_a_running_week_is_kept_for_one_live_window_only(
        kept_reports, client, organiser, open_week, exhibitor_with_booth, monkeypatch):
    """Organisers looking within cache.LIVE_SECONDS share one computation; the next window,
    an audited change or an announced event computes again."""
    from exhibit.reports import cache
    window = ["1"]
    monkeypatch.setattr(cache, "live_window", lambda now=None: window[0])
    _move_week(open_week, -3)  # running: its last day is still to come
    login(client, organiser)
    assert _blocked(client, open_week) == 0
    _block_booth_quietly(open_week, "A02")  # unannounced (like a scan): shown next window
    assert _blocked(client, open_week) == 0
    window[0] = "2"
    assert _blocked(client, open_week) == 1
    _block_booth_quietly(open_week, "A03")
    with write_transaction():  # an audited change to the week is seen at once
        audit.record("booth", None, "block", week_id=open_week.id)
    assert _blocked(client, open_week) == 2


def test_cache_is_off_in_tests_unless_asked(app):
    from exhibit.reports import cache
    with app.app_context():
        app.extensions.pop("exhibit-report-cache", None)
        built = []
        for _ in range(2):
            cache.remembered(1, "figures:vi", lambda: built.append(1) or "figures")
        assert len(built) == 2
