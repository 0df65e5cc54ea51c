"""Every body the API reads or writes, declared once (pydantic v2).

A request schema checks a body's *shape and types* — an object where an object belongs, text
where text belongs, whole numbers, required fields, unknown fields — and hands what it read to
the service, which checks the *values* (tax codes, phones, OCOP rules…) with the rules the HTML
forms use too. Lists of allowed values (``enum``) are shown to clients from the same constants
the services check against, but are refused by the service, so that one answer names every bad
field. A response schema is built from the domain object, and is the only way an answer gets
its JSON. Both kinds generate /api/v1/openapi.json (``exhibit.api.openapi``).
"""
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any, Literal

from flask_babel import gettext as _
from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer,
                      WithJsonSchema, model_validator)
from pydantic_core import PydanticCustomError

from exhibit.scanning import checkin
from exhibit.badges.models import BadgeKind
from exhibit.booking.models import ApplicationStatus
from exhibit.businesses.models import LegalForm
from exhibit.businesses.services import CURRENT_PROVINCES
from exhibit.catalogue import ocop
from exhibit.catalogue.models import ProductStatus
from exhibit.catalogue.search import GROUP_FILTER, MAX_PER_PAGE, PER_PAGE
from exhibit.catalogue.services import MAX_PRICE, product_values
from exhibit.core.forms import MAX_ROW_ID, row_id
from exhibit.core.languages import LANGUAGES
from exhibit.core.links import public_url
from exhibit.documents.models import DocumentKind, DocumentStatus
from exhibit.floorplan.models import BoothType
from exhibit.booking.queries import BOOTH_STATUSES
from exhibit.pdf.sheets import CARD_FACES
from exhibit.vn import provinces
from exhibit.weeks.models import WeekStatus


def one_of(values) -> Any:
    """A closed set of values in an answer, from the constant that owns them."""
    return Literal[tuple(values)]  # type: ignore[valid-type]


def documented(*, enum=None, default=None, fmt: str | None = None, **extra) -> dict:
    """What a client reads about a request field beyond its type; the service checks it."""
    schema = dict(extra)
    if enum is not None:
        schema["enum"] = list(enum)
    if default is not None:
        schema["default"] = default
    if fmt:
        schema["format"] = fmt
    return schema


# -- what a field of a request may hold ------------------------------------------------------------

def _single_value() -> str:
    return _("Send a single value, not a list or an object.")


def text_field(message: Callable[[], str] = _single_value, *, numbers: bool = True,
               nullable: bool = True) -> Any:
    """Text. A number sent where text is expected (a barcode or a phone number in JSON) is read
    as its digits unless ``numbers`` is False; a list, an object or true/false is refused with
    ``message()``; null is accepted (and read as empty) where ``nullable``."""
    def read(value):
        if value is None and nullable:
            return None
        if isinstance(value, str):
            return value
        if numbers and isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        if value is None:
            raise PydanticCustomError("required", _("Required."))
        raise PydanticCustomError("single_value", message())
    return Annotated[str | None if nullable else str, BeforeValidator(read)]


def whole_number(message: Callable[[], str], *, nullable: bool = True) -> Any:
    """A whole JSON number: 85000 or 85000.0, never "85000", true or 85000.5."""
    def read(value):
        if value is None and nullable:
            return None
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if value is None:
            raise PydanticCustomError("required", _("Required."))
        raise PydanticCustomError("whole_number", message())
    return Annotated[int | None if nullable else int, BeforeValidator(read)]


def _standard_names(value):
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, list) and not any(isinstance(item, (list, dict, bool)) or item is None
                                           for item in value):
        return [str(item) for item in value]
    raise PydanticCustomError("single_values", _("Send a list of single values."))


def _an_object(message: Callable[[], str]) -> BeforeValidator:
    def read(value):
        if not isinstance(value, dict):
            raise PydanticCustomError("object", message())
        return value
    return BeforeValidator(read)


Text = text_field()
RequiredText = text_field(nullable=False)
StandardNames = Annotated[str | list[str] | None, BeforeValidator(_standard_names), WithJsonSchema({
    "anyOf": [{"type": "array", "items": {"type": "string"}},
              {"type": "string", "description": "names separated by commas"},
              {"type": "null"}]})]
