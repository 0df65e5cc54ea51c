"""The open 2027 week's plan published once, with Vĩnh Long's booth cluster (row D) and its
delegation coordinator, through the real services."""
from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select

from exhibit.accounts.models import Role
from exhibit.core.db import write_transaction
from exhibit.demo.accounts import demo_user
from exhibit.extensions import db
from exhibit.floorplan import clusters, publish
from exhibit.floorplan import draft as drafts
from exhibit.floorplan.models import Booth, ClusterCoordinator, PlanVersion
from exhibit.weeks.models import ExhibitionWeek

SLUG = "tuan-le-ocop-itpc-2027"
COORDINATOR_EMAIL = "dieuphoi@exhibit.demo"
CLUSTER = "Cụm gian hàng tỉnh Vĩnh Long"


def seed_plan(organiser) -> Iterator[str]:
    week = db.session.scalar(select(ExhibitionWeek).where(ExhibitionWeek.slug == SLUG))
    if week is None or db.session.scalar(select(PlanVersion.id).where(
            PlanVersion.week_id == week.id)):
        yield f"plan {SLUG}: already published"
        return
    cluster = clusters.save_cluster(actor=organiser, week=week, data={
        "name": CLUSTER, "province_code": "86"})
    row_d = db.session.scalars(select(Booth).where(
        Booth.week_id == week.id, Booth.code.like("D%"), Booth.retired_at.is_(None))
        .order_by(Booth.code)).all()[:6]
    saved = clusters.set_cluster_booths(
        actor=organiser, week=week, cluster=cluster,
        booth_keys=[drafts.booth_key(b.id) for b in row_d],
        revision=drafts.load_draft(week).revision)
    version = publish.publish(actor=organiser, week=week, revision=saved.revision,
                              note="Sơ đồ công bố lần đầu")
    with write_transaction():
        coordinator = demo_user(COORDINATOR_EMAIL, "Nguyễn Thị Điều Phối (Sở Công Thương Vĩnh Long)",
                                Role.COORDINATOR, organizer_id=organiser.organizer_id)
        db.session.add(ClusterCoordinator(cluster_id=cluster.id, user_id=coordinator.id))
    yield (f"plan {SLUG}: version {version.number} published; {CLUSTER} "
           f"({', '.join(b.code for b in row_d)}), coordinator {COORDINATOR_EMAIL}")
