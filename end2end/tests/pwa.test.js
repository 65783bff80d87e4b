// The scanner installs as an app and opens with no network: its manifest and icons as Chromium's
// own installability check reads them, its service worker controlling the page, and the page and
// its client loading from that worker's cache when the device is offline.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, shot, launchProfile, signInOperator } from './harness.js';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); });


/// Width and height from a PNG's header.
function pngSize(bytes) {
  const b = Buffer.from(bytes);
  assert.equal(b.subarray(1, 4).toString(), 'PNG');
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}

test('the manifest names the app, its start page and icons of the sizes an install needs', async () => {
  const res = await fetch(`${server.base}/scanner.webmanifest`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /application\/manifest\+json/);
  const manifest = await res.json();
  assert.equal(manifest.name, 'Gatehouse scanner');
  assert.equal(manifest.start_url, '/operator/scan');
  assert.equal(manifest.display, 'standalone');
  for (const size of ['192x192', '512x512']) {
    const icon = manifest.icons.find((i) => i.sizes === size && i.purpose === 'any');
    assert.ok(icon, `an icon of ${size}`);
    const png = await (await fetch(server.base + icon.src)).arrayBuffer();
    assert.deepEqual(pngSize(png).join('x'), size);
  }
  assert.ok(manifest.icons.some((i) => i.purpose === 'maskable'));
});

test('the scanner is installable and, once opened, opens again with no network', async () => {
  const profile = await launchProfile();
  const { context, page } = profile;
  try {
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signInOperator(page, server);
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.reload();
    await page.getByRole('heading', { name: 'Scan a ticket' }).waitFor();
    assert.ok(await page.evaluate(() => !!navigator.serviceWorker.controller), 'the service worker controls the page');

    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    assert.deepEqual(installabilityErrors, [], JSON.stringify(installabilityErrors));
    const { url } = await cdp.send('Page.getAppManifest');
    assert.match(url, /\/scanner\.webmanifest$/);

    await context.setOffline(true);
    await page.reload();
    await page.locator('body[data-hydrated]').waitFor();
    await page.getByRole('heading', { name: 'Scan a ticket' }).waitFor();
    assert.match(await page.locator('.door-bar').textContent(), /Olivia Operator/, 'who signed in, as the device knew');
    assert.match(await page.locator('.connection').textContent(), /Offline/);
    await shot(page, 'scanner-offline');
    await context.setOffline(false);
    assert.deepEqual(errors, []);
  } finally {
    await profile.close();
  }
});
