"""The requests desk: a data subject's requests to an organiser (see, correct, delete, stop
processing, withdraw consent), with the clocks the 2026 law sets, forwarded to every exhibitor
that holds the person's contact, and answered through the outbox.

The clocks (../shared/DOMAIN.md §10):

- acknowledge within ACK_WORKING_DAYS working days (Monday to Friday, Vietnam time,
  exhibit/vn/workdays.py). Public holidays are not counted out: no holiday table exists in the
  shared data (their dates move with the lunar calendar and the government's yearly decisions);
  ``HOLIDAYS`` is where a known list goes;
- complete within DUE_DAYS days, or DUE_DAYS_EXHIBITORS where exhibitors must act too (a
  deletion or stop request, when an exhibitor holds the person's contact);
- one extension of at most EXTENSION_MAX_DAYS days, with a reason.

Every change is audited (entity "data_request", ids and codes only: no personal data in the
audit) and the person hears through the outbox: a receipt (``privacy.request_received``) and
the final answer (``privacy.request_completed``); exhibitors a task (``privacy.task_forwarded``).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import case, func, or_, select

from exhibit.accounts.services import normalize_email
from exhibit.core import audit
from exhibit.core.db import in_write_transaction, lock_row, utcnow, write_transaction
from exhibit.core.errors import Conflict, NotFound, ValidationFailed
from exhibit.core.links import public_url
from exhibit.extensions import db
from exhibit.privacy.models import DataRequest, DataRequestTask, RequestKind, RequestStatus
from exhibit.vn.dates import format_moment
from exhibit.vn.phones import InvalidPhone, normalize_phone
from exhibit.vn.text import clean_text
from exhibit.vn.workdays import add_working_days
from exhibit.weeks.models import ExhibitionWeek, Organizer

ACK_WORKING_DAYS = 2
DUE_DAYS = 15
DUE_DAYS_EXHIBITORS = 20
EXTENSION_MAX_DAYS = 15
#: requests due within this long are "due soon" on the desk
DUE_SOON = timedelta(days=2)
#: the clock reminds the organiser this long before a request's deadline (and once if missed)
REMIND_BEFORE = timedelta(hours=24)
#: Vietnamese public holidays known to the desk (none: see the module's docstring)
HOLIDAYS: frozenset[date] = frozenset()
#: what a deleted name reads as (the purge writes the same, exhibit/privacy/purge.py)
DELETED = "—"
VIA = ("privacy_page", "staff")
_OPEN = (RequestStatus.RECEIVED.value, RequestStatus.ACKNOWLEDGED.value,
         RequestStatus.FORWARDED.value)


# ---------------------------------------------------------------------------- the clocks

def acknowledge_due(received_at: datetime) -> datetime:
    return add_working_days(received_at, ACK_WORKING_DAYS, HOLIDAYS)


def completion_due(received_at: datetime, *, exhibitors_act: bool) -> datetime:
    return received_at + timedelta(days=DUE_DAYS_EXHIBITORS if exhibitors_act else DUE_DAYS)


def is_ack_overdue(request: DataRequest, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return (request.is_open and request.acknowledged_at is None
            and now > request.acknowledge_due)


def is_overdue(request: DataRequest, now: datetime | None = None) -> bool:
    """Either clock passed while the request is open."""
    now = now or utcnow()
    return request.is_open and (now > request.due_at or is_ack_overdue(request, now))


def is_due_soon(request: DataRequest, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return request.is_open and not is_overdue(request, now) and (
        request.due_at - now <= DUE_SOON
        or (request.acknowledged_at is None and request.acknowledge_due - now <= DUE_SOON / 2))


def _overdue_clause(now: datetime):
    return or_(DataRequest.due_at < now,
               (DataRequest.acknowledged_at.is_(None)) & (DataRequest.acknowledge_due < now))


# ---------------------------------------------------------------------------- who holds it

def _subject_filter(phone_column, email_column, phone: str, email: str):
    clauses = []
    if phone:
        clauses.append(phone_column == phone)
    if email:
        clauses.append(func.lower(email_column) == email.lower())
    return or_(*clauses) if clauses else None


def subject_leads(organizer_id: int, *, phone: str = "", email: str = "",
                  business_id: int | None = None) -> list:
    """The leads exhibitors hold of this person (by phone or email) at the organiser's weeks."""
    from exhibit.visitors.models import Lead
    match = _subject_filter(Lead.phone, Lead.email, phone, email)
    if match is None:
        return []
    query = (select(Lead).join(ExhibitionWeek, ExhibitionWeek.id == Lead.week_id)
             .where(ExhibitionWeek.organizer_id == organizer_id, match)
             .order_by(Lead.created_at, Lead.id))
    if business_id is not None:
        query = query.where(Lead.business_id == business_id)
    return list(db.session.scalars(query))


