"""A delegation's coordinator gives the booths of its cluster to the delegation's businesses.

The coordinator (floorplan.clusters: an account the organiser invited for one cluster) sees its
cluster's booths, free or taken, and assigns a free one to a business of the delegation: a
business whose application to the week still stands and whose province is the cluster's (a
legacy province counting as the 2025 unit it became part of). A cluster without a province has
no delegation to choose from: its booths are assigned by the organiser. The assignment is the
organiser's kind (confirmed at once, the application approved), within the booth count the
business asked for, under the booking rules' lock, and audited as the coordinator's.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from exhibit.booking import queries
from exhibit.booking import services as booking
from exhibit.booking.models import Allocation, AllocationSource, AllocationStatus
from exhibit.businesses.models import Business
from exhibit.core import audit
from exhibit.core.db import utcnow, write_transaction
from exhibit.core.errors import Conflict, NotFound, ValidationFailed
from exhibit.extensions import db
from exhibit.floorplan import clusters
from exhibit.floorplan.models import Booth, BoothCluster
from exhibit.weeks.models import ExhibitionWeek


def delegation_businesses(week, cluster: BoothCluster) -> list[Business]:
    """The businesses the cluster's coordinator may give a booth to, by name."""
    if not cluster.province_code:
        return []
    return [b for b in queries.taking_part(week)
            if clusters.same_province(b.province_scheme, b.province_code,
                                      cluster.province_scheme, cluster.province_code)]


def cluster_states(week, cluster: BoothCluster) -> list[tuple[Booth, queries.BoothState]]:
    """The cluster's booths on the published plan, each with its booking state."""
    states = queries.booth_states(week)
    return [(booth, states[booth.id]) for booth in clusters.cluster_booths(cluster)
            if booth.id in states]


def cluster_booth(cluster: BoothCluster, booth_id: int) -> Booth:
    """A booth of the cluster on the published plan; NotFound for any other booth."""
    booth = db.session.get(Booth, booth_id)
    if booth is None or booth.cluster_id != cluster.id or booth.retired_at is not None:
        raise NotFound(_("This booth is not in your cluster."), code="booth_not_found")
    return booth


def assign_for_delegation(*, actor, cluster_id: int, booth_id: int, business_id: int,
                          now: datetime | None = None) -> Allocation:
    """The coordinator gives a free booth of its cluster to a business of the delegation.

    Forbidden for anyone who is not a coordinator, NotFound for a cluster or booth that is not
    theirs, ValidationFailed ("business") for a business outside the delegation or with all the
    booths it asked for, Conflict (409) when the booth is taken, blocked, or just went."""
    now = now or utcnow()
    cluster = clusters.require_coordinator(actor, cluster_id)
    week = cluster_week(cluster)
    allowed = {b.id for b in delegation_businesses(week, cluster)}
    if business_id not in allowed:
        message = _("Choose a business of the delegation.")
        raise ValidationFailed(message, fields={"business": message})
    booth = cluster_booth(cluster, booth_id)
    try:
        with write_transaction():
            application = queries.live_application(week.id, business_id)
            if application is None:  # withdrawn meanwhile
                message = _("Choose a business of the delegation.")
                raise ValidationFailed(message, fields={"business": message})
            booth = booking._lock_booth(booth.id)
            if booth.cluster_id != cluster.id or booth.retired_at is not None:
                raise NotFound(_("This booth is not in your cluster."), code="booth_not_found")
            booking._expire_stale_hold(week, booth, now, offer=False)
            booking._require_free(booth)
            booth_limit(application, now)
            allocation = Allocation(
                week_id=week.id, booth_id=booth.id, business_id=business_id,
                application_id=application.id, status=AllocationStatus.CONFIRMED.value,
                source=AllocationSource.ORGANISER_ASSIGN.value, created_at=now, confirmed_at=now)
            db.session.add(allocation)
            db.session.flush()
            booking._approve_application_of(allocation, actor, now)
            audit.record("allocation", allocation.id, "assign", actor=actor, week_id=week.id,
                         business_id=business_id, after=allocation.snapshot(),
                         note=_("Assigned by the coordinator of %(cluster)s", cluster=cluster.name))
            booking._announce(allocation, "assign")
    except IntegrityError:
        raise booking._booth_taken(booth) from None
    return allocation


def booth_limit(application, now: datetime) -> None:
    """A business gets no more booths through its delegation than its application asks for."""
    try:
        booking._require_within_booth_count(application, now)
    except Conflict as refused:  # said on the business field
        message = _("This business already has the %(n)d booth(s) it applied for.",
                    n=application.booth_count)
        raise ValidationFailed(message, fields={"business": message}) from refused


def cluster_week(cluster: BoothCluster) -> ExhibitionWeek:
    return db.session.get(ExhibitionWeek, cluster.week_id)
