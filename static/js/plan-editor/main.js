// The plan editor: reads the draft from the page's JSON block, draws the chosen hall, and turns
// pointer (mouse, pen, touch) and keyboard input into changes of the draft. Merge, split and
// delete are the server's (POST the document and the operation, get the new document and its
// problems); moves, resizes and additions happen here and are checked live, then again by the
// server when the draft is saved.

import {
  History, bounds, check, clone, findShape, freeSpot, hallSize, isBooth, moveShape, newCode,
  newKey, rectsOf, resizeShape, round3, snapEdge, snapMove,
} from "./model.js";
import { PlanView, fmt } from "./view.js";

const root = document.getElementById("plan-editor");
const config = JSON.parse(document.getElementById("plan-editor-data").textContent);
const text = config.text;
const $ = (id) => document.getElementById(id);

const ELEMENT_SIZES = { column: [1, 1], wall: [4, 0.3], exit: [2, 0.5], fire_equipment: [0.5, 0.5],
  stage: [6, 4], toilets: [4, 3], information: [2, 2] };
const SNAP_REACH_PX = 8;
// problems whose booking the moves dialog places (editor_views.ASKED)
const ASKED = ["booking_needs_move", "move_target_taken", "booking_blocked", "move_cycle"];

const state = {
  history: new History(config.document),
  hallId: config.hall_id,
  selected: new Set(),
  revision: config.revision,
  saved: JSON.stringify(config.document),
  serverProblems: config.problems.filter(isBookingProblem),
  multi: false,
  busy: false,
};
const view = new PlanView($("pe-canvas"), text);

// the problems only the server finds (bookings and their moves, codes kept for retired booths);
// the others are checked here, live
function isBookingProblem(p) {
  return p.code.startsWith("booking") || p.code.startsWith("move") || p.code === "reserved_code";
}

function doc() {
  return state.history.doc;
}

function hall() {
  return config.halls.find((h) => h.id === state.hallId) || null;
}

function dirty() {
  return JSON.stringify(doc()) !== state.saved;
}

// -- drawing and the panels ----------------------------------------------------------------

let preview = null; // the document while a drag is under way

function problemsOf(current) {
  const server = state.serverProblems;
  const local = check(current, config.halls, config.bookings, text);
  const seen = new Set(local.map((p) => `${p.code}:${p.key}`));
  return [...local, ...server.filter((p) => !seen.has(`${p.code}:${p.key}`))];
}

function render() {
  const current = preview || doc();
  const problems = problemsOf(current);
  const size = hallSize(current, config.halls, state.hallId);
  const single = state.selected.size === 1 ? findShape(current, [...state.selected][0]) : null;
  view.render({ doc: current, hallId: state.hallId, size, hall: hall(), selected: state.selected,
    problems, bookings: config.bookings, single });
  if (!preview) {
    $("pe-live").textContent = "";
    renderProblems(problems);
    renderPanel(single);
    renderDrawingNote();
    renderButtons();
  } else {
    $("pe-live").textContent = problems.some((p) => p.severity === "error" && state.selected.has(p.key))
      ? text.liveBad : "";
  }
}

function renderProblems(problems) {
  const list = $("pe-problems");
  list.replaceChildren();
  const errors = problems.filter((p) => p.severity === "error").length;
  $("pe-problem-count").textContent = problems.length
    ? text.problemCount.replace("{errors}", errors).replace("{warnings}", problems.length - errors) : text.noProblems;
  for (const p of problems.slice(0, 200)) {
    const item = document.createElement("li");
    item.className = p.severity;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "link";
    button.textContent = p.message;
    // a booking waiting for a place: the server asks where it goes (the moves dialog)
    button.addEventListener("click", () => (ASKED.includes(p.code) ? operate("ask") : reveal(p.key)));
    item.append(button);
    list.append(item);
  }
}

function reveal(key) {
  const shape = findShape(doc(), key);
  if (!shape) return;
  if (shape.hall_id !== state.hallId) switchHall(shape.hall_id);
  state.selected = new Set([key]);
  render();
  view.focus(key);
}

