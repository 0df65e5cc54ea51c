"""consents backfilled for existing leads and shared badges

Revision ID: eef19b17d6a0
Revises: 57480abb2099
Create Date: 2026-12-05 13:30:00

Before the consent ledger, a lead kept the sentence its visitor agreed to and when
(leads.consent_text, consent_at), and a badge when its holder agreed that exhibitors who scan
it receive the contact (badges.contact_consent_at). Each becomes a consent row, as it was
given, with version 1 of its sentence (the ledger's own rows start at version 2):

- a contact left at a booth: leave_contact, to that exhibitor, by the web form;
- a badge scanned by an exhibitor: share_with_exhibitors, to that exhibitor (named), by the
  scanner (a lead scanner device) or the web (a signed-in exhibitor), with the badge and lead;
- a badge whose holder agreed to share: share_with_exhibitors, to the exhibitors who scan it,
  with the Vietnamese sentence then shown (the default language).

A lead or badge that already has such a row is left alone (the upgrade can be run on data the
ledger already recorded). The retention end is the week's last day plus its
personal_data_months. Downgrade deletes the version-1 rows it made (the ledger never writes
version 1).
"""
import calendar
from datetime import date

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'eef19b17d6a0'
down_revision = '57480abb2099'
branch_labels = None
depends_on = None

#: version 1 of the sharing sentence as shown in Vietnamese (exhibit/badges/services.py
#: CONTACT_CONSENT, the default language)
SHARE_V1_VI = ("Tôi đồng ý để đơn vị trưng bày quét thẻ của tôi nhận họ tên, số điện thoại, "
               "email và đơn vị của tôi, để liên hệ giới thiệu sản phẩm.")
LEAVE_V1, SHARE_V1 = "leave_contact/1", "share_with_exhibitors/1"
BATCH = 1000

weeks = sa.table("exhibition_weeks", sa.column("id", sa.Integer),
                 sa.column("organizer_id", sa.Integer), sa.column("end_date", sa.Date),
                 sa.column("personal_data_months", sa.Integer))
businesses = sa.table("businesses", sa.column("id", sa.Integer), sa.column("name", sa.String))
badges = sa.table("badges", sa.column("id", sa.Integer), sa.column("week_id", sa.Integer),
                  sa.column("kind", sa.String), sa.column("full_name", sa.String),
                  sa.column("phone", sa.String), sa.column("email", sa.String),
                  sa.column("contact_consent_at", sa.DateTime(timezone=True)))
leads = sa.table("leads", sa.column("id", sa.Integer), sa.column("week_id", sa.Integer),
                 sa.column("business_id", sa.Integer), sa.column("source", sa.String),
                 sa.column("badge_id", sa.Integer), sa.column("full_name", sa.String),
                 sa.column("phone", sa.String), sa.column("email", sa.String),
                 sa.column("consent_text", sa.Text), sa.column("consent_at", sa.DateTime(timezone=True)),
                 sa.column("captured_by_device_id", sa.Integer))
consents = sa.table(
    "consents", sa.column("id", sa.Integer), sa.column("organizer_id", sa.Integer),
    sa.column("week_id", sa.Integer), sa.column("subject_name", sa.String),
    sa.column("subject_phone", sa.String), sa.column("subject_email", sa.String),
    sa.column("purpose", sa.String), sa.column("recipient_kind", sa.String),
    sa.column("recipient_business_id", sa.Integer), sa.column("recipient_name", sa.String),
    sa.column("data_categories", sa.String), sa.column("channel", sa.String),
    sa.column("text", sa.Text), sa.column("text_version", sa.String),
    sa.column("given_at", sa.DateTime(timezone=True)), sa.column("retention_until", sa.Date),
    sa.column("withdrawn_via", sa.String), sa.column("badge_id", sa.Integer),
    sa.column("lead_id", sa.Integer))


def _kept_until(end: date, months: int | None) -> date:
    months = 12 if months is None else months
    index = end.month - 1 + months
    year, month = end.year + index // 12, index % 12 + 1
    return date(year, month, min(end.day, calendar.monthrange(year, month)[1]))


def _insert(bind, rows: list) -> None:
    for start in range(0, len(rows), BATCH):
        bind.execute(consents.insert(), rows[start:start + BATCH])


def upgrade():
    bind = op.get_bind()
    week_of = {row.id: (row.organizer_id, _kept_until(row.end_date, row.personal_data_months))
               for row in bind.execute(sa.select(weeks.c.id, weeks.c.organizer_id,
                                                 weeks.c.end_date,
                                                 weeks.c.personal_data_months))}
    names = dict(bind.execute(sa.select(businesses.c.id, businesses.c.name)).all())
    recorded_leads = sa.select(consents.c.lead_id).where(consents.c.lead_id.isnot(None))
    rows = []
    for lead in bind.execute(sa.select(leads).where(
            leads.c.consent_at.isnot(None), leads.c.id.not_in(recorded_leads))
            .order_by(leads.c.id)):
        organizer_id, until = week_of[lead.week_id]
        scanned = lead.source == "badge_scan"
        rows.append({
            "organizer_id": organizer_id, "week_id": lead.week_id,
            "subject_name": (lead.full_name or "")[:200], "subject_phone": lead.phone or "",
            "subject_email": (lead.email or "").lower(),
            "purpose": "share_with_exhibitors" if scanned else "leave_contact",
            "recipient_kind": "exhibitor", "recipient_business_id": lead.business_id,
            "recipient_name": (names.get(lead.business_id) or "")[:255],
            "data_categories": "name,phone,email,organisation" + ("" if scanned else ",message"),
            "channel": ("scanner" if lead.captured_by_device_id else "web") if scanned
            else "web",
            "text": lead.consent_text or "", "text_version": SHARE_V1 if scanned else LEAVE_V1,
            "given_at": lead.consent_at, "retention_until": until, "withdrawn_via": "",
            "badge_id": lead.badge_id, "lead_id": lead.id})
    _insert(bind, rows)
    recorded_badges = sa.select(consents.c.badge_id).where(
        consents.c.badge_id.isnot(None), consents.c.lead_id.is_(None),
        consents.c.purpose == "share_with_exhibitors")
    rows = []
    for badge in bind.execute(sa.select(badges).where(
            badges.c.contact_consent_at.isnot(None), badges.c.kind.in_(["visitor", "buyer"]),
            badges.c.id.not_in(recorded_badges)).order_by(badges.c.id)):
        organizer_id, until = week_of[badge.week_id]
        rows.append({
            "organizer_id": organizer_id, "week_id": badge.week_id,
            "subject_name": (badge.full_name or "")[:200], "subject_phone": badge.phone or "",
            "subject_email": (badge.email or "").lower(),
            "purpose": "share_with_exhibitors", "recipient_kind": "exhibitors",
            "recipient_business_id": None, "recipient_name": "",
            "data_categories": "name,phone,email,organisation", "channel": "web",
            "text": SHARE_V1_VI, "text_version": SHARE_V1,
            "given_at": badge.contact_consent_at, "retention_until": until,
            "withdrawn_via": "", "badge_id": badge.id, "lead_id": None})
    _insert(bind, rows)


def downgrade():
    op.execute(consents.delete().where(consents.c.text_version.in_([LEAVE_V1, SHARE_V1])))
