"""The requests desk's pages (privacy/desk_views.py): the organiser's list with its clocks and
overdue first, a request's page and its actions, a request entered by staff, the access export
(organiser download and the person's signed link), the exhibitor's tasks — and who may see
what — on SQLite and PostgreSQL."""
from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from exhibit.core.audit import AuditEntry
from exhibit.core.db import utcnow
from exhibit.extensions import db
from exhibit.messaging.models import Message
from exhibit.privacy import desk, export
from exhibit.privacy.models import DataRequest, DataRequestTask, RequestStatus
from tests.conftest import login
from tests.privacy.test_desk import EMAIL, leave_contact


def receive(organiser, kind="deletion", now=None, **more):
    values = dict(organizer_id=organiser.organizer_id, kind=kind, subject_name="Trần Thị Hương",
                  subject_phone="0903 111 222", subject_email=EMAIL, now=now)
    values.update(more)
    return desk.receive_request(**values)


def other_organiser():
    from exhibit.accounts.services import create_organiser_user
    return create_organiser_user(email="btc-khac@so.example", password="thanhlong2024",
                                 organizer_name="Sở Công Thương Khác",
                                 organizer_short_name="SCT")


def test_staff_enter_a_request_and_see_it_on_the_desk(app, client, organiser, open_week):
    login(client, organiser)
    page = client.get("/organiser/privacy/requests/new")
    assert page.status_code == 200 and 'name="subject_phone"' in page.get_data(as_text=True)
    refused = client.post("/organiser/privacy/requests/new", data={
        "kind": "access", "subject_name": "", "subject_phone": "12", "subject_email": ""})
    assert refused.status_code == 422
    assert db.session.scalar(select(DataRequest.id)) is None
    made = client.post("/organiser/privacy/requests/new", data={
        "kind": "access", "subject_name": "Lê Văn Tám", "subject_phone": "0912 000 111",
        "subject_email": "", "week": str(open_week.id), "details": "Gọi điện ngày 5/12"})
    assert made.status_code == 302
    request = db.session.scalar(select(DataRequest))
    assert request.via == "staff" and request.entered_by_id == organiser.id
    assert request.week_id == open_week.id
    listing = client.get("/organiser/privacy/requests").get_data(as_text=True)
    assert desk.reference(request) in listing and "Lê Văn Tám" in listing
    detail = client.get(f"/organiser/privacy/requests/{request.id}")
    assert detail.status_code == 200


def test_overdue_requests_come_first_and_are_counted_on_the_organiser_desk(
        app, client, organiser):
    old = receive(organiser, kind="access", now=utcnow() - timedelta(days=16))
    fresh = receive(organiser, kind="access")
    login(client, organiser)
    html = client.get("/organiser/privacy/requests").get_data(as_text=True)
    assert html.index(f'data-request="{old.id}"') < html.index(f'data-request="{fresh.id}"')
    row = html[html.index(f'data-request="{old.id}"'):][:200]
    assert "data-overdue" in row
    overdue = client.get("/organiser/privacy/requests?state=overdue").get_data(as_text=True)
    assert f'data-request="{old.id}"' in overdue and f'data-request="{fresh.id}"' not in overdue
    home = client.get("/organiser/").get_data(as_text=True)
    assert 'data-privacy-overdue="1"' in home


def test_actions_on_a_request_page(app, client, organiser, open_week, confirmed_exhibitor):
    exhibitor = confirmed_exhibitor()
    leave_contact(open_week, "A01")
    request = receive(organiser)
    login(client, organiser)
    base = f"/organiser/privacy/requests/{request.id}"
    assert client.post(f"{base}/acknowledge").status_code == 302
    client.post(f"{base}/extend", data={"days": "40", "reason": "x"})  # refused: too long
    assert db.session.get(DataRequest, request.id).extended_at is None
    client.post(f"{base}/extend", data={"days": "5", "reason": "Chờ doanh nghiệp"})
    db.session.expire_all()
    assert db.session.get(DataRequest, request.id).extended_at is not None
    client.post(f"{base}/forward")
    [task] = db.session.scalars(select(DataRequestTask)).all()
    assert task.business_id == exhibitor.business_id
    client.post(f"{base}/complete", data={"outcome": ""})  # refused: not confirmed yet
    db.session.expire_all()
    assert db.session.get(DataRequest, request.id).status == RequestStatus.FORWARDED.value

    client.post("/logout")
    login(client, exhibitor)
    assert 'data-privacy-tasks="1"' in client.get("/my").get_data(as_text=True)
    tasks = client.get("/my/privacy-requests").get_data(as_text=True)
    assert desk.reference(request) in tasks and "Trần Thị Hương" in tasks
    assert client.post(f"/my/privacy-requests/{task.id}/confirm",
                       data={"note": "Đã xoá"}).status_code == 302
    assert client.get("/organiser/privacy/requests").status_code == 403
    client.post("/logout")

    login(client, organiser)
    client.post(f"{base}/complete", data={"outcome": "Đã xoá dữ liệu."})
    db.session.expire_all()
    assert db.session.get(DataRequest, request.id).status == RequestStatus.COMPLETED.value
    actions = db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.entity == "data_request").order_by(AuditEntry.id)).all()
    assert actions == ["receive", "acknowledge", "extend", "forward", "confirm", "complete"]
    assert client.get(base).status_code == 200