BoothCount = whole_number(lambda: _("Enter a number of booths between 1 and 50."))
ProductSet = whole_number(lambda: _("Choose a product set from the list (1–26)."))
Stars = whole_number(lambda: _("Only products rated 3, 4 or 5 stars are OCOP products."))
Price = whole_number(lambda: _("Enter the price as a whole number of đồng, e.g. 85000."),
                     nullable=False)
BadgeCode = text_field(lambda: _("Send the scanned or typed badge code as text."),
                       numbers=False, nullable=False)
Nonce = text_field(lambda: _("Send a nonce of 8–64 letters or digits, new for each scan."),
                   numbers=False, nullable=False)


class RequestBody(BaseModel):
    """A JSON object a client sends. Keys it does not know are ignored unless the schema
    forbids them."""
    model_config = ConfigDict(extra="ignore")

    def given(self) -> dict:
        """The fields the client sent (null ones included), as the services read them."""
        return self.model_dump(exclude_unset=True)


# -- accounts and tokens ---------------------------------------------------------------------------

class BusinessDetails(RequestBody):
    name: RequiredText = Field(examples=["Hợp tác xã Thanh long Hàm Minh"])
    legal_form: RequiredText = Field(json_schema_extra=documented(enum=[f.value for f in LegalForm]))
    tax_code: RequiredText = Field(
        description="10 digits with their check digit, 10 digits + -NNN for a branch, or a "
                    "12-digit personal ID (household businesses only)", examples=["0314409058"])
    province_code: RequiredText = Field(
        description="two-digit code of a province of province_scheme", examples=["68"])
    province_scheme: Text = Field(None, json_schema_extra=documented(
        enum=CURRENT_PROVINCES, default=provinces.SCHEME_2025,
        description="2025: today's 34 units, the only map a new business is registered on"))
    phone: RequiredText = Field(examples=["0912 345 678"])
    address: RequiredText = Field(examples=["Xã Hàm Minh, tỉnh Lâm Đồng"])
    representative: Text = None
    representative_position: Text = None
    email: Text = None


class SignUp(RequestBody):
    """A new exhibitor account and its business; the answer carries the first token."""
    email: RequiredText = Field(examples=["htx@example.vn"], json_schema_extra=documented(fmt="email"))
    password: RequiredText = Field(description="at least 10 characters, other than the email")
    full_name: Text = None
    business: Annotated[BusinessDetails, _an_object(
        lambda: _("Send the business's details as an object."))]


class BusinessChanges(RequestBody):
    """Any of the details a business keeps up to date itself: the ones sent change, the others
    stay; null empties one that may be empty. The registered name, legal form, tax code and
    province are corrected by an organiser of a week the business takes part in; the logo is
    uploaded on the website. Contracts and MoUs already issued keep the details they printed."""
    model_config = ConfigDict(extra="forbid")

    # text only, as documented: a number is refused rather than read as its digits
    address: text_field(numbers=False, nullable=False) = Field(
        None, examples=["Xã Hàm Minh, tỉnh Lâm Đồng"])
    representative: text_field(numbers=False) = Field(None, examples=["Nguyễn Văn Lực"])
    representative_position: text_field(numbers=False) = Field(None, examples=["Chủ nhiệm HTX"])
    phone: text_field(numbers=False, nullable=False) = Field(None, examples=["0912 345 678"])
    email: text_field(numbers=False) = Field(None, description="an email address, or empty "
                                             "for none", examples=["htx@example.vn"])


class Credentials(RequestBody):
    """An account's email and password. Both are needed: one left out counts as a failed
    sign-in (401), like a wrong password, and failed sign-ins are limited (429)."""
    email: Text = None
    password: Text = None


class PasswordResetRequest(RequestBody):
    """The email of the account whose password was forgotten."""
    email: Text = None


class NewPassword(RequestBody):
    password: Text = None


# -- booking ---------------------------------------------------------------------------------------

class ApplicationRequest(RequestBody):
    booth_count: BoothCount = Field(None, json_schema_extra=documented(default=1,
                                                                       description="1 to 50"))
    intended_products: Text = None
    notes: Text = None


# -- catalogue -------------------------------------------------------------------------------------

