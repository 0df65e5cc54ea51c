"""The gate's latest scans: newest first by when they were scanned, each with its time in
Vietnam time, the badge holder and the answer in words (never ok / invalid / already_checked_in)."""
from __future__ import annotations

import re
from datetime import datetime, time, timedelta, timezone

from exhibit.badges import services
from exhibit.scanning import checkin
from exhibit.extensions import db
from tests.conftest import login, visitor_data

VIETNAM = timezone(timedelta(hours=7))
_phones = iter(range(100, 1000))


def visitor(week, name: str):
    """A pre-registered visitor with a phone number of their own."""
    return services.register_visitor(week=week, data=visitor_data(
        full_name=name, phone=f"0912 345 {next(_phones)}", email=""))


def at(week, hour: int, minute: int = 0) -> datetime:
    """A moment on the week's first day, Vietnam time, as UTC."""
    moment = datetime.combine(week.start_date, time(hour, minute), tzinfo=VIETNAM)
    return moment.astimezone(timezone.utc)


def scans_listed(page: str) -> list[str]:
    """The latest-scans list as text, item by item, top to bottom."""
    part = page[page.index('<ol class="recent"'):page.index("</ol>")]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", item)).strip()
            for item in re.findall(r"<li .*?</li>", part, flags=re.S)]


def test_the_latest_scans_are_newest_first_with_time_holder_and_words(client, open_week,
                                                                    organiser):
    first = visitor(open_week, "Phạm Thị Lan")
    second = visitor(open_week, "Đỗ Văn Hùng")
    revoked = visitor(open_week, "Vũ Minh")
    services.revoke_badge(actor=organiser, badge=revoked, reason="Đăng ký trùng")
    # recorded out of time order, as a device that was offline uploads its scans later
    checkin.check_in(actor=organiser, code=first.entry_code, nonce="gate-0001", now=at(open_week, 10))
    checkin.check_in(actor=organiser, code=second.entry_code, nonce="gate-0002",
                     now=at(open_week, 8, 15))
    checkin.check_in(actor=organiser, code=first.entry_code, nonce="gate-0003",
                     now=at(open_week, 11, 30))
    checkin.check_in(actor=organiser, code=revoked.entry_code, nonce="gate-0004",
                     now=at(open_week, 9))

    login(client, organiser)
    listed = scans_listed(client.get(f"/gate/{open_week.slug}").get_data(as_text=True))
    day = open_week.start_date.strftime("%d/%m")
    assert [re.match(r"\d\d:\d\d:\d\d \d\d/\d\d", item).group() for item in listed] == [
        f"11:30:00 {day}", f"10:00:00 {day}", f"09:00:00 {day}", f"08:15:00 {day}"]
    assert "Phạm Thị Lan" in listed[0] and "Đã check-in lúc 10:00." in listed[0]
    assert "Phạm Thị Lan" in listed[1] and "Đã check-in." in listed[1]
    assert "Vũ Minh" in listed[2] and "Thẻ này đã bị thu hồi." in listed[2]
    assert "Đỗ Văn Hùng" in listed[3]
    for code in ("already_checked_in", " ok", "invalid"):
        assert not any(code in item for item in listed), code


def test_the_latest_scans_read_in_english_for_an_english_reader(client, open_week, organiser):
    badge = visitor(open_week, "Phạm Thị Lan")
    checkin.check_in(actor=organiser, code=badge.entry_code, nonce="gate-en-01",
                     now=at(open_week, 7, 45))
    checkin.check_in(actor=organiser, code=badge.entry_code, nonce="gate-en-02", now=at(open_week, 9))
    organiser.locale = "en"
    db.session.commit()
    login(client, organiser)
    listed = scans_listed(client.get(f"/gate/{open_week.slug}").get_data(as_text=True))
    assert listed[0].endswith("Already checked in at 07:45.") and listed[0].startswith("09:00:00")
    assert listed[1].endswith("Checked in.") and listed[1].startswith("07:45:00")


def test_the_latest_scans_are_one_query_whatever_their_number(open_week, organiser):
    from tests.querycount import counted_queries
    badges = [visitor(open_week, f"Khách {n}")
              for n in range(25)]
    counts = []
    for shown in (badges[:3], badges[3:]):
        for n, badge in enumerate(shown):
            checkin.check_in(actor=organiser, code=badge.entry_code, nonce=f"gate-q-{badge.id:04d}",
                             now=at(open_week, 8, n))
        db.session.expire_all()
        assert open_week.id  # the week itself is read again before counting
        with counted_queries() as statements:
            recent = checkin.recent_scans(open_week)
            words = [scan.words for scan in recent]
        counts.append(len(statements))
    assert len(recent) == 20 and all(words)
    assert counts == [1, 1]
