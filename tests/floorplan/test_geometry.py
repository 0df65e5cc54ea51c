"""Shapes on a hall: overlap, touch, merge adjacency and outlines (floorplan.geometry)."""
from exhibit.floorplan.geometry import (Rect, bounds, connected, dump_outline, inside, overlaps,
                                        parse_outline, shares_edge, touches)


def test_neighbours_sharing_an_edge_touch_but_do_not_overlap():
    a, b = Rect(0, 0, 3, 3), Rect(3, 0, 3, 3)
    assert not overlaps(a, b)
    assert touches(a, b)
    assert shares_edge(a, b)


def test_corner_only_is_touching_not_mergeable():
    a, b = Rect(0, 0, 3, 3), Rect(3, 3, 3, 3)
    assert touches(a, b) and not shares_edge(a, b) and not overlaps(a, b)


def test_overlap_and_float_noise():
    assert overlaps(Rect(0, 0, 3, 3), Rect(2.5, 1, 3, 3))
    assert not overlaps(Rect(0, 0, 3, 3), Rect(2.9999999, 0, 3, 3))


def test_inside_hall():
    assert inside(Rect(37, 17, 3, 3), 40, 20)
    assert not inside(Rect(37.5, 17, 3, 3), 40, 20)
    assert not inside(Rect(-0.5, 0, 3, 3), 40, 20)


def test_l_and_u_shapes_are_connected_a_gap_is_not():
    l_shape = [Rect(0, 0, 3, 3), Rect(3, 0, 3, 3), Rect(0, 3, 3, 3)]
    u_shape = [Rect(0, 0, 3, 3), Rect(0, 3, 3, 3), Rect(3, 3, 3, 3), Rect(6, 3, 3, 3),
               Rect(6, 0, 3, 3)]
    assert connected(l_shape) and connected(u_shape)
    assert not connected([Rect(0, 0, 3, 3), Rect(4, 0, 3, 3)])
    assert bounds(u_shape) == Rect(0, 0, 9, 6)


def test_outline_round_trip():
    rects = [Rect(0, 0, 3, 3), Rect(3, 0, 2.5, 3)]
    assert parse_outline(dump_outline(rects)) == rects
    assert dump_outline(rects[:1]) == "" and parse_outline("") == []
