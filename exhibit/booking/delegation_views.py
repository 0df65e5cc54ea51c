"""The delegation coordinator's pages (blueprint "coordinator"): its clusters, and in each the
booths free or taken, a free one given to a business of the delegation
(booking.delegations). A coordinator sees nothing else; anyone else is refused (403), and a
cluster that is not theirs does not exist for them (404)."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from exhibit.booking import delegations
from exhibit.booking import queries as booking_queries
from exhibit.core.errors import attempt
from exhibit.core.permissions import role_required
from exhibit.floorplan import clusters, publish, snapshot_svg

bp = Blueprint("coordinator", __name__)
coordinator_required = role_required("coordinator")


@bp.route("/coordinator")
@coordinator_required
def home():
    mine = clusters.clusters_of(current_user)
    weeks = {c.id: delegations.cluster_week(c) for c in mine}
    return render_template("floorplan/cluster_coordinator_home.html", clusters=mine,
                           weeks=weeks, province_label=clusters.province_label)


@bp.route("/coordinator/clusters/<int:cluster_id>")
@coordinator_required
def cluster(cluster_id):
    found = clusters.require_coordinator(current_user, cluster_id)
    week = delegations.cluster_week(found)
    rows = delegations.cluster_states(week, found)
    booth_ids = {booth.id for booth, _state in rows}
    snapshot = publish.snapshot(week)
    hall_ids = {booth.hall_id for booth, _state in rows}
    halls = [h for h in snapshot["halls"] if h["id"] in hall_ids]
    # only this cluster is drawn: the rest of the plan is not the coordinator's to see
    own = {"halls": halls, "elements": [e for e in snapshot["elements"] if e["hall_id"] in hall_ids],
           "booths": [b for b in snapshot["booths"] if b["id"] in booth_ids],
           "clusters": [c for c in snapshot["clusters"] if c["id"] == found.id]}
    shapes = clusters.shapes(own["booths"], {found.id: found.name})
    drawings = [(h, snapshot_svg.render(own, h, shapes=shapes)) for h in halls]
    return render_template("floorplan/cluster_coordinator.html", cluster=found, week=week,
                           rows=rows, businesses=delegations.delegation_businesses(week, found),
                           drawings=drawings, status_title=booking_queries.status_title,
                           province_label=clusters.province_label)


@bp.route("/coordinator/clusters/<int:cluster_id>/booths/<int:booth_id>/assign",
          methods=["POST"])
@coordinator_required
def assign(cluster_id, booth_id):
    found = clusters.require_coordinator(current_user, cluster_id)
    delegations.cluster_booth(found, booth_id)  # 404 before anything is said of the booth
    business_id = request.form.get("business_id", type=int) or 0
    attempt(lambda: delegations.assign_for_delegation(
        actor=current_user, cluster_id=found.id, booth_id=booth_id, business_id=business_id),
        _("Booth assigned; the business is told."))
    return redirect(url_for("coordinator.cluster", cluster_id=found.id))