def subject_badges(organizer_id: int, *, phone: str = "", email: str = "") -> list:
    """Visitor and buyer badges of this person at the organiser's weeks (staff badges belong
    to their exhibitor)."""
    from exhibit.badges.models import Badge
    match = _subject_filter(Badge.phone, Badge.email, phone, email)
    if match is None:
        return []
    return list(db.session.scalars(
        select(Badge).join(ExhibitionWeek, ExhibitionWeek.id == Badge.week_id)
        .where(ExhibitionWeek.organizer_id == organizer_id, match,
               Badge.kind.in_(("visitor", "buyer")))
        .order_by(Badge.created_at, Badge.id)))


def holders(organizer_id: int, *, phone: str = "", email: str = "") -> list[int]:
    """The businesses (ids, in order) holding a lead of this person at the organiser's weeks."""
    return sorted({lead.business_id for lead in subject_leads(organizer_id, phone=phone,
                                                                email=email)})


# ---------------------------------------------------------------------------- receiving

def _clean_subject(subject_name, subject_phone, subject_email) -> tuple[str, str, str]:
    errors = {}
    name = clean_text(subject_name)[:200]
    phone = clean_text(subject_phone)
    email = clean_text(subject_email)
    if not name:
        errors["subject_name"] = _("Enter the person's name.")
    if phone:
        try:
            phone = normalize_phone(phone)
        except InvalidPhone:
            errors["subject_phone"] = _("Enter a Vietnamese phone number, e.g. 0912 345 678.")
    if email:
        try:
            email = normalize_email(email)  # as accounts and badges store addresses
        except ValidationFailed as error:
            errors["subject_email"] = error.fields["email"]
    if not phone and not email and "subject_phone" not in errors:
        errors["subject_phone"] = _("Give a phone number or an email address to find the "
                                    "person's data and answer them.")
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    return name, phone, email


def receive_request(*, organizer_id: int, kind, subject_name: str, subject_phone: str,
                    subject_email: str, details: str = "", via: str = "privacy_page",
                    week=None, consent=None, entered_by=None, now: datetime | None = None,
                    language: str = "vi") -> DataRequest:
    """Record a request and start its clocks; the person is sent a receipt. Runs in its own
    write transaction, or in the caller's when one is open. ``week`` and ``consent`` are the
    objects (or ids) the request names; ``entered_by`` the staff member who typed it in."""
    now = now or utcnow()
    try:
        kind = RequestKind(kind)
    except ValueError:
        raise ValidationFailed(_("Please correct the marked fields."),
                               fields={"kind": _("Choose what the person asks.")}) from None
    name, phone, email = _clean_subject(subject_name, subject_phone, subject_email)
    if via not in VIA:
        via = "staff" if entered_by is not None else "privacy_page"
    week_id = getattr(week, "id", week)
    consent_id = getattr(consent, "id", consent)

    def work() -> DataRequest:
        organizer = db.session.get(Organizer, organizer_id)
        if organizer is None:
            raise NotFound(_("There is no such organiser."), code="organizer_not_found")
        if week_id is not None:
            owner = db.session.scalar(select(ExhibitionWeek.organizer_id)
                                      .where(ExhibitionWeek.id == week_id))
            if owner != organizer_id:
                raise ValidationFailed(_("Please correct the marked fields."),
                                       fields={"week": _("Choose one of your weeks.")})
        exhibitors_act = kind.exhibitors_act and bool(holders(organizer_id, phone=phone,
                                                              email=email))
        request = DataRequest(
            organizer_id=organizer_id, week_id=week_id, kind=kind.value,
            status=RequestStatus.RECEIVED.value, subject_name=name, subject_phone=phone,
            subject_email=email, details=clean_text(details)[:4000], via=via,
            consent_id=consent_id, entered_by_id=getattr(entered_by, "id", None),
            received_at=now, acknowledge_due=acknowledge_due(now),
            due_at=completion_due(now, exhibitors_act=exhibitors_act))
        db.session.add(request)
        db.session.flush()
        audit.record("data_request", request.id, "receive", actor=entered_by, week_id=week_id,
                     after={"kind": kind.value, "via": via, "status": request.status,
                            "due_at": request.due_at.isoformat()})
        _tell_subject("privacy.request_received", request, organizer, language=language,
                      occasion="received")
        return request

    if in_write_transaction():
        return work()
    with write_transaction():
        return work()


