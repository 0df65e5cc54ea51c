// The plan editor's document and its rules, without the page: shapes in metres, snapping,
// the live checks (a mirror of exhibit/floorplan/draft.py validate — the server checks again),
// undo and redo. Pure functions and one small state object; no DOM here.

export const EPSILON = 0.001;

export function round3(value) {
  return Math.round(value * 1000) / 1000;
}

export function rectsOf(shape) {
  if (shape.outline && shape.outline.length) {
    return shape.outline.map(([x, y, w, h]) => ({ x, y, w, h }));
  }
  return [{ x: shape.x_m, y: shape.y_m, w: shape.w_m, h: shape.h_m }];
}

export function overlaps(a, b) {
  return a.x < b.x + b.w - EPSILON && b.x < a.x + a.w - EPSILON &&
    a.y < b.y + b.h - EPSILON && b.y < a.y + a.h - EPSILON;
}

export function touches(a, b) {
  return a.x <= b.x + b.w + EPSILON && b.x <= a.x + a.w + EPSILON &&
    a.y <= b.y + b.h + EPSILON && b.y <= a.y + a.h + EPSILON;
}

export function inside(r, width, depth) {
  return r.x >= -EPSILON && r.y >= -EPSILON && r.x + r.w <= width + EPSILON &&
    r.y + r.h <= depth + EPSILON;
}

