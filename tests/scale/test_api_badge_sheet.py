"""The API's badge sheet is rendered while the request waits, so a sheet larger than
SHEET_IN_REQUEST_MAX is refused with 409 (the organiser's badges page prints it in the
background); a sheet within it is the PDF of every live badge of the kind."""
from __future__ import annotations

from sqlalchemy import func, select

from exhibit.accounts.models import User
from exhibit.badges import printing
from exhibit.badges.models import Badge
from exhibit.extensions import db
from tests.conftest import bearer
from tests.scale.conftest import ORGANISER


def test_large_sheets_go_to_the_print_page(fairs, monkeypatch):
    with fairs.app.app_context():
        week = fairs.large
        visitors = db.session.scalar(select(func.count()).select_from(Badge).where(
            Badge.week_id == week.id, Badge.kind == "visitor", Badge.revoked_at.is_(None)))
        monkeypatch.setattr(printing, "SHEET_IN_REQUEST_MAX", visitors - 1)
        client = fairs.app.test_client()
        headers = bearer(fairs.app, db.session.scalar(select(User).where(User.email == ORGANISER)))
        refused = client.get(f"/api/v1/weeks/{week.slug}/badges.pdf?kind=visitor", headers=headers)
        assert refused.status_code == 409 and refused.get_json()["error"] == "sheet_too_large"
        monkeypatch.setattr(printing, "SHEET_IN_REQUEST_MAX", visitors)
        sheet = client.get(f"/api/v1/weeks/{fairs.small.slug}/badges.pdf?kind=visitor",
                           headers=headers)
        assert sheet.status_code == 200 and sheet.data.startswith(b"%PDF")
        sheet.close()  # the sheet is sent from a temporary file
