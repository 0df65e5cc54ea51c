"""The audit log told as sentences, in the reader's language.

An audit entry (core/audit.py) keeps codes: ``allocation 41 move``, ``before={"booth": "A01"}``,
``after={"status": "draft", "total_vnd": 12000000}``. People read "Nguyễn Văn A đã chuyển Công ty X
từ gian A01 sang A02" and "Tổng cộng: 12.000.000 ₫". This module owns that wording for every
history block (the audit log, a document's history, a business profile's changes), which all
render what ``describe()`` returns through one partial, templates/_history.html.

- ``SENTENCES`` maps (kind of record, action) to a sentence builder; anything it does not know
  gets a plain generic sentence, never an error.
- ``FIELD_LABELS`` and ``format_value()`` turn a field and its value into words: money as VND,
  timestamps in Vietnam time, statuses by their enum's title, the id of a related record by its
  name or code.
- Names of related records are read for a whole page at once (one query per kind of record on
  the page, never one per entry), so a longer page costs no more queries.

The log's own words (ACTION_TITLES, ENTITY_TITLES) live here too; core/audit.py imports them
from this module, which in turn never imports the log (an entry is read by its attributes).
Core imports no feature, so the names are read by table (the tables are the features' public
shape, as the foreign keys of the audit table already name them), and the enums whose titles
show a status are named by module until their features register them with
``register_titles()``.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_babel import pgettext
from sqlalchemy import select

from exhibit.extensions import db
from exhibit.vn import money, phones, provinces
from exhibit.vn.dates import to_vietnam_time

EMPTY = "—"
#: an audit entry (core/audit.py's AuditEntry, which imports this module for its words)
Entry = Any


# -- what the log calls its records and actions ----------------------------------------------

#: how the log names what happened, in the reader's language
ACTION_TITLES = {
    "register": _l("registered"), "add_member": _l("added a user"), "create": _l("created"),
    "update": _l("edited"), "import_booths": _l("imported booths"), "block": _l("blocked"),
    "purge_personal_data": _l("purged personal data"),
    "unblock": _l("unblocked"), "submit": _l("applied"), "approve": _l("approved"),
    "reject": _l("rejected"), "waitlist": _l("put on the waiting list"),
    "waitlist_offer": _l("offered a booth from the waiting list"), "hold": _l("held the booth"),
    "confirm": _l("confirmed the booking"), "assign": _l("assigned"), "move": _l("moved"),
    "release": _l("released"), "expire": _l("hold expired"), "issue": _l("issued"),
    "revise": _l("reopened for revision"), "sign": _l("stored the signed scan"),
    "cancel": _l("cancelled"), "record": _l("recorded"), "request": _l("asked for a meeting"),
    "accept": _l("accepted"), "decline": _l("declined"), "schedule": _l("scheduled"),
    "unschedule": _l("unscheduled"), "outcome": _l("recorded the outcome"),
    "add_slots": _l("added meeting slots"), "add_tables": _l("added meeting tables"),
    "auto_schedule": _l("scheduled the meetings"), "delete": _l("deleted"),
    "change_password": _l("changed the password"), "disable": _l("disabled the account"),
    "enable": _l("enabled the account"), "undo_release": _l("undid a release"),
    "reissue_qr": _l("issued a new QR code"), "import_products": _l("imported products"),
    "archive": _l("archived"), "restore": _l("restored"), "add_photos": _l("added photos"),
    "delete_photo": _l("deleted a photo"), "upload_scan": _l("uploaded the certificate scan"),
    "resubmit": _l("sent back to review"), "withdraw": _l("withdrew"), "revoke": _l("revoked"),
    "verify_email": _l("confirmed the email address"), "edit_profile": _l("edited their details"),
    "change_email": _l("changed the email address"), "reset_password": _l("reset the password"),
    "invite_member": _l("invited a colleague"), "invite_entrance": _l("invited entrance staff"),
    "cancel_invitation": _l("cancelled an invitation"),
    "accept_invitation": _l("accepted an invitation"),
    "receive": _l("received"), "settle": _l("settled by hand"),
    "attendance": _l("recorded attendance"),
    "flag": _l("flagged a conflict"), "unflag": _l("withdrew a conflict"),
    "lock": _l("locked"), "unlock": _l("unlocked"), "swap": _l("swapped"),
    "walk_in": _l("gave a free table to a walk-in pair"),
    "b2b_settings": _l("changed the B2B settings"),
    "generate_schedule": _l("generated the schedule"),
    "publish_schedule": _l("published the schedule"),
    "webhook_secret": _l("made a new bank-notification key"),
    # e-invoice requests
    "prepare": _l("prepared"), "invoice": _l("recorded the invoice"),
    "adjustment": _l("prepared an adjustment"), "replacement": _l("prepared a replacement"),
    "export": _l("exported"),
    # floor plans
    "upload_drawing": _l("uploaded the venue drawing"),
    "remove_drawing": _l("removed the venue drawing"), "calibrate": _l("calibrated"),
    "import_dxf": _l("imported booths from a DXF drawing"), "save": _l("saved"),
    "discard": _l("discarded"), "publish": _l("published"),
    "add_coordinator": _l("added a coordinator"),
    "remove_coordinator": _l("removed a coordinator"),
    "invite_coordinator": _l("invited a delegation coordinator"),
    # personal data requests
    "acknowledge": _l("acknowledged receipt"), "extend": _l("extended the deadline"),
    "forward": _l("forwarded to exhibitors"), "complete": _l("completed"),
    "refuse": _l("refused"),
}
ENTITY_TITLES = {
    "business": _l("Business"), "user": _l("User"), "week": _l("Week"), "hall": _l("Hall"),
    "booth": _l("Booth"), "application": _l("Application"), "allocation": _l("Booking"),
    "document": _l("Document"), "payment": _l("Payment"), "buyer": _l("Buyer"),
    "need": _l("Sourcing need"), "meeting": _l("B2B meeting"), "organizer": _l("Organisation"),
    "product": _l("Product"), "listing": _l("Product at a week"), "badge": _l("Badge"),
    "print_job": _l("Print job"), "zone": _l("Zone"), "scan_device": _l("Scanning device"),
    "bank_credit": _l("Bank credit"), "invoice_request": _l("Invoice request"),
    "plan_element": _l("Fixed element"), "plan_draft": _l("Plan draft"),
    "plan_version": _l("Floor plan version"), "booth_cluster": _l("Booth cluster"),
    "consent": _l("Consent"), "data_request": _l("Personal data request"),
}


def action_title(code: str) -> str:
    return str(ACTION_TITLES.get(code, code))


def entity_title(code: str) -> str:
    return str(ENTITY_TITLES.get(code, code))


def display_value(value) -> str:
    """A before/after value as recorded (the auditors' raw view), but timestamps in Vietnam
    time and empty values as a dash (format_value below puts values into words)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str) and len(value) >= 19 and value[10:11] == "T":
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        return to_vietnam_time(moment).strftime("%H:%M %d/%m/%Y")
    return str(value)


