"""Walk-ins at the desk: the week's organisers and entrance staff register a visitor or buyer on
the spot, print the badge at once (A6 or a 62 mm label), find it again and reprint it with a
warning; the badge opens the gate straight away."""
from __future__ import annotations

import io
import re
import threading
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from exhibit.badges import services
from exhibit.scanning import checkin
from exhibit.badges.models import Badge
from exhibit.badges.render import render_sheet
from exhibit.core.audit import AuditEntry
from exhibit.core.db import utcnow
from exhibit.extensions import db
from tests.badges.test_printed_codes import expected_pages, face
from tests.conftest import login, visitor_data
from tests.printed import check_printed_codes, pdf_text, printed_codes


def walk_in_data(**overrides) -> dict:
    data = {"kind": "buyer", "full_name": "Trương Thị Ngọc Ánh", "phone": "0903 123 456",
            "organisation": "Siêu thị Đồng Khởi", "email": "", "consent": "y",
            "share_contact": "y"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


class Inputs(HTMLParser):
    """The inputs of a page, by name: their attributes."""

    def __init__(self, html: str):
        super().__init__()
        self.inputs: dict[str, list[dict]] = {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "input":
            attrs = dict(attrs)
            self.inputs.setdefault(attrs.get("name", ""), []).append(attrs)


def badge_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Badge))


def desk(week) -> str:
    return f"/gate/{week.slug}/walk-in"


# -- who may ------------------------------------------------------------------------------------

def test_only_the_weeks_organisers_and_entrance_staff_reach_the_desk(
        app, client, open_week, organiser, entrance_user, exhibitor_with_booth):
    from exhibit.accounts.services import create_entrance_user, create_organiser_user
    assert client.get(desk(open_week)).status_code == 302  # to sign in
    login(client, exhibitor_with_booth)
    assert client.get(desk(open_week)).status_code in (403, 404)
    assert client.post(desk(open_week), data=walk_in_data()).status_code in (403, 404)
    other = create_organiser_user(email="btc@other.example", password="thanhlong2024",
                                  organizer_name="Sở Công Thương khác", organizer_short_name="SCT")
    other_gate = create_entrance_user(email="cong@other.example", password="thanhlong2024",
                                      full_name="Cổng khác", organiser=other)
    for outsider in (other, other_gate):
        client.get("/logout")
        login(client, outsider)
        assert client.get(desk(open_week)).status_code == 404
        assert client.post(desk(open_week), data=walk_in_data()).status_code == 404
    # a visitor's badge exists; no outsider reaches its desk page or its PDF
    visitor = services.register_visitor(week=open_week, data=visitor_data())
    assert client.get(f"{desk(open_week)}/{visitor.id}").status_code == 404
    assert client.post(f"{desk(open_week)}/{visitor.id}/print",
                       data={"layout": "a6-1"}).status_code == 404
    assert client.get(f"{desk(open_week)}/{visitor.id}.pdf").status_code == 404
    assert badge_count() == 1 and db.session.get(Badge, visitor.id).printed_count == 0
    for insider in (organiser, entrance_user):
        client.get("/logout")
        login(client, insider)
        assert client.get(desk(open_week)).status_code == 200
        assert client.get(f"{desk(open_week)}/{visitor.id}").status_code == 200


def test_the_service_refuses_someone_who_does_not_work_the_gate(open_week, exhibitor_with_booth):
    from exhibit.core.errors import Forbidden
    with pytest.raises(Forbidden):
        services.register_walk_in(actor=exhibitor_with_booth, week=open_week, kind="visitor",
                                  data=walk_in_data())
    assert badge_count() == 0


# -- registering --------------------------------------------------------------------------------

def test_the_consent_boxes_are_never_ticked_and_say_who_receives_what(
        app, client, open_week, entrance_user):
    login(client, entrance_user)
    page = client.get(desk(open_week)).get_data(as_text=True)
    for name in ("consent", "share_contact"):
        box = Inputs(page).inputs[name]
        assert len(box) == 1 and box[0]["type"] == "checkbox" and "checked" not in box[0]
    with app.test_request_context():
        for sentence in (services.REGISTRATION_CONSENT, services.SHARE_CONSENT):
            text = services.consent_sentence(sentence, open_week)
            assert text.replace("'", "&#39;") in page or text in page
    assert services.kept_until_text(open_week) in page
    # a refused registration does not tick it either
    page = client.post(desk(open_week), data=walk_in_data(consent=None, phone="12"))
    inputs = Inputs(page.get_data(as_text=True)).inputs
    assert "checked" not in inputs["consent"][0]
    # no registration agreed: nothing issued, the field named
    assert db.session.scalar(select(Badge)) is None


