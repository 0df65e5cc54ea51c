/* Offline answers: what the device says about a scan before (or without) asking the server.

   The snapshot lists the week's badges as keyed hashes (see codes.js); this file looks a scanned
   code up in it and applies the same rules as the server (exhibit/scanning/decide.py for the
   gate, visitors.services.capture_badge for leads), with the same statuses and reasons, so the
   words on screen are the same offline and online. What the device cannot know offline (a badge
   let in by another gate a minute ago) the server decides at sync: it is the judge, and its
   answer replaces this one in the list.

   A snapshot row is [hash12, kind letter, name, organisation, revoked 0/1, other hash8]:
   - gate devices: hash12 of the entrance code, hash8 of the contact code, with the name;
   - lead devices: hash12 of the contact code, hash8 of the entrance code, no name (privacy:
     names arrive only for contacts really scanned, after sync). */
(function (scan) {
  "use strict";

  var KINDS = {v: "visitor", b: "buyer", s: "staff", o: "organiser"};
  var OK = "ok", ALREADY = "already_checked_in", INVALID = "invalid";

  /* An index of one snapshot: rows by their hash, the other codes' hashes in a set. */
  function Index(snapshot) {
    this.snapshot = snapshot;
    this.byHash = new Map();
    this.otherCodes = new Set();
    this.hasher = scan.codes.makeHasher(snapshot.key);
    var self = this;
    snapshot.badges.forEach(function (row) {
      self.byHash.set(row[0], row);
      if (row[5]) self.otherCodes.add(row[5]);
    });
  }

  /* The zone this device scans into: its own, else the week's default zone. */
  Index.prototype.zone = function () {
    var device = this.snapshot.device;
    if (device.zone) return device.zone;
    for (var i = 0; i < this.snapshot.zones.length; i++) {
      if (this.snapshot.zones[i].is_default) return this.snapshot.zones[i];
    }
    return null;
  };

  function invalid(reason, row) {
    return {status: INVALID, reason: reason, badge: badgeOf(row)};
  }

  function badgeOf(row) {
    return row ? {name: row[2] || "", organisation: row[3] || "", kind: row[1]} : null;
  }

  /* The presence record key for a badge in a zone on a day (presence store, store.js). */
  function presenceKey(day, zoneId, hash) { return day + "|" + zoneId + "|" + hash; }

  /* A gate scan. code: normalised; direction: "in" or "out"; now: a Date.
     Resolves with {status, reason, badge, first_at, presence}: presence is the record to
     store when the answer lets the badge in or out (null otherwise). */
  Index.prototype.gate = function (code, direction, now) {
    var self = this;
    return this.hasher(code).then(function (hash) {
      var row = self.byHash.get(hash.slice(0, 12));
      if (!row) {
        return invalid(self.otherCodes.has(hash.slice(0, 8)) ? "contact_code" : "unknown");
      }
      if (row[4]) return invalid("revoked", row);
      var day = scan.codes.vietnamDay(now), week = self.snapshot.week;
      if (day < week.start_date || day > week.end_date) return invalid("not_running", row);
      var zone = self.zone();
      if (!zone) return invalid("unknown", row);
      if (zone.days.length && zone.days.indexOf(day) < 0) return invalid("wrong_day", row);
      if (zone.badge_kinds.length && zone.badge_kinds.indexOf(KINDS[row[1]]) < 0) {
        return invalid("kind_not_allowed", row);
      }
      var key = presenceKey(day, zone.id, row[0]);
      return scan.store.get("presence", key).then(function (seen) {
        return decideEntryOrExit(zone, row, direction, seen, key, now);
      });
    });
  };

  /* Entries and exits as this device has seen them today (the "presence" record). */
  function decideEntryOrExit(zone, row, direction, seen, key, now) {
    var at = now.toISOString();
    var presence = seen || {key: key, entries: 0, exits: 0, inside: false, first_at: null};
    if (direction === "out") {
      if (zone.mode !== "entry_exit") return invalid("exits_not_used", row);
      // as the server: only a badge inside may leave. Offline, "inside" is what this device
      // saw; a badge let in at another door of the zone is refused here and the server,
      // which knows better, answers at sync (its answer then replaces this one)
      if (!seen || !seen.inside) return invalid("not_inside", row);
      presence.exits += 1;
      presence.inside = false;
      return {status: OK, reason: "", badge: badgeOf(row), first_at: presence.first_at,
              presence: presence};
    }
    var again = presence.entries > 0 &&
      !(zone.multiple_entries && (zone.mode !== "entry_exit" || !presence.inside));
    if (again) {
      return {status: ALREADY, reason: "", badge: badgeOf(row), first_at: presence.first_at,
              presence: null};
    }
    presence.entries += 1;
    presence.inside = true;
    presence.first_at = presence.first_at || at;
    return {status: OK, reason: "", badge: badgeOf(row), first_at: presence.first_at,
            presence: presence};
  }

  /* A lead scan (an exhibitor keeping a visitor's contact): "saved", "already_saved" (on this
     device) or invalid (unknown, revoked, a holder who did not agree to share the contact —
     row[4] is 2 — or the entrance code instead of the contact code). */
  Index.prototype.lead = function (code, now) {
    var self = this;
    return this.hasher(code).then(function (hash) {
      var row = self.byHash.get(hash.slice(0, 12));
      if (!row) {
        return invalid(self.otherCodes.has(hash.slice(0, 8)) ? "entry_code" : "unknown");
      }
      if (row[4] === 2) return invalid("not_shared", row);
      if (row[4]) return invalid("revoked", row);
      var key = "lead|" + row[0];
      return scan.store.get("presence", key).then(function (seen) {
        if (seen) return {status: "already_saved", reason: "", badge: badgeOf(row), presence: null};
        return {status: "saved", reason: "", badge: badgeOf(row),
                presence: {key: key, saved_at: now.toISOString()}};
      });
    });
  };

  /* The device_answer field sent with a scan: the server's vocabulary for both purposes. */
  function deviceAnswer(status) {
    return {saved: OK, already_saved: ALREADY}[status] || status;
  }

  scan.decide = {Index: Index, KINDS: KINDS, deviceAnswer: deviceAnswer};
})(window.ExhibitScan = window.ExhibitScan || {});
