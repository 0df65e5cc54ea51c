"""How a buyer's sourcing need meets a supplier's products: the rules, without the database.

A need names an OCOP product group, and may add keywords (the description, "Cà phê rang xay,
hạt điều"), the OCOP stars and the certifications it requires, and a monthly volume. A product
meets the need when it is of the group (or of the older QĐ 1048 group that became it), shows
at least the stars at the week, holds every certification asked for, and, when the need has
keywords, matches at least one of them:

* a keyword is one of the comma-separated parts of the description; its *head* is its first
  two words ("cà phê" of "cà phê rang xay"), which in Vietnamese usually name the kind of
  product;
* it matches a product whose name (Vietnamese or English, without diacritics) contains the
  head as whole words: fully when the name has all the keyword's words, else by its head;
* a keyword that names the need's own group ("Đồ uống đặc sản" in the group "Đồ uống") asks for
  the whole group, so every product of the group matches it.

So a coffee buyer is never offered cassava starch or canned tuna, even though both are "Thực
phẩm" with stars. Suppliers are ranked by how many needs they meet, how well their products
match the keywords, then stars and certifications. The catalogue records no supplier's
capacity, so the buyer's volume is shown with the need but does not rank.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _

from exhibit.catalogue import ocop
from exhibit.catalogue.search import GROUP_FILTER
from exhibit.vn.text import clean_text, search_words

#: how well a product matches a keyword, best last
NO_MATCH, BY_GROUP, BY_HEAD, FULL = 0, 1, 2, 3
#: the words of a keyword that must all appear in a product's name (the rest rank)
HEAD_WORDS = 2
#: what separates keywords in a need's description
_SEPARATORS = re.compile(r"[,;/\n+]|\s(?:và|hoặc|and|or)\s", re.IGNORECASE)


@dataclass(frozen=True)
class Keyword:
    """One product a buyer names, e.g. "Cà phê rang xay"."""
    #: as the buyer wrote it
    text: str
    #: its folded words: ("ca", "phe", "rang", "xay")
    words: tuple[str, ...]

    @property
    def head(self) -> str:
        """The words a product's name must contain, side by side: "ca phe"."""
        return " ".join(self.words[:HEAD_WORDS])


def keywords(description: str | None) -> list[Keyword]:
    """The keywords of a need's description, in order, each once."""
    found, seen = [], set()
    for part in _SEPARATORS.split(description or ""):
        text = clean_text(part).strip(" .:-–")
        words = tuple(search_words(text))
        if words and words not in seen:
            seen.add(words)
            found.append(Keyword(text, words))
    return found


def groups_meeting(need_group: str) -> tuple[str, ...]:
    """The product groups a need's (QĐ 148) group accepts: itself and the QĐ 1048 groups that
    became it ("duoc_lieu" also takes "thao_duoc")."""
    return GROUP_FILTER.get(need_group, (need_group,))


def _names_group(keyword: Keyword, need_group: str) -> bool:
    group = ocop.group(ocop.QD148, need_group)
    if group is None:
        return False
    names = (f" {' '.join(search_words(group.name_vi))} ", f" {' '.join(search_words(group.name_en))} ")
    return any(f" {keyword.head} " in name for name in names)


@dataclass(frozen=True)
class NeedRule:
    """A need worked out once for matching: many buyers' needs ask the same, so ``rule_for``
    gives equal needs equal rules."""
    groups: tuple[str, ...]
    min_stars: int
    #: casefolded
    certifications: tuple[str, ...]
    #: the keywords a product's name must match (empty: any product of the group)
    keywords: tuple[Keyword, ...]

    @property
    def heads(self) -> tuple[str, ...]:
        return tuple(k.head for k in self.keywords)


def rule_for(need) -> NeedRule:
    found = keywords(need.description)
    whole_group = any(_names_group(k, need.product_group) for k in found)
    return NeedRule(groups=groups_meeting(need.product_group), min_stars=need.min_stars or 0,
                    certifications=tuple(sorted({c.casefold() for c in need.certifications or []})),
                    keywords=() if whole_group else tuple(found))


def _name_words(product) -> str:
    """The product's folded name words, padded (``Product.name_search``)."""
    name = getattr(product, "name_search", "") or ""
    return name if name.startswith(" ") else f" {name} "


def keyword_match(product, keyword: Keyword) -> int:
    """FULL, BY_HEAD or NO_MATCH: how the product's name matches one keyword."""
    name = _name_words(product)
    if f" {keyword.head} " not in name:
        return NO_MATCH
    return FULL if set(keyword.words) <= set(name.split()) else BY_HEAD


