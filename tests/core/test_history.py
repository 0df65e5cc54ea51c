"""History in sentences (exhibit/core/history.py): what the main services audit reads as a
sentence in Vietnamese and in English, with money in VND, times in Vietnam time, statuses by
their titles and related records by name; anything unknown still reads as a sentence."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone

import pytest
from flask_babel import force_locale

from exhibit.booking import services as booking
from exhibit.core import audit, history
from exhibit.core.db import write_transaction
from exhibit.extensions import db
from exhibit.floorplan.services import get_booth
from tests.conftest import login


@pytest.fixture
def named_organiser(organiser):
    """The organiser with a name (the sentences say who), and its body's details a contract
    prints as Bên A."""
    from exhibit.weeks.services import update_organizer
    from tests.conftest import next_tax_code
    organiser.full_name = "Nguyễn Văn A"
    db.session.commit()
    update_organizer(actor=organiser, data={
        "name": "Trung tâm Xúc tiến Thương mại và Đầu tư TP.HCM (ITPC)",
        "representative": "Nguyễn Văn Mạnh", "representative_position": "Phó Giám đốc",
        "bank_account": "0071001234567", "bank_name": "Vietcombank – Chi nhánh TP. Hồ Chí Minh",
        "address": "92–96 Nguyễn Hữu Cảnh, TP. Hồ Chí Minh", "tax_code": next_tax_code()})
    return organiser


def told(week, entity: str, action: str, lang: str) -> list[history.HistoryLine]:
    """The week's entries of this kind and action, as history lines in ``lang``."""
    rows = [e for e in audit.entries(week_id=week.id) if (e.entity, e.action) == (entity, action)]
    with force_locale(lang):
        return history.describe(rows)


def sentences(week, entity: str, action: str, lang: str) -> list[str]:
    return [line.sentence for line in told(week, entity, action, lang)]


def test_a_moved_and_a_released_booth_read_as_sentences(named_organiser, open_week,
                                                       confirmed_exhibitor):
    user = confirmed_exhibitor("Công ty TNHH Cà phê Thử")
    allocation = booking.queries.business_allocations(user.business_id)[0]
    moved = booking.move_allocation(actor=named_organiser, allocation=allocation,
                                    target=get_booth(open_week, "A04"))
    booking.release_allocation(actor=named_organiser, allocation=moved, reason="Doanh nghiệp hủy")

    assert sentences(open_week, "allocation", "move", "vi") == [
        "Nguyễn Văn A đã chuyển Công ty TNHH Cà phê Thử từ gian A01 sang A04"]
    assert sentences(open_week, "allocation", "move", "en") == [
        "Nguyễn Văn A moved Công ty TNHH Cà phê Thử from booth A01 to A04"]
    assert sentences(open_week, "allocation", "release", "vi") == [
        "Nguyễn Văn A đã trả gian A04 của Công ty TNHH Cà phê Thử"]
    [released] = told(open_week, "allocation", "release", "en")
    assert released.sentence == "Nguyễn Văn A released booth A04 of Công ty TNHH Cà phê Thử"
    assert released.note == "Doanh nghiệp hủy"
    with force_locale("en"):
        status = {c.field: (c.old, c.new) for c in released.changes}["status"]
    assert status == ("Confirmed", "Released")  # the enum's titles, not confirmed/released
    [released_vi] = told(open_week, "allocation", "release", "vi")
    assert {c.field: (c.old, c.new) for c in released_vi.changes}["status"] == (
        "Đã xác nhận", "Đã trả")
    # the business is named, never its id
    assert all(c.field != "business_id" for c in released.changes)


