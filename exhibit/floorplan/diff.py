"""What changed between two published versions of a floor plan, as data and as sentences.

A version's snapshot (``publish.snapshot``) is the whole plan as plain JSON values: halls,
booths (by their stable id), fixed elements and clusters. ``diff`` compares two snapshots and
returns a list of changes, each a plain dict::

    {"kind": "moved", "booth_id": 345, "code": "A01", "booth_ids": [345], ...details}

``booth_ids`` names every booth the change touches (a merge: the surviving booth and the
booths merged into it; a split: the booth and its new parts; a booking moved: both booths),
so an exhibitor is shown exactly the changes that touched a booth of theirs. Kinds: added,
removed, moved, resized, renumbered, merged, split, price_changed, cluster_changed, and
booking_moved (a booking the publication moved to another booth). ``describe`` says a change
in the reader's language. Pure functions: no database.
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from exhibit.vn.money import format_vnd

KINDS = ("added", "removed", "moved", "resized", "renumbered", "merged", "split",
         "price_changed", "cluster_changed", "booking_moved")

#: positions and sizes closer than this (metres) are the same
_SAME = 0.005


def _close(a, b) -> bool:
    return abs(float(a) - float(b)) <= _SAME


def _by_id(items) -> dict[int, dict]:
    return {int(item["id"]): item for item in items or ()}


def diff(before: dict, after: dict, *, merged: dict[int, int] | None = None,
         split_from: dict[int, int] | None = None,
         moves: list[tuple[int, int]] | None = None) -> list[dict]:
    """The changes from snapshot ``before`` to snapshot ``after``.

    ``merged`` maps a booth that left the plan to the booth it was merged into; ``split_from``
    maps a new booth to the booth it was cut from; ``moves`` lists the bookings moved, as
    (from booth id, to booth id). A booth in neither that appears is "added", one that goes is
    "removed". A merge or split reports the surviving booth's new area, not a separate resize.
    """
    merged = {int(k): int(v) for k, v in (merged or {}).items()}
    split_from = {int(k): int(v) for k, v in (split_from or {}).items()}
    old, new = _by_id(before.get("booths")), _by_id(after.get("booths"))
    halls = {**_by_id(before.get("halls")), **_by_id(after.get("halls"))}
    clusters = {**_by_id(before.get("clusters")), **_by_id(after.get("clusters"))}
    changes: list[dict] = []

    merged_into: dict[int, list[int]] = {}
    for gone, survivor in merged.items():
        if gone in old and gone not in new:
            merged_into.setdefault(survivor, []).append(gone)
    parts_of: dict[int, list[int]] = {}
    for part, origin in split_from.items():
        if part in new and part not in old:
            parts_of.setdefault(origin, []).append(part)

    for booth_id, booth in sorted(new.items(), key=lambda item: item[1]["code"]):
        was = old.get(booth_id)
        if was is None:
            if split_from.get(booth_id) in new:
                continue  # told with the booth it was cut from, which stays on the plan
            changes.append({"kind": "added", "booth_id": booth_id, "code": booth["code"],
                            "booth_ids": [booth_id], "hall": _hall_name(halls, booth),
                            "area_m2": booth["area_m2"]})
            if booth_id in merged_into:  # a new booth that booths of the plan were merged into
                gone = sorted(merged_into[booth_id], key=lambda i: old[i]["code"])
                changes.append({"kind": "merged", "booth_id": booth_id, "code": booth["code"],
                                "booth_ids": [booth_id, *gone],
                                "merged_codes": [old[i]["code"] for i in gone],
                                "area_from": sum(old[i]["area_m2"] for i in gone),
                                "area_to": booth["area_m2"]})
            continue
        reshaped = False
        if booth_id in merged_into:
            gone = sorted(merged_into[booth_id], key=lambda i: old[i]["code"])
            changes.append({"kind": "merged", "booth_id": booth_id, "code": booth["code"],
                            "booth_ids": [booth_id, *gone],
                            "merged_codes": [old[i]["code"] for i in gone],
                            "area_from": was["area_m2"], "area_to": booth["area_m2"]})
            reshaped = True
        if booth_id in parts_of:
            parts = sorted(parts_of.get(booth_id, []), key=lambda i: new[i]["code"])
            changes.append({"kind": "split", "booth_id": booth_id, "code": booth["code"],
                            "booth_ids": [booth_id, *parts],
                            "part_codes": [new[i]["code"] for i in parts],
                            "area_from": was["area_m2"], "area_to": booth["area_m2"]})
            reshaped = True
        if was["code"] != booth["code"]:
            changes.append({"kind": "renumbered", "booth_id": booth_id, "code": booth["code"],
                            "booth_ids": [booth_id], "from": was["code"], "to": booth["code"]})
        if not reshaped:
            if was["hall_id"] != booth["hall_id"] or not (
                    _close(was["x_m"], booth["x_m"]) and _close(was["y_m"], booth["y_m"])):
                changes.append({"kind": "moved", "booth_id": booth_id, "code": booth["code"],
                                "booth_ids": [booth_id],
                                "hall_from": _hall_name(halls, was),
                                "hall_to": _hall_name(halls, booth),
                                "dx": round(booth["x_m"] - was["x_m"], 2),
                                "dy": round(booth["y_m"] - was["y_m"], 2)})
            if not (_close(was["w_m"], booth["w_m"]) and _close(was["h_m"], booth["h_m"])
                    and _close(was["area_m2"], booth["area_m2"])) \
                    or (was.get("outline") or []) != (booth.get("outline") or []):
                changes.append({"kind": "resized", "booth_id": booth_id, "code": booth["code"],
                                "booth_ids": [booth_id],
                                "size_from": [was["w_m"], was["h_m"]],
                                "size_to": [booth["w_m"], booth["h_m"]],
                                "area_from": was["area_m2"], "area_to": booth["area_m2"]})
        if int(was["price_vnd"]) != int(booth["price_vnd"]):
            changes.append({"kind": "price_changed", "booth_id": booth_id, "code": booth["code"],
                            "booth_ids": [booth_id], "from": int(was["price_vnd"]),
                            "to": int(booth["price_vnd"])})
        if was.get("cluster_id") != booth.get("cluster_id"):
            changes.append({"kind": "cluster_changed", "booth_id": booth_id,
                            "code": booth["code"], "booth_ids": [booth_id],
                            "cluster_from": _cluster_name(clusters, was.get("cluster_id")),
                            "cluster_to": _cluster_name(clusters, booth.get("cluster_id"))})

    for booth_id, booth in sorted(old.items(), key=lambda item: item[1]["code"]):
        if booth_id not in new and booth_id not in merged:
            changes.append({"kind": "removed", "booth_id": booth_id, "code": booth["code"],
                            "booth_ids": [booth_id]})

    for from_id, to_id in moves or ():
        from_code = (old.get(from_id) or new.get(from_id) or {}).get("code", "")
        to_code = (new.get(to_id) or {}).get("code", "")
        changes.append({"kind": "booking_moved", "booth_id": to_id, "code": to_code,
                        "booth_ids": [from_id, to_id], "from": from_code, "to": to_code})
    return changes


def _hall_name(halls: dict[int, dict], booth: dict) -> str:
    hall = halls.get(int(booth["hall_id"]))
    return hall["name"] if hall else ""


def _cluster_name(clusters: dict[int, dict], cluster_id) -> str:
    if cluster_id is None:
        return ""
    cluster = clusters.get(int(cluster_id))
    return cluster["name"] if cluster else ""


def holders_booths(change: dict) -> list[int]:
    """The booths whose holders a change concerns: a booking moved concerns the booth it went
    to (its holder), not the booth it left (whoever holds that one later); any other change,
    every booth it touches."""
    if change["kind"] == "booking_moved":
        return [int(change["booth_id"])]
    return [int(i) for i in change.get("booth_ids", ())]


def touching(changes: list[dict], booth_ids) -> list[dict]:
    """The changes that concern the holder of any of ``booth_ids`` (an exhibitor's booths)."""
    wanted = {int(i) for i in booth_ids}
    return [c for c in changes if wanted.intersection(holders_booths(c))]


def counts(changes: list[dict]) -> dict[str, int]:
    """How many changes of each kind, in KINDS order, kinds with none left out."""
    found: dict[str, int] = {}
    for change in changes:
        found[change["kind"]] = found.get(change["kind"], 0) + 1
    return {kind: found[kind] for kind in KINDS if kind in found}


def _metres(value) -> str:
    return f"{float(value):g}"


def _area(value) -> str:
    return f"{float(value):g} m²"


def _direction(dx: float, dy: float) -> str:
    parts = []
    if abs(dx) > _SAME:
        parts.append(_("%(m)s m right", m=_metres(dx)) if dx > 0
                     else _("%(m)s m left", m=_metres(-dx)))
    if abs(dy) > _SAME:
        parts.append(_("%(m)s m down", m=_metres(dy)) if dy > 0
                     else _("%(m)s m up", m=_metres(-dy)))
    return _(" and ").join(parts)


def describe(change: dict) -> str:
    """One change as a sentence in the current language."""
    kind, code = change["kind"], change.get("code", "")
    if kind == "added":
        return _("Booth %(code)s added in %(hall)s (%(area)s).", code=code,
                 hall=change.get("hall", ""), area=_area(change["area_m2"]))
    if kind == "removed":
        return _("Booth %(code)s removed from the plan.", code=code)
    if kind == "moved":
        if change.get("hall_from") != change.get("hall_to"):
            return _("Booth %(code)s moved to %(hall)s.", code=code, hall=change.get("hall_to"))
        return _("Booth %(code)s moved %(direction)s on the plan.", code=code,
                 direction=_direction(change.get("dx", 0), change.get("dy", 0)))
    if kind == "resized":
        w0, h0 = change["size_from"]
        w1, h1 = change["size_to"]
        return _("Booth %(code)s resized from %(w0)s × %(h0)s m (%(a0)s) to %(w1)s × %(h1)s m "
                 "(%(a1)s).", code=code, w0=_metres(w0), h0=_metres(h0),
                 a0=_area(change["area_from"]), w1=_metres(w1), h1=_metres(h1),
                 a1=_area(change["area_to"]))
    if kind == "renumbered":
        return _("Booth %(old)s renumbered %(new)s; its QR code stays valid.",
                 old=change["from"], new=change["to"])
    if kind == "merged":
        others = ", ".join(change.get("merged_codes", []))
        return ngettext("Booth %(others)s merged into booth %(code)s, now %(area)s.",
                        "Booths %(others)s merged into booth %(code)s, now %(area)s.",
                        len(change.get("merged_codes", [])), others=others, code=code,
                        area=_area(change["area_to"]))
    if kind == "split":
        parts = ", ".join(change.get("part_codes", []))
        return _("Booth %(code)s split: it keeps %(area)s, new booths %(parts)s.", code=code,
                 area=_area(change["area_to"]), parts=parts)
    if kind == "price_changed":
        return _("Price of booth %(code)s changed from %(old)s to %(new)s.", code=code,
                 old=format_vnd(change["from"]), new=format_vnd(change["to"]))
    if kind == "cluster_changed":
        if not change.get("cluster_to"):
            return _("Booth %(code)s no longer belongs to %(cluster)s.", code=code,
                     cluster=change.get("cluster_from"))
        return _("Booth %(code)s now belongs to %(cluster)s.", code=code,
                 cluster=change.get("cluster_to"))
    if kind == "booking_moved":
        return _("The booking of booth %(old)s moved to booth %(new)s.", old=change["from"],
                 new=change["to"])
    return kind


def kind_title(kind: str) -> str:
    return {
        "added": _("Added"), "removed": _("Removed"), "moved": _("Moved"),
        "resized": _("Resized"), "renumbered": _("Renumbered"), "merged": _("Merged"),
        "split": _("Split"), "price_changed": _("Price changed"),
        "cluster_changed": _("Cluster changed"), "booking_moved": _("Booking moved"),
    }.get(kind, kind)
