"""Retention and purge: once a week's retention period has ended, the personal data of its
visitors is replaced by anonymous placeholders, and every figure the week report uses stays.

A week keeps visitors' personal data for ``personal_data_months`` months after its last day
(12 unless the organiser sets another). ``flask --app exhibit purge-personal-data`` and the
clock's tick then purge, each week in its own transaction:

- visitor and buyer badges (walk-ins included): name, position, organisation, email and search
  words emptied, the phone replaced by ``#<badge id>`` (one live visitor badge per phone and week
  is a unique rule, so the placeholder must differ per badge). The badge's kind, codes, times and
  check-ins stay: visitors per day and per zone count the same;
- exhibitors' leads: name, phone, email, organisation, message, follow-up notes and tags, and the
  visitor's cookie id; source, booth, business and times stay (leads per source and per booth);
- B2B buyers' contact person: name, position, phone, email and notes (the buying organisation
  is a business, not a person, and stays);
- the consent ledger: the subject's name, phone and email (purpose, recipient, text and dates
  stay as evidence that consent was given), marked ``purged_at``; the week's answered
  data-subject requests the same way (requests naming no week, REQUEST_MONTHS after their
  answer);
- messages sent to visitors (about a badge, a lead, a consent or a request): address, subject,
  body, parameters and the idempotency key that names the address (answered requests naming
  no week: their messages with them);
- the audit history of badges, leads, consents, buyers and requests: their before/after values
  of personal fields;
- stored files that hold visitors' names: printed badge sheets of visitors and buyers.

Exhibitors' own staff badges stay: they are the exhibitor's people, not visitors. What a purge
did is audited with counts only. Running it again finds nothing left to do.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import String, cast, literal, or_, select, update

from exhibit.core import audit
from exhibit.core.db import utcnow, write_transaction
from exhibit.extensions import db
from exhibit.media import storage
from exhibit.vn.dates import VIETNAM_TZ
from exhibit.weeks.models import ExhibitionWeek

#: what a purged name reads as
PURGED = "—"
#: audit entries of these records may hold personal values
_PERSONAL_ENTITIES = ("badge", "lead", "consent", "b2b_buyer", "buyer", "data_request", "walk_in")
#: keys whose values are personal in an audit entry's before/after
_PERSONAL_KEYS = {"full_name", "name", "phone", "email", "organisation", "position", "message",
                  "notes", "tags", "contact_name", "contact_position", "contact_phone",
                  "contact_email", "subject_name", "subject_phone", "subject_email", "details",
                  # free text typed about the person, as the entry's note (blanked too)
                  "reason"}
#: messages about these records went to a visitor or a buyer's contact person
_VISITOR_SUBJECTS = ("badge", "lead", "consent", "data_request")
_PEOPLE_KINDS = ("visitor", "buyer")


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day where it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def retention_ends(week: ExhibitionWeek) -> date:
    """The last day the week's visitors' personal data is kept."""
    return add_months(week.end_date, week.personal_data_months)


def is_due(week: ExhibitionWeek, today: date) -> bool:
    return today > retention_ends(week)


@dataclass
class PurgeResult:
    week_id: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def purge_due(now: datetime | None = None, *, again: bool = True) -> list[PurgeResult]:
    """Purge every week whose retention period has ended; what each purge changed. The clock
    passes ``again=False`` and so leaves weeks already purged alone; the command looks at
    every week again (anything added to a purged week since is purged too)."""
    now = now or utcnow()
    today = now.astimezone(VIETNAM_TZ).date()
    query = select(ExhibitionWeek).order_by(ExhibitionWeek.id)
    if not again:
        query = query.where(ExhibitionWeek.personal_data_purged_at.is_(None))
    due = [w.id for w in db.session.scalars(query) if is_due(w, today)]
    db.session.rollback()
    results = [purge_week(week_id, now=now) for week_id in due]
    purge_closed_requests(now)
    return results


#: a request about no particular week (taken by phone, say) is kept this long after its answer
REQUEST_MONTHS = 12


def purge_closed_requests(now: datetime) -> int:
    """Empty the person's details on requests answered more than REQUEST_MONTHS ago that name
    no week (a week's own requests go with its purge). The request, its kind, clocks and
    outcome stay, as the record that it was handled."""
    from exhibit.messaging.models import Message
    from exhibit.privacy.models import DataRequest
    today = now.astimezone(VIETNAM_TZ).date()
    cutoff = add_months(today, -REQUEST_MONTHS)
    answered = select(DataRequest.id).where(
        DataRequest.week_id.is_(None), DataRequest.completed_at.is_not(None),
        DataRequest.completed_at < datetime.combine(cutoff, datetime.min.time(),
                                                    tzinfo=VIETNAM_TZ),
        DataRequest.status.in_(("completed", "refused")))
    with write_transaction():
        # what was sent to the person about them (receipt, answer: their name and address)
        _blank_messages(Message.subject_type == "data_request", Message.subject_id.in_(answered))
        return db.session.execute(
            update(DataRequest).where(
                DataRequest.id.in_(answered),
                or_(DataRequest.subject_name != "", DataRequest.subject_phone != "",
                    DataRequest.subject_email != "", DataRequest.details != ""))
            .values(subject_name="", subject_phone="", subject_email="", details="")
            .execution_options(synchronize_session=False)).rowcount


def _blank_messages(*where) -> int:
    """Empty the address, subject, body and parameters of the messages ``where`` selects, and
    their idempotency key, which names the address a message went to ("…:to-<email>"): each
    becomes "purged-<id>", unique as the column must be. How many were changed."""
    from exhibit.messaging.models import Message
    purged_key = literal("purged-").concat(cast(Message.id, String))
    return db.session.execute(
        update(Message).where(*where, or_(Message.address != "", Message.body_text != "",
                                          Message.subject != "",
                                          Message.idempotency_key != purged_key))
        .values(address="", subject="", body_text="", body_html="", params={},
                idempotency_key=purged_key)
        .execution_options(synchronize_session=False)).rowcount


def purge_week(week_id: int, *, now: datetime | None = None) -> PurgeResult:
    """Replace the week's personal data with placeholders, in one transaction. Safe to run
    twice: the second run counts nothing."""
    from exhibit.b2b.models import Buyer
    from exhibit.badges.models import Badge, PrintJob
    from exhibit.messaging.models import Message
    from exhibit.privacy.models import Consent, DataRequest
    from exhibit.visitors.models import Lead

    now = now or utcnow()
    result = PurgeResult(week_id)
    files: list[str] = []
    with write_transaction():
        week = db.session.get(ExhibitionWeek, week_id, with_for_update=True)
        counts = result.counts
        counts["badges"] = db.session.execute(
            update(Badge).where(Badge.week_id == week_id, Badge.kind.in_(_PEOPLE_KINDS),
                                or_(Badge.full_name != PURGED, Badge.email != "",
                                    Badge.organisation != "", Badge.position != ""))
            .values(full_name=PURGED, position="", organisation="", email="", search_text="",
                    phone=literal("#").concat(cast(Badge.id, String)), changed_at=now)
            .execution_options(synchronize_session=False)).rowcount
        counts["leads"] = db.session.execute(
            update(Lead).where(Lead.week_id == week_id,
                               or_(Lead.full_name != PURGED, Lead.phone != "", Lead.email != "",
                                   Lead.organisation != "", Lead.message != "",
                                   Lead.notes != "", Lead.tags != "", Lead.visitor_key != ""))
            .values(full_name=PURGED, phone="", email="", organisation="", message="", notes="",
                    tags="", visitor_key="")
            .execution_options(synchronize_session=False)).rowcount
        counts["buyer_contacts"] = db.session.execute(
            update(Buyer).where(Buyer.week_id == week_id,
                                or_(Buyer.contact_name != PURGED, Buyer.contact_phone != "",
                                    Buyer.contact_email != "", Buyer.contact_position != "",
                                    Buyer.notes != ""))
            .values(contact_name=PURGED, contact_position="", contact_phone="",
                    contact_email="", notes="")
            .execution_options(synchronize_session=False)).rowcount
        counts["consents"] = db.session.execute(
            update(Consent).where(Consent.week_id == week_id, Consent.purged_at.is_(None))
            .values(subject_name="", subject_phone="", subject_email="", purged_at=now)
            .execution_options(synchronize_session=False)).rowcount
        counts["requests"] = db.session.execute(
            update(DataRequest).where(DataRequest.week_id == week_id,
                                      DataRequest.status.in_(("completed", "refused")),
                                      or_(DataRequest.subject_name != "",
                                          DataRequest.subject_phone != "",
                                          DataRequest.subject_email != "",
                                          DataRequest.details != ""))
            .values(subject_name="", subject_phone="", subject_email="", details="")
            .execution_options(synchronize_session=False)).rowcount
        counts["messages"] = _blank_messages(Message.week_id == week_id,
                                             Message.subject_type.in_(_VISITOR_SUBJECTS))
        counts["history"] = _scrub_history(week_id)
        jobs = db.session.scalars(select(PrintJob).where(
            PrintJob.week_id == week_id, PrintJob.kind.in_(_PEOPLE_KINDS),
            PrintJob.file_key != "")).all()
        for job in jobs:
            files.append(job.file_key)
            job.file_key = ""
        counts["files"] = len(files)
        if result.total:
            week.personal_data_purged_at = now
            audit.record("week", week_id, "purge_personal_data", week_id=week_id,
                         after=dict(counts))
    # the rows no longer name the files: delete them once that is committed
    storage.delete(*files)
    return result


def _scrub_history(week_id: int) -> int:
    """Blank the personal values in the audit history of the week's people records."""
    from exhibit.core.audit import AuditEntry
    return _scrub(db.session.scalars(select(AuditEntry).where(
        AuditEntry.week_id == week_id, AuditEntry.entity.in_(_PERSONAL_ENTITIES))).all())


def scrub_history_of(records: dict[str, list[int]]) -> int:
    """Blank the personal values in the audit history of these records ({entity: ids}, e.g.
    a person's badges and leads, for a deletion request: privacy/desk.py); how many entries
    changed."""
    from exhibit.core.audit import AuditEntry
    wanted = [AuditEntry.entity_id.in_(ids) & (AuditEntry.entity == entity)
              for entity, ids in records.items() if ids and entity in _PERSONAL_ENTITIES]
    if not wanted:
        return 0
    return _scrub(db.session.scalars(select(AuditEntry).where(or_(*wanted))).all())


def _scrub(entries) -> int:
    scrubbed = 0
    for entry in entries:
        changed = False
        for side in ("before", "after"):
            values = getattr(entry, side)
            if not values:
                continue
            clean = {k: (PURGED if k in _PERSONAL_KEYS and v not in ("", None, PURGED) else v)
                     for k, v in values.items()}
            if clean != values:
                setattr(entry, side, clean)
                changed = True
        if entry.note and entry.entity in _PERSONAL_ENTITIES:
            entry.note = None
            changed = True
        scrubbed += changed
    return scrubbed
