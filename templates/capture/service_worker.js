// Opens quick capture with no connection. It keeps two kinds of thing and nothing else: the
// capture page's shell, rendered with no one's data in it, and the static files that page
// loads. Every other request goes to the network untouched, so no page that carries anyone's
// people is ever kept. Its scope is /capture/, so it never sees another page's requests at all.
// Logging out deletes what it keeps (capture.js); a deploy changes the version, so it is kept
// afresh.
const CONFIG = JSON.parse("{{ config|escapejs }}");
const PREFIX = "knotwork-capture-";
const CACHE = PREFIX + CONFIG.version;

// Kept in full on install; later, what logging out deleted is put back, and the shell is
// fetched again so it follows the language of whoever now uses capture here.
async function keep() {
  const cache = await caches.open(CACHE);
  const missing = [];
  for (const url of CONFIG.assets) {
    if (!(await cache.match(url))) missing.push(url);
  }
  await cache.addAll(missing);
  // Logged out, the answer is a redirect to the login page. It is not followed: drawing that
  // page would set a new CSRF cookie behind the back of a login form open in a tab, whose
  // sign-in would then be refused. Nor is it kept.
  const shell = await fetch(CONFIG.shell, {
    headers: { "X-Capture-Shell": "1" }, cache: "no-store", redirect: "manual",
  });
  if (!shell.ok) throw new Error(`No capture shell: ${shell.status}`);
  await cache.put(CONFIG.shell, shell);
}

self.addEventListener("install", (event) => {
  event.waitUntil(keep().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

// The page itself always comes from the network while there is one; only when there is none
// does the shell stand in for it.
async function openPage(event) {
  try {
    const response = await fetch(event.request);
    if (response.ok) event.waitUntil(keep().catch(() => undefined));
    return response;
  } catch (error) {
    const shell = await caches.match(CONFIG.shell, { cacheName: CACHE });
    if (shell) return shell;
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === CONFIG.page) {
    event.respondWith(openPage(event));
  } else if (CONFIG.assets.includes(url.pathname)) {
    event.respondWith(
      caches.match(url.pathname, { cacheName: CACHE }).then((kept) => kept || fetch(request)),
    );
  }
});