# -- what one line of history says ------------------------------------------------------------

@dataclass(frozen=True)
class Change:
    """One field of an entry, in words. ``old`` is None when the entry recorded no old value
    (something created, or a detail of what was done), so only the new value is shown."""
    field: str
    label: str
    old: str | None
    new: str


@dataclass
class HistoryLine:
    """An audit entry for people: the sentence, each field in words, and the raw entry kept
    for auditors (shown behind a toggle)."""
    entry: Entry
    who: str
    sentence: str
    changes: list[Change] = field(default_factory=list)

    @property
    def id(self) -> int:
        return self.entry.id

    @property
    def at(self) -> datetime:
        return self.entry.at

    @property
    def action(self) -> str:
        return self.entry.action

    @property
    def entity(self) -> str:
        return self.entry.entity

    @property
    def note(self) -> str | None:
        return self.entry.note

    @property
    def actor(self):
        return self.entry.actor

    @property
    def raw_before(self) -> list[tuple[str, str]]:
        return _raw(self.entry.before)

    @property
    def raw_after(self) -> list[tuple[str, str]]:
        return _raw(self.entry.after)


def _raw(values) -> list[tuple[str, str]]:
    """The stored values as recorded (codes and all, times in Vietnam time), for the
    auditors' toggle."""
    if values is not None and not isinstance(values, dict):  # not what record() is given
        return [("", display_value(values))]
    return [(str(key), display_value(value)) for key, value in (values or {}).items()]


def _fields(values) -> dict:
    """An entry's before or after as a dict of fields (anything else recorded: none)."""
    return values if isinstance(values, dict) else {}


# -- names of related records, read a page at a time ------------------------------------------

class Names:
    """The names and codes of the records a page of entries mentions, read with one query per
    kind of record (see ``_read_names``)."""

    def __init__(self) -> None:
        self.found: dict[str, dict[int, Any]] = defaultdict(dict)

    def get(self, kind: str, record_id) -> Any:
        try:
            return self.found[kind].get(int(record_id))
        except (TypeError, ValueError):
            return None

    def business(self, record_id) -> str:
        return self.get("business", record_id) or _("business #%(id)s", id=record_id)


def _table(name: str):
    return db.metadata.tables[name]


def _pairs(query) -> dict[int, Any]:
    return {row[0]: (row[1] if len(row) == 2 else tuple(row[1:]))
            for row in db.session.execute(query)}


def _id_name(table: str, column: str) -> Callable[[set[int]], dict[int, Any]]:
    def read(ids: set[int]) -> dict[int, Any]:
        t = _table(table)
        return _pairs(select(t.c.id, t.c[column]).where(t.c.id.in_(sorted(ids))))
    return read


def _documents(ids: set[int]) -> dict[int, Any]:
    t = _table("documents")
    return _pairs(select(t.c.id, t.c.kind, t.c.number, t.c.version).where(t.c.id.in_(sorted(ids))))


def _users(ids: set[int]) -> dict[int, Any]:
    t = _table("users")
    return {row.id: row.full_name or row.email for row in db.session.execute(
        select(t.c.id, t.c.full_name, t.c.email).where(t.c.id.in_(sorted(ids))))}


def _buyers(ids: set[int]) -> dict[int, Any]:
    buyers, businesses = _table("b2b_buyers"), _table("businesses")
    return _pairs(select(buyers.c.id, businesses.c.name)
                  .join(businesses, businesses.c.id == buyers.c.business_id)
                  .where(buyers.c.id.in_(sorted(ids))))


def _meeting_buyers(ids: set[int]) -> dict[int, Any]:
    meetings, buyers = _table("b2b_meetings"), _table("b2b_buyers")
    businesses = _table("businesses")
    return _pairs(select(meetings.c.id, businesses.c.name)
                  .join(buyers, buyers.c.id == meetings.c.buyer_id)
                  .join(businesses, businesses.c.id == buyers.c.business_id)
                  .where(meetings.c.id.in_(sorted(ids))))


def _listing_products(ids: set[int]) -> dict[int, Any]:
    listings, products = _table("product_listings"), _table("products")
    return _pairs(select(listings.c.id, products.c.name)
                  .join(products, products.c.id == listings.c.product_id)
                  .where(listings.c.id.in_(sorted(ids))))


#: how to read the names of one kind of record, for a set of ids
_READERS: dict[str, Callable[[set[int]], dict[int, Any]]] = {
    "business": _id_name("businesses", "name"),
    "document": _documents,
    "product": _id_name("products", "name"),
    "booth": _id_name("booths", "code"),
    "hall": _id_name("halls", "name"),
    "user": _users,
    "buyer": _buyers,
    "meeting": _meeting_buyers,
    "listing": _listing_products,
    "need": _id_name("b2b_needs", "description"),
    "booth_cluster": _id_name("booth_clusters", "name"),
}

#: fields whose value is the id of another record, and which kind of record
_ID_FIELDS = {"business_id": "business", "hall_id": "hall", "buyer_id": "buyer",
              "product_id": "product", "booth_id": "booth", "user_id": "user"}


def _wanted(entries: Iterable[Entry]) -> dict[str, set[int]]:
    """The ids of the records the entries' sentences and fields name, by kind."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for entry in entries:
        if entry.entity in _READERS and entry.entity_id is not None:
            wanted[entry.entity].add(entry.entity_id)
        for values in (entry.before, entry.after):
            for key, value in _fields(values).items():
                kind = _ID_FIELDS.get(key)
                if kind and isinstance(value, int) and not isinstance(value, bool):
                    wanted[kind].add(value)
    return wanted


def _read_names(entries: list[Entry]) -> Names:
    names = Names()
    for entry in entries:  # the business of each entry came with it (a joined relationship)
        if entry.business is not None:
            names.found["business"][entry.business.id] = entry.business.name
    for kind, ids in _wanted(entries).items():
        missing = ids - set(names.found[kind])
        if missing:
            names.found[kind].update(_READERS[kind](missing))
    return names


def _whole(value) -> int:
    """A count recorded in an entry (an int, or text from an older entry); 0 when unreadable."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


