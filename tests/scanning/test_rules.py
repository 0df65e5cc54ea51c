"""The rules of a gate scan (scanning.decide) and of a week's zones (scanning.zones): every
refusal with its reason and words, entries and exits with the headcount, nonces, flags, and the
first scan winning when a queued scan arrives late."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import delete, func, select

from exhibit.scanning import checkin
from exhibit.badges.models import CheckIn, GateScan
from exhibit.badges.services import add_badge, revoke_badge
from exhibit.core.audit import AuditEntry
from exhibit.core.db import utcnow
from exhibit.core.errors import Forbidden, ValidationFailed
from exhibit.extensions import db
from exhibit.scanning import decide, zones
from exhibit.scanning.models import Zone, ZonePresence
from tests.conftest import race
from tests.scanning.conftest import make_device, nonce, register, vietnam


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def presence(zone, badge, day) -> ZonePresence | None:
    return db.session.scalar(select(ZonePresence).where(
        ZonePresence.zone_id == zone.id, ZonePresence.badge_id == badge.id,
        ZonePresence.day == day).execution_options(populate_existing=True))


def english(result) -> str:
    """A scan's answer in English words (the Vietnamese ones come from the catalogue)."""
    with force_locale("en"):
        return result.message


def zone(organiser, week, name: str, **rules):
    return zones.create_zone(actor=organiser, week=week, data={"name": name, **rules})


# -- the default zone ------------------------------------------------------------------------------

def test_every_week_has_one_default_zone_the_exhibition_hall(running_week, organiser):
    hall = zones.default_zone(running_week)
    assert (hall.name, hall.mode, hall.multiple_entries, hall.is_default) == (
        "Khu trưng bày", "entry", False, True)
    assert hall.kind_list == [] and hall.day_list == []
    assert zones.default_zone(running_week).id == hall.id
    b2b = zone(organiser, running_week, "Phòng B2B", position=1)
    conference = zone(organiser, running_week, "Hội thảo", position=0)
    assert [z.id for z in zones.week_zones(running_week)] == [hall.id, conference.id, b2b.id]


def test_a_new_week_has_its_hall_and_reading_never_writes(running_week, organiser):
    from exhibit.weeks.services import create_week
    week = create_week(actor=organiser, data={
        "name_vi": "Tuần lễ mới", "slug": "tuan-le-moi", "host_province_scheme": "2025",
        "host_province_code": "79", "venue_name": "ITPC",
        "start_date": running_week.start_date, "end_date": running_week.end_date})
    stored = db.session.scalars(select(Zone).where(Zone.week_id == week.id)).all()
    assert [(z.name, z.is_default) for z in stored] == [("Khu trưng bày", True)]
    # a week from before zones: the pages that read show a stand-in and store nothing
    db.session.execute(delete(Zone).where(Zone.week_id == week.id))
    db.session.commit()
    [stand_in] = zones.week_zones(week)
    assert stand_in.id is None and stand_in.is_default and stand_in.name == "Khu trưng bày"
    [figures] = zones.zone_counts(week, week.start_date)
    [visits] = zones.visits_by_zone(week)
    assert (figures.entries, figures.inside, visits.visits) == (0, 0, 0)
    assert count(Zone, Zone.week_id == week.id) == 0
    # an organiser's change to it stores it
    saved = zones.update_zone(actor=organiser, zone=stand_in,
                              data={"name": "Sảnh chính", "mode": "entry_exit"})
    assert saved.id is not None and saved.is_default and saved.name == "Sảnh chính"
    assert count(Zone, Zone.week_id == week.id) == 1


def test_two_requests_making_the_default_zone_at_once_make_one(app, running_week):
    week_id = running_week.id
    db.session.execute(delete(Zone).where(Zone.week_id == week_id))  # a week from before zones
    db.session.commit()

    def ask(_i):
        from exhibit.weeks.models import ExhibitionWeek
        return zones.default_zone(db.session.get(ExhibitionWeek, week_id)).id

    answers = race(app, ask, 6)
    db.session.commit()  # a fresh look at what the threads committed
    assert all(isinstance(a, int) for a in answers), answers
    assert len(set(answers)) == 1
    assert count(Zone, Zone.week_id == week_id) == 1


# -- refusals --------------------------------------------------------------------------------------

