// Margin's service worker. The server fills in the version and the list
// of files that make the app shell.
const CACHE = "margin-{{.Version}}";
const SHELL = "/";
const PRECACHE = {{.ResourcesToCache}};

self.addEventListener("install", (event) => {
  // waitUntil keeps the worker from activating before the shell is cached.
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(PRECACHE))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

// Never cached: the API, health checks, and anything per user.
function private(url) {
  return url.pathname.startsWith("/api/") || url.pathname === "/healthz";
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || private(url)) return;

  if (request.mode === "navigate") {
    // Pages come from the network, prerendered and fresh; without a
    // network, any Margin address opens on the cached shell and the app
    // routes it in the browser.
    event.respondWith(
      fetch(request).catch(() =>
        caches.open(CACHE)
          .then((cache) => cache.match(SHELL))
          .then((shell) => shell || Response.error())
      )
    );
    return;
  }

  event.respondWith(
    caches.open(CACHE)
      .then((cache) => cache.match(request, { ignoreVary: true }))
      .then((hit) => hit || fetch(request))
  );
});

self.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") self.skipWaiting();
});
