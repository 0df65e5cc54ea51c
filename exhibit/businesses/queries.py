"""What other features read about a business's profile: how it was edited, and when."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from exhibit.core.audit import AuditEntry
from exhibit.extensions import db

#: the audit entity and action of a profile edit; its before/after name the fields it changed
#: (Business attribute names, "province" as "scheme:code", "logo" as the uploaded file's name)
PROFILE_ENTITY, PROFILE_EDIT = "business", "update"


def profile_edits(business_id: int, since: datetime) -> list[AuditEntry]:
    """The edits of a business's profile after ``since``, oldest first."""
    return db.session.scalars(
        select(AuditEntry).where(AuditEntry.business_id == business_id,
                                 AuditEntry.entity == PROFILE_ENTITY,
                                 AuditEntry.entity_id == business_id,
                                 AuditEntry.action == PROFILE_EDIT, AuditEntry.at > since)
        .order_by(AuditEntry.at, AuditEntry.id)).all()


def profile_history(business_id: int, limit: int = 50) -> list[AuditEntry]:
    """The latest edits of a business's profile, newest first."""
    return db.session.scalars(
        select(AuditEntry).where(AuditEntry.business_id == business_id,
                                 AuditEntry.entity == PROFILE_ENTITY,
                                 AuditEntry.entity_id == business_id,
                                 AuditEntry.action == PROFILE_EDIT)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)).all()
