"""Review findings on the requests desk (privacy/desk.py): a correction to a phone another
visitor of the week registered with is refused by name, not a database error (500)."""
from __future__ import annotations

import pytest

from exhibit.core.errors import ValidationFailed
from exhibit.extensions import db
from exhibit.privacy import desk
from exhibit.privacy.models import DataRequest
from tests.conftest import login

EMAIL = "khach.hang@example.vn"


def _visitor(week, name, phone, email=""):
    from exhibit.badges import services as badges
    return badges.register_visitor(week=week, data={
        "full_name": name, "phone": phone, "email": email, "consent": "y"})


def test_a_correction_to_another_visitors_phone_is_refused_by_name(app, client, organiser,
                                                                    open_week):
    from exhibit.badges.models import Badge
    mine = _visitor(open_week, "Trần Thị Hương", "0903 111 222", EMAIL)
    _visitor(open_week, "Lê Văn Nam", "0903 999 888")
    request = desk.receive_request(organizer_id=organiser.organizer_id, kind="correction",
                                   subject_name="Trần Thị Hương", subject_phone="0903 111 222",
                                   subject_email=EMAIL, details="Số điện thoại mới")
    with pytest.raises(ValidationFailed) as refused:
        desk.complete(request.id, actor=organiser, corrections={"phone": "0903 999 888"})
    assert "phone" in refused.value.fields
    db.session.rollback()

    login(client, organiser)
    answer = client.post(f"/organiser/privacy/requests/{request.id}/complete",
                         data={"phone": "0903 999 888"})
    assert answer.status_code == 302
    db.session.expire_all()
    assert db.session.get(DataRequest, request.id).is_open
    assert db.session.get(Badge, mine.id).phone == "+84903111222"
    # the person's own number, or a new one, is written
    desk.complete(request.id, actor=organiser, corrections={"phone": "0903 111 333"})
    db.session.expire_all()
    assert db.session.get(Badge, mine.id).phone == "+84903111333"


def test_a_deletion_blanks_the_persons_values_in_the_history(app, organiser, open_week):
    """A revoked badge's audit entry names the visitor ("name"): a deletion request must not
    leave it there until the week's purge, a year later."""
    from sqlalchemy import select

    from exhibit.badges import services as badges
    from exhibit.core.audit import AuditEntry
    badge = _visitor(open_week, "Trần Thị Hương", "0903 111 222", EMAIL)
    badges.revoke_badge(actor=organiser, badge=badge, reason="Trần Thị Hương gọi điện xin hủy")
    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.entity == "badge", AuditEntry.entity_id == badge.id)).all()
    assert any("Trần Thị Hương" in str(e.after) + str(e.note or "") for e in entries)
    request = desk.receive_request(organizer_id=organiser.organizer_id, kind="deletion",
                                   subject_name="Trần Thị Hương", subject_phone="0903 111 222",
                                   subject_email=EMAIL)
    desk.complete(request.id, actor=organiser)
    db.session.expire_all()
    for entry in db.session.scalars(select(AuditEntry).where(
            AuditEntry.entity.in_(("badge", "lead", "consent")))):
        text = f"{entry.before} {entry.after} {entry.note or ''}"
        assert "Trần Thị Hương" not in text and "0903111222" not in text.replace(" ", "")
        assert EMAIL not in text


def test_an_exhibitors_task_shows_only_the_contact_it_already_holds(app, client, organiser,
                                                                    open_week,
                                                                    confirmed_exhibitor):
    """A request taken by staff names the person's phone and email; an exhibitor that holds
    their email only must not learn their phone from the task (nor the other way round)."""
    from tests.privacy.test_desk import leave_contact
    by_email = confirmed_exhibitor("Công ty TNHH Trà Hai")
    leave_contact(open_week, "A01", phone="", email=EMAIL)
    request = desk.receive_request(organizer_id=organiser.organizer_id, kind="deletion",
                                   subject_name="Trần Thị Hương", subject_phone="0903 111 222",
                                   subject_email=EMAIL)
    [task] = desk.forward(request.id, actor=organiser)
    assert task.business_id == by_email.business_id
    login(client, by_email)
    page = client.get("/my/privacy-requests").get_data(as_text=True)
    assert EMAIL in page
    assert "0903 111 222" not in page and "903111222" not in page.replace(" ", "")


@pytest.mark.parametrize("week", ["²", "99999999999999999999", "-1", "abc"])
def test_a_week_no_form_offered_is_a_field_error_not_a_500(app, client, organiser, week):
    login(client, organiser)
    answer = client.post("/organiser/privacy/requests/new", data={
        "kind": "access", "subject_name": "Trần Thị Hương", "subject_phone": "0903 111 222",
        "week": week})
    assert answer.status_code == 422, answer.status_code
    assert "Choose one of your weeks." in answer.get_data(as_text=True) or \
        "Chọn một tuần lễ của đơn vị mình." in answer.get_data(as_text=True) or \
        'aria-invalid="true"' in answer.get_data(as_text=True)
    db.session.rollback()
    assert db.session.query(DataRequest).count() == 0


def test_a_requests_email_is_checked_as_accounts_check_theirs(organiser):
    from exhibit.core.errors import ValidationFailed
    from exhibit.privacy import desk
    for typed in ("hoà@gmail.com", "not-an-address", "a@b@c"):
        with pytest.raises(ValidationFailed) as refused:
            desk.receive_request(organizer_id=organiser.organizer_id, kind="access",
                                 subject_name="Khách", subject_phone="", subject_email=typed)
        assert "subject_email" in refused.value.fields, typed
    made = desk.receive_request(organizer_id=organiser.organizer_id, kind="access",
                                subject_name="Khách", subject_phone="",
                                subject_email=" Khach@Example.VN ")
    assert made.subject_email == "khach@example.vn"