def test_an_issued_contract_names_its_number_and_version_and_prints_money_as_vnd(
        named_organiser, open_week, confirmed_exhibitor):
    from exhibit.documents import services as documents
    user = confirmed_exhibitor("Hợp tác xã Thanh long Thử")
    document = documents.create_contract(actor=named_organiser, week=open_week,
                                         business_id=user.business_id)
    documents.update_draft(actor=named_organiser, document=document,
                           data={"vat_percent": 8, "dated_on": date(2024, 3, 5)})
    documents.issue(actor=named_organiser, document=document)
    documents.revise(actor=named_organiser, document=document)
    documents.issue(actor=named_organiser, document=document)
    number = document.number

    assert sentences(open_week, "document", "issue", "vi") == [
        f"Nguyễn Văn A đã phát hành hợp đồng {number} (bản 2)",
        f"Nguyễn Văn A đã phát hành hợp đồng {number} (bản 1)"]
    assert sentences(open_week, "document", "issue", "en")[0] == (
        f"Nguyễn Văn A issued contract {number} (version 2)")
    assert sentences(open_week, "document", "create", "en") == [
        f"Nguyễn Văn A drew up the draft contract #{document.id} for Hợp tác xã Thanh long Thử"]

    [edit] = told(open_week, "document", "update", "vi")[-1:]
    shown = {c.field: (c.label, c.old, c.new) for c in edit.changes}
    assert shown["vat_percent"] == ("Thuế suất GTGT", "10 %", "8 %")
    label, old, new = shown["total_vnd"]
    assert label == "Tổng cộng" and re.fullmatch(r"1\.404\.000\s₫", new)
    assert "status" not in shown  # unchanged fields are left out
    with force_locale("en"):
        [issued_en] = history.describe([e for e in audit.entries(week_id=open_week.id)
                                        if e.action == "issue"][:1])
        status = {c.field: c.new for c in issued_en.changes}["status"]
    assert status == "Issued"


def test_a_recorded_payment_reads_with_its_amount_in_vnd_and_its_day(named_organiser, open_week,
                                                                    confirmed_exhibitor):
    from exhibit.documents import payments
    user = confirmed_exhibitor("Cơ sở Mật ong Thử")
    payments.record_payment(actor=named_organiser, week=open_week, data={
        "business_id": user.business_id, "kind": "deposit", "amount_vnd": "702.000",
        "paid_on": "09/01/2026", "reference": "FT26009"})
    [vi] = sentences(open_week, "payment", "record", "vi")
    assert re.fullmatch(r"Nguyễn Văn A đã ghi nhận khoản thanh toán của Cơ sở Mật ong Thử: "
                        r"đặt cọc 702\.000\s₫, ngày thanh toán 09/01/2026", vi), vi
    [en] = sentences(open_week, "payment", "record", "en")
    assert re.fullmatch(r"Nguyễn Văn A recorded a payment from Cơ sở Mật ong Thử: deposit of "
                        r"702\.000\s₫, paid on 09/01/2026", en), en


def test_an_approved_product_names_the_product_and_its_business(exhibitor_with_booth, open_week,
                                                               organiser):
    organiser.full_name = "Trần Thị B"
    db.session.commit()
    assert sentences(open_week, "listing", "approve", "vi") == [
        "Trần Thị B đã duyệt sản phẩm Thanh long ruột đỏ hộp quà của "
        "Hợp tác xã Thanh long Hàm Thuận Nam"]
    assert sentences(open_week, "listing", "approve", "en") == [
        "Trần Thị B approved the product Thanh long ruột đỏ hộp quà of "
        "Hợp tác xã Thanh long Hàm Thuận Nam"]


def test_times_read_in_vietnam_time_and_the_system_is_named(open_week, organiser):
    with write_transaction():
        entry = audit.record("allocation", 1, "expire", week_id=open_week.id, before={
            "status": "held", "booth": "A02",
            "expires_at": datetime(2026, 3, 9, 17, 30, tzinfo=timezone.utc).isoformat()},
            after={"status": "expired", "booth": "A02",
                   "expires_at": datetime(2026, 3, 9, 17, 30, tzinfo=timezone.utc).isoformat()})
    with force_locale("en"):
        [line] = history.describe([entry])
    assert line.who == "The system"
    assert line.sentence == "The hold of a business on booth A02 lapsed"
    # 17:30 UTC is half past midnight the next day in Vietnam
    assert [(c.label, c.old, c.new) for c in line.changes] == [("Status", "Held", "Expired")]
    with force_locale("en"):
        [held] = history.describe([audit.record("allocation", 2, "hold", actor=organiser,
                                                week_id=open_week.id, after={
                                                    "booth": "A03", "expires_at":
                                                    "2026-03-09T17:30:00+00:00"})])
    assert {c.field: c.new for c in held.changes}["expires_at"] == "00:30 10/03/2026"