def test_every_refusal_has_its_reason_and_its_own_words(running_week, organiser, gate, today):
    hall = zones.default_zone(running_week)
    visitor = register(running_week, "Lê Thị Mai")
    revoked = register(running_week, "Vũ Minh")
    revoke_badge(actor=organiser, badge=revoked, reason="Đăng ký trùng")
    tomorrow_only = zone(organiser, running_week, "Lễ ký kết",
                         days=[(today + timedelta(days=1)).isoformat()])
    buyers_only = zone(organiser, running_week, "Phòng B2B", badge_kinds=["buyer"])
    with_exits = zone(organiser, running_week, "Hội thảo", mode="entry_exit")

    def at(scanner, code, **kw):
        return decide.scan(scanner=scanner, code=code, nonce=nonce(), **kw)

    answers = {
        "unknown": at(gate, "khongcoma1234"),
        "revoked": at(gate, revoked.entry_code),
        "contact_code": at(gate, visitor.contact_code),
        "not_running": at(gate, visitor.entry_code,
                          scanned_at=vietnam(running_week.start_date - timedelta(days=2), 10)),
        "wrong_day": at(organiser, visitor.entry_code, zone=tomorrow_only),
        "kind_not_allowed": at(organiser, visitor.entry_code, zone=buyers_only),
        "not_inside": at(organiser, visitor.entry_code, zone=with_exits, direction="out"),
        "exits_not_used": at(gate, visitor.entry_code, direction="out"),
    }
    for reason, result in answers.items():
        assert (result.status, result.reason) == ("invalid", reason), (reason, result)
    words = {reason: english(result) for reason, result in answers.items()}
    assert len(set(words.values())) == len(words), words
    assert words["revoked"] == "This badge was revoked."
    assert words["wrong_day"] == "This zone is closed today."
    assert words["kind_not_allowed"] == "Visitors may not enter here."
    assert words["not_inside"] == "This badge has not entered, so it cannot leave."
    assert words["exits_not_used"] == "This zone counts entries only: exits are not scanned here."
    # nothing refused was counted anywhere, and every refusal was recorded with its scanner
    assert count(CheckIn) == 0 and count(ZonePresence) == 0
    assert count(GateScan, GateScan.result == "invalid") == len(answers)
    assert count(GateScan, GateScan.device_id == gate.id, GateScan.zone_id == hall.id) == 5


def test_a_scan_from_a_device_with_a_wrong_clock_is_counted_at_its_arrival_and_flagged(
        running_week, gate, badges):
    """Someone was let in, whatever the phone's clock said: the scan is never lost."""
    now = utcnow()
    wrong = {"ahead": now + timedelta(minutes=6),
             "never_set": vietnam(running_week.start_date - timedelta(days=15), 10),
             "next_year": now + timedelta(days=365)}
    answers = {name: decide.scan(scanner=gate, code=badge.entry_code, nonce=nonce(),
                                 scanned_at=moment, device_answer="ok", now=now)
               for (name, moment), badge in zip(wrong.items(), badges)}
    for name, result in answers.items():
        assert (result.status, result.flag, result.scanned_at) == ("ok", "clock", now), name
        stored = db.session.scalar(select(GateScan).where(GateScan.nonce == result.nonce))
        assert (stored.scanned_at, stored.received_at, stored.flag) == (now, now, "clock")
    assert set(db.session.scalars(select(CheckIn.first_at))) == {now}
    assert count(CheckIn) == 3
    # scanned again from the same wrong clock: already in, and still flagged for its clock
    again = decide.scan(scanner=gate, code=badges[0].entry_code, nonce=nonce(),
                        scanned_at=now + timedelta(hours=2), device_answer="ok", now=now)
    assert (again.status, again.flag) == ("already_checked_in", "clock")
    # a device clock a little ahead keeps its own time
    ahead = decide.scan(scanner=gate, code=badges[3].entry_code, nonce=nonce(),
                        scanned_at=now + timedelta(minutes=4), now=now)
    assert (ahead.status, ahead.flag, ahead.scanned_at) == ("ok", "", now + timedelta(minutes=4))
    assert count(GateScan) == 5


