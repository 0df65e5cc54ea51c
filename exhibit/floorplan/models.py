"""Halls and booths. A booth's id is its stable identity; its code can be renumbered."""
from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
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
    """A hall (or zone) of the venue. Positions on it are in metres from its top-left corner;
    the venue's drawing may lie underneath, calibrated to metres (``drawing_px_per_m``).
    ``grid_width``/``grid_height`` are the hall's size in whole metres from the first design
    (cells of one metre); ``width_m``/``depth_m`` are its size now."""
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
    #: the hall's size in metres
    width_m: Mapped[float] = mapped_column(default=40.0, server_default="40")
    depth_m: Mapped[float] = mapped_column(default=20.0, server_default="20")
    position: Mapped[int] = mapped_column(default=0)
    #: the venue's drawing underneath (media.storage key, "svg", "pdf", "png" or "jpeg"), its
    #: size in pixels as rendered, and its scale once calibrated with two points and a distance
    drawing_key: Mapped[str] = mapped_column(String(120), default="", server_default="")
    drawing_kind: Mapped[str] = mapped_column(String(8), default="", server_default="")
    drawing_width_px: Mapped[float | None] = mapped_column()
    drawing_height_px: Mapped[float | None] = mapped_column()
    drawing_px_per_m: Mapped[float | None] = mapped_column()

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
    #: where the booth lies on its hall, in metres from the hall's top-left corner, and its
    #: footprint on the plan (metres); rotation is the side its front faces (0, 90, 180, 270)
    x_m: Mapped[float] = mapped_column(default=0.0, server_default="0")
    y_m: Mapped[float] = mapped_column(default=0.0, server_default="0")
    w_m: Mapped[float] = mapped_column(default=3.0, server_default="3")
    h_m: Mapped[float] = mapped_column(default=3.0, server_default="3")
    rotation: Mapped[int] = mapped_column(default=0, server_default="0")
    #: a merged booth's shape (L, U): JSON list of [x, y, w, h] rectangles in metres; "" for a
    #: plain rectangle
    outline: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: the province or delegation cluster the booth is reserved for
    cluster_id: Mapped[int | None] = mapped_column(
        ForeignKey("booth_clusters.id", ondelete="SET NULL"), index=True)
    #: a booth removed from the published plan (deleted, or merged into another) keeps its row,
    #: so scans and history that point at it stay; it is never offered or drawn again
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("booths.id", ondelete="SET NULL"))
    #: blocked booths (pillars, organiser use) are never offered
    blocked: Mapped[bool] = mapped_column(default=False)
    blocked_reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    hall = relationship("Hall", back_populates="booths")
    week = relationship("ExhibitionWeek")
    cluster = relationship("BoothCluster", foreign_keys=[cluster_id])

    @property
    def type_enum(self) -> BoothType:
        return BoothType(self.booth_type)


class ElementKind(str, enum.Enum):
    """Fixed, non-bookable shapes of a hall."""
    COLUMN = "column"
    WALL = "wall"
    EXIT = "exit"
    FIRE_EQUIPMENT = "fire_equipment"
    STAGE = "stage"
    TOILETS = "toilets"
    INFORMATION = "information"

    @property
    def title(self) -> str:
        return str(ELEMENT_KIND_TITLES[self])


ELEMENT_KIND_TITLES = {
    ElementKind.COLUMN: _l("Column"),
    ElementKind.WALL: _l("Wall"),
    ElementKind.EXIT: _l("Exit"),
    ElementKind.FIRE_EQUIPMENT: _l("Fire equipment"),
    ElementKind.STAGE: _l("Stage"),
    ElementKind.TOILETS: _l("Toilets"),
    ElementKind.INFORMATION: _l("Information desk"),
}
_element_kinds = ", ".join(f"'{k.value}'" for k in ElementKind)


class PlanElement(db.Model):
    """A fixed element of a hall's published plan: a booth may not overlap it."""
    __tablename__ = "plan_elements"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_element_kinds})", name="kind"),
        CheckConstraint("w_m > 0 AND h_m > 0", name="size"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(120), default="")
    x_m: Mapped[float] = mapped_column(default=0.0)
    y_m: Mapped[float] = mapped_column(default=0.0)
    w_m: Mapped[float] = mapped_column(default=1.0)
    h_m: Mapped[float] = mapped_column(default=1.0)
    rotation: Mapped[int] = mapped_column(default=0)

    hall = relationship("Hall")

    @property
    def kind_enum(self) -> ElementKind:
        return ElementKind(self.kind)


class BoothCluster(db.Model):
    """A block of booths reserved for a province or delegation ("Cụm gian hàng tỉnh Đắk Lắk"),
    drawn as one labelled area; its coordinators assign its booths to the delegation's
    businesses."""
    __tablename__ = "booth_clusters"
    __table_args__ = (UniqueConstraint("week_id", "name", name="uq_booth_clusters_week_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    week_id: Mapped[int] = mapped_column(ForeignKey("exhibition_weeks.id", ondelete="CASCADE"),
                                         index=True)
    name: Mapped[str] = mapped_column(String(200))
    #: the province of the delegation (vn.provinces scheme and code), when it is one
    province_scheme: Mapped[str] = mapped_column(String(10), default="")
    province_code: Mapped[str] = mapped_column(String(2), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    booths = relationship("Booth", foreign_keys="Booth.cluster_id", order_by="Booth.code",
                          viewonly=True)


class ClusterCoordinator(db.Model):
    """An account the organiser invited to coordinate one cluster, and only that cluster."""
    __tablename__ = "cluster_coordinators"

    cluster_id: Mapped[int] = mapped_column(ForeignKey("booth_clusters.id", ondelete="CASCADE"),
                                            primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    cluster = relationship("BoothCluster")
    user = relationship("User")


class PlanDraft(db.Model):
    """The organiser's draft of a week's floor plan, as one JSON document the editor saves
    (halls, booths, elements, clusters, and the booking moves a change needs). Exhibitors and
    visitors see the published rows; publishing applies the draft to them in one transaction.
    ``revision`` grows with every save: a save based on an older revision is refused (409)."""
    __tablename__ = "plan_drafts"

    week_id: Mapped[int] = mapped_column(ForeignKey("exhibition_weeks.id", ondelete="CASCADE"),
                                         primary_key=True)
    document: Mapped[str] = mapped_column(Text, default="{}")
    revision: Mapped[int] = mapped_column(default=0)
    #: the published version the draft started from
    base_version: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class PlanVersion(db.Model):
    """A published version of a week's floor plan: the whole plan as it was (JSON) and what
    changed from the version before (JSON list of changes, readable through floorplan.diff)."""
    __tablename__ = "plan_versions"
    __table_args__ = (UniqueConstraint("week_id", "number", name="uq_plan_versions_week_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    week_id: Mapped[int] = mapped_column(ForeignKey("exhibition_weeks.id", ondelete="CASCADE"),
                                         index=True)
    number: Mapped[int] = mapped_column()
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    snapshot: Mapped[str] = mapped_column(Text, default="{}")
    changes: Mapped[str] = mapped_column(Text, default="[]")
    note: Mapped[str] = mapped_column(Text, default="")


# the audit history shows these fields by their titles (core/history.py)
history.register_titles("booth", "type", BoothType)
history.register_titles("plan_element", "kind", ElementKind)