def test_a_walk_in_who_does_not_share_gets_a_badge_exhibitors_cannot_collect(
        client, running_week, entrance_user):
    login(client, entrance_user)
    response = client.post(desk(running_week), data=walk_in_data(share_contact=None))
    assert response.status_code == 303
    badge = db.session.scalar(select(Badge))
    assert badge.contact_consent_at is None and not services.shares_contact(badge)


def test_a_walk_in_is_issued_by_the_staff_member_and_opens_the_gate_at_once(
        client, running_week, entrance_user):
    login(client, entrance_user)
    before = utcnow()
    response = client.post(desk(running_week), data=walk_in_data())
    assert response.status_code == 303
    badge = db.session.scalar(select(Badge))
    assert response.headers["Location"].endswith(f"/gate/{running_week.slug}/walk-in/{badge.id}")
    assert (badge.kind, badge.walk_in, badge.created_by_id) == ("buyer", True, entrance_user.id)
    assert badge.phone == "+84903123456" and badge.organisation == "Siêu thị Đồng Khởi"
    assert badge.contact_code and badge.contact_consent_at is not None
    assert badge.printed_count == 0 and badge.last_printed_at is None
    # scanning devices pick it up with their next snapshot
    assert badge.changed_at >= before
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity == "badge"))
    assert (entry.action, entry.actor_id, entry.after["walk_in"]) == ("create", entrance_user.id,
                                                                     True)
    result = checkin.check_in(actor=entrance_user, code=badge.entry_code, nonce="walkin00001")
    assert result.status == "ok" and result.badge.id == badge.id


@pytest.mark.parametrize("data, field", [
    ({"full_name": ""}, "full_name"),
    ({"phone": ""}, "phone"),
    ({"phone": "0123"}, "phone"),
    ({"email": "not-an-email"}, "email"),
    ({"consent": None}, "consent"),
    ({"kind": "organiser"}, "kind"),
    ({"kind": "staff"}, "kind"),
    ({"full_name": "x" * 201}, "full_name"),
])
def test_bad_input_is_refused_on_its_field_and_nothing_is_created(
        client, open_week, organiser, data, field):
    login(client, organiser)
    response = client.post(desk(open_week), data=walk_in_data(**data))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert re.search(rf'<input[^>]*name="{field}"', page) or f'name="{field}"' in page
    # the message sits in the field's own block
    assert 'class="error" role="alert"' in page
    assert badge_count() == 0