class ProductChanges(RequestBody):
    """Any of a product's fields: the ones sent change, the others stay; null empties one.
    Changing the name, stars, certificate or group sends the product back to review at the
    weeks still to come."""
    model_config = ConfigDict(extra="forbid")

    name: text_field(nullable=False) = Field(None, examples=["Nước mắm cá cơm 40 độ đạm"])
    name_en: Text = None
    brand: Text = None
    origin_province: Text = Field(None, description=(
        "a code of today's 34 units, legacy63:NN, or a name such as \"Bình Thuận\"; it sets "
        "origin_province_scheme and origin_province_code"), examples=["legacy63:60"])
    origin_province_scheme: Text = Field(None, json_schema_extra=documented(
        enum=provinces.SCHEMES))
    origin_province_code: Text = None
    ocop_scheme: Text = Field(None, json_schema_extra=documented(enum=ocop.SCHEMES,
                                                                 default=ocop.QD148))
    ocop_group: Text = Field(None, json_schema_extra=documented(
        enum=sorted({code for _scheme, code in ocop.GROUPS}),
        description="QĐ 148 groups: " + ", ".join(
            code for scheme, code in ocop.GROUPS if scheme == ocop.QD148)))
    ocop_set: ProductSet = Field(None, json_schema_extra=documented(
        enum=[*ocop.PRODUCT_SETS, None], description="QĐ 148 Annex I product set"))
    stars: Stars = Field(None, json_schema_extra=documented(enum=[*ocop.STARS, None]))
    cert_decision_number: Text = Field(None, examples=["4894/QĐ-UBND"])
    cert_decision_date: Text = Field(None, examples=["2024-11-12"],
                                     json_schema_extra=documented(fmt="date"))
    cert_issuer_level: Text = Field(None, json_schema_extra=documented(
        enum=["", *ocop.ISSUER_LEVELS]))
    cert_issuer_name: Text = Field(None, examples=["UBND tỉnh Bình Thuận"])
    rural_industrial_level: Text = Field(None, json_schema_extra=documented(
        enum=["", *ocop.RURAL_INDUSTRIAL_LEVELS]))
    price_vnd: Price = Field(None, description="retail price in đồng", examples=[85000])
    unit: text_field(nullable=False) = Field(None, examples=["chai"])
    net_quantity: Text = Field(None, examples=["Chai 500 ml"])
    packaging: Text = None
    shelf_life: Text = None
    storage: Text = None
    ingredients: Text = None
    standards: StandardNames = Field(None, examples=[["HACCP", "VietGAP"]])
    barcode: Text = Field(None, description="EAN-13 with a valid check digit")
    traceability_url: Text = Field(None, description="an http or https address")
    story: Text = None


class NewProduct(ProductChanges):
    """A product for the business's catalogue: name, price_vnd and unit are needed."""
    name: text_field(nullable=False) = Field(examples=["Nước mắm cá cơm 40 độ đạm"])
    price_vnd: Price = Field(description="retail price in đồng", examples=[85000])
    unit: text_field(nullable=False) = Field(examples=["chai"])


# -- the entrance ----------------------------------------------------------------------------------

class Scan(RequestBody):
    code: BadgeCode = Field(description="the scanned URL or the typed code",
                            examples=["k7q2 9xmd 3pla"])
    nonce: Nonce = Field(description="8–64 letters, digits or _.:-, new for each scan; a retry "
                                     "with the same nonce gets the first answer",
                         examples=["phone1-000042"])


# -- scanning devices ------------------------------------------------------------------------------

_DEVICE_NONCE = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")


def _nonce_shape(value: str) -> str:
    if not _DEVICE_NONCE.match(value):
        raise PydanticCustomError("nonce", _("Send a nonce of 8–64 letters or digits, new for "
                                             "each scan."))
    return value


#: RFC 3339's date-time, which the document promises (an offset is required)
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$")


def _aware_moment(value: str) -> datetime:
    moment = None
    if _RFC3339.match(value):
        try:
            moment = datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
        except ValueError:
            pass
    if moment is None or moment.tzinfo is None or not 2000 <= moment.year <= 2100:
        raise PydanticCustomError("moment", _("Send the time of the scan as ISO 8601 with its "
                                              "offset, e.g. 2026-12-05T08:30:00+07:00."))
    return moment


def text_choice(values, message: Callable[[], str]) -> Any:
    """Text that must be one of ``values`` (a closed set the device itself produces)."""
    def check(value):
        if not isinstance(value, str) or value not in values:
            raise PydanticCustomError("choice", message())
        return value
    return Annotated[str, BeforeValidator(check), WithJsonSchema(
        {"type": "string", "enum": list(values)})]


