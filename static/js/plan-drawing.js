// Calibrating a hall's drawing: two clicks on the drawing fill the points' fields (in the
// drawing's own pixels) and mark them; a third click starts again. Without this script the
// organiser types the positions. No inline script: the page's words come in a JSON block.
(function () {
  "use strict";
  var svg = document.querySelector("svg.drawing-pick");
  var form = document.querySelector("form[data-calibration]");
  if (!svg || !form) { return; }
  var words = {};
  var block = document.getElementById("plan-drawing-words");
  if (block) { try { words = JSON.parse(block.textContent); } catch (e) { words = {}; } }
  var picks = svg.querySelector("g.picks");
  var status = form.querySelector(".pick-status");
  var NS = "http://www.w3.org/2000/svg";
  var width = parseFloat(svg.getAttribute("data-width")) || 1000;
  var count = 0;

  function field(name) { return form.querySelector("[name='" + name + "']"); }

  function point(event) {
    var p = svg.createSVGPoint();
    p.x = event.clientX; p.y = event.clientY;
    var ctm = svg.getScreenCTM();
    if (!ctm) { return null; }
    return p.matrixTransform(ctm.inverse());
  }

  function mark(x, y) {
    var r = Math.max(width / 150, 3);
    var c = document.createElementNS(NS, "circle");
    c.setAttribute("cx", x); c.setAttribute("cy", y); c.setAttribute("r", r);
    c.setAttribute("fill", "none"); c.setAttribute("stroke", "#d1006f");
    c.setAttribute("stroke-width", r / 2.5);
    picks.appendChild(c);
  }

  function line() {
    var l = document.createElementNS(NS, "line");
    ["1", "2"].forEach(function (n) {
      l.setAttribute("x" + n, field("x" + n).value);
      l.setAttribute("y" + n, field("y" + n).value);
    });
    l.setAttribute("stroke", "#d1006f");
    l.setAttribute("stroke-width", Math.max(width / 500, 1));
    picks.appendChild(l);
  }

  function say(text) { if (status) { status.textContent = text || ""; } }

  function redraw() {
    while (picks.firstChild) { picks.removeChild(picks.firstChild); }
    var x1 = parseFloat(field("x1").value), y1 = parseFloat(field("y1").value);
    var x2 = parseFloat(field("x2").value), y2 = parseFloat(field("y2").value);
    if (!isNaN(x1) && !isNaN(y1)) { mark(x1, y1); }
    if (!isNaN(x2) && !isNaN(y2)) { mark(x2, y2); if (!isNaN(x1)) { line(); } }
  }

  svg.addEventListener("click", function (event) {
    var p = point(event);
    if (!p) { return; }
    var x = Math.round(p.x * 10) / 10, y = Math.round(p.y * 10) / 10;
    if (count % 2 === 0) {
      field("x1").value = x; field("y1").value = y;
      field("x2").value = ""; field("y2").value = "";
      say(words.first);
    } else {
      field("x2").value = x; field("y2").value = y;
      var px = Math.hypot(x - parseFloat(field("x1").value), y - parseFloat(field("y1").value));
      say((words.second || "").replace("{px}", px.toFixed(1)) + " " + (words.again || ""));
      var distance = field("distance_m");
      if (distance) { distance.focus(); }
    }
    count += 1;
    redraw();
  });
  ["x1", "y1", "x2", "y2"].forEach(function (name) {
    var input = field(name);
    if (input) { input.addEventListener("input", redraw); }
  });
  redraw();
}());