def test_a_phone_number_already_registered_leads_to_its_badge(client, open_week, entrance_user):
    earlier = services.register_visitor(week=open_week, data=visitor_data(phone="0912 345 678"))
    login(client, entrance_user)
    # typed another way, as people say it
    response = client.post(desk(open_week), data=walk_in_data(kind="visitor",
                                                              phone="+84 912-345-678"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'data-existing-badge="{earlier.id}"' in page
    assert f"/gate/{open_week.slug}/walk-in/{earlier.id}" in page
    assert badge_count() == 1
    # a buyer's badge counts too: one live badge per phone number at the desk
    buyer = services.register_walk_in(actor=entrance_user, week=open_week, kind="buyer",
                                      data=walk_in_data(phone="0987 000 111"))
    with pytest.raises(services.AlreadyRegistered) as refused:
        services.register_walk_in(actor=entrance_user, week=open_week, kind="visitor",
                                  data=walk_in_data(phone="0987000111"))
    assert refused.value.badge.id == buyer.id and refused.value.fields["phone"]
    # once revoked, the number may register again
    services.revoke_badge(actor=entrance_user, badge=earlier, reason="Mất thẻ")
    again = client.post(desk(open_week), data=walk_in_data(kind="visitor", phone="0912345678"))
    assert again.status_code == 303 and badge_count() == 3


def test_two_desks_registering_the_same_number_at_once_issue_one_badge(app, open_week,
                                                                         entrance_user):
    from tests.conftest import race
    week_id, user_id = open_week.id, entrance_user.id

    def work(i):
        from exhibit.accounts.models import User
        from exhibit.weeks.models import ExhibitionWeek
        return services.register_walk_in(
            actor=db.session.get(User, user_id), week=db.session.get(ExhibitionWeek, week_id),
            kind="buyer", data=walk_in_data(full_name=f"Người mua {i}"))

    results = race(app, work, 4)
    issued = [r for r in results if isinstance(r, Badge)]
    assert len(issued) == 1, results
    assert all(isinstance(r, services.AlreadyRegistered) and r.badge.id == issued[0].id
               for r in results if r is not issued[0])
    db.session.rollback()  # read what the desks committed, not this session's snapshot
    assert badge_count() == 1


def test_a_week_that_is_over_takes_no_walk_ins(client, open_week, entrance_user):
    from datetime import timedelta

    from exhibit.vn.dates import vietnam_today
    open_week.start_date = vietnam_today() - timedelta(days=9)
    open_week.end_date = vietnam_today() - timedelta(days=2)
    db.session.commit()
    login(client, entrance_user)
    assert client.post(desk(open_week), data=walk_in_data()).status_code == 403
    assert badge_count() == 0


# -- printing -----------------------------------------------------------------------------------

def test_printing_is_counted_by_the_post_and_a_reprint_warns(client, open_week, entrance_user):
    login(client, entrance_user)
    client.post(desk(open_week), data=walk_in_data())
    badge = db.session.scalar(select(Badge))
    page_url = f"{desk(open_week)}/{badge.id}"
    page = client.get(page_url)
    assert page.headers["Cache-Control"] == "no-store"
    assert "data-reprint-warning" not in page.get_data(as_text=True)
    # the PDF itself counts nothing, however often a browser fetches it
    for _ in range(3):
        pdf = client.get(f"{page_url}.pdf?layout=a6-1")
        assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    db.session.refresh(badge)
    assert badge.printed_count == 0

    printed = client.post(f"{page_url}/print", data={"layout": "a6-1"})
    assert printed.status_code == 303
    assert printed.headers["Location"].endswith(f"{page_url}.pdf?layout=a6-1")
    db.session.refresh(badge)
    assert badge.printed_count == 1 and badge.last_printed_at is not None
    when = badge.last_printed_at
    from exhibit.vn.dates import to_vietnam_time
    shown = to_vietnam_time(when).strftime("%H:%M %d/%m")
    html = client.get(page_url).get_data(as_text=True)
    warning = re.search(r"data-reprint-warning>(.*?)</p>", html, re.S).group(1)
    assert shown in warning and " 1 lần" in warning  # "… in thẻ này 1 lần, …"
    assert client.get(page_url).status_code == 200  # showing it again counts nothing

    client.post(f"{page_url}/print", data={"layout": "label-62"})
    db.session.refresh(badge)
    assert badge.printed_count == 2
    assert " 2 lần" in re.search(r"data-reprint-warning>(.*?)</p>",
                              client.get(page_url).get_data(as_text=True), re.S).group(1)


def test_the_reprint_warning_reads_in_english(client, open_week, organiser):
    login(client, organiser)
    badge = services.register_walk_in(actor=organiser, week=open_week, kind="visitor",
                                      data=walk_in_data())
    client.post(f"{desk(open_week)}/{badge.id}/print", data={"layout": "a6-1"})
    client.post("/language", data={"locale": "en"})
    html = client.get(f"{desk(open_week)}/{badge.id}").get_data(as_text=True)
    assert re.search(r"This desk has sent this badge to print 1 time, last at \d\d:\d\d \d\d/\d\d "
                     r"\(prints made elsewhere are not counted\)\. Every printed copy still "
                     r"works; if one was lost and may be misused, revoke it first\.", html)
    # the organiser may revoke it and issue a new one
    assert f'action="/gate/{open_week.slug}/walk-in/{badge.id}/reissue"' in html


def test_a_lost_badge_is_revoked_and_replaced_by_a_new_one_for_the_same_person(
        client, running_week, organiser, entrance_user):
    from exhibit.core.errors import Forbidden
    lost = services.register_walk_in(actor=entrance_user, week=running_week, kind="visitor",
                                     data=walk_in_data(email="anh@example.vn"))
    services.record_print(badge=lost)
    login(client, entrance_user)
    page = client.get(f"{desk(running_week)}/{lost.id}").get_data(as_text=True)
    assert "/reissue" not in page  # entrance staff do not revoke badges
    assert client.post(f"{desk(running_week)}/{lost.id}/reissue",
                       data={"reason": "Khách làm mất thẻ"}).status_code == 403
    with pytest.raises(Forbidden):
        services.reissue_badge(actor=entrance_user, badge=lost, reason="Mất")
    client.get("/logout")
    login(client, organiser)
    # a reason is required: nothing changes without one
    blank = client.post(f"{desk(running_week)}/{lost.id}/reissue", data={"reason": " "})
    assert blank.status_code == 303 and badge_count() == 1
    response = client.post(f"{desk(running_week)}/{lost.id}/reissue",
                           data={"reason": "Khách làm mất thẻ"})
    assert response.status_code == 303
    db.session.expire_all()
    fresh = db.session.scalar(select(Badge).where(Badge.id != lost.id))
    assert response.headers["Location"].endswith(f"/walk-in/{fresh.id}")
    old = db.session.get(Badge, lost.id)
    assert old.revoked_at is not None
    assert (fresh.full_name, fresh.phone, fresh.email, fresh.kind) == (
        old.full_name, old.phone, old.email, "visitor")
    assert fresh.entry_code != old.entry_code and fresh.contact_code != old.contact_code
    assert fresh.printed_count == 0 and fresh.contact_consent_at == old.contact_consent_at
    assert checkin.check_in(actor=entrance_user, code=old.entry_code,
                            nonce="lostbadge001").reason == "revoked"
    assert checkin.check_in(actor=entrance_user, code=fresh.entry_code,
                            nonce="lostbadge002").status == "ok"
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "badge")
                                 .order_by(AuditEntry.id)).all()
    assert actions == ["create", "revoke", "create"]