DeviceNonce = Annotated[Nonce, AfterValidator(_nonce_shape), WithJsonSchema(
    {"type": "string", "pattern": _DEVICE_NONCE.pattern})]
def _scan_moment(value) -> datetime:
    if value is None:
        raise PydanticCustomError("required", _("Required."))
    if not isinstance(value, str):
        raise PydanticCustomError("moment", _("Send the time of the scan as text."))
    return _aware_moment(value)


ScanMoment = Annotated[datetime, BeforeValidator(_scan_moment),
                       WithJsonSchema({"type": "string", "format": "date-time"})]
#: text that must be sent as text (a number is refused, as the document says)
StrictText = text_field(lambda: _("Send this as text."), numbers=False, nullable=False)
OptionalText = text_field(lambda: _("Send this as text."), numbers=False)
#: what an offline device showed for a scan ("" when it asked the server)
DEVICE_ANSWERS = ("", "ok", "already_checked_in", "invalid", "saved", "already_saved")
#: the most scans one upload carries
MAX_BATCH = 500


class Pairing(RequestBody):
    code: StrictText = Field(description="the code in the pairing QR's address, after the #",
                               examples=["Xq3Hc9m0b5w2yZk8PqL1nVt4sR7uE6aJ"])
    app_version: OptionalText = Field(None, description="the scanner app's version",
                                      examples=["1.0.0"])


class DeviceScan(RequestBody):
    nonce: DeviceNonce = Field(description="8–64 letters, digits or _.:-, new for each scan; a "
                                           "scan sent again with the same nonce gets its first "
                                           "answer and is not counted twice",
                               examples=["d12-000042"])
    code: BadgeCode = Field(description="what was scanned or typed", examples=["k7q29xmd3pla"])
    scanned_at: ScanMoment = Field(description="when it was scanned, by the device's clock, with "
                                               "the offset; a scan queued offline keeps it (one "
                                               "that cannot be right, the device's clock being "
                                               "wrong, is counted at its arrival, flagged "
                                               "\"clock\")")
    direction: text_choice(("in", "out"), lambda: _("Send in or out.")) = Field(
        "in", description="an entry (the default) or an exit")
    device_answer: text_choice(DEVICE_ANSWERS, lambda: _("Send the answer the device showed, or "
                                                         "nothing.")) = Field(
        "", description="what the device answered offline (empty when it asked the server)")


def _batch_size(value):
    if isinstance(value, list) and not 1 <= len(value) <= MAX_BATCH:
        raise PydanticCustomError("batch", _("Send from 1 to %(count)d scans.", count=MAX_BATCH))
    return value


def _not_negative(value):
    if value is not None and value < 0:
        raise PydanticCustomError("whole_number", _("Send a whole number."))
    return value


#: the largest count of queued scans a device may report (a 32-bit integer)
UNSYNCED_MAX = 2**31 - 1


def _a_count_of_scans(value):
    if value is not None and value > UNSYNCED_MAX:
        raise PydanticCustomError("too_large", _("At most %(count)d.", count=UNSYNCED_MAX))
    return value


class ScanBatch(RequestBody):
    """Scans a device queued (or one it makes online), in the order they were made."""
    scans: Annotated[list[DeviceScan], BeforeValidator(_batch_size)] = Field(
        min_length=1, max_length=MAX_BATCH)
    unsynced: Annotated[whole_number(lambda: _("Send a whole number.")),
                        AfterValidator(_not_negative), AfterValidator(_a_count_of_scans)] = Field(
        None, description="scans still queued on the device after this batch",
        json_schema_extra={"minimum": 0, "maximum": UNSYNCED_MAX})
    app_version: OptionalText = Field(None, description="the scanner app's version")


class NewGateDevice(RequestBody):
    name: StrictText = Field(description="what people call it", examples=["Cổng A – máy 2"])
    zone_id: whole_number(lambda: _("Choose one of the week's zones."), nullable=False) = Field(
        description="the zone it lets people into (GET /weeks/{slug}/zones)")
    gate: OptionalText = Field(None, description="the entrance it stands at, as shown on its "
                                                 "screen",
                       examples=["Cổng A"])


