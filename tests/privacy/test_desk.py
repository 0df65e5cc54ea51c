"""The requests desk (privacy/desk.py): clocks, forwarding to exhibitors, completion, refusal,
messages to the person and to exhibitors — on SQLite and PostgreSQL, time travelled with
``now=``."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from exhibit.core.errors import Conflict, NotFound, ValidationFailed
from exhibit.extensions import db
from exhibit.messaging.models import Message
from exhibit.privacy import desk
from exhibit.privacy.models import DataRequest, DataRequestTask, RequestStatus
from exhibit.vn.dates import VIETNAM_TZ

#: Friday 5 March 2027, 10:00 in Vietnam
FRIDAY = datetime(2027, 3, 5, 10, 0, tzinfo=VIETNAM_TZ).astimezone(timezone.utc)
PHONE = "+84903111222"
EMAIL = "khach.hang@example.vn"


def messages(**where) -> list[Message]:
    db.session.expire_all()
    query = select(Message).order_by(Message.id)
    for name, value in where.items():
        query = query.where(getattr(Message, name) == value)
    return list(db.session.scalars(query))


def receive(organiser, kind="deletion", now=FRIDAY, **more):
    values = dict(organizer_id=organiser.organizer_id, kind=kind, subject_name="Trần Thị Hương",
                  subject_phone="0903 111 222", subject_email=EMAIL, details="", now=now)
    values.update(more)
    return desk.receive_request(**values)


def leave_contact(week, booth_code, *, phone="0903 111 222", email=EMAIL,
                  name="Trần Thị Hương"):
    from exhibit.floorplan.services import get_booth
    from exhibit.visitors import services as visitors
    target = visitors.resolve_booth_token(visitors.current_token(get_booth(week, booth_code)))
    return visitors.leave_contact(target=target, visitor_key="k" * 20, data={
        "full_name": name, "phone": phone, "email": email, "organisation": "Công ty Hương Sen",
        "message": "Xin báo giá", "consent": "y"})


def test_clocks_count_working_days_over_a_weekend(app, organiser):
    request = receive(organiser, kind="access")
    # Friday 10:00 + 2 working days = Tuesday 10:00 (Saturday and Sunday do not count)
    assert request.acknowledge_due.astimezone(VIETNAM_TZ) == datetime(2027, 3, 9, 10, 0,
                                                                      tzinfo=VIETNAM_TZ)
    assert request.due_at == FRIDAY + timedelta(days=15)
    assert request.status == RequestStatus.RECEIVED.value
    assert request.subject_phone == PHONE
    # received on a Saturday: counting starts on Monday morning
    saturday = FRIDAY + timedelta(days=1)
    later = receive(organiser, kind="access", now=saturday)
    assert later.acknowledge_due.astimezone(VIETNAM_TZ) == datetime(2027, 3, 10, 0, 0,
                                                                    tzinfo=VIETNAM_TZ)


def test_a_receipt_goes_to_the_person(app, organiser):
    request = receive(organiser, kind="access")
    [receipt] = messages(event="privacy.request_received")
    assert receipt.subject_type == "data_request" and receipt.subject_id == request.id
    assert receipt.address in (EMAIL, PHONE)
    assert desk.reference(request) in receipt.body_text


def test_bad_input_changes_nothing(app, organiser):
    with pytest.raises(ValidationFailed) as refused:
        receive(organiser, subject_phone="12", subject_email="")
    assert "subject_phone" in refused.value.fields
    with pytest.raises(ValidationFailed) as refused:
        receive(organiser, kind="everything")
    assert "kind" in refused.value.fields
    with pytest.raises(ValidationFailed) as refused:
        receive(organiser, subject_phone="", subject_email="")
    assert "subject_phone" in refused.value.fields
    assert db.session.scalar(select(DataRequest.id)) is None


def test_a_deletion_forwarded_to_two_exhibitors_completes_only_when_both_confirm(
        app, organiser, open_week, confirmed_exhibitor):
    first, second = confirmed_exhibitor("Công ty TNHH Cà phê Một"), \
        confirmed_exhibitor("Công ty TNHH Trà Hai")
    third = confirmed_exhibitor("Công ty TNHH Không Liên Quan")
    leave_contact(open_week, "A01")
    leave_contact(open_week, "A02", phone="", email=EMAIL.upper())
    leave_contact(open_week, "A03", phone="0911 000 999", email="nguoi.khac@example.vn",
                  name="Người Khác")
    request = receive(organiser)
    # exhibitors hold the contact: 20 days
    assert request.due_at == FRIDAY + timedelta(days=20)

    tasks = desk.forward(request.id, actor=organiser, now=FRIDAY + timedelta(hours=1))
    assert sorted(t.business_id for t in tasks) == sorted([first.business_id, second.business_id])
    assert third.business_id not in {t.business_id for t in tasks}
    request = db.session.get(DataRequest, request.id)
    assert request.status == RequestStatus.FORWARDED.value and request.acknowledged_at
    assert {m.business_id for m in messages(event="privacy.task_forwarded")} == \
        {first.business_id, second.business_id}
    with pytest.raises(Conflict):  # no one else holds it
        desk.forward(request.id, actor=organiser)

    first_task = next(t for t in tasks if t.business_id == first.business_id)
    second_task = next(t for t in tasks if t.business_id == second.business_id)
    with pytest.raises(NotFound):  # an exhibitor confirms only its own task
        desk.confirm_task(second_task.id, actor=first)
    desk.confirm_task(first_task.id, actor=first, note="Đã xoá khỏi danh bạ")
    with pytest.raises(Conflict) as waiting:
        desk.complete(request.id, actor=organiser)
    assert waiting.value.code == "tasks_open"
    desk.confirm_task(second_task.id, actor=second)
    with pytest.raises(Conflict):
        desk.confirm_task(second_task.id, actor=second)

    done = desk.complete(request.id, actor=organiser, outcome="Đã xoá.",
                         now=FRIDAY + timedelta(days=3))
    assert done.status == RequestStatus.COMPLETED.value
    from exhibit.visitors.models import Lead
    leads = db.session.scalars(select(Lead).order_by(Lead.id)).all()
    assert [lead.full_name for lead in leads] == [desk.DELETED, desk.DELETED, "Người Khác"]
    assert all(not lead.phone and not lead.email for lead in leads[:2])
    assert leads[2].phone == "+84911000999"
    [answer] = messages(event="privacy.request_completed")
    assert answer.subject_id == request.id
    with pytest.raises(Conflict):
        desk.complete(request.id, actor=organiser)


def test_a_deletion_without_holders_has_fifteen_days_and_needs_no_forwarding(app, organiser):
    request = receive(organiser)
    assert request.due_at == FRIDAY + timedelta(days=15)
    with pytest.raises(Conflict):
        desk.forward(request.id, actor=organiser)
    assert desk.complete(request.id, actor=organiser).status == RequestStatus.COMPLETED.value


def test_a_new_holder_must_be_forwarded_before_completion(app, organiser, open_week,
                                                          confirmed_exhibitor):
    confirmed_exhibitor()
    request = receive(organiser)
    leave_contact(open_week, "A01")
    with pytest.raises(Conflict) as refused:
        desk.complete(request.id, actor=organiser)
    assert refused.value.code == "not_forwarded"


def test_overdue_after_the_deadline(app, organiser):
    request = receive(organiser, kind="access")
    assert not desk.is_overdue(request, FRIDAY + timedelta(days=1))
    # not acknowledged by Tuesday 10:00: overdue already
    tuesday_late = FRIDAY + timedelta(days=4, minutes=1)
    assert desk.is_ack_overdue(request, tuesday_late) and desk.is_overdue(request, tuesday_late)
    assert desk.overdue_count(organiser.organizer_id, tuesday_late) == 1
    desk.acknowledge(request.id, actor=organiser, now=FRIDAY + timedelta(days=4, hours=1))
    request = db.session.get(DataRequest, request.id)
    assert not desk.is_overdue(request, FRIDAY + timedelta(days=14))
    assert desk.is_due_soon(request, FRIDAY + timedelta(days=14))
    after = FRIDAY + timedelta(days=15, seconds=1)
    assert desk.is_overdue(request, after)
    assert desk.overdue_count(organiser.organizer_id, after) == 1
    assert desk.overdue_count(organiser.organizer_id, FRIDAY + timedelta(days=14)) == 0
    # overdue first on the desk
    fresh = receive(organiser, kind="access", now=FRIDAY + timedelta(days=15))
    order = db.session.scalars(desk.desk_query(organiser.organizer_id, desk.DeskFilter(),
                                               after)).all()
    assert [r.id for r in order] == [request.id, fresh.id]
    only = db.session.scalars(desk.desk_query(organiser.organizer_id,
                                              desk.DeskFilter(state="overdue"), after)).all()
    assert [r.id for r in only] == [request.id]
    desk.complete(request.id, actor=organiser, now=after)
    assert desk.overdue_count(organiser.organizer_id, after) == 0


def test_extension_once_only_with_a_reason(app, organiser):
    request = receive(organiser, kind="access")
    with pytest.raises(ValidationFailed) as refused:
        desk.extend(request.id, actor=organiser, days=10, reason="  ")
    assert "reason" in refused.value.fields
    with pytest.raises(ValidationFailed) as refused:
        desk.extend(request.id, actor=organiser, days=16, reason="Nhiều dữ liệu")
    assert "days" in refused.value.fields
    desk.extend(request.id, actor=organiser, days=15, reason="Cần đối chiếu nhiều tuần")
    request = db.session.get(DataRequest, request.id)
    assert request.due_at == FRIDAY + timedelta(days=30)
    assert request.extension_reason == "Cần đối chiếu nhiều tuần"
    with pytest.raises(Conflict) as again:
        desk.extend(request.id, actor=organiser, days=1, reason="Lại")
    assert again.value.code == "already_extended"
    assert not desk.is_overdue(request, FRIDAY + timedelta(days=20)) or request.acknowledged_at \
        is None


def test_refusal_needs_a_reason_and_answers_the_person(app, organiser):
    request = receive(organiser, kind="correction")
    with pytest.raises(ValidationFailed):
        desk.refuse(request.id, actor=organiser, reason="")
    desk.refuse(request.id, actor=organiser, reason="Không xác minh được người yêu cầu.")
    request = db.session.get(DataRequest, request.id)
    assert request.status == RequestStatus.REFUSED.value
    [answer] = messages(event="privacy.request_completed")
    assert "Không xác minh được người yêu cầu." in answer.body_text
    with pytest.raises(Conflict):
        desk.acknowledge(request.id, actor=organiser)


def test_a_correction_is_written_to_the_badges_and_leads(app, organiser, open_week,
                                                         confirmed_exhibitor):
    confirmed_exhibitor()
    lead = leave_contact(open_week, "A01")
    request = receive(organiser, kind="correction", details="Tên đúng là Trần Thị Hường")
    with pytest.raises(ValidationFailed):
        desk.complete(request.id, actor=organiser, corrections={})
    desk.complete(request.id, actor=organiser, corrections={"full_name": "Trần Thị Hường"})
    from exhibit.visitors.models import Lead
    assert db.session.get(Lead, lead.id).full_name == "Trần Thị Hường"


def test_another_organiser_cannot_see_or_act_on_the_request(app, organiser):
    from exhibit.accounts.services import create_organiser_user
    other = create_organiser_user(email="khac@so.example", password="thanhlong2024",
                                  organizer_name="Sở Công Thương Khác",
                                  organizer_short_name="SCT")
    request = receive(organiser, kind="access")
    with pytest.raises(NotFound):
        desk.request_for(other.organizer_id, request.id)
    with pytest.raises(NotFound):
        desk.acknowledge(request.id, actor=other)
    assert db.session.scalars(desk.desk_query(other.organizer_id,
                                              desk.DeskFilter(state="all"))).all() == []
    assert desk.overdue_count(other.organizer_id, FRIDAY + timedelta(days=30)) == 0


def test_an_exhibitor_sees_only_its_own_tasks(app, organiser, open_week, confirmed_exhibitor):
    first, second = confirmed_exhibitor(), confirmed_exhibitor()
    leave_contact(open_week, "A01")
    request = receive(organiser)
    desk.forward(request.id, actor=organiser)
    assert [t.request_id for t in desk.business_tasks(first.business_id)] == [request.id]
    assert desk.business_tasks(second.business_id) == []
    assert db.session.scalar(select(DataRequestTask.business_id)) == first.business_id


def test_a_stop_request_withdraws_the_consents_through_the_ledger(app, organiser, open_week,
                                                                  confirmed_exhibitor):
    from exhibit.privacy.models import Consent
    from exhibit.visitors.models import Lead
    exhibitor = confirmed_exhibitor()
    lead = leave_contact(open_week, "A01")
    assert db.session.scalars(select(Consent).where(Consent.lead_id == lead.id)).all()
    request = receive(organiser, kind="stop")
    [task] = desk.forward(request.id, actor=organiser)
    desk.confirm_task(task.id, actor=exhibitor)
    desk.complete(request.id, actor=organiser)
    db.session.expire_all()
    consents = db.session.scalars(select(Consent).where(Consent.subject_phone == PHONE)).all()
    assert consents and all(c.withdrawn_at and c.withdrawn_via == "request" for c in consents)
    assert db.session.get(Lead, lead.id).withdrawn_at is not None
    # the data itself stays (a stop is not a deletion)
    assert db.session.get(Lead, lead.id).phone == PHONE


def test_a_deletion_empties_the_consents_and_the_badge(app, organiser, open_week):
    from exhibit.badges import services as badges
    from exhibit.privacy.models import Consent
    badge = badges.register_visitor(week=open_week, data={
        "full_name": "Trần Thị Hương", "phone": "0903 111 222", "email": EMAIL,
        "consent": "y", "share_contact": "y"})
    request = receive(organiser)
    desk.complete(request.id, actor=organiser)
    db.session.expire_all()
    from exhibit.badges.models import Badge
    badge = db.session.get(Badge, badge.id)
    assert (badge.full_name, badge.email, badge.phone) == (desk.DELETED, "", f"#{badge.id}")
    assert badge.contact_consent_at is None
    for consent in db.session.scalars(select(Consent).where(Consent.badge_id == badge.id)):
        assert consent.withdrawn_at and consent.purged_at
        assert not (consent.subject_name or consent.subject_phone or consent.subject_email)


def test_the_clock_reminds_the_organiser_once_per_deadline(app, organiser):
    from exhibit import clock
    request = receive(organiser, kind="access")
    # a day and a half before the acknowledgement deadline: nothing yet
    assert desk.remind_due(FRIDAY + timedelta(days=2, hours=12)) == 0
    monday = FRIDAY + timedelta(days=3, hours=1)  # Tuesday 10:00 is within a day
    assert clock.tick(now=monday)["privacy_request_reminders"] == 1
    assert clock.tick(now=monday + timedelta(minutes=1))["privacy_request_reminders"] == 0
    [reminder] = messages(event="privacy.request_due")
    assert reminder.user_id == organiser.id and desk.reference(request) in reminder.subject
    desk.acknowledge(request.id, actor=organiser, now=monday)
    # then the completion deadline, a day ahead, and again after an extension
    assert desk.remind_due(request.due_at - timedelta(hours=23)) == 1
    assert desk.remind_due(request.due_at - timedelta(hours=22)) == 0
    desk.extend(request.id, actor=organiser, days=5, reason="Cần thêm thời gian",
                now=request.due_at - timedelta(hours=22))
    request = db.session.get(DataRequest, request.id)
    assert desk.remind_due(request.due_at - timedelta(hours=1)) == 1
    desk.complete(request.id, actor=organiser, now=request.due_at - timedelta(minutes=30))
    assert desk.remind_due(request.due_at + timedelta(days=1)) == 0