def test_a_bad_layout_or_a_revoked_badge_is_not_printed(client, open_week, organiser):
    login(client, organiser)
    badge = services.register_walk_in(actor=organiser, week=open_week, kind="visitor",
                                      data=walk_in_data())
    url = f"{desk(open_week)}/{badge.id}"
    # (only a tampered form sends these: the error page says what to choose)
    for refused in (client.post(f"{url}/print", data={"layout": "a4-8"}),
                    client.post(f"{url}/print", data={}),
                    client.get(f"{url}.pdf?layout=poster-a4")):
        assert refused.status_code == 400
        assert "A6" in refused.get_data(as_text=True)
    services.revoke_badge(actor=organiser, badge=badge, reason="Nhập nhầm")
    assert client.post(f"{url}/print", data={"layout": "a6-1"}).status_code == 409
    assert client.get(f"{url}.pdf").status_code == 404
    db.session.refresh(badge)
    assert badge.printed_count == 0
    assert "data-print=\"" not in client.get(url).get_data(as_text=True)


def test_the_desk_prints_only_visitors_and_buyers_of_its_week(client, open_week, organiser,
                                                              exhibitor_with_booth):
    staff = services.add_staff_badge(actor=exhibitor_with_booth, week=open_week,
                                     data={"full_name": "Lê Văn Ấn"})
    login(client, organiser)
    assert client.get(f"{desk(open_week)}/{staff.id}").status_code == 404
    assert client.post(f"{desk(open_week)}/{staff.id}/print",
                       data={"layout": "a6-1"}).status_code == 404


def test_two_prints_at_once_count_two(app, open_week, organiser):
    from tests.conftest import race
    badge = services.register_walk_in(actor=organiser, week=open_week, kind="visitor",
                                      data=walk_in_data())

    def work(_i):
        services.record_print(badge=db.session.get(Badge, badge.id))

    assert race(app, work, 4) == [None] * 4
    # read what the desks committed, not this session's snapshot or objects
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Badge, badge.id).printed_count == 4


# -- finding a badge again ----------------------------------------------------------------------