def test_unknown_actions_and_fields_fall_back_to_a_readable_sentence(open_week, organiser):
    organiser.full_name = "Nguyễn Văn A"
    with write_transaction():
        odd = audit.record("spaceship", 7, "launch", actor=organiser, week_id=open_week.id,
                           before={"fuel_level": 3}, after={"fuel_level": 9, "n": None})
        known_kind = audit.record("document", 999_999, "teleport", actor=organiser,
                                  week_id=open_week.id, after={"status": "no-such-status"})
        malformed = audit.record("allocation", 3, "move", actor=organiser, week_id=open_week.id,
                                 before={"booth": ["not", "a", "code"]}, after="garbage")
    with force_locale("en"):
        lines = history.describe([odd, known_kind, malformed])
    assert lines[0].sentence == "Nguyễn Văn A: launch · spaceship #7"
    assert [(c.label, c.old, c.new) for c in lines[0].changes] == [
        ("Fuel level", "3", "9"), ("N", None, "—")]
    assert lines[1].sentence == "Nguyễn Văn A: teleport · Document #999999"
    assert [(c.label, c.new) for c in lines[1].changes] == [("Status", "no-such-status")]
    assert lines[2].sentence.startswith("Nguyễn Văn A")  # whatever the shape: no error


def test_the_names_of_a_page_are_read_once_per_kind(open_week, organiser, make_exhibitor):
    """Describing 5 or 60 entries sends the same number of queries: one per kind of record
    the page names (here businesses, booths, halls and documents), none per entry."""
    from tests.querycount import counted_queries
    businesses = [make_exhibitor().business_id for _ in range(3)]

    def entries(count):
        made = []
        with write_transaction():
            for n in range(count):
                made.append(audit.record("allocation", n, "hold", actor=organiser,
                                         week_id=open_week.id,
                                         after={"booth": "A01", "business_id": businesses[n % 3]}))
                made.append(audit.record("booth", n + 1, "update", actor=organiser,
                                         week_id=open_week.id, after={"hall_id": 1, "code": "A01"}))
                made.append(audit.record("document", n + 1, "issue", actor=organiser,
                                         week_id=open_week.id, after={"number": "001/2026/HĐ"}))
        db.session.expire_all()
        return audit.entries(week_id=open_week.id, limit=3 * count)

    small, large = entries(5), entries(60)
    counts = []
    for rows in (small, large):
        for row in rows:
            _ = row.actor, row.business  # loaded with the entries (joined)
        with counted_queries() as statements, force_locale("vi"):
            lines = rows.lines
        counts.append(len(statements))
        assert len(lines) == len(rows)
    assert counts[0] == counts[1] <= 4, counts


# -- the pages ----------------------------------------------------------------------------------

def _visible(page: str) -> str:
    """The page without the auditors' toggles (the recorded values kept as they were)."""
    return re.sub(r"<details class=\"history-raw\">.*?</details>", "", page, flags=re.S)


def test_the_audit_log_shows_sentences_with_the_recorded_values_behind_a_toggle(
        client, named_organiser, open_week, confirmed_exhibitor):
    from exhibit.documents import services as documents
    user = confirmed_exhibitor("Công ty TNHH Cà phê Thử")
    allocation = booking.queries.business_allocations(user.business_id)[0]
    booking.move_allocation(actor=named_organiser, allocation=allocation,
                            target=get_booth(open_week, "A03"))
    document = documents.create_contract(actor=named_organiser, week=open_week,
                                         business_id=user.business_id)
    documents.update_draft(actor=named_organiser, document=document, data={"vat_percent": 8})
    login(client, named_organiser)
    page = client.get(f"/organiser/weeks/{open_week.slug}/audit").get_data(as_text=True)
    assert "Nguyễn Văn A đã chuyển Công ty TNHH Cà phê Thử từ gian A01 sang A03" in page
    assert "Thuế suất GTGT: 10 % → <b>8 %</b>" in page
    visible = _visible(page)
    for raw in ("total_vnd", "vat_percent", "business_id", "status: draft", "Văn bản #"):
        assert raw not in visible, raw
    # the auditors' toggle keeps the codes as recorded
    assert page.count('<details class="history-raw">') >= 3
    assert "vat_percent: 8" in page and "status: draft" in page
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:", page)  # even there, times in Vietnam time


def test_a_documents_history_reads_as_sentences(client, named_organiser, open_week,
                                               confirmed_exhibitor):
    from exhibit.documents import services as documents
    user = confirmed_exhibitor()
    document = documents.create_contract(actor=named_organiser, week=open_week,
                                         business_id=user.business_id)
    documents.issue(actor=named_organiser, document=document)
    login(client, named_organiser)
    page = client.get(f"/organiser/documents/{document.id}").get_data(as_text=True)
    history_part = page[page.index('<table class="table responsive audit history">'):]
    assert f"Nguyễn Văn A đã phát hành hợp đồng {document.number} (bản 1)" in history_part
    assert "Văn bản #" not in history_part and "<details" in history_part