# -- enum titles --------------------------------------------------------------------------------

#: (kind of record, field) → the enum whose ``title`` shows the field's value: each feature
#: registers its own enums where it defines them (core never imports a feature)
_registered: dict[tuple[str, str], type] = {}


def register_titles(entity: str, field_name: str, enum_class: type) -> None:
    """Show ``field_name`` of ``entity`` entries by ``enum_class(value).title``."""
    _registered[(entity, field_name)] = enum_class


def _enum_for(entity: str, field_name: str) -> type | None:
    key = (entity, field_name)
    return _registered.get(key)


def enum_title(entity: str, field_name: str, value) -> str | None:
    """The title of an enum-valued field, or None when the field is no enum or the value is
    not one of its codes (a code of an older version, say)."""
    enum_class = _enum_for(entity, field_name)
    if enum_class is None:
        return None
    try:
        return str(enum_class(value).title)
    except (ValueError, AttributeError, KeyError):
        return None


# -- fields in words ----------------------------------------------------------------------------

#: field name → label, whatever the kind of record (a function where the label needs a context)
FIELD_LABELS = {
    "status": _l("Status"), "booth": _l("Booth"), "business_id": _l("Business"),
    "expires_at": _l("Held until"), "hold_kind": _l("Kind of hold"), "reason": _l("Reason"),
    "booth_count": _l("Booths asked for"), "number": _l("Number"), "version": _l("Version"),
    "total_vnd": _l("Total"), "vat_percent": _l("VAT rate"),
    "expected_value_vnd": _l("Expected value"), "scan": _l("Signed scan"),
    "kind": _l("Kind"), "amount_vnd": _l("Amount"), "paid_on": _l("Paid on"),
    "reference": _l("Reference"), "code": _l("Booth code"), "type": _l("Booth type"),
    "hall_id": _l("Hall"), "area_m2": _l("Area"), "price_vnd": _l("Price"),
    "blocked": _l("Blocked"), "grid": _l("Position on the plan"), "token": _l("QR code"),
    "file": _l("File"), "created": lambda: pgettext("count", "Created"),
    "updated": lambda: pgettext("count", "Updated"),
    "name": lambda: pgettext("record", "Name"), "name_vi": _l("Name (Vietnamese)"),
    "name_en": _l("Name (English)"),
    "slug": _l("Web address"), "start_date": _l("First day"), "end_date": _l("Last day"),
    "registration_opens_on": _l("Registration opens"),
    "registration_closes_on": _l("Registration closes"), "venue_name": _l("Venue"),
    "venue_address": _l("Venue address"), "opening_hours": _l("Opening hours"),
    "co_organizer": _l("Co-organiser"), "description": _l("Description"),
    "hold_minutes": _l("Hold length (minutes)"),
    "waitlist_offer_hours": _l("Waiting-list offer length (hours)"),
    "review_days": _l("Review time (working days)"),
    "personal_data_months": _l("Personal data kept (months)"),
    "invoice_number": _l("Invoice number"), "invoice_symbol": _l("Invoice symbol"),
    "lookup_code": _l("Lookup code"), "provider": _l("Provider"),
    "invoice_date": _l("Invoice date"), "contract_number": _l("Contract"),
    "host_province_scheme": _l("Host province map"), "host_province_code": _l("Host province"),
    "legal_form": _l("Legal form"), "tax_code": _l("Tax code"), "address": _l("Address"),
    "province": _l("Province / city"), "representative": _l("Representative"),
    "representative_position": _l("Position"), "phone": _l("Phone"), "email": _l("Email"),
    "logo": _l("Logo"), "user": _l("Account"), "role": _l("Role"), "full_name": _l("Full name"),
    "active": _l("Account enabled"), "verified": _l("Email confirmed"),
    "product": _l("Product"), "photos": _l("Photos"), "brand": _l("Brand"),
    "stars": _l("OCOP stars"),
    "unit": _l("Unit"), "net_quantity": _l("Net quantity"), "packaging": _l("Packaging"),
    "shelf_life": _l("Shelf life"), "storage": _l("Storage"), "ingredients": _l("Ingredients"),
    "standards": _l("Standards"), "barcode": _l("Barcode"),
    "traceability_url": _l("Traceability link"), "story": _l("Product story"),
    "cert_decision_number": _l("Certificate decision number"),
    "cert_decision_date": _l("Certificate decision date"),
    "cert_issuer_level": _l("Certified by (level)"), "cert_issuer_name": _l("Certified by"),
    "ocop_scheme": _l("OCOP scheme"), "ocop_group": _l("OCOP product group"),
    "ocop_set": _l("OCOP product set"), "rural_industrial_level": _l("Rural industry level"),
    "origin_province_scheme": _l("Origin province map"),
    "origin_province_code": _l("Origin province"), "buyer_id": _l("Buyer"),
    "by": _l("Asked by"), "outcome": _l("Outcome"), "slot": _l("Time slot"),
    "table": _l("Table"), "count": lambda: pgettext("count", "Number"), "from": _l("From"),
    "minutes": _l("Minutes each"), "scheduled": _l("Meetings scheduled"),
    "product_group": _l("Product group"), "min_stars": _l("OCOP stars at least"),
    "certifications": _l("Certifications"), "monthly_volume": _l("Monthly volume"),
    "layout": _l("Layout"), "total": lambda: pgettext("count", "Number"),
    "badge_kinds": _l("Badge kinds let in"), "days": _l("Open on"),
    "mode": _l("Entries and exits"), "multiple_entries": _l("More than one entry a day"),
    "purpose": _l("Used for"), "zone_id": _l("Zone"), "gate": _l("Entrance"),
    "transaction_id": _l("Bank transaction"),
}
#: a label that differs for one kind of record
_LABELS_BY_KIND = {
    ("business", "name"): _l("Registered business name"),
    ("badge", "name"): _l("Badge holder"), ("document", "kind"): _l("Document"),
    ("payment", "kind"): _l("Payment"), ("badge", "kind"): _l("Badge kind"),
    ("buyer", "kind"): _l("Kind of buyer"), ("hall", "name"): _l("Hall"),
    ("zone", "name"): _l("Zone"), ("zone", "position"): _l("Order in the list"),
    ("scan_device", "name"): _l("Scanner"),
    ("invoice_request", "total_vnd"): _l("Total"),
    ("invoice_request", "payment_id"): _l("Payment"),
    ("invoice_request", "original_id"): _l("Original invoice"),
    ("invoice_request", "original_status"): _l("Original's status"),
    ("plan_version", "number"): _l("Version"), ("plan_version", "booths"): _l("Booths"),
    ("plan_version", "changes"): _l("Changes"),
    ("booth_cluster", "name"): _l("Cluster"), ("booth_cluster", "province"): _l("Province"),
    ("data_request", "kind"): _l("Request"), ("data_request", "due_at"): _l("Complete by"),
    ("data_request", "via"): _l("Received through"),
    ("data_request", "late"): _l("After the deadline"),
    ("data_request", "days"): _l("Days added"),
    ("data_request", "businesses"): _l("Exhibitors"), ("data_request", "task"): _l("Task"),
    ("data_request", "badges"): _l("Badges"), ("data_request", "leads"): _l("Contacts"),
    ("data_request", "consents"): _l("Consents withdrawn"),
    ("data_request", "fields"): _l("Fields corrected"),
    ("hall", "px_per_m"): _l("Pixels per metre"),
    ("hall", "distance_m"): _l("Measured distance (m)"),
}


