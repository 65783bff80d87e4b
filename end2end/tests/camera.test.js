// The scanner's camera path in Chromium: a fake camera (Chromium's test capture device) films a
// real ticket's QR code, made by the server for a visit booked today; the page reads it in WASM,
// checks it with the server and admits the holder. Also the decoder's time per frame, as is and
// with the CPU slowed 4× as on a cheap phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, launchBrowser, shot, demoCodes, venueDate, DEFAULT_NOW, artifacts, signInOperator } from './harness.js';

let server, helper;
before(async () => { server = await startServer(); helper = await launchBrowser(); });
after(async () => { await helper?.close(); await server?.stop(); });

async function bookedToday() {
  const day = venueDate(DEFAULT_NOW);
  const slots = (await server.api('GET', `/api/reservation-slots/available?orq=1&month=${day.slice(0, 7)}`)).body.data;
  const slot = slots.find((s) => s.date === day && s.start_time >= '12:00');
  const code = demoCodes(server, 'ACTIVATED').at(-1);
  const { status, body } = await server.api('POST', '/api/reservations/create', {
    ticket_code: code, slot_id: slot.id, customer_email: 'ada@example.com', customer_phone: '+1 202 555 0143',
  });
  assert.equal(status, 200, JSON.stringify(body));
  return code;
}

/// A Y4M video (what Chromium's fake camera plays) of `png` held up in a 640×480 frame: the
/// picture's luma, grey chroma, a slightly different frame every few to look like a hand.
async function filmOf(png, path) {
  const page = await helper.newPage();
  const luma = await page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = 640;
    canvas.height = 480;
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#d8d4cc';
    ctx.fillRect(0, 0, 640, 480);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(img, 170, 90, 300, 300);
    const { data } = ctx.getImageData(0, 0, 640, 480);
    const y = new Array(640 * 480);
    for (let i = 0; i < y.length; i++) {
      y[i] = Math.round(0.299 * data[i * 4] + 0.587 * data[i * 4 + 1] + 0.114 * data[i * 4 + 2]);
    }
    return y;
  }, Buffer.from(png).toString('base64'));
  await page.close();
  const header = Buffer.from('YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n');
  const frame = Buffer.concat([Buffer.from('FRAME\n'), Buffer.from(luma), Buffer.alloc(2 * 320 * 240, 128)]);
  writeFileSync(path, Buffer.concat([header, ...Array(10).fill(frame)]));
}

/// Chromium whose camera films `video`, and which allows the camera without asking.
function cameraBrowser(video) {
  return launchBrowser(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
    `--use-file-for-fake-video-capture=${video}`]);
}


test("the camera reads a real ticket's signed QR code, and the holder is admitted", async () => {
  const code = await bookedToday();
  const png = await (await fetch(`${server.base}/tickets/${code}/qr.png`)).arrayBuffer();
  const video = join(artifacts, 'ticket.y4m');
  await filmOf(png, video);
  const browser = await cameraBrowser(video);
  try {
    const page = await browser.newPage({ viewport: { width: 360, height: 800 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signInOperator(page, server);
    await page.getByRole('button', { name: 'Start camera' }).click();
    await page.locator('.result h2', { hasText: 'VALID' }).waitFor({ timeout: 15_000 });
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
