"""Products, photos and listings: the rules and the transactions.

A product belongs to one business and only its members change it. A business shows products
at a week through listings; the week's organisers approve or reject each listing, and only
approved listings of active products reach the public catalogue. Whether a product may be shown
*as OCOP* there depends on its certificate on the week's dates (``ocop.check_certificate``).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlparse

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload
from stdnum import ean

from exhibit.booking import queries as booking
from exhibit.businesses.models import Business
from exhibit.catalogue import ocop
from exhibit.catalogue.models import (
    ListingStatus,
    Product,
    ProductListing,
    ProductPhoto,
    ProductStatus,
)
from exhibit.core import audit
from exhibit.core.db import utcnow, write_transaction
from exhibit.core.errors import Forbidden, NotFound, ValidationFailed
from exhibit.core.paging import Page, counted_page
from exhibit.core.events import announce, product_reviewed
from exhibit.extensions import db
from exhibit.media import images, storage
from exhibit.vn import provinces
from exhibit.vn.dates import parse_date, vietnam_today
from exhibit.vn.numbers import parse_whole
from exhibit.vn.text import clean_text, fold_search_key, nfc, search_document
from exhibit.weeks.models import ExhibitionWeek
from exhibit.weeks.services import is_organiser_of, is_week_organiser, require_week_organiser

MAX_PHOTOS = 6
MAX_PRICE = 10**12

#: every field a product accepts (the API's POST/PATCH keys, the form's fields)
PRODUCT_FIELDS = (
    "name", "name_en", "brand", "origin_province_scheme", "origin_province_code",
    "ocop_scheme", "ocop_group", "ocop_set", "stars", "cert_decision_number",
    "cert_decision_date", "cert_issuer_level", "cert_issuer_name", "rural_industrial_level",
    "price_vnd", "unit", "net_quantity", "packaging", "shelf_life", "storage", "ingredients",
    "standards", "barcode", "traceability_url", "story",
)
#: changing one of these sends the product back to review at weeks still to come
REVIEWED_FIELDS = frozenset((
    "name", "stars", "cert_decision_number", "cert_decision_date", "cert_issuer_level",
    "cert_issuer_name", "ocop_scheme", "ocop_group", "ocop_set",
))
_TEXT_LIMITS = {"name_en": 300, "brand": 200, "net_quantity": 100, "packaging": 200,
                "shelf_life": 100, "storage": 300, "ingredients": 5000, "story": 5000}
_STANDARD_NAMES = {fold_search_key(s).replace(" ", ""): s for s in ocop.STANDARDS}
_STANDARD_NAMES["huuco"] = "Hữu cơ"
_STANDARD_NAMES["organic"] = "Hữu cơ"


# -- validation ----------------------------------------------------------------------------------

def parse_province(value: str | None) -> tuple[str, str] | None:
    """A province as "scheme:code", a bare code of today's map, or a name as people write it
    ("Bình Thuận", "Tỉnh Đắk Lắk", "TP. Hồ Chí Minh"); None when it cannot be found."""
    text = clean_text(value)
    if not text:
        return None
    scheme, sep, code = text.partition(":")
    if sep:
        code = code.strip().zfill(2)
        return (scheme.strip(), code) if provinces.get_province(scheme.strip(), code) else None
    if text.isdigit():
        code = text.zfill(2)
        return (provinces.SCHEME_2025, code) if provinces.get_province(provinces.SCHEME_2025, code) else None
    key = fold_search_key(text).replace(".", " ")
    for prefix in ("tinh ", "thanh pho ", "tp "):
        if key.startswith(prefix):
            key = key[len(prefix):]
    key = " ".join(key.split())
    for scheme in (provinces.SCHEME_2025, provinces.SCHEME_LEGACY):
        for province in provinces.provinces(scheme):
            name = fold_search_key(province.name).replace("thanh pho ", "")
            if name == key:
                return scheme, province.code
    return None


def clean_product_data(data: dict) -> dict:
    """Validate a whole product; return its fields cleaned or raise ValidationFailed naming each
    bad field. Accepts the keys of PRODUCT_FIELDS, plus ``origin_province`` as "scheme:code",
    a code or a name."""
    errors: dict[str, str] = {}
    cleaned: dict = {}

    name = clean_text(data.get("name"))
    if not name:
        errors["name"] = _("Enter the product's name.")
    elif len(name) > 300:
        errors["name"] = _("The name is too long (300 characters at most).")
    cleaned["name"] = name
    for key, limit in _TEXT_LIMITS.items():
        value = data.get(key)
        value = nfc(str(value)).strip() if value is not None else ""
        if key not in ("ingredients", "story"):
            value = clean_text(value)
        if len(value) > limit:
            errors[key] = _("Too long (%(n)d characters at most).", n=limit)
        cleaned[key] = value

    unit = clean_text(data.get("unit"))
    if not unit:
        errors["unit"] = _("Enter the unit it is sold by (chai, hộp, gói, kg…).")
    elif len(unit) > 30:
        errors["unit"] = _("Too long (%(n)d characters at most).", n=30)
    cleaned["unit"] = unit

    try:
        price = parse_whole(data.get("price_vnd"))
        if price is None:
            errors["price_vnd"] = _("Enter the retail price in đồng.")
        elif not 0 <= price <= MAX_PRICE:
            raise ValueError
        cleaned["price_vnd"] = price
    except (TypeError, ValueError):
        errors["price_vnd"] = _("Enter the price as a whole number of đồng, e.g. 85000.")

    _clean_origin(data, cleaned, errors)
    _clean_ocop(data, cleaned, errors)

    level = str(data.get("rural_industrial_level") or "").strip()
    if level and level not in ocop.RURAL_INDUSTRIAL_LEVELS:
        errors["rural_industrial_level"] = _("Choose a level from the list.")
    cleaned["rural_industrial_level"] = level

    cleaned["standards"] = _clean_standards(data.get("standards"), errors)

    barcode = "".join(str(data.get("barcode") or "").split())
    if barcode and (len(barcode) != 13 or not ean.is_valid(barcode)):
        errors["barcode"] = _("Enter the 13 digits of the EAN-13 barcode; the check digit does not match.") \
            if len(barcode) == 13 and barcode.isdigit() else _("An EAN-13 barcode has 13 digits.")
    cleaned["barcode"] = barcode

    url = clean_text(data.get("traceability_url"))
    if url:
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc or len(url) > 500:
            errors["traceability_url"] = _("Enter a web address starting with https://.")
    cleaned["traceability_url"] = url

    if errors:
        raise ValidationFailed(_("Some details of the product are not valid."), fields=errors)
    return cleaned


def _clean_origin(data: dict, cleaned: dict, errors: dict) -> None:
    if data.get("origin_province"):
        found = parse_province(str(data["origin_province"]))
        if found is None:
            errors["origin_province"] = _("Choose a province from the list.")
            found = (None, None)
    else:
        code = str(data.get("origin_province_code") or "").strip()
        scheme = str(data.get("origin_province_scheme") or provinces.SCHEME_2025)
        found = (None, None)
        if code:
            if provinces.get_province(scheme, code.zfill(2)) is None:
                errors["origin_province_code"] = _("Choose a province from the list.")
            else:
                found = (scheme, code.zfill(2))
    scheme, code = found
    cleaned["origin_province_scheme"], cleaned["origin_province_code"] = scheme, code
    now = None
    if scheme == provinces.SCHEME_2025:
        now = code
    elif scheme:
        now = provinces.get_province(scheme, code).successor_code
    cleaned["origin_province_now"] = now


def _clean_ocop(data: dict, cleaned: dict, errors: dict) -> None:
    """Group, set, stars and certificate, checked against each other."""
    scheme = str(data.get("ocop_scheme") or ocop.QD148).strip()
    group_code = str(data.get("ocop_group") or "").strip()
    if scheme not in ocop.SCHEMES:
        errors["ocop_scheme"] = _("Choose QĐ 148 or QĐ 1048.")
    try:
        set_number = parse_whole(data.get("ocop_set"))
        if set_number is not None and set_number not in ocop.PRODUCT_SETS:
            raise ValueError
    except (TypeError, ValueError):
        errors["ocop_set"] = _("Choose a product set from the list (1–26).")
        set_number = None
    if set_number is not None:
        if scheme != ocop.QD148:
            errors["ocop_set"] = _("Product sets belong to QĐ 148 groups.")
        elif group_code and ocop.PRODUCT_SETS[set_number].group != group_code:
            errors["ocop_set"] = _("This product set belongs to another group.")
        group_code = group_code or ocop.PRODUCT_SETS[set_number].group
    if group_code and ocop.group(scheme, group_code) is None:
        errors["ocop_group"] = _("Choose an OCOP group from the list.")

    try:
        stars = parse_whole(data.get("stars"))
        if stars is not None and stars not in ocop.STARS:
            raise ValueError
    except (TypeError, ValueError):
        errors["stars"] = _("Only products rated 3, 4 or 5 stars are OCOP products.")
        stars = None

    number = clean_text(data.get("cert_decision_number"))[:100]
    issuer_level = str(data.get("cert_issuer_level") or "").strip()
    issuer_name = clean_text(data.get("cert_issuer_name"))[:300]
    try:
        decision_date = parse_date(data.get("cert_decision_date"))
    except (TypeError, ValueError):
        errors["cert_decision_date"] = _("Enter the decision date as dd/mm/yyyy.")
        decision_date = None
    if issuer_level and issuer_level not in ocop.ISSUER_LEVELS:
        errors["cert_issuer_level"] = _("Choose who recognised the product.")

    has_certificate_data = bool(number or decision_date or issuer_level or issuer_name)
    if stars is None and has_certificate_data and "stars" not in errors:
        errors["stars"] = _("Choose the star rating printed on the certificate.")
    if stars is not None:
        if not group_code:
            errors.setdefault("ocop_group", _("Choose the OCOP group of the certificate."))
        if not number:
            errors["cert_decision_number"] = _("Enter the decision number, e.g. 4894/QĐ-UBND.")
        if decision_date is None:
            errors.setdefault("cert_decision_date", _("Enter the decision date."))
        if not issuer_level:
            errors.setdefault("cert_issuer_level", _("Choose who recognised the product."))
        if not issuer_name:
            errors["cert_issuer_name"] = _("Enter the issuing body as printed, e.g. UBND tỉnh Bình Thuận.")
    if decision_date is not None:
        if decision_date > vietnam_today():
            errors["cert_decision_date"] = _("The decision date cannot be in the future.")
        elif scheme == ocop.QD1048 and decision_date >= ocop.QD148_FROM:
            errors["ocop_scheme"] = _("Decisions from 24/02/2023 follow QĐ 148; choose a QĐ 148 group.")

    cleaned.update({
        "ocop_scheme": scheme if group_code else None, "ocop_group": group_code or None,
        "ocop_set": set_number, "stars": stars, "cert_decision_number": number,
        "cert_decision_date": decision_date,
        "cert_valid_until": ocop.valid_until(decision_date) if decision_date else None,
        "cert_issuer_level": issuer_level, "cert_issuer_name": issuer_name,
    })


def _clean_standards(value, errors: dict) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        items = value.replace(";", ",").split(",")
    elif isinstance(value, (list, tuple)):
        items = value
    else:
        errors["standards"] = _("List the standards, separated by commas.")
        return []
    result: list[str] = []
    for item in items:
        text = clean_text(str(item))
        if not text:
            continue
        text = _STANDARD_NAMES.get(fold_search_key(text).replace(" ", ""), text)
        if len(text) > 60:
            errors["standards"] = _("A standard's name has at most 60 characters.")
        elif text not in result:
            result.append(text)
    if len(result) > 12:
        errors["standards"] = _("At most 12 standards.")
    return result


def product_values(product: Product) -> dict:
    """A product's editable fields, as clean_product_data accepts them."""
    return {key: getattr(product, key) for key in PRODUCT_FIELDS}


