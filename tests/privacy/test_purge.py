"""Retention and purge (privacy.purge): after a week's retention period its visitors' personal
data is replaced by placeholders — nowhere in the database or the upload folder any more — and
the week's report keeps every figure; a second purge finds nothing to do."""
from __future__ import annotations

import os
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import JSON, String, Text, cast, func, select

from exhibit.core.db import utcnow
from exhibit.extensions import db
from exhibit.privacy.purge import PURGED, add_months, is_due, purge_due, retention_ends
from tests.conftest import _test_app

DAK_LAK = "ket-noi-cung-cau-dak-lak-2024"
BINH_THUAN = "ocop-binh-thuan-2024"
#: the report as of a fixed moment, so before and after compare the same thing
AS_OF = datetime(2025, 1, 15, 3, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def seeded(request, tmp_path_factory):
    """A fresh database with the full demo, only for this module: the purge changes it."""
    with _test_app(request.param, tmp_path_factory, "purge") as app:
        with app.app_context():
            from exhibit.demo.seed import seed_demo
            for _line in seed_demo():
                pass
            db.session.remove()
        yield app


def _week(slug=DAK_LAK):
    from exhibit.weeks.models import ExhibitionWeek
    return db.session.scalar(select(ExhibitionWeek).where(ExhibitionWeek.slug == slug))


def _figures(week) -> dict:
    from exhibit.reports.figures import week_report
    report = week_report(week, now=AS_OF)
    return {"headlines": [(h.key, h.value, h.detail) for h in report.headlines],
            "tables": [(t.key, t.headers, t.rows, t.row_keys) for t in report.tables]}


def _people_values(week) -> tuple[set[str], set[str]]:
    """(names, phones and emails) of the week's visitors, buyers' contacts and leads."""
    from exhibit.b2b.models import Buyer
    from exhibit.badges.models import Badge
    from exhibit.visitors.models import Lead
    names, contacts = set(), set()
    for badge in db.session.scalars(select(Badge).where(
            Badge.week_id == week.id, Badge.kind.in_(("visitor", "buyer")))):
        names.add(badge.full_name)
        contacts.update(v for v in (badge.phone, badge.email) if v)
    for lead in db.session.scalars(select(Lead).where(Lead.week_id == week.id)):
        names.add(lead.full_name)
        contacts.update(v for v in (lead.phone, lead.email) if v)
    for buyer in db.session.scalars(select(Buyer).where(Buyer.week_id == week.id)):
        names.add(buyer.contact_name)
        contacts.update(v for v in (buyer.contact_phone, buyer.contact_email) if v)
    return names, contacts


def _names_kept_elsewhere() -> set[str]:
    """Names, phones and emails that stay on purpose: exhibitors' staff badges, accounts, and
    the weeks not purged (the demo's visitors of two weeks share names and addresses)."""
    from exhibit.accounts.models import User
    from exhibit.badges.models import Badge
    from exhibit.businesses.models import Business
    from exhibit.visitors.models import Lead
    week = _week()
    kept = set(db.session.scalars(select(Badge.full_name).where(
        (Badge.week_id != week.id) | (Badge.kind == "staff"))))
    kept |= set(db.session.scalars(select(Lead.full_name).where(Lead.week_id != week.id)))
    kept |= set(db.session.scalars(select(User.full_name)))
    for column in (Badge.phone, Badge.email):
        kept |= set(db.session.scalars(select(column).where(
            (Badge.week_id != week.id) | (Badge.kind == "staff"))))
    for column in (Lead.phone, Lead.email):
        kept |= set(db.session.scalars(select(column).where(Lead.week_id != week.id)))
    kept |= set(db.session.scalars(select(User.email)))
    # a request still open must be answered: it keeps who asked until then
    from exhibit.privacy.models import DataRequest
    for column in (DataRequest.subject_name, DataRequest.subject_phone, DataRequest.subject_email):
        kept |= set(db.session.scalars(select(column).where(
            DataRequest.status.not_in(("completed", "refused")))))
    # a buyer's contact may be its business's own address, which is the business's, not a person's
    kept |= set(db.session.scalars(select(Business.email))) | set(
        db.session.scalars(select(Business.phone)))
    return kept


def _database_text() -> dict[str, str]:
    """Every text and JSON column's values, joined: {"table.column": text}."""
    texts = {}
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, (String, Text, JSON)):
                values = db.session.scalars(select(cast(column, Text)).where(
                    column.is_not(None))).all()
                texts[f"{table.name}.{column.name}"] = "\x00".join(values)
    return texts


def test_retention_ends_months_after_the_last_day():
    assert add_months(date(2024, 10, 31), 12) == date(2025, 10, 31)
    assert add_months(date(2024, 8, 31), 6) == date(2025, 2, 28)
    week = type("W", (), {"end_date": date(2024, 11, 30), "personal_data_months": 12})()
    assert retention_ends(week) == date(2025, 11, 30)
    assert not is_due(week, date(2025, 11, 30))
    assert is_due(week, date(2025, 12, 1))


