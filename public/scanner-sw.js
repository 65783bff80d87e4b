// The scanner's service worker: the door page and its client keep loading with no network.
// The page (/operator/scan) is the same shell for everyone (who is signed in is asked by the client),
// so it is kept as it was last served: fresh from the network when there is one, from the cache
// when not. Its client files are named by their content and never change: kept on first use.
// Nothing else is cached: every answer about a ticket comes from the server or, offline, from the
// ticket's own signature.
const CACHE = 'gatehouse-scanner-1';
const SHELL = '/operator/scan';
const KEEP = ['/scanner.webmanifest', '/icons/scanner-192.png', '/icons/scanner-512.png', '/favicon.svg'];

self.addEventListener('install', (event) => {
  event.waitUntil(refreshShell().catch(() => {}).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname === SHELL) event.respondWith(shell(event.request));
  else if (url.pathname.startsWith('/pkg/') || KEEP.includes(url.pathname)) event.respondWith(kept(event.request));
});

/// The page and every client file it names, fetched and kept together.
async function refreshShell() {
  const cache = await caches.open(CACHE);
  const response = await fetch(SHELL, { credentials: 'same-origin', cache: 'no-store' });
  if (!response.ok) return response;
  const html = await response.clone().text();
  const files = [...new Set(html.match(/\/pkg\/[\w.-]+\.(?:js|wasm|css)/g) ?? [])];
  await cache.addAll([...files, ...KEEP]);
  await cache.put(SHELL, response.clone());
  return response;
}

async function shell(request) {
  try {
    return await refreshShell();
  } catch {
    const kept = await caches.match(SHELL);
    return kept ?? Response.error();
  }
}

async function kept(request) {
  const hit = await caches.match(request, { ignoreSearch: true });
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok) (await caches.open(CACHE)).put(request, response.clone());
  return response;
}