def snapshot(product: Product) -> dict:
    values = product_values(product)
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()
            if v not in ("", None, [])}


def refresh_search(product: Product, business: Business) -> None:
    """The folded search columns, from the product and the names around it."""
    origin = product.origin_name("vi")
    group = ocop.group(product.ocop_scheme or ocop.QD148, product.ocop_group or "")
    product_set = ocop.PRODUCT_SETS.get(product.ocop_set or 0)
    product.name_search = search_document(product.name, product.name_en)
    product.search_text = search_document(
        product.name, product.name_en, product.brand, business.name, origin,
        group.name_vi if group else "", group.name_en if group else "",
        product_set.name_vi if product_set else "", " ".join(product.standards or []))


def sync_listing(listing: ProductListing, product: Product | None = None, week=None) -> None:
    """Copy onto a listing what the public catalogue filters and orders by."""
    product = product or listing.product
    week = week or listing.week
    listing.visible = (listing.status == ListingStatus.APPROVED.value
                       and product.status == ProductStatus.ACTIVE.value)
    listing.shown_stars = product.stars if product.certificate_at(week).shows_as_ocop else 0
    listing.price_vnd = product.price_vnd
    listing.origin_province_now = product.origin_province_now
    listing.ocop_group = product.ocop_group
    listing.sort_name = product.name_search.strip()
    listing.search_text = product.search_text


