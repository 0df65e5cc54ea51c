/* Badge codes on the device: reduce what was scanned or typed to a code exactly as the server
   does (exhibit.core.tokens.normalise_code), and hash it the way the snapshot lists badges
   (exhibit.scanning.snapshot: HMAC-SHA256 with the snapshot's key, base64url, first characters).

   The device never holds the badges' codes themselves, only these keyed hashes: a lost phone
   does not give out codes that open the entrance.

   Everything is added to window.ExhibitScan, the scanner's one global namespace. */
(function (scan) {
  "use strict";

  // The characters Python's str.strip() removes (str.isspace): JavaScript's trim() differs
  // (it keeps \x1c-\x1f and \x85, and removes \ufeff), so the set is written out here.
  var SPACE = "\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029" +
              "\\u202f\\u205f\\u3000";
  var EDGES = new RegExp("^[" + SPACE + "]+|[" + SPACE + "]+$", "g");
  // letters people confuse with digits, read as the digits (codes never contain them)
  var TYPED = {i: "1", l: "1", o: "0"};

  /* What someone typed or scanned, reduced to a code: the last part of a URL (a badge's QR may
     hold a whole address), lower case, spaces and dashes dropped, i/l/o read as 1/1/0, at most
     32 characters. Must give exactly what normalise_code gives in Python (tested). */
  function normalise(typed) {
    var text = String(typed == null ? "" : typed).replace(EDGES, "").toLowerCase();
    text = text.split("?")[0].replace(/\/+$/, "");
    text = text.slice(text.lastIndexOf("/") + 1);
    text = text.replace(/[ilo]/g, function (c) { return TYPED[c]; });
    // Python slices by code point; after this filter every character is ASCII anyway
    return text.replace(/[^0-9a-z]/g, "").slice(0, 32);
  }

  function base64urlToBytes(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) b64 += "=";
    var raw = atob(b64), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function bytesToBase64url(buffer) {
    var bytes = new Uint8Array(buffer), raw = "";
    for (var i = 0; i < bytes.length; i++) raw += String.fromCharCode(bytes[i]);
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  /* A hasher for one snapshot key: hasher(code) → Promise of the full base64url HMAC; the
     snapshot's columns are its first 12 (the badge's own code) or 8 (the other code) chars.
     WebCrypto needs a secure context: https, or 127.0.0.1/localhost while developing. */
  function makeHasher(keyText) {
    var keyPromise = crypto.subtle.importKey(
      "raw", base64urlToBytes(keyText), {name: "HMAC", hash: "SHA-256"}, false, ["sign"]);
    var encoder = new TextEncoder();
    return function (code) {
      return keyPromise.then(function (key) {
        return crypto.subtle.sign("HMAC", key, encoder.encode(code));
      }).then(bytesToBase64url);
    };
  }

  /* A nonce for a scan: unique per device for ever (the server keeps the first answer for a
     device and nonce), 8–64 letters, digits, "_", ".", ":" or "-". */
  function newNonce(deviceId) {
    var bytes = new Uint8Array(9);
    crypto.getRandomValues(bytes);
    return "d" + deviceId + "-" + Date.now().toString(36) + "-" + bytesToBase64url(bytes);
  }

  /* The device's clock as an ISO time with its UTC offset ("2026-12-05T09:14:03.250+07:00"):
     a scan queued offline keeps the moment it happened, to the millisecond (two scans of one
     badge within a second are still two moments, the first one first). */
  function localIsoTime(date) {
    date = date || new Date();
    var offset = -date.getTimezoneOffset(), sign = offset >= 0 ? "+" : "-";
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    offset = Math.abs(offset);
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) +
      "T" + pad(date.getHours()) + ":" + pad(date.getMinutes()) + ":" + pad(date.getSeconds()) +
      "." + String(date.getMilliseconds() + 1000).slice(1) + sign + pad(Math.floor(offset / 60)) + ":" + pad(offset % 60);
  }

  /* Days and times as the server counts them: in Vietnam (UTC+7, no summer time), whatever
     time zone the phone is set to. */
  var VIETNAM_MS = 7 * 3600 * 1000;
  function vietnamDay(date) {
    return new Date((date || new Date()).getTime() + VIETNAM_MS).toISOString().slice(0, 10);
  }
  /* "09:14" (or "09:14:03" with seconds) in Vietnam time, as the server's answers say it. */
  function vietnamClock(isoOrDate, seconds) {
    var date = isoOrDate instanceof Date ? isoOrDate : new Date(isoOrDate);
    return new Date(date.getTime() + VIETNAM_MS).toISOString().slice(11, seconds ? 19 : 16);
  }

  scan.codes = {normalise: normalise, makeHasher: makeHasher, newNonce: newNonce,
                localIsoTime: localIsoTime, vietnamDay: vietnamDay, vietnamClock: vietnamClock};
})(window.ExhibitScan = window.ExhibitScan || {});
