"""Pages everyone can use: every page of the visitor's, the exhibitor's and the organiser's day,
on a phone and on a desktop, judged by two independent checkers on the demo.

- axe-core, inside Chromium: no critical and no serious violation (WCAG 2.1 A/AA: names,
  roles, contrast, labels, landmarks...).
- the Nu Html Checker, on the HTML the server sent: no error (duplicate ids, ARIA where it
  cannot go, misplaced elements).

The walk through all pages happens once (a module fixture); each page then has its own test
per checker, so a failure names the page, the rule and the elements.

KNOWN_AXE and KNOWN_HTML list problems found in templates that other work is changing at the moment; such a
page's test is reported as "xfail" with the problem, and fails as soon as the problem is gone
(so the entry is removed). Keep the list empty: it is a to-do list, not a place to park things.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from sqlalchemy import select

from tests.a11y.conftest import axe_findings, axe_or_skip, validate_html, vnu_or_skip
from tests.e2e.conftest import PHONE, serve

DEMO_PASSWORD = "trienlam2024"
ORGANISER = "bantochuc@exhibit.demo"
EXHIBITOR = "ocop01@exhibit.demo"
OPEN_WEEK, PAST_WEEK = "tuan-le-ocop-itpc-2027", "ocop-binh-thuan-2024"
#: the demo's week running today (its zones, scanners and walk-in desk)
LIVE_WEEK = "tuan-le-dac-san-vung-mien"
DESKTOP = {"width": 1280, "height": 900}

#: (who, page name, path); "{...}" parts are filled from the demo by _demo_facts
PAGES = [
    (None, "home", "/"),
    (None, "week", f"/weeks/{OPEN_WEEK}"),
    (None, "floor plan", f"/weeks/{OPEN_WEEK}/plan"),
    (None, "booth", f"/weeks/{OPEN_WEEK}/booths/A02"),
    (None, "catalogue", f"/weeks/{PAST_WEEK}/products"),
    (None, "product", f"/weeks/{PAST_WEEK}/products/{{product}}"),
    (None, "exhibitor", f"/weeks/{PAST_WEEK}/exhibitors/{{business}}"),
    (None, "booth scan", "/b/{token}"),
    (None, "visitor sign-up", f"/weeks/{OPEN_WEEK}/visit"),
    (None, "favourites", "/favourites"),
    (None, "login", "/login"),
    (None, "sign-up", "/signup"),
    (None, "forgot password", "/password/forgot"),
    (None, "not found", "/weeks/no-such-week"),
    (None, "spent link", "/password/reset/no-such-link"),
    (EXHIBITOR, "my business", "/my"),
    (EXHIBITOR, "my products", "/my/products"),
    (EXHIBITOR, "my contacts", "/my/leads"),
    (EXHIBITOR, "contact capture", "/my/leads/scan"),
    (EXHIBITOR, "forbidden", "/organiser/"),
    (ORGANISER, "desk", "/organiser/"),
    (ORGANISER, "week desk", f"/organiser/weeks/{OPEN_WEEK}"),
    (ORGANISER, "dashboard", f"/organiser/weeks/{PAST_WEEK}/dashboard"),
    (ORGANISER, "halls and booths", f"/organiser/weeks/{OPEN_WEEK}/booths"),
    (ORGANISER, "products review", f"/organiser/weeks/{PAST_WEEK}/products"),
    (ORGANISER, "badges", f"/organiser/weeks/{PAST_WEEK}/badges"),
    (ORGANISER, "QR codes", f"/organiser/weeks/{OPEN_WEEK}/qr-codes"),
    (ORGANISER, "documents", f"/organiser/weeks/{PAST_WEEK}/documents"),
    (ORGANISER, "payments", f"/organiser/weeks/{PAST_WEEK}/payments"),
    (ORGANISER, "B2B", f"/organiser/weeks/{PAST_WEEK}/b2b"),
    (ORGANISER, "audit", f"/organiser/weeks/{OPEN_WEEK}/audit"),
    (ORGANISER, "messages", f"/organiser/weeks/{OPEN_WEEK}/messages"),
    (ORGANISER, "week settings", f"/organiser/weeks/{OPEN_WEEK}/edit"),
    (ORGANISER, "new week", "/organiser/weeks/new"),
    (ORGANISER, "compare weeks", "/organiser/compare"),
    (ORGANISER, "staff", "/organiser/staff"),
    (ORGANISER, "entrance", "/gate"),
    (ORGANISER, "entrances", f"/organiser/weeks/{LIVE_WEEK}/entrances"),
    (ORGANISER, "walk-in desk", f"/gate/{LIVE_WEEK}/walk-in"),
    (None, "scanner app", "/scan/"),
    (None, "scanner pairing", "/scan/pair"),
    (ORGANISER, "account", "/account"),
    (EXHIBITOR, "my documents", "/my/documents"),
    (EXHIBITOR, "my B2B", "/my/b2b"),
    (EXHIBITOR, "my team", "/my/team"),
    (EXHIBITOR, "lead scanners", f"/my/weeks/{LIVE_WEEK}/scanners"),
]
PAGE_NAMES = [name for _who, name, _path in PAGES]
#: pages that answer with something other than 200 on purpose
STATUS = {"not found": 404, "spent link": 404, "forbidden": 403}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}

#: {(page name, axe rule id): the file and the fix}
KNOWN_AXE: dict[tuple[str, str], str] = {}
#: {(page name, a piece of the validator's message): the file and the fix}
KNOWN_HTML: dict[tuple[str, str], str] = {}


@dataclass
class Walk:
    axe: dict[tuple[str, str], list[dict]] = field(default_factory=dict)
    html: dict[str, list[str]] = field(default_factory=dict)
    status: dict[str, int] = field(default_factory=dict)
    #: stylesheets, scripts, images and icons that did not load: "page: status url"
    missing: list[str] = field(default_factory=list)


def _demo_facts(app) -> dict[str, str]:
    from exhibit.catalogue.models import ProductListing
    from exhibit.visitors.models import BoothToken
    from exhibit.weeks.models import ExhibitionWeek
    with app.app_context():
        from exhibit.extensions import db
        past = db.session.scalar(select(ExhibitionWeek.id).where(ExhibitionWeek.slug == PAST_WEEK))
        listing = db.session.scalars(select(ProductListing).where(
            ProductListing.week_id == past, ProductListing.visible.is_(True))
            .order_by(ProductListing.id)).first()
        token = db.session.scalars(select(BoothToken.token).where(BoothToken.replaced_at.is_(None))
                                   .order_by(BoothToken.id)).first()
        facts = {"product": str(listing.product_id), "business": str(listing.business_id),
                 "token": token}
        db.session.remove()
    return facts


def _sign_in(context, base: str, email: str):
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_load_state()
    assert "/login" not in page.url, f"{email} could not sign in"
    return page


@pytest.fixture(scope="module")
def walk(demo_app, browser_module, tmp_path_factory):
    """Every page on both viewports through axe; every page's HTML through one validator run."""
    axe_script = axe_or_skip()
    vnu = vnu_or_skip()
    app = demo_app
    facts = _demo_facts(app)
    html_dir = tmp_path_factory.mktemp("a11y-html")
    result, files = Walk(), {}
    with serve(app) as base:
        for viewport_name, viewport in VIEWPORTS.items():
            phone = viewport_name == "phone"
            contexts: dict[str | None, object] = {}
            for who, name, path in PAGES:
                if who not in contexts:
                    contexts[who] = browser_module.new_context(
                        viewport=viewport, is_mobile=phone, has_touch=phone, locale="vi-VN",
                        bypass_csp=True)  # axe is injected as a script of its own
                    if who is not None:
                        _sign_in(contexts[who], base, who).close()
                page = contexts[who].new_page()
                page.on("response", lambda r, name=name: r.status >= 400
                        and r.request.resource_type != "document"
                        and result.missing.append(f"{name}: {r.status} {r.url}"))
                response = page.goto(base + path.format(**facts))
                page.wait_for_load_state()
                result.status[name] = response.status
                result.axe[name, viewport_name] = axe_findings(page, axe_script)
                if name == "home" and not phone:
                    # the icons a browser or a phone's home screen asks for
                    for link in page.locator("link[rel~=icon], link[rel=apple-touch-icon]").all():
                        icon = page.request.get(base + link.get_attribute("href"))
                        if icon.status != 200 or not icon.headers["content-type"].startswith("image/"):
                            result.missing.append(f"icon: {icon.status} {icon.url}")
                if not phone:
                    files[name] = html_dir / f"page-{len(files):02d}.html"
                    files[name].write_text(response.text(), encoding="utf-8")
                page.close()
            for context in contexts.values():
                context.close()
    result.html = validate_html(vnu, files)
    return result


