// The operator's scanner in the browser: sign-in lands on it; every result state of the PRD from a
// typed code, a keyboard-wedge burst and one-tap mode; the shift's count; the answer's time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, shot, expectAccessible, demoCodes, venueDate, DEFAULT_NOW, staffPassword, wedgeScan } from './harness.js';

let server, browser;
let nextCode = 0;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });


/// An activated demo ticket no test has used; once the demo's list of them runs out, a pending one
/// paid for (activated) by the admin.
async function activated() {
  const listed = demoCodes(server, 'ACTIVATED');
  if (nextCode < listed.length) return listed[nextCode++];
  const code = demoCodes(server, 'PENDING_PAYMENT').at(-1 - (nextCode++ - listed.length));
  const { status, body } = await server.api('POST', `/api/tickets/${code}/activate`, undefined, server.token('admin'));
  assert.equal(status, 200, JSON.stringify(body));
  return code;
}

/// A fresh ticket booked through the REST API for a slot `days` from the test's today.
async function bookedFor(days) {
  const day = venueDate(DEFAULT_NOW, days);
  const slots = (await server.api('GET', `/api/reservation-slots/available?orq=1&month=${day.slice(0, 7)}`)).body.data;
  // The test's clock is 11:00: today's noon slot and later ones are still ahead.
  const slot = slots.find((s) => s.date === day && s.start_time >= '12:00');
  const code = await activated();
  const { status, body } = await server.api('POST', '/api/reservations/create', {
    ticket_code: code, slot_id: slot.id, customer_email: 'ada@example.com', customer_phone: '+1 202 555 0143',
  });
  assert.equal(status, 200, JSON.stringify(body));
  return code;
}

/// An operator signed in on a phone, on the scanner; `prepare` may first set up the context.
async function scannerPage(prepare = async () => {}) {
  const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
  await prepare(context);
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  await page.goto(server.base + '/operator/login');
  await page.locator('body[data-hydrated]').waitFor();
  await page.getByLabel('Username').fill('operator');
  await page.getByLabel('Password').fill(staffPassword(server, 'operator'));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/operator\/scan$/);
  await page.getByRole('heading', { name: 'Scan a ticket' }).waitFor();
  return page;
}

async function typeCode(page, code) {
  await page.getByLabel('Ticket code').fill(code);
  await page.getByRole('button', { name: 'Check ticket' }).click();
}

async function result(page, headline) {
  // The headline is a symbol and the word: "✓ VALID" (and "✗ INVALID" must not pass for it).
  await page.locator('.result h2', { hasText: new RegExp(`^\\W*${headline}$`) }).waitFor();
  return page.locator('.result');
}