def test_refuse_from_the_page_needs_a_reason(app, client, organiser):
    request = receive(organiser, kind="correction")
    login(client, organiser)
    client.post(f"/organiser/privacy/requests/{request.id}/refuse", data={"reason": ""})
    assert db.session.get(DataRequest, request.id).status == RequestStatus.RECEIVED.value
    client.post(f"/organiser/privacy/requests/{request.id}/refuse",
                data={"reason": "Không xác minh được"})
    db.session.expire_all()
    assert db.session.get(DataRequest, request.id).status == RequestStatus.REFUSED.value


def test_the_access_export_holds_everything_about_the_person(app, client, organiser, open_week,
                                                             confirmed_exhibitor):
    from exhibit.badges import services as badges
    exhibitor = confirmed_exhibitor("Công ty TNHH Cà phê Một")
    badges.register_visitor(week=open_week, data={
        "full_name": "Trần Thị Hương", "phone": "0903 111 222", "email": EMAIL,
        "organisation": "Công ty Hương Sen", "consent": "y"})
    leave_contact(open_week, "A01")
    request = receive(organiser, kind="access")
    login(client, organiser)
    answer = client.get(f"/organiser/privacy/requests/{request.id}/export.json")
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    assert "attachment" in answer.headers["Content-Disposition"]
    data = json.loads(answer.get_data(as_text=True))
    assert data["format"] == export.FORMAT
    assert [b["full_name"] for b in data["badges"]] == ["Trần Thị Hương"]
    assert data["badges"][0]["phone"] == "+84903111222"
    [lead] = data["leads"]
    assert lead["exhibitor"]["name"] == "Công ty TNHH Cà phê Một"
    assert lead["message"] == "Xin báo giá"
    assert {m["event"] for m in data["messages"]} >= {"visitor.registered",
                                                      "privacy.request_received"}
    assert [r["kind"] for r in data["requests"]] == ["access"]
    assert exhibitor.business_id  # the exhibitor is named, not its people

    # completing sends the person a signed link to the same export
    client.post(f"/organiser/privacy/requests/{request.id}/complete", data={"outcome": ""})
    db.session.expire_all()
    [final] = db.session.scalars(select(Message).where(
        Message.event == "privacy.request_completed")).all()
    link = next(word for word in final.body_text.split() if "/privacy-export/" in word)
    client.post("/logout")
    mine = client.get(link.replace("http://exhibit.test", ""))
    assert mine.status_code == 200
    assert json.loads(mine.get_data(as_text=True))["subject"]["phone"] == "+84903111222"
    assert mine.headers["Cache-Control"] == "private, no-store"
    assert client.get(link.replace("http://exhibit.test", "")[:-3] + "abc").status_code == 404


def test_another_organiser_and_exhibitors_cannot_see_a_request(app, client, organiser,
                                                                open_week, confirmed_exhibitor):
    exhibitor, bystander = confirmed_exhibitor(), confirmed_exhibitor()
    leave_contact(open_week, "A01")
    request = receive(organiser)
    desk.forward(request.id, actor=organiser)
    [task] = db.session.scalars(select(DataRequestTask)).all()
    other = other_organiser()
    login(client, other)
    base = f"/organiser/privacy/requests/{request.id}"
    assert client.get(base).status_code == 404
    assert client.get(f"{base}/export.json").status_code == 404
    assert client.post(f"{base}/acknowledge").status_code == 404
    assert desk.reference(request) not in client.get("/organiser/privacy/requests") \
        .get_data(as_text=True)
    client.post("/logout")
    login(client, bystander)
    assert desk.reference(request) not in client.get("/my/privacy-requests").get_data(as_text=True)
    assert client.post(f"/my/privacy-requests/{task.id}/confirm").status_code == 404
    assert client.get(base).status_code == 403
    client.post("/logout")
    assert client.get(base).status_code == 302  # to sign in
    assert client.get("/my/privacy-requests").status_code == 302
    assert exhibitor.business_id == task.business_id
