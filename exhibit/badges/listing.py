"""The organiser's badge list: one search box, a state filter, the kinds as tabs, counted pages.

A help desk types whatever the visitor shows or says, and the box works out what it is:

* something with ``@`` is part of an email address;
* digits written any way a Vietnamese phone is (``0912 345 678``, ``+84 912-345-678``) are a
  phone number: a whole number is compared with the stored E.164 form, a part of one
  (``345 678``, ``0912``) is looked for inside it;
* anything else is words, each of which must start a word of the holder's name or organisation
  (the business's name for exhibitor staff), ignoring case and diacritics ("nguyen hung"
  finds "Nguyễn Văn Hùng") — unless it is the entrance or exhibitor code of one of the week's
  badges, typed from the card or scanned as its URL: then it finds that badge only.

Everything is filtered, counted and paged by the database; nothing loads the week's badges.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import contains_eager

from exhibit.badges.models import Badge, BadgeKind, CheckIn
from exhibit.businesses.models import Business
from exhibit.core.paging import Page, counted_page, search_text
from exhibit.core.tokens import LENGTH, normalise_code
from exhibit.extensions import db
from exhibit.vn import phones
from exhibit.vn.dates import vietnam_today
from exhibit.vn.text import search_words

#: badges on one page: a help desk reads a screen, not a directory
PAGE_SIZE = 50
#: words of a search that count (more would only slow the query down)
MAX_WORDS = 8

STATES = {
    "active": _l("Active"),
    "revoked": _l("Revoked"),
    "checked_in_today": _l("Checked in today"),
}

_PHONE_TYPED = re.compile(r"^\+?[\d\s().\-]+$")


@dataclass(frozen=True)
class BadgeFilters:
    """What the organiser asked for, already cleaned: unknown values are dropped, never a 500."""
    kind: str = BadgeKind.STAFF.value
    #: the search box (core.paging.search_text)
    q: str = ""
    #: "" (every badge) or a key of STATES
    state: str = ""

    @classmethod
    def from_args(cls, args) -> BadgeFilters:
        kind = args.get("kind", BadgeKind.STAFF.value)
        if kind not in {k.value for k in BadgeKind}:
            kind = BadgeKind.STAFF.value
        state = args.get("state", "")
        return cls(kind=kind, q=search_text(args),
                   state=state if state in STATES else "")

    def query_args(self) -> dict[str, str]:
        """The filters as query-string arguments (for the tabs' links)."""
        return {k: v for k, v in (("q", self.q), ("state", self.state)) if v}


@dataclass
class BadgeList:
    filters: BadgeFilters
    #: rows of (Badge, the Vietnam time it was let in today or None)
    page: Page
    #: kind → badges of that kind matching the search and the state
    kind_counts: dict[str, int]
    #: for the shown kind and the search: "" (all), "active", "revoked", "checked_in_today"
    state_counts: dict[str, int]
    #: the search found nothing in the tab asked for, and the tab shown is another one's
    switched_from: str = ""
    #: what the search box was read as: "words", "code", "phone" or "email" ("" without one)
    read_as: str = ""


# -- reading what was typed ----------------------------------------------------------------------

@dataclass(frozen=True)
class _Search:
    read_as: str = ""
    email: str = ""
    #: the whole number in E.164
    phone: str = ""
    #: the digits of a part of a number
    phone_part: str = ""
    words: tuple[str, ...] = ()
    code: str = ""


def read_search(q: str) -> _Search:
    """What the search box holds: an email, a phone number (whole or part), or words and
    perhaps a badge code."""
    if not q:
        return _Search()
    if "@" in q:
        return _Search(read_as="email", email=q.lower())
    digits = re.sub(r"\D", "", q)
    if _PHONE_TYPED.match(q) and len(digits) >= 3:
        try:
            return _Search(read_as="phone", phone=phones.normalize_phone(q))
        except phones.InvalidPhone:
            return _Search(read_as="phone", phone_part=digits)
    words, code = tuple(search_words(q)[:MAX_WORDS]), normalise_code(q)
    if not words:  # only punctuation: no search
        return _Search()
    return _Search(read_as="words", words=words, code=code if len(code) == LENGTH else "")


# -- words --------------------------------------------------------------------------------------

def _words_start(words: tuple[str, ...]):
    """Each of ``words`` (folded) starts a word of the holder's name or organisation, or of the
    business's name for exhibitor staff: a LIKE over the badge's folded words (padded with
    spaces, so " hung" is a word start) and the business's folded name — the business is read
    by its name as it is now, so a renamed business is found by its new name."""
    business = literal(" ") + func.coalesce(Business.name_search, "")
    return and_(*(or_(Badge.search_text.contains(" " + word, autoescape=True),
                      business.contains(" " + word, autoescape=True)) for word in words))


# -- the list ------------------------------------------------------------------------------------

def _checked_in_today():
    """Today's check-in of a badge (at most one: one per badge and day)."""
    return and_(CheckIn.badge_id == Badge.id, CheckIn.day == vietnam_today())


def _search_condition(search: _Search):
    if search.email:
        return func.lower(Badge.email).contains(search.email, autoescape=True)
    if search.phone:
        return Badge.phone == search.phone
    if search.phone_part:
        inside = Badge.phone.contains(search.phone_part, autoescape=True)
        if not search.phone_part.startswith("0"):
            return inside
        # or the start of the number written the Vietnamese way: "0912 3" is "+849123…"
        return or_(inside, Badge.phone.startswith("+84" + search.phone_part[1:],
                                                   autoescape=True))
    if search.code:
        return or_(Badge.entry_code == search.code, Badge.contact_code == search.code)
    return _words_start(search.words)


def _state_condition(state: str):
    if state == "active":
        return Badge.revoked_at.is_(None)
    if state == "revoked":
        return Badge.revoked_at.isnot(None)
    if state == "checked_in_today":
        return CheckIn.id.isnot(None)
    return None


def _matching(week, search: _Search, *columns):
    """SELECT ``columns`` of the week's badges matching ``search``, with each badge's business
    (exhibitor staff) and today's check-in joined."""
    query = (select(*columns).select_from(Badge)
             .outerjoin(Business, Business.id == Badge.business_id)
             .outerjoin(CheckIn, _checked_in_today())
             .where(Badge.week_id == week.id))
    if search.read_as:
        query = query.where(_search_condition(search))
    return query


def _counts(week, search: _Search, state: str) -> dict[str, dict[str, int]]:
    """For each kind, the badges matching the search: all of them ("") and per state, and
    those in ``state`` ("shown"), from one grouped query."""
    wanted = _state_condition(state)
    rows = db.session.execute(_matching(
        week, search, Badge.kind, func.count(Badge.id),
        func.count(case((_state_condition("active"), 1))),
        func.count(case((_state_condition("revoked"), 1))),
        func.count(case((_state_condition("checked_in_today"), 1))),
        func.count(case((wanted, 1))) if wanted is not None else func.count(Badge.id),
    ).group_by(Badge.kind)).all()
    counts = {k.value: dict.fromkeys(("", *STATES, "shown"), 0) for k in BadgeKind}
    for kind, total, active, revoked, checked_in, shown in rows:
        counts[kind] = {"": total, "active": active, "revoked": revoked,
                        "checked_in_today": checked_in, "shown": shown}
    return counts


def _order(kind: str):
    """Exhibitor staff by business, then name; the others newest first (the one registered a
    minute ago is at the top)."""
    if kind == BadgeKind.STAFF.value:
        return (Business.name, Badge.full_name, Badge.id)
    return (Badge.id.desc(),)


def _settle_code(week, search: _Search) -> _Search:
    """Text shaped like a code is that badge's code when one of the week's badges has it (one
    look-up in the codes' unique indexes): then only that badge is shown, and no name is
    searched for; otherwise it is only words."""
    if not search.code:
        return search
    found = db.session.scalar(select(Badge.id).where(
        Badge.week_id == week.id,
        or_(Badge.entry_code == search.code, Badge.contact_code == search.code)).limit(1))
    if found is not None:
        return _Search(read_as="code", code=search.code)
    return _Search(read_as="words", words=search.words)


def badge_list(week, filters: BadgeFilters, *, page: int = 1,
               size: int = PAGE_SIZE) -> BadgeList:
    """One page of the week's badges of a kind matching the search and state, with the counts
    the tabs and the state filter show."""
    search = _settle_code(week, read_search(filters.q))
    counts = _counts(week, search, filters.state)
    switched_from = ""
    if search.read_as and not counts[filters.kind]["shown"]:
        # a help desk searching a code or a phone from the default tab: show the kind it is
        found = next((k.value for k in BadgeKind if counts[k.value]["shown"]), None)
        if found:
            switched_from = filters.kind
            filters = BadgeFilters(kind=found, q=filters.q, state=filters.state)
    query = (_matching(week, search, Badge, CheckIn.first_at)
             .where(Badge.kind == filters.kind)
             .options(contains_eager(Badge.business).load_only(Business.name))
             .order_by(*_order(filters.kind)))
    wanted = _state_condition(filters.state)
    if wanted is not None:
        query = query.where(wanted)
    return BadgeList(filters=filters, page=counted_page(query, page, size, scalars=False),
                     kind_counts={kind: c["shown"] for kind, c in counts.items()},
                     state_counts={k: v for k, v in counts[filters.kind].items() if k != "shown"},
                     switched_from=switched_from, read_as=search.read_as)
