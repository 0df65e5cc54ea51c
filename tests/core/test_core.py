"""Error pages in both languages, and the migrations matching the models."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from exhibit.extensions import db
from exhibit.catalogue.fulltext import include_object
from tests.conftest import login


def test_migrations_equal_the_models(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": include_object})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


@pytest.mark.parametrize("lang,text404", [("vi", "Không tìm thấy trang"), ("en", "Page not found")])
def test_404_page_in_both_languages(client, lang, text404):
    client.post("/language", data={"locale": lang})
    response = client.get("/khong-co-trang-nay")
    assert response.status_code == 404 and text404 in response.get_data(as_text=True)


def test_403_page(client, make_exhibitor):
    login(client, make_exhibitor())
    response = client.get("/organiser/")
    assert response.status_code == 403 and "403" in response.get_data(as_text=True)


def test_api_errors_are_json(client):
    response = client.get("/api/v1/weeks/khong-co/booths")
    assert response.status_code == 404
    assert set(response.json) == {"error", "message", "fields"}


def test_secret_key_required_in_production():
    from config import load_config
    with pytest.raises(RuntimeError):
        load_config({"ENV_NAME": "production", "SECRET_KEY": None, "TESTING": False})


def test_unsafe_switch_is_ignored_outside_tests():
    from config import load_config
    settings = load_config({"TESTING": False, "UNSAFE_BOOKING_FOR_TESTS": True})
    assert settings["UNSAFE_BOOKING_FOR_TESTS"] is False
