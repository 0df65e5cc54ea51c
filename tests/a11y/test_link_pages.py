"""Pages reached by a link someone was sent or a code someone scanned, which the demo walk
(test_pages.py) cannot open: setting a new password, confirming an email address, accepting an
invitation, a booth's page with its products, a booth code that was replaced, and a shared
list of favourites — each checked by axe on a phone and a desktop and by the Nu Html Checker."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.a11y.conftest import check_pages


def test_pages_opened_from_links_and_codes(live_server, browser_module, organiser,
                                           exhibitor_with_booth, open_week, tmp_path):
    from exhibit.accounts import invitations, verification
    from exhibit.accounts.links import issue_link
    from exhibit.catalogue.models import ProductListing
    from exhibit.core.db import utcnow, write_transaction
    from exhibit.extensions import db
    from exhibit.floorplan.services import get_booth
    from exhibit.visitors import services as visitors
    from exhibit.visitors.models import BoothToken, FavouriteList

    owner = exhibitor_with_booth
    with write_transaction():
        reset = issue_link(owner, "reset", timedelta(hours=1), now=utcnow())
        verify = verification.send_link(owner)
    invited = invitations.invite(actor=owner, email="dong.nghiep@example.vn",
                                 full_name="Trần Văn Bình")
    with write_transaction():
        invitation = issue_link(invited, "invite", timedelta(days=7), now=utcnow())

    a01 = get_booth(open_week, "A01")
    scan = db.session.scalar(select(BoothToken.token).where(
        BoothToken.booth_id == a01.id, BoothToken.replaced_at.is_(None)))
    a02 = get_booth(open_week, "A02")
    replaced = db.session.scalar(select(BoothToken.token).where(
        BoothToken.booth_id == a02.id, BoothToken.replaced_at.is_(None)))
    visitors.reissue_token(actor=organiser, booth=a02)
    listing = db.session.scalar(select(ProductListing.id).where(
        ProductListing.week_id == open_week.id, ProductListing.visible.is_(True)))
    visitors.toggle_favourite(owner_key="a11y-visitor-key", listing_id=listing)
    shared = db.session.scalar(select(FavouriteList.share_token).where(
        FavouriteList.owner_key == "a11y-visitor-key"))

    problems = check_pages(browser_module, live_server, {
        "new password": f"/password/reset/{reset}",
        "confirm email": f"/account/verify/{verify}",
        "accept invitation": f"/account/invitation/{invitation}",
        "booth scan with products": f"/b/{scan}",
        "replaced booth code": (f"/b/{replaced}", 410),
        "shared favourites": f"/f/{shared}",
    }, tmp_path)
    assert problems == []