export function bounds(rects) {
  const x0 = Math.min(...rects.map((r) => r.x));
  const y0 = Math.min(...rects.map((r) => r.y));
  const x1 = Math.max(...rects.map((r) => r.x + r.w));
  const y1 = Math.max(...rects.map((r) => r.y + r.h));
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

function anyOverlap(a, b) {
  return a.some((r) => b.some((s) => overlaps(r, s)));
}

function anyTouch(a, b) {
  return a.some((r) => b.some((s) => touches(r, s)));
}

export function clone(value) {
  return JSON.parse(JSON.stringify(value));
}

// -- the document ----------------------------------------------------------------------------

export function hallSize(doc, halls, hallId) {
  const edit = (doc.halls || {})[String(hallId)];
  if (edit) return { width: edit.width_m, depth: edit.depth_m };
  const hall = halls.find((h) => h.id === hallId);
  return hall ? { width: hall.width_m, depth: hall.depth_m } : { width: 0, depth: 0 };
}

export function findShape(doc, key) {
  return doc.booths.find((b) => b.key === key) || doc.elements.find((e) => e.key === key) || null;
}

export function isBooth(doc, key) {
  return doc.booths.some((b) => b.key === key);
}

/** A key no booth or element of the document uses ("n" and a number, as the server makes). */
export function newKey(doc) {
  let top = 0;
  for (const shape of [...doc.booths, ...doc.elements]) {
    const match = /^n([0-9]+)$/.exec(shape.key);
    if (match) top = Math.max(top, Number(match[1]));
  }
  return `n${top + 1}`;
}

/** The next booth code of a hall: its usual prefix ("A") and the next number, same width. */
export function newCode(doc, hallId) {
  const used = new Set(doc.booths.map((b) => b.code));
  const counts = {};
  let width = 2;
  let top = 0;
  for (const booth of doc.booths.filter((b) => b.hall_id === hallId)) {
    const match = /^([A-Z]*)([0-9]+)$/.exec(booth.code);
    if (!match) continue;
    counts[match[1]] = (counts[match[1]] || 0) + 1;
  }
  const prefix = Object.keys(counts).sort((a, b) => counts[b] - counts[a])[0] ?? "N";
  for (const booth of doc.booths) {
    const match = /^([A-Z]*)([0-9]+)$/.exec(booth.code);
    if (match && match[1] === prefix) {
      top = Math.max(top, Number(match[2]));
      width = Math.max(width, match[2].length);
    }
  }
  for (let n = top + 1; ; n += 1) {
    const code = `${prefix}${String(n).padStart(width, "0")}`;
    if (!used.has(code)) return code;
  }
}

/** Where a w × h shape fits in the hall, scanning from the top-left by the grid. */
export function freeSpot(doc, halls, hallId, w, h, grid) {
  const { width, depth } = hallSize(doc, halls, hallId);
  const taken = [...doc.booths, ...doc.elements]
    .filter((s) => s.hall_id === hallId).flatMap(rectsOf);
  const step = Math.max(grid, 1);
  for (let y = 0; y + h <= depth + EPSILON; y += step) {
    for (let x = 0; x + w <= width + EPSILON; x += step) {
      const spot = { x, y, w, h };
      if (!taken.some((r) => overlaps(r, spot))) return { x, y };
    }
  }
  return { x: 0, y: 0 };
}

/** Move shapes by (dx, dy) metres: a merged booth's parts move with it. */
export function moveShape(shape, dx, dy) {
  shape.x_m = round3(shape.x_m + dx);
  shape.y_m = round3(shape.y_m + dy);
  if (shape.outline && shape.outline.length) {
    shape.outline = shape.outline.map(([x, y, w, h]) => [round3(x + dx), round3(y + dy), w, h]);
  }
}

/** A plain booth's or an element's new footprint; a booth's nominal size follows it. */
export function resizeShape(shape, rect, isBoothShape) {
  const oldArea = shape.w_m * shape.h_m;
  shape.x_m = round3(rect.x);
  shape.y_m = round3(rect.y);
  shape.w_m = round3(rect.w);
  shape.h_m = round3(rect.h);
  if (isBoothShape) {
    shape.width_m = shape.w_m;
    shape.depth_m = shape.h_m;
    const area = round3(shape.w_m * shape.h_m);
    if (shape.area_m2 && oldArea > 0 && Math.abs(shape.area_m2 - oldArea) > EPSILON) {
      // a raw space stated its own area: keep its ratio to the footprint
      shape.area_m2 = round3(shape.area_m2 * area / oldArea);
    } else {
      shape.area_m2 = area;
    }
  }
}

// -- snapping ----------------------------------------------------------------------------------

export function snapToGrid(value, grid) {
  return round3(Math.round(value / grid) * grid);
}

/**
 * The move (dx, dy) of shapes whose bounds are ``box``, snapped: to a neighbour's edge when
 * one of the box's edges comes within ``reach`` metres of it, else to the grid.
 */
export function snapMove(box, dx, dy, others, grid, reach) {
  return {
    dx: snapAxis(box.x, box.x + box.w, dx, others.flatMap((r) => [r.x, r.x + r.w]), grid, reach),
    dy: snapAxis(box.y, box.y + box.h, dy, others.flatMap((r) => [r.y, r.y + r.h]), grid, reach),
  };
}

function snapAxis(start, end, delta, edges, grid, reach) {
  let best = null;
  for (const edge of edges) {
    for (const side of [start, end]) {
      const pull = edge - (side + delta);
      if (Math.abs(pull) <= reach && (best === null || Math.abs(pull) < Math.abs(best))) best = pull;
    }
  }
  if (best !== null) return round3(delta + best);
  return round3(snapToGrid(start + delta, grid) - start);
}

/** One edge's new place, snapped to a neighbour's edge within reach, else to the grid. */
export function snapEdge(value, edges, grid, reach) {
  let best = null;
  for (const edge of edges) {
    const pull = edge - value;
    if (Math.abs(pull) <= reach && (best === null || Math.abs(pull) < Math.abs(best))) best = pull;
  }
  return best !== null ? round3(value + best) : snapToGrid(value, grid);
}

// -- live checks (mirror of draft.validate; the server's answer is the one that counts) --------

export function check(doc, halls, bookings, text) {
  const problems = [];
  const codes = new Map();
  const byHall = new Map();
  for (const booth of doc.booths) {
    const rects = rectsOf(booth);
    const { width, depth } = hallSize(doc, halls, booth.hall_id);
    if (!rects.every((r) => inside(r, width, depth))) {
      problems.push(problem(booth.key, "outside_hall", text.outside.replace("{code}", booth.code)));
    }
    if (codes.has(booth.code)) {
      problems.push(problem(booth.key, "duplicate_code", text.duplicate.replace("{code}", booth.code)));
    } else {
      codes.set(booth.code, booth.key);
    }
    if (!byHall.has(booth.hall_id)) byHall.set(booth.hall_id, []);
    byHall.get(booth.hall_id).push({ booth, rects, box: bounds(rects) });
  }
  for (const members of byHall.values()) {
    members.sort((a, b) => a.box.x - b.box.x);
    for (let i = 0; i < members.length; i += 1) {
      const a = members[i];
      for (let j = i + 1; j < members.length; j += 1) {
        const b = members[j];
        if (b.box.x >= a.box.x + a.box.w - EPSILON) break;
        if (overlaps(a.box, b.box) && anyOverlap(a.rects, b.rects)) {
          problems.push(problem(b.booth.key, "overlap",
            text.overlap.replace("{code}", b.booth.code).replace("{other}", a.booth.code), a.booth.key));
        }
      }
    }
  }
  for (const element of doc.elements) {
    const shape = rectsOf(element)[0];
    const { width, depth } = hallSize(doc, halls, element.hall_id);
    const name = elementName(element, text);
    if (!inside(shape, width, depth)) {
      problems.push(problem(element.key, "outside_hall", text.elementOutside.replace("{element}", name)));
    }
    for (const { booth, rects, box } of byHall.get(element.hall_id) || []) {
      if (!touches(box, shape)) continue;
      if (anyOverlap(rects, [shape])) {
        problems.push(problem(booth.key, "over_element",
          text.overElement.replace("{code}", booth.code).replace("{element}", name), element.key));
      } else if (element.kind === "column" && anyTouch(rects, [shape])) {
        problems.push(problem(booth.key, "touches_column",
          text.touchesColumn.replace("{code}", booth.code), element.key, "warning"));
      }
    }
  }
  // a booked booth that left the plan needs its booking moved (merges and splits are asked
  // about by the server when they happen)
  const keys = new Set(doc.booths.map((b) => b.key));
  const absorbed = new Set(doc.booths.flatMap((b) => b.merged_from || []));
  const moved = new Set((doc.moves || []).map((m) => m.allocation_id));
  for (const [key, booking] of Object.entries(bookings)) {
    if (!keys.has(key) && !absorbed.has(key) && !moved.has(booking.allocation_id)) {
      problems.push(problem(key, "booking_needs_move",
        text.bookingGone.replace("{holder}", booking.holder)));
    }
  }
  problems.sort((a, b) => (a.severity === "error" ? 0 : 1) - (b.severity === "error" ? 0 : 1));
  return problems;
}

export function elementName(element, text) {
  const title = text.kinds[element.kind] || element.kind;
  return element.label ? `${title} ${element.label}` : title;
}

function problem(key, code, message, other = null, severity = "error") {
  return { key, code, message, other, severity };
}

// -- undo and redo -----------------------------------------------------------------------------

/** The document with its history: every change is one step back. */
export class History {
  constructor(doc, limit = 200) {
    this.doc = doc;
    this.past = [];
    this.future = [];
    this.limit = limit;
  }

  change(next) {
    this.past.push(JSON.stringify(this.doc));
    if (this.past.length > this.limit) this.past.shift();
    this.future = [];
    this.doc = next;
  }

  undo() {
    if (!this.past.length) return false;
    this.future.push(JSON.stringify(this.doc));
    this.doc = JSON.parse(this.past.pop());
    return true;
  }

  redo() {
    if (!this.future.length) return false;
    this.past.push(JSON.stringify(this.doc));
    this.doc = JSON.parse(this.future.pop());
    return true;
  }
}
