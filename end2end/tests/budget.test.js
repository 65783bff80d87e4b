// Each surface's client weight budget, gzipped (WASM, JavaScript glue, CSS), checked on what the
// build produced, so a change that bloats a bundle is caught here. A new surface (README, "A new
// surface") gets its line in BUDGETS, or this test fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { siteDir, clientFiles, surfaces } from './harness.js';

// The scanner carries a QR decoder (~105 KB) and Ed25519 verification for offline checks (~45 KB);
// its service worker keeps it, so a door's device downloads it once per release.
// The dashboard (calendar, tickets, live page, analytics, audit log; 566 KB when its pages
// landed) runs in a desk's browser, which keeps it for a year once downloaded (hashed names).
// The scanner also carries the shop counter (its page, order cards, moves: ~76 KB; 446.6 KB when it
// landed). The portal's pages await their data inside `Suspend` (the `.get()` form stalls Leptos'
// SSR under load): 354 KB then, from 349.6 KB; and every surface's code is one `app` crate
// optimised as a whole before linking, so another surface's pages move the portal's size a little
// (350.3 KB with the counter compiled out, 354.1 KB with it). The shop (catalogue with live stock,
// cart, checkout with the phone check, confirmation, lookup, cancel: 381 KB when it landed) is a
// customer's first download like the portal; its client only speeds up pages whole without it.
// The dashboard's Shop section (holds, low stock, shop analytics) took it to 597 KB, its Messages
// page (the outbox by status, a message opened, retry, the verification switch) to 622 KB. The
// portal's e-mail code step and "E-mail me the management link" (plain forms, server-worded)
// took it to 359 KB; reading server functions' answers from text, as the page's own data is read
// (app/src/codec.rs: one copy of each type's decoding instead of two), brought it to 345 KB, and
// the others down with it: the dashboard to 596 KB, the scanner to 442 KB, the shop to 371 KB.
const BUDGETS = { portal: 350 * 1024, staff: 250 * 1024, scanner: 450 * 1024, admin: 600 * 1024, shop: 375 * 1024 };

for (const surface of surfaces()) {
  test(`the ${surface} client stays within its budget gzipped`, () => {
    const budget = BUDGETS[surface];
    assert.ok(budget, `the ${surface} surface has no budget in budget.test.js`);
    const sizes = Object.fromEntries(Object.entries(clientFiles(surface)).map(([kind, name]) => {
      const bytes = readFileSync(join(siteDir, 'pkg', name));
      return [kind, gzipSync(bytes, { level: 9 }).length];
    }));
    const total = Object.values(sizes).reduce((a, b) => a + b, 0);
    console.log(`# ${surface} client gzipped: ${JSON.stringify(sizes)}, total ${(total / 1024).toFixed(1)} KB`);
    assert.ok(total <= budget, `the ${surface} client is ${(total / 1024).toFixed(1)} KB gzipped, over its ${budget / 1024} KB budget`);
  });
}

test('the build made the portal, the staff pages, the scanner, the dashboard and the shop', () => {
  assert.deepEqual(surfaces().sort(), ['admin', 'portal', 'scanner', 'shop', 'staff']);
});

// Text that only one surface's code holds: the linker must leave each out of the other bundle.
const ONLY_IN = { portal: 'Look up my ticket', staff: 'Gatehouse staff', scanner: 'Mark as verified', admin: 'Gatehouse admin', shop: 'Reserve for pickup' };

for (const [surface, text] of Object.entries(ONLY_IN)) {
  test(`"${text}" is in the ${surface} bundle and in no other`, () => {
    for (const other of surfaces()) {
      const wasm = readFileSync(join(siteDir, 'pkg', clientFiles(other).wasm));
      assert.equal(wasm.includes(Buffer.from(text)), other === surface, `${other}.wasm`);
    }
  });
}
