"""Badges, visitor registration and entrance check-in, on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

import pytest
from sqlalchemy import func, select

from exhibit.badges import services
from exhibit.scanning import checkin
from exhibit.badges.models import Badge, CheckIn, GateScan
from exhibit.core.errors import Conflict, Forbidden, ValidationFailed
from exhibit.extensions import db
from tests.conftest import bearer, login, visitor_data
from tests.printed import decode_pdf_qr_codes, pdf_text


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def during(week, day_offset=0, hour=9, minute=5):
    vn = timezone(timedelta(hours=7))
    day = week.start_date + timedelta(days=day_offset)
    return datetime.combine(day, time(hour, minute), tzinfo=vn).astimezone(timezone.utc)


def test_staff_badges_need_a_confirmed_booth_and_stop_at_four_per_booth(
        exhibitor_with_booth, make_exhibitor, open_week):
    for n in range(4):
        services.add_staff_badge(actor=exhibitor_with_booth, week=open_week,
                                 data={"full_name": f"Nhân viên {n}", "position": "Bán hàng"})
    with pytest.raises(Conflict):
        services.add_staff_badge(actor=exhibitor_with_booth, week=open_week,
                                 data={"full_name": "Người thứ năm"})
    assert count(Badge) == 4
    without_booth = make_exhibitor()
    with pytest.raises(Forbidden):
        services.add_staff_badge(actor=without_booth, week=open_week, data={"full_name": "A"})
    # revoking one frees a place
    first = services.business_staff(open_week, exhibitor_with_booth.business_id)[0]
    services.revoke_badge(actor=exhibitor_with_booth, badge=first)
    services.add_staff_badge(actor=exhibitor_with_booth, week=open_week,
                             data={"full_name": "Người thay thế"})


def test_staff_page_adds_a_person_and_prints_their_badge_with_the_booth(
        client, exhibitor_with_booth, open_week):
    login(client, exhibitor_with_booth)
    response = client.post(f"/my/weeks/{open_week.slug}/staff",
                           data={"full_name": "", "position": "Giám đốc"})
    assert response.status_code == 422 and count(Badge) == 0
    response = client.post(f"/my/weeks/{open_week.slug}/staff",
                           data={"full_name": "Trần Văn Hùng", "position": "Giám đốc"})
    assert response.status_code == 302
    pdf = client.get(f"/my/weeks/{open_week.slug}/staff/badges.pdf?layout=a6-4").data
    text = pdf_text(pdf)
    assert "Trần Văn Hùng" in text and "A01" in text
    badge = db.session.scalar(select(Badge))
    assert decode_pdf_qr_codes(pdf) == [[f"http://exhibit.test/e/{badge.entry_code}"]]


def test_visitor_registers_once_per_phone_with_consent(client, open_week):
    response = client.post(f"/weeks/{open_week.slug}/visit", data=visitor_data(consent=""))
    assert response.status_code == 422 and count(Badge) == 0
    response = client.post(f"/weeks/{open_week.slug}/visit", data=visitor_data())
    assert response.status_code == 302
    badge = db.session.scalar(select(Badge))
    assert badge.kind == "visitor" and badge.phone == "+84912345678"
    assert badge.contact_code and badge.contact_code != badge.entry_code
    assert badge.contact_consent_at is not None
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and "Nguyễn Thị Thu Hường" in page.get_data(as_text=True)
    again = client.post(f"/weeks/{open_week.slug}/visit",
                        data=visitor_data(full_name="Người khác", phone="+84 912 345 678"))
    assert again.status_code == 422 and count(Badge) == 1
    pdf = client.get(f"/e/{badge.entry_code}/badge.pdf").data
    codes = sorted(decode_pdf_qr_codes(pdf)[0])
    assert codes == sorted([f"http://exhibit.test/e/{badge.entry_code}",
                            f"http://exhibit.test/c/{badge.contact_code}"])


def test_check_in_once_a_day_and_a_retry_with_the_same_nonce_is_not_counted(
        open_week, organiser):
    badge = services.register_visitor(week=open_week, data=visitor_data())
    at = during(open_week)
    first = checkin.check_in(actor=organiser, code=badge.entry_code, nonce="nonce-0001", now=at)
    assert first.status == "ok"
    retry = checkin.check_in(actor=organiser, code=badge.entry_code, nonce="nonce-0001",
                             now=at + timedelta(seconds=5))
    assert retry.status == "ok"
    second = checkin.check_in(actor=organiser, code=badge.entry_code.upper(),
                              nonce="nonce-0002", now=at + timedelta(hours=2))
    assert second.status == "already_checked_in"
    assert second.first_at == first.first_at
    assert "09:05" in second.message
    next_day = checkin.check_in(actor=organiser, code=badge.entry_code, nonce="nonce-0003",
                                now=during(open_week, 1))
    assert next_day.status == "ok"
    assert count(CheckIn) == 2 and count(GateScan) == 3


def test_refused_scans_say_why(open_week, organiser, make_exhibitor):
    from exhibit.accounts.services import create_organiser_user
    from tests.conftest import PASSWORD
    badge = services.register_visitor(week=open_week, data=visitor_data())
    at = during(open_week)
    assert checkin.check_in(actor=organiser, code="zzzzzzzzzzzz", nonce="n-unknown",
                            now=at).reason == "unknown"
    assert checkin.check_in(actor=organiser, code=badge.contact_code, nonce="n-contact",
                            now=at).reason == "contact_code"
    assert checkin.check_in(actor=organiser, code=badge.entry_code, nonce="n-early-1",
                            now=during(open_week, -3)).reason == "not_running"
    other = create_organiser_user(email="khac@example.vn", password=PASSWORD,
                                  organizer_name="Đơn vị khác", organizer_short_name="KHAC")
    assert checkin.check_in(actor=other, code=badge.entry_code, nonce="n-other-1",
                            now=at).reason == "unknown"
    services.revoke_badge(actor=organiser, badge=badge, reason="Thẻ bị mất")
    assert checkin.check_in(actor=organiser, code=badge.entry_code, nonce="n-revoked",
                            now=at).reason == "revoked"
    assert count(CheckIn) == 0
    with pytest.raises(Forbidden):
        checkin.check_in(actor=make_exhibitor(), code=badge.entry_code, nonce="n-exhib-1", now=at)
    with pytest.raises(ValidationFailed):
        checkin.check_in(actor=organiser, code=badge.entry_code, nonce="short", now=at)


def test_checkins_api(app, client, running_week, organiser, entrance_user, make_exhibitor):
    badge = services.register_visitor(week=running_week, data=visitor_data())
    url = "/api/v1/checkins"
    assert client.post(url, json={"code": badge.entry_code, "nonce": "a" * 10}).status_code == 401
    exhibitor = bearer(app, make_exhibitor())
    assert client.post(url, json={"code": badge.entry_code, "nonce": "a" * 10},
                       headers=exhibitor).status_code == 403
    staff = bearer(app, entrance_user)
    bad = client.post(url, json={"code": badge.entry_code}, headers=staff)
    assert bad.status_code == 422 and "nonce" in bad.get_json()["fields"]
    ok = client.post(url, json={"code": f"http://x/e/{badge.entry_code}", "nonce": "scan-001"},
                     headers=staff).get_json()
    assert ok["status"] == "ok" and ok["first_at"]
    again = client.post(url, json={"code": badge.entry_code, "nonce": "scan-002"},
                        headers=staff).get_json()
    assert again["status"] == "already_checked_in" and again["first_at"] == ok["first_at"]
    retry = client.post(url, json={"code": badge.entry_code, "nonce": "scan-001"},
                        headers=staff).get_json()
    assert retry["status"] == "ok"
    unknown = client.post(url, json={"code": "nothing-here", "nonce": "scan-003"},
                          headers=staff).get_json()
    assert unknown["status"] == "invalid" and unknown["reason"] == "unknown"
    assert count(CheckIn) == 1


def test_gate_page_checks_in_and_the_second_scan_gives_the_first_time(
        client, running_week, entrance_user):
    badge = services.register_visitor(week=running_week, data=visitor_data())
    login(client, entrance_user)
    page = client.post(f"/gate/{running_week.slug}",
                       data={"code": badge.entry_code, "nonce": "gate-0001"})
    assert 'data-result="ok"' in page.get_data(as_text=True)
    page = client.post(f"/gate/{running_week.slug}",
                       data={"code": badge.entry_code, "nonce": "gate-0002"})
    html = page.get_data(as_text=True)
    assert 'data-result="already_checked_in"' in html and "Đã check-in lúc" in html


def test_badges_pdf_api_codes_are_absolute_and_lead_to_the_badge(
        app, client, exhibitor_with_booth, open_week, organiser):
    services.add_staff_badge(actor=exhibitor_with_booth, week=open_week,
                             data={"full_name": "Lê Thị Hạnh", "position": "Kế toán"})
    for n in range(3):
        services.register_visitor(week=open_week, data=visitor_data(
            full_name=f"Khách {n}", phone=f"09123450{n:02d}"))
    headers = bearer(app, organiser)
    url = f"/api/v1/weeks/{open_week.slug}/badges.pdf"
    assert client.get(url + "?kind=staff").status_code == 401
    assert client.get(url + "?kind=staff", headers=bearer(app, exhibitor_with_booth)
                      ).status_code == 403
    assert client.get(url + "?kind=guests", headers=headers).status_code == 422
    with client.get(url + "?kind=staff", headers=headers) as staff:  # streamed from a spool file
        assert staff.status_code == 200 and staff.mimetype == "application/pdf"
        [[staff_url]] = decode_pdf_qr_codes(staff.data)
    assert staff_url.startswith(app.config["PUBLIC_BASE_URL"] + "/e/")
    page = client.get(staff_url.removeprefix(app.config["PUBLIC_BASE_URL"]))
    assert "Lê Thị Hạnh" in page.get_data(as_text=True)
    with client.get(url + "?kind=visitor", headers=headers) as visitors:
        found = decode_pdf_qr_codes(visitors.data)[0]
    assert len(found) == 6  # an entrance and an exhibitor code on each of 3 badges
    for code_url in found:
        path = code_url.removeprefix(app.config["PUBLIC_BASE_URL"])
        assert path[:3] in ("/e/", "/c/")
        assert client.get(path).status_code == 200


def test_bulk_print_job_through_redis_and_a_worker(app, organiser, open_week):
    import redis
    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/15").ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    from exhibit.badges import printing
    from exhibit.badges.models import PrintJob
    for n in range(5):
        services.register_visitor(week=open_week, data=visitor_data(
            full_name=f"Khách {n}", phone=f"09123452{n:02d}"))
    app.config["REDIS_URL"] = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(app.config["REDIS_URL"]).delete(f"rq:queue:{printing.QUEUE}")
        job = printing.start_print_job(actor=organiser, week=open_week, kind="visitor",
                                       layout="a6-4", lang="vi")
        assert job.status == "queued" and job.total == 5
        printing.run_worker(burst=True)
    finally:
        app.config["REDIS_URL"] = None
    db.session.expire_all()
    job = db.session.get(PrintJob, job.id)
    assert job.status == "done" and job.done == 5 and job.file_key


def test_visitor_registration_is_offered_until_the_week_ends(client, open_week):
    assert f"/weeks/{open_week.slug}/visit" in client.get(f"/weeks/{open_week.slug}").get_data(
        as_text=True)
    open_week.start_date -= timedelta(days=400)
    open_week.end_date -= timedelta(days=400)
    db.session.commit()
    assert f"/weeks/{open_week.slug}/visit" not in client.get(
        f"/weeks/{open_week.slug}").get_data(as_text=True)
    response = client.post(f"/weeks/{open_week.slug}/visit", data=visitor_data())
    assert response.status_code == 403 and count(Badge) == 0