function renderButtons() {
  const chosen = [...state.selected];
  const booths = chosen.filter((k) => isBooth(doc(), k));
  $("pe-merge").disabled = booths.length < 2 || booths.length !== chosen.length;
  $("pe-split").disabled = !(booths.length === 1 && chosen.length === 1);
  $("pe-delete").disabled = chosen.length === 0;
  $("pe-undo").disabled = !state.history.past.length;
  $("pe-redo").disabled = !state.history.future.length;
  $("pe-selection").textContent = chosen.length
    ? text.selected.replace("{n}", chosen.length).replace("{names}", chosen.slice(0, 6).map((k) => shapeName(findShape(doc(), k))).join(", "))
    : text.nothingSelected;
  const unsaved = dirty();
  $("pe-save").classList.toggle("unsaved", unsaved);
  $("pe-saved").textContent = unsaved ? text.unsaved
    : (state.revision ? text.savedRevision.replace("{n}", state.revision) : text.noDraft);
  for (const button of document.querySelectorAll("[data-hall]")) {
    button.setAttribute("aria-pressed", Number(button.dataset.hall) === state.hallId ? "true" : "false");
  }
}

function shapeName(shape) {
  if (!shape) return "";
  return shape.code || (text.kinds[shape.kind] + (shape.label ? ` ${shape.label}` : ""));
}

function renderDrawingNote() {
  const note = $("pe-drawing-note");
  const current = hall();
  note.replaceChildren();
  if (!current || !current.drawing_page || current.drawing) return;
  note.append(document.createTextNode(`${current.uncalibrated ? text.uncalibrated : text.noDrawing} `));
  const link = document.createElement("a");
  link.href = current.drawing_page;
  link.textContent = current.uncalibrated ? text.calibrate : text.uploadDrawing;
  note.append(link);
}

function renderPanel(single) {
  const boothPanel = $("pe-booth-props");
  const elementPanel = $("pe-element-props");
  const hallPanel = $("pe-hall-props");
  boothPanel.hidden = !(single && isBooth(doc(), single.key));
  elementPanel.hidden = !(single && !isBooth(doc(), single.key));
  hallPanel.hidden = Boolean(single);
  if (!single) {
    const size = hallSize(doc(), config.halls, state.hallId);
    setValue("pe-hall-width", size.width);
    setValue("pe-hall-depth", size.depth);
    return;
  }
  const panel = boothPanel.hidden ? elementPanel : boothPanel;
  for (const input of panel.querySelectorAll("[data-field]")) {
    const value = single[input.dataset.field];
    if (input.type === "checkbox") input.checked = Boolean(value);
    else input.value = value ?? "";
  }
  const merged = Boolean(single.outline && single.outline.length);
  for (const input of boothPanel.querySelectorAll("[data-size]")) input.disabled = merged;
  const booking = config.bookings[single.key];
  $("pe-booth-booking").textContent = booking ? text.bookedBy.replace("{holder}", booking.holder) : "";
  $("pe-booth-area").textContent = `${fmt(single.area_m2 || single.w_m * single.h_m)} m²`;
}

function setValue(id, value) {
  const input = $(id);
  if (document.activeElement !== input) input.value = value;
}

function say(message, kind = "info") {
  const status = $("pe-status");
  status.className = `pe-status ${kind}`;
  status.replaceChildren(document.createTextNode(message));
  return status;
}

// -- changes ------------------------------------------------------------------------------------

function change(mutate) {
  const next = clone(doc());
  mutate(next);
  state.history.change(next);
  render();
}

function switchHall(hallId) {
  state.hallId = hallId;
  state.selected.clear();
  render();
}

function selectedShapes(current) {
  return [...state.selected].map((k) => findShape(current, k)).filter(Boolean);
}

function othersRects(current, exclude) {
  return [...current.booths, ...current.elements]
    .filter((s) => s.hall_id === state.hallId && !exclude.has(s.key)).flatMap(rectsOf);
}

function nudge(dx, dy) {
  if (!state.selected.size) return;
  change((next) => {
    for (const shape of selectedShapes(next)) moveShape(shape, dx, dy);
  });
  say(text.moved.replace("{x}", fmt(dx)).replace("{y}", fmt(dy)));
}

function resizeBy(dw, dh) {
  const single = state.selected.size === 1 ? findShape(doc(), [...state.selected][0]) : null;
  if (!single || (single.outline && single.outline.length)) return;
  change((next) => {
    const shape = findShape(next, single.key);
    resizeShape(shape, { x: shape.x_m, y: shape.y_m, w: Math.max(0.1, round3(shape.w_m + dw)),
      h: Math.max(0.1, round3(shape.h_m + dh)) }, isBooth(next, shape.key));
  });
}

