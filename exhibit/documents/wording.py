"""The signed wording of contracts and MoUs: which catalogue messages it is made of, and whether
the compiled Vietnamese catalogue prints every one of them in Vietnamese.

The wording is written as English message ids (see :mod:`exhibit.documents.render`) and the
compiled catalogues are build output (``make translations``). Without them gettext falls back
to the English ids silently, and an issued contract — stored with its SHA-256 — would carry a
Vietnamese header over an English body. So nothing is rendered in Vietnamese, and the app does
not start in production, unless :func:`catalogue_problems` finds nothing wrong.

The set of messages is never listed by hand: it is every message Babel's extractor finds in
:data:`WORDING_MODULES`, the same extraction that builds ``messages.pot``. A test renders every
kind of document and checks that no message outside that set is looked up while rendering.
"""
from __future__ import annotations

import importlib.util
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from exhibit.core.errors import AppError

#: modules whose every translatable message is signed wording
WORDING_MODULES = ("exhibit.documents.render",)
#: the language the parties sign
SIGNED_LOCALE = "vi"
#: gettext functions as babel.cfg and ``make extract-messages`` know them
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None,
            "lazy_pgettext": ((1, "c"), 2), "lazy_ngettext": (1, 2)}


@dataclass(frozen=True)
class WordingMessage:
    """One message of the wording, as a catalogue keys it (the singular id for plurals)."""
    context: str | None
    msgid: str
    #: where it is used, for the message that names it
    source: str = ""

    def __str__(self) -> str:
        context = f"[{self.context}] " if self.context else ""
        return f"{context}“{self.msgid}” ({self.source})"


class SignedWordingUnavailable(AppError):
    """A contract or MoU cannot be rendered in Vietnamese right now (the server's catalogue is
    missing, stale or incomplete); nothing is rendered, numbered or stored."""
    status = 503
    code = "document_wording_unavailable"


#: shown precisely when the catalogue is broken, so it cannot come from the catalogue
REFUSAL = {
    "vi": ("Hiện chưa thể in hoặc phát hành hợp đồng và biên bản ghi nhớ: lời văn tiếng Việt của "
           "văn bản chưa được cài đặt đầy đủ trên máy chủ. Chưa có văn bản nào được phát hành. "
           "Vui lòng báo quản trị hệ thống (chi tiết trong nhật ký máy chủ)."),
    "en": ("Contracts and memoranda cannot be printed or issued right now: the Vietnamese wording "
           "of the documents is not fully installed on the server. Nothing was issued. Please "
           "tell the system administrator (the details are in the server log)."),
}

HOW_TO_FIX = ("Compile the catalogues with `make translations` (pybabel compile -d "
              "exhibit/translations, without --use-fuzzy) and translate every listed message "
              "in the .po file without a fuzzy flag.")


# -- which messages ----------------------------------------------------------------------------

def wording_sources() -> list[Path]:
    """The source files of :data:`WORDING_MODULES`."""
    paths = []
    for name in WORDING_MODULES:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.origin or not spec.origin.endswith(".py"):
            raise RuntimeError(f"The source of {name} is needed to know the document wording.")
        paths.append(Path(spec.origin))
    return paths


def wording_messages() -> frozenset[WordingMessage]:
    """Every message the document wording uses, extracted from its modules' source."""
    return _extract(tuple((str(p), _stamp(p)) for p in wording_sources()))


@lru_cache(maxsize=4)
def _extract(sources: tuple[tuple[str, tuple], ...]) -> frozenset[WordingMessage]:
    found = set()
    for path, _unused_stamp in sources:
        for lineno, message, _comments, context in extract_from_file(
                "python", path, keywords=KEYWORDS):
            msgid = message if isinstance(message, str) else message[0]
            found.add(WordingMessage(context, msgid, f"{Path(path).name}:{lineno}"))
    # one entry per message, wherever it is used
    first = {}
    for message in sorted(found, key=_order):
        first.setdefault((message.context, message.msgid), message)
    return frozenset(first.values())


# -- is the catalogue complete -----------------------------------------------------------------

def catalogue_problems(directories: list[str | os.PathLike], domain: str = "messages",
                       locale: str = SIGNED_LOCALE) -> list[str]:
    """What keeps the compiled catalogue in ``directories`` (searched as Flask-Babel does: a
    later directory overrides an earlier one) from printing the whole wording in ``locale``;
    empty when it can. Problems are in English for the operator's log.

    Checked: the compiled ``.mo`` exists and is not older than its ``.po``; every wording
    message has a translation in it; in the ``.po`` that translation is not fuzzy, keeps the
    message's placeholders, and is the one compiled."""
    return list(_verdict(directories, domain, locale).problems)


@dataclass(frozen=True)
class _Verdict:
    problems: tuple[str, ...]
    #: ((context, msgid), translation) of every wording message, when there is no problem
    expected: tuple = ()


def _verdict(directories, domain: str, locale: str) -> _Verdict:
    pairs = tuple((Path(d) / locale / "LC_MESSAGES" / f"{domain}.po",
                   Path(d) / locale / "LC_MESSAGES" / f"{domain}.mo") for d in directories)
    return _check_files(pairs, tuple((_stamp(po), _stamp(mo)) for po, mo in pairs),
                        wording_messages())


