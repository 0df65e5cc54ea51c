// Drawing one hall of the draft as SVG, in metres (one SVG unit is one metre). Shapes are kept
// by key and updated in place, so the booth that has the keyboard focus keeps it.

import { bounds, elementName, rectsOf } from "./model.js";

const SVG = "http://www.w3.org/2000/svg";
const HANDLES = ["nw", "n", "ne", "e", "se", "s", "sw", "w"];

function make(name, attrs = {}, parent = null) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (parent) parent.appendChild(node);
  return node;
}

export class PlanView {
  constructor(svg, text) {
    this.svg = svg;
    this.text = text;
    this.zoom = 16; // pixels per metre
    this.nodes = new Map();
    this.signatures = new Map();
    const defs = make("defs", {}, svg);
    const pattern = make("pattern", { id: "pe-grid", width: 1, height: 1, patternUnits: "userSpaceOnUse" }, defs);
    make("path", { d: "M 1 0 L 0 0 0 1", class: "pe-gridline" }, pattern);
    this.hall = make("rect", { class: "pe-hall", x: 0, y: 0 }, svg);
    this.drawing = make("image", { class: "pe-drawing", x: 0, y: 0, preserveAspectRatio: "none" }, svg);
    this.grid = make("rect", { class: "pe-gridfill", x: 0, y: 0, fill: "url(#pe-grid)" }, svg);
    this.elementLayer = make("g", { class: "pe-elements" }, svg);
    this.boothLayer = make("g", { class: "pe-booths" }, svg);
    this.handleLayer = make("g", { class: "pe-handles" }, svg);
    this.guides = make("g", { class: "pe-guides" }, svg);
    this.marquee = make("rect", { class: "pe-marquee", visibility: "hidden" }, svg);
  }

  /** Pixels per metre; the drawing is as wide as the hall at that scale. */
  setZoom(zoom) {
    this.zoom = Math.max(2, Math.min(80, zoom));
  }

  toMetres(event) {
    const point = this.svg.createSVGPoint();
    point.x = event.clientX;
    point.y = event.clientY;
    const local = point.matrixTransform(this.svg.getScreenCTM().inverse());
    return { x: local.x, y: local.y };
  }

  render(state) {
    const { doc, hallId, size, hall, selected, problems, bookings } = state;
    const margin = 1;
    this.svg.setAttribute("viewBox", `${-margin} ${-margin} ${size.width + 2 * margin} ${size.depth + 2 * margin}`);
    this.svg.setAttribute("width", Math.round((size.width + 2 * margin) * this.zoom));
    this.svg.setAttribute("height", Math.round((size.depth + 2 * margin) * this.zoom));
    for (const node of [this.hall, this.grid]) {
      node.setAttribute("width", size.width);
      node.setAttribute("height", size.depth);
    }
    if (hall && hall.drawing) {
      this.drawing.setAttribute("href", hall.drawing.url);
      this.drawing.setAttribute("width", hall.drawing.width_m);
      this.drawing.setAttribute("height", hall.drawing.depth_m || size.depth);
      this.drawing.setAttribute("visibility", "visible");
    } else {
      this.drawing.removeAttribute("href");
      this.drawing.setAttribute("visibility", "hidden");
    }
    const flagged = new Map();
    for (const p of problems) {
      const worst = flagged.get(p.key);
      if (!worst || p.severity === "error") flagged.set(p.key, p.severity);
    }
    const seen = new Set();
    for (const element of doc.elements.filter((e) => e.hall_id === hallId)) {
      seen.add(element.key);
      this.drawElement(element, selected.has(element.key), flagged.get(element.key));
    }
    for (const booth of doc.booths.filter((b) => b.hall_id === hallId)) {
      seen.add(booth.key);
      this.drawBooth(booth, selected.has(booth.key), flagged.get(booth.key), bookings[booth.key]);
    }
    for (const [key, node] of this.nodes) {
      if (!seen.has(key)) {
        node.remove();
        this.nodes.delete(key);
        this.signatures.delete(key);
      }
    }
    this.drawHandles(state);
  }

