/* The scanner app (/scan/): scan or type a code, answer at once from the snapshot on the
   device, keep every scan in the device's queue, and send the queue whenever the network is
   there. Nobody has to tell it whether it is online.

   The life of a scan:
   1. it is written to IndexedDB first (store.js), with its nonce and the time it happened:
      the device's clock corrected by the server's (every answer carries server_time; a phone
      whose clock is wrong must not move a check-in to another hour or day);
   2. it is decided offline from the snapshot (decide.js) and shown: green, amber or red;
   3. it is sent with the others not yet sent (POST /api/v1/device/scans, ≤ 500 at a time) —
      right after the scan, every 15 seconds, when the browser says the network is back, and
      when someone taps "Sync now";
   4. the server's answer (the judge: first scan wins, another gate's earlier scan counts)
      replaces the device's in the list; flagged scans are marked.

   The snapshot (the week's badges as keyed hashes, the zones, the device) is downloaded at
   start and refreshed every minute with only what changed (?since=cursor). */
(function (scan) {
  "use strict";

  var API = "/api/v1";
  var BATCH = 500;
  var SYNC_EVERY_MS = 15000, SNAPSHOT_EVERY_MS = 60000;
  // a request that hangs (a weak network, a portal holding the connection) is given up after
  // this long, so that the next sync can start
  var TIMEOUT_MS = 20000;
  // names stay on the phone for two days after the week's last day, then they are deleted
  var KEEP_NAMES_DAYS = 2;
  var DAY_MS = 24 * 3600 * 1000;
  var CLOCK_JITTER_MS = 1000;
  // the one-time code of a pairing that waits for this device's queue to be sent (pair.js)
  var PAIR_CODE_KEY = "exhibit-scanner-pair-code";
  var LIST_LENGTH = 50;

  var body = document.body;
  var APP_VERSION = body.getAttribute("data-app-version");
  var T = JSON.parse(document.getElementById("scanner-messages").textContent);
  var $ = function (id) { return document.getElementById(id); };

  var state = {
    token: null, device: null, index: null, revoked: false, lastSyncAt: null, clockOffset: 0,
    syncing: null, online: navigator.onLine, direction: "in", stopCamera: null,
    shownNonce: null
  };
  // scans are handled one after another, so that two quick scans of one badge see each other
  var chain = Promise.resolve();

  /* "Already checked in at %(time)s." with {time: "09:14"} → "… at 09:14." */
  function words(message, values) {
    return String(message).replace(/%\((\w+)\)s/g, function (_, name) {
      return values && values[name] != null ? values[name] : "";
    });
  }

  // -- talking to the server ------------------------------------------------------------------

  /* One call to the API, given up after TIMEOUT_MS. Resolves with {status, data, json}: json
     is false when the body is not a JSON object (a Wi-Fi login page answering in the
     server's place says 200 too). Learns the server's clock from any server_time. */
  function api(method, path, payload) {
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, TIMEOUT_MS);
    var init = {method: method, headers: {"Authorization": "Bearer " + state.token,
                                           "Accept": "application/json"},
                credentials: "omit", cache: "no-store", signal: controller.signal};
    if (payload !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(payload);
    }
    var sentAt = Date.now();
    return fetch(API + path, init).then(function (response) {
      setOnline(true);
      return response.json().then(function (data) {
        return data && typeof data === "object" && !Array.isArray(data) ? data : null;
      }, function () { return null; }).then(function (data) {
        if (data && data.server_time) learnClock(data.server_time, sentAt, Date.now());
        return {status: response.status, data: data || {}, json: !!data};
      });
    }, function (error) { setOnline(false); throw error; }).finally(function () {
      clearTimeout(timer);
    });
  }

  /* The difference between the server's clock and this phone's, from a server_time received
     between sentAt and receivedAt (its middle is the best guess of when it was read). */
  function learnClock(serverTime, sentAt, receivedAt) {
    var server = Date.parse(serverTime);
    if (isNaN(server)) return;
    var offset = Math.round(server - (sentAt + receivedAt) / 2);
    // a second's jitter is left alone: moving the clock by the network's whims would let two
    // quick scans of one badge swap places (the first one wins)
    if (Math.abs(offset - state.clockOffset) < CLOCK_JITTER_MS) return;
    state.clockOffset = offset;
    scan.store.put("meta", offset, "clock_offset");
  }

  /* Now, by the server's clock (as last learnt; the phone's own when never online). */
  function serverNow() {
    return new Date(Date.now() + state.clockOffset);
  }

  /* 401 (token unknown or expired) and 403 device_revoked stop all sending for good: the
     names on the phone are deleted, the queue stays (an organiser may still want it). */
  function refusedDevice(reply) {
    if (reply.status === 403 && reply.data.error === "device_revoked") {
      stopDevice("revoked");
      return true;
    }
    // a 401 from anything but the API (a login page of the Wi-Fi) must not stop the device
    if (reply.status === 401 && reply.json) {
      stopDevice(reply.data.error === "device_expired" ? "expired" : "unknown");
      return true;
    }
    return false;
  }

  var STOPPED_WORDS = {revoked: "revoked_device", expired: "expired_device",
                       unknown: "unknown_device"};

  function stopDevice(why) {
    state.revoked = why;
    scan.store.put("meta", why, "revoked");
    showStopped(why);
    return forgetNames(T.snapshot_removed);
  }

  function showStopped(why) {
    showAlert(T[STOPPED_WORDS[why] || "revoked_device"]);
  }

  /* Deletes the personal data on the phone: the snapshot (every badge's name) and the names
     kept with past scans. The scans themselves stay, unsent ones too. */
  function forgetNames(why) {
    state.index = null;
    body.setAttribute("data-snapshot", "removed");
    var status = $("snapshot-state");
    status.textContent = why;
    status.setAttribute("data-badges", "0");
    return Promise.all([scan.store.remove("meta", "snapshot"), scan.store.forgetNames()])
      .then(showList);
  }

  /* After the week (its last day + KEEP_NAMES_DAYS, by the server's clock) the names go. */
  function weekIsOver(snapshot) {
    var end = Date.parse((snapshot.week && snapshot.week.end_date) + "T00:00:00Z");
    if (isNaN(end)) return false;
    var lastDay = new Date(end + KEEP_NAMES_DAYS * DAY_MS).toISOString().slice(0, 10);
    return scan.codes.vietnamDay(serverNow()) > lastDay;
  }

  function loadSnapshot() {
    if (!state.token || state.revoked) return Promise.resolve();
    var old = state.index && state.index.snapshot;
    var query = old && old.cursor ? "?since=" + encodeURIComponent(old.cursor) : "";
    return api("GET", "/device/snapshot" + query).then(function (reply) {
      if (refusedDevice(reply) || reply.status !== 200) return;
      var fresh = reply.data;
      // not the API's snapshot (a Wi-Fi login page says 200 too): the stored one stays
      if (!reply.json || !Array.isArray(fresh.badges) || !fresh.key || !fresh.week ||
          !fresh.device) return;
      if (!fresh.full && old && old.key === fresh.key) {
        // only the badges changed since the cursor: they replace their rows
        var rows = new Map();
        old.badges.forEach(function (row) { rows.set(row[0], row); });
        fresh.badges.forEach(function (row) { rows.set(row[0], row); });
        fresh.badges = Array.from(rows.values());
      } else if (!fresh.full) {
        // a cursor from another key: start again from a full snapshot (once: a full one was
        // asked for when no cursor was sent)
        if (!query) return;
        old.cursor = null;
        return loadSnapshot();
      }
      if (weekIsOver(fresh)) return forgetNames(T.week_over);
      fresh.loaded_at = serverNow().toISOString();
      return scan.store.put("meta", fresh, "snapshot").then(function () {
        useSnapshot(fresh);
      });
    }).catch(function () { /* offline: the stored snapshot keeps answering */ });
  }

  function useSnapshot(snapshot) {
    state.index = new scan.decide.Index(snapshot);
    state.device = snapshot.device;
    showDevice();
    var status = $("snapshot-state");
    status.textContent = words(T.snapshot_loaded, {
      count: snapshot.badges.length,
      time: scan.codes.vietnamClock(snapshot.loaded_at || snapshot.server_time)});
    status.setAttribute("data-badges", String(snapshot.badges.length));
    body.setAttribute("data-snapshot", "loaded");
  }

  /* Sends the queue in batches; one run at a time (a second call waits for the first). */
  function sync() {
    if (state.syncing) return state.syncing;
    if (!state.token || state.revoked || !state.device) return Promise.resolve();
    // whatever happens (an answer, an error, a timeout), the next run may start afterwards
    state.syncing = syncBatches().catch(function () {}).finally(function () {
      state.syncing = null;
    });
    return state.syncing;
  }

  function syncBatches() {
    var deviceId = state.device.id;
    return Promise.all([scan.store.pendingScans(deviceId, BATCH),
                        scan.store.countPending(deviceId)]).then(function (found) {
      var batch = found[0], total = found[1];
      if (!batch.length) return showCounts();
      $("sync-state").textContent = T.syncing;
      return api("POST", "/device/scans", {
        scans: batch.map(function (s) {
          return {nonce: s.nonce, code: s.code, scanned_at: s.scanned_at,
                  direction: s.direction, device_answer: s.device_answer};
        }),
        // what the device will still hold once this batch is taken
        unsynced: total - batch.length,
        app_version: APP_VERSION
      }).then(function (reply) {
        if (refusedDevice(reply)) return showCounts();
        var results = reply.status === 200 && reply.json && reply.data.results;
        var answers = new Map(), changes = [];
        if (Array.isArray(results)) {
          results.forEach(function (r) { if (r && r.nonce) answers.set(r.nonce, r); });
        }
        batch.forEach(function (s) {
          var answer = answers.get(s.nonce);
          // only these two fields: the scan's own offline answer may be written meanwhile
          if (answer) changes.push({nonce: s.nonce, server: answer, synced: 1});
        });
        // not the API's answer to these scans (an error, or a login page of the Wi-Fi):
        // nothing is marked sent and the last sync stays what it was
        if (!changes.length) {
          $("sync-state").textContent = T.sync_failed;
          return showCounts();
        }
        state.lastSyncAt = serverNow().toISOString();
        return Promise.all([scan.store.mergeScans(changes),
                            scan.store.put("meta", state.lastSyncAt, "last_sync_at")])
          .then(function () {
            $("sync-state").textContent = "";
            // the scan on the big panel: the server's answer replaces the device's there too
            if (!answers.has(state.shownNonce)) return;
            return scan.store.get("scans", state.shownNonce).then(function (record) {
              if (record && record.nonce === state.shownNonce) showResult(record);
            });
          }).then(showList).then(function () {
            // more waiting (a long offline spell): the next batch (never the same one again)
            return changes.length === batch.length ? syncBatches() : showCounts();
          });
      });
    }).catch(function () {
      $("sync-state").textContent = navigator.onLine ? T.sync_failed : "";
      return showCounts();
    });
  }

  // -- scanning ---------------------------------------------------------------------------------

  /* A code from the camera or the typed field. */
  function handle(raw) {
    chain = chain.then(function () { return handleOne(raw); }).catch(function (error) {
      showAlert(String(error));
    });
    return chain;
  }

  function handleOne(raw) {
    var code = scan.codes.normalise(raw);
    if (!code || !state.device) return Promise.resolve();
    var own = new Date(), now = new Date(own.getTime() + state.clockOffset);
    var record = {
      nonce: scan.codes.newNonce(state.device.id), device_id: state.device.id,
      // the moment by the server's clock (what is sent); the phone's own clock kept beside it
      seq: nextSeq(), code: code, scanned_at: scan.codes.localIsoTime(now),
      device_time: scan.codes.localIsoTime(own),
      direction: isGate() ? state.direction : "in", device_answer: "",
      local: null, server: null, synced: 0
    };
    // 1. kept before anything else: whatever happens next, the scan is not lost
    return scan.store.put("scans", record).then(function () {
      return decideOffline(code, record.direction, now);
    }).then(function (answer) {
      // 2. the device's answer, kept with the scan and shown
      record.local = {status: answer.status, reason: answer.reason || "",
                      badge: answer.badge, first_at: answer.first_at || null};
      record.device_answer = answer.status ? scan.decide.deviceAnswer(answer.status) : "";
      // merged, not put: a sync may have sent the scan and stored the server's answer since
      var writes = [scan.store.mergeScans([{nonce: record.nonce, local: record.local,
                                            device_answer: record.device_answer}])];
      if (answer.presence) writes.push(scan.store.put("presence", answer.presence));
      return Promise.all(writes).then(function () {
        return scan.store.get("scans", record.nonce);
      });
    }).then(function (stored) {
      record = stored || record;
      showResult(record);
      feel(tone(record.local.status));
      return showList();
    }).then(function () {
      // 3. sent now if the network is there (not waited for: the next scan can start)
      sync();
    });
  }

  var lastSeq = 0;
  function nextSeq() {
    lastSeq = Math.max(lastSeq + 1, Date.now());
    return lastSeq;
  }

  function isGate() { return state.device && state.device.purpose === "gate"; }

  function decideOffline(code, direction, now) {
    if (!state.index) return Promise.resolve({status: "", reason: "no_snapshot"});
    return isGate() ? state.index.gate(code, direction, now) : state.index.lead(code, now);
  }

  // -- what the screen shows ----------------------------------------------------------------------

  /* The answer of a scan in words: the server's once it has answered, else the device's. */
  function answerOf(record) {
    var server = record.server, local = record.local || {status: "", reason: "no_snapshot"};
    if (server) {
      return {status: server.status, reason: server.reason || "", message: server.message,
              badge: server.badge ? {name: server.badge.name, kind: kindLetter(server.badge.kind)}
                                  : local.badge,
              flag: server.flag || ""};
    }
    return {status: local.status, reason: local.reason, message: localWords(record, local),
            badge: local.badge, flag: ""};
  }

  function kindLetter(kind) {
    for (var letter in scan.decide.KINDS) {
      if (scan.decide.KINDS[letter] === kind) return letter;
    }
    return kind || "";
  }

  /* The device's answer in the server's words (badges.checkin.ScanResult.message): the
     default zone "checks in", another zone is "entered" by name. */
  function localWords(record, local) {
    if (local.reason === "no_snapshot") return T.no_snapshot;
    if (local.status === "invalid") {
      if (local.reason === "kind_not_allowed" && local.badge) {
        return words(T.kind_not_allowed_kind, {kind: T.kind_titles[local.badge.kind]});
      }
      return T[local.reason] || T.unknown;
    }
    if (!isGate()) return local.status === "saved" ? T.saved_offline : T.already_saved;
    var zone = state.index && state.index.zone();
    var named = zone && !zone.is_default ? zone.name : "";
    if (local.status === "already_checked_in") {
      return words(named ? T.already_zone : T.already_checked_in,
                   {zone: named, time: scan.codes.vietnamClock(local.first_at)});
    }
    if (record.direction === "out") return T.ok_out;
    return named ? words(T.ok_zone, {zone: named}) : T.ok;
  }

  /* Green for ok/saved, amber for already in, red for refused. */
  function tone(status) {
    if (status === "ok" || status === "saved") return "ok";
    if (status === "already_checked_in" || status === "already_saved") return "again";
    return status ? "refused" : "pending";
  }

  function showResult(record) {
    var answer = answerOf(record), box = $("result");
    state.shownNonce = record.nonce;
    box.setAttribute("data-status", answer.status || "");
    box.setAttribute("data-reason", answer.reason || "");
    box.setAttribute("data-tone", tone(answer.status));
    box.textContent = "";
    var line = document.createElement("b");
    line.textContent = answer.message;
    box.appendChild(line);
    var who = personLine(answer.badge);
    if (who) {
      var person = document.createElement("span");
      person.className = "who";
      person.textContent = who;
      box.appendChild(person);
    }
  }

  /* A short buzz for a scan let in, a long one for a refusal, where the phone can (Android;
     iPhones ignore it): staff need not look at the screen for every badge. */
  function feel(toneName) {
    if (!navigator.vibrate) return;
    navigator.vibrate(toneName === "ok" ? 60 : toneName === "pending" ? 0 : [200, 80, 200]);
  }

  function personLine(badge) {
    if (!badge) return "";
    var kind = T.kinds[badge.kind] || "";
    return [badge.name, kind].filter(Boolean).join(" · ");
  }

  function showList() {
    return scan.store.latestScans(LIST_LENGTH).then(function (records) {
      var list = $("scans");
      list.textContent = "";
      records.forEach(function (record) {
        var answer = answerOf(record), item = document.createElement("li");
        item.setAttribute("data-nonce", record.nonce);
        item.setAttribute("data-status", answer.status || "");
        item.setAttribute("data-reason", answer.reason || "");
        item.setAttribute("data-tone", tone(answer.status));
        item.setAttribute("data-synced", String(record.synced));
        item.setAttribute("data-flag", answer.flag);
        var time = document.createElement("time");
        time.setAttribute("datetime", record.scanned_at);
        time.textContent = scan.codes.vietnamClock(record.scanned_at, true);
        item.appendChild(time);
        var text = " " + answer.message;
        var who = personLine(answer.badge);
        if (who) text += " — " + who;
        item.appendChild(document.createTextNode(text));
        if (answer.flag) {
          var flag = document.createElement("span");
          flag.className = "flag";
          flag.textContent = T["flag_" + answer.flag] || answer.flag;
          item.appendChild(flag);
        }
        if (!record.synced) {
          var waiting = document.createElement("span");
          waiting.className = "waiting";
          waiting.textContent = T.pending;
          item.appendChild(waiting);
        }
        list.appendChild(item);
      });
      return showCounts();
    });
  }

  function showCounts() {
    if (!state.device) return Promise.resolve();
    return scan.store.countPending(state.device.id).then(function (count) {
      var unsynced = $("unsynced");
      unsynced.setAttribute("data-count", String(count));
      unsynced.textContent = words(T.unsynced, {count: count});
      $("last-sync").textContent = state.lastSyncAt
        ? words(T.last_sync, {time: scan.codes.vietnamClock(state.lastSyncAt, true)})
        : T.never_synced;
      // a new pairing waits for this queue (pair.js): once it is sent, the way back to it
      // (a stopped device's queue can never be sent: nothing to wait for)
      $("pair-continue").hidden = !((count === 0 || state.revoked) && waitingPairCode());
    });
  }

  function setOnline(online) {
    state.online = online;
    var net = $("net");
    net.setAttribute("data-online", online ? "1" : "0");
    net.textContent = online ? T.online : T.offline;
  }

  function showAlert(text) {
    var alert = $("device-alert");
    alert.textContent = text;
    alert.hidden = false;
  }

  function showDevice() {
    var device = state.device, snapshot = state.index && state.index.snapshot;
    $("device-name").textContent = device.name + (device.gate ? " · " + device.gate : "");
    var where = [];
    if (snapshot) where.push(snapshot.week.name);
    if (device.zone) where.push(device.zone.name);
    if (device.business) where.push(device.business);
    $("device-where").textContent = where.join(" · ");
    body.setAttribute("data-purpose", device.purpose);
    var zone = state.index && state.index.zone();
    var both = !!(isGate() && zone && zone.mode === "entry_exit");
    $("direction").hidden = !both;
    if (!both) {
      // a zone that counts entries only (or changed to it): every scan is an entry again
      state.direction = "in";
      document.querySelector("input[name=direction][value=in]").checked = true;
    }
    $("code-label").textContent = isGate() ? T.label_entry_code : T.label_contact_code;
  }

  function waitingPairCode() {
    try { return sessionStorage.getItem(PAIR_CODE_KEY); } catch (error) { return null; }
  }

  /* Asks the browser to keep this site's storage (the queue, the snapshot) even when the phone
     runs short of space; best effort, once per pairing (some browsers ask the person). */
  function keepStorage() {
    if (!navigator.storage || !navigator.storage.persist) {
      body.setAttribute("data-storage", "unsupported");
      return Promise.resolve();
    }
    return scan.store.get("meta", "storage_asked").then(function (asked) {
      if (asked) {
        body.setAttribute("data-storage", asked);
        return;
      }
      return navigator.storage.persist().then(function (granted) {
        var answer = granted ? "persistent" : "refused";
        body.setAttribute("data-storage", answer);
        return scan.store.put("meta", answer, "storage_asked");
      });
    }).catch(function () { body.setAttribute("data-storage", "unsupported"); });
  }

  // -- starting up ----------------------------------------------------------------------------------

  function wire() {
    $("typed").addEventListener("submit", function (event) {
      event.preventDefault();
      var field = $("code"), value = field.value;
      field.value = "";
      handle(value);
      field.focus();
    });
    $("sync-now").addEventListener("click", function () {
      loadSnapshot().then(sync);
    });
    Array.prototype.forEach.call(document.querySelectorAll("input[name=direction]"),
      function (radio) {
        radio.addEventListener("change", function () { state.direction = radio.value; });
      });
    var toggle = $("camera-toggle");
    toggle.addEventListener("click", function () {
      if (state.stopCamera) {
        state.stopCamera();
        state.stopCamera = null;
        toggle.textContent = T.camera_start;
        toggle.setAttribute("aria-pressed", "false");
        return;
      }
      scan.decoder.startCamera($("camera"), handle).then(function (stop) {
        state.stopCamera = stop;
        toggle.textContent = T.camera_stop;
        toggle.setAttribute("aria-pressed", "true");
      }, function () { showAlert(T.camera_failed); });
    });
    window.addEventListener("online", function () {
      setOnline(true);
      loadSnapshot().then(sync);
    });
    window.addEventListener("offline", function () { setOnline(false); });
    setInterval(function () { if (navigator.onLine) sync(); }, SYNC_EVERY_MS);
    setInterval(function () {
      // a scanner left open past the week: its names go on time, network or not
      if (state.index && weekIsOver(state.index.snapshot)) forgetNames(T.week_over);
      else if (navigator.onLine) loadSnapshot();
    }, SNAPSHOT_EVERY_MS);
  }

  function start() {
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(body.getAttribute("data-service-worker"),
                                       {scope: body.getAttribute("data-scope")})
        .catch(function () { /* the app still works online without it */ });
      // the page is served by the worker from now on: it reopens without a network
      var controlled = function () {
        if (navigator.serviceWorker.controller) body.setAttribute("data-offline-ready", "1");
      };
      navigator.serviceWorker.addEventListener("controllerchange", controlled);
      controlled();
    }
    setOnline(navigator.onLine);
    wire();
    return Promise.all([scan.store.get("meta", "token"), scan.store.get("meta", "device"),
                        scan.store.get("meta", "snapshot"), scan.store.get("meta", "revoked"),
                        scan.store.get("meta", "last_sync_at"),
                        scan.store.get("meta", "clock_offset")]).then(function (got) {
      state.token = got[0];
      state.device = got[1];
      // true from version 1.0.0, which knew only revoked devices
      state.revoked = got[3] === true ? "revoked" : got[3] || false;
      state.lastSyncAt = got[4] || null;
      state.clockOffset = typeof got[5] === "number" ? got[5] : 0;
      if (!state.token || !state.device) {
        $("not-paired").hidden = false;
        $("scanning").hidden = true;
        body.setAttribute("data-ready", "unpaired");
        return;
      }
      var snapshot = got[2] && got[2].device && got[2].device.id === state.device.id ? got[2]
                                                                                       : null;
      var forgetting = Promise.resolve();
      if (state.revoked || (snapshot && weekIsOver(snapshot))) {
        // stopped, or the week over: no names (an older version kept them; a later pairing
        // started afresh)
        showDevice();
        forgetting = forgetNames(state.revoked ? T.snapshot_removed : T.week_over);
      } else if (snapshot) {
        useSnapshot(snapshot);
      } else {
        showDevice();
      }
      if (state.revoked) showStopped(state.revoked);
      keepStorage();
      // a desk's USB or Bluetooth barcode reader types into the focused field; on a phone
      // the keyboard would cover the camera, so the field waits for a tap there
      if (window.matchMedia && window.matchMedia("(pointer: fine)").matches) $("code").focus();
      return forgetting.then(showList).then(function () {
        body.setAttribute("data-ready", "1");
        return loadSnapshot();
      }).then(sync);
    });
  }

  // for tests and for the curious: the decoder and the code rules on their own
  window.exhibitScanner = {
    decodeImage: scan.decoder.decodeImage,
    normalise: scan.codes.normalise,
    handle: handle,
    sync: sync,
    loadSnapshot: loadSnapshot,
    version: APP_VERSION
  };

  start();
})(window.ExhibitScan = window.ExhibitScan || {});
