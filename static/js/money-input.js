// Money inputs that read like money while typing: <input data-money> shows "12.500.000" in
// Vietnamese ("12,500,000" in English) as the person types, and the form sends the plain whole
// number of đồng ("12500000") the server expects. Without this script the field stays a plain
// text box and the server reads "12.500.000", "12,500,000" and "12500000" alike.
(function () {
  "use strict";

  // The page's language decides the group separator: a dot in Vietnamese, a comma in English.
  function separator() {
    var lang = (document.documentElement.getAttribute("lang") || "vi").toLowerCase();
    return lang.indexOf("en") === 0 ? "," : ".";
  }

  // "12500000" → "12.500.000" (digits only; anything else was stripped before).
  function grouped(digits, sep) {
    digits = digits.replace(/^0+(?=\d)/, "");
    return digits.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
  }

  // The value as the server wants it: only digits, or the text unchanged when it is not a whole
  // amount (a decimal "2,5", a stray letter) so the server names the mistake instead of this
  // script silently changing what was typed.
  function plain(value, sep) {
    var text = value.replace(/[\s\u00a0₫đ]|VND|vnd/g, "");
    var groups = sep === "." ? /^\d{1,3}(\.\d{3})+$/ : /^\d{1,3}(,\d{3})+$/;
    if (/^\d+$/.test(text)) { return text; }
    if (groups.test(text)) { return text.split(sep).join(""); }
    return null;
  }

  // Reformat one input, keeping the caret after the same number of digits as before.
  function format(input) {
    var sep = separator();
    var value = input.value;
    var digitsBefore = value.slice(0, input.selectionStart || 0).replace(/\D/g, "").length;
    var digits = value.replace(/\D/g, "");
    var decimalMark = sep === "." ? "," : ".";
    // leave alone what is not a whole amount being typed: letters, or the decimal mark ("2,5"
    // in Vietnamese): the server will say what is wrong, this script does not guess
    if (digits === "" || /[^\d\s\u00a0.,₫đ]/.test(value) || value.indexOf(decimalMark) !== -1) {
      return;
    }
    var shown = grouped(digits, sep);
    if (shown === value) { return; }
    input.value = shown;
    var caret = 0;
    for (var seen = 0; caret < shown.length && seen < digitsBefore; caret++) {
      if (/\d/.test(shown[caret])) { seen++; }
    }
    if (document.activeElement === input) { input.setSelectionRange(caret, caret); }
  }

  function enhance(input) {
    if (input.dataset.moneyReady) { return; }
    input.dataset.moneyReady = "1";
    input.setAttribute("inputmode", "numeric");
    input.setAttribute("autocomplete", "off");
    format(input);
    input.addEventListener("input", function () { format(input); });
  }

  document.querySelectorAll("input[data-money]").forEach(enhance);

  // On submit, send the plain number. The shown value comes back if the browser stays on the
  // page (a form checked by the browser, a submit cancelled by a confirmation).
  document.addEventListener("submit", function (event) {
    if (event.defaultPrevented) { return; }
    var sep = separator();
    event.target.querySelectorAll("input[data-money]").forEach(function (input) {
      var number = plain(input.value, sep);
      if (number === null) { return; }
      var shown = input.value;
      input.value = number;
      window.setTimeout(function () {
        if (document.contains(input) && input.value === number) { input.value = shown; }
      }, 0);
    });
  });
})();
