"""Booth clusters (floorplan.clusters) and their coordinators (booking.delegations): the
organiser makes a province's cluster, chooses its booths in the draft and publishes them,
invites a coordinator by link; the coordinator signs in, sees its cluster only — its booths,
free or taken — and gives a free booth to a business of the delegation, never a booth or a
business outside it — on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from exhibit.accounts.models import User
from exhibit.booking import delegations
from exhibit.booking import queries as booking_queries
from exhibit.booking.services import apply_to_week
from exhibit.core.audit import AuditEntry
from exhibit.core.errors import Forbidden, NotFound, ValidationFailed
from exhibit.extensions import db
from exhibit.floorplan import clusters, publish
from exhibit.floorplan import draft as drafts
from exhibit.floorplan.models import ClusterCoordinator
from exhibit.floorplan.services import get_booth
from tests.accounts.test_team_invitations import CHOSEN, accept_form, invitation_path
from tests.conftest import login


def key(week, code: str) -> str:
    return drafts.booth_key(get_booth(week, code).id)


@pytest.fixture
def daklak(week, organiser):
    """Đắk Lắk's cluster holding A01–A03 on the published plan."""
    cluster = clusters.save_cluster(actor=organiser, week=week, data={
        "name": "Cụm gian hàng tỉnh Đắk Lắk", "province_code": "66"})
    revision = drafts.load_draft(week).revision
    saved = clusters.set_cluster_booths(actor=organiser, week=week, cluster=cluster,
                                        booth_keys=[key(week, c) for c in ("A01", "A02", "A03")],
                                        revision=revision)
    publish.publish(actor=organiser, week=week, revision=saved.revision)
    db.session.expire_all()
    return cluster


def applicant(make_exhibitor, week, name: str, province: str):
    user = make_exhibitor(name, province_code=province)
    apply_to_week(actor=user, week=week, data={"booth_count": 1})
    return user


@pytest.fixture
def coordinator(app, week, organiser, daklak):
    clusters.invite_coordinator(actor=organiser, week=week, cluster=daklak,
                                email="dieuphoi@daklak.example", full_name="Y Điều Phối")
    client = app.test_client()
    path = invitation_path("dieuphoi@daklak.example")
    accepted = client.post(path, data=accept_form())
    assert accepted.status_code == 302 and accepted.headers["Location"].endswith("/coordinator")
    user = db.session.scalar(select(User).where(User.email == "dieuphoi@daklak.example"))
    return user


def test_a_cluster_holds_the_booths_published_with_the_plan(week, organiser, daklak):
    codes = [b.code for b in clusters.cluster_booths(daklak)]
    assert codes == ["A01", "A02", "A03"]
    version = publish.versions(week)[0]
    changed = [c for c in publish.version_changes(version) if c["kind"] == "cluster_changed"]
    assert [c["code"] for c in changed] == ["A01", "A02", "A03"]
    assert changed[0]["cluster_to"] == "Cụm gian hàng tỉnh Đắk Lắk"
    assert clusters.booth_counts(week) == {daklak.id: 3}
    # drawn as one area around its booths (A01–A03 lie at x 0–9, y 1–4)
    [shape] = clusters.shapes(clusters.cluster_booths(daklak), {daklak.id: daklak.name})
    m = clusters.OUTLINE_MARGIN_M
    assert (shape.x, shape.y, shape.w, shape.h) == pytest.approx((-m, 1 - m, 9 + 2 * m, 3 + 2 * m))
    assert db.session.scalar(select(AuditEntry.action).where(
        AuditEntry.entity == "booth_cluster")) == "create"


def test_the_cluster_needs_a_name_and_a_known_province(week, organiser):
    with pytest.raises(ValidationFailed) as refused:
        clusters.save_cluster(actor=organiser, week=week, data={"name": " ", "province_code": "99"})
    assert set(refused.value.fields) == {"name", "province_code"}


