"""Halls and booths. A booth's id is its stable identity; its code can be renumbered."""
from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exhibit.core import history
from exhibit.core.db import UTCDateTime, utcnow
from exhibit.extensions import db


class BoothType(str, enum.Enum):
    STANDARD = "standard"
    CORNER = "corner"
    PREMIUM = "premium"
    RAW_SPACE = "raw_space"

    @property
    def title(self) -> str:
        return str(BOOTH_TYPE_TITLES[self])


BOOTH_TYPE_TITLES = {
    BoothType.STANDARD: _l("Standard booth (3 × 3 m)"),
    BoothType.CORNER: _l("Corner booth"),
    BoothType.PREMIUM: _l("Premium booth"),
    BoothType.RAW_SPACE: _l("Raw space"),
}


class Hall(db.Model):
    """A hall (or zone) of the venue, drawn as a grid of cells of one metre."""
    __tablename__ = "halls"
    __table_args__ = (
        UniqueConstraint("week_id", "name", name="uq_halls_week_name"),
        CheckConstraint("grid_width BETWEEN 1 AND 500 AND grid_height BETWEEN 1 AND 500",
                        name="grid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    week_id: Mapped[int] = mapped_column(ForeignKey("exhibition_weeks.id", ondelete="CASCADE"),
                                         index=True)
    name: Mapped[str] = mapped_column(String(120))
    #: size of the drawing in grid cells (1 cell = 1 m)
    grid_width: Mapped[int] = mapped_column(default=40)
    grid_height: Mapped[int] = mapped_column(default=20)
    position: Mapped[int] = mapped_column(default=0)

    week = relationship("ExhibitionWeek", back_populates="halls")
    booths = relationship("Booth", back_populates="hall", order_by="Booth.code")


_booth_types = ", ".join(f"'{t.value}'" for t in BoothType)


class Booth(db.Model):
    __tablename__ = "booths"
    __table_args__ = (
        UniqueConstraint("week_id", "code", name="uq_booths_week_code"),
        CheckConstraint(f"booth_type IN ({_booth_types})", name="booth_type"),
        CheckConstraint("price_vnd >= 0", name="price"),
        CheckConstraint("width_m > 0 AND depth_m > 0 AND area_m2 > 0", name="size"),
        CheckConstraint("grid_x >= 0 AND grid_y >= 0 AND grid_w >= 1 AND grid_h >= 1", name="grid"),
    )

    #: the booth's stable identity: QR codes and allocations point here, so renumbering is safe
    id: Mapped[int] = mapped_column(primary_key=True)
    week_id: Mapped[int] = mapped_column(ForeignKey("exhibition_weeks.id", ondelete="CASCADE"),
                                         index=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id", ondelete="CASCADE"), index=True)
    #: the printed booth number, unique within the week ("A01")
    code: Mapped[str] = mapped_column(String(20))
    booth_type: Mapped[str] = mapped_column(String(20), default=BoothType.STANDARD.value)
    width_m: Mapped[float] = mapped_column(default=3.0)
    depth_m: Mapped[float] = mapped_column(default=3.0)
    #: usually width × depth; raw space may state its own area
    area_m2: Mapped[float] = mapped_column(default=9.0)
    #: rental price in whole đồng, before VAT; 0 for a subsidised booth
    price_vnd: Mapped[int] = mapped_column(default=0)
    grid_x: Mapped[int] = mapped_column(default=0)
    grid_y: Mapped[int] = mapped_column(default=0)
    grid_w: Mapped[int] = mapped_column(default=3)
    grid_h: Mapped[int] = mapped_column(default=3)
    #: blocked booths (pillars, organiser use) are never offered
    blocked: Mapped[bool] = mapped_column(default=False)
    blocked_reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    hall = relationship("Hall", back_populates="booths")
    week = relationship("ExhibitionWeek")

    @property
    def type_enum(self) -> BoothType:
        return BoothType(self.booth_type)


# the audit history shows these fields by their titles (core/history.py)
history.register_titles("booth", "type", BoothType)