# ---------------------------------------------------------------------------- reading

def request_for(organizer_id: int, request_id: int) -> DataRequest:
    """The organiser's own request, or NotFound (another organiser's is not there)."""
    request = db.session.get(DataRequest, request_id)
    if request is None or request.organizer_id != organizer_id:
        raise NotFound(_("There is no such request."), code="request_not_found")
    return request


@dataclass(frozen=True)
class DeskFilter:
    #: "open" (default), "overdue", "closed", "all"
    state: str = "open"
    kind: str = ""

    @classmethod
    def from_args(cls, args) -> DeskFilter:
        state = args.get("state", "open")
        kind = args.get("kind", "")
        return cls(state=state if state in ("open", "overdue", "closed", "all") else "open",
                   kind=kind if kind in {k.value for k in RequestKind} else "")


def desk_query(organizer_id: int, chosen: DeskFilter, now: datetime | None = None):
    """The organiser's requests, overdue first, then the open ones by their deadline, then the
    closed ones, newest first."""
    now = now or utcnow()
    is_open = DataRequest.status.in_(_OPEN)
    query = select(DataRequest).where(DataRequest.organizer_id == organizer_id)
    if chosen.kind:
        query = query.where(DataRequest.kind == chosen.kind)
    if chosen.state == "open":
        query = query.where(is_open)
    elif chosen.state == "overdue":
        query = query.where(is_open, _overdue_clause(now))
    elif chosen.state == "closed":
        query = query.where(~is_open)
    rank = case((is_open & _overdue_clause(now), 0), (is_open, 1), else_=2)
    return query.order_by(rank, case((is_open, DataRequest.due_at), else_=None),
                          DataRequest.received_at.desc(), DataRequest.id.desc())


def overdue_count(organizer_id: int, now: datetime | None = None) -> int:
    now = now or utcnow()
    return db.session.scalar(select(func.count()).select_from(DataRequest).where(
        DataRequest.organizer_id == organizer_id, DataRequest.status.in_(_OPEN),
        _overdue_clause(now))) or 0


def business_tasks(business_id: int, *, open_only: bool = False) -> list[DataRequestTask]:
    """An exhibitor's tasks, unconfirmed first, the nearest deadline first."""
    query = (select(DataRequestTask).join(DataRequest)
             .where(DataRequestTask.business_id == business_id)
             .order_by(DataRequestTask.confirmed_at.is_not(None), DataRequest.due_at,
                       DataRequestTask.id))
    if open_only:
        query = query.where(DataRequestTask.confirmed_at.is_(None))
    return list(db.session.scalars(query))


def open_task_count(business_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(DataRequestTask).where(
        DataRequestTask.business_id == business_id,
        DataRequestTask.confirmed_at.is_(None))) or 0


# ---------------------------------------------------------------------------- acting

def _locked_open(organizer_id: int, request_id: int) -> DataRequest:
    request = lock_row(DataRequest, request_id)
    if request is None or request.organizer_id != organizer_id:
        raise NotFound(_("There is no such request."), code="request_not_found")
    if not request.is_open:
        raise Conflict(_("This request is already closed."), code="request_closed")
    return request


