"""Fixed elements (a booth over one refused with the reason, a column at a booth's edge told
before booking), booths in metres, retired booths kept off every list, and wayfinding: the
plan's search, a product's link to its booth, "you are here" on the visitor's booth page."""
from __future__ import annotations

from sqlalchemy import select

from exhibit.booking import plan as booking_plan
from exhibit.core.audit import AuditEntry
from exhibit.core.db import utcnow
from exhibit.core.errors import ValidationFailed
from exhibit.extensions import db
from exhibit.floorplan import elements, geometry
from exhibit.floorplan.models import Booth, PlanElement
from exhibit.floorplan.services import get_booth, import_booths, save_booth, save_hall
from tests.catalogue.conftest import product_data
from tests.conftest import login


def _a(week, code):
    return get_booth(week, code)


def test_elements_are_added_edited_and_deleted_by_the_organiser(client, organiser, open_week):
    login(client, organiser)
    hall = open_week.halls[0]
    response = client.post(f"/organiser/weeks/{open_week.slug}/elements/new", data={
        "hall_id": hall.id, "kind": "column", "label": "C12", "x_m": "1,5", "y_m": "5",
        "w_m": "0.6", "h_m": "0,6"})
    assert response.status_code == 302
    column = db.session.scalar(select(PlanElement).where(PlanElement.label == "C12"))
    assert (column.x_m, column.y_m, column.w_m, column.h_m) == (1.5, 5, 0.6, 0.6)
    page = client.get(f"/organiser/weeks/{open_week.slug}/elements").text
    assert "C12" in page
    response = client.post(f"/organiser/weeks/{open_week.slug}/elements/{column.id}", data={
        "hall_id": hall.id, "kind": "exit", "label": "Lối ra 2", "x_m": "0", "y_m": "8",
        "w_m": "1", "h_m": "2"})
    assert response.status_code == 302
    assert db.session.get(PlanElement, column.id).kind == "exit"
    # over booth A01 (0–3 × 1–4): refused, naming the booth
    response = client.post(f"/organiser/weeks/{open_week.slug}/elements/{column.id}", data={
        "hall_id": hall.id, "kind": "column", "label": "C1", "x_m": "2", "y_m": "2",
        "w_m": "0.5", "h_m": "0.5"})
    assert response.status_code == 422 and "A01" in response.text
    assert client.post(f"/organiser/weeks/{open_week.slug}/elements/{column.id}/delete",
                       data={}).status_code == 302
    assert db.session.get(PlanElement, column.id) is None
    actions = db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.entity == "plan_element").order_by(AuditEntry.id)).all()
    assert actions == ["create", "update", "delete"]


def test_a_booth_over_a_fixed_element_is_refused_with_the_reason(app, organiser, open_week):
    hall = open_week.halls[0]
    elements.save_element(actor=organiser, week=open_week, hall_id=hall.id, data={
        "kind": "stage", "label": "Sân khấu chính", "x_m": "20", "y_m": "5", "w_m": "6",
        "h_m": "4"})
    try:
        save_booth(actor=organiser, week=open_week, hall_id=hall.id, data={
            "code": "Z01", "price_vnd": 0, "x_m": "22.5", "y_m": "6"})
    except ValidationFailed as refused:
        assert "Sân khấu chính" in refused.message and "x_m" in refused.fields
    else:
        raise AssertionError("a booth over the stage was accepted")
    try:
        import_booths(actor=organiser, week=open_week, filename="b.csv",
                      content="hall,code,price_vnd,x_m,y_m\nSảnh A,Z02,0,\"19,5\",4\n".encode())
    except ValidationFailed as refused:
        assert "Sân khấu chính" in refused.fields["row 2"]
    else:
        raise AssertionError("an imported booth over the stage was accepted")
    assert db.session.scalar(select(Booth.id).where(Booth.code.in_(["Z01", "Z02"]))) is None
    # beside it is fine, in decimal metres, facing right
    booth = save_booth(actor=organiser, week=open_week, hall_id=hall.id, data={
        "code": "Z03", "price_vnd": 0, "x_m": "26", "y_m": "5,25", "w_m": "2.5",
        "h_m": "2", "rotation": "270"})
    assert (booth.x_m, booth.y_m, booth.w_m, booth.h_m, booth.rotation) == (26, 5.25, 2.5, 2, 270)


def test_a_column_at_a_booths_edge_is_told_before_booking(client, organiser, open_week,
                                                          make_exhibitor):
    hall = open_week.halls[0]
    elements.save_element(actor=organiser, week=open_week, hall_id=hall.id, data={
        "kind": "column", "label": "C3", "x_m": "3", "y_m": "4", "w_m": "0.5", "h_m": "0.5"})
    problems = geometry.layout_problems(
        [geometry.Placed("A02", "booth", hall.id, (geometry.Rect(3, 1, 3, 3),))],
        [geometry.Placed("e", "column", hall.id, (geometry.Rect(3, 4, 0.5, 0.5),), "C3")],
        {hall.id: (30, 10)})
    assert [(p.key, p.code, p.other, p.other_label, p.is_warning) for p in problems] == [
        ("A02", "column", "e", "C3", True)]
    login(client, make_exhibitor())
    page = client.get(f"/weeks/{open_week.slug}/booths/A02").text
    assert "data-column-note" in page and "C3" in page
    assert "data-column-note" not in client.get(f"/weeks/{open_week.slug}/booths/A05").text
    plan = client.get(f"/weeks/{open_week.slug}/plan").text
    assert 'data-kind="column"' in plan and "<title>" in plan