def _judge(name: str, problems: list[tuple[str, str]], known: dict[tuple[str, str], str],
           found_anywhere: set[str] | None = None):
    """Fails on problems nobody knows about; a page whose only problems are ``known`` is an
    xfail that names them; a known entry that no longer happens (on any viewport:
    ``found_anywhere``) fails, to be removed."""
    unknown = [text for key, text in problems if (name, key) not in known]
    assert not unknown, f"{name}:\n" + "\n".join(unknown)
    found = found_anywhere if found_anywhere is not None else {k for k, _ in problems}
    gone = [key for (page, key) in known if page == name and key not in found]
    still = [f"{known[name, key]}: {text}" for key, text in problems if (name, key) in known]
    if still:
        pytest.xfail(f"known, being fixed elsewhere — {name}: " + " | ".join(still))
    assert not gone, f"{name}: no longer happens, remove it from the known list: {gone}"


@pytest.mark.parametrize("demo_app", ["sqlite"], indirect=True)
@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("name", PAGE_NAMES)
def test_no_serious_accessibility_violation(walk, name, viewport, demo_app):
    assert walk.status[name] == STATUS.get(name, 200), f"{name}: HTTP {walk.status[name]}"
    _judge(name, [(v["rule"], f"[{viewport}] {v['rule']} ({v['impact']}): {v['help']}\n    "
                   + "\n    ".join(v["nodes"])) for v in walk.axe[name, viewport]], KNOWN_AXE,
           {v["rule"] for other in VIEWPORTS for v in walk.axe[name, other]})


@pytest.mark.parametrize("demo_app", ["sqlite"], indirect=True)
@pytest.mark.parametrize("name", PAGE_NAMES)
def test_valid_html(walk, name, demo_app):
    problems, seen = [], {}
    for error in walk.html[name]:  # "line N: message"; one line per message, with its count
        message = error.split(": ", 1)[1]
        if message in seen:
            seen[message] += 1
            continue
        seen[message] = 1
        key = next((k for (page, k) in KNOWN_HTML if page == name and k in message), message)
        problems.append((key, message, error))
    _judge(name, [(key, f"{error} (×{seen[message]})" if seen[message] > 1 else error)
                  for key, message, error in problems], KNOWN_HTML)


@pytest.mark.parametrize("demo_app", ["sqlite"], indirect=True)
def test_every_page_loads_its_styles_scripts_images_and_icons(walk, demo_app):
    assert walk.missing == []
