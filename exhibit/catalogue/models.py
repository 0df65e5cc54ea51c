"""Products, their photos, and listings (a product shown at one week, reviewed there)."""
from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (JSON, BigInteger, CheckConstraint, ForeignKey, Index, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exhibit.catalogue import ocop
from exhibit.core import history
from exhibit.core.db import UTCDateTime, utcnow
from exhibit.extensions import db
from exhibit.vn import provinces


class ProductStatus(str, enum.Enum):
    ACTIVE = "active"
    ARCHIVED = "archived"


class Product(db.Model):
    """A product as its business describes it; the same product can be shown at many weeks."""
    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("stars IS NULL OR stars BETWEEN 3 AND 5", name="stars"),
        CheckConstraint("price_vnd >= 0", name="price"),
        CheckConstraint("status IN ('active', 'archived')", name="status"),
        CheckConstraint("ocop_scheme IS NULL OR ocop_scheme IN ('qd148', 'qd1048')",
                        name="ocop_scheme"),
        CheckConstraint("ocop_set IS NULL OR ocop_set BETWEEN 1 AND 26", name="ocop_set"),
        CheckConstraint("stars IS NULL OR cert_decision_date IS NOT NULL", name="certificate"),
        Index("ix_products_business_status", "business_id", "status"),
        # the catalogue's filter by a province of the old map ("legacy63:60")
        Index("ix_products_origin", "origin_province_scheme", "origin_province_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    business_id: Mapped[int] = mapped_column(ForeignKey("businesses.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(10), default=ProductStatus.ACTIVE.value)
    name: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300), default="")
    brand: Mapped[str] = mapped_column(String(200), default="")
    origin_province_scheme: Mapped[str | None] = mapped_column(String(10))
    origin_province_code: Mapped[str | None] = mapped_column(String(2))
    #: the origin as a code of today's 34 units, for filtering ("60" Bình Thuận → "68" Lâm Đồng)
    origin_province_now: Mapped[str | None] = mapped_column(String(2), index=True)

    #: rule set of the group: "qd148" or "qd1048"
    ocop_scheme: Mapped[str | None] = mapped_column(String(10))
    ocop_group: Mapped[str | None] = mapped_column(String(40))
    #: QĐ 148 Annex I product set, 1–26
    ocop_set: Mapped[int | None]
    #: 3–5 with a certificate; None for a product that is not (or not yet) OCOP
    stars: Mapped[int | None]
    cert_decision_number: Mapped[str] = mapped_column(String(100), default="")
    cert_decision_date: Mapped[date | None]
    #: decision date + 36 months, stored so lists and filters can use it
    cert_valid_until: Mapped[date | None]
    cert_issuer_level: Mapped[str] = mapped_column(String(10), default="")
    #: as printed, e.g. "UBND tỉnh Bình Thuận"
    cert_issuer_name: Mapped[str] = mapped_column(String(300), default="")
    cert_scan_key: Mapped[str] = mapped_column(String(120), default="")
    #: "Sản phẩm công nghiệp nông thôn tiêu biểu": district/province/regional/national
    rural_industrial_level: Mapped[str] = mapped_column(String(10), default="")

    price_vnd: Mapped[int] = mapped_column(BigInteger)
    unit: Mapped[str] = mapped_column(String(30))
    #: as on the label: "Chai 500 ml"
    net_quantity: Mapped[str] = mapped_column(String(100), default="")
    packaging: Mapped[str] = mapped_column(String(200), default="")
    shelf_life: Mapped[str] = mapped_column(String(100), default="")
    storage: Mapped[str] = mapped_column(String(300), default="")
    ingredients: Mapped[str] = mapped_column(Text, default="")
    standards: Mapped[list] = mapped_column(JSON, default=list)
    #: EAN-13 with a valid check digit (Vietnam's GS1 prefix is 893)
    barcode: Mapped[str] = mapped_column(String(13), default="")
    traceability_url: Mapped[str] = mapped_column(String(500), default="")
    story: Mapped[str] = mapped_column(Text, default="")

    #: folded name, " ca phe rang xay " — ranks name matches first
    name_search: Mapped[str] = mapped_column(String(400), default="")
    #: folded words of the name, brand, business, origin, group and set, for search
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    business = relationship("Business")
    photos = relationship("ProductPhoto", back_populates="product", order_by="ProductPhoto.position",
                          cascade="all, delete-orphan")

    @property
    def is_archived(self) -> bool:
        return self.status == ProductStatus.ARCHIVED.value

    def display_name(self, lang: str = "vi") -> str:
        return self.name_en if lang == "en" and self.name_en else self.name

    def group_title(self, lang: str = "vi") -> str:
        found = ocop.group(self.ocop_scheme or ocop.QD148, self.ocop_group or "")
        return found.title(lang) if found else ""

    def set_title(self) -> str:
        found = ocop.PRODUCT_SETS.get(self.ocop_set or 0)
        return found.name_vi if found else ""

    def origin_name(self, lang: str = "vi") -> str:
        if not self.origin_province_code:
            return ""
        return provinces.display_name(self.origin_province_scheme, self.origin_province_code,
                                      lang=lang)

    @property
    def cover(self):
        return self.photos[0] if self.photos else None

    def certificate_at(self, week) -> ocop.CertificateCheck:
        return ocop.check_certificate(self.stars, self.cert_decision_date, week.start_date,
                                      week.end_date)