def test_a_retired_booth_is_never_drawn_offered_counted_or_listed(client, organiser, open_week):
    a06 = _a(open_week, "A06")
    a06.retired_at = utcnow()
    db.session.commit()
    [count] = booking_plan.hall_counts(open_week)
    assert count.total == 5
    plan = client.get(f"/weeks/{open_week.slug}/plan").text
    assert 'data-code="A06"' not in plan and 'data-code="A05"' in plan
    assert client.get(f"/weeks/{open_week.slug}/booths/A06").status_code == 404
    login(client, organiser)
    table = client.get(f"/organiser/weeks/{open_week.slug}/booths").text
    assert 'data-booth="A06"' not in table and 'data-booth="A05"' in table
    qr = client.get(f"/organiser/weeks/{open_week.slug}/qr-codes").text
    assert ">A06<" not in qr
    api = client.get(f"/api/v1/weeks/{open_week.slug}/booths").get_json()
    assert "A06" not in {b["code"] for b in api["items"]}


def test_the_plan_search_finds_a_business_or_a_product_and_marks_its_booth(
        client, organiser, open_week, confirmed_exhibitor, make_exhibitor):
    from exhibit.catalogue import services as catalogue

    user = confirmed_exhibitor("Hợp tác xã Cà phê Buôn Ma Thuột")  # A01
    a01 = _a(open_week, "A01")
    product = catalogue.create_product(actor=user, data=product_data(name="Mật ong hoa cà phê"))
    catalogue.set_week_products(actor=user, week=open_week, selections={product.id: a01.id})
    listing = catalogue.business_listings(user.business_id, open_week)[product.id]
    catalogue.review_listing(actor=organiser, listing=listing, decision="approved")
    # a second hall: the search shows the hall of the booth it found
    other = save_hall(actor=organiser, week=open_week, data={"name": "Sảnh B", "width_m": "20",
                                                             "depth_m": "10"})
    save_booth(actor=organiser, week=open_week, hall_id=other.id,
               data={"code": "B01", "price_vnd": 0, "x_m": "1", "y_m": "1"})

    for q in ("buon ma thuot", "mật ong", "a01"):
        page = client.get(f"/weeks/{open_week.slug}/plan", query_string={"q": q,
                                                                          "hall": other.id}).text
        assert 'class="booth st-confirmed found"' in page, q
        assert 'data-code="A01"' in page and 'data-code="B01"' not in page, q
    page = client.get(f"/weeks/{open_week.slug}/plan", query_string={"q": "B01"}).text
    assert 'data-code="B01"' in page and "found" in page
    nothing = client.get(f"/weeks/{open_week.slug}/plan", query_string={"q": "không có gì"})
    assert nothing.status_code == 200 and " found" not in nothing.text
    # a product page links to its booth on the plan, which marks it
    product_page = client.get(f"/weeks/{open_week.slug}/products/{product.id}").text
    assert f"/weeks/{open_week.slug}/plan?booth=A01" in product_page
    marked = client.get(f"/weeks/{open_week.slug}/plan?booth=A01").text
    assert 'st-confirmed found' in marked


def test_the_visitors_booth_page_says_you_are_here(client, open_week):
    from exhibit.visitors.models import BoothToken
    token = db.session.scalar(select(BoothToken.token).where(
        BoothToken.booth_id == _a(open_week, "A03").id))
    page = client.get(f"/b/{token}").text
    assert 'class="here"' in page and "Bạn đang ở đây" in page or "You are here" in page


def test_the_booth_form_takes_decimal_metres(client, organiser, open_week):
    login(client, organiser)
    hall = open_week.halls[0]
    response = client.post(f"/organiser/weeks/{open_week.slug}/booths/new", data={
        "hall_id": hall.id, "code": "m01", "booth_type": "standard", "width_m": "2,5",
        "depth_m": "2", "area_m2": "", "price_vnd": "1.000.000", "x_m": "20,25", "y_m": "6.5",
        "w_m": "", "h_m": "", "rotation": "90"})
    assert response.status_code == 302, response.text[:3000]
    booth = get_booth(open_week, "M01")
    assert (booth.x_m, booth.y_m, booth.w_m, booth.h_m, booth.area_m2, booth.rotation) == (
        20.25, 6.5, 2.5, 2, 5, 90)
    form = client.get(f"/organiser/weeks/{open_week.slug}/booths/{booth.id}/edit").text
    assert 'name="x_m" type="text" value="20.25"' in form or 'value="20.25"' in form
    # overlapping A06 (15–18 × 1–4): refused on the place field, nothing saved
    response = client.post(f"/organiser/weeks/{open_week.slug}/booths/new", data={
        "hall_id": hall.id, "code": "M02", "booth_type": "standard", "width_m": "3",
        "depth_m": "3", "price_vnd": "0", "x_m": "17", "y_m": "2", "rotation": "0"})
    assert response.status_code == 200 and "A06" in response.text
    assert db.session.scalar(select(Booth.id).where(Booth.code == "M02")) is None


def test_a_merged_booths_qr_opens_the_booth_it_became(client, open_week):
    from exhibit.visitors.models import BoothToken
    a05, a06 = _a(open_week, "A05"), _a(open_week, "A06")
    tokens = dict(db.session.execute(select(BoothToken.booth_id, BoothToken.token).where(
        BoothToken.booth_id.in_([a05.id, a06.id]))).all())
    a06.retired_at, a06.merged_into_id = utcnow(), a05.id
    db.session.commit()
    response = client.get(f"/b/{tokens[a06.id]}")
    assert response.status_code == 302 and response.location.endswith(f"/b/{tokens[a05.id]}")
    assert client.get(f"/b/{tokens[a05.id]}").status_code == 200
