"""Booth clusters: a block of booths reserved for a province or delegation ("Cụm gian hàng
tỉnh Đắk Lắk"), drawn on the plan as one labelled area, and the delegation's coordinators.

Which booths a cluster holds is part of the plan (``Booth.cluster_id``): the organiser chooses
them in the draft (here, or in the editor) and they change with the published plan, like any
other change of the plan (a "cluster changed" line of the version's diff).

A coordinator is an account the organiser invites for one cluster (role "coordinator", tied to
the organising body like entrance staff): it signs in and sees that cluster only — its booths,
free or taken — and gives its free booths to the delegation's businesses (booking.delegations).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from exhibit.accounts import invitations
from exhibit.accounts.models import Role, User
from exhibit.core import audit
from exhibit.core.db import write_transaction
from exhibit.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from exhibit.extensions import db
from exhibit.floorplan import draft, geometry
from exhibit.floorplan.models import Booth, BoothCluster, ClusterCoordinator
from exhibit.vn import provinces
from exhibit.vn.text import clean_text
from exhibit.weeks.services import require_week_organiser

#: how far a cluster's drawn outline stands off its booths, in metres
OUTLINE_MARGIN_M = 0.3


# -- reading ---------------------------------------------------------------------------------------

def week_clusters(week) -> list[BoothCluster]:
    return db.session.scalars(select(BoothCluster).where(BoothCluster.week_id == week.id)
                              .order_by(BoothCluster.name)).all()


def get_cluster(week, cluster_id: int) -> BoothCluster:
    cluster = db.session.get(BoothCluster, cluster_id)
    if cluster is None or cluster.week_id != week.id:
        raise NotFound(_("There is no such cluster at this week."), code="cluster_not_found")
    return cluster


def cluster_booths(cluster: BoothCluster) -> list[Booth]:
    """The cluster's booths on the published plan, in code order."""
    return db.session.scalars(select(Booth).where(Booth.cluster_id == cluster.id,
                                                  Booth.retired_at.is_(None))
                              .order_by(Booth.code)).all()


def booth_counts(week) -> dict[int, int]:
    """How many booths of the published plan each cluster of the week holds."""
    return dict(db.session.execute(
        select(Booth.cluster_id, func.count(Booth.id))
        .where(Booth.week_id == week.id, Booth.retired_at.is_(None), Booth.cluster_id.is_not(None))
        .group_by(Booth.cluster_id)).all())


def province_label(cluster: BoothCluster, lang: str = "vi") -> str:
    if not cluster.province_code:
        return ""
    return provinces.display_name(cluster.province_scheme, cluster.province_code, lang=lang)


def same_province(scheme: str, code: str, other_scheme: str, other_code: str) -> bool:
    """Two provinces are the same today: a legacy province counts as the 2025 unit it became
    part of."""
    return bool(code and other_code) and _today(scheme, code) == _today(other_scheme, other_code)


def _today(scheme: str, code: str) -> str | None:
    if scheme == provinces.SCHEME_2025:
        return code
    province = provinces.get_province(scheme, code)
    return province.successor_code if province else None


# -- the drawing -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ClusterShape:
    """A cluster's labelled area on one hall: the outline around its booths there."""
    cluster_id: int
    name: str
    hall_id: int
    x: float
    y: float
    w: float
    h: float


def shapes(booths: Iterable, names: dict[int, str]) -> list[ClusterShape]:
    """The area each cluster covers on each hall: the box around its booths there, with a
    small margin. ``booths`` may be Booth rows or snapshot dicts (with ``cluster_id``,
    ``hall_id``, ``x_m``…, ``outline``); ``names`` gives each cluster's name by id."""
    found: dict[tuple[int, int], list[geometry.Rect]] = {}
    for booth in booths:
        get = booth.get if isinstance(booth, dict) else (lambda name, b=booth: getattr(b, name))
        cluster_id = get("cluster_id")
        if cluster_id is None or cluster_id not in names:
            continue
        outline = get("outline") or []
        if isinstance(outline, str):
            rects = geometry.parse_outline(outline)
        else:
            rects = [geometry.Rect(*map(float, part)) for part in outline]
        rects = rects or [geometry.Rect(get("x_m"), get("y_m"), get("w_m"), get("h_m"))]
        found.setdefault((cluster_id, get("hall_id")), []).extend(rects)
    result = []
    for (cluster_id, hall_id), rects in sorted(found.items()):
        box = geometry.bounds(rects)
        m = OUTLINE_MARGIN_M
        result.append(ClusterShape(cluster_id, names[cluster_id], hall_id, box.x - m, box.y - m,
                                   box.w + 2 * m, box.h + 2 * m))
    return result