test('each result state fills the screen with its colour, word and symbol, and admits once', async () => {
  const page = await scannerPage();
  assert.match(await page.locator('.door-bar').textContent(), /Olivia Operator/);
  assert.match(await page.locator('.connection').textContent(), /Online/);
  assert.equal(await page.locator('video').isVisible(), false, 'no empty viewfinder before the camera starts');
  await shot(page, 'scanner-ready');
  await expectAccessible(page, 'scanner ready');

  // A typo is caught by the code's check character before anything is sent.
  const today = await bookedFor(0);
  const typo = today.slice(0, -1) + (today.endsWith('2') ? '3' : '2');
  await typeCode(page, typo);
  await page.getByText('This code has a typo').waitFor();
  assert.equal(await page.locator('.result').count(), 0);

  await typeCode(page, today);
  let shown = await result(page, 'VALID');
  assert.match(await shown.textContent(), /12:00 PM–2:00 PM[\s\S]*1\/\d+ booked[\s\S]*ada@example\.com/);
  assert.match(await shown.getAttribute('class'), /\bgo\b/);
  await shot(page, 'scanner-valid');
  const widths = await page.evaluate(() => [...document.querySelectorAll('.result button')].map((b) => b.getBoundingClientRect().width));
  assert.ok(widths.every((w) => w >= 320), `the result's buttons span the phone's width: ${widths}`);
  await expectAccessible(page, 'valid');
  await page.getByRole('button', { name: 'Mark as verified' }).click();
  shown = await result(page, 'ADMITTED');
  await shot(page, 'scanner-admitted');
  await page.getByRole('button', { name: 'Scan next' }).click();

  await typeCode(page, today);
  shown = await result(page, 'ALREADY VERIFIED');
  // When (the venue's time: the server's clock started at 11:00 in New York) and by whom.
  assert.match(await shown.locator('.facts').innerText(), /At\s+11:\d\d AM, Wednesday, April 14\s+By\s+Olivia Operator/);
  assert.match(await shown.getAttribute('class'), /\bcaution\b/);
  await shot(page, 'scanner-already-verified');
  await expectAccessible(page, 'already verified');
  await page.getByRole('button', { name: 'Scan next' }).click();

  await typeCode(page, await bookedFor(6));
  shown = await result(page, 'WRONG DATE');
  assert.match(await shown.textContent(), /Tuesday, April 20, 2027 \(6 days from now\)/);
  assert.match(await shown.getAttribute('class'), /\bstop\b/);
  await shot(page, 'scanner-wrong-date');
  await expectAccessible(page, 'wrong date');
  await page.getByRole('button', { name: 'Scan next' }).click();

  await typeCode(page, await activated());
  shown = await result(page, 'NO RESERVATION');
  await shot(page, 'scanner-no-reservation');
  await expectAccessible(page, 'no reservation');
  await page.getByRole('button', { name: 'Scan next' }).click();

  await typeCode(page, demoCodes(server, 'PENDING_PAYMENT')[0]);
  shown = await result(page, 'INVALID');
  assert.match(await shown.textContent(), /not activated yet/);
  await shot(page, 'scanner-invalid');
  await expectAccessible(page, 'invalid');
  await page.getByRole('button', { name: 'Scan next' }).click();

  // Back to the code field, ready for the next code.
  await page.waitForFunction(() => document.activeElement?.id === 'manual-code', null, { timeout: 2_000 });
  assert.match(await page.locator('.shift').textContent(),
    /1 admitted · refused 4 \(1 already verified, 1 no reservation, 1 not paid, 1 wrong date\)/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a keyboard-wedge scanner is heard whatever has focus, and one-tap mode admits at once', async () => {
  const page = await scannerPage();
  await page.locator('summary', { hasText: 'Scanner settings' }).click();
  await page.getByLabel("This device's name").fill('North door');
  await page.getByLabel("This device's name").press('Tab');
  await page.getByLabel('One-tap mode').check();
  await page.locator('h1').click();

  // A handheld scanner types a code in a burst and presses Enter.
  const code = await bookedFor(0);
  await wedgeScan(page, code);
  await result(page, 'ADMITTED');
  // Typed slowly outside a field, nothing is taken as a scan.
  await page.getByRole('button', { name: 'Scan next' }).click();
  await page.locator('h1').click();
  await page.keyboard.type('TKT2027', { delay: 150 });
  await page.keyboard.press('Enter');
  await new Promise((ok) => setTimeout(ok, 300));
  assert.equal(await page.locator('.result').count(), 0);

  // The settings stay on the device.
  await page.reload();
  await page.getByRole('heading', { name: 'Scan a ticket' }).waitFor();
  assert.equal(await page.getByLabel('One-tap mode').isChecked(), true);
  assert.equal(await page.getByLabel("This device's name").inputValue(), 'North door');
  await page.context().close();
});

test('a scan is answered fast: server time over 20 scans', async () => {
  const page = await scannerPage();
  const codes = [];
  for (let i = 0; i < 20; i++) codes.push(await bookedFor(0));
  const times = [];
  for (const code of codes) {
    await typeCode(page, code);
    await result(page, 'VALID');
    times.push(Number(await page.locator('.timing').getAttribute('data-server-ms')));
    await page.getByRole('button', { name: 'Scan next' }).click();
  }
  times.sort((a, b) => a - b);
  const p95 = times[Math.ceil(times.length * 0.95) - 1];
  console.log(`# scan → result, server round trip: p50 ${times[10]} ms, p95 ${p95} ms`);
  assert.ok(p95 < 300, `p95 ${p95} ms`);
  await page.context().close();
});

test('in one-tap mode the next scan replaces the last result, with no tap between', async () => {
  const page = await scannerPage();
  await page.locator('summary', { hasText: 'Scanner settings' }).click();
  await page.getByLabel('One-tap mode').check();
  await page.locator('h1').click();
  const [first, second] = [await bookedFor(0), await bookedFor(0)];

  await wedgeScan(page, first);
  let shown = await result(page, 'ADMITTED');
  assert.match(await shown.locator('.code').textContent(), new RegExp(first));
  await wedgeScan(page, second);

  await page.locator('.result .code', { hasText: second }).waitFor({ timeout: 5_000 });
  shown = await result(page, 'ADMITTED');
  assert.equal(await page.locator('.result').count(), 1);
  assert.match(await page.locator('.shift').textContent(), /2 admitted/);
  await page.context().close();
});

test('each result beeps and buzzes in its own way where the device can', async () => {
  // What the page asks of the phone's vibration motor and speaker, recorded (the sound still
  // plays, to no one).
  const page = await scannerPage((context) => context.addInitScript(() => {
    window.signals = [];
    Navigator.prototype.vibrate = function (pattern) {
      window.signals.push(['buzz', Array.from(pattern)]);
      return true;
    };
    const Real = window.AudioContext;
    window.AudioContext = class extends Real {
      createOscillator() {
        const oscillator = super.createOscillator();
        const start = oscillator.start.bind(oscillator);
        oscillator.start = (when) => {
          window.signals.push(['beep', oscillator.frequency.value]);
          return start(when);
        };
        return oscillator;
      }
    };
  }));
  const signalsFor = async (code, headline) => {
    await page.evaluate(() => { window.signals = []; });
    await typeCode(page, code);
    await result(page, headline);
    const signals = await page.evaluate(() => window.signals);
    await page.getByRole('button', { name: 'Scan next' }).click();
    return signals;
  };

  // Let in: one short high beep and buzz; caution: two; turn away: one long low one.
  assert.deepEqual(await signalsFor(await bookedFor(0), 'VALID'), [['buzz', [80]], ['beep', 880]]);
  assert.deepEqual(await signalsFor(await activated(), 'NO RESERVATION'),
    [['buzz', [80, 80, 80]], ['beep', 660], ['beep', 660]]);
  assert.deepEqual(await signalsFor(demoCodes(server, 'PENDING_PAYMENT')[0], 'INVALID'), [['buzz', [400]], ['beep', 220]]);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
