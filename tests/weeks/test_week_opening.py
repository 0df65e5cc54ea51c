"""A week opens for registration only with a floor plan: applicants pick their booths on it."""
from __future__ import annotations

import re

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from exhibit.core.errors import ValidationFailed
from exhibit.extensions import db
from exhibit.weeks.models import ExhibitionWeek
from tests.conftest import login
from tests.weeks.test_weeks_pages import WEEK_FORM


def _fields_in_error(html: str) -> list[str]:
    return re.findall(r'class="field [^"]*has-error">\s*<label for="([^"]+)"', html)


def _week(slug):
    return db.session.scalar(select(ExhibitionWeek).where(ExhibitionWeek.slug == slug))


def test_a_new_week_cannot_open_before_it_has_booths(client, organiser):
    login(client, organiser)
    response = client.post("/organiser/weeks/new", data={**WEEK_FORM, "status": "open"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _fields_in_error(html) == ["status"]
    assert db.session.scalar(select(ExhibitionWeek.id)) is None


def test_a_draft_opens_once_its_plan_has_a_booth(client, organiser):
    from exhibit.floorplan.services import save_booth, save_hall
    login(client, organiser)
    form = {**WEEK_FORM, "slug": "ocop-mo-dang-ky", "status": "draft"}
    assert client.post("/organiser/weeks/new", data=form).status_code == 302
    week = _week("ocop-mo-dang-ky")

    refused = client.post(f"/organiser/weeks/{week.slug}/edit", data={**form, "status": "open"})
    assert refused.status_code == 200 and _fields_in_error(refused.get_data(as_text=True)) == ["status"]
    db.session.refresh(week)
    assert week.status == "draft"

    hall = save_hall(actor=organiser, week=week, data={"name": "Sảnh A", "grid_width": 10, "grid_height": 4})
    refused = client.post(f"/organiser/weeks/{week.slug}/edit", data={**form, "status": "open"})
    assert refused.status_code == 200, "a hall without booths is no plan yet"

    save_booth(actor=organiser, week=week, hall_id=hall.id,
               data={"code": "A01", "price_vnd": 1_000_000, "grid_x": 1, "grid_y": 1})
    assert client.post(f"/organiser/weeks/{week.slug}/edit",
                       data={**form, "status": "open"}).status_code == 302
    db.session.refresh(week)
    assert week.status == "open"


def test_the_service_names_the_status_field(organiser):
    from exhibit.weeks.services import create_week, update_week
    week = create_week(actor=organiser, data={
        "name_vi": "Tuần lễ chưa có sơ đồ", "slug": "chua-co-so-do", "host_province_code": "79",
        "venue_name": "ITPC", "start_date": "2027-01-10", "end_date": "2027-01-12"})
    with pytest.raises(ValidationFailed) as refused, force_locale("en"):
        update_week(actor=organiser, week=week, data={
            "name_vi": week.name_vi, "slug": week.slug, "host_province_code": "79",
            "venue_name": "ITPC", "start_date": "2027-01-10", "end_date": "2027-01-12",
            "status": "open"})
    assert set(refused.value.fields) == {"status"}
    with force_locale("en"):
        assert "floor plan" in str(refused.value.fields["status"])
    db.session.refresh(week)
    assert week.status == "draft"


def test_an_open_week_keeps_its_status_when_other_details_change(client, organiser, open_week):
    """The rule is about opening: an open week (with its plan) saves as before."""
    login(client, organiser)
    form = {**WEEK_FORM, "slug": open_week.slug, "status": "open"}
    assert client.post(f"/organiser/weeks/{open_week.slug}/edit", data=form).status_code == 302
