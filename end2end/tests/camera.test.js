// The scanner's camera path in Chromium: a fake camera (Chromium's test capture device) films a
// real ticket's QR code, made by the server for a visit booked today; the page reads it in WASM,
// checks it with the server and admits the holder. Also the decoder's time per frame, as is and
// with the CPU slowed 4× as on a cheap phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  startServer, launchBrowser, launchCamera, filmOf, shot, demoCodes, venueDate, DEFAULT_NOW, artifacts, signInOperator,
} from './harness.js';

let server, helper, stubbed;
before(async () => { server = await startServer(); helper = await launchBrowser(); });
after(async () => { await stubbed?.close(); await helper?.close(); await server?.stop(); });

let booked = 0;
/// A demo ticket, each time another, with a visit booked today.
async function bookedToday() {
  const day = venueDate(DEFAULT_NOW);
  const slots = (await server.api('GET', `/api/reservation-slots/available?orq=1&month=${day.slice(0, 7)}`)).body.data;
  const slot = slots.find((s) => s.date === day && s.start_time >= '12:00');
  const code = demoCodes(server, 'ACTIVATED').at(-1 - booked++);
  const { status, body } = await server.api('POST', '/api/reservations/create', {
    ticket_code: code, slot_id: slot.id, customer_email: 'ada@example.com', customer_phone: '+1 202 555 0143',
  });
  assert.equal(status, 200, JSON.stringify(body));
  return code;
}

/// The checks (`door_check`) `page` sends, as they go out.
function checksSent(page) {
  const sent = [];
  page.on('request', (r) => { if (new URL(r.url()).pathname === '/sfn/door_check') sent.push(Date.now()); });
  return sent;
}

