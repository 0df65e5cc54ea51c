"""Every user-facing string in the code and templates has a Vietnamese translation."""
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def source_messages() -> set[str]:
    method_map = [("exhibit/**.py", "python"), ("templates/**.html", "jinja2")]
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map=method_map, keywords=KEYWORDS):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_message_has_a_vietnamese_translation():
    with open(ROOT / "exhibit/translations/vi/LC_MESSAGES/messages.po", "rb") as f:
        catalog = read_po(f, locale="vi")
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog
                  if m.id and "fuzzy" not in m.flags
                  and (m.string if isinstance(m.string, str) else all(m.string))}
    untranslated = sorted(source_messages() - translated)
    assert untranslated == [], "run `make extract-messages` and translate: " + "; ".join(untranslated[:20])