def test_a_device_scans_only_its_own_week_and_zone(running_week, organiser, gate, open_week,
                                                  lead_device, badges):
    from exhibit.scanning.models import ScanDevice
    from exhibit.weeks.services import create_week
    other = create_week(actor=organiser, data={
        "name_vi": "Tuần lễ khác", "slug": "tuan-le-khac", "host_province_scheme": "2025",
        "host_province_code": "79", "venue_name": "ITPC",
        "start_date": running_week.start_date, "end_date": running_week.end_date,
        "status": "open"})
    stranger = register(other, "Khách tuần khác")
    assert decide.scan(scanner=gate, code=stranger.entry_code, nonce=nonce()).reason == "unknown"
    assert decide.scan(scanner=gate, code=stranger.contact_code, nonce=nonce()).reason == "unknown"
    # the organiser (a signed-in user) may scan either week's badges at the default zone
    assert decide.scan(scanner=organiser, code=stranger.entry_code, nonce=nonce()).status == "ok"
    b2b = zone(organiser, running_week, "Phòng B2B")
    with pytest.raises(Forbidden):
        decide.scan(scanner=gate, code=badges[0].entry_code, nonce=nonce(), zone=b2b)
    with pytest.raises(Forbidden):
        decide.scan(scanner=lead_device, code=badges[0].entry_code, nonce=nonce())
    # a user scanning into a zone of one week does not let another week's badge in
    assert decide.scan(scanner=organiser, code=stranger.entry_code, nonce=nonce(),
                       zone=b2b).reason == "unknown"
    device = db.session.get(ScanDevice, gate.id)
    device.revoked_at = utcnow()
    db.session.commit()
    with pytest.raises(decide.DeviceRevoked) as refused:
        decide.scan(scanner=device, code=badges[0].entry_code, nonce=nonce())
    assert refused.value.status == 403 and refused.value.code == "device_revoked"


def test_an_exhibitor_may_not_scan_at_the_gate(running_week, confirmed_exhibitor, badges):
    exhibitor = confirmed_exhibitor()
    with pytest.raises(Forbidden):
        checkin.check_in(actor=exhibitor, code=badges[0].entry_code, nonce=nonce())


# -- entries, exits and the headcount --------------------------------------------------------------

def test_the_first_entry_of_a_day_into_the_hall_is_the_one_check_in(running_week, organiser,
                                                                    entrance_user, gate, badges):
    badge = badges[0]
    first = checkin.check_in(actor=entrance_user, code=badge.entry_code, nonce=nonce())
    again = decide.scan(scanner=gate, code=badge.entry_code, nonce=nonce())
    assert first.status == "ok" and first.message == "Đã check-in."
    assert again.status == "already_checked_in" and again.checkin_id == first.checkin_id
    assert count(CheckIn, CheckIn.badge_id == badge.id) == 1
    row = presence(zones.default_zone(running_week), badge,
                   db.session.get(CheckIn, first.checkin_id).day)
    assert (row.entries, row.inside) == (1, False)


def test_an_entries_only_zone_lets_a_badge_in_once_a_day_unless_it_allows_more(
        running_week, organiser, badges):
    once = zone(organiser, running_week, "Lễ ký kết")
    often = zone(organiser, running_week, "Phòng trưng bày phụ", multiple_entries=True)
    badge = badges[0]
    first = decide.scan(scanner=organiser, code=badge.entry_code, nonce=nonce(), zone=once)
    second = decide.scan(scanner=organiser, code=badge.entry_code, nonce=nonce(), zone=once)
    assert first.status == "ok" and english(first) == "Entered Lễ ký kết."
    assert second.status == "already_checked_in" and second.flag == "repeat"
    assert english(second).startswith("Already entered Lễ ký kết at ")
    for _ in range(3):
        assert decide.scan(scanner=organiser, code=badge.entry_code, nonce=nonce(),
                           zone=often).status == "ok"
    [hall_count, once_count, often_count] = zones.zone_counts(running_week, _today())
    assert (once_count.entries, once_count.people, once_count.inside) == (1, 1, 1)
    assert (often_count.entries, often_count.people, often_count.inside) == (3, 1, 1)
    assert hall_count.entries == 0
    # a zone is not the hall: no check-in
    assert count(CheckIn) == 0


def _today():
    from exhibit.vn.dates import to_vietnam_time
    return to_vietnam_time(utcnow()).date()


