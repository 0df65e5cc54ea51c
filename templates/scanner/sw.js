/* The scanner's service worker (served by exhibit/scanning/app_views.py at /scan/sw.js, so it
   controls the pages under /scan/). It keeps the app shell, its scripts and stylesheets and the
   QR decoder with its WebAssembly in a cache named after their version, and serves them from
   there first: the scanner opens and scans with no network at all.

   API calls (/api/...) are never cached or answered here: they go to the network, and the app
   keeps its own data (queue, snapshot) in IndexedDB. The pairing page is not cached either. */
"use strict";

var PREFIX = "exhibit-scanner-";
var CACHE = PREFIX + "{{ cache_version }}";
var SHELL = "{{ shell }}";
var FILES = {{ files|safe }};

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll([SHELL].concat(FILES));
  }).then(function () { return self.skipWaiting(); }));
});

// a new version's worker removes the caches of the versions before it
self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf(PREFIX) === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/api/") === 0 || url.pathname === SHELL + "pair" ||
      url.pathname === SHELL + "sw.js") return;
  var mine = url.pathname.indexOf(SHELL) === 0 || FILES.indexOf(url.pathname) >= 0;
  if (!mine) return;
  event.respondWith(caches.open(CACHE).then(function (cache) {
    return cache.match(request).then(function (hit) {
      if (hit) return hit;
      return fetch(request).then(function (response) {
        // the shell in another language (?lang=en) is kept too once it has been opened
        if (response.ok) cache.put(request, response.clone());
        return response;
      }, function (error) {
        // offline and never opened with this address: the shell as first cached
        if (request.mode === "navigate") return cache.match(SHELL);
        throw error;
      });
    });
  }));
});