def sync_product_listings(product: Product) -> None:
    for listing in db.session.scalars(select(ProductListing).where(
            ProductListing.product_id == product.id).options(joinedload(ProductListing.week))):
        sync_listing(listing, product)


def sync_week_listings(week_id: int) -> None:
    """After a week's dates change: which certificates cover them may have changed."""
    with write_transaction():
        week = db.session.get(ExhibitionWeek, week_id)
        if week is None:  # deleted since
            return
        for listing in db.session.scalars(select(ProductListing).where(
                ProductListing.week_id == week.id).options(joinedload(ProductListing.product))):
            sync_listing(listing, week=week)


def follow_booths(week_id: int, business_id: int, *, moved_from: int | None = None,
                  moved_to: int | None = None) -> None:
    """After a booking change: each of the business's listings at the week stays at one of its
    confirmed booths there (a listing names a booth publicly, so never a mere hold). A listing on a booth the business no longer takes follows a move to the new
    booth, or goes to its only booth, or to none (shown without a booth); a listing without a
    booth goes to the business's only booth."""
    with write_transaction():
        week = db.session.get(ExhibitionWeek, week_id)
        if week is None:  # deleted since
            return
        booths = [booth.id for booth in booking.confirmed_booths(week, business_id)]
        for listing in db.session.scalars(select(ProductListing).where(
                ProductListing.week_id == week_id, ProductListing.business_id == business_id)):
            if listing.booth_id in booths:
                continue
            if listing.booth_id is not None and listing.booth_id == moved_from and moved_to in booths:
                listing.booth_id = moved_to
            else:
                listing.booth_id = _only(booths)