def test_a_business_profiles_changes_read_as_sentences(client, named_organiser, open_week,
                                                      make_exhibitor):
    """The business reads its own edits by name and its organisers' as the organising body's;
    the organiser reads them by name."""
    from exhibit.profiles import services as profiles
    user = make_exhibitor("Công ty TNHH Hạt điều Thử")
    user.full_name = "Lê Văn C"
    db.session.commit()
    booking.apply_to_week(actor=user, week=open_week, data={})
    profiles.edit_own_business(actor=user, data={"phone": "0987654321"})
    profiles.edit_business_as_organiser(actor=named_organiser, business_id=user.business_id,
                                        data={"address": "Thôn 2, xã Hàm Minh"})
    login(client, user)
    page = client.get("/my/business").get_data(as_text=True)
    assert "Lê Văn C đã sửa hồ sơ của Công ty TNHH Hạt điều Thử" in page
    assert "0987 654 321</b>" in page
    assert "Ban tổ chức đã sửa hồ sơ của Công ty TNHH Hạt điều Thử" in page
    assert "Nguyễn Văn A đã sửa" not in page
    login(client, named_organiser)
    page = client.get(f"/organiser/businesses/{user.business_id}/edit").get_data(as_text=True)
    assert "Nguyễn Văn A đã sửa hồ sơ của Công ty TNHH Hạt điều Thử" in page
    assert "Thôn 2, xã Hàm Minh</b>" in page


def test_the_audit_log_sends_as_many_queries_for_a_full_page_as_for_a_short_one(
        client, named_organiser, open_week, make_exhibitor):
    """Every kind of name a page shows is read once for the page: a short page (these entries
    and the week's setting up) and a full page of 100 send the same statements."""
    from tests.querycount import queries_of
    businesses = [make_exhibitor().business_id for _ in range(4)]
    booths = [get_booth(open_week, f"A0{n}").id for n in range(1, 7)]
    hall = get_booth(open_week, "A01").hall_id

    def log(count):
        with write_transaction():
            for n in range(count):
                business_id = businesses[n % 4]
                audit.record("allocation", n, "move", actor=named_organiser, week_id=open_week.id,
                             business_id=business_id, before={"booth": "A01", "status": "held"},
                             after={"booth": "A02", "status": "confirmed",
                                    "business_id": business_id})
                audit.record("booth", booths[n % 6], "update", actor=named_organiser,
                             week_id=open_week.id, before={"price_vnd": 1_300_000, "hall_id": hall},
                             after={"price_vnd": 1_500_000, "hall_id": hall})
                audit.record("document", n + 1, "update", actor=named_organiser,
                             week_id=open_week.id, business_id=business_id,
                             before={"total_vnd": 1_000_000, "vat_percent": 10},
                             after={"total_vnd": 1_080_000, "vat_percent": 8})
                audit.record("payment", n + 1, "record", actor=None, week_id=open_week.id,
                             business_id=business_id, after={"kind": "deposit",
                                                             "amount_vnd": 500_000 + n,
                                                             "paid_on": "2026-01-09"})

    login(client, named_organiser)
    url = f"/organiser/weeks/{open_week.slug}/audit?entity="
    log(3)
    short_status, short = queries_of(client, url)
    log(40)
    full_status, full = queries_of(client, url)
    assert short_status == full_status == 200
    page = client.get(url).get_data(as_text=True)
    assert page.count('data-action="') == 100  # a full page now
    assert len(full) == len(short), (len(short), len(full))


def _audited_actions() -> set[tuple[str, str]]:
    """Every (kind of record, action) a service records with literal codes, read from the
    source: ``audit.record("booth", id, "block" if blocked else "unblock", …)`` gives two."""
    import ast
    from pathlib import Path

    def codes(node) -> list[str]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [node.value]
        if isinstance(node, ast.IfExp):
            return codes(node.body) + codes(node.orelse)
        return []

    found = set()
    for path in (Path(__file__).resolve().parents[2] / "exhibit").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "record" and len(node.args) >= 3
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "audit"):
                found |= {(entity, action) for entity in codes(node.args[0])
                          for action in codes(node.args[2])}
    return found


def test_every_action_the_services_audit_has_its_own_sentence_and_title():
    audited = _audited_actions()
    assert ("allocation", "move") in audited and ("booth", "unblock") in audited  # the reader works
    assert sorted(audited - set(history.SENTENCES)) == []
    assert sorted({action for _entity, action in audited} - set(history.ACTION_TITLES)) == []
    assert sorted({entity for entity, _action in audited} - set(history.ENTITY_TITLES)) == []