def fit(product, shown_stars: int, rule: NeedRule) -> tuple[int, list[Keyword]]:
    """How well a product meets a need: (NO_MATCH, []) when it does not; else the strength
    (BY_GROUP for a need without keywords) and the keywords it matches, best first."""
    if product.ocop_group not in rule.groups:
        return NO_MATCH, []
    if rule.min_stars and shown_stars < rule.min_stars:
        return NO_MATCH, []
    have = {s.casefold() for s in (product.standards or [])}
    if not all(c in have for c in rule.certifications):
        return NO_MATCH, []
    if not rule.keywords:
        return BY_GROUP, []
    scored = [(keyword_match(product, k), k) for k in rule.keywords]
    matched = [(s, k) for s, k in scored if s]
    if not matched:
        return NO_MATCH, []
    matched.sort(key=lambda pair: -pair[0])
    return matched[0][0], [k for _s, k in matched]


def product_meets(product, shown_stars: int, need) -> bool:
    """Whether a product (anything with ``name_search``, ``ocop_group`` and ``standards``)
    shown with ``shown_stars`` at the week meets a need."""
    return fit(product, shown_stars, rule_for(need))[0] != NO_MATCH


# -- why a supplier is suggested ----------------------------------------------------------------

@dataclass(frozen=True)
class Fit:
    """How one supplier's products meet one need's rule: the best strength, the keywords its
    products match (fully matched first, then in the buyer's order), the products (best first)."""
    strength: int
    keywords: tuple[Keyword, ...]
    products: tuple


def suppliers_meeting(rule: NeedRule, candidates) -> dict[int, Fit]:
    """Per supplier id, how ``candidates`` (products with ``business_id`` and ``shown_stars``)
    meet the rule; suppliers with no product meeting it are left out."""
    found: dict[int, list] = {}
    for product in candidates:
        strength, matched = fit(product, product.shown_stars, rule)
        if strength:
            found.setdefault(product.business_id, []).append((strength, matched, product))
    fits = {}
    for supplier_id, rows in found.items():
        rows.sort(key=lambda row: (-row[0], -row[2].shown_stars, -len(row[2].standards or []),
                                   row[2].id))
        best: dict[Keyword, int] = {}
        for _strength, matched, product in rows:
            for keyword in matched:
                best[keyword] = max(best.get(keyword, 0), keyword_match(product, keyword))
        keywords = sorted(best, key=lambda k: (-best[k], rule.keywords.index(k)))
        fits[supplier_id] = Fit(rows[0][0], tuple(keywords), tuple(row[2] for row in rows))
    return fits


@dataclass(frozen=True)
class NeedMet:
    """One need of a buyer met by one supplier, and why."""
    need: object
    fit: Fit

    @property
    def strength(self) -> int:
        return self.fit.strength

    @property
    def keywords(self) -> tuple[Keyword, ...]:
        return self.fit.keywords

    @property
    def products(self) -> tuple:
        return self.fit.products

    @property
    def stars(self) -> int:
        return max((p.shown_stars for p in self.products), default=0)

    @property
    def standards(self) -> list[str]:
        """The certifications to name: those the need asks for, else those of the best product
        (as the catalogue lists them, at most two)."""
        if self.need.certifications:
            return list(self.need.certifications)
        best = (self.products[0].standards or []) if self.products else []
        return [s for s in ocop.STANDARDS if s in best][:2]

    def reason(self, lang: str = "vi") -> str:
        """"Cà phê rang xay · OCOP 4★ · VietGAP": what matched, the best stars, certifications."""
        if self.keywords:
            what = ", ".join(k.text for k in self.keywords[:3])
        else:
            best = self.products[0] if self.products else None
            product_set = ocop.PRODUCT_SETS.get(getattr(best, "ocop_set", None) or 0)
            group = ocop.group(ocop.QD148, self.need.product_group)
            what = product_set.name_vi if product_set else (group.title(lang) if group else "")
        parts = [what[:1].upper() + what[1:]]  # "cà phê" as the buyer typed it starts the line
        if self.stars:
            parts.append(_("OCOP %(stars)s★", stars=self.stars))
        parts += self.standards
        return " · ".join(p for p in parts if p)


def score(met: list[NeedMet], products: list) -> int:
    """One number ranking a supplier for a buyer, higher first: the needs met, then the
    products named in them that it has, how well its products match them (fully or by their
    head), its best stars, its most certifications, its number of products."""
    stars = max((p.shown_stars for p in products), default=0)
    standards = max((len(p.standards or []) for p in products), default=0)
    keywords_met = sum(len(m.keywords) for m in met)
    return (min(len(met), 99) * 10**10 + min(keywords_met, 99) * 10**8
            + min(sum(m.strength for m in met), 99) * 10**6 + stars * 10**4
            + min(standards, 99) * 100 + min(len(products), 99))