  /** The shape's group, emptied for drawing; null when it is drawn already as ``signature``
   * says (a hall of 500 booths is redrawn on every step of a drag: only what moved changes). */
  groupFor(key, layer, className, signature) {
    let node = this.nodes.get(key);
    if (!node || node.parentNode !== layer) {
      if (node) node.remove();
      node = make("g", { "data-key": key, tabindex: "0", role: "button" }, layer);
      this.nodes.set(key, node);
    } else if (this.signatures.get(key) === signature) {
      return null;
    }
    this.signatures.set(key, signature);
    node.setAttribute("class", className);
    while (node.firstChild) node.firstChild.remove();
    return node;
  }

  drawBooth(booth, isSelected, flag, booking) {
    const classes = ["pe-booth"];
    if (isSelected) classes.push("selected");
    if (booking) classes.push(`booked st-${booking.status}`);
    if (booth.blocked) classes.push("blocked");
    if (flag) classes.push(flag === "error" ? "bad" : "warn");
    if (booth.key.startsWith("n")) classes.push("new");
    const group = this.groupFor(booth.key, this.boothLayer, classes.join(" "),
      JSON.stringify([booth, classes, booking || null]));
    if (!group) return;
    const rects = rectsOf(booth);
    for (const r of rects) make("rect", { x: r.x, y: r.y, width: r.w, height: r.h, class: "pe-part" }, group);
    if (rects.length > 1) {
      // one outline around the merged shape's parts
      make("path", { d: outlinePath(rects), class: "pe-outline" }, group);
    }
    const front = frontLine(booth);
    make("line", { ...front, class: "pe-front" }, group);
    const largest = rects.reduce((a, b) => (a.w * a.h >= b.w * b.h ? a : b));
    const size = Math.max(0.35, Math.min(0.9, largest.w / Math.max(booth.code.length, 2) * 1.4, largest.h / 2.5));
    const label = make("text", { x: largest.x + largest.w / 2, y: largest.y + largest.h / 2, "font-size": size.toFixed(2) }, group);
    label.textContent = booth.code;
    const parts = [booth.code, `${fmt(booth.area_m2)} m²`];
    if (booking) parts.push(this.text.bookedBy.replace("{holder}", booking.holder));
    if (booth.blocked) parts.push(this.text.blocked);
    if (flag === "error") parts.push(this.text.hasProblem);
    group.setAttribute("aria-label", `${this.text.booth} ${parts.join(", ")}`);
    group.setAttribute("aria-pressed", isSelected ? "true" : "false");
  }

  drawElement(element, isSelected, flag) {
    const classes = ["pe-element", `kind-${element.kind}`];
    if (isSelected) classes.push("selected");
    if (flag) classes.push(flag === "error" ? "bad" : "warn");
    const group = this.groupFor(element.key, this.elementLayer, classes.join(" "),
      JSON.stringify([element, classes]));
    if (!group) return;
    make("rect", { x: element.x_m, y: element.y_m, width: element.w_m, height: element.h_m, class: "pe-part" }, group);
    const icon = ICONS[element.kind] || "";
    const size = Math.max(0.3, Math.min(0.9, element.w_m * 0.7, element.h_m * 0.7));
    const label = make("text", { x: element.x_m + element.w_m / 2, y: element.y_m + element.h_m / 2, "font-size": size.toFixed(2) }, group);
    label.textContent = element.label && element.w_m > 2 ? `${icon} ${element.label}` : icon;
    const name = elementName(element, this.text);
    group.setAttribute("aria-label", name);
    group.setAttribute("aria-pressed", isSelected ? "true" : "false");
  }