def test_the_search_finds_live_visitors_and_buyers_by_name_or_phone(
        client, open_week, entrance_user, exhibitor_with_booth):
    visitor = services.register_visitor(week=open_week, data=visitor_data(
        full_name="Nguyễn Văn Hùng", phone="0912 345 678"))
    buyer = services.register_walk_in(actor=entrance_user, week=open_week, kind="buyer",
                                      data=walk_in_data(full_name="Hùng Thị Mai",
                                                        phone="0977 111 222"))
    gone = services.register_walk_in(actor=entrance_user, week=open_week, kind="visitor",
                                     data=walk_in_data(full_name="Trần Hùng",
                                                       phone="0977 333 444"))
    services.revoke_badge(actor=entrance_user, badge=gone, reason="Mất thẻ")
    services.add_staff_badge(actor=exhibitor_with_booth, week=open_week,
                             data={"full_name": "Phạm Hùng"})
    login(client, entrance_user)

    def found(q: str) -> set[int]:
        page = client.get(desk(open_week), query_string={"q": q}).get_data(as_text=True)
        return {int(i) for i in re.findall(r'<li data-badge="(\d+)"', page)}

    assert found("hung") == {visitor.id, buyer.id}  # no revoked badge, no exhibitor staff
    assert found("0912 345 678") == {visitor.id}
    assert found("977 111") == {buyer.id}
    assert found("Phạm Hùng") == set()
    page = client.get(desk(open_week), query_string={"q": "hùng mai"}).get_data(as_text=True)
    assert f'href="/gate/{open_week.slug}/walk-in/{buyer.id}"' in page


def test_the_gate_links_to_the_desk_and_to_the_scanner_app(client, open_week, entrance_user):
    login(client, entrance_user)
    for url in (f"/gate/{open_week.slug}", "/gate"):
        page = client.get(url).get_data(as_text=True)
        assert f'href="/gate/{open_week.slug}/walk-in"' in page
        assert 'href="/scan/"' in page


# -- the 62 mm label ----------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["visitor", "buyer", "staff"])
def test_every_code_on_the_62_mm_label_reads_after_blur_tilt_and_jpeg(kind):
    faces = [face(n, "visitor" if kind == "buyer" else kind) for n in range(4)]
    out = io.BytesIO()
    render_sheet(out, faces, layout_key="label-62")
    codes = check_printed_codes(out.getvalue(), expected_pages(faces, 1))
    assert len(codes) == len(faces) * (1 if kind == "staff" else 2)
    assert all(c.width_mm >= 25 for c in codes)
    text = " ".join(pdf_text(out.getvalue()).split())
    assert "Tôn Nữ Hoàng Phương" in text and "Nguyễn Thị Thanh Hương" in text


def test_the_label_page_is_62_mm_wide(client, open_week, organiser):
    from pypdf import PdfReader
    login(client, organiser)
    badge = services.register_walk_in(actor=organiser, week=open_week, kind="buyer",
                                      data=walk_in_data())
    pdf = client.get(f"{desk(open_week)}/{badge.id}.pdf?layout=label-62").data
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert round(float(box.width) / 72 * 25.4) == 62 and round(float(box.height) / 72 * 25.4) == 100
    check_printed_codes(pdf, [[f"http://exhibit.test/e/{badge.entry_code}",
                               f"http://exhibit.test/c/{badge.contact_code}"]])
    assert "Trương Thị Ngọc Ánh" in pdf_text(pdf)
    # the organiser's own badge list prints the label too
    again = client.get(f"/organiser/weeks/{open_week.slug}/badges/{badge.id}.pdf?layout=label-62")
    assert again.status_code == 200 and len(printed_codes(again.data)) == 2


def test_a_whole_week_prints_on_62_mm_labels_too(open_week, organiser):
    """The organiser's bulk sheet takes the label layout: one badge a label, every code read."""
    from pypdf import PdfReader

    from exhibit.badges import printing
    for n in range(3):
        services.register_visitor(week=open_week, data=visitor_data(
            full_name=f"Khách {n}", phone=f"091234{n:04d}"))
    printing.check_choice("visitor", "label-62")
    buffer = io.BytesIO()
    printing.write_week_sheet(buffer, open_week, "visitor", "label-62", lang="vi")
    pages = PdfReader(io.BytesIO(buffer.getvalue())).pages
    assert len(pages) == 3
    assert {round(float(p.mediabox.width) / 72 * 25.4) for p in pages} == {62}
    badges = db.session.scalars(select(Badge).order_by(Badge.id)).all()
    check_printed_codes(buffer.getvalue(), [
        [f"http://exhibit.test/e/{b.entry_code}", f"http://exhibit.test/c/{b.contact_code}"]
        for b in badges])