def _only(booths: list[int]) -> int | None:
    """Where a listing without a chosen booth stands: the business's only booth, if one."""
    return booths[0] if len(booths) == 1 else None


# -- products ------------------------------------------------------------------------------------

def _actor_business(actor) -> Business:
    if actor is None or not actor.is_exhibitor or actor.business_id is None:
        raise Forbidden(_("Only an exhibitor's team can manage its products."))
    return actor.business


def get_own_product(actor, product_id: int) -> Product:
    """One of the actor's business's products; any other product is "not found" (its existence
    is not revealed)."""
    product = db.session.get(Product, product_id)
    if product is None or actor is None or not actor.is_exhibitor \
            or product.business_id != actor.business_id:
        raise NotFound(_("There is no such product in your catalogue."), code="product_not_found")
    return product


def _business_products_query(business_id: int, include_archived: bool):
    query = select(Product).where(Product.business_id == business_id) \
        .order_by(Product.status, Product.name, Product.id)
    if not include_archived:
        query = query.where(Product.status == ProductStatus.ACTIVE.value)
    return query


def business_products(business_id: int, *, include_archived: bool = False) -> list[Product]:
    """Every product of the business (without photos: for choosing them at a week)."""
    return db.session.scalars(_business_products_query(business_id, include_archived)).all()