def acknowledge(request_id: int, *, actor, now: datetime | None = None) -> DataRequest:
    now = now or utcnow()
    with write_transaction():
        request = _locked_open(actor.organizer_id, request_id)
        if request.acknowledged_at is not None:
            raise Conflict(_("This request was already acknowledged."), code="acknowledged")
        _acknowledge(request, actor, now)
    return request


def _acknowledge(request: DataRequest, actor, now: datetime) -> None:
    request.acknowledged_at = now
    if request.status == RequestStatus.RECEIVED.value:
        request.status = RequestStatus.ACKNOWLEDGED.value
    audit.record("data_request", request.id, "acknowledge", actor=actor, week_id=request.week_id,
                 before={"status": RequestStatus.RECEIVED.value},
                 after={"status": request.status, "late": now > request.acknowledge_due})


def extend(request_id: int, *, actor, days, reason: str,
           now: datetime | None = None) -> DataRequest:
    """Move the completion deadline once, by 1 to EXTENSION_MAX_DAYS days, saying why."""
    now = now or utcnow()
    errors = {}
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= EXTENSION_MAX_DAYS:
        errors["days"] = _("Between 1 and %(most)s days.", most=EXTENSION_MAX_DAYS)
    reason = clean_text(reason)[:2000]
    if not reason:
        errors["reason"] = _("Say why the request needs more time.")
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    with write_transaction():
        request = _locked_open(actor.organizer_id, request_id)
        if request.extended_at is not None:
            raise Conflict(_("A request can be extended only once."), code="already_extended")
        before = request.due_at
        request.due_at = request.due_at + timedelta(days=days)
        request.extended_at = now
        request.extension_reason = reason
        audit.record("data_request", request.id, "extend", actor=actor, week_id=request.week_id,
                     before={"due_at": before.isoformat()},
                     after={"due_at": request.due_at.isoformat(), "days": days},
                     note=reason)
    return request


def forward(request_id: int, *, actor, now: datetime | None = None) -> list[DataRequestTask]:
    """A deletion or stop request becomes a task for every exhibitor holding the person's
    contact (one per business; forwarding again adds the ones found since). Acknowledges the
    request if it was not yet."""
    now = now or utcnow()
    with write_transaction():
        request = _locked_open(actor.organizer_id, request_id)
        if not request.kind_enum.exhibitors_act:
            raise Conflict(_("Only deletion and stop requests are forwarded to exhibitors."),
                           code="not_forwarded")
        found = holders(request.organizer_id, phone=request.subject_phone,
                        email=request.subject_email)
        tasked = {task.business_id for task in request.tasks}
        new = [business_id for business_id in found if business_id not in tasked]
        if not new:
            raise Conflict(_("No other exhibitor holds this person's contact."),
                           code="no_holders")
        if request.acknowledged_at is None:
            _acknowledge(request, actor, now)
        tasks = []
        for business_id in new:
            task = DataRequestTask(request=request, business_id=business_id, created_at=now)
            db.session.add(task)
            tasks.append(task)
        request.status = RequestStatus.FORWARDED.value
        db.session.flush()
        audit.record("data_request", request.id, "forward", actor=actor, week_id=request.week_id,
                     after={"status": request.status, "businesses": new})
        for task in tasks:
            _tell_exhibitor(request, task)
    return tasks


def confirm_task(task_id: int, *, actor, note: str = "",
                 now: datetime | None = None) -> DataRequestTask:
    """The exhibitor says it has done what the request asks with the copy it holds."""
    now = now or utcnow()
    with write_transaction():
        task = lock_row(DataRequestTask, task_id)
        if task is None or task.business_id != actor.business_id:
            raise NotFound(_("There is no such task."), code="task_not_found")
        if task.confirmed_at is not None:
            raise Conflict(_("This task was already confirmed."), code="confirmed")
        if not task.request.is_open:
            raise Conflict(_("This request is already closed."), code="request_closed")
        task.confirmed_at = now
        task.confirmed_by_id = actor.id
        task.note = clean_text(note)[:2000]
        audit.record("data_request", task.request_id, "confirm", actor=actor,
                     business_id=task.business_id, week_id=task.request.week_id,
                     after={"task": task.id})
    return task


