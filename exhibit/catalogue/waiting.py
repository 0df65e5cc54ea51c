"""What the catalogue leaves waiting on the organiser, counted for the desk's work queue
(exhibit/weeks/desk.py): products awaiting review, and approved products whose OCOP
certificate does not cover the week. One grouped query for any number of weeks."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import and_, case, func, select

from exhibit.catalogue.models import ListingStatus, Product, ProductListing
from exhibit.catalogue.review import certificate_conditions
from exhibit.extensions import db
from exhibit.vn.dates import to_vietnam_time
from exhibit.weeks.desk import Waiting
from exhibit.weeks.models import ExhibitionWeek

PENDING, APPROVED = ListingStatus.PENDING.value, ListingStatus.APPROVED.value


def waiting(week_ids: Sequence[int], now: datetime, today: date) -> list[Waiting]:
    # the review list's own "certificate problem" rule, read against each row's week's dates
    problem = certificate_conditions(ExhibitionWeek)["problem"]
    pending = ProductListing.status == PENDING
    rows = db.session.execute(
        select(ProductListing.week_id,
               func.coalesce(func.sum(case((pending, 1), else_=0)), 0),
               func.min(case((pending, ProductListing.created_at))),
               func.coalesce(func.sum(case((and_(ProductListing.status == APPROVED, problem), 1),
                                           else_=0)), 0))
        .join(Product, Product.id == ProductListing.product_id)
        .join(ExhibitionWeek, ExhibitionWeek.id == ProductListing.week_id)
        .where(ProductListing.week_id.in_(week_ids),
               ProductListing.status.in_((PENDING, APPROVED)))
        .group_by(ProductListing.week_id))
    found = []
    for week_id, to_review, oldest, with_problem in rows:
        if to_review:
            found.append(Waiting(
                week_id=week_id, kind="products", count=to_review,
                label=ngettext("product awaiting review", "products awaiting review", to_review),
                endpoint="catalogue.review", args={"status": PENDING}, since=oldest,
                note=_("oldest listed on %(day)s",
                       day=to_vietnam_time(oldest).strftime("%d/%m/%Y")) if oldest else ""))
        if with_problem:
            found.append(Waiting(
                week_id=week_id, kind="certificates", count=with_problem,
                label=ngettext("approved product whose certificate does not cover the week",
                               "approved products whose certificate does not cover the week",
                               with_problem),
                endpoint="catalogue.review", args={"status": APPROVED, "certificate": "problem"}))
    return found
