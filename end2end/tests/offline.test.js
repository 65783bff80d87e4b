// The scanner through a Wi-Fi drop: offline, signed QR codes are checked on the device (genuine
// and today: valid; altered: invalid; another day: wrong date; admitted here before: already
// verified), admissions are queued in IndexedDB and survive a reload, and when the network
// returns they are sent; a ticket another door admitted meanwhile comes back as a conflict.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launchBrowser, launchProfile, signInOperator, shot, demoCodes, venueDate, decodeQrPng, wedgeScan, DEFAULT_NOW,
} from './harness.js';

let server, browser;
let next = 0;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });


/// A ticket booked for `days` from today, and the text of its QR code.
async function ticket(days) {
  const day = venueDate(DEFAULT_NOW, days);
  const slots = (await server.api('GET', `/api/reservation-slots/available?orq=1&month=${day.slice(0, 7)}`)).body.data;
  const slot = slots.find((s) => s.date === day && s.start_time >= '12:00');
  const code = demoCodes(server, 'ACTIVATED').at(-1 - next++);
  const { status, body } = await server.api('POST', '/api/reservations/create', {
    ticket_code: code, slot_id: slot.id, customer_email: 'ada@example.com', customer_phone: '+1 202 555 0143',
  });
  assert.equal(status, 200, JSON.stringify(body));
  const png = await (await fetch(`${server.base}/tickets/${code}/qr.png`)).arrayBuffer();
  const reader = await browser.newPage();
  const payload = await decodeQrPng(reader, png);
  await reader.close();
  return { code, payload };
}

/// Signed in, with the organization's keys kept on the device for offline checks.
async function signIn(page) {
  await signInOperator(page, server);
  await page.locator('section.door[data-keys-kept="true"]').waitFor();
}

/// What a handheld scanner does with a QR code: types its text in a burst and presses Enter.
async function scan(page, text) {
  await page.locator('h1').click();
  await wedgeScan(page, text);
}

async function result(page, headline) {
  // The headline is a symbol and the word: "✓ VALID" (and "✗ INVALID" must not pass for it).
  await page.locator('.result h2', { hasText: new RegExp(`^\\W*${headline}$`) }).waitFor();
  const text = await page.locator('.result').textContent();
  await page.getByRole('button', { name: 'Scan next' }).click();
  return text;
}

test('offline, tickets are checked by their signature, admissions wait on the device and are sent later, conflicts named', async () => {
  const profile = await launchProfile();
  const { context, page } = profile;
  try {
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page);
    await page.evaluate(() => navigator.serviceWorker.ready);
    const first = await ticket(0);
    const second = await ticket(0);
    const later = await ticket(3);

    await context.setOffline(true);
    await page.locator('.connection', { hasText: 'Offline' }).waitFor();

    await scan(page, first.payload);
    await page.locator('.result h2', { hasText: 'VALID' }).waitFor();
    assert.match(await page.locator('.result').textContent(), /Checked offline/);
    await shot(page, 'scanner-offline-valid');
    await page.getByRole('button', { name: 'Mark as verified' }).click();

    assert.match(await result(page, 'ADMITTED'), /Admitted offline/);
    await scan(page, first.payload);
    assert.match(await result(page, 'ALREADY VERIFIED'), /this device, offline/);

    const fields = later.payload.split(':');
    fields[3] = venueDate(DEFAULT_NOW).replaceAll('-', '');
    await scan(page, fields.join(':'));
    assert.match(await result(page, 'INVALID'), /signature|forged|altered/i);
    await scan(page, later.payload);
    assert.match(await result(page, 'WRONG DATE'), /3 days from now/);
    await scan(page, first.code);
    assert.match(await result(page, 'INVALID'), /only a ticket's QR code/);

    await scan(page, second.payload);
    await page.getByRole('button', { name: 'Mark as verified' }).click();
    await result(page, 'ADMITTED');
    await page.locator('.waiting', { hasText: '2 admitted offline' }).waitFor();

    // The queue survives the page going away: reloaded with no network, from the service worker.
    await page.reload();
    await page.locator('.waiting', { hasText: '2 admitted offline' }).waitFor();
    await shot(page, 'scanner-offline-waiting');

    // Meanwhile another door, online, admits the second ticket.
    const door = await browser.newContext({ viewport: { width: 360, height: 800 } });
    const other = await door.newPage();
    await signIn(other);
    await scan(other, second.payload);
    await other.getByRole('button', { name: 'Mark as verified' }).click();
    await other.locator('.result h2', { hasText: 'ADMITTED' }).waitFor();
    await door.close();

    // The network returns: the queue is sent; the first is admitted, the second a conflict.
    await context.setOffline(false);
    await page.locator('.connection', { hasText: 'Online' }).waitFor();
    await page.locator('.door-bar .problem', { hasText: second.code }).waitFor();
    assert.equal(await page.locator('.waiting').count(), 0, 'nothing left to send');
    assert.match(await page.locator('.shift').textContent(), /2 admitted/);
    await shot(page, 'scanner-synced-conflict');
    await scan(page, first.payload);
    assert.match(await result(page, 'ALREADY VERIFIED'), /Olivia Operator/);
    assert.deepEqual(errors, []);
  } finally {
    await profile.close();
  }
});