def test_offline_gate_devices_learn_of_a_walk_in_with_their_next_snapshot(running_week,
                                                                          organiser):
    """A device's incremental snapshot (since its last cursor) carries the new badge, and a lost
    badge replaced at the desk arrives revoked beside its replacement; printing changes nothing
    a device sees (changed_at stays)."""
    from exhibit.scanning import snapshot
    from tests.scanning.helpers_devices import paired_gate
    device, _token = paired_gate(organiser, running_week)
    first = snapshot.snapshot(device)
    key = snapshot.week_key(running_week.id, "gate")
    badge = services.register_walk_in(actor=organiser, week=running_week, kind="buyer",
                                      data=walk_in_data())
    later = snapshot.snapshot(device, since=first["cursor"])
    assert later["full"] is False
    rows = {row[0]: row for row in later["badges"]}
    row = rows[snapshot.code_hash(key, badge.entry_code)]
    assert row[1:5] == ["b", "Trương Thị Ngọc Ánh", "Siêu thị Đồng Khởi", 0]

    changed = badge.changed_at
    services.record_print(badge=badge)
    assert badge.printed_count == 1 and badge.changed_at == changed

    fresh = services.reissue_badge(actor=organiser, badge=badge, reason="Khách làm mất thẻ")
    rows = {row[0]: row for row in snapshot.snapshot(device, since=later["cursor"])["badges"]}
    assert rows[snapshot.code_hash(key, badge.entry_code)][4] == 1  # revoked
    assert rows[snapshot.code_hash(key, fresh.entry_code)][4] == 0


@pytest.mark.parametrize("kind", ["visitor", "buyer"])
def test_a_double_click_on_replace_issues_one_new_badge(app, running_week, organiser, kind):
    """Two requests replacing one lost badge at once: one new badge, the other refused with
    409 and words — never a server error (visitors: the phone is unique) nor two live badges
    (buyers: it is not)."""
    from exhibit.core.errors import Conflict
    from tests.conftest import race
    lost = services.register_walk_in(actor=organiser, week=running_week, kind=kind,
                                     data=walk_in_data())
    badge_id, user_id = lost.id, organiser.id
    both_read = threading.Barrier(2)

    def replace(_i):
        from exhibit.accounts.models import User
        actor, badge = db.session.get(User, user_id), db.session.get(Badge, badge_id)
        assert badge.revoked_at is None
        both_read.wait()  # both pages showed the badge live, then both clicks arrive
        return services.reissue_badge(actor=actor, badge=badge, reason="Khách làm mất thẻ")

    results = race(app, replace, 2)
    issued = [r for r in results if isinstance(r, Badge)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(issued) == 1 and len(refused) == 1, results
    assert (refused[0].status, refused[0].code) == (409, "revoked") and refused[0].message
    db.session.rollback()  # read what the requests committed
    live = db.session.scalars(select(Badge).where(Badge.revoked_at.is_(None))).all()
    assert [b.id for b in live] == [issued[0].id]


def test_a_replacement_keeps_whether_the_badge_was_a_walk_ins(client, running_week, organiser):
    registered = services.register_visitor(week=running_week, data=visitor_data(
        full_name="Đặng Thu Thảo", phone="0987 654 321", email=""))
    assert registered.walk_in is False
    fresh = services.reissue_badge(actor=organiser, badge=registered, reason="Mất thẻ")
    assert fresh.walk_in is False and fresh.full_name == "Đặng Thu Thảo"
    walked_in = services.register_walk_in(actor=organiser, week=running_week, kind="buyer",
                                          data=walk_in_data())
    assert services.reissue_badge(actor=organiser, badge=walked_in,
                                  reason="Mất thẻ").walk_in is True
    # the lost badge's page asked to replace it again (a second tab): 409, in words
    login(client, organiser)
    again = client.post(f"{desk(running_week)}/{registered.id}/reissue",
                        data={"reason": "Mất thẻ"})
    assert again.status_code == 409
    assert badge_count() == 4
