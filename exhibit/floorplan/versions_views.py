"""Published versions of the floor plan and booth clusters: the organiser's pages (each
version's plan drawn from its snapshot with its readable changes; what publishing the draft
will change, and the Publish button; clusters, their booths and their coordinators), and the
exhibitor's page of the changes that touched its booths.

Blueprints "plan_versions" and "clusters". Services: floorplan.publish, floorplan.clusters."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from exhibit.core.errors import AppError, Conflict, ValidationFailed, attempt
from exhibit.core.permissions import exhibitor_required, organiser_required
from exhibit.extensions import db
from exhibit.floorplan import clusters, diff, draft, publish, snapshot_svg
from exhibit.floorplan.models import PlanDraft
from exhibit.vn import provinces
from exhibit.weeks.services import get_managed_week, get_visible_week

bp = Blueprint("plan_versions", __name__)
clusters_bp = Blueprint("clusters", __name__)


def _chosen_hall(snapshot: dict) -> dict | None:
    halls = snapshot.get("halls") or []
    wanted = request.args.get("hall", type=int)
    return next((h for h in halls if h["id"] == wanted), halls[0] if halls else None)


def _drawing(snapshot: dict, hall: dict | None, **marks):
    if hall is None:
        return None
    names = {c["id"]: c["name"] for c in snapshot.get("clusters", [])}
    shapes = clusters.shapes(snapshot.get("booths", []), names)
    return snapshot_svg.render(snapshot, hall, shapes=shapes, **marks)


# -- the organiser's versions ------------------------------------------------------------------------

@bp.route("/organiser/weeks/<slug>/plan/versions")
@organiser_required
def index(slug):
    week = get_managed_week(slug, current_user)
    rows = [(v, diff.counts(publish.version_changes(v))) for v in publish.versions(week)]
    return render_template("floorplan/versions.html", week=week, rows=rows,
                           kind_title=diff.kind_title, pending_draft=_has_draft(week))


def _has_draft(week) -> bool:
    return db.session.get(PlanDraft, week.id) is not None


@bp.route("/organiser/weeks/<slug>/plan/versions/<int:number>")
@organiser_required
def version(slug, number):
    week = get_managed_week(slug, current_user)
    found = publish.get_version(week, number)
    if found is None:
        abort(404)
    snapshot = publish.version_snapshot(found)
    changes = publish.version_changes(found)
    hall = _chosen_hall(snapshot)
    changed = {i for c in changes for i in c.get("booth_ids", ())}
    return render_template("floorplan/versions_detail.html", week=week, version=found,
                           snapshot=snapshot, hall=hall, changes=changes,
                           drawing=_drawing(snapshot, hall, changed=changed),
                           describe=diff.describe, kind_title=diff.kind_title,
                           latest=publish.latest_number(week))


@bp.route("/organiser/weeks/<slug>/plan/publish", methods=["GET", "POST"])
@organiser_required
def pending(slug):
    week = get_managed_week(slug, current_user)
    error, status = None, 200
    if request.method == "POST":
        try:
            published = publish.publish(actor=current_user, week=week,
                                        revision=request.form.get("revision"),
                                        note=request.form.get("note", ""))
        except (Conflict, ValidationFailed) as refused:
            error, status = refused, refused.status
        else:
            flash(_("Version %(number)d of the floor plan is published; the exhibitors whose "
                    "booth changed are being told.", number=published.number), "success")
            return redirect(url_for("plan_versions.version", slug=slug, number=published.number))
    state = publish.pending(week)
    return render_template("floorplan/versions_pending.html", week=week, state=state,
                           error=error, describe=diff.describe, kind_title=diff.kind_title,
                           latest=publish.latest_number(week),
                           note=request.form.get("note", "") if error else ""), status


# -- the exhibitor's view --------------------------------------------------------------------------

@bp.route("/my/weeks/<slug>/plan-changes")
@exhibitor_required
def mine(slug):
    week = get_visible_week(slug, current_user)
    hooks = publish.booking_hooks
    holders = hooks.holders(week.id) if hooks else {}
    booth_ids = {b for b, business in holders.items() if business == current_user.business_id}
    found = publish.changes_for_booths(week, booth_ids)
    return render_template("floorplan/versions_mine.html", week=week, found=found,
                           describe=diff.describe)


# -- clusters --------------------------------------------------------------------------------------

def _province_choices():
    return [(p.code, p.full_name) for p in provinces.provinces(provinces.SCHEME_2025)]


@clusters_bp.route("/organiser/weeks/<slug>/clusters", methods=["GET", "POST"], endpoint="index")
@organiser_required
def cluster_list(slug):
    week = get_managed_week(slug, current_user)
    errors, status = {}, 200
    if request.method == "POST":
        try:
            cluster = clusters.save_cluster(actor=current_user, week=week, data=request.form)
        except ValidationFailed as refused:
            errors, status = refused.fields, 422
        else:
            flash(_("Cluster %(name)s created; choose its booths.", name=cluster.name), "success")
            return redirect(url_for("clusters.detail", slug=slug, cluster_id=cluster.id))
    snapshot = publish.snapshot(week)
    hall = _chosen_hall(snapshot)
    return render_template("floorplan/clusters.html", week=week,
                           clusters=clusters.week_clusters(week),
                           counts=clusters.booth_counts(week), snapshot=snapshot, hall=hall,
                           drawing=_drawing(snapshot, hall), provinces=_province_choices(),
                           province_label=clusters.province_label, errors=errors,
                           form=request.form), status


@clusters_bp.route("/organiser/weeks/<slug>/clusters/<int:cluster_id>", methods=["GET", "POST"])
@organiser_required
def detail(slug, cluster_id):
    week = get_managed_week(slug, current_user)
    cluster = clusters.get_cluster(week, cluster_id)
    errors, status = {}, 200
    if request.method == "POST":
        try:
            clusters.save_cluster(actor=current_user, week=week, data=request.form,
                                  cluster=cluster)
        except ValidationFailed as refused:
            errors, status = refused.fields, 422
        else:
            flash(_("Cluster saved."), "success")
            return redirect(url_for("clusters.detail", slug=slug, cluster_id=cluster.id))
    row = draft.load_draft(week)
    document = draft.editor_document(week, row)
    members = {e["key"] for e in document.get("booths") or [] if e.get("cluster_id") == cluster.id}
    published = {b.id for b in clusters.cluster_booths(cluster)}
    return render_template("floorplan/cluster.html", week=week, cluster=cluster,
                           booths=sorted(document.get("booths") or [], key=lambda e: e["code"]),
                           members=members, published=published, revision=row.revision,
                           coordinators=clusters.coordinators(cluster),
                           provinces=_province_choices(),
                           province_label=clusters.province_label, errors=errors,
                           form=request.form if errors else None), status


@clusters_bp.route("/organiser/weeks/<slug>/clusters/<int:cluster_id>/booths", methods=["POST"])
@organiser_required
def set_booths(slug, cluster_id):
    week = get_managed_week(slug, current_user)
    cluster = clusters.get_cluster(week, cluster_id)
    if attempt(lambda: clusters.set_cluster_booths(
            actor=current_user, week=week, cluster=cluster,
            booth_keys=request.form.getlist("booth"), revision=request.form.get("revision")),
            _("The cluster's booths are saved in the draft: publish the plan to apply them.")):
        return redirect(url_for("plan_versions.pending", slug=slug))
    return redirect(url_for("clusters.detail", slug=slug, cluster_id=cluster.id))


@clusters_bp.route("/organiser/weeks/<slug>/clusters/<int:cluster_id>/delete", methods=["POST"])
@organiser_required
def delete(slug, cluster_id):
    week = get_managed_week(slug, current_user)
    cluster = clusters.get_cluster(week, cluster_id)
    name = cluster.name
    clusters.delete_cluster(actor=current_user, week=week, cluster=cluster)
    flash(_("Cluster %(name)s deleted; its booths stay on the plan.", name=name), "success")
    return redirect(url_for("clusters.index", slug=slug))


@clusters_bp.route("/organiser/weeks/<slug>/clusters/<int:cluster_id>/coordinators",
                   methods=["POST"])
@organiser_required
def invite(slug, cluster_id):
    week = get_managed_week(slug, current_user)
    cluster = clusters.get_cluster(week, cluster_id)
    try:
        user = clusters.invite_coordinator(actor=current_user, week=week, cluster=cluster,
                                           email=request.form.get("email", ""),
                                           full_name=request.form.get("full_name", ""))
    except AppError as refused:
        if refused.status in (403, 404):
            raise
        details = [m for m in refused.fields.values() if m != refused.message]
        flash(" ".join([refused.message, *details]), "error")
    else:
        if user.active:
            flash(_("%(name)s now coordinates this cluster too.", name=user.full_name), "success")
        else:
            flash(_("Invitation sent to %(email)s.", email=user.email), "success")
    return redirect(url_for("clusters.detail", slug=slug, cluster_id=cluster.id))


@clusters_bp.route("/organiser/weeks/<slug>/clusters/<int:cluster_id>/coordinators/"
                   "<int:user_id>/remove", methods=["POST"])
@organiser_required
def remove_coordinator(slug, cluster_id, user_id):
    week = get_managed_week(slug, current_user)
    cluster = clusters.get_cluster(week, cluster_id)
    clusters.remove_coordinator(actor=current_user, week=week, cluster=cluster, user_id=user_id)
    flash(_("The person no longer coordinates this cluster."), "success")
    return redirect(url_for("clusters.detail", slug=slug, cluster_id=cluster.id))
