"""One msgid per meaning on the payments page: the state "Due" (owes, no day passed yet:
"Chưa đến hạn") is asked for in its own context, apart from the amount due ("Phải thu")."""
from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_file
from flask_babel import force_locale

from exhibit.documents import payments
from tests.conftest import login

PAYMENTS_PY = Path(payments.__file__)


def test_the_due_state_has_its_own_context():
    found = [(message, context) for _line, message, _comments, context
             in extract_from_file("python", str(PAYMENTS_PY))]
    assert ("Due", "payment state") in found
    assert ("Due", None) not in found  # no bare "Due" left to mean two things


def test_the_ledger_names_the_state_and_the_amount_apart(app, client, bank_ready, open_week,
                                                         confirmed_exhibitor):
    from exhibit.documents import services
    user = confirmed_exhibitor()
    document = services.create_contract(actor=bank_ready, week=open_week, business_id=user.business_id)
    services.issue(actor=bank_ready, document=document)
    login(client, bank_ready)
    with client.session_transaction() as session:
        session["locale"] = "en"
    html = client.get(f"/organiser/weeks/{open_week.slug}/payments").get_data(as_text=True)
    assert re.search(r'<option value="due"[^>]*>Due \(1\)</option>', html)
    assert ">Amount due</th>" in html
    with app.test_request_context(), force_locale("en"):
        assert payments.state_title(payments.DUE) == "Due"


def test_in_vietnamese_the_state_reads_not_yet_due(app):
    """Passes once helper E's translations are merged into the catalogue."""
    with app.test_request_context(), force_locale("vi"):
        assert payments.state_title(payments.DUE) == "Chưa đến hạn"