class Revocation(RequestBody):
    reason: StrictText = Field(description="why, kept in the audit log",
                                 examples=["Điện thoại bị mất"])


# -- query strings ---------------------------------------------------------------------------------

class Query(BaseModel):
    """Query-string parameters. Most pass to the service as text, which parses and checks them
    with the rules of the site's own filters (422 naming the parameter). A parameter sent empty
    ("?group=") is one not sent, as a form with an empty field sends it."""
    model_config = ConfigDict(extra="ignore")

    @model_validator(mode="before")
    @classmethod
    def _empty_is_not_sent(cls, given):
        if isinstance(given, dict):
            return {name: value for name, value in given.items() if value != ""}
        return given


QueryText = Annotated[str | None, WithJsonSchema({"type": "string"})]
_WHOLE = re.compile(r"-?[0-9]+")


def query_whole(low: int, high: int) -> Any:
    """A whole number in a query string, as digits ("2", never "2.0" or "1.000"), passed on as
    text; the service checks the range (declared here for clients and for the message)."""
    def read(value):
        if value is None or _WHOLE.fullmatch(value):
            return value
        raise PydanticCustomError("whole_number", _(
            "Enter a whole number from %(low)d to %(high)d.", low=low, high=high))
    return Annotated[str | None, BeforeValidator(read), WithJsonSchema(
        {"type": "integer", "minimum": low, "maximum": high})]


def _version(value):
    if value is None:
        return None
    try:
        return row_id(value)
    except ValueError:
        raise PydanticCustomError("whole_number", _(
            "Enter a whole number from %(low)d to %(high)d.", low=1, high=MAX_ROW_ID)) from None


#: the last page the catalogue's filters accept (catalogue.search.parse_filters)
MAX_PAGE = 100_000


class CatalogueFilters(Query):
    q: QueryText = Field(None, description="words to find; case and diacritics do not matter",
                         examples=["ca phe"])
    province: QueryText = Field(None, description=(
        "origin: a code of today's 34 units (it includes the old provinces merged into it) or "
        "legacy63:NN"), examples=["66"])
    group: QueryText = Field(None, description="OCOP group",
                             json_schema_extra=documented(enum=GROUP_FILTER))
    stars: query_whole(min(ocop.STARS), max(ocop.STARS)) = Field(
        None, description="OCOP stars with a certificate valid on the week's dates")
    price_min: query_whole(0, MAX_PRICE) = Field(None, description="lowest price in đồng")
    price_max: query_whole(0, MAX_PRICE) = Field(None, description="highest price in đồng")
    page: query_whole(1, MAX_PAGE) = Field(None, description="page number")
    per_page: query_whole(1, MAX_PER_PAGE) = Field(None, description=f"{PER_PAGE} unless given")


class BadgeSheet(Query):
    kind: Annotated[str, WithJsonSchema({"type": "string"})] = Field(
        json_schema_extra=documented(enum=[k.value for k in BadgeKind]))
    layout: QueryText = Field(None, json_schema_extra=documented(enum=CARD_FACES, default="a4-8"))


def _language(description: str):
    return Field(None, description=description, json_schema_extra=documented(enum=LANGUAGES))


class DocumentFile(Query):
    version: Annotated[int | None, BeforeValidator(_version), WithJsonSchema(
        {"type": "integer", "minimum": 1, "maximum": MAX_ROW_ID})] = Field(
        None, description="an issued version; the latest unless given")
    lang: QueryText = _language("en: an English translation of the current version, for "
                                "reference (what is signed is the Vietnamese); vi unless given")


class ReportFile(Query):
    lang: QueryText = _language("the file's language; the token user's saved language unless "
                                "given, else vi")


# -- answers ---------------------------------------------------------------------------------------

#: a moment as ISO 8601 with its UTC offset ("2026-03-05T08:30:00.123456+00:00")
Moment = Annotated[datetime, PlainSerializer(lambda moment: moment.isoformat(), return_type=str),
                   WithJsonSchema({"type": "string", "format": "date-time"})]
Url = Annotated[str, WithJsonSchema({"type": "string", "format": "uri"})]


class Answer(BaseModel):
    """A JSON object the API sends. Every field without a default is always sent."""


class Error(Answer):
    """Every error: a code for programs, a message for people, and the bad fields by name
    ("business.phone")."""
    error: str = Field(examples=["validation_failed"])
    message: str
    fields: dict[str, str]