class ProductPhoto(db.Model):
    __tablename__ = "product_photos"
    __table_args__ = (Index("ix_product_photos_product", "product_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    #: media keys of the display-size and thumbnail JPEGs
    key: Mapped[str] = mapped_column(String(120))
    thumb_key: Mapped[str] = mapped_column(String(120))
    width: Mapped[int]
    height: Mapped[int]
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    product = relationship("Product", back_populates="photos")


class ListingStatus(str, enum.Enum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"

    @property
    def title(self) -> str:
        return str(LISTING_STATUS_TITLES[self])


LISTING_STATUS_TITLES = {
    ListingStatus.PENDING: _l("Awaiting review"), ListingStatus.APPROVED: _l("Approved"),
    ListingStatus.REJECTED: _l("Rejected"),
}


class ProductListing(db.Model):
    """A product a business shows at a week (optionally at one of its booths there), with the
    organiser's review. Only approved listings appear in the week's public catalogue."""
    __tablename__ = "product_listings"
    __table_args__ = (
        UniqueConstraint("week_id", "product_id", name="uq_product_listings_week_product"),
        CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="status"),
        CheckConstraint("status != 'rejected' OR reason != ''", name="reject_reason"),
        Index("ix_product_listings_week_status", "week_id", "status"),
        Index("ix_product_listings_business", "business_id", "week_id"),
        # the catalogue's default order (by name), readable straight from the index, with the
        # filtered columns after it: a filtered page or count never reads the table itself
        Index("ix_product_listings_browse", "week_id", "visible", "sort_name", "id",
              "shown_stars", "ocop_group", "price_vnd", "origin_province_now"),
        # SQLite's full-text matches (product ids) reach the week's listing, what ranks it and
        # what filters it in one index lookup each
        Index("ix_product_listings_match", "week_id", "product_id", "visible", "shown_stars",
              "sort_name", "ocop_group", "price_vnd", "origin_province_now"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    week_id: Mapped[int] = mapped_column(ForeignKey("exhibition_weeks.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"),
                                            index=True)
    business_id: Mapped[int] = mapped_column(ForeignKey("businesses.id", ondelete="CASCADE"))
    booth_id: Mapped[int | None] = mapped_column(ForeignKey("booths.id", ondelete="SET NULL"),
                                                 index=True)
    status: Mapped[str] = mapped_column(String(10), default=ListingStatus.PENDING.value)
    #: the organiser's reason for a rejection (shown to the exhibitor)
    reason: Mapped[str] = mapped_column(String(500), default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    # Copied from the product and the week by services.sync_listing, so the public catalogue
    # counts, filters and orders one table (bench/catalogue: 50,000 products in one week).
    #: approved and the product active: in the public catalogue
    visible: Mapped[bool] = mapped_column(default=False)
    #: the product's stars when its certificate covers the week's dates, else 0
    shown_stars: Mapped[int] = mapped_column(default=0)
    price_vnd: Mapped[int] = mapped_column(BigInteger, default=0)
    origin_province_now: Mapped[str | None] = mapped_column(String(2))
    ocop_group: Mapped[str | None] = mapped_column(String(40))
    #: the product's folded name, for ordering
    sort_name: Mapped[str] = mapped_column(String(400), default="")
    #: the product's folded search words (``Product.search_text``): PostgreSQL's full-text index
    #: is on this copy, so a search reads one table (``fulltext``)
    search_text: Mapped[str] = mapped_column(Text, default="")

    week = relationship("ExhibitionWeek")
    product = relationship("Product")
    business = relationship("Business")
    booth = relationship("Booth")

    @property
    def status_enum(self) -> ListingStatus:
        return ListingStatus(self.status)


# the audit history shows these fields by their titles (core/history.py)
history.register_titles("listing", "status", ListingStatus)
