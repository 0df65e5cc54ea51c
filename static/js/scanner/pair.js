/* The pairing page (/scan/pair#<code>): the organiser's (or the exhibitor's) one-time QR opens
   this address; the code is in the fragment, which the browser never sends to a server. It is
   exchanged once for the device's token (POST /api/v1/devices/pair), the token and the device
   are kept in IndexedDB, and the scanner opens.

   The code leaves the address at once (history, a shared screenshot) but is kept in this tab's
   sessionStorage until the exchange succeeds or the server refuses the code: with no network,
   "Try again" (or a reload) still has it. A phone still holding scans of the device it was
   paired as before is not paired again until they are sent: that device's queue could never
   be sent afterwards (the scanner sends as the device it is paired as). */
(function (scan) {
  "use strict";

  var CODE_KEY = "exhibit-scanner-pair-code";
  var TIMEOUT_MS = 20000;
  var body = document.body;
  var T = JSON.parse(document.getElementById("scanner-messages").textContent);
  var status = document.getElementById("pair-status");
  var retry = document.getElementById("pair-retry");
  var open = document.getElementById("pair-open-scanner");

  function say(text, outcome) {
    status.textContent = text;
    body.setAttribute("data-pairing", outcome);
    // a second try makes sense only when the code may still be good
    retry.hidden = !(outcome === "offline" || outcome === "waiting");
    open.hidden = outcome !== "waiting";
  }

  function words(message, values) {
    return String(message).replace(/%\((\w+)\)s/g, function (_, name) {
      return values && values[name] != null ? values[name] : "";
    });
  }

  // sessionStorage may be unavailable (private modes, storage turned off): memory then
  var kept = null;
  function keepCode(value) {
    kept = value;
    try {
      if (value) sessionStorage.setItem(CODE_KEY, value);
      else sessionStorage.removeItem(CODE_KEY);
    } catch (error) { /* memory only */ }
  }
  function keptCode() {
    try { return sessionStorage.getItem(CODE_KEY) || kept; } catch (error) { return kept; }
  }

  /* The code in the address, or null when the fragment is not valid percent-encoding. */
  function codeFromAddress() {
    var fragment = location.hash.replace(/^#/, "");
    try {
      return decodeURIComponent(fragment).trim();
    } catch (error) {
      return null;
    }
  }

  /* Scans of the device this phone is paired as, not sent yet (0 for a revoked or expired
     device: its scans can never be sent, and they stay on the phone either way). */
  function strandedScans() {
    return Promise.all([scan.store.get("meta", "device"), scan.store.get("meta", "revoked"),
                        scan.store.pendingByDevice()]).then(function (got) {
      var device = got[0], stopped = got[1], counts = got[2];
      if (!device || stopped) return {count: 0};
      return {count: counts[device.id] || 0, device: device};
    });
  }

  function exchange(code) {
    say(T.pairing, "pairing");
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, TIMEOUT_MS);
    return fetch("/api/v1/devices/pair", {
      method: "POST", credentials: "omit", cache: "no-store", signal: controller.signal,
      headers: {"Content-Type": "application/json", "Accept": "application/json"},
      body: JSON.stringify({code: code, app_version: body.getAttribute("data-app-version")})
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (data) {
        if ((response.status === 201 || response.status === 200) && data && data.token) {
          return paired(data);
        }
        if (response.status === 404 || response.status === 410 || response.status === 400 ||
            response.status === 422) {
          // the server refused this code for good: keeping it would only fail again
          keepCode(null);
          say((data && data.message) || T.pair_failed, "failed");
          return;
        }
        // anything else (a Wi-Fi login page, a server error): the code may still be good
        say(T.pair_offline, "offline");
      });
    }, function () {
      say(T.pair_offline, "offline");
    }).finally(function () { clearTimeout(timer); });
  }

  function paired(data) {
    // a new device on this phone: its snapshot and "seen today" start afresh (scans of an
    // earlier pairing stay under that device's id; only ones already sent or never sendable)
    return Promise.all([
      scan.store.put("meta", data.token, "token"),
      scan.store.put("meta", data.device, "device"),
      scan.store.remove("meta", "snapshot"),
      scan.store.remove("meta", "revoked"),
      scan.store.remove("meta", "last_sync_at"),
      scan.store.remove("meta", "storage_asked"),
      scan.store.clear("presence")
    ]).then(function () {
      keepCode(null);
      say(T.paired, "paired");
      location.replace(body.getAttribute("data-scanner"));
    });
  }

  function attempt() {
    var code = keptCode();
    if (!code) {
      say(T.pair_no_code, "no_code");
      return Promise.resolve();
    }
    return strandedScans().then(function (stranded) {
      if (stranded.count) {
        // the code is not used yet: it still works once the queue is sent
        say(words(T.pair_wait_queue, {count: stranded.count, device: stranded.device.name}),
            "waiting");
        return;
      }
      return exchange(code);
    });
  }

  retry.addEventListener("click", function () { attempt(); });

  function begin() {
    var fromAddress = codeFromAddress();
    // the code is used once: keep it out of the history and of a shared screenshot
    if (location.hash) history.replaceState(null, "", location.pathname + location.search);
    if (fromAddress === null) {
      keepCode(null);
      say(T.pair_bad_code, "bad_code");
      return;
    }
    if (fromAddress) keepCode(fromAddress);
    attempt();
  }

  // another QR opened while this page is open changes only the fragment: the page stays
  window.addEventListener("hashchange", function () { if (location.hash) begin(); });
  begin();
})(window.ExhibitScan = window.ExhibitScan || {});
