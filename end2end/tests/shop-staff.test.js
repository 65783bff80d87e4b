// The shop's staff side in Chromium. At the counter an operator opens an order by holding the
// customer's QR code (the reservation code alone) up to the camera (Chromium's fake camera films
// it), marks it ready, then picked up; without JavaScript a typed code opens an order and plain
// forms move it. An admin sees what carts hold, the products running low (also on the Overview)
// and the shop's figures, and may serve at the counter too. Phone (360 px) and desktop (1280 px),
// each page checked with axe. Orders are placed through the shop's REST API, as a customer's
// browser would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import qrcode from 'qrcode-generator';
import {
  startServer, launchBrowser, launchCamera, filmOf, shot, expectAccessible, signIn, signInOperator, signInAdmin,
  venueDate, DEFAULT_NOW, artifacts,
} from './harness.js';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

const today = venueDate(DEFAULT_NOW);
const ORQ = 1;

async function api(method, path, body) {
  const { status, body: answer } = await server.api(method, path, body);
  assert.equal(status, 200, `${method} ${path}: ${JSON.stringify(answer)}`);
  return answer.data;
}

async function productId(slug) {
  const products = await api('GET', `/api/shop/products?orq=${ORQ}`);
  return products.find((p) => p.product.slug === slug).product.id;
}

/// A new cart holding `quantity` of the product `slug`.
async function cartWith(slug, quantity) {
  const { cart } = await api('POST', '/api/shop/carts');
  await api('POST', '/api/shop/cart/items', { orq: ORQ, cart, product_id: await productId(slug), quantity });
  return cart;
}

let customers = 0;
/// A customer reserves `quantity` of `slug` for pickup today, in the first window from noon with a
/// place left: the order's reservation code (`K7QX-M4RZ`).
async function order(slug, quantity) {
  const n = ++customers;
  const cart = await cartWith(slug, quantity);
  const windows = await api('GET', `/api/shop/windows?orq=${ORQ}&date=${today}`);
  const noon = windows.find((w) => w.window.start_time >= '12:00' && w.left > 0).window;
  const placed = await api('POST', '/api/shop/checkout', {
    orq: ORQ, cart, window_id: noon.id, name: `Customer ${n}`, phone: `+1 202 555 01${10 + n}`,
    instructions: 'Extra napkins, please',
  });
  return { code: placed.code, phone: `+1 202 555 01${10 + n}` };
}

async function statusOf({ code, phone }) {
  return (await api('POST', '/api/shop/lookup', { orq: ORQ, code, phone })).status;
}

/// A QR code of `text` as an image address, as the customer's confirmation shows it.
function qrImage(text) {
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Alphanumeric');
  qr.make();
  return qr.createDataURL(10, 4);
}

