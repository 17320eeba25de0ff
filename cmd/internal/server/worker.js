// Margin's service worker. The server fills in the version and the list
// of files that make the app shell.
const CACHE = "margin-{{.Version}}";
// Imported articles' images, named by the hash of their bytes: what an
// address names never changes, so they outlive versions.
const MEDIA = "margin-media";
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
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE && k !== MEDIA).map((k) => caches.delete(k))))
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

  if (url.pathname.startsWith("/media/")) {
    // Kept once seen, so an article read before shows its pictures
    // offline too.
    event.respondWith(
      caches.open(MEDIA).then((cache) =>
        cache.match(request).then((hit) => hit || fetch(request).then((resp) => {
          if (resp.ok) cache.put(request, resp.clone());
          return resp;
        }))
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
