"""Shapes on a hall, in metres from its top-left corner: pure functions, no database.

A booth's shape is one rectangle, or for a merged booth (an L or a U) several that touch; a
fixed element (column, wall, exit…) is one rectangle. Positions are floats; two shapes that
only share an edge do not overlap (EPSILON absorbs float noise from snapping and scaling).
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

#: a millimetre: shapes closer than this are touching, not overlapping
EPSILON = 0.001


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float

    @property
    def x1(self) -> float:
        return self.x + self.w

    @property
    def y1(self) -> float:
        return self.y + self.h

    @property
    def area(self) -> float:
        return self.w * self.h


def overlaps(a: Rect, b: Rect) -> bool:
    """The two rectangles share some area (sharing only an edge or a corner is not overlap)."""
    return (a.x < b.x1 - EPSILON and b.x < a.x1 - EPSILON
            and a.y < b.y1 - EPSILON and b.y < a.y1 - EPSILON)


def touches(a: Rect, b: Rect) -> bool:
    """The rectangles overlap or meet along an edge or at a corner."""
    return (a.x <= b.x1 + EPSILON and b.x <= a.x1 + EPSILON
            and a.y <= b.y1 + EPSILON and b.y <= a.y1 + EPSILON)


def shares_edge(a: Rect, b: Rect) -> bool:
    """The rectangles meet along a stretch of edge longer than EPSILON (not only a corner), so
    two booths could be merged into one."""
    if overlaps(a, b):
        return False
    vertical = (abs(a.x1 - b.x) <= EPSILON or abs(b.x1 - a.x) <= EPSILON) and \
        min(a.y1, b.y1) - max(a.y, b.y) > EPSILON
    horizontal = (abs(a.y1 - b.y) <= EPSILON or abs(b.y1 - a.y) <= EPSILON) and \
        min(a.x1, b.x1) - max(a.x, b.x) > EPSILON
    return vertical or horizontal


def inside(shape: Rect, width: float, depth: float) -> bool:
    """The rectangle lies within a hall of ``width`` × ``depth`` metres."""
    return (shape.x >= -EPSILON and shape.y >= -EPSILON
            and shape.x1 <= width + EPSILON and shape.y1 <= depth + EPSILON)


def any_overlap(a: Iterable[Rect], b: Iterable[Rect]) -> bool:
    b = list(b)
    return any(overlaps(r, s) for r in a for s in b)


def any_touch(a: Iterable[Rect], b: Iterable[Rect]) -> bool:
    b = list(b)
    return any(touches(r, s) for r in a for s in b)


def connected(rects: list[Rect]) -> bool:
    """The rectangles form one piece, each joined to the rest along an edge: a shape a merged
    booth may have (an L, a U, a row)."""
    if not rects:
        return False
    seen, todo = {0}, [0]
    while todo:
        i = todo.pop()
        for j, other in enumerate(rects):
            if j not in seen and shares_edge(rects[i], other):
                seen.add(j)
                todo.append(j)
    return len(seen) == len(rects)


def bounds(rects: Iterable[Rect]) -> Rect:
    rects = list(rects)
    x0, y0 = min(r.x for r in rects), min(r.y for r in rects)
    x1, y1 = max(r.x1 for r in rects), max(r.y1 for r in rects)
    return Rect(x0, y0, x1 - x0, y1 - y0)


def parse_outline(text: str) -> list[Rect]:
    """A booth's stored outline (JSON list of [x, y, w, h]); [] for a plain rectangle."""
    if not text:
        return []
    return [Rect(*map(float, part)) for part in json.loads(text)]


def dump_outline(rects: list[Rect]) -> str:
    """The stored form of a merged booth's outline; "" for a single rectangle."""
    if len(rects) <= 1:
        return ""
    return json.dumps([[round(r.x, 3), round(r.y, 3), round(r.w, 3), round(r.h, 3)]
                       for r in rects])


def booth_rects(booth) -> list[Rect]:
    """The rectangles a booth covers: its outline when merged, else its footprint."""
    return parse_outline(booth.outline) or [Rect(booth.x_m, booth.y_m, booth.w_m, booth.h_m)]


def element_rect(element) -> Rect:
    return Rect(element.x_m, element.y_m, element.w_m, element.h_m)


# -- a hall's layout checked as a whole ------------------------------------------------------

@dataclass(frozen=True)
class Placed:
    """A shape to check: a booth (``kind`` "booth") or a fixed element (its ElementKind value),
    by its key (a booth's code, a draft's key…), its label and its hall."""
    key: str
    kind: str
    hall_id: int
    rects: tuple[Rect, ...]
    label: str = ""


@dataclass(frozen=True)
class Problem:
    """What is wrong with booth ``key``: "outside" its hall, "overlap" with booth ``other``,
    "element" (overlaps fixed element ``other`` of kind ``other_kind``, named
    ``other_label``), or the warning "column" (touches a column, ``other``)."""
    key: str
    code: str
    other: str = ""
    other_kind: str = ""
    other_label: str = ""

    @property
    def is_warning(self) -> bool:
        return self.code == "column"


def layout_problems(booths: Iterable[Placed], elements: Iterable[Placed],
                    halls: dict[int, tuple[float, float]]) -> list[Problem]:
    """Every problem of a layout: booths outside their hall (``halls`` gives each hall's width
    and depth), booths overlapping one another or a fixed element (errors), booths touching a
    column (warnings). Swept along x, so a hall of 500 booths costs a few thousand tests."""
    problems: list[Problem] = []
    by_hall: dict[int, list[tuple[Rect, Placed]]] = {}
    for booth in booths:
        hall = halls.get(booth.hall_id)
        for rect in booth.rects:
            if hall is not None and not inside(rect, *hall):
                problems.append(Problem(booth.key, "outside"))
                break
        by_hall.setdefault(booth.hall_id, []).extend((r, booth) for r in booth.rects)
    fixed: dict[int, list[tuple[Rect, Placed]]] = {}
    for element in elements:
        fixed.setdefault(element.hall_id, []).extend((r, element) for r in element.rects)
    seen: set[tuple[str, str, str]] = set()
    for hall_id, shapes in by_hall.items():
        items = [(r, p, False) for r, p in shapes] + [(r, p, True) for r, p in
                                                       fixed.get(hall_id, ())]
        items.sort(key=lambda item: item[0].x)
        for i, (rect, placed, is_element) in enumerate(items):
            for other_rect, other, other_is_element in items[i + 1:]:
                if other_rect.x > rect.x1 + EPSILON:
                    break
                if is_element and other_is_element or other is placed:
                    continue
                booth, element = (other, placed) if is_element else (placed, other)
                if is_element or other_is_element:
                    if overlaps(rect, other_rect):
                        found = Problem(booth.key, "element", element.key, element.kind,
                                        element.label or element.kind)
                    elif element.kind == "column" and touches(rect, other_rect):
                        found = Problem(booth.key, "column", element.key, element.kind,
                                        element.label or element.kind)
                    else:
                        continue
                elif overlaps(rect, other_rect):
                    first, second = sorted((placed.key, other.key))
                    found = Problem(second, "overlap", first)
                else:
                    continue
                mark = (found.key, found.code, found.other)
                if mark not in seen:
                    seen.add(mark)
                    problems.append(found)
    return problems
