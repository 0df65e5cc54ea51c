"""Organiser week pages and the public week page."""
from datetime import date

from sqlalchemy import select

from exhibit.weeks.models import ExhibitionWeek
from exhibit.extensions import db
from tests.conftest import login

WEEK_FORM = {
    "name_vi": "Tuần lễ triển lãm sản phẩm OCOP tỉnh Bình Thuận năm 2024",
    "name_en": "Bình Thuận OCOP Week 2024", "slug": "", "host_province": "legacy63:60",
    "co_organizer": "Sở Công Thương tỉnh Bình Thuận", "venue_name": "ITPC",
    "venue_address": "92–96 Nguyễn Hữu Cảnh", "start_date": "2024-04-22", "end_date": "2024-04-28",
    "opening_hours": "8:00 – 21:00", "registration_opens_on": "", "registration_closes_on": "",
    "status": "archived", "hold_minutes": "15", "waitlist_offer_hours": "48", "description": "",
}


def test_organiser_creates_and_edits_a_week(client, organiser):
    login(client, organiser)
    response = client.post("/organiser/weeks/new", data=WEEK_FORM)
    assert response.status_code == 302
    week = db.session.scalar(select(ExhibitionWeek))
    assert week.slug == "tuan-le-trien-lam-san-pham-ocop-tinh-binh-thuan-nam-2024"
    assert (week.host_province_scheme, week.host_province_code) == ("legacy63", "60")
    edited = client.post(f"/organiser/weeks/{week.slug}/edit",
                         data={**WEEK_FORM, "slug": "ocop-binh-thuan-2024", "hold_minutes": "30"})
    assert edited.status_code == 302
    db.session.refresh(week)
    assert (week.slug, week.hold_minutes) == ("ocop-binh-thuan-2024", 30)


def test_week_form_errors(client, organiser):
    login(client, organiser)
    response = client.post("/organiser/weeks/new", data={**WEEK_FORM, "end_date": "2024-04-01",
                                                          "hold_minutes": "0", "slug": "Có Dấu"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.count('class="error"') == 3
    assert db.session.scalar(select(ExhibitionWeek.id)) is None


def test_exhibitor_cannot_open_organiser_pages(client, make_exhibitor, open_week):
    login(client, make_exhibitor())
    assert client.get("/organiser/").status_code == 403
    assert client.get(f"/organiser/weeks/{open_week.slug}").status_code == 403
    assert client.post(f"/organiser/weeks/{open_week.slug}/edit", data=WEEK_FORM).status_code == 403


def test_other_organisers_body_cannot_manage_the_week(client, open_week):
    from exhibit.accounts.services import create_organiser_user
    other = create_organiser_user(email="khac@so.example", password="mientay20244",
                                  organizer_name="Sở khác", organizer_short_name="SK")
    login(client, other, password="mientay20244")
    assert client.get(f"/organiser/weeks/{open_week.slug}").status_code == 403


def test_past_week_shows_merged_province_in_both_languages(client, organiser):
    from exhibit.weeks.services import create_week
    week = create_week(actor=organiser, data={**WEEK_FORM, "slug": "bt-2024",
                                              "host_province_scheme": "legacy63",
                                              "host_province_code": "60",
                                              "start_date": date(2024, 4, 22), "end_date": date(2024, 4, 28)})
    html = client.get(f"/weeks/{week.slug}").get_data(as_text=True)
    assert "Tỉnh Bình Thuận (nay thuộc tỉnh Lâm Đồng)" in html
    client.post("/language", data={"locale": "en"})
    html = client.get(f"/weeks/{week.slug}").get_data(as_text=True)
    assert "Bình Thuận Province (now part of Lâm Đồng Province)" in html
    assert "Bình Thuận OCOP Week 2024" in html


def test_draft_weeks_are_hidden_from_the_public(client, organiser):
    from exhibit.weeks.services import create_week
    week = create_week(actor=organiser, data={**WEEK_FORM, "slug": "nhap", "status": "draft",
                                              "host_province_scheme": "2025", "host_province_code": "79"})
    assert client.get(f"/weeks/{week.slug}").status_code == 404
    assert client.get("/api/v1/weeks").json["items"] == []
    login(client, organiser)
    assert client.get(f"/weeks/{week.slug}").status_code == 200