/// Resolves once the server has the ticket as admitted (its REST check answers ALREADY_VERIFIED);
/// fails after `ms`.
async function admittedOnServer(code, ms = 10_000) {
  const token = server.token('operator');
  const until = Date.now() + ms;
  let last;
  while (Date.now() < until) {
    last = await server.api('POST', '/api/operator/validate-ticket', { ticket_code: code }, token);
    if (last.body.error?.code === 'ALREADY_VERIFIED') return last.body.error;
    await new Promise((ok) => setTimeout(ok, 200));
  }
  assert.fail(`${code} was not admitted on the server: ${JSON.stringify(last.body)}`);
}

/// A phone whose scanner works from its own page (no service worker in the way of the test's
/// network switches): signed in, its keys kept, one admission made offline and waiting.
async function oneAdmittedOffline(goOffline) {
  const context = await browser.newContext({ viewport: { width: 360, height: 800 }, serviceWorkers: 'block' });
  const page = await context.newPage();
  await signIn(page);
  const admitted = await ticket(0);
  await goOffline(page);
  await scan(page, admitted.payload);
  await page.locator('.result h2', { hasText: 'VALID' }).waitFor();
  assert.match(await page.locator('.result').textContent(), /Checked offline/);
  await page.getByRole('button', { name: 'Mark as verified' }).click();
  assert.match(await result(page, 'ADMITTED'), /Admitted offline/);
  await page.locator('.waiting', { hasText: '1 admitted offline' }).waitFor();
  return { context, page, admitted };
}

test('admissions left waiting are sent when the scanner opens again with the network back', async () => {
  const { context, page, admitted } = await oneAdmittedOffline(async (p) => {
    await p.context().setOffline(true);
    await p.locator('.connection', { hasText: 'Offline' }).waitFor();
  });
  try {
    // The page goes away while offline; the network comes back with no scanner open to hear it.
    await page.close();
    await context.setOffline(false);
    const token = server.token('operator');
    const before = await server.api('POST', '/api/operator/validate-ticket', { ticket_code: admitted.code }, token);
    assert.equal(before.body.data?.validation_status, 'VALID', 'not sent yet: ' + JSON.stringify(before.body));

    const reopened = await context.newPage();
    await reopened.goto(server.base + '/operator/scan');
    await reopened.locator('section.door[data-keys-kept="true"]').waitFor();

    const verified = await admittedOnServer(admitted.code);
    assert.equal(verified.operator_name, 'Olivia Operator');
    await reopened.locator('.waiting').waitFor({ state: 'detached' });
    assert.match(await reopened.locator('.shift').textContent(), /1 admitted/);
  } finally {
    await context.close();
  }
});

test('"Send now" sends the admissions waiting on the device', async () => {
  // The browser believes it is online (no `online` event will come), but Gatehouse cannot be reached.
  const { context, page, admitted } = await oneAdmittedOffline(async (p) => {
    await p.route('**/sfn/**', (route) => route.abort('internetdisconnected'));
  });
  try {
    await page.unroute('**/sfn/**');
    await new Promise((ok) => setTimeout(ok, 1_000));
    assert.equal(await page.locator('.waiting').count(), 1, 'nothing is sent by itself');

    await page.getByRole('button', { name: 'Send now' }).click();

    await page.locator('.waiting').waitFor({ state: 'detached' });
    const verified = await admittedOnServer(admitted.code);
    assert.equal(verified.operator_name, 'Olivia Operator');
    assert.match(await page.locator('.connection').textContent(), /Online/);
  } finally {
    await context.close();
  }
});
