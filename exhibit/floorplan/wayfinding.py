"""Finding one's way on the published plan: a booth by its code, or the booths of a business
or a product a visitor searches for, highlighted on the public plan (the server answers: the
search works without JavaScript); and the part of a hall around a booth ("you are here").

Who exhibits where is booking's fact and which product shows at which booth is the
catalogue's: the views hand their answers in (booth codes and id subqueries), so the floor plan
depends on neither."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import or_, select

from exhibit.extensions import db
from exhibit.floorplan.models import Booth, Hall, PlanElement
from exhibit.floorplan.services import booths_near, live_booths
from exhibit.floorplan.svg import near_area, render_neighbourhood

#: the most booths a search highlights (and lists)
MAX_FOUND = 60
MAX_QUERY = 100


@dataclass
class Found:
    """What a plan search found: the booths (id → hall id, in the order shown) and, for each,
    why (the business, the products)."""
    q: str = ""
    booths: dict[int, int] = field(default_factory=dict)
    rows: list[tuple[Booth, list[str]]] = field(default_factory=list)

    @property
    def asked(self) -> bool:
        return bool(self.q)


def clean_query(text) -> str:
    return " ".join(str(text or "").split())[:MAX_QUERY]


def find_booths(week, q: str, *, codes: dict[str, list[str]] | None = None,
                id_queries=()) -> Found:
    """The week's live booths whose code is ``q`` (or starts with it), whose code is among
    ``codes`` (code → why: product names), or whose id is in one of ``id_queries`` (subqueries
    of booth ids, e.g. booths whose confirmed exhibitor's name matches): one query."""
    found = Found(q=q)
    if not q:
        return found
    code = q.upper().replace(" ", "")
    reasons = {k.upper(): v for k, v in (codes or {}).items()}
    conditions = [Booth.code == code]
    if len(code) >= 2:
        conditions.append(Booth.code.startswith(code, autoescape=True))
    if reasons:
        conditions.append(Booth.code.in_(list(reasons)))
    conditions += [Booth.id.in_(query) for query in id_queries]
    booths = db.session.scalars(
        select(Booth).join(Hall, Hall.id == Booth.hall_id)
        .where(Booth.week_id == week.id, live_booths(), or_(*conditions))
        .order_by(Hall.position, Booth.code).limit(MAX_FOUND)).all()
    for booth in booths:
        found.booths[booth.id] = booth.hall_id
        found.rows.append((booth, reasons.get(booth.code, [])))
    return found


def booth_by_code(week, code: str) -> Found:
    """?booth=A01 on the plan: that booth marked and its hall shown (a product page's link)."""
    code = str(code or "").upper().replace(" ", "")[:20]
    booth = db.session.scalar(select(Booth).where(Booth.week_id == week.id, Booth.code == code,
                                                  live_booths())) if code else None
    found = Found(q="")
    if booth is not None:
        found.booths[booth.id] = booth.hall_id
        found.rows.append((booth, []))
    return found


def neighbourhood(booth: Booth, *, here_label: str = ""):
    """The part of the booth's hall around it, with the fixed elements there, "you are here"
    pointing at the booth: two queries, whatever the size of the hall."""
    hall = booth.hall
    x0, y0, x1, y1 = near_area(hall.width_m, hall.depth_m, booth)
    elements = db.session.scalars(select(PlanElement).where(
        PlanElement.hall_id == hall.id, PlanElement.x_m < x1, PlanElement.y_m < y1,
        PlanElement.x_m + PlanElement.w_m > x0, PlanElement.y_m + PlanElement.h_m > y0)).all()
    return render_neighbourhood(hall, booth, booths_near(hall, booth), elements,
                                here_label=here_label)