CORRECTABLE = ("full_name", "phone", "email", "organisation")


def complete(request_id: int, *, actor, outcome: str = "", corrections: dict | None = None,
             now: datetime | None = None) -> DataRequest:
    """Do what the request asks with the organiser's copy and answer the person.

    - deletion: the person's visitor and buyer badges and every lead of them lose their name,
      phone, email and organisation (placeholders; the rows and their counts stay for the
      week's figures), their consents are withdrawn and emptied the same way, and the
      personal values in those records' audit history are blanked;
    - stop and withdrawal: the consents are withdrawn (exhibit.privacy.consents.withdraw: the
      leads show as withdrawn, badge contacts can no longer be taken); a withdrawal naming one
      consent withdraws that one;
    - correction: ``corrections`` (full_name, phone, email, organisation) are written to the
      person's badges and leads;
    - access: the answer carries a signed link to the export (exhibit/privacy/export.py).

    Refused (409) while an exhibitor has not confirmed its task."""
    now = now or utcnow()
    outcome = clean_text(outcome)[:4000]
    corrections = _clean_corrections(corrections) if corrections is not None else None
    with write_transaction():
        request = _locked_open(actor.organizer_id, request_id)
        waiting = [task for task in request.tasks if task.confirmed_at is None]
        if waiting:
            raise Conflict(ngettext("%(num)d exhibitor has not confirmed yet.",
                                    "%(num)d exhibitors have not confirmed yet.", len(waiting)),
                           code="tasks_open")
        kind = request.kind_enum
        if kind.exhibitors_act:
            missing = [b for b in holders(request.organizer_id, phone=request.subject_phone,
                                          email=request.subject_email)
                       if b not in {task.business_id for task in request.tasks}]
            if missing:
                raise Conflict(_("Exhibitors hold this person's contact who were not asked: "
                                 "forward the request first."), code="not_forwarded")
        if kind is RequestKind.CORRECTION and not corrections:
            raise ValidationFailed(_("Please correct the marked fields."),
                                   fields={"full_name": _("Enter the corrected values.")})
        done = _carry_out(request, kind, corrections or {}, now)
        if request.acknowledged_at is None:
            _acknowledge(request, actor, now)
        before = request.status
        request.status = RequestStatus.COMPLETED.value
        request.completed_at = now
        request.outcome = outcome
        audit.record("data_request", request.id, "complete", actor=actor, week_id=request.week_id,
                     before={"status": before},
                     after={"status": request.status, "late": now > request.due_at, **done})
        _tell_subject("privacy.request_completed", request, request_organizer(request),
                      occasion="completed")
    return request


def refuse(request_id: int, *, actor, reason: str, now: datetime | None = None) -> DataRequest:
    now = now or utcnow()
    reason = clean_text(reason)[:4000]
    if not reason:
        raise ValidationFailed(_("Please correct the marked fields."),
                               fields={"reason": _("Say why the request is refused.")})
    with write_transaction():
        request = _locked_open(actor.organizer_id, request_id)
        before = request.status
        if request.acknowledged_at is None:
            _acknowledge(request, actor, now)
        request.status = RequestStatus.REFUSED.value
        request.completed_at = now
        request.outcome = reason
        audit.record("data_request", request.id, "refuse", actor=actor, week_id=request.week_id,
                     before={"status": before}, after={"status": request.status}, note=reason)
        _tell_subject("privacy.request_completed", request, request_organizer(request),
                      occasion="refused")
    return request


def request_organizer(request: DataRequest) -> Organizer:
    return db.session.get(Organizer, request.organizer_id)


def _clean_corrections(values: dict) -> dict:
    cleaned, errors = {}, {}
    for name in CORRECTABLE:
        value = clean_text(values.get(name))
        if not value:
            continue
        if name == "phone":
            try:
                value = normalize_phone(value)
            except InvalidPhone:
                errors[name] = _("Enter a Vietnamese phone number, e.g. 0912 345 678.")
                continue
        if name == "email":
            value = value.lower()
            if "@" not in value or " " in value or len(value) > 254:
                errors[name] = _("Enter a valid email address.")
                continue
        cleaned[name] = value[:200] if name == "full_name" else value
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    return cleaned


