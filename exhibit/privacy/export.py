"""The answer to an access request: everything one organiser holds about a person, as
machine-readable JSON — visitor and buyer badges with their check-ins and gate scans, the leads
exhibitors hold (naming each exhibitor), the consents, B2B registrations and their meetings, the
messages sent to the person, and their own requests.

The organiser downloads it from the request's page; the person receives a signed link to it in
the final answer (``download_url``), valid for LINK_DAYS days, which serves the export as it
stands when opened (nothing is stored: the file never outlives the data it describes, and a
later deletion or purge empties it too).
"""
from __future__ import annotations

import json
from datetime import date, datetime

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import or_, select

from exhibit.core.db import utcnow
from exhibit.core.links import public_url
from exhibit.extensions import db
from exhibit.privacy.models import (Consent, DataRequest, RequestKind, RequestStatus)
from exhibit.weeks.models import ExhibitionWeek, Organizer

FORMAT = "exhibit.personal-data/1"
SALT = "exhibit.privacy-export"
LINK_DAYS = 30


# ---------------------------------------------------------------------------- the link

def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def download_token(request: DataRequest) -> str:
    return _serializer().dumps(int(request.id))


def download_url(request: DataRequest) -> str:
    return public_url("privacy_export.download", token=download_token(request))


def request_for_token(token: str) -> DataRequest | None:
    """The completed access request a link names, or None (forged, expired, or no longer an
    answered access request)."""
    if not token or len(token) > 300:
        return None
    try:
        request_id = _serializer().loads(token, max_age=LINK_DAYS * 86400)
    except (BadSignature, SignatureExpired):
        return None
    if type(request_id) is not int:
        return None
    request = db.session.get(DataRequest, request_id)
    if request is None or request.kind != RequestKind.ACCESS.value \
            or request.status != RequestStatus.COMPLETED.value:
        return None
    return request


# ---------------------------------------------------------------------------- the export

def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def _match(phone_column, email_column, phone: str, email: str):
    from sqlalchemy import func
    clauses = []
    if phone:
        clauses.append(phone_column == phone)
    if email:
        clauses.append(func.lower(email_column) == email.lower())
    return or_(*clauses) if clauses else None


def request_export(request: DataRequest, now: datetime | None = None) -> dict:
    return subject_export(request.organizer_id, phone=request.subject_phone,
                          email=request.subject_email, name=request.subject_name,
                          request=request, now=now)