class Token(Answer):
    token: str = Field(description="send it as Authorization: Bearer <token>")
    expires_at: Moment = Field(description="API_TOKEN_DAYS (30) after it was made")


class ResetRequested(Answer):
    detail: str = Field(description="the same whether or not the email has an account")


class NewAccount(Token):
    user_id: int
    business_id: int


class Province(Answer):
    scheme: one_of(provinces.SCHEMES)
    code: str
    name: str


class BusinessProfile(Answer):
    """The token's business as it is registered and printed on its documents."""
    id: int
    name: str
    legal_form: one_of(f.value for f in LegalForm)
    tax_code: str
    address: str
    province: Province
    representative: str
    representative_position: str
    phone: str = Field(description="E.164", examples=["+84912345678"])
    email: str
    logo: Url | None = Field(description="the logo printed on booth posters; null when none")

    @classmethod
    def of(cls, business) -> "BusinessProfile":
        return cls(id=business.id, name=business.name, legal_form=business.legal_form,
                   tax_code=business.tax_code, address=business.address,
                   province=Province(scheme=business.province_scheme,
                                     code=business.province_code,
                                     name=business.province_name()),
                   representative=business.representative,
                   representative_position=business.representative_position,
                   phone=business.phone, email=business.email,
                   logo=public_url("media.serve", key=business.logo_key)
                   if business.logo_key else None)


class Week(Answer):
    slug: str
    name: str
    name_en: str = Field(description="empty when the week has no English name")
    start_date: date
    end_date: date
    status: one_of(s.value for s in WeekStatus if s is not WeekStatus.DRAFT)
    host_province: Province

    @classmethod
    def of(cls, week) -> "Week":
        return cls(slug=week.slug, name=week.name_vi, name_en=week.name_en,
                   start_date=week.start_date, end_date=week.end_date, status=week.status,
                   host_province=Province(scheme=week.host_province_scheme,
                                          code=week.host_province_code,
                                          name=week.host_province_name()))


class Weeks(Answer):
    items: list[Week]


class Occupant(Answer):
    id: int
    name: str


class Booth(Answer):
    code: str
    id: int
    hall: str
    type: one_of(t.value for t in BoothType)
    area_m2: float
    price_vnd: int
    status: one_of(BOOTH_STATUSES)
    business: Occupant | None = Field(description="the business, on a confirmed booth only")


class Booths(Answer):
    items: list[Booth]


class Application(Answer):
    application_id: int
    status: one_of(s.value for s in ApplicationStatus)
    booth_count: int


class Hold(Answer):
    hold_id: int
    booth: str
    expires_at: Moment = Field(description="when the hold lapses unless confirmed")


class Product(Answer):
    """One of the business's products. DELETE archives it: it then leaves every catalogue and
    is answered with "status": "archived" (the business can restore it on the website)."""
    id: int
    business_id: int
    status: one_of(s.value for s in ProductStatus)
    name: str
    name_en: str
    brand: str
    origin_province_scheme: one_of(provinces.SCHEMES) | None
    origin_province_code: str | None
    ocop_scheme: one_of(ocop.SCHEMES) | None
    ocop_group: str | None
    ocop_set: int | None
    stars: int | None
    cert_decision_number: str
    cert_decision_date: date | None
    cert_valid_until: date | None = Field(description="the certificate's last valid day "
                                                      "(36 months)")
    cert_issuer_level: str
    cert_issuer_name: str
    rural_industrial_level: str
    price_vnd: int
    unit: str
    net_quantity: str
    packaging: str
    shelf_life: str
    storage: str
    ingredients: str
    standards: list[str]
    barcode: str
    traceability_url: str
    story: str
    photos: list[Url] = Field(description="display-size photos, the cover first")

    @classmethod
    def of(cls, product) -> "Product":
        return cls(id=product.id, business_id=product.business_id, status=product.status,
                   **product_values(product), cert_valid_until=product.cert_valid_until,
                   photos=[public_url("media.serve", key=photo.key) for photo in product.photos])


class CatalogueItem(Answer):
    id: int
    name: str
    business: str
    booth: str | None
    stars: int | None = Field(description="OCOP stars, only when the certificate is valid on "
                                          "the week's dates")
    price_vnd: int
    unit: str
    group: str | None