function typeRate(current, boothType) {
  const rates = current.booths.filter((b) => b.booth_type === boothType && !(b.outline && b.outline.length) && b.area_m2 > 0 && b.price_vnd > 0)
    .map((b) => b.price_vnd / b.area_m2).sort((a, b) => a - b);
  if (!rates.length) return 0;
  const mid = Math.floor(rates.length / 2);
  return rates.length % 2 ? rates[mid] : (rates[mid - 1] + rates[mid]) / 2;
}

function addBooth() {
  if (state.hallId === null) return;
  const key = newKey(doc());
  change((next) => {
    const spot = freeSpot(next, config.halls, state.hallId, 3, 3, config.grid_m);
    const price = Math.round(typeRate(next, "standard") * 9 / 1000) * 1000;
    next.booths.push({ key, id: null, hall_id: state.hallId, code: newCode(next, state.hallId),
      booth_type: "standard", x_m: spot.x, y_m: spot.y, w_m: 3, h_m: 3, rotation: 0, outline: [],
      price_vnd: price, width_m: 3, depth_m: 3, area_m2: 9, blocked: false, blocked_reason: "",
      cluster_id: null, merged_from: [], split_from: null });
  });
  state.selected = new Set([key]);
  render();
  view.focus(key);
  say(text.added.replace("{name}", findShape(doc(), key).code));
}

function addElement() {
  if (state.hallId === null) return;
  const kind = $("pe-kind").value;
  const [w, h] = ELEMENT_SIZES[kind] || [1, 1];
  const key = newKey(doc());
  change((next) => {
    const spot = freeSpot(next, config.halls, state.hallId, w, h, config.grid_m);
    next.elements.push({ key, id: null, hall_id: state.hallId, kind, label: "", x_m: spot.x,
      y_m: spot.y, w_m: w, h_m: h, rotation: 0 });
  });
  state.selected = new Set([key]);
  render();
  view.focus(key);
  say(text.added.replace("{name}", text.kinds[kind]));
}

function undo() {
  if (state.history.undo()) {
    keepExistingSelection();
    render();
    say(text.undone);
  }
}

function redo() {
  if (state.history.redo()) {
    keepExistingSelection();
    render();
    say(text.redone);
  }
}

function keepExistingSelection() {
  state.selected = new Set([...state.selected].filter((k) => findShape(doc(), k)));
}

// -- the server: merge, split, delete, save ---------------------------------------------------

async function post(url, body) {
  const response = await fetch(url, {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": config.csrf, Accept: "application/json" },
    body: JSON.stringify(body),
  });
  let answer = {};
  try {
    answer = await response.json();
  } catch (error) {
    answer = { message: text.serverError };
  }
  return { status: response.status, answer };
}

async function operate(operation, extra = {}, moves = []) {
  if (state.busy) return;
  state.busy = true;
  root.setAttribute("aria-busy", "true");
  try {
    const { status, answer } = await post(config.urls.operation, {
      document: doc(), operation, keys: [...state.selected], moves, ...extra });
    if (status === 200) {
      state.history.change(answer.document);
      state.serverProblems = answer.problems.filter(isBookingProblem);
      keepExistingSelection();
      render();
      say(text.done[operation] || text.saved, "success");
      return;
    }
    if (status === 422 && answer.error === "booking_needs_move") {
      const chosen = await askForMoves(answer);
      if (chosen) {
        state.busy = false;
        await operate(operation, extra, [...moves, ...chosen]);
      } else {
        say(text.cancelled);
      }
      return;
    }
    say(answer.message || text.serverError, "error");
  } catch (error) {
    say(text.offline, "error");
  } finally {
    state.busy = false;
    root.removeAttribute("aria-busy");
  }
}

/** The dialog that asks where each booking goes; resolves to the moves, or null. */
function askForMoves(answer) {
  const dialog = $("pe-move-dialog");
  const list = $("pe-move-list");
  list.replaceChildren();
  answer.bookings.forEach((booking, i) => {
    const field = document.createElement("div");
    field.className = "field";
    const label = document.createElement("label");
    label.htmlFor = `pe-move-${i}`;
    label.textContent = booking.message;
    const select = document.createElement("select");
    select.id = `pe-move-${i}`;
    select.dataset.allocation = booking.allocation_id;
    if (booking.can_stay) select.append(new Option(text.keepOnBooth, booking.from));
    for (const booth of answer.free_booths) {
      if (booth.key !== booking.from) select.append(new Option(`${booth.code} · ${fmt(booth.area_m2)} m²`, booth.key));
    }
    field.append(label, select);
    list.append(field);
  });
  return new Promise((resolve) => {
    const done = () => {
      dialog.removeEventListener("close", done);
      if (dialog.returnValue !== "move") return resolve(null);
      resolve([...list.querySelectorAll("select")].filter((s) => s.value)
        .map((s) => ({ allocation_id: Number(s.dataset.allocation), to: s.value })));
    };
    dialog.addEventListener("close", done);
    dialog.returnValue = "";
    dialog.showModal();
  });
}