#: products on one page of "My products"
PRODUCTS_PAGE_SIZE = 50


def business_products_page(business_id: int, number: int, *,
                           include_archived: bool = False) -> Page:
    """A page of the business's products with their photos (one query for the page's photos)."""
    query = _business_products_query(business_id, include_archived) \
        .options(selectinload(Product.photos))
    return counted_page(query, number, PRODUCTS_PAGE_SIZE)


def product_count(business_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Product).where(
        Product.business_id == business_id, Product.status == ProductStatus.ACTIVE.value))


def listing_counts(business_id: int) -> dict[int, int]:
    """How many products the business shows at each week: {week id: count}."""
    return dict(db.session.execute(
        select(ProductListing.week_id, func.count()).where(ProductListing.business_id == business_id)
        .group_by(ProductListing.week_id)).all())


def create_product(*, actor, data: dict) -> Product:
    business = _actor_business(actor)
    cleaned = clean_product_data(data)
    with write_transaction():
        product = Product(business_id=business.id, photos=[], **cleaned)  # none yet: no reload
        refresh_search(product, business)
        db.session.add(product)
        db.session.flush()
        audit.record("product", product.id, "create", actor=actor, business_id=business.id,
                     after=snapshot(product))
    return product


def update_product(*, actor, product: Product, data: dict) -> Product:
    """Change some fields (the rest stay). Changing what the organiser checked — name, stars,
    certificate, group — sends the product back to review at weeks that have not ended."""
    product = get_own_product(actor, product.id)
    merged = {**product_values(product), **data}
    if "origin_province" in data:
        merged.pop("origin_province_code", None)
    cleaned = clean_product_data(merged)
    with write_transaction():
        product = db.session.get(Product, product.id)
        before = snapshot(product)
        changed = {key for key, value in cleaned.items() if getattr(product, key) != value}
        for key in changed:
            setattr(product, key, cleaned[key])
        refresh_search(product, product.business)
        if changed & REVIEWED_FIELDS:
            _send_back_to_review(actor, product)
        sync_product_listings(product)
        if changed:
            audit.record("product", product.id, "update", actor=actor,
                         business_id=product.business_id, before=before, after=snapshot(product))
    return product


def _send_back_to_review(actor, product: Product) -> None:
    today = vietnam_today()
    listings = db.session.scalars(
        select(ProductListing).join(ExhibitionWeek, ProductListing.week_id == ExhibitionWeek.id)
        .where(ProductListing.product_id == product.id, ExhibitionWeek.end_date >= today,
               ProductListing.status != ListingStatus.PENDING.value)).all()
    for listing in listings:
        before = {"status": listing.status}
        listing.status, listing.reason = ListingStatus.PENDING.value, ""
        listing.decided_by_id, listing.decided_at = None, None
        audit.record("listing", listing.id, "resubmit", actor=actor, week_id=listing.week_id,
                     business_id=product.business_id, before=before,
                     after={"status": listing.status, "product": product.name})


def product_listings(product_id: int) -> list[ProductListing]:
    """Where a product is shown, newest week first."""
    return db.session.scalars(
        select(ProductListing).join(ExhibitionWeek, ProductListing.week_id == ExhibitionWeek.id)
        .where(ProductListing.product_id == product_id)
        .options(joinedload(ProductListing.week), joinedload(ProductListing.booth))
        .order_by(ExhibitionWeek.start_date.desc())).all()


def set_archived(*, actor, product: Product, archived: bool) -> Product:
    """Archive a product (it leaves every catalogue, its history stays) or bring it back."""
    product = get_own_product(actor, product.id)
    with write_transaction():
        product = db.session.get(Product, product.id)
        status = ProductStatus.ARCHIVED.value if archived else ProductStatus.ACTIVE.value
        if product.status != status:
            before = {"status": product.status}
            product.status = status
            sync_product_listings(product)
            audit.record("product", product.id, "archive" if archived else "restore",
                         actor=actor, business_id=product.business_id, before=before,
                         after={"status": status, "name": product.name})
    return product


# -- photos and the certificate scan ---------------------------------------------------------------

