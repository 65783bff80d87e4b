// The customer's booking flow, end to end against the real server and database: hydrated and
// with JavaScript disabled, on a phone-sized screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, shot, demoCodes } from './harness.js';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

async function bookWholeFlow(javaScriptEnabled, code) {
  const tag = javaScriptEnabled ? 'js' : 'nojs';
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 360, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.base}/reserve?ticket=${code}`);
  await page.fill('#email', 'ada@example.com');
  await page.fill('#phone', '(202) 555-0143');
  await shot(page, `reserve-${tag}-1-contact`);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.locator('table.calendar').waitFor();
  await shot(page, `reserve-${tag}-2-calendar`);
  // The day after tomorrow always has bookable slots in the demo, whatever the time of day.
  await page.locator('td.day.available a, td.day.limited a').nth(1).click();
  await page.locator('.slots').waitFor();
  await shot(page, `reserve-${tag}-3-slots`);
  await page.locator('.slot a.button').first().click();
  await page.getByRole('heading', { name: 'Reservation summary' }).waitFor();
  assert.match(await page.locator('.facts').textContent(), /ada@example\.com.*\+12025550143/s);
  await shot(page, `reserve-${tag}-4-confirm`);
  await page.getByRole('button', { name: 'Confirm reservation' }).click();
  await page.waitForURL(/\/ticket\?code=/);
  assert.equal(await page.locator('.status').textContent(), 'RESERVED');
  assert.equal(await page.locator('.qr svg').count(), 1, 'the QR code is shown');
  const icsHref = await page.getByRole('link', { name: 'Add to calendar (.ics)' }).getAttribute('href');
  const ics = await page.request.get(new URL(icsHref, server.base).href);
  assert.match(await ics.text(), /BEGIN:VEVENT[\s\S]*DTSTART:\d{8}T\d{6}Z/);
  await shot(page, `reserve-${tag}-5-reserved`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than a 360px screen`);
  assert.deepEqual(errors, []);
  await context.close();
}

test('a customer books a visit from ticket code to reservation, hydrated', async () => {
  await bookWholeFlow(true, demoCodes(server, 'ACTIVATED')[0]);
});

test('the same flow completes with JavaScript disabled', async () => {
  await bookWholeFlow(false, demoCodes(server, 'ACTIVATED')[1]);
});

test('contact details are checked as they are typed', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.base}/reserve?ticket=${demoCodes(server, 'ACTIVATED')[2]}`);
  for (let i = 0; i < 50; i++) {
    await page.fill('#email', 'ada@');
    if ((await page.locator('#email-hint').textContent()).includes('✗')) break;
    await page.waitForTimeout(200);
  }
  assert.match(await page.locator('#email-hint').textContent(), /enter an email address/);
  await page.fill('#phone', '(202) 555-0143');
  assert.match(await page.locator('#phone-hint').textContent(), /\+12025550143/);
  await page.close();
});

test('an already reserved ticket is told its date instead of a calendar', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.base}/reserve?ticket=${demoCodes(server, 'RESERVED')[0]}`);
  assert.match(await page.getByRole('alert').textContent(), /already reserved for \d{4}-\d{2}-\d{2}/);
  await shot(page, 'reserve-already-reserved');
  await page.close();
});