def test_the_organiser_pages_create_and_draw_clusters(week, organiser, client):
    login(client, organiser)
    created = client.post(f"/organiser/weeks/{week.slug}/clusters",
                          data={"name": "Cụm gian hàng tỉnh Đắk Lắk", "province_code": "66"})
    assert created.status_code == 302
    cluster = clusters.week_clusters(week)[0]
    page = client.get(created.headers["Location"]).get_data(as_text=True)
    assert "Cụm gian hàng tỉnh Đắk Lắk" in page and 'name="booth"' in page
    revision = drafts.load_draft(week).revision
    saved = client.post(f"/organiser/weeks/{week.slug}/clusters/{cluster.id}/booths",
                        data={"booth": [key(week, "A04"), key(week, "A05")], "revision": revision})
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/plan/publish")
    pending = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert pending.count("Cụm gian hàng tỉnh Đắk Lắk") == 2  # A04 and A05 join it
    published = client.post(f"/organiser/weeks/{week.slug}/plan/publish",
                            data={"revision": drafts.load_draft(week).revision})
    assert published.status_code == 302
    drawing = client.get(f"/organiser/weeks/{week.slug}/clusters").get_data(as_text=True)
    assert 'class="cluster"' in drawing


def test_the_coordinator_sees_and_assigns_only_its_cluster(week, organiser, daklak, coordinator,
                                                           make_exhibitor, app):
    member = applicant(make_exhibitor, week, "Hợp tác xã Cà phê Ea Tu", "66")
    outsider = applicant(make_exhibitor, week, "Hợp tác xã Thanh long Hàm Minh", "68")
    other = clusters.save_cluster(actor=organiser, week=week, data={"name": "Cụm Lâm Đồng",
                                                                    "province_code": "68"})
    client = app.test_client()
    login(client, coordinator, CHOSEN)

    home = client.get("/coordinator").get_data(as_text=True)
    assert "Cụm gian hàng tỉnh Đắk Lắk" in home and "Cụm Lâm Đồng" not in home
    page = client.get(f"/coordinator/clusters/{daklak.id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert all(code in text for code in ("A01", "A02", "A03")) and "A04" not in text
    assert "Cà phê Ea Tu" in text and "Thanh long Hàm Minh" not in text
    # another cluster does not exist for them; organisers' pages are not theirs
    assert client.get(f"/coordinator/clusters/{other.id}").status_code == 404
    assert client.get(f"/organiser/weeks/{week.slug}/clusters").status_code == 403
    assert client.get(f"/organiser/weeks/{week.slug}/plan/versions").status_code == 403

    a01, a04 = get_booth(week, "A01"), get_booth(week, "A04")
    # a booth outside the cluster: 404, nothing assigned
    assert client.post(f"/coordinator/clusters/{daklak.id}/booths/{a04.id}/assign",
                       data={"business_id": member.business_id}).status_code == 404
    # a business outside the delegation: refused, nothing assigned
    client.post(f"/coordinator/clusters/{daklak.id}/booths/{a01.id}/assign",
                data={"business_id": outsider.business_id})
    assert booking_queries.booth_states(week)[a01.id].status == "available"
    done = client.post(f"/coordinator/clusters/{daklak.id}/booths/{a01.id}/assign",
                       data={"business_id": member.business_id})
    assert done.status_code == 302
    db.session.expire_all()
    state = booking_queries.booth_states(week)[a01.id]
    assert state.status == "confirmed" and state.allocation.business_id == member.business_id
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity == "allocation",
                                                       AuditEntry.action == "assign"))
    assert entry.actor_id == coordinator.id and "Đắk Lắk" in entry.note
    # the booth is taken now: a second business of the delegation cannot have it
    second = applicant(make_exhibitor, week, "Hợp tác xã Ca cao Krông Ana", "66")
    from exhibit.core.errors import Conflict
    with pytest.raises(Conflict):
        delegations.assign_for_delegation(actor=coordinator, cluster_id=daklak.id,
                                          booth_id=a01.id, business_id=second.business_id)
    # and the member has the one booth it asked for
    with pytest.raises(ValidationFailed):
        delegations.assign_for_delegation(actor=coordinator, cluster_id=daklak.id,
                                          booth_id=get_booth(week, "A02").id,
                                          business_id=member.business_id)


def test_nobody_else_acts_as_a_coordinator(week, organiser, daklak, make_exhibitor, client):
    exhibitor = make_exhibitor()
    with pytest.raises(Forbidden):
        delegations.assign_for_delegation(actor=organiser, cluster_id=daklak.id,
                                          booth_id=get_booth(week, "A01").id,
                                          business_id=exhibitor.business_id)
    login(client, exhibitor)
    assert client.get("/coordinator").status_code == 403
    assert client.get(f"/coordinator/clusters/{daklak.id}").status_code == 403
    assert client.get("/coordinator", follow_redirects=False).status_code == 403


