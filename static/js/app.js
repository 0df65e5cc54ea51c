// Small behaviours the pages ask for with data- attributes. Everything works without script;
// the Content-Security-Policy allows no inline script, so nothing of this lives in the HTML.
(function () {
  "use strict";

  // <button data-confirm="Release booth A01?">: ask before an irreversible action.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  // <details data-confirm-action> (_macros.confirm_action): a confirmation panel. Opening one
  // closes the others on the page and puts the cursor in its reason field (or on its button);
  // Escape closes it again and gives the focus back to the button that opened it.
  document.addEventListener("toggle", function (event) {
    var panel = event.target;
    if (!panel.matches || !panel.matches("details[data-confirm-action]") || !panel.open) {
      return;
    }
    document.querySelectorAll("details[data-confirm-action][open]").forEach(function (other) {
      if (other !== panel) { other.open = false; }
    });
    var first = panel.querySelector("textarea, input:not([type=hidden]), button[type=submit]");
    if (first) { first.focus(); }
  }, true);

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var panel = event.target.closest && event.target.closest("details[data-confirm-action][open]");
    if (panel) {
      panel.open = false;
      panel.querySelector("summary").focus();
    }
  });

  // <a data-history-back>: go back where the browser has somewhere to go back to.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-history-back]");
    if (link && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });

  // <input data-select-on-click>: one tap selects a link to copy.
  document.addEventListener("click", function (event) {
    if (event.target.matches("[data-select-on-click]")) {
      event.target.select();
    }
  });

  // <select data-autosubmit>: choosing is enough, no extra button.
  document.addEventListener("change", function (event) {
    if (event.target.matches("select[data-autosubmit]") && event.target.form) {
      event.target.form.submit();
    }
  });

  // A week's navigation scrolls sideways on a phone: bring the current area into view.
  var current = document.querySelector(".week-nav [aria-current]");
  if (current && current.parentNode.scrollWidth > current.parentNode.clientWidth) {
    current.parentNode.scrollLeft = current.offsetLeft - current.parentNode.offsetLeft - 16;
  }
})();
