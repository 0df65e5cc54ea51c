"""Booth outlines from a DXF made here with ezdxf: exactly the closed outlines become booths,
with the codes of the text layer, and what was skipped is said (both databases)."""
from __future__ import annotations

import io

import ezdxf
import pytest
from sqlalchemy import select

from exhibit.core.errors import ValidationFailed
from exhibit.extensions import db
from exhibit.floorplan import dxf
from exhibit.floorplan.geometry import parse_outline
from exhibit.floorplan.models import Booth, PlanElement
from exhibit.floorplan.services import live_booths, save_hall
from tests.conftest import login

#: a 3 × 3 m booth in millimetres, a 4 m aisle after every pair of rows
BOOTH_MM = 3000


def _dxf(*, rows=10, per_row=20, open_polylines=5, units=4, text=True, extra=None,
         letters="KLMNPQRSTU") -> bytes:
    """A venue drawing: ``rows`` × ``per_row`` closed rectangles on BOOTHS (CAD's y axis up),
    their codes as TEXT (and every seventh as MTEXT) on CODES, a few open polylines on BOOTHS
    and a wall on WALLS; ``units`` is $INSUNITS (4 mm, 5 cm, 6 m)."""
    scale = {4: 1, 5: 0.1, 6: 0.001}[units]
    doc = ezdxf.new("R2010")
    doc.header["$INSUNITS"] = units
    for name in ("BOOTHS", "CODES", "WALLS"):
        doc.layers.add(name)
    msp = doc.modelspace()
    origin_x, origin_y = 100_000, 500_000  # CAD drawings rarely start at 0
    for r in range(rows):
        top = origin_y - (r * BOOTH_MM + (r // 2) * 4000)
        for i in range(per_row):
            x0 = origin_x + i * BOOTH_MM
            corners = [(x0, top), (x0 + BOOTH_MM, top), (x0 + BOOTH_MM, top - BOOTH_MM),
                       (x0, top - BOOTH_MM)]
            msp.add_lwpolyline([(x * scale, y * scale) for x, y in corners], close=True,
                               dxfattribs={"layer": "BOOTHS"})
            if text:
                code = f"{letters[r]}{i + 1:02d}"
                where = ((x0 + 400) * scale, (top - 1600) * scale)
                if (r * per_row + i) % 7 == 3:
                    msp.add_mtext(code, dxfattribs={"layer": "CODES", "char_height": 300 * scale,
                                                    "insert": where})
                else:
                    msp.add_text(code, dxfattribs={"layer": "CODES", "height": 300 * scale,
                                                   "insert": where})
    for n in range(open_polylines):
        y = origin_y - 60_000 - n * 1000
        msp.add_lwpolyline([(origin_x * scale, y * scale), ((origin_x + 5000) * scale, y * scale),
                            ((origin_x + 5000) * scale, (y - 500) * scale)],
                           dxfattribs={"layer": "BOOTHS"})
    msp.add_line((0, 0), (10, 0), dxfattribs={"layer": "WALLS"})
    if extra:
        extra(msp, scale)
    out = io.StringIO()
    doc.write(out)
    return out.getvalue().encode("utf-8")


def _hall(organiser, week, name="Nhà B", width=80, depth=60):
    return save_hall(actor=organiser, week=week,
                     data={"name": name, "width_m": width, "depth_m": depth})


def _live(hall):
    return {b.code: b for b in db.session.scalars(select(Booth).where(Booth.hall_id == hall.id,
                                                                      live_booths()))}


def test_two_hundred_closed_outlines_become_booths_with_their_codes(app, organiser, open_week):
    hall = _hall(organiser, open_week)
    content = _dxf()
    assert dxf.layer_names(dxf.read_document(content)) == ["BOOTHS", "CODES", "WALLS"]
    result = dxf.import_dxf(actor=organiser, week=open_week, hall_id=hall.id, content=content,
                            data={"layer": "BOOTHS", "text_layer": "CODES", "price_vnd": "1.300.000"})
    booths = _live(hall)
    expected = {f"{'KLMNPQRSTU'[r]}{i + 1:02d}" for r in range(10) for i in range(20)}
    assert set(booths) == expected and sorted(result.created) == sorted(expected)
    assert result.skipped_count("open") == 5 and len(result.skipped) == 5
    # millimetres read as metres, y turned down, the outlines' top-left corner on the origin
    a01, b01, c01, k20 = booths["K01"], booths["L01"], booths["M01"], booths["U20"]
    assert (a01.x_m, a01.y_m, a01.w_m, a01.h_m) == (0, 0, 3, 3)
    assert (b01.x_m, b01.y_m) == (0, 3) and (c01.x_m, c01.y_m) == (0, 10)
    assert (k20.x_m, k20.y_m) == (57, 43)
    assert a01.area_m2 == 9 and a01.price_vnd == 1_300_000 and a01.outline == ""
    # each booth gets its QR token when the plan changes (visitors.subscribers)
    from exhibit.visitors.models import BoothToken
    assert db.session.scalar(select(BoothToken.token).where(BoothToken.booth_id == k20.id))


def test_centimetres_and_booths_without_codes_are_numbered(app, organiser, open_week):
    hall = _hall(organiser, open_week)
    content = _dxf(rows=2, per_row=3, open_polylines=0, units=5, text=False)
    result = dxf.import_dxf(actor=organiser, week=open_week, hall_id=hall.id, content=content,
                            data={"layer": "BOOTHS", "text_layer": "", "prefix": "b"})
    booths = _live(hall)
    assert sorted(booths) == ["B001", "B002", "B003", "B004", "B005", "B006"]
    assert result.created[:3] == ["B001", "B002", "B003"]  # the top row first, left to right
    assert (booths["B004"].x_m, booths["B004"].y_m, booths["B004"].w_m) == (0, 3, 3)


def test_what_cannot_be_a_booth_is_skipped_with_the_reason(app, organiser, open_week):
    hall = _hall(organiser, open_week, width=30, depth=20)
    db.session.add(PlanElement(hall_id=hall.id, kind="column", label="C7", x_m=4.0, y_m=4.0,
                               w_m=0.5, h_m=0.5))
    db.session.commit()

    def extra(msp, _scale):
        # an L-shaped booth beside the rows; a slanted one below them; one overlapping B01; a
        # second "A02"
        msp.add_lwpolyline([(115_000, 500_000), (121_000, 500_000), (121_000, 497_000),
                            (118_000, 497_000), (118_000, 494_000), (115_000, 494_000)],
                           close=True, dxfattribs={"layer": "BOOTHS"})
        msp.add_text("L1", dxfattribs={"layer": "CODES", "insert": (115_500, 499_000)})
        msp.add_lwpolyline([(110_000, 485_000), (113_000, 486_000), (112_000, 489_000),
                            (109_500, 488_000)], close=True, dxfattribs={"layer": "BOOTHS"})
        msp.add_text("S1", dxfattribs={"layer": "CODES", "insert": (111_000, 487_000)})
        msp.add_lwpolyline([(101_000, 496_000), (102_000, 496_000), (102_000, 495_000),
                            (101_000, 495_000)], close=True, dxfattribs={"layer": "BOOTHS"})
        msp.add_text("X9", dxfattribs={"layer": "CODES", "insert": (101_200, 495_500)})
        msp.add_lwpolyline([(120_000, 492_000), (123_000, 492_000), (123_000, 489_000),
                            (120_000, 489_000)], close=True, dxfattribs={"layer": "BOOTHS"})
        msp.add_text("A02", dxfattribs={"layer": "CODES", "insert": (120_500, 490_500)})

    content = _dxf(rows=2, per_row=4, open_polylines=2, extra=extra, letters="AB")
    # A01–A04 are the fixture's booths in another hall: their codes are taken in the week
    result = dxf.import_dxf(actor=organiser, week=open_week, hall_id=hall.id, content=content,
                            data={"layer": "BOOTHS", "text_layer": "CODES"})
    reasons = {}
    for skipped in result.skipped:
        if "(" in skipped.where:
            reasons.setdefault(skipped.where.split("(")[1].rstrip(")"), []).append(skipped.reason)
    assert reasons == {"A01": ["duplicate"], "A02": ["duplicate", "duplicate"],
                       "A03": ["duplicate"], "A04": ["duplicate"],
                       "B02": ["element"],  # the column C7 stands in it
                       "X9": ["overlap"]}  # inside B01
    assert result.skipped_count("open") == 2 and len(result.skipped) == 9
    booths = _live(hall)
    assert set(booths) == {"L1", "S1", "B01", "B03", "B04"}
    l1 = booths["L1"]
    assert sorted((r.x, r.y, r.w, r.h) for r in parse_outline(l1.outline)) == [
        (15.0, 0.0, 3.0, 6.0), (18.0, 0.0, 3.0, 3.0)]
    assert l1.area_m2 == 27 and (l1.w_m, l1.h_m) == (6, 6)
    assert any("S1" in w for w in result.warnings)  # slanted: the rectangle around it
    s1 = booths["S1"]
    assert (s1.x_m, s1.y_m, s1.w_m, s1.h_m) == (9.5, 11, 3.5, 4)
    assert any("B01" in w for w in result.warnings)  # X9's code lies inside B01 too


def test_the_two_steps_over_http(client, app, organiser, open_week):
    login(client, organiser)
    hall = _hall(organiser, open_week)
    response = client.post(f"/organiser/weeks/{open_week.slug}/booths/dxf",
                           data={"file": (io.BytesIO(_dxf(rows=2, per_row=5)), "secc.dxf")},
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'value="BOOTHS"' in html and 'value="CODES"' in html
    token = html.split('name="upload" type="hidden" value="')[1].split('"')[0]
    response = client.post(f"/organiser/weeks/{open_week.slug}/booths/dxf/import", data={
        "upload": token, "hall_id": hall.id, "layer": "BOOTHS", "text_layer": "CODES",
        "prefix": "D", "price_vnd": "0", "offset_x_m": "2", "offset_y_m": "1,5"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "dxf-skipped" in html
    booths = _live(hall)
    assert len(booths) == 10 and (booths["K01"].x_m, booths["K01"].y_m) == (2, 1.5)
    # the kept file is gone; another week's token is refused
    again = client.post(f"/organiser/weeks/{open_week.slug}/booths/dxf/import", data={
        "upload": token, "hall_id": hall.id, "layer": "BOOTHS"})
    assert again.status_code == 404
    forged = client.post(f"/organiser/weeks/{open_week.slug}/booths/dxf/import", data={
        "upload": "999999-" + token.split("-", 1)[1], "hall_id": hall.id, "layer": "BOOTHS"})
    assert forged.status_code == 404


def test_not_a_dxf_is_refused(app, organiser, open_week):
    with pytest.raises(ValidationFailed):
        dxf.read_document(b"%PDF-1.4 not a drawing")
    with pytest.raises(ValidationFailed):
        dxf.read_document(b"")
