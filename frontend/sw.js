/* Homeward service worker (hand-written, following Workbox's precaching semantics).
 *
 * - The server injects the precache manifest ([{url, revision}], one entry per shell file) and a
 *   version string where the two placeholders below are. Any changed file changes this script,
 *   so the browser installs a new worker; unchanged files are not downloaded again.
 * - One cache; each entry is keyed by URL + revision. Install fills missing keys and stores only
 *   ok, same-origin ("basic") responses of exactly that revision; activate deletes keys neither
 *   list names. Nothing is downloaded twice: install first takes the copy the page has just
 *   loaded from the HTTP cache (cache: 'force-cache') and keeps it only if its ETag is the
 *   manifest's revision (the server's ETag is the revision), else fetches with cache: 'reload'
 *   (a stale HTTP copy never fills the precache, as Workbox guarantees with its revisions).
 * - A second list (LAZY: the outreach workers' screens, the large install icons) is not
 *   precached: a reader never downloads it. Each file is cached, under its revision, the first
 *   time it is fetched; and as soon as one worker module loads, the page asks for the whole
 *   worker set ({type: 'CACHE', prefix}), so a worker's screens all work offline from then on.
 * - App navigations (/ and /{locale}/...) are answered from the precached shell at once, online
 *   or not: on a slow connection the app opens as fast as offline, renders from IndexedDB and
 *   revalidates its content in the background. The shell itself is kept fresh by the update
 *   flow (a changed index.html changes this script; the browser checks it on every navigation).
 *   Other navigations: network first with a short timeout, else the shell. /api/* is never
 *   cached here: the app keeps content in IndexedDB.
 * - Never skips waiting by itself: the page asks the user, then posts {type: 'SKIP_WAITING'}.
 */
const MANIFEST = self.__HW_MANIFEST || [];
const LAZY = self.__HW_LAZY || [];
const VERSION = self.__HW_VERSION || 'dev';
const CACHE = 'hw-precache-v1';
const NAV_TIMEOUT_MS = 3000;

