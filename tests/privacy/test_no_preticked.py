"""No consent is ever given by a box ticked beforehand (Law 91/2025/QH15: silence or a
pre-ticked box is not consent): every GET page of the app — the permission matrix's targets,
with both organisations' objects — is rendered as every persona, and no checkbox on it comes
ticked. Besides, the forms that collect consents are shown in the states that have them
(registration open, a booth with its exhibitor, the walk-in desk of a running week) and after
a refused submission. Run on SQLite: which box a page ticks does not depend on the database."""
from __future__ import annotations

from html.parser import HTMLParser

import pytest
from flask import Flask

from exhibit.extensions import db
from tests.permissions.conftest import _rate_limits_off
from tests.permissions.matrix import PERSONAS, Matrix, account_for, rolled_back
from tests.permissions.targets import TARGETS
from tests.permissions.test_permission_matrix import TABLE
from tests.permissions.world import build_world

#: checkboxes whose ticked state shows a stored choice of the signed-in person (editing what
#: was saved), never an agreement asked of someone: (endpoint, input name) → why
STORED_CHOICES: dict[tuple[str, str], str] = {
    # an account holder's channels for the service messages about their own bookings,
    # documents and meetings (the contract's, not a consent), as saved on this page
    ("accounts.account", "messages_by_zalo"): "stored channel choice",
    ("accounts.account", "messages_by_sms"): "stored channel choice",
    ("accounts.account", "messages_by_email"): "stored channel choice",
    # the exhibitor's own products already chosen for the week
    ("catalogue.week_products", "product"): "stored selection",
    # the weeks named in the comparison's own address (?week=…&week=…)
    ("reports.compare", "week"): "the query's selection",
    # a setting of the organiser's own drawing tool (the hall takes the drawing's size), no
    # one's personal data
    ("floorplan.edit_drawing", "size_from_drawing"): "a tool's default setting",
}


class Checkboxes(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ticked: list[str] = []
        self.names: set[str] = set()
        self.count = 0

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "input" and (values.get("type") or "").lower() == "checkbox":
            self.count += 1
            self.names.add(values.get("name") or "")
            if "checked" in values:
                self.ticked.append(values.get("name") or values.get("id") or "?")

    handle_startendtag = handle_starttag


def ticked_boxes(html: str) -> tuple[list[str], int]:
    parser = Checkboxes()
    parser.feed(html)
    return parser.ticked, parser.count


def box_names(html: str) -> set[str]:
    parser = Checkboxes()
    parser.feed(html)
    return parser.names


#: the pages that ask for a consent, and the boxes each must show (the walk must reach them)
CONSENT_PAGES = {
    "badges.register_visitor": {"consent", "share_contact"},
    "badges.walk_in": {"consent", "share_contact"},
    "visitors.scan": {"consent"},
    "b2b.register": {"consent"},
}


@pytest.fixture(scope="module")
def world_matrix(tmp_path_factory):
    from tests.conftest import _test_app
    with _test_app("sqlite", tmp_path_factory, "preticked") as app:
        _rate_limits_off(app)
        with app.app_context():
            world = build_world()
            db.session.remove()
        built = Matrix(app, world)
        built.sign_in_everyone()
        yield built


def _get(matrix: Matrix, app: Flask, persona: str, org, url: str):
    account = account_for(matrix.world, persona, org)
    client = matrix.browser(account)
    with rolled_back(app):
        response = client.get(url)
        raw = response.get_data()
        response.close()
    body = raw.decode("utf-8", "replace") if "html" in (response.mimetype or "") else ""
    return response, body


def test_no_page_of_the_app_comes_with_a_box_ticked(world_matrix):
    app = world_matrix.app
    ticked, pages, boxes = [], 0, 0
    seen: dict[str, set[str]] = {}
    for (endpoint, method, variant), _rule in TABLE.items():
        if method != "GET" or (endpoint, variant) not in TARGETS:
            continue
        for org in world_matrix.world.orgs.values():
            target = world_matrix.target(TARGETS[endpoint, variant], org)
            if target.is_api:
                continue
            for persona in PERSONAS:
                response, body = _get(world_matrix, app, persona, org, target.url)
                if response.status_code != 200 or "html" not in (response.mimetype or ""):
                    continue
                pages += 1
                names, count = ticked_boxes(body)
                boxes += count
                seen.setdefault(endpoint, set()).update(box_names(body))
                ticked += [f"{persona} {target.url}: {name}" for name in names
                           if (endpoint, name) not in STORED_CHOICES]
    assert pages > 300 and boxes > 20, (pages, boxes)  # the walk reached the forms
    for endpoint, wanted in CONSENT_PAGES.items():
        assert wanted <= seen.get(endpoint, set()), (endpoint, seen.get(endpoint))
    assert not ticked, "\n".join(sorted(set(ticked)))


def test_consent_forms_come_unticked_and_stay_unticked_after_a_refusal(world_matrix):
    """The pages that ask for consent, found by their boxes' names, and sent back refused."""
    app = world_matrix.app
    forms = [("badges.register_visitor", {"consent": "", "share_contact": "",
                                          "full_name": "", "phone": "12"}),
             ("b2b.register", {"consent": "", "contact_name": ""})]
    for endpoint, refused in forms:
        org = world_matrix.world.orgs[1]
        target = world_matrix.target(TARGETS[endpoint, ""], org)
        response, body = _get(world_matrix, app, "anonymous", org, target.url)
        assert response.status_code == 200
        assert 'name="consent"' in body, endpoint
        assert ticked_boxes(body)[0] == []
        client = world_matrix.browser(None)
        with rolled_back(app):
            answer = client.post(target.url, data=refused)
            page = answer.get_data(as_text=True)
        assert answer.status_code == 422, (endpoint, answer.status_code)
        assert ticked_boxes(page)[0] == [], endpoint
    # the organiser's own form for a visitor's or buyer's badge (the list of staff has none)
    org = world_matrix.world.orgs[1]
    url = world_matrix.target(TARGETS["badges.manage", ""], org).url + "?kind=visitor"
    response, body = _get(world_matrix, app, "organiser", org, url)
    assert response.status_code == 200 and {"consent", "share_contact"} <= box_names(body)
    assert ticked_boxes(body)[0] == []