def field_label(entity: str, field_name: str) -> str:
    """A field's label; one nobody named reads as its words ("grid_x" → "Grid x")."""
    label = _LABELS_BY_KIND.get((entity, field_name)) or FIELD_LABELS.get(field_name)
    if callable(label):  # a label with a context (pgettext): one English word, two meanings
        label = label()
    if label is not None:
        return str(label)
    words = str(field_name).replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else EMPTY


def _language() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "vi"


def _moment(text: str) -> str | None:
    """An ISO timestamp as Vietnam time, an ISO date as dd/mm/yyyy; None for other text."""
    if len(text) >= 19 and text[10:11] == "T":
        try:
            return to_vietnam_time(datetime.fromisoformat(text)).strftime("%H:%M %d/%m/%Y")
        except ValueError:
            return None
    if len(text) == 10 and text[4:5] == "-" and text[7:8] == "-":
        try:
            return date.fromisoformat(text).strftime("%d/%m/%Y")
        except ValueError:
            return None
    return None


def format_value(entity: str, field_name: str, value, names: Names | None = None) -> str:
    """A recorded value for people; anything unexpected is shown as text, never an error."""
    if value is None or value == "" or value == []:
        return EMPTY
    title = enum_title(entity, field_name, value)
    if title is not None:
        return title
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if field_name.endswith("_vnd") and number:
        return money.format_vnd(value)
    if field_name.endswith("_percent") and number:
        return f"{value:g} %"
    if field_name == "area_m2" and number:
        return f"{value:g} m²"
    if field_name in ("stars", "min_stars") and number:
        return f"{value}★"
    kind = _ID_FIELDS.get(field_name)
    if kind is not None and names is not None:
        found = names.get(kind, value)
        if found is not None:
            return str(found)
        return f"#{value}"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field_name == "province" and isinstance(value, str) and ":" in value:
        scheme, _sep, code = value.partition(":")
        return provinces.display_name(scheme, code, lang=_language())
    if field_name == "phone" and isinstance(value, str):
        return phones.format_phone(value) or value
    if field_name == "grid" and isinstance(value, list) and len(value) == 4:
        return _("column %(x)s, row %(y)s, %(w)s × %(h)s",
                 x=value[0], y=value[1], w=value[2], h=value[3])
    if isinstance(value, str):
        return _moment(value) or value
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or EMPTY
    if isinstance(value, dict):
        return ", ".join(f"{field_label(entity, str(k))}: {v}" for k, v in value.items())
    return str(value)


def changes(entry: Entry, names: Names | None = None) -> list[Change]:
    """Each field the entry recorded, in words. An entry that kept old and new values shows
    old → new for the fields that changed; one that kept only what was made (or only what was
    removed) shows those values."""
    before, after = _fields(entry.before), _fields(entry.after)
    found = []

    def shown(key, value):
        return format_value(entry.entity, key, value, names)

    if before and after:
        for key in list(after) + [key for key in before if key not in after]:
            if key in _UNSHOWN or (key in before and key in after and before[key] == after[key]):
                continue
            old = shown(key, before[key]) if key in before else None
            new = shown(key, after[key]) if key in after else EMPTY
            found.append(Change(key, field_label(entry.entity, key), old, new))
    else:
        for key, value in (after or before).items():
            if key in _UNSHOWN or value in (None, "", []) or (
                    value == 0 and (key == "version" or key.endswith("_vnd"))):
                continue  # what was not set (a draft's version 0, no amount) says nothing
            if key == "business_id" and value == entry.business_id:
                continue  # the sentence names the entry's business already
            found.append(Change(key, field_label(entry.entity, key), None, shown(key, value)))
    return found


#: fields that say nothing to a reader (a QR token, a secret); kept in the raw record
_UNSHOWN = {"token"}


# -- sentences ----------------------------------------------------------------------------------

@dataclass
class _Told:
    """What a sentence builder reads: the entry, who did it and the names of what it touched."""
    entry: Entry
    who: str
    names: Names

    @property
    def before(self) -> dict:
        return _fields(self.entry.before)

    @property
    def after(self) -> dict:
        return _fields(self.entry.after)

    def value(self, key: str, default=None):
        return self.after.get(key, self.before.get(key, default))

    @property
    def business(self) -> str:
        if self.entry.business is not None:
            return self.entry.business.name
        business_id = self.value("business_id", self.entry.business_id)
        if business_id is None and self.entry.entity == "business":
            business_id = self.entry.entity_id
        return self.names.business(business_id) if business_id is not None else _("a business")

    def booth(self, values: dict | None = None) -> str:
        code = (values if values is not None else self.after).get("booth") \
            or self.before.get("booth")
        return code or _("a booth")

    def record(self, kind: str | None = None) -> str:
        """What the entry is about, by name where known, else "Booth #12"."""
        kind = kind or self.entry.entity
        name = self.names.get(kind, self.entry.entity_id)
        if isinstance(name, str) and name:
            return name
        return f"{entity_title(kind)} #{self.entry.entity_id}"

    def formatted(self, key: str) -> str:
        return format_value(self.entry.entity, key, self.value(key), self.names)

    def lower_title(self, key: str) -> str:
        return _lower_first(self.formatted(key))


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _document(told: _Told) -> str:
    """"contract 022/2024/HĐ-ITPC (version 2)", as the entry recorded it."""
    found = told.names.get("document", told.entry.entity_id) or (None, None, None)
    kind = found[0]
    recorded = {**told.before, **told.after}
    # what the entry recorded (a draft has no number yet); today's values only where it kept none
    number = recorded["number"] if "number" in recorded else found[1]
    version = (recorded["version"] if "version" in recorded else found[2]) or 1
    if number:
        if kind == "mou":
            return _("memorandum of understanding %(number)s (version %(version)s)",
                     number=number, version=version)
        if kind == "contract":
            return _("contract %(number)s (version %(version)s)", number=number, version=version)
        return _("document %(number)s (version %(version)s)", number=number, version=version)
    if kind == "mou":
        return _("the draft memorandum of understanding #%(id)s", id=told.entry.entity_id)
    return _("the draft contract #%(id)s", id=told.entry.entity_id)