const origin = self.location.origin;
const abs = (url) => new URL(url, origin).href;
const cacheKey = (entry) => {
  const u = new URL(entry.url, origin);
  u.searchParams.set('__hw_rev', entry.revision);
  return u.href;
};
const keyByUrl = new Map(MANIFEST.map((e) => [abs(e.url), cacheKey(e)]));
const lazyByUrl = new Map(LAZY.map((e) => [abs(e.url), e]));
const SHELL_KEY = keyByUrl.get(abs('/'));
// The server's app navigations (app/services/shell.py is_navigation_path): "" or {locale}/...
const LOCALE_SEGMENT = /^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/;
const RESERVED = new Set(['api', 'healthz', 'readyz', 'static', 'docs', 'redoc']);
const isAppPath = (pathname) => {
  const first = pathname.replace(/^\//, '').split('/')[0];
  return first === '' || (LOCALE_SEGMENT.test(first) && !RESERVED.has(first));
};

async function storable(res, url) {
  if (!res.ok || res.type !== 'basic') throw new Error(`precache: ${url} answered ${res.status} ${res.type}`);
  if (!res.redirected) return res;
  // A redirected response cannot answer a navigation: store a clean copy.
  return new Response(await res.blob(), { status: res.status, statusText: res.statusText, headers: res.headers });
}

// The server's ETag is the file's revision (a cache in front may mark it weak); the app shell in
// the reader's language is "<revision>.<locale>.<hash>" (app/pwa/shell.py localize_index).
const isRevision = (res, entry) => {
  const tag = (res.headers.get('ETag') || '').replace(/^W\//, '');
  return res.ok && res.type === 'basic' && (tag === `"${entry.revision}"` || tag.startsWith(`"${entry.revision}.`));
};

// This revision of a file: from the HTTP cache when the page has just loaded it, else the network.
async function fetchRevision(entry) {
  const url = abs(entry.url);
  try {
    const copy = await fetch(new Request(url, { cache: 'force-cache', credentials: 'same-origin' }));
    if (isRevision(copy, entry)) return copy;
  } catch {
    // not in the HTTP cache and offline: the reload below says so
  }
  return fetch(new Request(url, { cache: 'reload', credentials: 'same-origin' }));
}

// Resolves to the number not cached (strict: throws).
async function cacheEntries(entries, strict) {
  const cache = await caches.open(CACHE);
  const failed = await Promise.all(
    entries.map(async (entry) => {
      const key = cacheKey(entry);
      if (await cache.match(key)) return 0; // same revision already cached by an older worker
      try {
        const res = await fetchRevision(entry);
        // Another revision (a newer deploy, an older process or cache): never stored under this
        // one. Install fails and is retried on the next navigation; a lazy file waits for use.
        if (!isRevision(res, entry)) throw new Error(`precache: ${entry.url} is not revision ${entry.revision}`);
        await cache.put(key, await storable(res, entry.url));
        return 0;
      } catch (err) {
        if (strict) throw err;
        return 1;
      }
    }),
  );
  return failed.reduce((a, b) => a + b, 0);
}

self.addEventListener('install', (event) => {
  event.waitUntil(cacheEntries(MANIFEST, true));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const wanted = new Set([...keyByUrl.values(), ...LAZY.map(cacheKey)]);
      const cache = await caches.open(CACHE);
      for (const req of await cache.keys()) {
        if (!wanted.has(req.url)) await cache.delete(req);
      }
      for (const name of await caches.keys()) {
        if (name.startsWith('hw-') && name !== CACHE) await caches.delete(name);
      }
      // App navigations come from the precache, so a preload request would only cost data.
      if (self.registration.navigationPreload) await self.registration.navigationPreload.disable();
      // First install only has uncontrolled pages; later versions activate after the user agreed.
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('message', (event) => {
  const data = event.data || {};
  if (data.type === 'SKIP_WAITING') self.skipWaiting();
  else if (data.type === 'CACHE' && typeof data.prefix === 'string') {
    // The page hears whether all are cached.
    const port = event.ports[0];
    event.waitUntil(
      cacheEntries(
        LAZY.filter((e) => e.url.startsWith(data.prefix)),
        false,
      ).then((failed) => port?.postMessage({ complete: failed === 0 })),
    );
  } else if (data.type === 'VERSION' && event.ports[0]) event.ports[0].postMessage({ version: VERSION });
});

async function shellFirst(event) {
  const shell = SHELL_KEY && (await caches.open(CACHE).then((c) => c.match(SHELL_KEY)));
  return shell || fromNetworkOrShell(event);
}

async function fromNetworkOrShell(event) {
  const network = fetch(event.request);
  try {
    const timeout = new Promise((resolve) => setTimeout(resolve, NAV_TIMEOUT_MS, null));
    const res = await Promise.race([network, timeout]);
    if (res && res.status < 500) return res;
  } catch {
    // offline: fall through to the cached shell
  }
  const shell = SHELL_KEY && (await caches.open(CACHE).then((c) => c.match(SHELL_KEY)));
  return shell || network;
}

async function fromCache(request, key) {
  const hit = await caches.open(CACHE).then((c) => c.match(key));
  return hit || fetch(request);
}

// A lazy file: from the cache once fetched; the first fetch is kept if it is this revision.
async function cachedOnFirstUse(request, entry) {
  const cache = await caches.open(CACHE);
  const key = cacheKey(entry);
  const hit = await cache.match(key);
  if (hit) return hit;
  const res = await fetch(request);
  if (isRevision(res, entry) && !res.redirected) await cache.put(key, res.clone());
  return res;
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== origin || url.pathname.startsWith('/api/')) return;
  const key = url.search ? null : keyByUrl.get(url.href.split('#')[0]);
  // A navigation to a precached page that is not the app (the quick-exit page) is that page.
  if (req.mode === 'navigate' && !(key && key !== SHELL_KEY)) {
    event.respondWith(isAppPath(url.pathname) ? shellFirst(event) : fromNetworkOrShell(event));
    return;
  }
  if (key) event.respondWith(fromCache(req, key));
  else if (!url.search && lazyByUrl.has(url.href.split('#')[0])) event.respondWith(cachedOnFirstUse(req, lazyByUrl.get(url.href.split('#')[0])));
});