def test_entries_and_exits_keep_who_is_inside(running_week, organiser, badges):
    conference = zone(organiser, running_week, "Hội thảo", mode="entry_exit")
    b2b = zone(organiser, running_week, "Phòng B2B", mode="entry_exit", multiple_entries=True)

    def scan(badge, where, direction="in"):
        return decide.scan(scanner=organiser, code=badge.entry_code, nonce=nonce(), zone=where,
                           direction=direction)

    a, b, c = badges[:3]
    assert scan(a, conference).status == "ok"
    assert scan(b, conference).status == "ok"
    assert scan(a, conference).status == "already_checked_in"  # inside already
    left = scan(a, conference, "out")
    assert left.status == "ok" and english(left) == "Exit recorded."
    assert scan(a, conference, "out").reason == "not_inside"
    assert scan(a, conference).status == "already_checked_in"  # once a day: no re-entry
    assert scan(c, conference, "out").reason == "not_inside"

    assert scan(a, b2b).status == "ok"
    assert scan(a, b2b).status == "already_checked_in"  # inside: not a second entry
    assert scan(a, b2b, "out").status == "ok"
    assert scan(a, b2b).status == "ok"  # re-entry after leaving, counted
    assert scan(c, b2b).status == "ok"

    counts = {c.zone.name: c for c in zones.zone_counts(running_week, _today())}
    assert (counts["Hội thảo"].inside, counts["Hội thảo"].entries,
            counts["Hội thảo"].people) == (1, 2, 2)
    assert (counts["Phòng B2B"].inside, counts["Phòng B2B"].entries,
            counts["Phòng B2B"].people) == (2, 3, 2)
    row = presence(b2b, a, _today())
    assert (row.entries, row.exits, row.inside) == (2, 1, True)
    visits = {v.zone.name: (v.visits, v.people) for v in zones.visits_by_zone(running_week)}
    assert visits == {"Khu trưng bày": (0, 0), "Hội thảo": (2, 2), "Phòng B2B": (3, 2)}


def test_counts_by_hour_are_in_vietnam_time_and_the_hall_counts_check_ins(running_week,
                                                                           organiser, badges):
    day = running_week.start_date  # yesterday: whole hours are in the past
    conference = zone(organiser, running_week, "Hội thảo", mode="entry_exit")
    checkin.check_in(actor=organiser, code=badges[0].entry_code, nonce=nonce(),
                     now=vietnam(day, 8, 5))
    checkin.check_in(actor=organiser, code=badges[1].entry_code, nonce=nonce(),
                     now=vietnam(day, 8, 59))
    checkin.check_in(actor=organiser, code=badges[2].entry_code, nonce=nonce(),
                     now=vietnam(day, 23, 30))
    checkin.check_in(actor=organiser, code=badges[0].entry_code, nonce=nonce(),
                     now=vietnam(day, 10))  # already in: not an entry
    decide.scan(scanner=organiser, code=badges[0].entry_code, nonce=nonce(), zone=conference,
                scanned_at=vietnam(day, 14, 10), now=vietnam(day, 15))
    hall, talks = zones.zone_counts(running_week, day)
    assert hall.by_hour[8] == 2 and hall.by_hour[23] == 1 and sum(hall.by_hour) == 3
    assert (hall.entries, hall.people, hall.inside) == (3, 3, 3)
    assert talks.by_hour[14] == 1 and talks.busiest_hours == [(14, 1)]
    assert talks.inside == 1
    # the next day starts empty
    assert [c.entries for c in zones.zone_counts(running_week, day + timedelta(days=1))] == [0, 0]


def test_counts_read_a_fixed_number_of_queries_whatever_the_number_of_zones(running_week,
                                                                            organiser, badges):
    from tests.querycount import counted_queries
    numbers = []
    for n in range(2):
        for k in range(4):
            zone(organiser, running_week, f"Phòng {n}-{k}", mode="entry_exit")
        for where in zones.week_zones(running_week):
            decide.scan(scanner=organiser, code=badges[n].entry_code, nonce=nonce(), zone=where)
        with counted_queries() as statements:
            zones.zone_counts(running_week, _today())
            zones.visits_by_zone(running_week)
        numbers.append(len(statements))
    assert numbers[0] == numbers[1], numbers


# -- nonces, flags and late scans ------------------------------------------------------------------