async function save() {
  if (state.busy) return;
  state.busy = true;
  $("pe-save").disabled = true;
  try {
    const snapshot = doc();
    const { status, answer } = await post(config.urls.save,
      { document: snapshot, revision: state.revision, opened_at: config.opened_at });
    if (status === 200) {
      state.revision = answer.revision;
      state.saved = JSON.stringify(snapshot);
      state.serverProblems = answer.problems.filter(isBookingProblem);
      render();
      const errors = answer.problems.filter((p) => p.severity === "error").length;
      say(errors ? text.savedWithProblems.replace("{n}", errors) : answer.message, errors ? "warning" : "success");
    } else if (status === 409) {
      const status409 = say(`${text.stale} `, "error");
      const link = document.createElement("a");
      link.href = config.urls.reload;
      link.textContent = text.reload;
      status409.append(link);
    } else {
      say(answer.message || text.serverError, "error");
    }
  } catch (error) {
    say(text.offline, "error");
  } finally {
    state.busy = false;
    $("pe-save").disabled = false;
  }
}

// -- pointer: select, drag, resize, box-select, pan --------------------------------------------

const svg = $("pe-canvas");
const wrap = $("pe-wrap");
let gesture = null;

svg.addEventListener("pointerdown", (event) => {
  if (event.button !== 0 && event.pointerType === "mouse") return;
  const at = view.toMetres(event);
  const handle = event.target.closest("[data-handle]");
  const key = handle ? null : view.keyOf(event.target);
  const additive = event.shiftKey || event.ctrlKey || event.metaKey || state.multi;
  if (handle) {
    const shape = findShape(doc(), [...state.selected][0]);
    gesture = { kind: "resize", handle: handle.dataset.handle, start: at, key: shape.key,
      origin: { x: shape.x_m, y: shape.y_m, w: shape.w_m, h: shape.h_m } };
  } else if (key) {
    if (additive) {
      if (state.selected.has(key)) state.selected.delete(key);
      else state.selected.add(key);
    } else if (!state.selected.has(key)) {
      state.selected = new Set([key]);
    }
    // set first: the focus that follows must not change the selection again
    gesture = { kind: "maybe-move", start: at, key, additive, client: [event.clientX, event.clientY] };
    render();
    view.focus(key);
  } else if (event.pointerType === "touch" && !state.multi) {
    gesture = { kind: "pan", client: [event.clientX, event.clientY], scroll: [wrap.scrollLeft, wrap.scrollTop] };
  } else {
    if (!additive) state.selected.clear();
    gesture = { kind: "box", start: at, additive, before: new Set(state.selected) };
    render();
  }
  svg.setPointerCapture(event.pointerId);
  event.preventDefault();
});

