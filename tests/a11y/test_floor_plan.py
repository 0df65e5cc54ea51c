"""The floor plan works for a screen reader and a keyboard, on a phone: the drawing is a group
named after its hall whose booths are links named by code, status, size and price (an
<svg role="img"> would make them presentational), Tab walks from booth to booth and Enter opens
one; the same booths are a list under the drawing."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests.e2e.conftest import PHONE, serve

OPEN_WEEK = "tuan-le-ocop-itpc-2027"


@pytest.mark.parametrize("demo_app", ["sqlite"], indirect=True)
def test_plan_booths_are_named_links_in_a_named_group_and_a_list(demo_app, browser_module):
    from exhibit.extensions import db
    from exhibit.floorplan.models import Booth, Hall
    from exhibit.weeks.models import ExhibitionWeek
    with demo_app.app_context():
        hall_name, booths = db.session.execute(
            select(Hall.name, func.count(Booth.id)).join(Booth, Booth.hall_id == Hall.id)
            .join(ExhibitionWeek, ExhibitionWeek.id == Hall.week_id)
            .where(ExhibitionWeek.slug == OPEN_WEEK).group_by(Hall.id, Hall.name)
            .order_by(Hall.position)).first()
        db.session.remove()

    with serve(demo_app) as base:
        phone = browser_module.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        page = phone.new_page()
        page.goto(f"{base}/weeks/{OPEN_WEEK}/plan")

        # a screen reader meets a group named after the hall, holding one link per booth
        drawing = page.get_by_role("group", name=hall_name, exact=True)
        links = drawing.get_by_role("link")
        assert links.count() == booths
        assert drawing.get_by_role("link", name=re.compile(r"^A02 · .+ · 9 m² · .+₫")).count() == 1

        # a keyboard walks from booth to booth and opens one
        drawing.get_by_role("link", name=re.compile(r"^A01 · ")).focus()
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.querySelector('title').textContent"
                             ).startswith("A02 · ")
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/weeks/{OPEN_WEEK}/booths/A02")

        # the same booths as a list under the drawing, opened and followed by keyboard
        page.go_back()
        summary = page.locator("details.booth-list summary")
        summary.focus()
        page.keyboard.press("Enter")
        listed = page.locator("details.booth-list").get_by_role("listitem")
        assert listed.count() == booths
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/weeks/{OPEN_WEEK}/booths/A01")
        phone.close()
