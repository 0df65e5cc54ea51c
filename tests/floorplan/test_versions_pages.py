"""The versions pages in Chromium (phone and desktop): the organiser sees what publishing the
draft will change, publishes it with the button, and opens the version with its drawing and
its changes; the exhibitor whose booth changed sees that change; the coordinator sees its
cluster. No script or style the Content-Security-Policy forbids is needed."""
from __future__ import annotations


from exhibit.booking.services import apply_to_week, assign_booth
from exhibit.floorplan import clusters, publish
from exhibit.floorplan import draft as drafts
from exhibit.floorplan.services import get_booth
from tests.e2e.conftest import PHONE, browser, live_server, sign_in  # noqa: F401 (fixtures)


def test_the_organiser_publishes_and_reads_the_version(week, organiser, make_exhibitor,
                                                       live_server, browser):  # noqa: F811
    exhibitor = make_exhibitor("Hợp tác xã Cà phê Ea Tu", province_code="66")
    apply_to_week(actor=exhibitor, week=week, data={"booth_count": 1})
    assign_booth(actor=organiser, week=week, booth=get_booth(week, "A02"),
                 business_id=exhibitor.business_id)
    cluster = clusters.save_cluster(actor=organiser, week=week, data={
        "name": "Cụm gian hàng tỉnh Đắk Lắk", "province_code": "66"})
    document = drafts.draft_document(drafts.load_draft(week))
    for entry in document["booths"]:
        if entry["code"] == "A02":
            entry["price_vnd"] = 1_500_000
        if entry["code"] in ("A04", "A05", "A06"):
            entry["cluster_id"] = cluster.id
        if entry["code"] == "A06":
            entry["code"] = "A16"
    drafts.save_draft(actor=organiser, week=week, document=document, revision=0)
    problems = []

    for viewport, name in ((PHONE, "phone"), ({"width": 1280, "height": 900}, "desktop")):
        context = browser.new_context(viewport=viewport, locale="vi-VN")
        page = sign_in(context, live_server, organiser)
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.goto(f"{live_server}/organiser/weeks/{week.slug}/plan/publish")
        text = page.inner_text("main")
        page.screenshot(path=f"/tmp/versions-pending-{name}.png", full_page=True)
        if name == "phone":
            assert "A06" in text and "A16" in text and "Cụm gian hàng tỉnh Đắk Lắk" in text
            page.click("main form button[type=submit]")
            page.wait_for_load_state()
            assert page.url.endswith("/plan/versions/1")
        else:  # published: nothing left to publish
            assert page.locator("main form textarea[name=note]").count() == 0
            page.goto(f"{live_server}/organiser/weeks/{week.slug}/plan/versions/1")
        assert page.locator("svg.version-plan .cluster").count() == 1
        assert page.locator("svg.version-plan .booth").count() == 6
        page.screenshot(path=f"/tmp/versions-detail-{name}.png", full_page=True)
        context.close()
    assert publish.latest_number(week) == 1
    assert problems == []

    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = sign_in(context, live_server, exhibitor)
    page.goto(f"{live_server}/my/weeks/{week.slug}/plan-changes")
    text = page.inner_text("main")
    assert "A02" in text and "A16" not in text
    page.screenshot(path="/tmp/versions-mine-phone.png", full_page=True)
    context.close()


def test_the_cluster_pages_on_a_phone(week, organiser, make_exhibitor, live_server, browser):  # noqa: F811
    from tests.floorplan.test_clusters import applicant
    cluster = clusters.save_cluster(actor=organiser, week=week, data={
        "name": "Cụm gian hàng tỉnh Đắk Lắk", "province_code": "66"})
    saved = clusters.set_cluster_booths(
        actor=organiser, week=week, cluster=cluster, revision=0,
        booth_keys=[drafts.booth_key(get_booth(week, c).id) for c in ("A01", "A02", "A03")])
    publish.publish(actor=organiser, week=week, revision=saved.revision)
    applicant(make_exhibitor, week, "Hợp tác xã Cà phê Ea Tu", "66")
    invited = clusters.invite_coordinator(actor=organiser, week=week, cluster=cluster,
                                          email="dieuphoi@daklak.example", full_name="Y Điều Phối")
    from exhibit.accounts import invitations
    from tests.accounts.test_team_invitations import CHOSEN, invitation_path
    token = invitation_path("dieuphoi@daklak.example").rsplit("/", 1)[-1]
    invitations.accept(token, password=CHOSEN)

    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = sign_in(context, live_server, organiser)
    page.goto(f"{live_server}/organiser/weeks/{week.slug}/clusters/{cluster.id}")
    assert "Y Điều Phối" in page.inner_text("main")
    page.screenshot(path="/tmp/cluster-organiser-phone.png", full_page=True)
    context.close()

    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = sign_in(context, live_server, invited, CHOSEN)
    assert page.url.endswith("/coordinator")
    page.click(f"a[href='/coordinator/clusters/{cluster.id}']")
    page.wait_for_load_state()
    page.select_option(f"#business-{get_booth(week, 'A01').id}", label="Hợp tác xã Cà phê Ea Tu")
    page.click(f"#business-{get_booth(week, 'A01').id} ~ button")
    page.wait_for_load_state()
    text = page.inner_text("main")
    assert "Hợp tác xã Cà phê Ea Tu" in text and "2 of 3" in text or "2 trên 3" in text
    page.screenshot(path="/tmp/cluster-coordinator-phone.png", full_page=True)
    context.close()
