"""Each change that concerns people tells them, once, in their language: applications, product
reviews and B2B meetings (booking and accounts are in test_outbox and the password tests); and
the clock reminds of meetings about to start."""
from __future__ import annotations

from datetime import time, timedelta

from exhibit import clock
from exhibit.b2b import services as b2b
from exhibit.booking import services as booking
from exhibit.catalogue import services as catalogue
from exhibit.core.db import utcnow
from tests.b2b.conftest import new_buyer
from tests.catalogue.conftest import product_data
from tests.messaging.test_outbox import forget_messages, messages


def events_for(business_id: int) -> list[str]:
    return [m.event for m in messages(business_id=business_id)]


def test_application_received_approved_and_rejected_with_the_reason(app, organiser, open_week,
                                                                    make_exhibitor):
    first, second = make_exhibitor("Cơ sở Nước mắm Thử"), make_exhibitor("Cơ sở Muối Thử")
    applications = [booking.apply_to_week(actor=u, week=open_week, data={"booth_count": 1})
                    for u in (first, second)]
    booking.decide_application(actor=organiser, application=applications[0], decision="approve")
    booking.decide_application(actor=organiser, application=applications[1], decision="reject",
                               reason="Sản phẩm chưa có chứng nhận OCOP")
    assert events_for(first.business_id) == ["application.received", "application.approved"]
    assert events_for(second.business_id) == ["application.received", "application.rejected"]
    rejected = messages(event="application.rejected")[0]
    assert "Lý do: Sản phẩm chưa có chứng nhận OCOP" in rejected.body_text
    assert open_week.name_vi in rejected.subject


def test_a_waitlisted_business_hears_of_the_waiting_list_then_of_the_offer(app, organiser,
                                                                          open_week, make_exhibitor):
    user = make_exhibitor()
    application = booking.apply_to_week(actor=user, week=open_week, data={"booth_count": 1})
    booking.decide_application(actor=organiser, application=application, decision="waitlist")
    assert events_for(user.business_id)[-1] == "application.waitlisted"


def test_product_approved_and_rejected(app, organiser, open_week, confirmed_exhibitor):
    user = confirmed_exhibitor("Hợp tác xã Trà Thử")
    forget_messages()
    products = [catalogue.create_product(actor=user, data=product_data(name=name))
                for name in ("Trà Shan tuyết", "Trà xanh Thái Nguyên")]
    catalogue.set_week_products(actor=user, week=open_week,
                                selections={p.id: None for p in products})
    listings = catalogue.business_listings(user.business_id, open_week)
    catalogue.review_listing(actor=organiser, listing=listings[products[0].id], decision="rejected",
                             reason="Ảnh sản phẩm bị mờ")
    assert catalogue.approve_pending(actor=organiser, week=open_week,
                                     business_id=user.business_id) == 1
    rejected, approved = messages()
    assert rejected.event == "catalogue.rejected" and "Ảnh sản phẩm bị mờ" in rejected.body_text
    assert "Trà Shan tuyết" in rejected.body_text
    assert approved.event == "catalogue.approved" and "Trà xanh Thái Nguyên" in approved.body_text


def test_b2b_request_answer_schedule_and_the_reminder(app, organiser, running_week,
                                                      confirmed_exhibitor):
    open_week = running_week  # the meeting is today
    supplier = confirmed_exhibitor("Công ty TNHH Cà phê Thử")
    buyer = new_buyer(open_week)
    forget_messages()
    meeting = b2b.request_meeting(actor=supplier, week=open_week, buyer_id=buyer.id,
                                  supplier_id=supplier.business_id)
    assert events_for(buyer.business_id) == ["b2b.request_received"]
    assert "Công ty TNHH Cà phê Thử" in messages(event="b2b.request_received")[0].subject
    from exhibit.accounts.models import User
    from exhibit.extensions import db
    buyer_user = db.session.scalar(db.select(User).where(User.business_id == buyer.business_id))
    b2b.respond(actor=buyer_user, meeting=meeting, accept=True)
    assert events_for(supplier.business_id) == ["b2b.accepted"]  # the side that asked

    soon = utcnow() + timedelta(minutes=20)
    from exhibit.vn.dates import to_vietnam_time
    local = to_vietnam_time(soon)
    [slot] = b2b.add_slots(actor=organiser, week=open_week, day=local.date(),
                           start=time(local.hour, local.minute), minutes=20, count=1)
    [table] = b2b.add_tables(actor=organiser, week=open_week, count=1)
    b2b.schedule(actor=organiser, meeting=b2b.get_meeting(open_week, meeting.id), slot_id=slot.id,
                 table_id=table.id)
    scheduled = messages(event="b2b.scheduled")
    assert len(scheduled) == 2 and all(table.label in m.subject for m in scheduled)

    first = clock.tick()
    second = clock.tick()
    assert first["meeting_reminders"] == 2 and second["meeting_reminders"] == 0
    assert {m.business_id for m in messages(event="b2b.starting_soon")} == {
        buyer.business_id, supplier.business_id}


def test_a_cancelled_meeting_tells_the_other_side_with_the_reason(app, organiser, running_week,
                                                                   confirmed_exhibitor):
    from exhibit.accounts.models import User
    from exhibit.extensions import db
    supplier = confirmed_exhibitor("Công ty TNHH Cà phê Hủy Hẹn")
    buyer = new_buyer(running_week)
    buyer_user = db.session.scalar(db.select(User).where(User.business_id == buyer.business_id))

    def accepted_meeting():
        meeting = b2b.request_meeting(actor=supplier, week=running_week, buyer_id=buyer.id,
                                      supplier_id=supplier.business_id)
        b2b.respond(actor=buyer_user, meeting=meeting, accept=True)
        return meeting
    first = accepted_meeting()
    forget_messages()
    b2b.cancel_meeting(actor=buyer_user, meeting=first, reason="Đoàn thu mua đổi lịch về sớm")
    # the buyer cancelled: only the supplier hears, with the reason
    [told] = messages(event="b2b.cancelled")
    assert told.business_id == supplier.business_id
    assert "Đoàn thu mua đổi lịch về sớm" in told.body_text and buyer.business.name in told.subject
    second = accepted_meeting()
    # scheduled, then cancelled: the message says which time and table were given up
    soon = utcnow() + timedelta(hours=2)
    from exhibit.vn.dates import to_vietnam_time
    local = to_vietnam_time(soon)
    [slot] = b2b.add_slots(actor=organiser, week=running_week, day=local.date(),
                           start=time(local.hour, local.minute), minutes=20, count=1)
    [table] = b2b.add_tables(actor=organiser, week=running_week, count=1)
    b2b.schedule(actor=organiser, meeting=b2b.get_meeting(running_week, second.id),
                 slot_id=slot.id, table_id=table.id)
    # the organiser cancelled: both sides hear
    forget_messages()
    b2b.cancel_meeting(actor=organiser, meeting=second, reason="Bàn họp bị thu hồi")
    told = messages(event="b2b.cancelled")
    assert {m.business_id for m in told} == {buyer.business_id, supplier.business_id}
    in_vietnamese = [m for m in told if m.language == "vi"]
    assert in_vietnamese and all(
        "Ban tổ chức đã hủy" in m.body_text and "Bàn họp bị thu hồi" in m.body_text
        and table.label in m.body_text for m in in_vietnamese)