def add_photos(*, actor, product: Product, uploads: list[tuple[str, bytes]]) -> list[ProductPhoto]:
    """Add photos (up to MAX_PHOTOS in all). Every file is checked before any is kept: one bad
    file refuses them all, naming it."""
    product = get_own_product(actor, product.id)
    uploads = [(name, content) for name, content in uploads if content]
    if not uploads:
        raise ValidationFailed(_("Choose a photo to upload."),
                               fields={"photos": _("Choose a photo to upload.")})
    if len(product.photos) + len(uploads) > MAX_PHOTOS:
        message = _("A product has at most %(n)d photos; remove one first.", n=MAX_PHOTOS)
        raise ValidationFailed(message, fields={"photos": message})
    max_bytes = current_app.config["PHOTO_MAX_BYTES"]
    processed = []
    for filename, content in uploads:
        try:
            processed.append(images.process_photo(content, field="photos", max_bytes=max_bytes))
        except ValidationFailed as exc:
            message = f"{filename}: {exc.message}" if filename else exc.message
            raise ValidationFailed(message, fields={"photos": message}) from None
    written: list[str] = []
    try:
        with write_transaction():
            product = db.session.get(Product, product.id)
            count = db.session.scalar(select(func.count()).select_from(ProductPhoto)
                                      .where(ProductPhoto.product_id == product.id))
            if count + len(processed) > MAX_PHOTOS:
                message = _("A product has at most %(n)d photos; remove one first.", n=MAX_PHOTOS)
                raise ValidationFailed(message, fields={"photos": message})
            photos = []
            for position, photo in enumerate(processed, start=count):
                key = storage.save("photos", ".jpg", photo.display)
                written.append(key)
                thumb = storage.save("photos", ".jpg", photo.thumb)
                written.append(thumb)
                photos.append(ProductPhoto(product_id=product.id, key=key, thumb_key=thumb,
                                           width=photo.width, height=photo.height,
                                           position=position))
            db.session.add_all(photos)
            db.session.flush()
            audit.record("product", product.id, "add_photos", actor=actor,
                         business_id=product.business_id, after={"photos": len(photos)})
    except Exception:
        storage.delete(*written)  # nothing left behind when the change does not happen
        raise
    return photos


def get_own_photo(actor, photo_id: int) -> ProductPhoto:
    photo = db.session.get(ProductPhoto, photo_id)
    if photo is None:
        raise NotFound(_("There is no such photo."))
    get_own_product(actor, photo.product_id)
    return photo


def delete_photo(*, actor, photo_id: int) -> None:
    photo = get_own_photo(actor, photo_id)
    keys = (photo.key, photo.thumb_key)
    with write_transaction():
        photo = db.session.get(ProductPhoto, photo_id)
        product_id, business_id = photo.product_id, photo.product.business_id
        db.session.delete(photo)
        db.session.flush()
        _renumber_photos(product_id)
        audit.record("product", product_id, "delete_photo", actor=actor, business_id=business_id)
    storage.delete(*keys)


def make_cover(*, actor, photo_id: int) -> None:
    """Put a photo first: the catalogue shows the first photo."""
    photo = get_own_photo(actor, photo_id)
    with write_transaction():
        photo = db.session.get(ProductPhoto, photo.id)
        photo.position = -1
        db.session.flush()
        _renumber_photos(photo.product_id)


def _renumber_photos(product_id: int) -> None:
    photos = db.session.scalars(select(ProductPhoto).where(ProductPhoto.product_id == product_id)
                                .order_by(ProductPhoto.position, ProductPhoto.id)).all()
    for position, photo in enumerate(photos):
        photo.position = position


def set_certificate_scan(*, actor, product: Product, filename: str, content: bytes) -> Product:
    """Keep a scan (PDF or photo) of the OCOP certificate, replacing an earlier one."""
    product = get_own_product(actor, product.id)
    if not product.stars:
        message = _("Enter the certificate's stars and decision first.")
        raise ValidationFailed(message, fields={"cert_scan": message})
    data, suffix = images.process_scan(content, field="cert_scan",
                                       max_bytes=current_app.config["SCAN_MAX_BYTES"])
    key = storage.save("scans", suffix, data)
    try:
        with write_transaction():
            product = db.session.get(Product, product.id)
            old = product.cert_scan_key
            product.cert_scan_key = key
            audit.record("product", product.id, "upload_scan", actor=actor,
                         business_id=product.business_id, note=filename[:200])
    except Exception:
        storage.delete(key)
        raise
    storage.delete(old)
    return product


