"""A B2B session that has ended (its week is over, or every meeting slot has passed) offers no
action the server would refuse, and the server refuses them all the same; cancelling needs a
confirmation, and an accepted meeting a reason, which the audit keeps and the other side reads."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask_babel import force_locale

from tests.b2b.conftest import BUYER_PASSWORD, add_supplier, new_buyer
from tests.conftest import login


def _flashes(page: str) -> list[str]:
    return [re.sub(r"\s+", " ", m).strip()
            for m in re.findall(r'class="flash [^"]*"[^>]*>(.*?)</', page, re.S)]


def _buyer_user(buyer):
    from exhibit.accounts.models import User
    from exhibit.extensions import db
    return db.session.query(User).filter_by(business_id=buyer.business_id).one()


@pytest.fixture
def session(organiser, open_week, confirmed_exhibitor):
    """A buyer of dragon fruit and coffee; a dragon fruit supplier asked for a meeting
    (requested); another was paired by the organiser (accepted); a coffee supplier has no
    meeting yet."""
    from exhibit.b2b import services
    buyer = new_buyer(open_week)
    asking = add_supplier(confirmed_exhibitor, organiser, open_week,
                          "Hợp tác xã Thanh long Hàm Thuận Nam", {"name": "Thanh long ruột đỏ"})
    requested = services.request_meeting(actor=asking, week=open_week, buyer_id=buyer.id,
                                         supplier_id=asking.business_id)
    paired = add_supplier(confirmed_exhibitor, organiser, open_week,
                          "Hợp tác xã Thanh long Chợ Gạo", {"name": "Thanh long ruột trắng"})
    accepted = services.request_meeting(actor=organiser, week=open_week, buyer_id=buyer.id,
                                        supplier_id=paired.business_id)
    free_user = add_supplier(confirmed_exhibitor, organiser, open_week, "Hợp tác xã Cà phê Cầu Đất",
                             {"name": "Cà phê Arabica Cầu Đất", "ocop_set": 13})
    return open_week, buyer, requested, accepted, free_user


ACTION_URLS = ("/b2b/request", "/accept", "/decline", "/cancel", "/needs/")


def _english(client) -> None:
    with client.session_transaction() as state:
        state["locale"] = "en"


def _end(week, days_ago: int = 3) -> None:
    from exhibit.extensions import db
    from exhibit.vn.dates import vietnam_today
    today = vietnam_today()
    week.start_date, week.end_date = today - timedelta(days=days_ago + 4), today - timedelta(days=days_ago)
    db.session.commit()


def test_an_ended_session_offers_no_action_and_the_server_refuses_each(client, session):
    from exhibit.b2b.models import Meeting, SourcingNeed
    from exhibit.extensions import db
    week, buyer, requested, accepted, free_user = session
    login(client, _buyer_user(buyer), BUYER_PASSWORD)
    page_url = f"/my/weeks/{week.slug}/b2b"
    page = client.get(page_url).get_data(as_text=True)
    # while it runs: answer or withdraw requests, cancel meetings, ask the coffee supplier (the
    # buyer looks for "Thanh long, cà phê"), remove or add needs
    assert all(url in page for url in ACTION_URLS), [u for u in ACTION_URLS if u not in page]
    assert "data-session-over" not in page

    _end(week)
    page = client.get(page_url).get_data(as_text=True)
    assert "data-session-over" in page
    assert [url for url in ACTION_URLS if url in page] == []
    assert "Đề nghị gặp" not in page and "confirm-action" not in page
    assert f"/meetings/{accepted.id}/outcome" in page  # what happened can still be recorded

    [need] = buyer.needs
    base = f"/my/weeks/{week.slug}/b2b"
    for url, data in ((f"{base}/request", {"supplier_id": free_user.business_id}),
                      (f"{base}/meetings/{requested.id}/accept", {}),
                      (f"{base}/meetings/{requested.id}/decline", {}),
                      (f"{base}/meetings/{accepted.id}/cancel", {"reason": "Bận việc"}),
                      (f"{base}/needs/{need.id}/delete", {}),
                      (f"{base}/needs", {"product_group": "thuc_pham", "description": "Mật ong"})):
        response = client.post(url, data=data, follow_redirects=True)
        assert response.status_code == 200, url
        assert "Phiên kết nối B2B của tuần lễ này đã kết thúc." in _flashes(
            response.get_data(as_text=True)), url
    db.session.expire_all()
    assert {m.id: m.status for m in db.session.query(Meeting)} == {
        requested.id: "requested", accepted.id: "accepted"}
    assert [n.id for n in db.session.query(SourcingNeed)] == [need.id]


def test_the_services_refuse_with_409_once_every_slot_has_passed(session, organiser):
    """The week still runs, but its last meeting slot is over: the session is over."""
    from exhibit.b2b import services
    from exhibit.b2b.models import MeetingSlot
    from exhibit.core.db import utcnow
    from exhibit.core.errors import Conflict
    from exhibit.extensions import db
    from exhibit.vn.dates import vietnam_today
    week, buyer, requested, accepted, free_user = session
    week.start_date, week.end_date = vietnam_today() - timedelta(days=1), vietnam_today() + timedelta(days=2)
    db.session.commit()
    assert not services.session_over(week)  # no slots yet: open while the week lasts
    now = utcnow()
    db.session.add(MeetingSlot(week_id=week.id, starts_at=now - timedelta(hours=2),
                               ends_at=now - timedelta(hours=1, minutes=40)))
    db.session.commit()
    assert services.session_over(week)
    assert not services.session_over(week, now=now - timedelta(hours=2))
    refusals = (
        lambda: services.request_meeting(actor=free_user, week=week, buyer_id=buyer.id,
                                         supplier_id=free_user.business_id),
        lambda: services.respond(actor=_buyer_user(buyer), meeting=requested, accept=True),
        lambda: services.cancel_meeting(actor=_buyer_user(buyer), meeting=accepted, reason="x"),
        lambda: services.add_need(actor=_buyer_user(buyer), buyer=buyer,
                                  data={"product_group": "thuc_pham"}))
    for refused in refusals:
        with pytest.raises(Conflict) as error, force_locale("en"):
            refused()
        assert (error.value.status, error.value.code) == (409, "session_over")
        assert error.value.message == "This week's B2B session is over."
    # what happened is still recorded
    services.record_outcome(actor=_buyer_user(buyer), meeting=accepted, outcome="samples")


def test_the_organiser_page_offers_no_pairing_after_the_session(client, organiser, session):
    week, *_rest = session
    login(client, organiser)
    page = client.get(f"/organiser/weeks/{week.slug}/b2b").get_data(as_text=True)
    assert "/b2b/pair" in page and "data-session-over" not in page
    _end(week)
    page = client.get(f"/organiser/weeks/{week.slug}/b2b").get_data(as_text=True)
    assert "/b2b/pair" not in page and "data-session-over" in page
    assert 'id="csrf_token"' not in page  # one plain token per form, no repeated ids


def test_cancelling_an_accepted_meeting_without_a_reason_changes_nothing(client, session, organiser):
    from exhibit.b2b import services
    from exhibit.b2b.models import Meeting
    from exhibit.core.audit import AuditEntry
    from exhibit.core.errors import ValidationFailed
    from exhibit.extensions import db
    week, buyer, requested, accepted, free_user = session
    user = _buyer_user(buyer)
    login(client, user, BUYER_PASSWORD)
    _english(client)
    base = f"/my/weeks/{week.slug}/b2b"
    page = client.get(base).get_data(as_text=True)
    # the confirmation names what happens, and asks for the reason
    assert ("The meeting with Hợp tác xã Thanh long Chợ Gạo is cancelled and its time and table "
            "are freed.") in page
    cancel_url = f"{base}/meetings/{accepted.id}/cancel"
    assert re.search(rf'<form method="post" action="{re.escape(cancel_url)}"[^>]*>.*?'
                     r'<textarea name="reason"[^>]* required', page, re.S)
    for reason in ("", "   "):
        response = client.post(cancel_url, data={"reason": reason})
        assert response.status_code == 422
        refused_page = response.get_data(as_text=True)
        assert 'aria-invalid="true"' in refused_page and "Give a reason" in refused_page
    with pytest.raises(ValidationFailed) as refused:
        services.cancel_meeting(actor=user, meeting=accepted)
    assert "reason" in refused.value.fields
    db.session.expire_all()
    assert db.session.get(Meeting, accepted.id).status == "accepted"
    assert db.session.query(AuditEntry).filter_by(entity="meeting", action="cancel").count() == 0

    # with a reason: cancelled, the reason in the audit, and the supplier reads it
    response = client.post(cancel_url, data={"reason": "Đoàn thu mua đổi lịch về sớm"},
                           follow_redirects=True)
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(Meeting, accepted.id).status == "cancelled"
    entry = db.session.query(AuditEntry).filter_by(entity="meeting", action="cancel").one()
    assert (entry.entity_id, entry.note, entry.after["by"]) == (
        accepted.id, "Đoàn thu mua đổi lịch về sớm", "buyer")
    client.get("/logout")
    supplier = db.session.get(Meeting, accepted.id).supplier
    from exhibit.accounts.models import User
    login(client, db.session.query(User).filter_by(business_id=supplier.id).one())
    page = client.get(base).get_data(as_text=True)
    assert "Đoàn thu mua đổi lịch về sớm" in page
    client.get("/logout")
    login(client, organiser)
    page = client.get(f"/organiser/weeks/{week.slug}/b2b").get_data(as_text=True)
    assert "Đoàn thu mua đổi lịch về sớm" in page


def test_withdrawing_a_request_needs_no_reason(client, session):
    from exhibit.b2b.models import Meeting
    from exhibit.extensions import db
    week, buyer, requested, accepted, free_user = session
    login(client, _supplier_user(requested))
    response = client.post(f"/my/weeks/{week.slug}/b2b/meetings/{requested.id}/cancel")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Meeting, requested.id).status == "cancelled"


def _supplier_user(meeting):
    from exhibit.accounts.models import User
    from exhibit.extensions import db
    return db.session.query(User).filter_by(business_id=meeting.supplier_id).first()


def test_removing_a_need_asks_for_a_confirmation_naming_it(client, session):
    from exhibit.b2b.models import SourcingNeed
    from exhibit.extensions import db
    week, buyer, *_rest = session
    login(client, _buyer_user(buyer), BUYER_PASSWORD)
    _english(client)
    page = client.get(f"/my/weeks/{week.slug}/b2b").get_data(as_text=True)
    [need] = buyer.needs
    url = f"/my/weeks/{week.slug}/b2b/needs/{need.id}/delete"
    panel = re.search(r'<details class="confirm-action"[^>]*>(?:(?!</details>).)*' + re.escape(url)
                      + r'(?:(?!</details>).)*</details>', page, re.S)
    assert panel and "The need “Food: Thanh long, cà phê” is removed" in panel.group(0)
    client.post(url)
    assert db.session.query(SourcingNeed).count() == 0