def subject_export(organizer_id: int, *, phone: str = "", email: str = "", name: str = "",
                   request: DataRequest | None = None, now: datetime | None = None) -> dict:
    """Everything the organiser holds about the person with this phone or email, as plain
    JSON values. A fixed number of queries, whatever the person's history."""
    from exhibit.b2b.models import Buyer, Meeting
    from exhibit.badges.models import Badge, CheckIn, GateScan
    from exhibit.messaging.models import Message
    from exhibit.visitors.models import Lead

    now = now or utcnow()
    organizer = db.session.get(Organizer, organizer_id)
    weeks = {w.id: w for w in db.session.scalars(
        select(ExhibitionWeek).where(ExhibitionWeek.organizer_id == organizer_id))}
    week_ids = list(weeks)

    def week_of(week_id):
        week = weeks.get(week_id)
        return {"id": week.id, "name": week.name("vi"), "start": _iso(week.start_date),
                "end": _iso(week.end_date)} if week else None

    out = {
        "format": FORMAT,
        "generated_at": _iso(now),
        "controller": {"name": organizer.name, "address": organizer.address,
                       "phone": organizer.phone, "email": organizer.email} if organizer else None,
        "subject": {"name": name, "phone": phone, "email": email},
        "request": {"reference": f"YC-{request.id:06d}", "kind": request.kind,
                    "received_at": _iso(request.received_at)} if request else None,
        "badges": [], "leads": [], "consents": [], "b2b": [], "messages": [], "requests": [],
    }
    if not week_ids or not (phone or email):
        return out

    badges = list(db.session.scalars(
        select(Badge).where(Badge.week_id.in_(week_ids), Badge.kind.in_(("visitor", "buyer")),
                            _match(Badge.phone, Badge.email, phone, email))
        .order_by(Badge.created_at, Badge.id)))
    badge_ids = [b.id for b in badges]
    checkins: dict[int, list] = {}
    scans: dict[int, list] = {}
    if badge_ids:
        for row in db.session.scalars(select(CheckIn).where(CheckIn.badge_id.in_(badge_ids))
                                      .order_by(CheckIn.day)):
            checkins.setdefault(row.badge_id, []).append(
                {"day": _iso(row.day), "first_at": _iso(row.first_at)})
        for row in db.session.scalars(select(GateScan).where(GateScan.badge_id.in_(badge_ids))
                                      .order_by(GateScan.scanned_at, GateScan.id)):
            scans.setdefault(row.badge_id, []).append(
                {"scanned_at": _iso(row.scanned_at), "result": row.result,
                 "direction": row.direction})
    for badge in badges:
        out["badges"].append({
            "id": badge.id, "week": week_of(badge.week_id), "kind": badge.kind,
            "full_name": badge.full_name, "position": badge.position,
            "organisation": badge.organisation, "phone": badge.phone, "email": badge.email,
            "walk_in": badge.walk_in, "created_at": _iso(badge.created_at),
            "revoked_at": _iso(badge.revoked_at),
            "contact_shared_with_exhibitors_since": _iso(badge.contact_consent_at),
            "check_ins": checkins.get(badge.id, []), "gate_scans": scans.get(badge.id, [])})

    lead_match = _match(Lead.phone, Lead.email, phone, email)
    if badge_ids:
        lead_match = or_(lead_match, Lead.badge_id.in_(badge_ids))
    for lead in db.session.scalars(
            select(Lead).where(Lead.week_id.in_(week_ids), lead_match)
            .order_by(Lead.created_at, Lead.id)):
        out["leads"].append({
            "id": lead.id, "week": week_of(lead.week_id),
            "exhibitor": {"name": lead.business.name, "tax_code": lead.business.tax_code},
            "booth": lead.booth.code if lead.booth else None, "source": lead.source,
            "full_name": lead.full_name, "phone": lead.phone, "email": lead.email,
            "organisation": lead.organisation, "message": lead.message,
            "exhibitor_rating": lead.rating, "exhibitor_tags": lead.tags,
            "exhibitor_notes": lead.notes, "consent_text": lead.consent_text,
            "consent_at": _iso(lead.consent_at), "created_at": _iso(lead.created_at),
            "withdrawn_at": _iso(lead.withdrawn_at)})

    for consent in db.session.scalars(
            select(Consent).where(Consent.organizer_id == organizer_id,
                                  _match(Consent.subject_phone, Consent.subject_email,
                                         phone, email))
            .order_by(Consent.given_at, Consent.id)):
        out["consents"].append({
            "id": consent.id, "week": week_of(consent.week_id), "purpose": consent.purpose,
            "recipient_kind": consent.recipient_kind, "recipient": consent.recipient_name,
            "data_categories": [c for c in consent.data_categories.split(",") if c],
            "channel": consent.channel, "text": consent.text,
            "text_version": consent.text_version, "given_at": _iso(consent.given_at),
            "retention_until": _iso(consent.retention_until),
            "withdrawn_at": _iso(consent.withdrawn_at), "withdrawn_via": consent.withdrawn_via})

    buyers = list(db.session.scalars(
        select(Buyer).where(Buyer.week_id.in_(week_ids),
                            _match(Buyer.contact_phone, Buyer.contact_email, phone, email))
        .order_by(Buyer.created_at, Buyer.id)))
    meetings: dict[int, list] = {}
    if buyers:
        for meeting in db.session.scalars(
                select(Meeting).where(Meeting.buyer_id.in_([b.id for b in buyers]))
                .order_by(Meeting.created_at, Meeting.id)):
            meetings.setdefault(meeting.buyer_id, []).append({
                "supplier": meeting.supplier.name, "status": meeting.status,
                "requested_by": meeting.requested_by, "message": meeting.message,
                "starts_at": _iso(meeting.slot.starts_at) if meeting.slot else None,
                "table": meeting.table.label if meeting.table else None,
                "outcome": meeting.outcome, "created_at": _iso(meeting.created_at)})
    for buyer in buyers:
        out["b2b"].append({
            "id": buyer.id, "week": week_of(buyer.week_id),
            "organisation": buyer.business.name if buyer.business else None,
            "kind": buyer.kind, "contact_name": buyer.contact_name,
            "contact_position": buyer.contact_position, "contact_phone": buyer.contact_phone,
            "contact_email": buyer.contact_email, "notes": buyer.notes,
            "created_at": _iso(buyer.created_at), "meetings": meetings.get(buyer.id, [])})

    requests = list(db.session.scalars(
        select(DataRequest).where(DataRequest.organizer_id == organizer_id,
                                  _match(DataRequest.subject_phone, DataRequest.subject_email,
                                         phone, email))
        .order_by(DataRequest.received_at, DataRequest.id)))
    for row in requests:
        out["requests"].append({
            "reference": f"YC-{row.id:06d}", "kind": row.kind, "status": row.status,
            "details": row.details, "received_at": _iso(row.received_at),
            "completed_at": _iso(row.completed_at), "outcome": row.outcome})

    addresses = [a for a in (phone, email.lower() if email else "") if a]
    request_ids = [row.id for row in requests]
    about_requests = (Message.subject_type == "data_request") & Message.subject_id.in_(request_ids) \
        if request_ids else None
    in_weeks = Message.week_id.in_(week_ids)
    where = in_weeks if about_requests is None else or_(in_weeks, about_requests)
    for message in db.session.scalars(
            select(Message).where(Message.address.in_(addresses), where)
            .order_by(Message.created_at, Message.id)):
        out["messages"].append({
            "event": message.event, "channel": message.channel, "address": message.address,
            "subject": message.subject, "text": message.body_text, "state": message.state,
            "created_at": _iso(message.created_at), "sent_at": _iso(message.sent_at)})
    return out


def to_json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False)


def filename(request: DataRequest) -> str:
    return f"du-lieu-ca-nhan-YC-{request.id:06d}.json"