def test_a_replayed_nonce_gets_the_first_answer_and_counts_nothing(running_week, organiser,
                                                                   gate, badges):
    conference = zone(organiser, running_week, "Hội thảo", multiple_entries=True)
    same = nonce()
    first = decide.scan(scanner=organiser, code=badges[0].entry_code, nonce=same,
                        zone=conference)
    replay = decide.scan(scanner=organiser, code=badges[0].entry_code, nonce=same,
                         zone=conference)
    assert (replay.status, english(replay)) == (first.status, english(first)) == (
        "ok", "Entered Hội thảo.")
    assert presence(conference, badges[0], _today()).entries == 1
    # the same nonce from another scanner is its own scan
    device_nonce = nonce()
    at_gate = decide.scan(scanner=gate, code=badges[1].entry_code, nonce=device_nonce)
    again = decide.scan(scanner=gate, code=badges[1].entry_code, nonce=device_nonce)
    assert at_gate.status == again.status == "ok" and again.checkin_id == at_gate.checkin_id
    assert count(GateScan) == 2 and count(CheckIn) == 1


def test_a_second_device_is_flagged_other_device_and_a_repeat_is_flagged_repeat(
        running_week, gate, second_gate, badges):
    badge = badges[0]
    first = decide.scan(scanner=gate, code=badge.entry_code, nonce=nonce())
    repeat = decide.scan(scanner=gate, code=badge.entry_code, nonce=nonce(),
                         device_answer="already_checked_in")
    other = decide.scan(scanner=second_gate, code=badge.entry_code, nonce=nonce(),
                        device_answer="ok")
    assert (first.status, first.flag) == ("ok", "")
    assert (repeat.status, repeat.flag) == ("already_checked_in", "repeat")
    assert (other.status, other.flag) == ("already_checked_in", "other_device")
    assert count(CheckIn) == 1
    flags = dict(db.session.execute(select(GateScan.device_id, GateScan.flag).where(
        GateScan.flag != "")).all())
    assert flags == {gate.id: "repeat", second_gate.id: "other_device"}


def test_a_device_answer_the_server_does_not_share_is_flagged_disagreed(running_week,
                                                                         organiser, gate,
                                                                         badges):
    badge = badges[0]
    revoke_badge(actor=organiser, badge=badge, reason="Mất thẻ")  # after the device's snapshot
    offline_ok = decide.scan(scanner=gate, code=badge.entry_code, nonce=nonce(),
                             device_answer="ok")
    assert (offline_ok.status, offline_ok.reason, offline_ok.flag) == ("invalid", "revoked",
                                                                       "disagreed")
    agreed = decide.scan(scanner=gate, code=badges[1].entry_code, nonce=nonce(),
                         device_answer="ok")
    assert agreed.flag == ""
    stored = db.session.scalar(select(GateScan).where(GateScan.nonce == offline_ok.nonce))
    assert (stored.device_answer, stored.flag, stored.received_at is not None) == (
        "ok", "disagreed", True)


def test_a_late_scan_keeps_its_time_and_moves_the_check_in_back(running_week, organiser,
                                                                gate, badges):
    badge = badges[0]
    now = utcnow()
    online = checkin.check_in(actor=organiser, code=badge.entry_code, nonce=nonce())
    queued_at = now - timedelta(minutes=40)
    late = decide.scan(scanner=gate, code=badge.entry_code, nonce=nonce(),
                       scanned_at=queued_at, device_answer="ok")
    # the real first entry: not "another device let it in" — it arrived late
    assert late.status == "already_checked_in" and late.flag == "late"
    assert late.first_at == queued_at
    row = db.session.scalar(select(CheckIn).execution_options(populate_existing=True))
    assert row.first_at == queued_at and row.id == online.checkin_id
    assert count(CheckIn) == 1
    stored = db.session.scalar(select(GateScan).where(GateScan.nonce == late.nonce))
    assert stored.scanned_at == queued_at and stored.received_at >= now
    hall = zones.default_zone(running_week)
    assert presence(hall, badge, row.day).first_entry_at == queued_at
    # a scan made later than the check-in leaves its time alone, and is the repeat it is
    repeat = decide.scan(scanner=gate, code=badge.entry_code, nonce=nonce(),
                         scanned_at=now - timedelta(minutes=10))
    assert repeat.flag == "repeat"
    assert db.session.scalar(select(CheckIn.first_at)) == queued_at
    # the online scan keeps the answer it was given
    assert db.session.execute(select(GateScan.result, GateScan.flag).where(
        GateScan.scanned_by_id == organiser.id)).one() == ("ok", "")