class CataloguePage(Answer):
    items: list[CatalogueItem]
    total: int
    page: int
    per_page: int


class ScannedBadge(Answer):
    name: str
    kind: one_of(k.value for k in BadgeKind)


class ScanAnswer(Answer):
    status: one_of((checkin.OK, checkin.ALREADY, checkin.INVALID))
    first_at: Moment | None = Field(description="the day's first check-in of the badge")
    reason: str | None = Field(description="why a scan is invalid: unknown, revoked, "
                                           "contact_code or not_running")
    message: str
    badge: ScannedBadge = Field(None, exclude_if=lambda badge: badge is None,
                                description="sent unless the code is invalid")


# -- scanning devices (answers) ------------------------------------------------------------------

class ScanZone(Answer):
    """A zone and its rules, as a device applies them."""
    id: int
    name: str
    badge_kinds: list[one_of(k.value for k in BadgeKind)] = Field(
        description="the badge kinds let in; empty: every kind")
    days: list[date] = Field(description="the days it is open; empty: every day of the week")
    mode: one_of(("entry", "entry_exit"))
    multiple_entries: bool
    is_default: bool = Field(description="the exhibition hall: its first entry of a day is the "
                                         "badge's check-in")


class ScanWeek(Answer):
    slug: str
    name: str
    start_date: date
    end_date: date


class DeviceInfo(Answer):
    """A scanning device as it shows itself."""
    id: int
    name: str
    purpose: one_of(("gate", "leads"))
    gate: str = Field(description="the entrance it stands at (gate devices)")
    zone: ScanZone | None = Field(description="the zone it scans into (gate devices)")
    business: str | None = Field(description="the exhibitor it collects contacts for (lead "
                                             "devices)")


class Paired(Answer):
    """The device's token, given once: keep it on the device."""
    token: str = Field(description="send it as Authorization: Bearer <token> (it starts with dv_)")
    device: DeviceInfo
    week: ScanWeek


class ThisDevice(Answer):
    """The device the token belongs to, and the server's clock."""
    device: DeviceInfo
    week: ScanWeek
    server_time: Moment


SnapshotRow = Annotated[tuple[str, str, str, str, int, str], WithJsonSchema({
    "type": "array", "minItems": 6, "maxItems": 6,
    "prefixItems": [{"type": "string", "description": "h12: the scanned code's keyed hash"},
                    {"type": "string", "enum": ["v", "b", "s", "o"]},
                    {"type": "string", "description": "name (gate devices; empty for leads)"},
                    {"type": "string", "description": "organisation (gate devices)"},
                    {"type": "integer", "enum": [0, 1, 2],
                     "description": "1: revoked; 2 (lead devices): the holder did not agree "
                                    "to share the contact with exhibitors — refuse it "
                                    "(reason not_shared); 0: neither"},
                    {"type": "string", "description": "8 characters of the badge's other "
                                                      "code's keyed hash, or empty"}]})]


class Snapshot(Answer):
    """What a device decides from while offline. A code's keyed hash is the first 12 characters
    of base64url(HMAC-SHA256(key, the normalised code)); a gate device's rows are the entrance
    codes' hashes with the kind letter (v visitor, b buyer, s exhibitor staff, o organiser),
    name, organisation, revoked and 8 characters of the contact code's hash; a lead device's
    rows are the contact codes' hashes, with no name or organisation, and 8 characters of the
    entrance code's hash."""
    cursor: str = Field(description="send it back as ?since= for the badges changed since")
    full: bool = Field(description="true: every badge (replace what the device holds); false: "
                                   "only the changed ones")
    server_time: Moment
    today: date = Field(description="today in Vietnam")
    week: ScanWeek
    device: DeviceInfo
    zones: list[ScanZone]
    key: str = Field(description="the HMAC key, base64url")
    badges: list[SnapshotRow]


class SnapshotSince(Query):
    since: QueryText = Field(None, description="the cursor of the device's last snapshot; "
                                               "without it, every badge")


#: what a device's scan may be answered: the gate's answers, then the lead scanner's
DEVICE_STATUSES = (checkin.OK, checkin.ALREADY, checkin.INVALID, "saved", "already_saved")


