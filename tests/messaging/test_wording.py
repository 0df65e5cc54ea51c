"""Every event has its wording in Vietnamese and English, with the three blocks the outbox
uses, names only values the messages are given, and keeps its SMS text short and plain."""
from __future__ import annotations

import re

import pytest
from jinja2 import meta

from exhibit.messaging import catalog

#: every value a message's context may hold (messaging/subscribers.py and reminders.py)
CONTEXT_VALUES = {
    "week", "organiser", "sender", "business", "booth", "from_booth", "deadline", "link",
    "name", "email", "valid_until", "how", "reason", "products", "count", "other", "when",
    "table", "number", "version", "is_contract", "which", "amount", "due_on", "venue", "dates",
    "exhibitor", "inviter", "for_gate", "by_organiser", "code", "pdf", "paid_on",
    "for_cluster", "booths", "changes", "first_change", "privacy",
}


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("event", sorted(catalog.EVENTS))
def test_every_event_is_worded_in_both_languages(app, event, language):
    path = f"messages/{language}/{event}.txt"
    source = app.jinja_loader.get_source(app.jinja_env, path)[0]
    template = app.jinja_env.get_template(path)
    assert {"subject", "text", "short"} <= set(template.blocks)
    unknown = meta.find_undeclared_variables(app.jinja_env.parse(source)) - CONTEXT_VALUES
    assert not unknown, f"{path} names values no message is given: {unknown}"
    assert set(catalog.EVENTS[event].zalo_params) <= CONTEXT_VALUES


def test_sms_text_is_unaccented_and_short(app):
    """A Vietnamese message rendered with long-ish values still fits two GSM parts."""
    values = {name: "X" * 12 for name in CONTEXT_VALUES}
    values.update(week="Tuần lễ OCOP Bình Thuận 2027", sender="ITPC", booth="A01",
                  link="https://hoicho.example.vn/e/abcd1234efgh", is_contract=True, version=1,
                  # a privacy link as long as a real one (phone and email in its signed token)
                  privacy="https://hoicho.example.vn/privacy/"
                          "WzEsIis4NDk4NzY1NDMyMSIsInF1YW5AZXhhbXBsZS52biJd.MM8sdLebpRzErWWtfCXWGVM9Ls0")
    with app.test_request_context():
        for event in catalog.EVENTS:
            short = catalog.unaccented(catalog.render(event, "vi", values).short)
            assert short.isascii() and len(short) <= 306, (event, len(short), short)
            assert not re.search(r"\s{2,}", short)