  drawHandles(state) {
    while (this.handleLayer.firstChild) this.handleLayer.firstChild.remove();
    const shape = state.single;
    if (!shape || (shape.outline && shape.outline.length)) return;
    const s = 10 / this.zoom;
    const { x_m: x, y_m: y, w_m: w, h_m: h } = shape;
    const at = { nw: [x, y], n: [x + w / 2, y], ne: [x + w, y], e: [x + w, y + h / 2],
      se: [x + w, y + h], s: [x + w / 2, y + h], sw: [x, y + h], w: [x, y + h / 2] };
    // a shape too small for eight handles gets one, off its corner
    const small = w * this.zoom < 40 || h * this.zoom < 40;
    if (small) at.se = [x + w + s / 2, y + h + s / 2];
    for (const name of small ? ["se"] : HANDLES) {
      const [cx, cy] = at[name];
      make("rect", { x: cx - s / 2, y: cy - s / 2, width: s, height: s, class: `pe-handle h-${name}`, "data-handle": name }, this.handleLayer);
    }
  }

  showMarquee(box) {
    if (!box) {
      this.marquee.setAttribute("visibility", "hidden");
      return;
    }
    this.marquee.setAttribute("x", box.x);
    this.marquee.setAttribute("y", box.y);
    this.marquee.setAttribute("width", box.w);
    this.marquee.setAttribute("height", box.h);
    this.marquee.setAttribute("visibility", "visible");
  }

  focus(key) {
    const node = this.nodes.get(key);
    if (node) node.focus();
  }

  keyOf(target) {
    const group = target.closest ? target.closest("[data-key]") : null;
    return group ? group.getAttribute("data-key") : null;
  }
}

const ICONS = { column: "▪", wall: "", exit: "⇲", fire_equipment: "🧯", stage: "♪", toilets: "WC", information: "i" };

export function fmt(value) {
  return String(Math.round(value * 100) / 100);
}

/** The side the booth's front faces (0 bottom, 90 left, 180 top, 270 right), as a line. */
function frontLine(booth) {
  const r = bounds(rectsOf(booth));
  switch (booth.rotation) {
    case 90: return { x1: r.x, y1: r.y, x2: r.x, y2: r.y + r.h };
    case 180: return { x1: r.x, y1: r.y, x2: r.x + r.w, y2: r.y };
    case 270: return { x1: r.x + r.w, y1: r.y, x2: r.x + r.w, y2: r.y + r.h };
    default: return { x1: r.x, y1: r.y + r.h, x2: r.x + r.w, y2: r.y + r.h };
  }
}

/** The outer boundary of rectangles that meet along edges: every edge piece that only one
 * rectangle has. */
function outlinePath(rects) {
  const pieces = [];
  const cut = (a, b, stops) => {
    const inner = stops.filter((s) => s > a + 1e-6 && s < b - 1e-6).sort((p, q) => p - q);
    const points = [a, ...inner, b];
    return points.slice(1).map((end, i) => [points[i], end]);
  };
  const xs = rects.flatMap((r) => [r.x, r.x + r.w]);
  const ys = rects.flatMap((r) => [r.y, r.y + r.h]);
  const count = new Map();
  const add = (id, seg) => count.set(id, { seg, n: (count.get(id)?.n || 0) + 1 });
  for (const r of rects) {
    for (const y of [r.y, r.y + r.h]) {
      for (const [a, b] of cut(r.x, r.x + r.w, xs)) add(`h${y.toFixed(3)}:${a.toFixed(3)}`, [a, y, b, y]);
    }
    for (const x of [r.x, r.x + r.w]) {
      for (const [a, b] of cut(r.y, r.y + r.h, ys)) add(`v${x.toFixed(3)}:${a.toFixed(3)}`, [x, a, x, b]);
    }
  }
  for (const { seg, n } of count.values()) if (n === 1) pieces.push(`M${seg[0]} ${seg[1]}L${seg[2]} ${seg[3]}`);
  return pieces.join("");
}