def _carry_out(request: DataRequest, kind: RequestKind, corrections: dict,
               now: datetime) -> dict:
    """The organiser's side of the request; counts of what changed, for the audit."""
    phone, email = request.subject_phone, request.subject_email
    badges = subject_badges(request.organizer_id, phone=phone, email=email)
    leads = subject_leads(request.organizer_id, phone=phone, email=email)
    if kind is RequestKind.DELETION:
        _withdraw_all(request, now)
        for consent in _consents(request):
            consent.subject_name = consent.subject_phone = consent.subject_email = ""
            consent.purged_at = now
        for badge in badges:
            badge.full_name, badge.position, badge.organisation, badge.email = DELETED, "", "", ""
            # one live visitor badge per phone and week: the placeholder differs per badge
            badge.phone = f"#{badge.id}"
            badge.contact_consent_at = None
            badge.changed_at = now
        for lead in leads:
            lead.full_name, lead.phone, lead.email, lead.organisation = DELETED, "", "", ""
            lead.message = lead.notes = lead.tags = lead.visitor_key = ""
            lead.withdrawn_at = lead.withdrawn_at or now
            lead.updated_at = now
        # their names and numbers in the records' history go too (not a year later, with
        # the week's purge)
        from exhibit.privacy.purge import scrub_history_of
        scrub_history_of({"badge": [b.id for b in badges], "lead": [lead.id for lead in leads],
                          "consent": [c.id for c in _consents(request)]})
        return {"badges": len(badges), "leads": len(leads)}
    if kind in (RequestKind.STOP, RequestKind.WITHDRAWAL):
        return {"consents": _withdraw_all(request, now)}
    if kind is RequestKind.CORRECTION:
        if "phone" in corrections:
            _refuse_taken_phone(badges, corrections["phone"])
        for badge in badges:
            for name, value in corrections.items():
                setattr(badge, name, value)
            badge.changed_at = now
        for lead in leads:
            for name, value in corrections.items():
                setattr(lead, name, value)
            lead.updated_at = now
        for consent in _consents(request):
            consent.subject_name = corrections.get("full_name", consent.subject_name)
            consent.subject_phone = corrections.get("phone", consent.subject_phone)
            consent.subject_email = corrections.get("email", consent.subject_email)
        return {"badges": len(badges), "leads": len(leads), "fields": sorted(corrections)}
    return {}


def _refuse_taken_phone(badges: list, phone: str) -> None:
    """A week has one live visitor badge per phone: a correction to the number another
    visitor of one of the person's weeks registered with is refused by name."""
    from exhibit.badges.models import Badge
    weeks = {badge.week_id for badge in badges if badge.kind == "visitor"}
    if not weeks:
        return
    with db.session.no_autoflush:
        taken = db.session.scalar(select(Badge.id).where(
            Badge.week_id.in_(weeks), Badge.phone == phone, Badge.kind == "visitor",
            Badge.revoked_at.is_(None), Badge.id.not_in([badge.id for badge in badges]))
            .limit(1))
    if taken is not None:
        message = _("Another visitor of the week registered with this phone number.")
        raise ValidationFailed(_("Please correct the marked fields."), fields={"phone": message})


def _consents(request: DataRequest) -> list:
    from exhibit.privacy.models import Consent
    match = _subject_filter(Consent.subject_phone, Consent.subject_email,
                            request.subject_phone, request.subject_email)
    if match is None:
        return []
    return list(db.session.scalars(select(Consent).where(
        Consent.organizer_id == request.organizer_id, match).order_by(Consent.id)))


def _withdraw_all(request: DataRequest, now: datetime) -> int:
    """Withdraw the person's active consents (the one the request names, for a withdrawal that
    names one) through the consent ledger, with all their effects; how many."""
    chosen = [c for c in _consents(request) if c.withdrawn_at is None]
    if request.kind == RequestKind.WITHDRAWAL.value and request.consent_id:
        chosen = [c for c in chosen if c.id == request.consent_id]
    if not chosen:
        return 0
    from exhibit.privacy import consents as ledger
    for consent in chosen:
        ledger.withdraw(consent=consent, via="request", now=now)
    return len(chosen)