# -- the organiser's clusters ------------------------------------------------------------------------

def clean_cluster_data(data: dict) -> dict:
    errors = {}
    name = clean_text(data.get("name"))[:200]
    if not name:
        errors["name"] = _("Enter the cluster's name.")
    code = clean_text(data.get("province_code"))
    scheme = provinces.SCHEME_2025
    if code and provinces.get_province(scheme, code) is None:
        errors["province_code"] = _("Choose a province from the list.")
    if errors:
        raise ValidationFailed(_("Some details of the cluster are not valid."), fields=errors)
    return {"name": name, "province_scheme": scheme if code else "", "province_code": code}


def save_cluster(*, actor, week, data: dict, cluster: BoothCluster | None = None) -> BoothCluster:
    """Create a cluster of the week, or rename it / change its province."""
    require_week_organiser(actor, week)
    cleaned = clean_cluster_data(data)
    with write_transaction():
        clash = db.session.scalar(select(BoothCluster.id).where(
            BoothCluster.week_id == week.id, BoothCluster.name == cleaned["name"],
            BoothCluster.id != (cluster.id if cluster else -1)))
        if clash:
            raise ValidationFailed(_("Another cluster has this name."),
                                   fields={"name": _("Another cluster has this name.")})
        if cluster is None:
            cluster = BoothCluster(week_id=week.id, **cleaned)
            db.session.add(cluster)
            before, action = None, "create"
        else:
            cluster = db.session.get(BoothCluster, cluster.id)
            before = _cluster_values(cluster)
            for field, value in cleaned.items():
                setattr(cluster, field, value)
            action = "update"
        db.session.flush()
        audit.record("booth_cluster", cluster.id, action, actor=actor, week_id=week.id,
                     before=before, after=_cluster_values(cluster))
    return cluster


def _cluster_values(cluster: BoothCluster) -> dict:
    return {"name": cluster.name, "province": cluster.province_code or None}


def delete_cluster(*, actor, week, cluster: BoothCluster) -> None:
    """Delete a cluster: its booths stay on the plan, reserved for nobody; its coordinators
    lose it (an account left with no cluster can sign in and see nothing)."""
    require_week_organiser(actor, week)
    with write_transaction():
        cluster = db.session.get(BoothCluster, cluster.id)
        if cluster is None or cluster.week_id != week.id:
            raise NotFound(_("There is no such cluster at this week."), code="cluster_not_found")
        audit.record("booth_cluster", cluster.id, "delete", actor=actor, week_id=week.id,
                     before={**_cluster_values(cluster), "booths": len(cluster_booths(cluster))})
        for booth in db.session.scalars(select(Booth).where(Booth.cluster_id == cluster.id)):
            booth.cluster_id = None
        db.session.execute(ClusterCoordinator.__table__.delete().where(
            ClusterCoordinator.cluster_id == cluster.id))
        db.session.delete(cluster)
    # a saved draft may still name it: the draft is checked again when it is published
    _forget_in_draft(actor, week, cluster.id)


def _forget_in_draft(actor, week, cluster_id: int) -> None:
    row = db.session.get(draft.PlanDraft, week.id)
    if row is None:
        return
    document = draft.editor_document(week, row)
    changed = False
    for entry in document.get("booths") or []:
        if entry.get("cluster_id") == cluster_id:
            entry["cluster_id"] = None
            changed = True
    if changed:
        try:
            draft.save_draft(actor=actor, week=week, document=document, revision=row.revision)
        except Conflict:
            pass  # saved meanwhile: publishing refuses the unknown cluster, naming the booth


def set_cluster_booths(*, actor, week, cluster: BoothCluster, booth_keys: list[str],
                       revision: int):
    """In the week's draft, the cluster holds exactly the booths ``booth_keys`` ("b345",
    "n1"); booths it held and that are not listed leave it. Saved as a draft (409 when stale):
    the change is published with the plan."""
    require_week_organiser(actor, week)
    row = draft.load_draft(week)
    # brought up to date with the rows, as the editor opens it: a booth the booth form added
    # since the draft's last save is kept in the draft this saves
    document = draft.editor_document(week, row)
    keys = set(booth_keys or [])
    known = {entry["key"] for entry in document.get("booths") or []}
    unknown = keys - known
    if unknown:
        raise ValidationFailed(_("Choose booths of the plan."),
                               fields={"booths": _("Choose booths of the plan.")})
    for entry in document.get("booths") or []:
        if entry["key"] in keys:
            entry["cluster_id"] = cluster.id
        elif entry.get("cluster_id") == cluster.id:
            entry["cluster_id"] = None
    return draft.save_draft(actor=actor, week=week, document=document, revision=revision)