def test_a_coordinator_of_another_cluster_is_refused(week, organiser, daklak, coordinator):
    other = clusters.save_cluster(actor=organiser, week=week, data={"name": "Cụm Lâm Đồng",
                                                                    "province_code": "68"})
    with pytest.raises(NotFound):
        clusters.require_coordinator(coordinator, other.id)
    # giving them the second cluster needs no new link: they already sign in
    clusters.invite_coordinator(actor=organiser, week=week, cluster=other,
                                email="dieuphoi@daklak.example", full_name="Y Điều Phối")
    assert {c.name for c in clusters.clusters_of(coordinator)} == {
        "Cụm gian hàng tỉnh Đắk Lắk", "Cụm Lâm Đồng"}
    clusters.remove_coordinator(actor=organiser, week=week, cluster=other, user_id=coordinator.id)
    assert [c.name for c in clusters.clusters_of(coordinator)] == ["Cụm gian hàng tỉnh Đắk Lắk"]


def test_a_waiting_invitation_removed_frees_the_address(week, organiser, daklak):
    invited = clusters.invite_coordinator(actor=organiser, week=week, cluster=daklak,
                                          email="cho@daklak.example", full_name="Người Chờ")
    assert invited.role == "coordinator" and not invited.active
    assert invited.organizer_id == organiser.organizer_id
    clusters.remove_coordinator(actor=organiser, week=week, cluster=daklak, user_id=invited.id)
    assert db.session.scalar(select(User).where(User.email == "cho@daklak.example")) is None


def test_deleting_a_cluster_keeps_its_booths(week, organiser, daklak, coordinator):
    clusters.delete_cluster(actor=organiser, week=week, cluster=daklak)
    db.session.expire_all()
    assert get_booth(week, "A01").cluster_id is None
    assert db.session.scalar(select(ClusterCoordinator)) is None
    assert clusters.clusters_of(coordinator) == []


def test_the_week_report_counts_per_cluster(week, organiser, daklak, coordinator, make_exhibitor):
    from exhibit.core.db import utcnow
    from exhibit.reports import figures
    from exhibit.visitors.models import BoothScan, Lead
    member = applicant(make_exhibitor, week, "Hợp tác xã Cà phê Ea Tu", "66")
    a01, a02, a04 = (get_booth(week, c) for c in ("A01", "A02", "A04"))
    delegations.assign_for_delegation(actor=coordinator, cluster_id=daklak.id, booth_id=a01.id,
                                      business_id=member.business_id)
    clusters.save_cluster(actor=organiser, week=week, data={"name": "Cụm trống"})
    db.session.add_all([BoothScan(booth_id=a01.id, week_id=week.id, visitor_key="p1"),
                        BoothScan(booth_id=a02.id, week_id=week.id, visitor_key="p2"),
                        BoothScan(booth_id=a04.id, week_id=week.id, visitor_key="p3"),
                        Lead(week_id=week.id, business_id=member.business_id, booth_id=a01.id,
                             source="contact_form", full_name="Khách Một", phone="0912345678")])
    db.session.commit()
    table = figures.week_report(week, now=utcnow()).table("clusters")
    assert table.row(str(daklak.id)) == ["Cụm gian hàng tỉnh Đắk Lắk", 3, 1, 1, 2, 1]
    empty = next(k for k in table.row_keys if k != str(daklak.id))
    assert table.row(empty) == ["Cụm trống", 0, 0, 0, 0, 0]


def test_the_public_plan_draws_the_cluster_as_one_named_area(week, daklak, client):
    page = client.get(f"/weeks/{week.slug}/plan").get_data(as_text=True)
    assert page.count('<g class="cluster">') == 1
    # the area lies under the booths, its name over them (no row of booths hides it)
    assert page.index('<g class="cluster">') < page.index('class="booth ')
    assert page.count('class="cluster-name"') == 1
    assert page.rindex('class="booth ') < page.index('class="cluster-name"')
    name = page[page.index('class="cluster-name"'):]
    assert name[name.index(">") + 1:name.index("</text>")] == "Cụm gian hàng tỉnh Đắk Lắk"