def _product(told: _Told) -> str:
    return told.value("product") or told.value("name") or told.record("product")


def _listing_product(told: _Told) -> str:
    return told.value("product") or told.record("listing")


def _user(told: _Told) -> str:
    return (told.value("full_name") or told.value("email")
            or told.names.get("user", told.entry.entity_id) or told.record("user"))


def _allocation_end(told: _Told) -> str:
    if told.entry.action == "expire":
        return _("The hold of %(business)s on booth %(booth)s lapsed",
                 business=told.business, booth=told.booth())
    return _("%(who)s released booth %(booth)s of %(business)s",
             who=told.who, booth=told.booth(), business=told.business)


def _hold(told: _Told) -> str:
    if told.entry.actor is None:
        return _("%(who)s held booth %(booth)s for %(business)s (offered from the waiting list)",
                 who=told.who, booth=told.booth(), business=told.business)
    return _("%(who)s held booth %(booth)s for %(business)s",
             who=told.who, booth=told.booth(), business=told.business)


def _withdrawn_via(via: str | None) -> str:
    return {"privacy_page": _("the person's privacy page"),
            "request": _("a request to the organiser"),
            "staff": _("the organiser's staff")}.get(via or "", via or EMPTY)


def _request_ref(told: _Told) -> str:
    """A personal data request as the desk shows it: "YC-000012"."""
    return f"YC-{told.entry.entity_id or 0:06d}"


def _meeting_parts(told: _Told) -> dict[str, str]:
    """The two sides of a meeting: its buyer (read by the meeting, or the buyer it names) and
    its supplier (the entry's business)."""
    buyer = (told.names.get("meeting", told.entry.entity_id)
             or told.names.get("buyer", told.value("buyer_id")) or _("a buyer"))
    return {"who": told.who, "buyer": buyer, "supplier": told.business}