def draft_members(week, cluster: BoothCluster) -> set[str]:
    """The keys of the booths the cluster holds in the draft."""
    row = draft.load_draft(week)
    document = draft.editor_document(week, row)
    return {e["key"] for e in document.get("booths") or [] if e.get("cluster_id") == cluster.id}


# -- coordinators ------------------------------------------------------------------------------------

def coordinators(cluster: BoothCluster) -> list[User]:
    """The cluster's coordinators: accounts that joined, and invitations waiting."""
    return db.session.scalars(
        select(User).join(ClusterCoordinator, ClusterCoordinator.user_id == User.id)
        .where(ClusterCoordinator.cluster_id == cluster.id).order_by(User.full_name, User.id)).all()


def invite_coordinator(*, actor, week, cluster: BoothCluster, email: str,
                       full_name: str) -> User:
    """The organiser invites someone to coordinate the cluster: a new account waits for its
    invitee (an invitation email goes out after the commit); a coordinator of the organiser's
    body who already signs in is given this cluster too. Conflict when the address belongs to
    another kind of account."""
    require_week_organiser(actor, week)
    if cluster.week_id != week.id:
        raise NotFound(_("There is no such cluster at this week."), code="cluster_not_found")
    cluster_id = cluster.id

    def attach(user: User) -> None:
        if db.session.get(ClusterCoordinator, (cluster_id, user.id)) is None:
            db.session.add(ClusterCoordinator(cluster_id=cluster_id, user_id=user.id))
        audit.record("booth_cluster", cluster_id, "add_coordinator", actor=actor,
                     week_id=week.id, after={"email": user.email, "full_name": user.full_name})

    return invitations.invite_coordinator(actor=actor, email=email, full_name=full_name,
                                          attach=attach)


def remove_coordinator(*, actor, week, cluster: BoothCluster, user_id: int) -> None:
    """The account no longer coordinates the cluster (a waiting invitation for it alone is
    cancelled; a joined account keeps its sign-in and its other clusters)."""
    require_week_organiser(actor, week)
    with write_transaction():
        link = db.session.get(ClusterCoordinator, (cluster.id, user_id))
        if link is None or cluster.week_id != week.id:
            raise NotFound(_("This person does not coordinate this cluster."))
        user = link.user
        audit.record("booth_cluster", cluster.id, "remove_coordinator", actor=actor,
                     week_id=week.id, before={"email": user.email})
        db.session.delete(link)
        db.session.flush()
        others = db.session.scalar(select(func.count()).select_from(ClusterCoordinator)
                                   .where(ClusterCoordinator.user_id == user_id))
        if not others and user.is_invitation:
            db.session.delete(user)


def clusters_of(user) -> list[BoothCluster]:
    """The clusters a coordinator coordinates (none for anyone else)."""
    if user is None or not getattr(user, "is_authenticated", False) \
            or user.role != Role.COORDINATOR.value:
        return []
    return db.session.scalars(
        select(BoothCluster).join(ClusterCoordinator, ClusterCoordinator.cluster_id == BoothCluster.id)
        .where(ClusterCoordinator.user_id == user.id).order_by(BoothCluster.name)).all()


def require_coordinator(user, cluster_id: int) -> BoothCluster:
    """The cluster, when ``user`` coordinates it: Forbidden for anyone who is no coordinator,
    NotFound for a cluster that is not theirs (another cluster's existence is not told)."""
    if user is None or not getattr(user, "is_authenticated", False) \
            or user.role != Role.COORDINATOR.value:
        raise Forbidden(_("Only the cluster's coordinators can do this."))
    linked = db.session.scalar(select(BoothCluster).join(
        ClusterCoordinator, ClusterCoordinator.cluster_id == BoothCluster.id).where(
        ClusterCoordinator.user_id == user.id, BoothCluster.id == cluster_id))
    if linked is None:
        raise NotFound(_("There is no such cluster."), code="cluster_not_found")
    return linked