def test_entries_per_hour_count_a_late_first_entry_at_its_own_time(running_week, organiser,
                                                                   gate, badges):
    """A queued scan from 08:50 arrives after another gate let the badge in at 09:10: the
    check-in is at 08:50, and so is the hall's entry in the hours; further entries of a zone
    that lets a badge in again count at their own times."""
    day = running_week.start_date  # yesterday: whole hours are in the past
    badge = badges[0]
    checkin.check_in(actor=organiser, code=badge.entry_code, nonce=nonce(),
                     now=vietnam(day, 9, 10))
    late = decide.scan(scanner=gate, code=badge.entry_code, nonce=nonce(),
                       scanned_at=vietnam(day, 8, 50), device_answer="ok",
                       now=vietnam(day, 11))
    assert (late.status, late.flag) == ("already_checked_in", "late")
    hall = zones.zone_counts(running_week, day)[0]
    assert db.session.scalar(select(CheckIn.first_at)) == vietnam(day, 8, 50)
    assert hall.busiest_hours == [(8, 1)] and (hall.entries, hall.people) == (1, 1)

    often = zone(organiser, running_week, "Phòng trưng bày phụ", multiple_entries=True)
    door = make_device(running_week, zone=often, name="Cửa phòng phụ")
    for hour, minute in ((14, 10), (15, 20)):
        decide.scan(scanner=organiser, code=badge.entry_code, nonce=nonce(), zone=often,
                    now=vietnam(day, hour, minute))
    queued = decide.scan(scanner=door, code=badge.entry_code, nonce=nonce(),
                         scanned_at=vietnam(day, 13, 50), now=vietnam(day, 16))
    assert queued.status == "ok"
    counted = zones.zone_counts(running_week, day)[1]
    assert counted.busiest_hours == [(13, 1), (14, 1), (15, 1)] and counted.entries == 3


def test_a_late_scan_is_counted_but_never_changes_who_is_inside(running_week, organiser,
                                                                badges):
    """Inside or not is the latest scan's to say: an entry (or exit) queued offline and made
    before it counts, and leaves it as it was."""
    b2b = zone(organiser, running_week, "Phòng B2B", mode="entry_exit", multiple_entries=True)
    door = make_device(running_week, zone=b2b, name="Cửa B2B")
    now = utcnow()
    a, b = badges[:2]

    def online(badge, direction, minutes_ago):
        return decide.scan(scanner=organiser, code=badge.entry_code, nonce=nonce(), zone=b2b,
                           direction=direction, now=now - timedelta(minutes=minutes_ago))

    def queued(badge, direction, minutes_ago):
        return decide.scan(scanner=door, code=badge.entry_code, nonce=nonce(),
                           direction=direction, scanned_at=now - timedelta(minutes=minutes_ago),
                           now=now)

    # a went in at -60 and out at -10 at the organiser's gate; the door's queue says it also
    # came in at -40 and left at -30: counted, and a is still out
    assert online(a, "in", 60).status == online(a, "out", 10).status == "ok"
    assert queued(a, "in", 40).status == "ok"
    row = presence(b2b, a, _today())
    assert (row.entries, row.exits, row.inside) == (2, 1, False)
    assert queued(a, "out", 30).status == "ok"
    row = presence(b2b, a, _today())
    assert (row.entries, row.exits, row.inside, row.last_at) == (
        2, 2, False, now - timedelta(minutes=10))
    # a late exit of a badge that had left as often as it entered is refused
    assert queued(a, "out", 70).reason == "not_inside"
    assert queued(a, "out", 20).reason == "not_inside"

    # b went in at -50: an exit queued from -55 is before its entry (refused); one from -45
    # is later than anything the zone knew of b, so it is the one that says b is out
    assert online(b, "in", 50).status == "ok"
    assert queued(b, "out", 55).reason == "not_inside"
    assert queued(b, "out", 45).status == "ok"
    assert presence(b2b, b, _today()).inside is False
    figures = {c.zone.name: c for c in zones.zone_counts(running_week, _today())}
    assert figures["Phòng B2B"].inside == 0


# -- organisers' zones -----------------------------------------------------------------------------