#: (kind of record, action) → the sentence of an entry (each msgid literal, so the catalogue
#: finds it)
SENTENCES: dict[tuple[str, str], Callable[[_Told], str]] = {
    # booths held, confirmed, moved, released (booking)
    ("allocation", "hold"): _hold,
    ("allocation", "assign"): lambda t: _(
        "%(who)s assigned booth %(booth)s to %(business)s",
        who=t.who, booth=t.booth(), business=t.business),
    ("allocation", "confirm"): lambda t: _(
        "%(who)s confirmed booth %(booth)s for %(business)s",
        who=t.who, booth=t.booth(), business=t.business),
    ("allocation", "move"): lambda t: _(
        "%(who)s moved %(business)s from booth %(old)s to %(new)s",
        who=t.who, business=t.business, old=t.before.get("booth") or EMPTY,
        new=t.after.get("booth") or EMPTY),
    ("allocation", "undo_release"): lambda t: _(
        "%(who)s undid the release of booth %(booth)s of %(business)s",
        who=t.who, booth=t.booth(), business=t.business),
    ("allocation", "release"): _allocation_end,
    ("allocation", "expire"): _allocation_end,
    # applications
    ("application", "submit"): lambda t: ngettext(
        "%(business)s applied to exhibit (%(num)d booth asked for)",
        "%(business)s applied to exhibit (%(num)d booths asked for)",
        _whole(t.value("booth_count", 0)), business=t.business),
    ("application", "approve"): lambda t: _(
        "%(who)s approved the application of %(business)s", who=t.who, business=t.business),
    ("application", "reject"): lambda t: _(
        "%(who)s rejected the application of %(business)s", who=t.who, business=t.business),
    ("application", "waitlist"): lambda t: _(
        "%(who)s put %(business)s on the waiting list", who=t.who, business=t.business),
    ("application", "waitlist_offer"): lambda t: _(
        "%(business)s was offered a booth from the waiting list", business=t.business),
    # contracts and memoranda
    ("document", "create"): lambda t: _(
        "%(who)s drew up %(document)s for %(business)s",
        who=t.who, document=_document(t), business=t.business),
    ("document", "update"): lambda t: _(
        "%(who)s edited %(document)s", who=t.who, document=_document(t)),
    ("document", "issue"): lambda t: _(
        "%(who)s issued %(document)s", who=t.who, document=_document(t)),
    ("document", "revise"): lambda t: _(
        "%(who)s reopened %(document)s for revision", who=t.who, document=_document(t)),
    ("document", "sign"): lambda t: _(
        "%(who)s stored the signed scan of %(document)s", who=t.who, document=_document(t)),
    ("document", "cancel"): lambda t: _(
        "%(who)s cancelled %(document)s", who=t.who, document=_document(t)),
    ("payment", "record"): lambda t: _(
        "%(who)s recorded a payment from %(business)s: %(kind)s of %(amount)s, paid on %(day)s",
        who=t.who, business=t.business, kind=t.lower_title("kind"),
        amount=t.formatted("amount_vnd"), day=t.formatted("paid_on")),
    # products and their listings at a week
    ("product", "create"): lambda t: _(
        "%(who)s added the product %(product)s",
        who=t.who, product=_product(t)),
    ("product", "update"): lambda t: _(
        "%(who)s edited the product %(product)s",
        who=t.who, product=_product(t)),
    ("product", "archive"): lambda t: _(
        "%(who)s archived the product %(product)s",
        who=t.who, product=_product(t)),
    ("product", "restore"): lambda t: _(
        "%(who)s restored the product %(product)s",
        who=t.who, product=_product(t)),
    ("product", "add_photos"): lambda t: ngettext(
        "%(who)s added %(num)d photo of %(product)s",
        "%(who)s added %(num)d photos of %(product)s",
        _whole(t.value("photos", 0)), who=t.who, product=_product(t)),
    ("product", "delete_photo"): lambda t: _(
        "%(who)s deleted a photo of %(product)s",
        who=t.who, product=_product(t)),
    ("product", "upload_scan"): lambda t: _(
        "%(who)s uploaded the certificate scan of %(product)s",
        who=t.who, product=_product(t)),
    ("listing", "submit"): lambda t: _(
        "%(who)s put %(product)s of %(business)s forward for review",
        who=t.who, product=_listing_product(t), business=t.business),
    ("listing", "resubmit"): lambda t: _(
        "%(product)s of %(business)s went back to review after an edit",
        product=_listing_product(t), business=t.business),
    ("listing", "withdraw"): lambda t: _(
        "%(who)s withdrew %(product)s of %(business)s",
        who=t.who, product=_listing_product(t), business=t.business),
    ("listing", "approve"): lambda t: _(
        "%(who)s approved the product %(product)s of %(business)s",
        who=t.who, product=_listing_product(t), business=t.business),
    ("listing", "reject"): lambda t: _(
        "%(who)s rejected the product %(product)s of %(business)s",
        who=t.who, product=_listing_product(t), business=t.business),
    # the floor plan and the week
    ("booth", "create"): lambda t: _("%(who)s added booth %(booth)s",
                                     who=t.who, booth=t.value("code") or t.record()),
    ("booth", "update"): lambda t: _("%(who)s edited booth %(booth)s",
                                     who=t.who, booth=t.value("code") or t.record()),
    ("booth", "block"): lambda t: _("%(who)s blocked booth %(booth)s",
                                    who=t.who, booth=t.value("code") or t.record()),
    ("booth", "unblock"): lambda t: _("%(who)s unblocked booth %(booth)s",
                                      who=t.who, booth=t.value("code") or t.record()),
    ("booth", "reissue_qr"): lambda t: _("%(who)s issued a new QR code for booth %(booth)s",
                                         who=t.who, booth=t.record()),
    ("hall", "create"): lambda t: _("%(who)s added the hall %(hall)s",
                                    who=t.who, hall=t.value("name") or t.record()),
    ("hall", "update"): lambda t: _("%(who)s edited the hall %(hall)s",
                                    who=t.who, hall=t.value("name") or t.record()),
    ("week", "create"): lambda t: _("%(who)s created the week", who=t.who),
    ("week", "update"): lambda t: _("%(who)s edited the week's details", who=t.who),
    ("week", "import_booths"): lambda t: _(
        "%(who)s imported booths from %(file)s: %(created)s new, %(updated)s updated",
        who=t.who, file=t.value("file") or EMPTY, created=t.value("created", 0),
        updated=t.value("updated", 0)),
    ("week", "import_products"): lambda t: _(
        "%(who)s imported products from %(file)s: %(created)s new, %(updated)s updated",
        who=t.who, file=t.value("file") or EMPTY, created=t.value("created", 0),
        updated=t.value("updated", 0)),
    ("invoice_request", "prepare"): lambda t: _(
        "The invoice request for a payment from %(business)s was prepared: %(amount)s, "
        "dated %(day)s", business=t.business, amount=t.formatted("total_vnd"),
        day=t.formatted("invoice_date")),
    ("invoice_request", "invoice"): lambda t: _(
        "%(who)s recorded invoice no. %(number)s, symbol %(symbol)s, for %(business)s",
        who=t.who, number=t.value("invoice_number") or EMPTY,
        symbol=t.value("invoice_symbol") or EMPTY, business=t.business),
    ("invoice_request", "adjustment"): lambda t: _(
        "%(who)s prepared an adjustment of %(amount)s to an invoice of %(business)s",
        who=t.who, amount=t.formatted("total_vnd"), business=t.business),
    ("invoice_request", "replacement"): lambda t: _(
        "%(who)s prepared a replacement for an invoice of %(business)s",
        who=t.who, business=t.business),
    ("invoice_request", "cancel"): lambda t: _(
        "%(who)s cancelled an invoice request of %(business)s", who=t.who, business=t.business),
    ("invoice_request", "export"): lambda t: _(
        "%(who)s exported %(count)s invoice requests (%(format)s)", who=t.who,
        count=t.value("requests", 0), format=str(t.value("format") or "").upper()),
    ("hall", "upload_drawing"): lambda t: _(
        "%(who)s put the venue drawing %(file)s under the hall %(hall)s", who=t.who,
        file=t.value("file") or EMPTY, hall=t.record("hall")),
    ("hall", "remove_drawing"): lambda t: _(
        "%(who)s removed the venue drawing of the hall %(hall)s", who=t.who,
        hall=t.record("hall")),
    ("hall", "calibrate"): lambda t: _(
        "%(who)s calibrated the drawing of the hall %(hall)s: the hall is %(width)s × "
        "%(depth)s m", who=t.who, hall=t.record("hall"), width=t.value("width_m", EMPTY),
        depth=t.value("depth_m", EMPTY)),
    ("week", "import_dxf"): lambda t: _(
        "%(who)s imported booths from the drawing %(file)s: %(created)s new, %(skipped)s "
        "skipped", who=t.who, file=t.value("file") or EMPTY, created=t.value("created", 0),
        skipped=t.value("skipped", 0)),
    ("plan_element", "create"): lambda t: _(
        "%(who)s added a fixed element: %(kind)s", who=t.who, kind=t.lower_title("kind")),
    ("plan_element", "update"): lambda t: _(
        "%(who)s changed a fixed element: %(kind)s", who=t.who, kind=t.lower_title("kind")),
    ("plan_element", "delete"): lambda t: _(
        "%(who)s removed a fixed element: %(kind)s", who=t.who, kind=t.lower_title("kind")),
    ("plan_draft", "save"): lambda t: _(
        "%(who)s saved the floor plan draft (revision %(revision)s: %(booths)s booths, "
        "%(elements)s fixed elements, %(moves)s booking moves)", who=t.who,
        revision=t.value("revision", 0), booths=t.value("booths", 0),
        elements=t.value("elements", 0), moves=t.value("moves", 0)),
    ("plan_draft", "discard"): lambda t: _("%(who)s discarded the floor plan draft", who=t.who),
    ("plan_version", "publish"): lambda t: _(
        "%(who)s published version %(number)s of the floor plan", who=t.who,
        number=t.value("number", EMPTY)),
    ("booth_cluster", "create"): lambda t: _(
        "%(who)s created the booth cluster %(name)s", who=t.who,
        name=t.value("name") or t.record()),
    ("booth_cluster", "update"): lambda t: _(
        "%(who)s edited the booth cluster %(name)s", who=t.who,
        name=t.value("name") or t.record()),
    ("booth_cluster", "delete"): lambda t: _(
        "%(who)s deleted the booth cluster %(name)s", who=t.who,
        name=t.value("name") or t.record()),
    ("booth_cluster", "add_coordinator"): lambda t: _(
        "%(who)s made %(email)s a coordinator of the booth cluster %(name)s", who=t.who,
        email=t.value("email") or EMPTY, name=t.record()),
    ("booth_cluster", "remove_coordinator"): lambda t: _(
        "%(who)s removed %(email)s from coordinating the booth cluster %(name)s", who=t.who,
        email=t.value("email") or EMPTY, name=t.record()),
    ("user", "invite_coordinator"): lambda t: _(
        "%(who)s invited %(user)s to coordinate a delegation", who=t.who, user=_user(t)),
    ("user", "invite_coordinator_again"): lambda t: _(
        "%(who)s invited %(user)s to coordinate a delegation again", who=t.who, user=_user(t)),
    ("consent", "withdraw"): lambda t: _(
        "A consent was withdrawn (%(purpose)s) through %(via)s", purpose=t.lower_title("purpose"),
        via=_withdrawn_via(t.value("via"))),
    ("data_request", "receive"): lambda t: (
        _("%(who)s entered request %(ref)s taken by phone or letter: %(kind)s", who=t.who,
          ref=_request_ref(t), kind=t.lower_title("kind"))
        if t.value("via") == "staff" else
        _("Request %(ref)s arrived from the privacy page: %(kind)s", ref=_request_ref(t),
          kind=t.lower_title("kind"))),
    ("data_request", "acknowledge"): lambda t: _(
        "%(who)s acknowledged request %(ref)s", who=t.who, ref=_request_ref(t)),
    ("data_request", "extend"): lambda t: _(
        "%(who)s extended request %(ref)s by %(days)s days", who=t.who, ref=_request_ref(t),
        days=t.value("days", EMPTY)),
    ("data_request", "forward"): lambda t: ngettext(
        "%(who)s forwarded request %(ref)s to %(num)d exhibitor",
        "%(who)s forwarded request %(ref)s to %(num)d exhibitors",
        len(t.value("businesses") or []), who=t.who, ref=_request_ref(t)),
    ("data_request", "confirm"): lambda t: _(
        "%(who)s of %(business)s confirmed having acted on request %(ref)s", who=t.who,
        business=t.business, ref=_request_ref(t)),
    ("data_request", "complete"): lambda t: _(
        "%(who)s completed request %(ref)s and answered the person", who=t.who,
        ref=_request_ref(t)),
    ("data_request", "refuse"): lambda t: _(
        "%(who)s refused request %(ref)s", who=t.who, ref=_request_ref(t)),
    ("week", "purge_personal_data"): lambda t: _(
        "%(who)s replaced the personal data of %(badges)s badges and %(leads)s leads with "
        "placeholders: the retention period had ended", who=t.who,
        badges=t.value("badges", 0), leads=t.value("leads", 0)),
    ("week", "add_slots"): lambda t: _("%(who)s added %(count)s meeting slots",
                                       who=t.who, count=t.value("count", 0)),
    ("week", "add_tables"): lambda t: _("%(who)s added %(count)s meeting tables",
                                        who=t.who, count=t.value("count", 0)),
    ("week", "auto_schedule"): lambda t: _("%(who)s scheduled %(count)s meetings automatically",
                                           who=t.who, count=t.value("scheduled", 0)),
    ("organizer", "update"): lambda t: _("%(who)s edited the organisation's details", who=t.who),
    # businesses, people and their accounts
    ("business", "register"): lambda t: _("%(who)s registered %(business)s",
                                          who=t.who, business=t.value("name") or t.business),
    ("business", "update"): lambda t: _(
        "%(who)s edited the profile of %(business)s",
        who=t.who, business=t.business),
    ("user", "create"): lambda t: _(
        "%(who)s created the account %(user)s",
        who=t.who, user=_user(t)),
    ("user", "add_member"): lambda t: _(
        "%(who)s added %(user)s to the team",
        who=t.who, user=_user(t)),
    ("user", "invite_member"): lambda t: _(
        "%(who)s invited %(user)s to the team", who=t.who, user=_user(t)),
    ("user", "invite_member_again"): lambda t: _(
        "%(who)s invited %(user)s to the team again", who=t.who, user=_user(t)),
    ("user", "invite_entrance"): lambda t: _(
        "%(who)s invited %(user)s to work at the entrance", who=t.who, user=_user(t)),
    ("user", "invite_entrance_again"): lambda t: _(
        "%(who)s invited %(user)s to work at the entrance again", who=t.who, user=_user(t)),
    ("user", "cancel_invitation"): lambda t: _(
        "%(who)s cancelled the invitation of %(user)s",
        who=t.who, user=_user(t)),
    ("user", "accept_invitation"): lambda t: _(
        "%(user)s accepted the invitation",
        who=t.who, user=_user(t)),
    ("user", "verify_email"): lambda t: _(
        "%(user)s confirmed their email address",
        who=t.who, user=_user(t)),
    ("user", "change_password"): lambda t: _(
        "%(user)s changed their password",
        who=t.who, user=_user(t)),
    ("user", "reset_password"): lambda t: _(
        "%(user)s set a new password after a reset",
        who=t.who, user=_user(t)),
    ("user", "edit_profile"): lambda t: _(
        "%(user)s edited their own details",
        who=t.who, user=_user(t)),
    ("user", "change_email"): lambda t: _(
        "%(who)s changed the email address to %(user)s",
        who=t.who, user=_user(t)),
    ("user", "enable"): lambda t: _(
        "%(who)s enabled the account %(user)s",
        who=t.who, user=_user(t)),
    ("user", "disable"): lambda t: _(
        "%(who)s disabled the account %(user)s",
        who=t.who, user=_user(t)),
    # badges and printing
    ("badge", "create"): lambda t: _("%(who)s issued a badge to %(name)s",
                                     who=t.who, name=t.value("name") or t.record()),
    ("badge", "revoke"): lambda t: _("%(who)s revoked the badge of %(name)s",
                                     who=t.who, name=t.value("name") or t.record()),
    ("print_job", "create"): lambda t: _("%(who)s started printing %(count)s sheets",
                                         who=t.who, count=t.value("total", 0)),
    # bank credits
    ("bank_credit", "receive"): lambda t: _(
        "Bank transaction %(transaction)s arrived: %(amount)s",
        transaction=t.value("transaction_id") or t.record(), amount=t.formatted("amount_vnd")),
    ("bank_credit", "settle"): lambda t: _(
        "%(who)s settled bank transaction %(transaction)s by hand",
        who=t.who, transaction=t.value("transaction_id") or t.record()),
    ("organizer", "webhook_secret"): lambda t: _(
        "%(who)s made a new key for bank notifications", who=t.who),
    # entrances: zones and scanning devices
    ("zone", "create"): lambda t: _("%(who)s added the zone %(name)s",
                                    who=t.who, name=t.value("name") or t.record()),
    ("zone", "update"): lambda t: _("%(who)s changed the rules of the zone %(name)s",
                                    who=t.who, name=t.value("name") or t.record()),
    ("scan_device", "create"): lambda t: _("%(who)s set up the scanner %(name)s",
                                           who=t.who, name=t.value("name") or t.record()),
    ("scan_device", "reissue_qr"): lambda t: _(
        "%(who)s made a new pairing code for the scanner %(name)s",
        who=t.who, name=t.value("name") or t.record()),
    ("scan_device", "revoke"): lambda t: _("%(who)s revoked the scanner %(name)s",
                                           who=t.who, name=t.value("name") or t.record()),
    # B2B
    ("buyer", "register"): lambda t: _(
        "%(who)s registered %(business)s as a buyer",
        who=t.who, business=t.business),
    ("need", "create"): lambda t: _("%(who)s added a sourcing need: %(need)s",
                                    who=t.who, need=t.value("description") or t.record()),
    ("need", "delete"): lambda t: _("%(who)s removed a sourcing need", who=t.who),
    ("meeting", "request"): lambda t: _("%(who)s asked for a meeting between %(buyer)s and "
                                     "%(supplier)s", **_meeting_parts(t)),
    ("meeting", "accept"): lambda t: _("%(who)s accepted the meeting between %(buyer)s and "
                                    "%(supplier)s", **_meeting_parts(t)),
    ("meeting", "decline"): lambda t: _("%(who)s declined the meeting between %(buyer)s and "
                                     "%(supplier)s", **_meeting_parts(t)),
    ("meeting", "cancel"): lambda t: _("%(who)s cancelled the meeting between %(buyer)s and "
                                    "%(supplier)s", **_meeting_parts(t)),
    ("meeting", "schedule"): lambda t: _(
        "%(who)s scheduled the meeting between %(buyer)s and %(supplier)s at %(slot)s, %(table)s",
        who=t.who, buyer=t.names.get("meeting", t.entry.entity_id) or _("a buyer"),
        supplier=t.business, slot=t.formatted("slot"), table=t.value("table") or EMPTY),
    ("meeting", "expire"): lambda t: _("The request for a meeting between %(buyer)s and "
                                       "%(supplier)s expired unanswered", **_meeting_parts(t)),
    ("meeting", "lock"): lambda t: _("%(who)s locked the meeting between %(buyer)s and "
                                     "%(supplier)s", **_meeting_parts(t)),
    ("meeting", "unlock"): lambda t: _("%(who)s unlocked the meeting between %(buyer)s and "
                                       "%(supplier)s", **_meeting_parts(t)),
    ("meeting", "swap"): lambda t: _("%(who)s swapped the time of the meeting between "
                                     "%(buyer)s and %(supplier)s", **_meeting_parts(t)),
    ("meeting", "flag"): lambda t: _("%(who)s flagged a conflict with the meeting between "
                                     "%(buyer)s and %(supplier)s", **_meeting_parts(t)),
    ("meeting", "unflag"): lambda t: _("%(who)s withdrew the conflict flagged on the meeting "
                                       "between %(buyer)s and %(supplier)s", **_meeting_parts(t)),
    ("meeting", "attendance"): lambda t: _("%(who)s recorded the attendance of the meeting "
                                           "between %(buyer)s and %(supplier)s",
                                           **_meeting_parts(t)),
    ("meeting", "walk_in"): lambda t: _("%(who)s gave a free table to %(buyer)s and %(supplier)s "
                                        "for a meeting on the spot", **_meeting_parts(t)),
    ("week", "b2b_settings"): lambda t: _("%(who)s changed the B2B session's settings",
                                          who=t.who),
    ("week", "generate_schedule"): lambda t: _(
        "%(who)s generated the B2B schedule: %(count)s meetings",
        who=t.who, count=t.value("scheduled", 0)),
    ("week", "publish_schedule"): lambda t: _(
        "%(who)s published the B2B schedule: %(count)s meetings",
        who=t.who, count=t.value("meetings", 0)),
    ("meeting", "unschedule"): lambda t: _("%(who)s took the meeting between %(buyer)s and "
                                        "%(supplier)s off the schedule", **_meeting_parts(t)),
    ("meeting", "outcome"): lambda t: _(
        "%(who)s recorded the outcome of the meeting between %(buyer)s and %(supplier)s: "
        "%(outcome)s",
        who=t.who, buyer=t.names.get("meeting", t.entry.entity_id) or _("a buyer"),
        supplier=t.business, outcome=t.lower_title("outcome")),
}