# ---------------------------------------------------------------------------- the clock

def remind_due(now: datetime | None = None) -> int:
    """The organiser's people are told of an open request whose next deadline (acknowledge,
    else complete) is within REMIND_BEFORE or passed: once per request, clock and deadline (an
    extension is told again). How many messages were new."""
    from exhibit.accounts.models import Role, User
    from exhibit.messaging import outbox
    now = now or utcnow()
    soon = now + REMIND_BEFORE
    due = db.session.scalars(select(DataRequest).where(
        DataRequest.status.in_(_OPEN),
        or_(DataRequest.due_at <= soon,
            DataRequest.acknowledged_at.is_(None) & (DataRequest.acknowledge_due <= soon)))
        .order_by(DataRequest.id)).all()
    due_ids = [request.id for request in due]
    db.session.rollback()
    if not due_ids:
        return 0
    queued = 0
    with write_transaction():
        for request in db.session.scalars(select(DataRequest).where(
                DataRequest.id.in_(due_ids), DataRequest.status.in_(_OPEN))):
            if request.acknowledged_at is None and request.acknowledge_due <= soon:
                clock, deadline = "acknowledge", request.acknowledge_due
            else:
                clock, deadline = "complete", request.due_at
            organizer = request_organizer(request)
            people = db.session.scalars(select(User).where(
                User.organizer_id == request.organizer_id, User.role == Role.ORGANISER.value,
                User.active.is_(True)).order_by(User.id))
            for person in people:
                queued += outbox.queue(
                    "privacy.request_due", outbox.recipient_for(person),
                    about=("data_request", request.id),
                    occasion=f"{clock}-{deadline:%Y%m%d%H%M}",
                    context={"organiser": organizer.name, "sender": organizer.short_name,
                             "which": request.kind, "code": reference(request), "how": clock,
                             "deadline": format_moment(deadline),
                             "link": public_url("privacy_desk.detail",
                                                request_id=request.id)},
                    week_id=request.week_id)
    return queued


# ---------------------------------------------------------------------------- messages

def _tell_subject(event: str, request: DataRequest, organizer: Organizer, *,
                  language: str = "vi", occasion: str = "") -> None:
    from exhibit.messaging import outbox
    from exhibit.privacy import export
    if not (request.subject_phone or request.subject_email):
        return
    recipient = outbox.Recipient(email=request.subject_email, phone=request.subject_phone,
                                 language=language if language in ("vi", "en") else "vi")
    link = ""
    if event == "privacy.request_completed" and request.kind == RequestKind.ACCESS.value \
            and request.status == RequestStatus.COMPLETED.value:
        link = export.download_url(request)
    outbox.queue(event, recipient, about=("data_request", request.id), occasion=occasion,
                 context={"name": request.subject_name,
                          "organiser": organizer.name if organizer else "",
                          "sender": organizer.short_name if organizer else "exhibit",
                          "which": request.kind, "code": reference(request),
                          "how": request.status,
                          "deadline": format_moment(request.due_at),
                          "reason": request.outcome, "link": link},
                 week_id=request.week_id)


def _tell_exhibitor(request: DataRequest, task: DataRequestTask) -> None:
    from exhibit.accounts.services import business_people
    from exhibit.messaging import outbox
    organizer = request_organizer(request)
    for person in business_people(task.business_id):
        recipient = outbox.recipient_for(person)
        outbox.queue("privacy.task_forwarded", recipient, about=("data_request_task", task.id),
                     context={"business": person.business.name,
                              "organiser": organizer.name if organizer else "",
                              "sender": organizer.short_name if organizer else "exhibit",
                              "which": request.kind, "code": reference(request),
                              "deadline": format_moment(request.due_at),
                              "link": public_url("privacy_tasks.tasks")},
                     week_id=request.week_id, business_id=task.business_id)


def reference(request: DataRequest) -> str:
    """How the request is named to the person and to exhibitors: "YC-000123"."""
    return f"YC-{request.id:06d}"