svg.addEventListener("pointermove", (event) => {
  if (!gesture) return;
  const at = view.toMetres(event);
  if (gesture.kind === "maybe-move") {
    const moved = Math.hypot(event.clientX - gesture.client[0], event.clientY - gesture.client[1]);
    if (moved < 4 || !state.selected.has(gesture.key)) return;
    const working = clone(doc());
    const shapes = selectedShapes(working);
    gesture = { ...gesture, kind: "move", working, originals: shapes.map(clone),
      box: bounds(shapes.flatMap(rectsOf)), others: othersRects(working, state.selected) };
  }
  if (gesture.kind === "move") {
    const reach = SNAP_REACH_PX / view.zoom;
    const raw = { dx: at.x - gesture.start.x, dy: at.y - gesture.start.y };
    const { dx, dy } = event.altKey ? raw : snapMove(gesture.box, raw.dx, raw.dy, gesture.others, config.grid_m, reach);
    const shapes = selectedShapes(gesture.working);
    shapes.forEach((shape, i) => {
      Object.assign(shape, clone(gesture.originals[i]));
      moveShape(shape, dx, dy);
    });
    gesture.delta = { dx, dy };
    preview = gesture.working;
    schedule();
  } else if (gesture.kind === "resize") {
    const working = gesture.working || (gesture.working = clone(doc()));
    const shape = findShape(working, gesture.key);
    const o = gesture.origin;
    const reach = SNAP_REACH_PX / view.zoom;
    const others = gesture.others || (gesture.others = othersRects(working, new Set([gesture.key])));
    const xs = others.flatMap((r) => [r.x, r.x + r.w]);
    const ys = others.flatMap((r) => [r.y, r.y + r.h]);
    let x0 = o.x;
    let y0 = o.y;
    let x1 = o.x + o.w;
    let y1 = o.y + o.h;
    const dx = at.x - gesture.start.x;
    const dy = at.y - gesture.start.y;
    const snap = (v, edges) => (event.altKey ? round3(v) : snapEdge(v, edges, config.grid_m, reach));
    const min = config.grid_m;
    if (gesture.handle.includes("w")) x0 = Math.min(snap(o.x + dx, xs), x1 - min);
    if (gesture.handle.includes("e")) x1 = Math.max(snap(o.x + o.w + dx, xs), x0 + min);
    if (gesture.handle.includes("n")) y0 = Math.min(snap(o.y + dy, ys), y1 - min);
    if (gesture.handle.includes("s")) y1 = Math.max(snap(o.y + o.h + dy, ys), y0 + min);
    resizeShape(shape, { x: x0, y: y0, w: x1 - x0, h: y1 - y0 }, isBooth(working, gesture.key));
    gesture.changed = true;
    preview = working;
    schedule();
  } else if (gesture.kind === "box") {
    const box = { x: Math.min(at.x, gesture.start.x), y: Math.min(at.y, gesture.start.y),
      w: Math.abs(at.x - gesture.start.x), h: Math.abs(at.y - gesture.start.y) };
    gesture.box = box;
    view.showMarquee(box);
  } else if (gesture.kind === "pan") {
    wrap.scrollLeft = gesture.scroll[0] - (event.clientX - gesture.client[0]);
    wrap.scrollTop = gesture.scroll[1] - (event.clientY - gesture.client[1]);
  }
});

function finishGesture() {
  if (!gesture) return;
  const done = gesture;
  gesture = null;
  preview = null;
  if (done.kind === "move" && done.delta && (done.delta.dx || done.delta.dy)) {
    state.history.change(done.working);
    say(text.moved.replace("{x}", fmt(done.delta.dx)).replace("{y}", fmt(done.delta.dy)));
  } else if (done.kind === "resize" && done.changed) {
    state.history.change(done.working);
    const shape = findShape(doc(), done.key);
    say(text.resized.replace("{size}", `${fmt(shape.w_m)} × ${fmt(shape.h_m)}`));
  } else if (done.kind === "maybe-move" && !done.additive) {
    // a click (no drag) on a booth of a larger selection picks that booth alone
    state.selected = new Set([done.key]);
  } else if (done.kind === "box") {
    view.showMarquee(null);
    if (done.box && done.box.w > 0.05 && done.box.h > 0.05) {
      const picked = doc().booths.concat(doc().elements)
        .filter((s) => s.hall_id === state.hallId && rectsOf(s).some((r) => r.x < done.box.x + done.box.w &&
          done.box.x < r.x + r.w && r.y < done.box.y + done.box.h && done.box.y < r.y + r.h))
        .map((s) => s.key);
      state.selected = new Set([...(done.additive ? done.before : []), ...picked]);
    }
  }
  render();
}

svg.addEventListener("pointerup", finishGesture);
svg.addEventListener("pointercancel", () => {
  gesture = null;
  preview = null;
  view.showMarquee(null);
  render();
});

let frame = 0;
function schedule() {
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    render();
  });
}

// -- keyboard -----------------------------------------------------------------------------------

svg.addEventListener("focusin", (event) => {
  const key = view.keyOf(event.target);
  if (key && state.selected.size <= 1 && !state.selected.has(key) && !gesture) {
    state.selected = new Set([key]);
    render();
  }
});

svg.addEventListener("keydown", (event) => {
  const key = view.keyOf(event.target);
  const step = event.shiftKey ? 0.1 : config.grid_m;
  const arrows = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
  if (event.key in arrows) {
    if (key && !state.selected.has(key)) state.selected = new Set([key]);
    const [dx, dy] = arrows[event.key];
    if (event.altKey) resizeBy(dx, dy);
    else nudge(dx, dy);
    event.preventDefault();
  } else if (event.key === "Delete" || event.key === "Backspace") {
    if (state.selected.size) operate("delete");
    event.preventDefault();
  } else if (event.key === "Escape") {
    state.selected.clear();
    render();
  } else if (key && (event.key === " " || event.key === "Enter")) {
    if (event.key === " ") {
      if (state.selected.has(key)) state.selected.delete(key);
      else state.selected.add(key);
    } else {
      state.selected = new Set([key]);
    }
    render();
    event.preventDefault();
  }
});