def test_purge_leaves_no_personal_data_and_the_same_figures(seeded):
    from exhibit.badges.models import PrintJob
    from exhibit.media import storage
    from exhibit.badges.models import Badge
    with seeded.app_context():
        # the Bình Thuận week keeps its visitors' data for five years: the purge leaves it
        other = _week(BINH_THUAN)
        other.personal_data_months = 60  # the demo's own choice: still within it
        db.session.commit()
        named = db.session.scalar(select(func.count()).select_from(Badge).where(
            Badge.week_id == other.id, Badge.kind == "visitor", Badge.full_name != PURGED))
        assert named > 0
        week = _week()
        week.personal_data_months = 12  # the demo keeps its weeks five years: this one, a year
        db.session.commit()
        before = _figures(week)
        names, contacts = _people_values(week)
        assert len(names) > 10 and len(contacts) > 10, "the demo week has visitors and leads"
        # a printed sheet of visitor badges names them: it must go with them
        key = storage.save("prints", ".pdf", ("\n".join(sorted(names))).encode())
        db.session.add(PrintJob(week_id=week.id, kind="visitor", layout="a4", status="done",
                                file_key=key, total=len(names), done=len(names)))
        db.session.commit()
        assert storage.path_for(key).exists()

        result = seeded.test_cli_runner().invoke(args=["purge-personal-data"])
        assert result.exit_code == 0, result.output
        assert f"week {week.id}:" in result.output
        db.session.expire_all()

        week = _week()
        assert week.personal_data_purged_at is not None
        assert _figures(week) == before
        kept = _names_kept_elsewhere()
        gone = sorted(v for v in names | contacts if v not in kept and v != PURGED)
        assert len(gone) > 10
        texts = _database_text()
        for value in gone:
            assert [where for where, text in texts.items() if value in text] == [], value
        assert not storage.path_for(key).exists()
        uploads = Path(seeded.config["UPLOAD_DIR"])
        for folder, _dirs, files in os.walk(uploads):
            for name in files:
                content = (Path(folder) / name).read_bytes()
                assert not any(c.encode() in content for c in contacts), name

        # the purge is audited with counts only
        from exhibit.core.audit import AuditEntry
        entry = db.session.scalar(select(AuditEntry).where(
            AuditEntry.entity == "week", AuditEntry.action == "purge_personal_data",
            AuditEntry.entity_id == week.id))
        assert entry.after["badges"] > 0 and entry.after["leads"] > 0
        assert all(isinstance(v, int) for v in entry.after.values())

        # a second purge has nothing left to do
        again = {r.week_id: r for r in purge_due()}
        assert again[week.id].total == 0
        assert other.id not in again
        assert db.session.scalar(select(func.count()).select_from(Badge).where(
            Badge.week_id == other.id, Badge.kind == "visitor",
            Badge.full_name != PURGED)) == named


def test_the_clock_purges_a_week_once_its_retention_ends(seeded):
    """Runs after the test above, which kept the Bình Thuận week within its retention."""
    from exhibit import clock
    from exhibit.badges.models import Badge
    with seeded.app_context():
        other = _week(BINH_THUAN)
        assert other.personal_data_purged_at is None
        other.personal_data_months = 12
        db.session.commit()
        assert clock.tick(now=utcnow())["weeks_purged"] == 1
        db.session.expire_all()
        assert _week(BINH_THUAN).personal_data_purged_at is not None
        assert db.session.scalar(select(func.count()).select_from(Badge).where(
            Badge.week_id == other.id, Badge.kind == "visitor",
            Badge.full_name != PURGED)) == 0
        # the clock leaves purged weeks alone
        assert clock.tick(now=utcnow())["weeks_purged"] == 0


def test_answered_requests_naming_no_week_lose_the_person_after_a_year(app, organiser):
    from datetime import timedelta

    from exhibit.privacy.models import DataRequest
    from exhibit.privacy.purge import purge_closed_requests
    now = datetime(2026, 12, 5, 3, 0, tzinfo=timezone.utc)

    def answered(days_ago: int, status: str = "completed") -> int:
        at = now - timedelta(days=days_ago)
        row = DataRequest(organizer_id=organiser.organizer_id, kind="access", status=status,
                          subject_name="Trần Thị Bích", subject_phone="+84903111222",
                          subject_email="bich@example.vn", details="Gọi điện", via="staff",
                          received_at=at, acknowledge_due=at, due_at=at, completed_at=at,
                          outcome="Đã gửi")
        db.session.add(row)
        db.session.commit()
        return row.id

    old, recent, open_id = answered(400), answered(300), answered(400, status="acknowledged")
    db.session.get(DataRequest, open_id).completed_at = None
    db.session.commit()
    assert purge_closed_requests(now) == 1
    db.session.expire_all()
    gone = db.session.get(DataRequest, old)
    assert (gone.subject_name, gone.subject_phone, gone.subject_email, gone.details) == \
        ("", "", "", "")
    assert gone.outcome == "Đã gửi" and gone.kind == "access"
    for kept in (recent, open_id):
        assert db.session.get(DataRequest, kept).subject_phone == "+84903111222"
    assert purge_closed_requests(now) == 0
