/// <reference lib="webworker" />
/**
 * sw is the service worker, served at /sw.js (a separate Vite entry, see
 * vite.config.ts). It makes the public app open with no network:
 *
 * - install precaches the shell: index.html, the manifest and icons, and
 *   the scripts and styles index.html loads and the EXIF reader (PRECACHE,
 *   written in at build time, so every deploy is a new worker and cache);
 * - a public page's navigation goes to the network and falls back to the
 *   cached index.html when the network fails or is too slow;
 * - the shell's files come from the cache, and the map chunk (1 MB, lazily
 *   loaded) is cached the first time a public page shows a map;
 * - the public reference lists (complaint and report categories, districts,
 *   a district's police stations), the same for everyone, are fetched first
 *   and answered from the cache offline, so the forms can be filled.
 *
 * Nothing else is ever cached: no other /api/ answer (complaints, receipts,
 * tracking, staff data), no staff page (/staff navigations go to the
 * network only) nor staff console code, no tiles, no photos. Submissions
 * waiting for the network are the app's (an IndexedDB queue, src/outbox.ts),
 * never the worker's; it sends nothing itself and shows no notification.
 */
declare const self: ServiceWorkerGlobalScope;

// Written in by the build (vite.config.ts, precachePlugin): the shell's URLs,
// the map chunk's (cached on first use) and a hash of them and index.html.
declare const __VIKALP_PRECACHE__: string[];
declare const __VIKALP_RUNTIME__: string[];
declare const __VIKALP_VERSION__: string;
const PRECACHE: string[] = __VIKALP_PRECACHE__;
const RUNTIME: string[] = __VIKALP_RUNTIME__;
const VERSION: string = __VIKALP_VERSION__;

const shellCache = 'vikalp-shell-' + VERSION;
const assetCache = 'vikalp-assets-' + VERSION;
const referenceCache = 'vikalp-reference';
const indexURL = '/'; // the server answers index.html here (and 404 at /index.html)

/** referencePaths are the only API answers kept: public lists, the same for everyone, no personal data. */
const referencePaths = new Set(['/api/v1/complaint-categories', '/api/v1/districts', '/api/v1/report-categories', '/api/v1/stations']);

/** navigationTimeout is how long a page load waits for the network before the cached shell. */
const navigationTimeout = 4000;

self.addEventListener('install', (e) => {
  e.waitUntil(
    caches
      .open(shellCache)
      // Hashed files may come from the HTTP cache (the page just loaded
      // them); the others are fetched afresh.
      .then((c) => c.addAll(PRECACHE.map((u) => new Request(u, { cache: u.startsWith('/assets/') ? 'default' : 'reload' }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (e) => {
  const keep = new Set([shellCache, assetCache, referenceCache]);
  e.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith('vikalp-') && !keep.has(n)).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (e) => {
  const req = e.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  const p = url.pathname;
  if (req.mode === 'navigate') {
    // Staff consoles are never served from a cache.
    if (p === '/staff' || p.startsWith('/staff/') || p === '/api' || p.startsWith('/api/')) return;
    e.respondWith(navigation(req));
    return;
  }
  if (referencePaths.has(p)) {
    e.respondWith(reference(req));
    return;
  }
  if (PRECACHE.includes(p) || RUNTIME.includes(p)) e.respondWith(asset(req));
});

/** navigation answers a public page from the network, else from the cached shell. */
async function navigation(req: Request): Promise<Response> {
  const net = fetch(req);
  net.catch(() => undefined); // a late failure after the cached shell was sent is not an error
  const cached = caches.match(indexURL, { cacheName: shellCache });
  let timer = 0;
  const slow = new Promise<undefined>((resolve) => {
    timer = self.setTimeout(() => resolve(undefined), navigationTimeout);
  });
  try {
    const first = await Promise.race([net, slow]);
    if (first) return first;
    return (await cached) ?? (await net);
  } catch {
    const shell = await cached;
    if (shell) return shell;
    throw new Error('offline and no cached shell');
  } finally {
    self.clearTimeout(timer);
  }
}

/** asset answers a shell file from the cache, caching the map chunk on first use. */
async function asset(req: Request): Promise<Response> {
  const hit = await caches.match(req, { ignoreSearch: true });
  if (hit) return hit;
  const resp = await fetch(req);
  if (resp.ok && RUNTIME.includes(new URL(req.url).pathname)) {
    const c = await caches.open(assetCache);
    await c.put(req, resp.clone());
  }
  return resp;
}

/** reference answers a public reference list from the network, or the last copy offline. */
async function reference(req: Request): Promise<Response> {
  const u = new URL(req.url);
  const key = u.pathname + u.search; // a district's stations: /api/v1/stations?district_id=…
  try {
    const resp = await fetch(req);
    if (resp.ok) {
      const c = await caches.open(referenceCache);
      await c.put(key, resp.clone());
    }
    return resp;
  } catch (err) {
    const hit = await caches.match(key, { cacheName: referenceCache });
    if (hit) return hit;
    throw err;
  }
}

export {};