# -- who may see a product -------------------------------------------------------------------------

def visible_listing(week, product_id: int, user) -> ProductListing:
    """The product as shown at a week. The public sees approved listings of active products;
    the product's own business and the week's organisers also see it while under review."""
    listing = db.session.scalar(
        select(ProductListing).where(ProductListing.week_id == week.id,
                                     ProductListing.product_id == product_id)
        .options(joinedload(ProductListing.product).selectinload(Product.photos),
                 joinedload(ProductListing.booth), joinedload(ProductListing.business)))
    if listing is None:
        raise NotFound(_("This product is not shown at this week."), code="product_not_found")
    public = listing.status == ListingStatus.APPROVED.value and not listing.product.is_archived
    if public or _is_insider(user, listing):
        return listing
    raise NotFound(_("This product is not shown at this week."), code="product_not_found")


def _is_insider(user, listing: ProductListing) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_exhibitor and user.business_id == listing.business_id:
        return True
    return is_week_organiser(user, listing.week)


def can_read_scan(user, product: Product) -> bool:
    """The certificate scan is for the business and for organisers of weeks it is listed at."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_exhibitor:
        return user.business_id == product.business_id
    if is_organiser_of(user, user.organizer_id):
        return db.session.scalar(
            select(ProductListing.id).join(ExhibitionWeek, ProductListing.week_id == ExhibitionWeek.id)
            .where(ProductListing.product_id == product.id,
                   ExhibitionWeek.organizer_id == user.organizer_id).limit(1)) is not None
    return False


# -- listings: what a business shows at a week -----------------------------------------------------

def business_listings(business_id: int, week) -> dict[int, ProductListing]:
    """The business's listings at a week, by product id."""
    listings = db.session.scalars(select(ProductListing).where(
        ProductListing.business_id == business_id, ProductListing.week_id == week.id)).all()
    return {listing.product_id: listing for listing in listings}


def _require_taking_part(business_id: int, week) -> None:
    if booking.live_application(week.id, business_id) is None:
        raise Forbidden(_("Apply to this week before choosing the products you will show."))


def set_week_products(*, actor, week, selections: dict[int, int | None]) -> dict[str, int]:
    """Choose which products the business shows at a week and at which of its booths there
    ({product id: booth id or None}). New choices await review; products left out are removed.
    Returns how many listings were added, changed and removed."""
    business = _actor_business(actor)
    _require_taking_part(business.id, week)
    if week.end_date < vietnam_today():
        raise Forbidden(_("This week has ended; its catalogue can no longer change."))
    own = {p.id: p for p in business_products(business.id)}
    booths = [b.id for b in booking.confirmed_booths(week, business.id)]
    selections = {product_id: booth_id if booth_id is not None else _only(booths)
                  for product_id, booth_id in selections.items()}
    errors = {}
    for product_id, booth_id in selections.items():
        if product_id not in own:
            errors[f"product {product_id}"] = _("Not one of your active products.")
        elif booth_id is not None and booth_id not in booths:
            errors[f"product {product_id}"] = _("Choose one of your booths at this week.")
    if errors:
        raise ValidationFailed(_("Some choices are not valid."), fields=errors)
    counts = {"added": 0, "changed": 0, "removed": 0}
    with write_transaction():
        current = business_listings(business.id, week)
        for product_id, listing in current.items():
            if product_id not in selections:
                audit.record("listing", listing.id, "withdraw", actor=actor, week_id=week.id,
                             business_id=business.id, before={"status": listing.status},
                             after={"product": own[product_id].name if product_id in own else product_id})
                db.session.delete(listing)
                counts["removed"] += 1
        for product_id, booth_id in selections.items():
            listing = current.get(product_id)
            if listing is None:
                listing = ProductListing(week_id=week.id, product_id=product_id,
                                         business_id=business.id, booth_id=booth_id)
                sync_listing(listing, own[product_id], week)
                db.session.add(listing)
                db.session.flush()
                audit.record("listing", listing.id, "submit", actor=actor, week_id=week.id,
                             business_id=business.id, after={"product": own[product_id].name})
                counts["added"] += 1
            elif listing.booth_id != booth_id:
                listing.booth_id = booth_id
                counts["changed"] += 1
    return counts


