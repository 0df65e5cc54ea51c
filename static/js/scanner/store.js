/* The scanner's storage on the device (IndexedDB, which survives reloads, restarts and days
   without network). Three object stores:

   - "meta": single values by name: the device token and the device itself (from pairing), the
     snapshot (badges as keyed hashes, the week, the zones), the last sync time, whether the
     device was revoked;
   - "scans": every scan, written BEFORE it is decided or shown, so that none is ever lost:
     {nonce, device_id, seq, code, scanned_at, direction, device_answer, local, server, synced}
     ("synced" is 0 or 1: IndexedDB cannot index booleans);
   - "presence": what this device itself has seen today, for its offline answers ("already in
     today on this device"): one record per day, zone and badge hash.

   Every function returns a Promise. */
(function (scan) {
  "use strict";

  var NAME = "exhibit-scanner", VERSION = 1;
  var opened = null;

  function open() {
    if (opened) return opened;
    opened = new Promise(function (resolve, reject) {
      var request = indexedDB.open(NAME, VERSION);
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains("meta")) db.createObjectStore("meta");
        if (!db.objectStoreNames.contains("scans")) {
          var scans = db.createObjectStore("scans", {keyPath: "nonce"});
          scans.createIndex("seq", "seq");
          scans.createIndex("pending", ["device_id", "synced", "seq"]);
        }
        if (!db.objectStoreNames.contains("presence")) {
          db.createObjectStore("presence", {keyPath: "key"});
        }
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
    return opened;
  }

  /* Runs work(store) in a transaction on one object store; resolves with what the last
     request gave once the transaction has committed (so the data is really on disk). */
  function withStore(name, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(name, mode), result;
        var request = work(tx.objectStore(name));
        if (request) request.onsuccess = function () { result = request.result; };
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function get(name, key) {
    return withStore(name, "readonly", function (s) { return s.get(key); });
  }

  /* put(store, value) for stores with a key path, put(store, value, key) for "meta" */
  function put(name, value, key) {
    return withStore(name, "readwrite", function (s) {
      return key === undefined ? s.put(value) : s.put(value, key);
    });
  }

  function remove(name, key) {
    return withStore(name, "readwrite", function (s) { return s["delete"](key); });
  }

  function clear(name) {
    return withStore(name, "readwrite", function (s) { return s.clear(); });
  }

  /* This device's scans not yet accepted by the server, oldest first, at most `limit`. */
  function pendingScans(deviceId, limit) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var found = [];
        var range = IDBKeyRange.bound([deviceId, 0, -Infinity], [deviceId, 0, Infinity]);
        var tx = db.transaction("scans", "readonly");
        var cursor = tx.objectStore("scans").index("pending").openCursor(range);
        cursor.onsuccess = function () {
          var at = cursor.result;
          if (at && found.length < limit) { found.push(at.value); at["continue"](); }
        };
        tx.oncomplete = function () { resolve(found); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }

  function countPending(deviceId) {
    return withStore("scans", "readonly", function (s) {
      return s.index("pending").count(
        IDBKeyRange.bound([deviceId, 0, -Infinity], [deviceId, 0, Infinity]));
    });
  }

  /* The latest scans on this device, newest first. */
  function latestScans(limit) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var found = [];
        var tx = db.transaction("scans", "readonly");
        var cursor = tx.objectStore("scans").index("seq").openCursor(null, "prev");
        cursor.onsuccess = function () {
          var at = cursor.result;
          if (at && found.length < limit) { found.push(at.value); at["continue"](); }
        };
        tx.oncomplete = function () { resolve(found); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }

  /* Writes many scan records in one transaction (the server's answers to a batch). */
  function putScans(records) {
    return withStore("scans", "readwrite", function (s) {
      var last = null;
      records.forEach(function (record) { last = s.put(record); });
      return last;
    });
  }

  /* Updates scans field by field: each change is {nonce, field: value, ...} and only the fields
     it names are written over the stored record, read in the same transaction. Two writers of
     one scan (the scan's own offline answer, a sync's server answer arriving in between) then
     never undo each other's fields, whichever lands last. */
  function mergeScans(changes) {
    return withStore("scans", "readwrite", function (s) {
      changes.forEach(function (change) {
        var reading = s.get(change.nonce);
        reading.onsuccess = function () {
          var record = reading.result;
          if (!record) return;  // never written: nothing to update
          Object.keys(change).forEach(function (field) { record[field] = change[field]; });
          s.put(record);
        };
      });
      return null;
    });
  }

  /* The scans not yet accepted by the server, counted by device id ({id: count}): a phone
     paired again as another device may still hold an earlier device's queue. */
  function pendingByDevice() {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var counts = {};
        var tx = db.transaction("scans", "readonly");
        var cursor = tx.objectStore("scans").openCursor();
        cursor.onsuccess = function () {
          var at = cursor.result;
          if (!at) return;
          if (!at.value.synced) {
            counts[at.value.device_id] = (counts[at.value.device_id] || 0) + 1;
          }
          at["continue"]();
        };
        tx.oncomplete = function () { resolve(counts); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }

  /* Blanks the names and organisations kept with scans (the device's answer and the server's):
     once a device is stopped or its week is over, the phone keeps no personal data beyond the
     scanned codes themselves, which its unsent queue still needs. */
  function forgetNames() {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction("scans", "readwrite");
        var cursor = tx.objectStore("scans").openCursor();
        cursor.onsuccess = function () {
          var at = cursor.result;
          if (!at) return;
          var record = at.value, changed = false;
          [record.local, record.server].forEach(function (answer) {
            if (answer && answer.badge && (answer.badge.name || answer.badge.organisation)) {
              answer.badge = {kind: answer.badge.kind, name: ""};
              changed = true;
            }
          });
          if (changed) at.update(record);
          at["continue"]();
        };
        tx.oncomplete = function () { resolve(); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  scan.store = {forgetNames: forgetNames, open: open, get: get, put: put, remove: remove, clear: clear,
                pendingScans: pendingScans, countPending: countPending,
                latestScans: latestScans, putScans: putScans, mergeScans: mergeScans,
                pendingByDevice: pendingByDevice};
})(window.ExhibitScan = window.ExhibitScan || {});