test("the camera reads a real ticket's signed QR code, and the holder is admitted", async () => {
  const code = await bookedToday();
  const png = await (await fetch(`${server.base}/tickets/${code}/qr.png`)).arrayBuffer();
  const video = join(artifacts, 'ticket.y4m');
  await filmOf(helper, `data:image/png;base64,${Buffer.from(png).toString('base64')}`, video);
  const browser = await launchCamera(video);
  try {
    const page = await browser.newPage({ viewport: { width: 360, height: 800 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const checks = checksSent(page);
    await signInOperator(page, server);
    await page.getByRole('button', { name: 'Start camera' }).click();
    await page.locator('.result h2', { hasText: 'VALID' }).waitFor({ timeout: 15_000 });
    assert.equal(await page.getByRole('button', { name: /^Light/ }).count(), 0, 'a camera without a light has no switch');
    assert.match(await page.locator('.result .code').textContent(), new RegExp(code));
    await shot(page, 'scanner-camera-valid');
    await page.getByRole('button', { name: 'Mark as verified' }).click();
    await page.locator('.result h2', { hasText: 'ADMITTED' }).waitFor();

    // The decoder's time per frame, as the page measures it, then with the CPU slowed 4×.
    const perFrame = async () => {
      const times = [];
      for (let i = 0; i < 25; i++) {
        await new Promise((ok) => setTimeout(ok, 130));
        times.push(Number(await page.locator('.timing').getAttribute('data-decode-ms')));
      }
      times.sort((a, b) => a - b);
      return { median: times[12], p95: times[23] };
    };
    const plain = await perFrame();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    const slowed = await perFrame();
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
    // The ticket stayed in view all along (over 6 s): it was checked once, not again.
    assert.equal(checks.length, 1, 'one check for the ticket held in view');
    assert.match(await page.locator('.result h2').textContent(), /ADMITTED$/);
    console.log(`# decode per 640×480 frame: median ${plain.median} ms, p95 ${plain.p95} ms; ` +
      `CPU 4× slower: median ${slowed.median} ms, p95 ${slowed.p95} ms`);
    // The target is 30 ms a frame with the CPU slowed 4× (a cheap phone). A shared CI
    // machine's speed varies too much for a time to pass or fail a test, so the budget is checked
    // only when asked for: `npm run bench:decode` (GATEHOUSE_DECODE_BUDGET_MS=30).
    const budget = Number(process.env.GATEHOUSE_DECODE_BUDGET_MS);
    if (budget > 0) {
      assert.ok(slowed.median <= budget,
        `decoding takes ${slowed.median} ms a frame with the CPU slowed 4× (budget ${budget} ms)`);
    }
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('a camera that is refused, or missing, is said plainly and typing still works', async () => {
  const cases = [
    // A fake camera, but the permission prompt is answered no (headless Chromium's default).
    [['--use-fake-device-for-media-stream'], /camera was not allowed/],
    // No camera at all.
    [[], /no camera the scanner can use/],
  ];
  for (const [switches, message] of cases) {
    const browser = await launchBrowser(switches);
    try {
      const page = await browser.newPage({ viewport: { width: 360, height: 800 } });
      await signInOperator(page, server);
      await page.getByRole('button', { name: 'Start camera' }).click();
      const said = page.locator('.camera .problem');
      await said.waitFor();
      assert.match(await said.textContent(), message);
      assert.match(await said.textContent(), /type codes below/i);
      await page.getByRole('button', { name: 'Start camera' }).waitFor();
      assert.equal(await page.getByLabel('Ticket code').isEditable(), true);
    } finally {
      await browser.close();
    }
  }
});

/// The operator's scanner in a Chromium whose fake camera films its test pattern (no QR code in
/// it), with what a phone has and Chromium on Linux lacks put in place and recorded in
/// `window.camera`: what `getUserMedia` was asked; with `torch`, a camera light (its switching
/// recorded in `applied`); with `detector`, a `BarcodeDetector` that reads `camera.inView`.
async function stubbedScanner({ torch = false, detector = false } = {}) {
  stubbed ??= await launchBrowser(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream']);
  const context = await stubbed.newContext({ viewport: { width: 360, height: 800 } });
  await context.addInitScript((phone) => {
    if (!navigator.mediaDevices) return;
    window.camera = { asked: [], applied: [], detected: 0, formats: null, inView: null };
    const devices = navigator.mediaDevices;
    const getUserMedia = devices.getUserMedia.bind(devices);
    devices.getUserMedia = (constraints) => {
      window.camera.asked.push(JSON.parse(JSON.stringify(constraints)));
      return getUserMedia(constraints);
    };
    if (phone.torch) {
      const capabilities = MediaStreamTrack.prototype.getCapabilities;
      MediaStreamTrack.prototype.getCapabilities = function () { return { ...capabilities.call(this), torch: true }; };
      MediaStreamTrack.prototype.applyConstraints = function (constraints) {
        window.camera.applied.push(JSON.parse(JSON.stringify(constraints)));
        return Promise.resolve();
      };
    }
    if (phone.detector) {
      window.BarcodeDetector = class {
        static async getSupportedFormats() { return ['qr_code']; }
        constructor(options) { window.camera.formats = options?.formats ?? null; }
        async detect() {
          window.camera.detected++;
          const text = window.camera.inView;
          return text ? [{ rawValue: text, format: 'qr_code' }] : [];
        }
      };
    }
  }, { torch, detector });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  await signInOperator(page, server);
  return page;
}

const camera = (page) => page.evaluate(() => window.camera);
const pause = (ms) => new Promise((ok) => setTimeout(ok, ms));

test('the rear camera is asked for, and its light can be switched where it has one', async () => {
  const page = await stubbedScanner({ torch: true });
  try {
    await page.getByRole('button', { name: 'Start camera' }).click();
    await page.getByRole('button', { name: 'Stop camera' }).waitFor();

    const { asked } = await camera(page);
    assert.equal(asked.length, 1);
    assert.deepEqual(asked[0].video.facingMode, { ideal: 'environment' });
    assert.equal(asked[0].audio, false);

    const light = page.getByRole('button', { name: /^Light/ });
    assert.equal(await light.textContent(), 'Light on');
    assert.equal(await light.getAttribute('aria-pressed'), 'false');
    await light.click();
    await page.getByRole('button', { name: 'Light off' }).waitFor();
    assert.equal(await light.getAttribute('aria-pressed'), 'true');
    await light.click();
    await page.getByRole('button', { name: 'Light on' }).waitFor();
    assert.deepEqual((await camera(page)).applied, [{ advanced: [{ torch: true }] }, { advanced: [{ torch: false }] }]);
    assert.deepEqual(page.errors, []);
  } finally {
    await page.context().close();
  }
});

test("where the browser reads QR codes itself (BarcodeDetector), the scanner uses it", async () => {
  const page = await stubbedScanner({ detector: true });
  try {
    const code = await bookedToday();
    await page.evaluate((text) => { window.camera.inView = text; }, code);

    await page.getByRole('button', { name: 'Start camera' }).click();

    await page.locator('.result h2', { hasText: 'VALID' }).waitFor({ timeout: 10_000 });
    assert.match(await page.locator('.result .code').textContent(), new RegExp(code));
    const { formats, detected } = await camera(page);
    assert.deepEqual(formats, ['qr_code']);
    assert.ok(detected >= 1, `read by the detector: ${detected}`);
    assert.deepEqual(page.errors, []);
  } finally {
    await page.context().close();
  }
});

test('a code held in view, or shown again within 4 s, is checked once; after 4 s away it is a new scan', async () => {
  const page = await stubbedScanner({ detector: true });
  try {
    const code = await bookedToday();
    const checks = checksSent(page);
    const hold = (text) => page.evaluate((t) => { window.camera.inView = t; }, text);
    await hold(code);
    await page.getByRole('button', { name: 'Start camera' }).click();
    await page.locator('.result h2', { hasText: 'VALID' }).waitFor({ timeout: 10_000 });

    // Held in view for 5 s while its result shows: read again and again, sent once.
    const readBefore = (await camera(page)).detected;
    await pause(5_000);
    const read = (await camera(page)).detected - readBefore;
    assert.ok(read >= 10, `frames kept being read: ${read} in 5 s`);
    assert.equal(checks.length, 1, 'held in view');
    // Taken away for a moment and shown again.
    await hold(null);
    await pause(1_500);
    await hold(code);
    await pause(1_500);
    assert.equal(checks.length, 1, 'back within 4 s');

    // Away for longer than 4 s: shown again, it is checked again.
    await hold(null);
    await pause(4_500);
    await hold(code);
    const until = Date.now() + 3_000;
    while (checks.length < 2 && Date.now() < until) await pause(50);
    assert.equal(checks.length, 2, 'back after 4 s away');
    assert.deepEqual(page.errors, []);
  } finally {
    await page.context().close();
  }
});