# -- the organiser's review ------------------------------------------------------------------------

@dataclass
class ReviewRow:
    listing: ProductListing
    product: Product
    certificate: ocop.CertificateCheck


def week_review(week) -> list[ReviewRow]:
    """Every listing of the week with its certificate checked against the week's dates,
    grouped by business then product name."""
    query = (select(ProductListing).join(Product, ProductListing.product_id == Product.id)
             .join(Business, ProductListing.business_id == Business.id)
             .where(ProductListing.week_id == week.id)
             .options(joinedload(ProductListing.product).selectinload(Product.photos),
                      joinedload(ProductListing.business), joinedload(ProductListing.booth))
             .order_by(Business.name, Product.name))
    return [ReviewRow(listing, listing.product, listing.product.certificate_at(week))
            for listing in db.session.scalars(query).unique()]


def get_listing(week, listing_id: int) -> ProductListing:
    listing = db.session.get(ProductListing, listing_id)
    if listing is None or listing.week_id != week.id:
        raise NotFound(_("There is no such product at this week."))
    return listing


def review_listing(*, actor, listing: ProductListing, decision: str, reason: str = "") -> ProductListing:
    """Approve a listing, or reject it with a reason the exhibitor will read."""
    require_week_organiser(actor, listing.week)
    reason = clean_text(reason)[:500]
    if decision not in (ListingStatus.APPROVED.value, ListingStatus.REJECTED.value):
        raise ValidationFailed(_("Choose approve or reject."), fields={"decision": _("Choose approve or reject.")})
    if decision == ListingStatus.REJECTED.value and not reason:
        raise ValidationFailed(_("Give the exhibitor a reason for the rejection."),
                               fields={"reason": _("Give the exhibitor a reason for the rejection.")})
    with write_transaction():
        listing = db.session.get(ProductListing, listing.id)
        before = {"status": listing.status}
        listing.status = decision
        listing.reason = reason if decision == ListingStatus.REJECTED.value else ""
        listing.decided_by_id, listing.decided_at = actor.id, utcnow()
        sync_listing(listing)
        audit.record("listing", listing.id, "approve" if decision == "approved" else "reject",
                     actor=actor, week_id=listing.week_id, business_id=listing.business_id,
                     before=before, after={"status": decision, "product": listing.product.name},
                     note=reason or None)
        announce(product_reviewed, week_id=listing.week_id, business_id=listing.business_id,
                 status=decision, reason=listing.reason, at=listing.decided_at,
                 listings=[(listing.id, listing.product.name)])
    return listing


def approve_pending(*, actor, week, business_id: int) -> int:
    """Approve every pending listing of one business at the week; returns how many."""
    require_week_organiser(actor, week)
    with write_transaction():
        listings = db.session.scalars(select(ProductListing).where(
            ProductListing.week_id == week.id, ProductListing.business_id == business_id,
            ProductListing.status == ListingStatus.PENDING.value)).all()
        for listing in listings:
            listing.status = ListingStatus.APPROVED.value
            listing.decided_by_id, listing.decided_at = actor.id, utcnow()
            sync_listing(listing, week=week)
            audit.record("listing", listing.id, "approve", actor=actor, week_id=week.id,
                         business_id=business_id, before={"status": "pending"},
                         after={"status": "approved", "product": listing.product.name})
        if listings:  # one announcement for the lot: the business hears once
            announce(product_reviewed, week_id=week.id, business_id=business_id,
                     status=ListingStatus.APPROVED.value, reason="", at=listings[0].decided_at,
                     listings=[(listing.id, listing.product.name) for listing in listings])
    return len(listings)
