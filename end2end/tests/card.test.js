// The ticket to keep (issue 11 §3 point 9): the ticket page's "Save ticket card" download, and the
// page printed, which is the same card: the venue, the date and time in words, the QR code and the
// code, and nothing else. Hydrated and without JavaScript.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, launchBrowser, shot, demoCodes, decodeQrPng, verifiedPayload, artifacts } from './harness.js';

let server, browser;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await server?.stop(); });

/// A demo ticket with a visit booked, its page open; on an A4 sheet's width (96 dpi) when printed.
async function reservedTicketPage(javaScriptEnabled, viewport = { width: 360, height: 800 }) {
  const context = await browser.newContext({ javaScriptEnabled, viewport, acceptDownloads: true });
  const page = await context.newPage();
  const code = demoCodes(server, 'RESERVED')[0];
  await page.goto(`${server.base}/ticket?code=${code}`);
  if (javaScriptEnabled) {
    await page.waitForFunction(() => document.body.hasAttribute('data-hydrated'), null, { timeout: 15_000 });
  }
  return { page, code };
}

test('"Save ticket card" downloads the card: a 720×1080 PNG whose QR code is the ticket, signed', async () => {
  const { page, code } = await reservedTicketPage(true);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Save ticket card (PNG)' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), `ticket-${code}.png`);
  const path = join(artifacts, 'ticket-card.png');
  await download.saveAs(path);
  const png = readFileSync(path);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [720, 1080], 'portrait, 720×1080');
  // A blank page: the ticket page's CSP would refuse the decoder's script.
  const reader = await browser.newPage();
  const payload = await verifiedPayload(server, await decodeQrPng(reader, png));
  assert.equal(payload.code, code, 'the signed payload carries the ticket code');
  assert.ok(payload.date, 'and the reserved date');
  await reader.close();
  await page.context().close();
});

for (const javaScriptEnabled of [true, false]) {
  const tag = javaScriptEnabled ? 'js' : 'nojs';

  test(`printed, the ticket page is the ticket card and nothing else, on one page (${tag})`, async () => {
    const { page, code } = await reservedTicketPage(javaScriptEnabled, { width: 794, height: 1123 });
    const onScreen = await page.locator('main').innerText();
    assert.match(onScreen, /Add to calendar[\s\S]*Change of plans/, 'the screen shows the actions');
    await page.emulateMedia({ media: 'print' });
    await shot(page, `ticket-print-${tag}`);

    // What prints, in the page's order (the card's order is the stylesheet's): innerText leaves
    // out whatever is not displayed.
    const printed = (await page.locator('main').innerText()).split('\n').map((l) => l.trim()).filter(Boolean);
    assert.equal(printed.length, 5, printed.join(' | '));
    const [printedCode, date, time, zone, venue] = printed;
    assert.equal(printedCode, code);
    assert.match(date, /^(Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day, [A-Z][a-z]+ \d{1,2}, \d{4}$/, 'the date in words');
    assert.match(time, /^\d{1,2}:\d{2} [AP]M–\d{1,2}:\d{2} [AP]M$/);
    assert.equal(zone, '(New York time)');
    assert.equal(venue, 'Harbor Museum of Light');

    const qr = page.locator('.qr svg');
    assert.ok(await qr.isVisible(), 'the QR code prints');
    const box = await qr.boundingBox();
    assert.ok(box.width >= 300, `the QR code prints large: ${box.width} px`);
    for (const name of ['Print ticket', 'Add to calendar (.ics)', 'Save ticket card (PNG)', 'Change date or time', 'Cancel reservation']) {
      const action = page.getByRole(name === 'Print ticket' ? 'button' : 'link', { name });
      assert.equal(await action.isVisible(), false, `${name} does not print`);
    }
    // The venue reads first and the code last, as on the card.
    const top = async (selector) => (await page.locator(selector).boundingBox()).y;
    const order = [await top('.where'), await top('.date'), await top('.time'), await top('.qr'), await top('dd.code')];
    assert.deepEqual(order, [...order].sort((a, b) => a - b), `printed top to bottom: ${order}`);

    const pdf = await page.pdf({ path: join(artifacts, `ticket-print-${tag}.pdf`), format: 'A4', printBackground: true });
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) ?? [];
    assert.equal(pages.length, 1, 'the card fits one page');
    await page.context().close();
  });
}

test("the ticket page's QR code is the ticket, signed, for the visit the page shows", async () => {
  const context = await browser.newContext({ viewport: { width: 360, height: 800 }, deviceScaleFactor: 2 });
  const page = await context.newPage();
  const code = demoCodes(server, 'RESERVED')[0];
  await page.goto(`${server.base}/ticket?code=${code}`);
  // The inline SVG as the screen shows it, read by a QR reader on a blank page (the ticket page's
  // CSP would refuse the reader's script).
  const png = await page.locator('.qr svg').screenshot();
  const reader = await browser.newPage();
  const text = await decodeQrPng(reader, png);
  await reader.close();
  assert.ok(text, 'the QR code on the page reads');

  const payload = await verifiedPayload(server, text);

  assert.equal(payload.code, code);
  const inWords = new Intl.DateTimeFormat('en-US', {
    weekday: 'long', month: 'long', day: 'numeric', year: 'numeric', timeZone: 'UTC',
  }).format(new Date(`${payload.date}T00:00:00Z`));
  assert.equal((await page.locator('dd.date').textContent()).trim(), inWords);
  await context.close();
});