document.addEventListener("keydown", (event) => {
  if (!(event.ctrlKey || event.metaKey) || event.target.matches("input, select, textarea")) return;
  if (event.key.toLowerCase() === "z" && !event.shiftKey) {
    undo();
    event.preventDefault();
  } else if (event.key.toLowerCase() === "y" || (event.key.toLowerCase() === "z" && event.shiftKey)) {
    redo();
    event.preventDefault();
  } else if (event.key.toLowerCase() === "s") {
    save();
    event.preventDefault();
  }
});

// -- the toolbar and the property panel ----------------------------------------------------

$("pe-add-booth").addEventListener("click", addBooth);
$("pe-add-element").addEventListener("click", addElement);
$("pe-undo").addEventListener("click", undo);
$("pe-redo").addEventListener("click", redo);
$("pe-save").addEventListener("click", save);
$("pe-delete").addEventListener("click", () => operate("delete"));
$("pe-merge").addEventListener("click", () => operate("merge", { price_rule: $("pe-price-rule").value }));
$("pe-split").addEventListener("click", () => {
  const shape = findShape(doc(), [...state.selected][0]);
  const merged = shape && shape.outline && shape.outline.length;
  operate("split", merged ? { price_rule: $("pe-price-rule").value }
    : { parts: Number($("pe-parts").value), axis: $("pe-axis").value, price_rule: $("pe-price-rule").value });
});
$("pe-multi").addEventListener("click", () => {
  state.multi = !state.multi;
  $("pe-multi").setAttribute("aria-pressed", state.multi ? "true" : "false");
});
$("pe-zoom-in").addEventListener("click", () => { view.setZoom(view.zoom * 1.25); render(); });
$("pe-zoom-out").addEventListener("click", () => { view.setZoom(view.zoom / 1.25); render(); });
for (const button of document.querySelectorAll("[data-hall]")) {
  button.addEventListener("click", () => switchHall(Number(button.dataset.hall)));
}

for (const panelId of ["pe-booth-props", "pe-element-props"]) {
  $(panelId).addEventListener("change", (event) => {
    const input = event.target.closest("[data-field]");
    const single = state.selected.size === 1 ? [...state.selected][0] : null;
    if (!input || !single) return;
    const field = input.dataset.field;
    let value = input.type === "checkbox" ? input.checked : input.value;
    if (input.type === "number" || field === "rotation") {
      value = Number(value);
      if (!Number.isFinite(value)) return render();
    }
    if (field === "code") value = String(value).toUpperCase().replace(/\s+/g, "");
    change((next) => {
      const shape = findShape(next, single);
      if (["x_m", "y_m"].includes(field)) {
        moveShape(shape, field === "x_m" ? value - shape.x_m : 0, field === "y_m" ? value - shape.y_m : 0);
      } else if (["w_m", "h_m"].includes(field)) {
        if (value <= 0) return;
        resizeShape(shape, { x: shape.x_m, y: shape.y_m, w: field === "w_m" ? value : shape.w_m,
          h: field === "h_m" ? value : shape.h_m }, isBooth(next, single));
      } else {
        shape[field] = value;
        if (field === "blocked" && !value) shape.blocked_reason = "";
      }
    });
  });
}

$("pe-hall-props").addEventListener("change", () => {
  const width = Number($("pe-hall-width").value);
  const depth = Number($("pe-hall-depth").value);
  if (!(width > 0 && depth > 0)) return;
  change((next) => {
    next.halls[String(state.hallId)] = { width_m: width, depth_m: depth };
  });
});

window.addEventListener("beforeunload", (event) => {
  if (dirty()) {
    event.preventDefault();
    event.returnValue = "";
  }
});

// start: fit the hall into the space there is
{
  const size = hallSize(doc(), config.halls, state.hallId);
  const room = Math.max(320, wrap.clientWidth - 8);
  // the whole hall when it fits at a readable scale; a large hall scrolls instead
  view.setZoom(Math.max(8, Math.floor(room / (size.width + 2))));
}
root.classList.add("ready");
render();
