"""Booking rules, exercised through the services on SQLite and PostgreSQL."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from exhibit.booking import queries
from exhibit.booking import services as booking
from exhibit.booking.models import Allocation
from exhibit.core.audit import AuditEntry
from exhibit.core.db import utcnow
from exhibit.core.errors import Conflict, Forbidden, ValidationFailed
from exhibit.extensions import db
from exhibit.booking.queries import booth_states
from exhibit.floorplan.services import get_booth


def applied(make_exhibitor, week, booth_count=1, **kw):
    user = make_exhibitor(**kw)
    booking.apply_to_week(actor=user, week=week, data={"booth_count": booth_count})
    return user


def test_hold_then_second_business_gets_conflict(app, open_week, make_exhibitor):
    first, second = applied(make_exhibitor, open_week), applied(make_exhibitor, open_week)
    booth = get_booth(open_week, "A01")
    hold = booking.hold_booth(actor=first, week=open_week, booth=booth)
    assert hold.status == "held"
    assert hold.expires_at - hold.created_at == timedelta(minutes=15)
    with pytest.raises(Conflict) as exc:
        booking.hold_booth(actor=second, week=open_week, booth=booth)
    assert exc.value.code == "booth_unavailable"
    assert booth_states(open_week)[booth.id].status == "held"


def test_hold_needs_an_application_and_respects_booth_count(app, open_week, make_exhibitor):
    stranger = make_exhibitor()
    with pytest.raises(Conflict) as exc:
        booking.hold_booth(actor=stranger, week=open_week, booth=get_booth(open_week, "A01"))
    assert exc.value.code == "no_application"
    user = applied(make_exhibitor, open_week, booth_count=1)
    booking.hold_booth(actor=user, week=open_week, booth=get_booth(open_week, "A01"))
    with pytest.raises(Conflict) as exc:
        booking.hold_booth(actor=user, week=open_week, booth=get_booth(open_week, "A02"))
    assert exc.value.code == "booth_limit_reached"


@pytest.mark.parametrize("change,code", [
    ({"status": "closed"}, "week_not_open"),
    ({"status": "draft"}, "week_not_open"),
    ({"registration_closes_on_offset": -1}, "registration_closed"),
])
def test_week_not_open_is_conflict_with_reason(app, open_week, organiser, make_exhibitor, change, code):
    from datetime import date
    from exhibit.weeks.services import update_week
    user = applied(make_exhibitor, open_week)
    data = {k: getattr(open_week, k) for k in (
        "slug", "name_vi", "name_en", "host_province_scheme", "host_province_code", "venue_name",
        "start_date", "end_date", "registration_opens_on", "registration_closes_on", "status",
        "hold_minutes")}
    if "registration_closes_on_offset" in change:
        data["registration_opens_on"] = date.today() - timedelta(days=10)
        data["registration_closes_on"] = date.today() - timedelta(days=1)
    else:
        data.update(change)
    update_week(actor=organiser, week=open_week, data=data)
    with pytest.raises(Conflict) as exc:
        booking.hold_booth(actor=user, week=open_week, booth=get_booth(open_week, "A01"))
    assert exc.value.code == code
    assert db.session.scalar(select(Allocation.id)) is None


def test_blocked_booth_cannot_be_held(app, open_week, organiser, make_exhibitor):
    from exhibit.floorplan.services import set_booth_blocked
    user = applied(make_exhibitor, open_week)
    booth = get_booth(open_week, "A03")
    set_booth_blocked(actor=organiser, week=open_week, booth=booth, blocked=True, reason="Cột")
    with pytest.raises(Conflict):
        booking.hold_booth(actor=user, week=open_week, booth=booth)


def test_confirm_and_expired_hold_cannot_be_confirmed(app, open_week, organiser, make_exhibitor):
    a, b = applied(make_exhibitor, open_week), applied(make_exhibitor, open_week)
    hold_a = booking.hold_booth(actor=a, week=open_week, booth=get_booth(open_week, "A01"))
    confirmed = booking.confirm_allocation(actor=organiser, allocation=hold_a)
    assert confirmed.status == "confirmed" and confirmed.expires_at is None
    assert queries.application_for(open_week.id, a.business_id).status == "approved"

    hold_b = booking.hold_booth(actor=b, week=open_week, booth=get_booth(open_week, "A02"),
                                now=utcnow() - timedelta(minutes=20))
    with pytest.raises(Conflict) as exc:
        booking.confirm_allocation(actor=organiser, allocation=hold_b)
    assert exc.value.code == "hold_ended"


def test_expired_hold_frees_the_booth_on_read_and_by_the_job(app, open_week, make_exhibitor):
    a, b = applied(make_exhibitor, open_week), applied(make_exhibitor, open_week)
    booth = get_booth(open_week, "A01")
    booking.hold_booth(actor=a, week=open_week, booth=booth, now=utcnow() - timedelta(minutes=16))
    assert booth_states(open_week)[booth.id].status == "available"  # released on read
    assert booking.expire_due_holds(open_week) == 1
    assert db.session.scalar(select(Allocation.status)) == "expired"
    assert booking.hold_booth(actor=b, week=open_week, booth=booth).status == "held"


def test_released_booth_goes_to_first_on_waiting_list(app, open_week, organiser, make_exhibitor):
    holder = applied(make_exhibitor, open_week)
    first = applied(make_exhibitor, open_week, name="Hợp tác xã Chờ Trước")
    later = applied(make_exhibitor, open_week, name="Hợp tác xã Chờ Sau")
    for user in (first, later):
        booking.decide_application(actor=organiser, decision="waitlist", reason="Hết chỗ",
                                   application=queries.application_for(open_week.id, user.business_id))
    hold = booking.hold_booth(actor=holder, week=open_week, booth=get_booth(open_week, "A04"))
    booking.release_allocation(actor=organiser, allocation=hold, reason="Doanh nghiệp rút")

    offers = db.session.scalars(select(Allocation).where(Allocation.source == "waitlist_offer")).all()
    assert [(o.business_id, o.booth.code, o.status) for o in offers] == [(first.business_id, "A04", "held")]
    assert offers[0].expires_at - offers[0].created_at == timedelta(hours=open_week.waitlist_offer_hours)
    assert queries.application_for(open_week.id, first.business_id).status == "approved"
    assert queries.application_for(open_week.id, later.business_id).status == "waitlisted"
    assert [a.business_id for a in queries.waiting_list(open_week)] == [later.business_id]


def test_expired_hold_is_offered_to_waiting_list(app, open_week, organiser, make_exhibitor):
    holder, waiting = applied(make_exhibitor, open_week), applied(make_exhibitor, open_week)
    booking.decide_application(actor=organiser, decision="waitlist",
                               application=queries.application_for(open_week.id, waiting.business_id))
    booking.hold_booth(actor=holder, week=open_week, booth=get_booth(open_week, "A02"),
                       now=utcnow() - timedelta(hours=1))
    assert booking.expire_due_holds() == 1
    offer = queries.business_allocations(waiting.business_id)[0]
    assert (offer.booth.code, offer.source) == ("A02", "waitlist_offer")


def test_move_keeps_status_and_frees_old_booth(app, open_week, organiser, make_exhibitor):
    user, other = applied(make_exhibitor, open_week), applied(make_exhibitor, open_week)
    hold = booking.hold_booth(actor=user, week=open_week, booth=get_booth(open_week, "A01"))
    confirmed = booking.confirm_allocation(actor=organiser, allocation=hold)
    booking.hold_booth(actor=other, week=open_week, booth=get_booth(open_week, "A05"))
    with pytest.raises(Conflict):
        booking.move_allocation(actor=organiser, allocation=confirmed, target=get_booth(open_week, "A05"))
    moved = booking.move_allocation(actor=organiser, allocation=confirmed,
                                    target=get_booth(open_week, "A06"))
    states = booth_states(open_week)
    assert moved.status == "confirmed" and moved.booth.code == "A06"
    assert states[get_booth(open_week, "A01").id].status == "available"
    assert states[get_booth(open_week, "A06").id].status == "confirmed"


def test_assign_directly_and_permissions(app, open_week, organiser, make_exhibitor):
    user, other = applied(make_exhibitor, open_week), applied(make_exhibitor, open_week)
    assigned = booking.assign_booth(actor=organiser, week=open_week,
                                    booth=get_booth(open_week, "A03"), business_id=user.business_id)
    assert assigned.status == "confirmed"
    with pytest.raises(Forbidden):
        booking.release_allocation(actor=other, allocation=assigned)
    with pytest.raises(Conflict):  # an exhibitor cannot drop a confirmed booth itself
        booking.release_allocation(actor=user, allocation=assigned)
    with pytest.raises(Forbidden):
        booking.assign_booth(actor=user, week=open_week, booth=get_booth(open_week, "A04"),
                             business_id=user.business_id)


def test_reject_needs_reason_and_releases_holds(app, open_week, organiser, make_exhibitor):
    user = applied(make_exhibitor, open_week)
    booking.hold_booth(actor=user, week=open_week, booth=get_booth(open_week, "A01"))
    application = queries.application_for(open_week.id, user.business_id)
    with pytest.raises(ValidationFailed) as exc:
        booking.decide_application(actor=organiser, application=application, decision="reject")
    assert "reason" in exc.value.fields
    booking.decide_application(actor=organiser, application=application, decision="reject",
                               reason="Sản phẩm không thuộc nhóm OCOP")
    assert queries.business_allocations(user.business_id) == []
    assert queries.application_for(open_week.id, user.business_id).decision_reason == \
        "Sản phẩm không thuộc nhóm OCOP"


def test_every_state_change_is_audited_with_before_and_after(app, open_week, organiser, make_exhibitor):
    user = applied(make_exhibitor, open_week)
    hold = booking.hold_booth(actor=user, week=open_week, booth=get_booth(open_week, "A01"))
    booking.confirm_allocation(actor=organiser, allocation=hold)
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "allocation")
                                 .order_by(AuditEntry.id)).all()
    assert [(e.action, e.actor_id) for e in entries] == [("hold", user.id), ("confirm", organiser.id)]
    assert entries[1].before["status"] == "held" and entries[1].after["status"] == "confirmed"
    assert entries[1].week_id == open_week.id and entries[1].business_id == user.business_id


def test_partial_unique_index_refuses_a_second_active_allocation(app, open_week, make_exhibitor):
    """The schema's own guard, independent of the service's lock."""
    from sqlalchemy.exc import IntegrityError
    a, b = applied(make_exhibitor, open_week), applied(make_exhibitor, open_week)
    booth = get_booth(open_week, "A01")
    booking.hold_booth(actor=a, week=open_week, booth=booth)
    db.session.add(Allocation(week_id=open_week.id, booth_id=booth.id, business_id=b.business_id,
                              status="confirmed", source="organiser_assign"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("booth_count", [0, -1, 51, "hai", True])
def test_a_booth_count_outside_1_to_50_is_refused_not_turned_into_one(open_week, make_exhibitor,
                                                                      booth_count):
    with pytest.raises(ValidationFailed) as refused:
        booking.apply_to_week(actor=make_exhibitor(), week=open_week,
                              data={"booth_count": booth_count})
    assert "booth_count" in refused.value.fields