test('an operator scans a reservation QR code at the counter, marks the order ready, then picked up', async () => {
  const placed = await order('cardamom-bun', 2);
  const video = join(artifacts, 'reservation.y4m');
  // The QR code carries the reservation code alone: its 8 characters, without the dash.
  await filmOf(browser, qrImage(placed.code.replace('-', '')), video);
  const camera = await launchCamera(video);
  try {
    const page = await camera.newPage({ viewport: { width: 360, height: 800 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signInOperator(page, server);
    await page.getByRole('link', { name: 'Shop counter' }).click();
    await page.getByRole('heading', { name: 'Find an order' }).waitFor();
    // The day's list shows the order before any scan.
    await page.locator(`.day .order[data-code="${placed.code}"]`).waitFor();
    await page.getByRole('button', { name: 'Start camera' }).click();

    const opened = page.locator('.opened .order');
    await page.getByRole('heading', { name: `Order ${placed.code}` }).waitFor({ timeout: 15_000 });
    assert.equal(await opened.locator('.status').textContent(), 'Received');
    assert.match(await opened.textContent(), /2 × Cardamom Bun/);
    assert.match(await opened.textContent(), /Extra napkins, please/);
    await shot(page, 'counter-scanned-360');
    await expectAccessible(page, 'counter with a scanned order at 360 px');

    await opened.getByRole('button', { name: /^Mark ready/ }).click();
    await opened.locator('.status', { hasText: 'Ready for pickup' }).waitFor();
    assert.equal(await statusOf(placed), 'READY');
    await opened.getByRole('button', { name: /^Picked up/ }).click();
    await opened.locator('.status', { hasText: 'Picked up' }).waitFor();
    assert.equal(await statusOf(placed), 'COMPLETED');
    assert.equal(await opened.getByRole('button').count(), 0, 'nothing leaves picked up');
    assert.deepEqual(errors, []);
  } finally {
    await camera.close();
  }
});

test('without JavaScript a typed code opens the order and plain forms move it; cancelling gives the stock back', async () => {
  const placed = await order('butter-croissant', 3);
  const available = async () => (await api('GET', `/api/shop/products?orq=${ORQ}`))
    .find((p) => p.product.slug === 'butter-croissant').product.available;
  const before = await available();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: false });
  const page = await context.newPage();
  page.noJs = true;
  try {
    await signIn(page, server, 'operator');
    await page.waitForURL(/\/operator\/scan/);
    await page.goto(`${server.base}/operator/counter`);
    await page.getByRole('heading', { name: /^Pickups: .*\(today\)/ }).waitFor();
    await page.getByLabel('Reservation code').fill(placed.code.replace('-', '').toLowerCase());
    await page.getByRole('button', { name: 'Open order' }).click();
    await page.getByRole('heading', { name: `Order ${placed.code}` }).waitFor();
    const opened = page.locator('.opened .order');

    await opened.getByRole('button', { name: /^Confirm/ }).click();
    await page.locator('.opened .status', { hasText: 'Confirmed' }).waitFor();
    assert.equal(await statusOf(placed), 'CONFIRMED');
    await shot(page, 'counter-nojs-1280');
    await expectAccessible(page, 'counter without JavaScript at 1280 px');

    await page.locator('.opened .order').getByRole('button', { name: /^Cancel order/ }).click();
    await page.locator('.opened .status', { hasText: 'Cancelled' }).waitFor();
    assert.equal(await statusOf(placed), 'CANCELLED');
    assert.equal(await available(), before + 3, 'the three croissants are on sale again');
    // A cancelled order leaves the day's list; opened by its code, it says what became of it.
    assert.equal(await page.locator(`.day .order[data-code="${placed.code}"]`).count(), 0);
  } finally {
    await context.close();
  }
});

test('an admin sees the carts holding stock, what runs low and the shop figures, and serves at the counter', async () => {
  const held = await cartWith('olive-focaccia', 2);
  assert.ok(held);
  // 20 of the 24 loaves: 4 left, under the sourdough's threshold of 5.
  const loaves = await order('harbor-sourdough', 20);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  try {
    await signInAdmin(page, server);
    const alert = page.locator('.low-stock');
    await alert.waitFor();
    assert.match(await alert.textContent(), /Harbor Sourdough Loaf \(4 left\)/);
    await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Shop' }).click();
    await page.getByRole('heading', { name: 'Shop', level: 1 }).waitFor();

    const holds = page.getByRole('table', { name: 'Held in carts now' });
    const hold = holds.locator('tbody tr', { has: page.locator('th', { hasText: 'Olive & Rosemary Focaccia' }) });
    assert.equal(await hold.locator('td').first().textContent(), '2');
    assert.match(await hold.locator('td').last().textContent(), /\(in (9|10) min\)$/);
    const low = page.getByRole('table', { name: 'Products at or under their low-stock threshold' });
    const loaf = low.locator('tbody tr', { has: page.locator('th', { hasText: 'Harbor Sourdough Loaf' }) });
    assert.deepEqual(await loaf.locator('td').allTextContents(), ['4', '5']);
    const top = page.getByRole('table', { name: 'Most reserved products' });
    assert.equal(await top.locator('tbody tr').first().locator('th').textContent(), 'Harbor Sourdough Loaf');
    await page.getByRole('img', { name: /^Demand by weekday and hour/ }).waitFor();
    await page.getByRole('table', { name: 'Pickups by weekday and hour' }).waitFor();
    await shot(page, 'admin-shop-1280');
    await expectAccessible(page, 'admin shop at 1280 px');

    // The admin hands the loaves over at the counter; the fulfilment counts it.
    await page.getByRole('link', { name: 'Open the counter' }).click();
    const order = page.locator(`.day .order[data-code="${loaves.code}"]`);
    await order.waitFor();
    await page.locator('body[data-hydrated]').waitFor();
    await order.getByRole('button', { name: /^Picked up/ }).click();
    await order.locator('.status', { hasText: 'Picked up' }).waitFor();
    assert.equal(await statusOf(loaves), 'COMPLETED');

    await page.setViewportSize({ width: 360, height: 800 });
    await page.goto(`${server.base}/admin/shop`);
    const fulfilment = page.locator('.headlines div', { hasText: 'Fulfilment' }).locator('dd');
    assert.match(await fulfilment.textContent(), /^100% — \d+ of \d+ due pickups collected/);
    await shot(page, 'admin-shop-360');
    await expectAccessible(page, 'admin shop at 360 px');
  } finally {
    await context.close();
  }
});
