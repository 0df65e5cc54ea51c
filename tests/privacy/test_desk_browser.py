"""The requests desk in Chromium on a phone: staff enter a deletion request taken by phone, forward
it to the exhibitor holding the contact, the exhibitor confirms in its portal, the organiser
completes it — each page checked by axe (tests/a11y) on the way. SQLite only (the request tests
cover PostgreSQL)."""
from __future__ import annotations

import os
from datetime import timedelta

import pytest
from sqlalchemy import select

from exhibit.core.db import utcnow
from exhibit.extensions import db
from exhibit.privacy import desk
from exhibit.privacy.models import DataRequest, RequestStatus
from tests.a11y.conftest import axe_findings, axe_or_skip, validate_html, vnu_or_skip
from tests.e2e.conftest import PHONE, chromium, serve, sign_in
from tests.privacy.test_desk import leave_contact

#: DESK_SCREENSHOTS=/tmp saves a picture of each page there
SHOTS = os.environ.get("DESK_SCREENSHOTS", "")


@pytest.fixture
def live_server(app):
    if app.config["DB_KIND"] != "sqlite":
        pytest.skip("the browser journey runs once, on SQLite; PostgreSQL is covered by the "
                    "request tests")
    with serve(app) as url:
        yield url


def look(page, name: str, axe_script, pages: dict | None = None, folder=None) -> list[str]:
    """axe's findings on the page; its HTML kept in ``folder`` for the Nu Html Checker."""
    if pages is not None:
        pages[name] = folder / f"desk-{name}.html"
        pages[name].write_text(page.content(), encoding="utf-8")
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"desk-{name}.png"), full_page=True)
    return [f"{name}: {v['rule']} ({v['impact']}): {v['help']} " + "; ".join(v["nodes"])
            for v in axe_findings(page, axe_script)]


def test_a_deletion_request_taken_by_phone_end_to_end(app, live_server, organiser, open_week,
                                                      confirmed_exhibitor, tmp_path):
    axe_script, vnu = axe_or_skip(), vnu_or_skip()
    pages: dict = {}
    exhibitor = confirmed_exhibitor("Công ty TNHH Cà phê Một")
    leave_contact(open_week, "A01")
    # an older request, already overdue, waits on the desk
    desk.receive_request(organizer_id=organiser.organizer_id, kind="access",
                         subject_name="Lê Văn Tám", subject_phone="0912 000 111",
                         subject_email="", now=utcnow() - timedelta(days=16))
    problems = []
    with chromium() as browser:
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                                      bypass_csp=True)
        page = sign_in(context, live_server, organiser)
        page.goto(f"{live_server}/organiser/")
        assert page.locator("[data-privacy-overdue='1']").count() == 1
        page.click("[data-privacy-overdue] a")
        assert page.locator("tr.data-request[data-overdue]").count() == 1
        problems += look(page, "list", axe_script, pages, tmp_path)

        page.goto(f"{live_server}/organiser/privacy/requests/new")
        problems += look(page, "new", axe_script, pages, tmp_path)
        page.select_option("#kind", "deletion")
        page.fill("#subject_name", "Trần Thị Hương")
        page.fill("#subject_phone", "0903 111 222")
        page.fill("#details", "Gọi điện lúc 9:00, đề nghị xoá mọi dữ liệu")
        page.click("form.card button[type=submit]")
        page.wait_for_load_state()
        db.session.rollback()  # read what the server committed
        request = db.session.scalar(select(DataRequest).where(DataRequest.kind == "deletion"))
        assert page.url.endswith(f"/organiser/privacy/requests/{request.id}")
        page.click("text=Forward to 1 exhibitor" if "Forward" in page.content()
                   else "text=Chuyển cho 1 doanh nghiệp")
        page.wait_for_load_state()
        problems += look(page, "detail", axe_script, pages, tmp_path)
        context.close()

        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                                      bypass_csp=True)
        page = sign_in(context, live_server, exhibitor)
        page.goto(f"{live_server}/my/privacy-requests")
        problems += look(page, "tasks", axe_script, pages, tmp_path)
        card = page.locator(".data-task[data-confirmed='no']")
        card.locator("textarea").fill("Đã xoá khỏi danh bạ và tệp xuất")
        card.locator("button[type=submit]").click()
        page.wait_for_load_state()
        assert page.locator(".data-task[data-confirmed='yes']").count() == 1
        context.close()

        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                                      bypass_csp=True)
        page = sign_in(context, live_server, organiser)
        page.goto(f"{live_server}/organiser/privacy/requests/{request.id}")
        page.fill("#outcome", "Dữ liệu của quý khách đã được xoá.")
        page.click("form[action$='/complete'] button[type=submit]")
        page.wait_for_load_state()
        problems += look(page, "completed", axe_script, pages, tmp_path)
        context.close()

        context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
        page = sign_in(context, live_server, organiser)
        page.goto(f"{live_server}/organiser/privacy/requests?state=all")
        problems += look(page, "list-desktop", axe_script)
        page.goto(f"{live_server}/organiser/privacy/requests/{request.id - 1}")
        problems += look(page, "detail-desktop", axe_script)
        context.close()
    db.session.rollback()
    assert db.session.get(DataRequest, request.id).status == RequestStatus.COMPLETED.value
    for name, errors in validate_html(vnu, pages).items():
        problems += [f"{name}: {error}" for error in errors]
    assert problems == []
