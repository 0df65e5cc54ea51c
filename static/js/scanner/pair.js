/* The pairing page (/scan/pair#<code>): the organiser's (or the exhibitor's) one-time QR opens
   this address; the code is in the fragment, which the browser never sends to a server. It is
   exchanged once for the device's token (POST /api/v1/devices/pair), the token and the device
   are kept in IndexedDB, and the scanner opens. */
(function (scan) {
  "use strict";

  var body = document.body;
  var T = JSON.parse(document.getElementById("scanner-messages").textContent);
  var status = document.getElementById("pair-status");

  function say(text, outcome) {
    status.textContent = text;
    body.setAttribute("data-pairing", outcome);
  }

  var code = decodeURIComponent(location.hash.replace(/^#/, "")).trim();
  // the code is used once: keep it out of the history and of a shared screenshot
  history.replaceState(null, "", location.pathname + location.search);
  if (!code) {
    say(T.pair_no_code, "no_code");
    return;
  }
  say(T.pairing, "pairing");
  fetch("/api/v1/devices/pair", {
    method: "POST", credentials: "omit", cache: "no-store",
    headers: {"Content-Type": "application/json", "Accept": "application/json"},
    body: JSON.stringify({code: code, app_version: body.getAttribute("data-app-version")})
  }).then(function (response) {
    return response.json().catch(function () { return {}; }).then(function (data) {
      if (response.status !== 201 && response.status !== 200) {
        say(data.message || T.pair_failed, "failed");
        return;
      }
      // a new device on this phone: its snapshot and "seen today" start afresh (scans of an
      // earlier pairing stay in the queue under that device's id, never sent as this one's)
      return Promise.all([
        scan.store.put("meta", data.token, "token"),
        scan.store.put("meta", data.device, "device"),
        scan.store.remove("meta", "snapshot"),
        scan.store.remove("meta", "revoked"),
        scan.store.remove("meta", "last_sync_at"),
        scan.store.clear("presence")
      ]).then(function () {
        say(T.paired, "paired");
        location.replace(body.getAttribute("data-scanner"));
      });
    });
  }, function () {
    say(T.pair_offline, "offline");
  });
})(window.ExhibitScan = window.ExhibitScan || {});