def test_zone_rules_are_checked_field_by_field(running_week, organiser):
    bad = [
        ({"name": ""}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"name": "Phòng B2B", "badge_kinds": ["visitor", "vip"]}, "badge_kinds"),
        ({"name": "Phòng B2B", "days": [(running_week.end_date + timedelta(days=1)).isoformat()]},
         "days"),
        ({"name": "Phòng B2B", "days": "thứ hai"}, "days"),
        ({"name": "Phòng B2B", "mode": "both"}, "mode"),
    ]
    for data, field in bad:
        with pytest.raises(ValidationFailed) as refused:
            zones.create_zone(actor=organiser, week=running_week, data=data)
        assert field in refused.value.fields, (data, refused.value.fields)
    created = zone(organiser, running_week, "Phòng B2B", badge_kinds="buyer,organiser",
                   days=[running_week.start_date], mode="entry_exit", multiple_entries="on")
    assert (created.kind_list, created.day_list, created.mode, created.multiple_entries) == (
        ["buyer", "organiser"], [running_week.start_date], "entry_exit", True)
    for name in ("phòng b2b", "Khu trưng bày"):
        with pytest.raises(ValidationFailed) as refused:
            zone(organiser, running_week, name)
        assert refused.value.code == "validation_failed" and "name" in refused.value.fields
    # every kind and every day ticked is the same as none
    everyone = zone(organiser, running_week, "Hội thảo",
                    badge_kinds=["visitor", "buyer", "staff", "organiser"],
                    days=[d.isoformat() for d in running_week.days])
    assert (everyone.badge_kinds, everyone.days) == ("", "")


def test_only_the_weeks_organisers_change_zones_and_every_change_is_audited(
        running_week, organiser, entrance_user, confirmed_exhibitor):
    from exhibit.accounts.services import create_organiser_user
    stranger = create_organiser_user(email="khac@itpc.example", password="thanhlong2024",
                                     organizer_name="Sở Công Thương khác",
                                     organizer_short_name="SCT")
    for actor in (stranger, entrance_user, confirmed_exhibitor()):
        with pytest.raises(Forbidden):
            zones.create_zone(actor=actor, week=running_week, data={"name": "Phòng B2B"})
    created = zone(organiser, running_week, "Phòng B2B")
    with pytest.raises(Forbidden):
        zones.update_zone(actor=stranger, zone=created, data={"name": "Phòng họp"})
    updated = zones.update_zone(actor=organiser, zone=created, data={
        "name": "Phòng B2B tầng 2", "mode": "entry_exit"})
    assert (updated.name, updated.mode) == ("Phòng B2B tầng 2", "entry_exit")
    hall = zones.default_zone(running_week)
    zones.update_zone(actor=organiser, zone=hall, data={"name": "Sảnh chính",
                                                        "badge_kinds": ["visitor"]})
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "zone")
                                 .order_by(AuditEntry.id)).all()
    assert [(e.entity_id, e.action) for e in entries] == [
        (created.id, "create"), (created.id, "update"), (hall.id, "update")]
    assert entries[1].before == {"name": "Phòng B2B", "mode": "entry"}
    assert entries[1].after == {"name": "Phòng B2B tầng 2", "mode": "entry_exit"}
    assert all(e.actor_id == organiser.id and e.week_id == running_week.id for e in entries)
    assert zones.default_zone(running_week).is_default


def test_the_halls_rules_apply_to_the_gate(running_week, organiser, badges):
    buyer = add_badge(actor=organiser, week=running_week, kind="buyer",
                      data={"full_name": "Ông Tanaka", "organisation": "Aeon"})
    zones.update_zone(actor=organiser, zone=zones.default_zone(running_week),
                      data={"name": "Khu trưng bày", "badge_kinds": ["buyer"]})
    refused = checkin.check_in(actor=organiser, code=badges[0].entry_code, nonce=nonce())
    assert (refused.status, refused.reason) == ("invalid", "kind_not_allowed")
    assert english(refused) == "Visitors may not enter here."
    assert checkin.check_in(actor=organiser, code=buyer.entry_code, nonce=nonce()).status == "ok"


def test_two_devices_letting_one_badge_in_at_once_count_it_once(app, running_week, organiser,
                                                                badges):
    devices = [make_device(running_week, name=f"Cổng {n}") for n in range(4)]
    ids, code = [d.id for d in devices], badges[0].entry_code

    def scan(i):
        from exhibit.scanning.models import ScanDevice
        result = decide.scan(scanner=db.session.get(ScanDevice, ids[i]), code=code,
                             nonce=nonce("race"), device_answer="ok")
        return result.status, result.flag

    answers = race(app, scan, len(ids))
    db.session.commit()
    assert sorted(answers) == [("already_checked_in", "other_device")] * 3 + [("ok", "")], answers
    assert count(CheckIn) == 1
    assert presence(zones.default_zone(running_week), badges[0], _today()).entries == 1