def _generic(told: _Told) -> str:
    """An action nobody worded yet: still a sentence, naming the action and the record."""
    code = told.entry.action
    action = action_title(code) if code else EMPTY
    if action == code:  # no title either: its words
        action = code.replace("_", " ")
    return _("%(who)s: %(action)s · %(record)s", who=told.who, action=action,
             record=told.record())


def who_did(entry: Entry, *, organiser_as_body: bool = False) -> str:
    """Who made the change: the person's name (or email); the system when nobody signed in.
    With ``organiser_as_body`` an organiser reads as "The organiser", for exhibitors' eyes."""
    actor = entry.actor
    if actor is None:
        return _("The system")
    if organiser_as_body and getattr(actor, "is_organiser", False):
        return _("The organiser")
    return actor.full_name or actor.email


def describe(entries: Iterable[Entry], *,
             organiser_as_body: bool = False) -> list[HistoryLine]:
    """The entries as history lines, in the given order, reading the names they mention with
    one query per kind of record."""
    entries = list(entries)
    names = _read_names(entries)
    lines = []
    for entry in entries:
        who = who_did(entry, organiser_as_body=organiser_as_body)
        told = _Told(entry, who, names)
        builder = SENTENCES.get((entry.entity, entry.action), _generic)
        try:
            sentence = builder(told)
        except (KeyError, TypeError, ValueError, AttributeError):
            # a shape this wording did not expect (an old entry, a hand-written one)
            sentence = _generic(told)
        try:
            shown = changes(entry, names)
        except (TypeError, ValueError, AttributeError):
            shown = []
        lines.append(HistoryLine(entry=entry, who=who, sentence=sentence, changes=shown))
    return lines