class DeviceScanResult(Answer):
    nonce: str
    status: one_of(DEVICE_STATUSES)
    reason: str | None = Field(description="why a scan is invalid: unknown, revoked, "
                                           "contact_code, entry_code, not_running, wrong_day, "
                                           "kind_not_allowed, not_inside, exits_not_used, "
                                           "no_booth, not_shared (a lead scan of a badge "
                                           "whose holder did not agree to share the "
                                           "contact with exhibitors)…")
    message: str
    flag: str = Field(description="why the organiser should look at it: clock (the device's "
                                  "clock was wrong: counted at its arrival), late (made before "
                                  "the entry already counted), repeat, other_device, "
                                  "disagreed; empty for an ordinary scan")
    badge: ScannedBadge = Field(None, exclude_if=lambda badge: badge is None,
                                description="the badge scanned, unless the code is unknown")


class ScanResults(Answer):
    """One answer per scan, in the order sent."""
    results: list[DeviceScanResult]
    server_time: Moment


class ZoneFigures(ScanZone):
    inside: int = Field(description="people inside now (in an entries-only zone: everyone who "
                                    "entered today)")
    entries: int = Field(description="entries today")
    people: int = Field(description="different badges that entered today")
    by_hour: list[int] = Field(description="entries per hour today, Vietnam time: by_hour[9] "
                                           "is 09:00–09:59", min_length=24, max_length=24)


class WeekZones(Answer):
    day: date = Field(description="today in Vietnam, the day counted")
    items: list[ZoneFigures]


class DeviceRow(Answer):
    """A device as its organiser sees it."""
    id: int
    name: str
    purpose: one_of(("gate", "leads"))
    gate: str
    zone_id: int | None
    zone: str | None = Field(description="the zone's name (gate devices)")
    business: str | None = Field(description="the exhibitor's name (lead devices)")
    paired: bool
    paired_at: Moment | None
    pairing_expires_at: Moment | None = Field(description="when an unused pairing QR stops "
                                                          "working")
    last_seen_at: Moment | None
    last_sync_at: Moment | None
    app_version: str
    unsynced: int = Field(description="scans queued on the device when it last said")
    revoked_at: Moment | None
    refused_scans: int = Field(description="scans it uploaded after it was revoked (refused)")
    last_refused_at: Moment | None

    @classmethod
    def of(cls, device) -> "DeviceRow":
        from exhibit.scanning.devices import pairing_expires
        return cls(id=device.id, name=device.name, purpose=device.purpose, gate=device.gate,
                   zone_id=device.zone_id,
                   zone=device.zone.name if device.zone is not None else None,
                   business=device.business.name if device.business is not None else None,
                   paired=device.is_paired, paired_at=device.paired_at,
                   pairing_expires_at=pairing_expires(device), last_seen_at=device.last_seen_at,
                   last_sync_at=device.last_sync_at, app_version=device.app_version,
                   unsynced=device.unsynced, revoked_at=device.revoked_at,
                   refused_scans=device.refused_scans, last_refused_at=device.last_refused_at)


class Devices(Answer):
    items: list[DeviceRow]


class NewDevice(Answer):
    """The new device and its pairing code, shown this once: open the pairing address on the
    phone (or show it as a QR)."""
    device: DeviceRow
    pairing_code: str
    pairing_url: Url = Field(description="PUBLIC_BASE_URL/scan/pair#<code>")
    pairing_expires_at: Moment


class Document(Answer):
    id: int
    number: str | None = Field(description="given when first issued", examples=["015/2024/HĐ-ITPC"])
    kind: one_of(k.value for k in DocumentKind)
    status: one_of(s.value for s in DocumentStatus)
    version: int
    parties: list[str]
    total_vnd: int = Field(description="a contract's total with VAT, or an MoU's expected value")
    url: Url = Field(description="the PDF, for the same token (and a party's, once issued)")


class DocumentFilters(Query):
    q: QueryText = Field(None, description="part of a number, a party's name (diacritics do not "
                                           "matter) or tax code", examples=["0312"])
    kind: QueryText = Field(None, json_schema_extra=documented(enum=[k.value for k in DocumentKind]))
    status: QueryText = Field(None, json_schema_extra=documented(
        enum=[s.value for s in DocumentStatus]))
    page: query_whole(1, 100_000) = Field(None, description="page number")
    per_page: query_whole(1, 500) = Field(None, description="100 unless given")


class Documents(Answer):
    items: list[Document]
    total: int = Field(description="documents matching the filters, on every page")
    page: int
    per_page: int