@lru_cache(maxsize=16)
def _check_files(pairs, _stamps, messages: frozenset[WordingMessage]) -> _Verdict:
    """Cached by the files' stamps: any write, replacement or removal is seen at once."""
    problems: list[str] = []
    layers = []  # (.po catalogue, compiled translations), in override order
    for po_path, mo_path in pairs:
        if not mo_path.is_file():
            continue
        if not po_path.is_file():
            problems.append(f"{mo_path} has no source {po_path.name} beside it to check it "
                            "against.")
            continue
        if mo_path.stat().st_mtime_ns < po_path.stat().st_mtime_ns:
            problems.append(f"{mo_path} is older than {po_path}: it was compiled before the "
                            "last change to the translations.")
        with open(po_path, "rb") as po_file, open(mo_path, "rb") as mo_file:
            layers.append((read_po(po_file), _compiled(read_mo(mo_file))))
    if not layers:
        searched = ", ".join(str(mo) for _po, mo in pairs) or "(no translation directory)"
        problems.append(f"The compiled catalogue is missing: {searched}.")
        return _Verdict(tuple(problems))

    expected = []
    for message in sorted(messages, key=_order):
        problem, translation = _message_verdict(message, layers)
        if problem:
            problems.append(problem)
        else:
            expected.append(((message.context, message.msgid), translation))
    return _Verdict(tuple(problems), () if problems else tuple(expected))


def _message_verdict(message: WordingMessage, layers) -> tuple[str | None, object]:
    for po, compiled_strings in reversed(layers):
        compiled = compiled_strings.get((message.context, message.msgid))
        if not compiled or not _translated(compiled):
            continue
        source = po.get(message.msgid, message.context)
        if source is None:
            return f"{message}: compiled, but not in the .po source.", None
        if source.fuzzy:
            return f"{message}: the translation is marked fuzzy.", None
        if _as_tuple(source.string) != _as_tuple(compiled):
            return f"{message}: the compiled translation differs from the .po source.", None
        errors = list(source.check(po))
        if errors:
            return f"{message}: {errors[0]}.", None
        placeholders = _placeholders(message.msgid)
        for string in _as_tuple(source.string):
            if _placeholders(string) != placeholders:
                # Babel lets a translation leave a named placeholder out; signed wording may
                # not (the amount or the date would silently vanish from the contract)
                return (f"{message}: the translation's placeholders "
                        f"{sorted(_placeholders(string))} are not {sorted(placeholders)}.", None)
        return None, compiled
    return f"{message}: not translated in the compiled catalogue.", None


def loaded_problems(expected) -> list[str]:
    """What the catalogue Flask-Babel has loaded (once per process) prints differently from
    the compiled files that passed the check — a process that loaded its catalogue before the
    files were compiled or changed. Needs an app context."""
    from flask_babel import force_locale, get_translations
    with force_locale(SIGNED_LOCALE):
        translations = get_translations()
        problems = []
        for (context, msgid), translation in expected:
            if isinstance(translation, (tuple, list)):
                continue  # plural wording has no plural id to look up here (there is none yet)
            printed = (translations.upgettext(context, msgid) if context
                       else translations.ugettext(msgid))
            if printed != translation:
                problems.append(f"“{msgid}”: this process loaded the catalogue before it was "
                                "compiled or changed; restart the app.")
    return problems


def _compiled(catalog) -> dict[tuple[str | None, str], str | tuple]:
    """A compiled catalogue's translations by (context, msgid). Babel's read_mo leaves the
    context as bytes, so it is decoded here."""
    index = {}
    for message in catalog:
        if not message.id:
            continue  # the header
        context = message.context
        if isinstance(context, bytes):
            context = context.decode(catalog.charset or "utf-8")
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        index[(context, msgid)] = message.string
    return index


def _placeholders(string: str) -> set[str]:
    return set(re.findall(r"%\((\w+)\)", string))


def _as_tuple(string) -> tuple:
    return tuple(string) if isinstance(string, (tuple, list)) else (string,)


def _order(message: WordingMessage) -> tuple:
    return (message.context or "", message.msgid, message.source)


def _translated(string) -> bool:
    return all(string) if isinstance(string, (tuple, list)) else bool(string)


def _stamp(path: Path) -> tuple:
    """Changes whenever the file is written, replaced or removed."""
    try:
        stat = path.stat()
    except OSError:
        return ()
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino)


# -- for the app -------------------------------------------------------------------------------

def app_catalogue_problems(app=None) -> list[str]:
    """:func:`catalogue_problems` for the catalogue files the app's Flask-Babel loads."""
    return list(_app_verdict(app).problems)


def _app_verdict(app=None) -> _Verdict:
    from flask import current_app
    babel = (app or current_app).extensions["babel"]
    return _verdict(babel.translation_directories, babel.default_domain, SIGNED_LOCALE)


def require_signed_wording() -> None:
    """Raise :class:`SignedWordingUnavailable` (503, with a message the organiser understands)
    unless the Vietnamese wording can be printed — from the files, and from the catalogue this
    process has loaded; the details go to the server log."""
    from flask import current_app
    verdict = _app_verdict()
    problems = list(verdict.problems) or loaded_problems(verdict.expected)
    if not problems:
        return
    current_app.logger.error("%s", report(problems, "Refused to render a contract or MoU"))
    raise SignedWordingUnavailable(REFUSAL[_language()])


def _language() -> str:
    from flask_babel import get_locale
    locale = get_locale()
    return "en" if locale is not None and locale.language == "en" else "vi"


def report(problems: list[str], lead: str) -> str:
    """The problems for an operator: ``lead``, what is wrong, how to fix it."""
    listed = "\n".join(f"  - {p}" for p in problems[:30])
    more = f"\n  … and {len(problems) - 30} more" if len(problems) > 30 else ""
    return (f"{lead}: the compiled Vietnamese catalogue does not hold the signed wording of "
            "contracts and MoUs as translated (what it lacks would print in English, or in "
            f"outdated wording).\n{listed}{more}\n{HOW_TO_FIX}")
